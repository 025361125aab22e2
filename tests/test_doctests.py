"""Every docstring example in the packages runs and prints what it says."""
import doctest
import importlib
import pkgutil

import pytest

import autograd
import nn


def _modules():
    for pkg in (autograd, nn):
        yield pkg.__name__
        for info in pkgutil.walk_packages(pkg.__path__, pkg.__name__ + "."):
            if info.name != "autograd.numpy":  # a signpost that raises on import
                yield info.name


@pytest.mark.parametrize("name", sorted(set(_modules())))
def test_docstring_examples(name):
    module = importlib.import_module(name)
    result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
