"""grad(): first derivatives without touching .grad, and higher derivatives
through create_graph=True, against closed forms."""
import math

import pytest

import autograd
from autograd import Value, grad


def nth(f, x0, n):
    x = Value(x0)
    d = f(x)
    out = []
    for _ in range(n):
        (d,) = grad(d, [x], create_graph=True)
        out.append(d.data)
    return out


def test_cube_second_derivative_at_2_is_12():
    assert nth(lambda x: x ** 3, 2.0, 3) == [12.0, 12.0, 6.0]


@pytest.mark.parametrize("name,f,derivs", [
    ("exp", lambda x: x.exp(), lambda x: [math.exp(x)] * 4),
    ("log", lambda x: x.log(), lambda x: [1 / x, -1 / x ** 2, 2 / x ** 3, -6 / x ** 4]),
    ("sqrt", lambda x: x.sqrt(), lambda x: [0.5 * x ** -0.5, -0.25 * x ** -1.5,
                                            0.375 * x ** -2.5, -0.9375 * x ** -3.5]),
    ("tanh", lambda x: x.tanh(), lambda x: [
        1 - math.tanh(x) ** 2,
        -2 * math.tanh(x) * (1 - math.tanh(x) ** 2),
        (1 - math.tanh(x) ** 2) * (6 * math.tanh(x) ** 2 - 2),
        -8 * math.tanh(x) * (1 - math.tanh(x) ** 2) * (3 * math.tanh(x) ** 2 - 2)]),
    ("sigmoid", lambda x: x.sigmoid(), lambda x: (lambda s: [
        s * (1 - s), s * (1 - s) * (1 - 2 * s), s * (1 - s) * (1 - 6 * s + 6 * s * s),
        s * (1 - s) * (1 - 2 * s) * (1 - 12 * s + 12 * s * s)])(1 / (1 + math.exp(-x)))),
    ("softplus", lambda x: x.softplus(), lambda x: (lambda s: [
        s, s * (1 - s), s * (1 - s) * (1 - 2 * s), s * (1 - s) * (1 - 6 * s + 6 * s * s)])(
            1 / (1 + math.exp(-x)))),
    ("x^-2", lambda x: x ** -2, lambda x: [-2 * x ** -3, 6 * x ** -4, -24 * x ** -5, 120 * x ** -6]),
    ("2^x", lambda x: 2 ** x, lambda x: [2 ** x * math.log(2) ** k for k in range(1, 5)]),
    ("x^x", lambda x: x ** x, lambda x: [
        x ** x * (math.log(x) + 1),
        x ** x * ((math.log(x) + 1) ** 2 + 1 / x),
        x ** x * ((math.log(x) + 1) ** 3 + 3 * (math.log(x) + 1) / x - 1 / x ** 2),
        None]),
    ("x/(1+x^2)", lambda x: x / (1 + x * x), lambda x: [
        (1 - x * x) / (1 + x * x) ** 2, (2 * x ** 3 - 6 * x) / (1 + x * x) ** 3, None, None]),
    ("relu(x)^3", lambda x: x.relu() ** 3, lambda x: [3 * x * x, 6 * x, 6.0, 0.0]),
    ("leaky(x)*x", lambda x: x.leaky_relu(0.1) * x, lambda x: [0.2 * x, 0.2, 0.0, 0.0]),
])
@pytest.mark.parametrize("x0", [0.7, 1.9])
def test_higher_derivatives_match_closed_forms(name, f, derivs, x0):
    if name == "leaky(x)*x":
        x0 = -x0
    got = nth(f, x0, 4)
    for k, (g, want) in enumerate(zip(got, derivs(x0)), start=1):
        if want is not None:
            assert g == pytest.approx(want, rel=1e-9, abs=1e-12), (name, k)


def test_mixed_partials_of_two_variables():
    x, y = Value(0.8), Value(-1.3)
    f = (x * y).exp() + x ** 2 * y
    fx, fy = grad(f, [x, y], create_graph=True)
    fxy = grad(fx, [y])[0]
    fyx = grad(fy, [x])[0]
    want = math.exp(0.8 * -1.3) * (1 + 0.8 * -1.3) + 2 * 0.8
    assert fxy == pytest.approx(want, rel=1e-12)
    assert fyx == pytest.approx(want, rel=1e-12)


def test_grad_does_not_touch_dot_grad():
    x = Value(2.0)
    y = x * x
    x.grad = 0.25
    assert grad(y, [x]) == (4.0,)
    assert x.grad == 0.25 and y.grad == 0.0


def test_grad_of_unrelated_input_is_zero():
    x, z = Value(2.0), Value(5.0)
    assert grad(x * 3, [x, z]) == (3.0, 0.0)
    dx, dz = grad(x * 3, [x, z], create_graph=True)
    assert isinstance(dz, Value) and dz.data == 0.0 and dx.data == 3.0


def test_grad_matches_backward_on_dot_and_sum():
    ws = [Value(0.1 * i - 0.3) for i in range(6)]
    xs = [0.5, -1.0, 2.0, 0.0, 1.5, -0.25]
    loss = autograd.sum([autograd.dot(xs, ws).tanh(), ws[0] * ws[1]]) ** 2
    g = grad(loss, ws)
    loss.backward()
    assert list(g) == pytest.approx([w.grad for w in ws], rel=1e-12)


def test_hessian_vector_of_dot_via_create_graph():
    a, b = Value(1.5), Value(-0.5)
    f = autograd.dot([a, b], [a, b]) * a  # (a^2 + b^2) a
    da, db = grad(f, [a, b], create_graph=True)
    assert grad(da, [a, b]) == pytest.approx((6 * 1.5, 2 * -0.5))
    assert grad(db, [a, b]) == pytest.approx((2 * -0.5, 2 * 1.5))
