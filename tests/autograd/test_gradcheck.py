"""gradcheck: a correct derivative passes, a wrong one fails, at first and second order.

The truth here is closed forms written in each test (d/dx x**2 = 2x, sin'' = -sin)
and the central differences they imply; never gradcheck's own output.  The
rules that must fail are built with ``Primitive(...)`` directly, which skips
register()'s check, so that a wrong rule can reach gradcheck at all.
"""
import math
import re

import pytest

from autograd import GradcheckError, Primitive, Value, apply, gradcheck


def _square_with(derivative):
    """x**2 whose local derivative is ``derivative(m, x)`` (the truth is 2x)."""
    return Primitive("sq_test", "sq", 1, lambda m, x: x * x,
                     lambda m, out, x: (derivative(m, x),))


def _numeric(error):
    """The numeric values a GradcheckError reports, in row order."""
    return [float(n) for n in re.findall(r"numeric (\S+)", str(error))]


# -- the step is relative to the input's size (issue 19, item 20) ---------------------

@pytest.mark.parametrize("x", [1e20, -3e15, 1e-20, 0.0])
def test_a_correct_gradient_passes_at_any_scale(x):
    # d/dx x^2 = 2x and d/dx (x*w + x) = w + 1: right, so gradcheck must pass at every size.
    assert gradcheck(lambda v: v * v, [x])
    assert gradcheck(lambda v, w: v * w + v, [x, 2.0])
    assert gradcheck(lambda v: v * v * 3.0, [x], order=2)


def test_a_correct_gradient_passes_near_the_largest_float():
    assert gradcheck(lambda v: v * 0.5 - v / 3.0, [1e300])


def test_a_wrong_gradient_still_fails_at_1e20():
    wrong = _square_with(lambda m, x: 2.2 * x)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda v: apply(wrong, v), [1e20])
    # The numeric value is the true derivative 2x, not 0 (the absolute step's answer).
    assert _numeric(info.value) == [pytest.approx(2e20, rel=1e-9)]


# -- central differences, not one-sided --------------------------------------------

def test_a_zero_derivative_of_a_steep_parabola_passes():
    # f = 1e4 x^2 at 0: f' = 0.  A one-sided difference gives 1e4 * h = 1e-2,
    # a thousand times the tolerance; the central one gives 0.
    assert gradcheck(lambda v: 1e4 * v * v, [0.0])
    assert gradcheck(lambda v: 1e4 * (v - 1.0) ** 2, [1.0])


def test_the_numeric_value_reported_is_the_central_difference():
    # At x = 1.5 the truth is 3.0; a central difference of x^2 is exact up to
    # rounding, a one-sided one is off by h = 1.5e-6.
    wrong = _square_with(lambda m, x: 3 * x)
    with pytest.raises(GradcheckError) as info:
        gradcheck(lambda v: apply(wrong, v), [1.5])
    assert _numeric(info.value) == [pytest.approx(3.0, abs=1e-8)]


def test_a_zero_second_derivative_of_a_steep_cubic_passes():
    # f = 1e4 x^3 at 0: f'' = 0; a one-sided difference of f' gives 3e4 * h = 3e-2.
    assert gradcheck(lambda v: 1e4 * v ** 3, [0.0], order=2)


# -- the default tolerances (atol 1e-5, rtol 1e-3) are tight enough -----------------

@pytest.mark.parametrize("x", [3.0, -2.0, 0.5, 1e-3, 1e20])
def test_a_derivative_5_percent_wrong_fails(x):
    wrong = _square_with(lambda m, x: 2.1 * x)
    with pytest.raises(GradcheckError, match="mismatch"):
        gradcheck(lambda v: apply(wrong, v), [x])


def test_a_derivative_off_by_1e_minus_4_where_it_is_0_fails():
    wrong = _square_with(lambda m, x: 2 * x + 1e-4)
    with pytest.raises(GradcheckError):
        gradcheck(lambda v: apply(wrong, v), [0.0])


@pytest.mark.parametrize("point", [[0.3, -1.2], [2.0, 0.7], [-1.5, 1e-3]])
def test_correct_derivatives_pass(point):
    assert gradcheck(lambda x, y: (x * y).tanh() + x.exp() * y - (x * x + 1.0).log(), point)
    assert gradcheck(lambda x, y: (x * y).sigmoid() * y ** 3 + (x - y).softplus(), point, order=2)


# -- order=2: second derivatives through grad(..., create_graph=True) ------------------

def test_order_2_catches_a_rule_whose_second_derivative_is_silently_0():
    # math.sin/math.cos read the number: right on floats, a constant on Values.
    # (register() refuses such a rule; Primitive(...) by hand does not check.)
    sin = Primitive("sin_math", "sin", 1, lambda m, x: math.sin(x),
                    lambda m, out, x: (math.cos(x),))
    f = lambda v: apply(sin, v)  # noqa: E731
    assert gradcheck(f, [0.5])                      # first order is right
    with pytest.raises(GradcheckError, match="second order") as info:
        gradcheck(f, [0.5], order=2)
    assert "analytic 0.0" in str(info.value)
    assert _numeric(info.value)[-1] == pytest.approx(-math.sin(0.5), abs=1e-8)   # sin'' = -sin


def test_order_2_checks_mixed_partials():
    # f = x * y^2: d2f/dx dy = 2y = 1.6 at y = 0.8.  A mul whose derivative
    # w.r.t. x reads y^2's number (float(b)) is right at first order, but its
    # df/dx is then a constant: the mixed partial comes out 0.
    bad_mul = Primitive("mul_test", "*", 2, lambda m, a, b: a * b,
                        lambda m, out, a, b: (float(b), a))
    f = lambda x, y: apply(bad_mul, x, y * y)  # noqa: E731
    assert gradcheck(f, [0.5, 0.8])
    with pytest.raises(GradcheckError) as info:
        gradcheck(f, [0.5, 0.8], order=2)
    assert pytest.approx(1.6, abs=1e-8) in _numeric(info.value)
    assert gradcheck(lambda x, y: x * y * y, [0.5, 0.8], order=2)


def test_order_2_passes_for_every_smooth_builtin():
    f = lambda x, y: ((x * y).exp() / (1.0 + y * y) + (x * x + 2.0).sqrt() * 2.0 ** y  # noqa: E731
                      - x ** y.abs() + (x - y).tanh())
    assert gradcheck(f, [0.7, -0.4], order=2)


# -- bad arguments are refused by name -----------------------------------------------

@pytest.mark.parametrize("kwargs, words", [
    ({"order": 3}, ["order", "3"]),
    ({"order": True}, ["order", "True"]),
    ({"order": 1.0}, ["order", "1.0"]),
    ({"eps": 1e-20}, ["eps", "1e-20"]),
])
def test_bad_options_are_refused(kwargs, words):
    with pytest.raises((TypeError, ValueError)) as info:
        gradcheck(lambda v: v * v, [1.0], **kwargs)
    assert all(w in str(info.value) for w in ["gradcheck", *words]), str(info.value)


def test_an_infinite_input_is_refused():
    with pytest.raises(ValueError, match=r"gradcheck: input 0 is inf"):
        gradcheck(lambda v: v * v, [math.inf])


def test_a_step_past_the_edge_of_the_domain_says_so():
    with pytest.raises(ValueError, match=r"gradcheck: f raised at input 0 = .*log"):
        gradcheck(lambda v: v.log(), [1e-7])


def test_a_value_input_is_read_not_changed():
    x = Value(0.5)
    x.grad = 7.0
    assert gradcheck(lambda v: v.exp(), [x], order=2)
    assert (x.data, x.grad) == (0.5, 7.0)
