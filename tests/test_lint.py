"""The code style and the typed API are enforced here, so the README's test
command (which CI runs) fails on a lint error or a type error."""
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _tool(name):
    if shutil.which(name) is None and subprocess.run(
            [sys.executable, "-m", name, "--version"], capture_output=True).returncode != 0:
        pytest.skip(f"{name} is not installed: pip install -e '.[test]' installs it")
    return [sys.executable, "-m", name]


def test_ruff_check_is_clean():
    r = subprocess.run(_tool("ruff") + ["check", "."], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def test_mypy_reports_no_error():
    # Configured in pyproject.toml: the files autograd and nn, bodies of
    # unannotated helpers checked too.
    r = subprocess.run(_tool("mypy"), cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr


def _public_modules():
    import importlib
    import pkgutil

    import autograd
    import nn
    for pkg in (autograd, nn):
        yield pkg
        for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            if info.name != "autograd.numpy":   # the HIPS signpost raises on import
                yield importlib.import_module(info.name)


def _public_callables():
    """(qualified name, function) for every function a module's __all__
    exports and every public method (and __init__, __call__) of its classes."""
    import inspect
    for mod in _public_modules():
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name)
            if inspect.isclass(obj):
                for attr, member in vars(obj).items():
                    if attr.startswith("_") and attr not in ("__init__", "__call__"):
                        continue
                    if isinstance(member, (staticmethod, classmethod)):
                        member = member.__func__
                    if isinstance(member, property):
                        member = member.fget
                    if inspect.isfunction(member):
                        yield f"{mod.__name__}.{name}.{attr}", member
            elif inspect.isfunction(obj):
                yield f"{mod.__name__}.{name}", obj


def test_every_public_function_and_method_is_annotated():
    import inspect
    missing = {}
    seen = 0
    for qualname, fn in _public_callables():
        seen += 1
        sig = inspect.signature(fn)
        params = [p for i, p in enumerate(sig.parameters.values())
                  if not (i == 0 and p.name in ("self", "cls"))]
        lacking = [p.name for p in params if p.annotation is inspect.Parameter.empty]
        if sig.return_annotation is inspect.Signature.empty and fn.__name__ != "__init__":
            lacking.append("return")
        if lacking:
            missing[qualname] = lacking
    assert seen > 200, seen       # the walk found the API (about 250 functions and methods)
    assert not missing, f"annotate these: {missing}"


def test_both_packages_ship_py_typed():
    for pkg in ("autograd", "nn"):
        assert os.path.isfile(os.path.join(ROOT, pkg, "py.typed")), pkg
