"""The zero-gradient rule (issue 13, defect 9; issue 19, defect 3), one rule
for every way of differentiating: a node whose incoming gradient is exactly 0
(a float zero) passes nothing; its local derivatives are still checked where
they can be infinite, because 0 times infinity has no value.  backward, grad,
node-by-node ``_backward()`` and the plain engine all follow it.

With ``grad(..., create_graph=True)`` a gradient that is a *Value* with data
0 is not a constant zero: its own derivative may be non-zero, so it still
passes (dropping it would lose second-derivative terms).  The second
derivatives below are checked against closed forms and finite differences
exactly where that matters (docs/engine.md, "The zero-gradient rule").
"""
import math

import pytest

from autograd import Primitive, Value, apply, grad, plain


def test_a_zero_gradient_through_a_finite_local_derivative_gives_zero_in_every_mode():
    # tanh(x) * 0 at x = 0.5: the tanh node receives 0 and passes nothing
    x = Value(0.5)
    y = x.tanh() * 0.0
    assert grad(y, [x]) == (0.0,)
    (dx,) = grad(y, [x], create_graph=True)
    assert dx.data == 0.0 and grad(dx, [x]) == (0.0,)
    y.backward()
    assert x.grad == 0.0
    px = plain.Value(0.5)
    py = px.tanh() * 0.0
    py.backward()
    assert px.grad == 0.0


SQRT_AT_0 = r"through sqrt\(0\.0\): local derivative is not finite"


@pytest.mark.parametrize("make", [lambda v: v.sqrt() * 0.0, lambda v: v.sqrt() ** 2])
def test_sqrt_at_zero_behind_a_zero_gradient_is_refused_in_every_mode(make):
    # sqrt(x) * 0 at x = 0 is 0 everywhere, but sqrt(x) ** 2 = x meets sqrt'(0)
    # with the same zero gradient: 0 * inf decides nothing, so both are refused.
    x = Value(0.0)
    for create_graph in (False, True):
        with pytest.raises(ValueError, match="^grad " + SQRT_AT_0):
            grad(make(x), [x], create_graph=create_graph)
    for V in (Value, plain.Value):
        v = V(0.0)
        with pytest.raises(ValueError, match="^backward " + SQRT_AT_0):
            make(v).backward()
        assert v.grad == 0.0


def test_node_by_node_backward_follows_the_same_rule():
    x = Value(0.0)
    r = x.sqrt()
    y = r * 0.0
    y.grad = 1.0
    y._backward()
    assert r.grad == 0.0
    with pytest.raises(ValueError, match="^backward " + SQRT_AT_0):
        r._backward()                  # incoming gradient 0, sqrt'(0) infinite: refused
    assert x.grad == 0.0
    t = x.tanh()
    t._backward()                      # incoming gradient 0, tanh' finite: nothing passes
    assert x.grad == 0.0


def _spy():
    calls = []
    prim = Primitive("spy", "spy", 1, lambda m, x: x,
                     lambda m, out, x: (calls.append(x), 1.0)[1:])
    return prim, calls


@pytest.mark.parametrize("factor", [0.0, -0.0, 2.0])
def test_a_primitive_outside_the_table_is_always_checked(factor):
    # The engine knows which of the table's own rules are finite at finite
    # operands; a primitive it does not know is evaluated (and checked) even
    # behind a zero gradient.  Four ways of differentiating: four evaluations.
    prim, calls = _spy()
    x = Value(1.5)
    y = apply(prim, x) * factor
    y.backward()
    grad(y, [x])
    grad(y, [x], create_graph=True)
    s = apply(prim, x)
    s.grad = factor
    s._backward()
    assert len(calls) == 4


def test_a_value_gradient_with_data_zero_still_passes_for_second_derivatives():
    # f = (x - 1) * exp(x): at x = 1 the exp node's incoming gradient is the
    # Value x - 1, whose data is 0 but whose derivative is 1.
    # f'' = 2 exp(x) + (x - 1) exp(x) = 2e at x = 1.  Skipping the zero Value
    # would give e.
    x = Value(1.0)
    (dx,) = grad((x - 1.0) * x.exp(), [x], create_graph=True)
    assert dx.data == pytest.approx(math.e, rel=1e-15)
    (d2,) = grad(dx, [x])
    assert d2 == pytest.approx(2 * math.e, rel=1e-14)

    def first(at):
        v = Value(at)
        return grad((v - 1.0) * v.exp(), [v])[0]

    h = 1e-6
    assert d2 == pytest.approx((first(1.0 + h) - first(1.0 - h)) / (2 * h), rel=1e-7)


def test_a_mixed_second_derivative_through_a_zero_value_gradient():
    # f = y * tanh(x) at y = 0: d2f/dx dy = 1 - tanh(x)^2, though df/dx = 0 there.
    x, y = Value(0.3), Value(0.0)
    dx, dy = grad(y * x.tanh(), [x, y], create_graph=True)
    assert dx.data == 0.0
    assert grad(dx, [y])[0] == pytest.approx(1 - math.tanh(0.3) ** 2, rel=1e-15)

    def dfdx(at_y):
        u = Value(0.3)
        return grad(Value(at_y) * u.tanh(), [u])[0]

    h = 1e-6
    assert grad(dx, [y])[0] == pytest.approx((dfdx(h) - dfdx(-h)) / (2 * h), rel=1e-8)


def test_both_modes_refuse_an_infinite_derivative_behind_a_zero_value():
    # f = sqrt(x) * y at x = y = 0: df/dx = y / (2 sqrt x) is 0 * inf.  Float
    # grad refuses it (the zero-gradient rule); as a graph, df/dx must keep
    # the term y / (2 sqrt x), whose derivative in y is infinite: refused too.
    x, y = Value(0.0), Value(0.0)
    f = x.sqrt() * y
    for create_graph in (False, True):
        with pytest.raises(ValueError, match="^grad " + SQRT_AT_0):
            grad(f, [x, y], create_graph=create_graph)
