"""The public API: docstrings everywhere, and the `.pyi` stubs match the runtime signatures."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import fleetopt

STUB = Path(fleetopt.__file__).with_name("__init__.pyi")


def stub_functions():
    tree = ast.parse(STUB.read_text())
    return {node.name: node for node in tree.body if isinstance(node, ast.FunctionDef)}


def stub_parameters(node: ast.FunctionDef):
    args = node.args
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    out = [(a.arg, "positional", d) for a, d in zip(positional, defaults)]
    out += [(a.arg, "keyword", d) for a, d in zip(args.kwonlyargs, args.kw_defaults)]
    return [(name, kind, None if d is None else ast.literal_eval(d)) for name, kind, d in out]


def runtime_parameters(function):
    out = []
    for p in inspect.signature(function).parameters.values():
        kind = "keyword" if p.kind is p.KEYWORD_ONLY else "positional"
        default = None if p.default is p.empty else p.default
        out.append((p.name, kind, default))
    return out


def test_every_public_name_is_documented():
    for name in fleetopt.__all__:
        value = getattr(fleetopt, name)
        assert value.__doc__ and len(value.__doc__) > 20, name
    for method in ["load", "info"]:
        assert getattr(fleetopt.Catalog, method).__doc__, method
    for prop in ["path", "regions", "type_count"]:
        assert getattr(fleetopt.Catalog, prop).__doc__, prop
    assert fleetopt.__doc__


def test_the_stubs_match_the_functions():
    stubs = stub_functions()
    functions = [n for n in fleetopt.__all__ if inspect.isfunction(getattr(fleetopt, n))]
    assert sorted(stubs) == sorted(functions)
    for name in functions:
        assert stub_parameters(stubs[name]) == runtime_parameters(getattr(fleetopt, name)), name


def test_the_stubs_name_every_class():
    tree = ast.parse(STUB.read_text())
    classes = {node.name for node in tree.body if isinstance(node, ast.ClassDef)}
    assert classes == {n for n in fleetopt.__all__ if inspect.isclass(getattr(fleetopt, n))}
    assert (STUB.parent / "py.typed").exists()
