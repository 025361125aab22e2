"""The demos' docstring examples run too (tests/test_doctests.py covers autograd and nn)."""
import doctest
import importlib

import pytest


@pytest.mark.parametrize("name", ["demos._common", "demos.neuron", "demos.moons"])
def test_demo_docstring_examples(name):
    result = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)
    assert result.attempted > 0 and result.failed == 0
