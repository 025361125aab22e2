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


def _public_api():
    """(qualified name, object) for every class and function a module's
    __all__ exports, and every public method (and __init__, __call__) of
    those classes; each object once, under its first name."""
    import inspect
    import typing
    seen = set()
    for mod in _public_modules():
        for name in getattr(mod, "__all__", ()):
            obj = getattr(mod, name)
            # A type alias such as registry.Domain (tuple[...]) is no class, but
            # inspect.isclass says it is on Python 3.10: get_origin tells them apart.
            is_class = inspect.isclass(obj) and typing.get_origin(obj) is None
            if not (is_class or inspect.isfunction(obj)) or obj in seen:
                continue
            seen.add(obj)
            yield f"{mod.__name__}.{name}", obj
            if inspect.isfunction(obj):
                continue
            for attr, member in vars(obj).items():
                if attr.startswith("_") and attr not in ("__init__", "__call__"):
                    continue
                if isinstance(member, (staticmethod, classmethod)):
                    member = member.__func__
                if isinstance(member, property):
                    member = member.fget
                if inspect.isfunction(member):
                    yield f"{mod.__name__}.{name}.{attr}", member


API = dict(_public_api())


def test_the_api_walk_finds_the_api():
    assert len(API) > 150, len(API)      # about 190 classes, functions and methods
    expected = {"autograd.Value.backward", "autograd.grad", "autograd.Compiled.value_and_grad",
                "nn.MLP.__call__", "nn.Module.load", "nn.SGD.step", "nn.mse", "nn.io.read_state"}
    assert expected <= set(API), expected - set(API)


def test_every_public_function_and_method_is_annotated():
    import inspect
    missing = {}
    for qualname, obj in API.items():
        if inspect.isclass(obj):
            continue
        sig = inspect.signature(obj)
        params = [p for i, p in enumerate(sig.parameters.values())
                  if not (i == 0 and p.name in ("self", "cls"))]
        lacking = [p.name for p in params if p.annotation is inspect.Parameter.empty]
        if sig.return_annotation is inspect.Signature.empty:
            lacking.append("return")
        if lacking:
            missing[qualname] = lacking
    assert not missing, f"annotate these: {missing}"


def test_every_public_name_has_a_docstring_example():
    import inspect
    # Dunder methods are documented by their class; the examples themselves
    # run in tests/test_doctests.py.
    lacking = [q for q, obj in API.items()
               if not obj.__name__.startswith("__") and ">>>" not in (inspect.getdoc(obj) or "")]
    assert not lacking, f"give these a short example: {lacking}"


def test_both_packages_ship_py_typed():
    for pkg in ("autograd", "nn"):
        assert os.path.isfile(os.path.join(ROOT, pkg, "py.typed")), pkg
