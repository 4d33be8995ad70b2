"""Shared helpers: the repository's fixtures and the `fleetopt` CLI the package is held to.

The CLI binary is `$FLEETOPT_BIN`, else `$CARGO_TARGET_DIR/debug/fleetopt`, else
`<repo>/target/debug/fleetopt` (what `cargo build` makes). The tests compare the package's
answers with the CLI's `--format json` output on the same fixtures, so a missing binary is a
failure, not a skip.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any, List, Sequence

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = REPO / "fixtures"
SMALL_CATALOG = FIXTURES / "catalogs" / "small.json"


def cli_binary() -> Path:
    explicit = os.environ.get("FLEETOPT_BIN")
    if explicit:
        return Path(explicit)
    target = Path(os.environ.get("CARGO_TARGET_DIR", REPO / "target"))
    if not target.is_absolute():
        target = REPO / target
    return target / "debug" / "fleetopt"


@pytest.fixture(scope="session")
def cli() -> Path:
    binary = cli_binary()
    if not binary.is_file():
        pytest.fail(
            f"the fleetopt CLI is not built at {binary}: run `cargo build` "
            "(or set FLEETOPT_BIN) before the Python tests"
        )
    return binary


def run_cli(
    binary: Path, args: Sequence[Any], expect: int = 0
) -> subprocess.CompletedProcess:
    """Runs the CLI from the repository root; asserts its exit code."""
    done = subprocess.run(
        [str(binary), *map(str, args)],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == expect, (done.returncode, done.stderr)
    return done


def cli_json(binary: Path, args: Sequence[Any]) -> Any:
    """`json.loads` of the CLI's stdout for a command that succeeds."""
    return json.loads(run_cli(binary, args).stdout)


def cli_error(binary: Path, args: Sequence[Any], expect: int) -> str:
    """The CLI's `error: ` message (without the prefix) for a command that fails."""
    stderr = run_cli(binary, args, expect=expect).stderr
    assert stderr.startswith("error: "), stderr
    return stderr[len("error: ") :].rstrip("\n")


def cli_lines(binary: Path, args: Sequence[Any], expect: int = 0) -> List[Any]:
    """`json.loads` of each line of the CLI's stdout (JSON Lines)."""
    out = run_cli(binary, args, expect=expect).stdout
    return [json.loads(line) for line in out.splitlines() if line.strip()]


def same_document(ours: Any, theirs: Any) -> bool:
    """Equal values with the same key order everywhere (the CLI's field order)."""
    return ours == theirs and json.dumps(ours) == json.dumps(theirs)
