"""nn's public API is typed and documented: every function, class and public
method that a module of ``nn`` exports (its ``__all__``) has parameter and
return annotations and a docstring with an example (the examples themselves
run in tests/test_doctests.py)."""
import importlib
import inspect
import pkgutil

import pytest

import nn


def _public_objects():
    for info in [None, *pkgutil.iter_modules(nn.__path__)]:
        module = nn if info is None else importlib.import_module(f"nn.{info.name}")
        for name in module.__all__:
            obj = getattr(module, name)
            if inspect.isclass(obj) or inspect.isfunction(obj):
                yield f"{module.__name__}.{name}", obj


def _callables():
    seen = set()
    for qualname, obj in _public_objects():
        if obj in seen:
            continue
        seen.add(obj)
        if inspect.isfunction(obj):
            yield qualname, obj
            continue
        for attr, member in vars(obj).items():
            if attr.startswith("_") and attr not in ("__init__", "__call__"):
                continue
            if isinstance(member, (classmethod, staticmethod)):
                member = member.__func__
            if isinstance(member, property):
                member = member.fget
            if inspect.isfunction(member):
                yield f"{qualname}.{attr}", member


CALLABLES = dict(_callables())


def test_the_api_is_not_empty():
    expected = {"nn.MLP.__call__", "nn.Module.load", "nn.SGD.step", "nn.mse", "nn.io.read_state"}
    assert expected <= set(CALLABLES)


@pytest.mark.parametrize("name", sorted(CALLABLES))
def test_every_public_callable_is_annotated(name):
    fn = CALLABLES[name]
    sig = inspect.signature(fn)
    missing = [p.name for p in sig.parameters.values()
               if p.name not in ("self", "cls") and p.annotation is inspect.Parameter.empty]
    assert not missing, f"{name}: parameters without annotations: {missing}"
    assert sig.return_annotation is not inspect.Signature.empty, f"{name}: no return annotation"


@pytest.mark.parametrize("name", sorted([n for n, fn in CALLABLES.items()
                                         if not fn.__name__.startswith("__")]
                                        + [q for q, _ in _public_objects()]))
def test_every_public_name_has_an_example(name):
    obj = CALLABLES.get(name) or dict(_public_objects())[name]
    assert ">>>" in (inspect.getdoc(obj) or ""), f"{name}: no docstring example"
