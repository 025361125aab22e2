"""Adding an operation the table's way (docs/add-an-operation.md): one register(...) line.

The registered sin is checked eagerly, at second (and higher) order, compiled and
in pictures, against closed forms (sin' = cos, sin'' = -sin, ...) computed with
the math module.  register() refuses rules that would not serve every namespace
(math.sin instead of m.sin: a silent 0 at second order before), and refuses
replacing a built-in (issue 19, item 14).
"""
import math

import numpy as np
import pytest

import autograd
from autograd import PRIMITIVES, Value, apply, draw_dot, grad, register, to_text
from autograd.functional import VALUE
from autograd.mathspaces import FLOAT, NAMES, NUMPY
from autograd.registry import BUILT_IN
from autograd.rulecheck import check_rules

SIN = ("sin", "sin", 1, lambda m, x: m.sin(x), lambda m, out, x: (m.cos(x),))


@pytest.fixture(autouse=True)
def learner_table():
    """Each test starts and ends with the built-in table: other tests walk every entry."""
    assert set(PRIMITIVES) == BUILT_IN
    yield
    for name in set(PRIMITIVES) - BUILT_IN:
        del PRIMITIVES[name]


# -- the worked example: sin in one line ---------------------------------------------

def test_sin_is_not_built_in_so_a_learner_can_register_it():
    assert "sin" not in PRIMITIVES and "cos" not in PRIMITIVES
    prim = register(*SIN)
    assert PRIMITIVES["sin"] is prim


@pytest.mark.parametrize("x0", [0.5, -2.0, 3.0, 0.0])
def test_sin_eagerly(x0):
    register(*SIN)
    x = Value(x0)
    y = apply("sin", x)
    assert y.data == math.sin(x0) and y.op == "sin" and y._op == "sin"
    y.backward()
    assert x.grad == pytest.approx(math.cos(x0), abs=1e-15)
    assert apply("sin", x0) == math.sin(x0)          # numbers in, a number out


def test_sin_at_every_order():
    # sin, cos, -sin, -cos, sin: each derivative a graph differentiated again.
    register(*SIN)
    x = Value(0.5)
    d = apply("sin", x)
    truth = [math.cos(0.5), -math.sin(0.5), -math.cos(0.5), math.sin(0.5)]
    for want in truth:
        (d,) = grad(d, [x], create_graph=True)
        assert d.data == pytest.approx(want, abs=1e-15)
    assert grad(grad(apply("sin", x), [x], create_graph=True)[0], [x])[0] == pytest.approx(-0.479425538604203)


def test_sin_inside_a_graph_at_second_order_matches_finite_differences():
    # f = sin(x * y) * x: check d2f/dx2 against central differences of the closed-form f'.
    register(*SIN)
    x, y = Value(0.7), Value(-1.3)
    (dx,) = grad(apply("sin", x * y) * x, [x], create_graph=True)
    (dxx,) = grad(dx, [x])

    def fx(a, b):                                    # df/dx by hand
        return b * math.cos(a * b) * a + math.sin(a * b)
    h = 1e-5
    assert dx.data == pytest.approx(fx(0.7, -1.3), abs=1e-14)
    assert dxx == pytest.approx((fx(0.7 + h, -1.3) - fx(0.7 - h, -1.3)) / (2 * h), abs=1e-8)


def test_sin_compiled_equals_the_closed_form():
    register(*SIN)
    f = autograd.compile(lambda x, y: apply("sin", x * y))
    xs, ys = np.linspace(-3, 3, 7), np.linspace(2, -1, 7)
    values, (dx, dy) = f.value_and_grad(xs, ys)
    np.testing.assert_allclose(values, np.sin(xs * ys), rtol=1e-15)
    np.testing.assert_allclose(dx, ys * np.cos(xs * ys), rtol=1e-14)
    np.testing.assert_allclose(dy, xs * np.cos(xs * ys), rtol=1e-14)


def test_sin_second_order_compiled():
    register(*SIN)
    f = autograd.compile(lambda x: grad(apply("sin", x), [x], create_graph=True)[0])
    xs = np.array([0.5, 1.0, -2.0])
    values, (d2,) = f.value_and_grad(xs)
    np.testing.assert_allclose(values, np.cos(xs), rtol=1e-15)
    np.testing.assert_allclose(d2, -np.sin(xs), rtol=1e-14)


def test_sin_in_pictures_with_its_local_derivative():
    register(*SIN)
    x = Value(0.5, label="x")
    y = apply("sin", x)
    y.label = "y"
    y.backward()
    cos = f"{math.cos(0.5):.4g}"                     # 0.8776
    text = to_text(y)
    assert "y = sin(#0)" in text and f"[∂ {cos}]" in text
    source = draw_dot(y).source
    assert "label=<sin>" in source and f"label={cos}]" in source


def test_second_order_pictures_show_sin_and_cos_nodes():
    register(*SIN)
    x = Value(0.5, label="x")
    (d,) = grad(apply("sin", x), [x], create_graph=True)
    (d2,) = grad(d, [x], create_graph=True)
    assert "cos(" in to_text(d) and "sin(" in to_text(d2)
    assert {p.op for p in autograd.topological_order(d2)} >= {"m.sin"}


# -- register() refuses a rule that calls outside m ----------------------------------

def _refused(*entry):
    with pytest.raises(ValueError) as info:
        register(*entry)
    assert entry[0] not in PRIMITIVES, "a refused rule must not enter the table"
    msg = str(info.value)
    assert msg.startswith(f"register({entry[0]!r})") and "docs/add-an-operation.md" in msg, msg
    return msg


def test_math_sin_in_the_value_rule_is_refused():
    msg = _refused("sin", "sin", 1, lambda m, x: math.sin(x), lambda m, out, x: (m.cos(x),))
    assert "math.sin" in msg and "write m.sin" in msg and "value rule" in msg


def test_math_cos_in_the_derivative_rule_is_refused():
    # Before: accepted, and grad(grad(sin x)) at 0.5 gave 0.0 instead of -0.479.
    msg = _refused("sin", "sin", 1, lambda m, x: m.sin(x), lambda m, out, x: (math.cos(x),))
    assert "math.cos" in msg and "write m.cos" in msg and "derivative rule" in msg


@pytest.mark.parametrize("forward, derivs, words", [
    (lambda m, x: np.sin(x), lambda m, out, x: (np.cos(x),), ["np.sin"]),
    (lambda m, x: x * float(x), lambda m, out, x: (2 * x,), ["float"]),
    (lambda m, x: m.sinh(x), lambda m, out, x: (m.cosh(x),), ["m.sinh", "does not have"]),
    (lambda m, x: x if x > 0 else 0.0, lambda m, out, x: (m.step(x),), ["as a bool", "m.step"]),
    (lambda m, x: max(x, 0.0), lambda m, out, x: (m.step(x),), ["as a bool"]),
    (lambda m, x: x.exp(), lambda m, out, x: (out,), ["x.exp", "m.exp(x)"]),
    (lambda m, x: m.sin(x), lambda m, out, x: (m.cos(x)), ["single value", "trailing comma"]),
    (lambda m, x: m.sin(x), lambda m, out, x: (m.cos(x), 1.0), ["one local derivative per operand"]),
    (lambda m, x: m.sin(x), lambda m, out: (1.0,), ["derivative rule", "TypeError"]),
    (lambda m, x: x // 2.0, lambda m, out, x: (0.0,), ["value rule", "//"]),
])
def test_rules_that_do_not_serve_every_namespace_are_refused(forward, derivs, words):
    msg = _refused("op", "op", 1, forward, derivs)
    assert all(w in msg for w in words), msg


def test_math_on_a_constant_parameter_is_fine():
    # A parameter is a number everywhere (never a Value, never an array).
    register("logscale", "logscale", 1, lambda m, x, c: x * math.log(c), lambda m, out, x, c: (math.log(c),))
    x = Value(2.0)
    y = apply("logscale", x, 3.0)
    assert y.data == 2.0 * math.log(3.0)
    (d,) = grad(y, [x], create_graph=True)
    assert d.data == math.log(3.0) and grad(d, [x]) == (0.0,)


def test_an_arity_the_value_rule_cannot_take_is_refused():
    with pytest.raises(ValueError, match=r"register\('two'\): arity is 2"):
        register("two", "two", 2, lambda m, x: x, lambda m, out, x: (1.0,))


@pytest.mark.parametrize("args, exc, words", [
    (("", "s", 1), TypeError, ["name"]),
    (("op", 3, 1), TypeError, ["'op'", "symbol"]),
    (("op", "s", 0), ValueError, ["'op'", "arity", "0"]),
    (("op", "s", 1.0), ValueError, ["'op'", "arity", "1.0"]),
])
def test_malformed_arguments_are_refused(args, exc, words):
    with pytest.raises(exc) as info:
        register(*args, lambda m, x: x, lambda m, out, x: (1.0,))
    assert all(w in str(info.value) for w in words), str(info.value)


@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_every_built_in_rule_passes_the_check(name):
    p = PRIMITIVES[name]
    check_rules(p.name, p.arity, p.forward, p.derivs)


def test_a_refusal_names_the_call_inside_a_helper_function():
    def halfsin(x):
        return math.sin(x) / 2
    msg = _refused("halfsin", "halfsin", 1, lambda m, x: halfsin(x), lambda m, out, x: (m.cos(x) / 2,))
    assert "math.sin" in msg


# -- register() and the built-in names (issue 19, item 14) ---------------------------

@pytest.mark.parametrize("name", sorted(BUILT_IN))
def test_a_built_in_cannot_be_replaced(name):
    before = PRIMITIVES[name]
    with pytest.raises(ValueError, match=rf"register\('{name}'\): '{name}' is built in"):
        register(name, "?", 1, lambda m, x: x * 2.0, lambda m, out, x: (2.0,))
    assert PRIMITIVES[name] is before


def test_mul_stays_the_same_on_every_path_after_a_refused_replacement():
    with pytest.raises(ValueError, match="my_mul"):
        register("mul", "*", 2, lambda m, a, b: a * b * 2.0, lambda m, out, a, b: (2.0 * b, 2.0 * a))
    x, y = Value(2.0), Value(3.0)
    assert apply("mul", x, y).data == (x * y).data == 6.0


def test_re_registering_a_learners_own_op_replaces_it():
    # A notebook cell run twice, the second time with the derivative fixed.
    register("sin", "sin", 1, lambda m, x: m.sin(x), lambda m, out, x: (m.sin(x),))    # wrong
    x = Value(0.5)
    old = apply("sin", x)
    register(*SIN)                                                                      # fixed
    assert grad(apply("sin", x), [x]) == (math.cos(0.5),)
    assert grad(old, [x]) == (math.sin(0.5),)    # a node keeps the rule that made it


# -- the namespaces: the same functions on floats, arrays and Values ------------------

def test_every_namespace_has_exactly_the_listed_functions():
    for space in (FLOAT, NUMPY, VALUE):
        public = {n for n in dir(space) if not n.startswith("_") and callable(getattr(space, n))}
        assert public == set(NAMES), (type(space).__name__, public ^ set(NAMES))


@pytest.mark.parametrize("x0", [0.5, -2.5, 1e3])
def test_sin_and_cos_agree_across_namespaces(x0):
    assert FLOAT.sin(x0) == math.sin(x0) and FLOAT.cos(x0) == math.cos(x0)
    assert NUMPY.sin(np.array([x0]))[0] == pytest.approx(math.sin(x0), abs=1e-15)
    assert NUMPY.cos(np.array([x0]))[0] == pytest.approx(math.cos(x0), abs=1e-15)
    x = Value(x0)
    s, c = VALUE.sin(x), VALUE.cos(x)
    assert (s.data, c.data) == (math.sin(x0), math.cos(x0))
    assert (s.op, c.op) == ("m.sin", "m.cos")
    assert grad(s, [x])[0] == pytest.approx(math.cos(x0)) and grad(c, [x])[0] == pytest.approx(-math.sin(x0))
    assert VALUE.sin(x0) == math.sin(x0)             # a number stays a number


def test_value_namespace_functions_build_differentiable_nodes():
    # A learner's rule may call any of m's functions and still differentiate twice.
    register("my_tanh", "tanh", 1, lambda m, x: m.tanh(x), lambda m, out, x: (1.0 - m.tanh(x) ** 2,))
    register("my_sinh", "sinh", 1, lambda m, x: (m.exp(x) - m.exp(-x)) / 2,
             lambda m, out, x: ((m.exp(x) + m.exp(-x)) / 2,))
    x = Value(0.3)
    t = math.tanh(0.3)
    (d,) = grad(apply("my_tanh", x), [x], create_graph=True)
    assert grad(d, [x])[0] == pytest.approx(-2 * t * (1 - t * t), abs=1e-15)
    (d,) = grad(apply("my_sinh", x), [x], create_graph=True)
    assert grad(d, [x])[0] == pytest.approx(math.sinh(0.3), abs=1e-15)
    for name, arg, want in [("sqrt", 4.0, 2.0), ("softplus", 0.0, math.log(2)), ("relu", -1.0, 0.0),
                            ("abs", -1.5, 1.5), ("fsum", [1.0, x], 1.3), ("dot", [x, 2.0, 3.0, 1.0], 2.9)]:
        got = getattr(VALUE, name)(arg)
        assert float(got) == pytest.approx(want), name
