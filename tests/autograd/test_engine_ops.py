"""Every operation's value and gradient against hand-derived formulas and
central differences, at many points."""
import math

import numpy as np
import pytest

import autograd
from autograd import Value, gradcheck


def sig(x):
    return 1 / (1 + math.exp(-x)) if x >= 0 else math.exp(x) / (1 + math.exp(x))


# name -> (apply to a Value, value formula, derivative formula, points)
UNARY = {
    "exp": (lambda v: v.exp(), math.exp, math.exp, [-3, -0.5, 0, 0.7, 5]),
    "log": (lambda v: v.log(), math.log, lambda x: 1 / x, [1e-3, 0.5, 1, 2, 100]),
    "sqrt": (lambda v: v.sqrt(), math.sqrt, lambda x: 0.5 / math.sqrt(x), [1e-3, 0.25, 1, 9]),
    "abs": (lambda v: v.abs(), abs, lambda x: math.copysign(1, x), [-2, -0.1, 0.3, 4]),
    "tanh": (lambda v: v.tanh(), math.tanh, lambda x: 1 / math.cosh(x) ** 2, [-3, -0.2, 0, 0.5, 2]),
    "sigmoid": (lambda v: v.sigmoid(), sig, lambda x: sig(x) * (1 - sig(x)), [-6, -1, 0, 1, 6]),
    "softplus": (lambda v: v.softplus(), lambda x: math.log(1 + math.exp(x)), sig, [-6, -1, 0, 1, 6]),
    "relu": (lambda v: v.relu(), lambda x: max(x, 0.0), lambda x: 1.0 if x > 0 else 0.0, [-2, -0.1, 0.1, 3]),
    "leaky_relu": (lambda v: v.leaky_relu(), lambda x: x if x >= 0 else 0.01 * x,
                   lambda x: 1.0 if x >= 0 else 0.01, [-2, -0.1, 0.1, 3]),
    "leaky_relu(0.2)": (lambda v: v.leaky_relu(0.2), lambda x: x if x >= 0 else 0.2 * x,
                        lambda x: 1.0 if x >= 0 else 0.2, [-2, -0.1, 0.1, 3]),
    "neg": (lambda v: -v, lambda x: -x, lambda x: -1.0, [-2, 0, 3]),
    "pos": (lambda v: +v, lambda x: x, lambda x: 1.0, [-2, 0, 3]),
    "pow 3": (lambda v: v ** 3, lambda x: x ** 3, lambda x: 3 * x ** 2, [-2, -0.5, 0, 1.5]),
    "pow -2": (lambda v: v ** -2, lambda x: x ** -2, lambda x: -2 * x ** -3, [-2, -0.5, 0.5, 3]),
    "pow 0.5": (lambda v: v ** 0.5, math.sqrt, lambda x: 0.5 / math.sqrt(x), [0.1, 1, 4]),
    "rpow 2**v": (lambda v: 2 ** v, lambda x: 2 ** x, lambda x: 2 ** x * math.log(2), [-3, 0, 0.5, 4]),
    "add const": (lambda v: v + 2.5, lambda x: x + 2.5, lambda x: 1.0, [-1, 0, 2]),
    "radd const": (lambda v: 2.5 + v, lambda x: x + 2.5, lambda x: 1.0, [-1, 0, 2]),
    "sub const": (lambda v: v - 2.5, lambda x: x - 2.5, lambda x: 1.0, [-1, 0, 2]),
    "rsub const": (lambda v: 2.5 - v, lambda x: 2.5 - x, lambda x: -1.0, [-1, 0, 2]),
    "mul const": (lambda v: v * -3, lambda x: -3 * x, lambda x: -3.0, [-1, 0, 2]),
    "rmul const": (lambda v: -3 * v, lambda x: -3 * x, lambda x: -3.0, [-1, 0, 2]),
    "div const": (lambda v: v / 4, lambda x: x / 4, lambda x: 0.25, [-1, 0, 2]),
    "rdiv const": (lambda v: 4 / v, lambda x: 4 / x, lambda x: -4 / x ** 2, [-2, 0.5, 3]),
}


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_value_and_gradient_match_closed_form(name):
    op, f, df, points = UNARY[name]
    for x0 in points:
        x = Value(x0)
        y = op(x)
        assert y.data == pytest.approx(f(x0), rel=1e-12, abs=1e-300)
        y.backward()
        assert x.grad == pytest.approx(df(x0), rel=1e-9, abs=1e-12), (name, x0)


@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_gradient_matches_central_differences(name):
    op, _, _, points = UNARY[name]
    for x0 in points:
        if x0 == 0 and name in ("abs", "relu", "leaky_relu", "leaky_relu(0.2)"):
            continue  # a kink: central differences average the two sides
        assert gradcheck(op, [x0])


BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b, lambda a, b: (1.0, 1.0)),
    "sub": (lambda a, b: a - b, lambda a, b: a - b, lambda a, b: (1.0, -1.0)),
    "mul": (lambda a, b: a * b, lambda a, b: a * b, lambda a, b: (b, a)),
    "div": (lambda a, b: a / b, lambda a, b: a / b, lambda a, b: (1 / b, -a / b ** 2)),
    "vpow": (lambda a, b: a ** b, lambda a, b: a ** b,
             lambda a, b: (b * a ** (b - 1), a ** b * math.log(a))),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@pytest.mark.parametrize("a0,b0", [(0.5, 2.0), (3.0, -1.5), (1.7, 0.3), (2.0, 2.0)])
def test_binary_value_and_gradients(name, a0, b0):
    op, f, df = BINARY[name]
    a, b = Value(a0), Value(b0)
    y = op(a, b)
    assert y.data == pytest.approx(f(a0, b0), rel=1e-12)
    y.backward()
    da, db = df(a0, b0)
    assert a.grad == pytest.approx(da, rel=1e-12)
    assert b.grad == pytest.approx(db, rel=1e-12)
    assert gradcheck(op, [a0, b0])


def test_sum_and_dot_are_one_node_with_value_parents():
    xs = [Value(float(i), label=f"x{i}") for i in range(5)]
    ws = [Value(0.5 * i - 1, label=f"w{i}") for i in range(5)]
    s = autograd.sum(xs + [2.0])
    assert s.op == "sum" and s.parents == tuple(xs)
    assert s.data == sum(range(5)) + 2.0
    d = autograd.dot(xs, ws)
    assert d.op == "dot" and d.parents == tuple(xs + ws)
    assert d.data == pytest.approx(sum(x.data * w.data for x, w in zip(xs, ws)), rel=1e-15)
    d.backward()
    for x, w in zip(xs, ws):
        assert x.grad == w.data and w.grad == x.data
    mixed = autograd.dot([1.0, 2, ws[0]], [ws[1], ws[2], 3])
    assert mixed.parents == (ws[0], ws[1], ws[2])
    assert mixed.data == pytest.approx(1.0 * ws[1].data + 2 * ws[2].data + 3 * ws[0].data)


def test_dot_gradcheck_with_repeated_operands():
    def f(a, b, c):
        return autograd.dot([a, b, a, 2.0], [b, c, a, c])
    assert gradcheck(f, [0.3, -1.1, 2.0])


SHARED = {
    "x*x": (lambda x, y: x * x, lambda x, y: (2 * x, 0.0)),
    "a+a": (lambda x, y: x + x, lambda x, y: (2.0, 0.0)),
    "diamond": (lambda x, y: (lambda t: t.exp() * t.tanh())(x * y),
                lambda x, y: tuple(v * (math.exp(x * y) * math.tanh(x * y)
                                        + math.exp(x * y) / math.cosh(x * y) ** 2)
                                   for v in (y, x))),
    "reuse thrice": (lambda x, y: (lambda t: t * t + t / y)(x + y),
                     lambda x, y: (2 * (x + y) + 1 / y, 2 * (x + y) + 1 / y - (x + y) / y ** 2)),
}


@pytest.mark.parametrize("name", sorted(SHARED))
@pytest.mark.parametrize("x0,y0", [(0.4, 1.3), (-1.2, 0.7), (2.0, -0.5)])
def test_shared_subexpressions_sum_over_all_paths(name, x0, y0):
    f, df = SHARED[name]
    x, y = Value(x0), Value(y0)
    f(x, y).backward()
    dx, dy = df(x0, y0)
    assert x.grad == pytest.approx(dx, rel=1e-12, abs=1e-15)
    assert y.grad == pytest.approx(dy, rel=1e-12, abs=1e-15)
    assert gradcheck(f, [x0, y0])


def test_x_times_x_has_two_parents():
    x = Value(3.0)
    assert (x * x).parents == (x, x)


@pytest.mark.parametrize("x0", [-1000.0, -50.0, -1e-8, 0.0, 1e-8, 50.0, 1000.0])
def test_sigmoid_tanh_softplus_stable_for_any_finite_input(x0):
    for op, f, df in [
        (lambda v: v.sigmoid(), sig, lambda x: sig(x) * (1 - sig(x))),
        (lambda v: v.tanh(), math.tanh, lambda x: 1 - math.tanh(x) ** 2),
        (lambda v: v.softplus(), lambda x: max(x, 0) + math.log1p(math.exp(-abs(x))), sig),
    ]:
        x = Value(x0)
        y = op(x)
        y.backward()
        assert math.isfinite(y.data) and math.isfinite(x.grad)
        assert y.data == pytest.approx(f(x0), rel=1e-12, abs=1e-300)
        assert x.grad == pytest.approx(df(x0), rel=1e-9, abs=1e-300)


def test_sigmoid_of_minus_1000_is_zero_with_zero_gradient():
    x = Value(-1000.0)
    y = x.sigmoid()
    y.backward()
    assert y.data == 0.0 and x.grad == 0.0


def test_expression_from_the_readme():
    x = Value(2.0, label="x")
    y = Value(-3.0, label="y")
    z = (x * y + x.exp()).tanh()
    z.backward()
    u = 2.0 * -3.0 + math.exp(2.0)
    dz = 1 - math.tanh(u) ** 2
    assert x.grad == pytest.approx(dz * (-3.0 + math.exp(2.0)), rel=1e-12)
    assert y.grad == pytest.approx(dz * 2.0, rel=1e-12)


def test_numpy_object_arrays_work_elementwise():
    w = np.array([Value(0.5), Value(-2.0)], dtype=object)
    X = np.array([[1.0, 2.0], [3.0, -1.0]])
    z = np.dot(X, w) + Value(0.25)
    total = autograd.sum(list(z))
    total.backward()
    assert [v.grad for v in w] == [4.0, 1.0]
    assert isinstance(np.float64(2) * w[0], Value)
    assert isinstance(w[0] * np.float64(2), Value)


@pytest.mark.parametrize("op,value,deriv", [
    (lambda v: v.relu(), 0.0, 0.0),
    (lambda v: v.leaky_relu(), 0.0, 1.0),        # our convention (docs/engine.md): 1 at z == 0
    (lambda v: v.leaky_relu(0.3), 0.0, 1.0),
    (lambda v: v.abs(), 0.0, 0.0),
])
def test_derivatives_at_kinks_follow_the_documented_convention(op, value, deriv):
    for make in (lambda: Value(0.0), lambda: Value(-0.0)):
        x = make()
        y = op(x)
        y.backward()
        assert y.data == value and x.grad == deriv
        assert autograd.grad(op(x), [x]) == (deriv,)
