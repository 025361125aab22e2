"""The package layout a newcomer relies on: every file is a module you can
import by its path, the top-level names stay functions, and chaingrad's other
packages use only named interfaces of the engine, never its private names."""
import ast
import os
import pkgutil
import types

import pytest

import autograd

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def _module_names():
    names = []
    for info in pkgutil.walk_packages(autograd.__path__, "autograd."):
        if info.name != "autograd.numpy":   # the HIPS signpost raises on import, on purpose
            names.append(info.name)
    return names


def test_the_pipeline_has_one_subpackage_per_stage():
    names = set(_module_names())
    assert {"autograd.primitives", "autograd.engine", "autograd.functional"} <= names
    assert {n for n in names if n.startswith("autograd.viz.")} >= {
        "autograd.viz.dot", "autograd.viz.text", "autograd.viz.frames", "autograd.viz.rendering"}
    assert {"autograd.compiler.tracing", "autograd.compiler.compiled"} <= names
    flat = {n for n in names if n.count(".") == 1}
    assert not any(n.startswith(("autograd.viz_", "autograd.trace", "autograd.levels"))
                   for n in flat), flat


@pytest.mark.parametrize("name", _module_names())
def test_import_as_gives_the_module_for_every_file(name):
    # `import a.b as m` reads attribute b of a: a function exported under the
    # same name as its file would shadow the module (autograd.compile did).
    scope = {}
    exec(f"import {name} as m", scope)
    assert isinstance(scope["m"], types.ModuleType), (name, scope["m"])
    assert scope["m"].__name__ == name


def test_top_level_names_stay_the_functions():
    assert callable(autograd.compile) and not isinstance(autograd.compile, types.ModuleType)
    for name in autograd.__all__:
        assert hasattr(autograd, name), name


def _private_engine_uses(path):
    """Every `_private` name that the file at ``path`` takes from autograd."""
    tree = ast.parse(open(path, encoding="utf-8").read(), path)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("autograd"):
            found += [f"{node.module}.{a.name}" for a in node.names if a.name.startswith("_")]
            if any(part.startswith("_") for part in node.module.split(".")):
                found.append(node.module)
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") \
                and not node.attr.startswith("__"):
            base = node.value
            while isinstance(base, ast.Attribute):
                base = base.value
            if isinstance(base, ast.Name) and base.id == "autograd":
                found.append(ast.unparse(node))
    return found


@pytest.mark.parametrize("package", ["nn", "demos", "benchmarks"])
def test_other_packages_use_no_private_engine_names(package):
    uses = {}
    for folder, _, files in os.walk(os.path.join(ROOT, package)):
        for f in files:
            if f.endswith(".py"):
                path = os.path.join(folder, f)
                if _private_engine_uses(path):
                    uses[os.path.relpath(path, ROOT)] = _private_engine_uses(path)
    assert not uses, f"use a public name or autograd.internal instead: {uses}"
