"""The README's Python example runs as written (from the repository root)."""

from __future__ import annotations

import os
import re

from conftest import REPO


def test_the_readme_example_runs(capsys):
    text = (REPO / "README.md").read_text()
    section = text[text.index("\n## Python\n") :]
    example = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    here = os.getcwd()
    os.chdir(REPO)
    try:
        exec(compile(example, "README.md (## Python)", "exec"), {})
    finally:
        os.chdir(here)
    printed = capsys.readouterr().out.splitlines()
    assert printed[0].endswith(" optimal")
    assert printed[1].startswith("infeasible 3 fixtures/optimal/infeasible-spread.toml: ")
