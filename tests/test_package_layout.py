"""The layout a new contributor relies on: each feature package defines its blueprint in its
``__init__.py``; route modules import their package, never each other; commands live beside
the feature they manage; no module grows past 400 lines."""

from __future__ import annotations

import ast
from pathlib import Path

APP = Path(__file__).resolve().parent.parent / "app"
ROUTE_DECORATORS = {"route", "get", "post", "put", "patch", "delete"}


def _modules() -> dict[str, ast.Module]:
    modules = {}
    for path in APP.rglob("*.py"):
        name = ".".join(path.relative_to(APP.parent).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = ast.parse(path.read_text(encoding="utf-8"))
    return modules


def _route_modules(modules: dict[str, ast.Module]) -> set[str]:
    found = set()
    for name, tree in modules.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    call = decorator.func if isinstance(decorator, ast.Call) else decorator
                    if isinstance(call, ast.Attribute) and call.attr in ROUTE_DECORATORS:
                        found.add(name)
    return found


def _imported(tree: ast.Module) -> set[str]:
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return names


def test_blueprints_are_defined_in_their_package_init():
    for name, tree in _modules().items():
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "Blueprint":
                assert (APP.parent / name.replace(".", "/") / "__init__.py").is_file(), (
                    f"{name} defines a Blueprint: define it in its package's __init__.py")


def test_route_modules_never_import_each_other():
    modules = _modules()
    routes = _route_modules(modules)
    assert {"app.site.views", "app.editor.views", "app.api.views"} <= routes
    for name in routes:
        others = (_imported(modules[name]) & routes) - {name}
        assert not others, f"{name} imports route module(s) {sorted(others)}"


def test_commands_live_beside_their_feature():
    tree = _modules()["app.cli"]
    decorated = [node for node in ast.walk(tree)
                 if isinstance(node, ast.FunctionDef) and node.decorator_list]
    assert decorated == [], "app/cli.py only gathers the features' command groups"


def test_no_module_over_400_lines():
    long = {str(path.relative_to(APP.parent)): count for path in APP.rglob("*.py")
            if (count := len(path.read_text(encoding="utf-8").splitlines())) > 400}
    assert long == {}
