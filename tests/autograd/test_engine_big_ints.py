"""Ints too large for a float are refused by name, with the value shortened
(issue 13, defect 11): never a bare "int too large to convert to float"."""
import pytest

import autograd
from autograd import Value, grad

HUGE = 10 ** 400


@pytest.mark.parametrize("make,where", [
    (lambda: Value(HUGE), "Value"),
    (lambda: Value(-HUGE), "Value"),
    (lambda: Value(1.0) * HUGE, "mul"),
    (lambda: HUGE + Value(1.0), "add"),
    (lambda: Value(1.0) / HUGE, "div"),
    (lambda: Value(2.0) ** HUGE, "pow"),
    (lambda: HUGE ** Value(2.0), "pow"),
    (lambda: Value(1.0).leaky_relu(HUGE), "leaky_relu"),
    (lambda: autograd.apply("mul", Value(1.0), HUGE), "mul"),
    (lambda: autograd.sum([Value(1.0), HUGE]), "sum"),
    (lambda: autograd.dot([HUGE, 1.0], [Value(1.0), Value(2.0)]), "dot"),
    (lambda: autograd.dot([Value(1.0)], [HUGE]), "dot"),
    (lambda: Value(1.0).backward(HUGE), "backward"),
    (lambda: autograd.gradcheck(lambda x: x * 2, [HUGE]), "gradcheck"),
])
def test_an_int_too_large_for_a_float_is_named(make, where):
    with pytest.raises(ValueError) as info:
        make()
    text = str(info.value)
    assert text.startswith(where), text
    assert "too large for a float" in text
    assert "10000000000" in text and "401 digits" in text
    assert len(text) < 200, "the value must be shortened, not printed whole"


def test_an_int_beyond_pythons_str_limit_is_still_named():
    with pytest.raises(ValueError, match=r"^Value: an int of about 5,000 digits is too large"):
        Value(10 ** 5000)


def test_nothing_changes_when_an_operand_is_refused():
    x = Value(3.0)
    x.grad = 0.5
    with pytest.raises(ValueError):
        x * HUGE
    with pytest.raises(ValueError):
        x.backward(HUGE)
    assert (x.data, x.grad) == (3.0, 0.5)
    assert grad(x * 2.0, [x]) == (2.0,)


def test_big_ints_that_fit_are_still_accepted():
    assert Value(10 ** 300).data == 1e300
    assert (Value(1.0) * 2 ** 1000).data == 2.0 ** 1000
