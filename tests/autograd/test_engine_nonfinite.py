"""A local derivative that is not finite is refused by name, never turned into
a silent inf or a silent 0 (issue 19, defects 2, 3 and 8).

Every mode of differentiating follows one rule: ``backward``, ``grad`` (both
modes), node-by-node ``_backward()``, and the plain engine.  The expected
derivatives are worked out by hand in the comments; the point of each case
is that the engine's inf (or 0) would be wrong, so it must refuse instead.
"""
import math

import pytest

import autograd
from autograd import Value, grad, plain

ENGINES = {"fast": Value, "plain": plain.Value}
NOT_FINITE = "local derivative is not finite"


# Each case: x's value, the function, the op whose local derivative overflows,
# and the true derivative (by hand) that a silent inf would have hidden.
OVERFLOWS = {
    # d/dx [x log x] = log x + 1 = -712.8 at 1e-310; log's local 1/x overflows
    "x*log(x)": (1e-310, lambda x: x * x.log(), "log", math.log(1e-310) + 1.0),
    # d/dx log(sigmoid(x)) = 1 - sigmoid(x) = 1 at -720; log's local 1/sigmoid(x) overflows
    "log(sigmoid(x))": (-720.0, lambda x: x.sigmoid().log(), "log", 1.0),
    # d/dx exp(log x) = 1; log's local 1/x overflows
    "exp(log(x))": (1e-310, lambda x: x.log().exp(), "log", 1.0),
    # d/dx 1/x = -1/x^2 = -1e400: no float holds it; div's local -out/b overflows
    "1/x": (1e-200, lambda x: 1.0 / x, "div", -math.inf),
    # the same function as a power: the same refusal
    "x**-1": (1e-200, lambda x: x ** -1, "pow", -math.inf),
}


def _steps(out):
    """micrograd's loop: seed 1, then _backward() on every node, users first."""
    order = autograd.topological_order(out) if isinstance(out, Value) else plain.topological_order(out)
    out.grad = 1.0
    for node in reversed(order):
        node._backward()


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("case", sorted(OVERFLOWS))
def test_an_overflowing_local_derivative_is_refused_in_backward(engine, case):
    at, f, op, truth = OVERFLOWS[case]
    x = ENGINES[engine](at)
    x.grad = 7.0                                    # as if from an earlier call
    out = f(x)
    with pytest.raises(ValueError, match=rf"^backward through {op}\(.*\): {NOT_FINITE}"):
        out.backward()
    assert x.grad == 7.0 and out.grad == 0.0        # nothing changed


@pytest.mark.parametrize("case", sorted(OVERFLOWS))
def test_an_overflowing_local_derivative_is_refused_by_grad_in_both_modes(case):
    at, f, op, truth = OVERFLOWS[case]
    x = Value(at)
    with pytest.raises(ValueError, match=rf"^grad through {op}\(.*\): {NOT_FINITE}"):
        grad(f(x), [x])
    with pytest.raises(ValueError, match=rf"^grad through {op}\(.*\): {NOT_FINITE}"):
        grad(f(x), [x], create_graph=True)


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("case", sorted(OVERFLOWS))
def test_an_overflowing_local_derivative_is_refused_node_by_node(engine, case):
    at, f, op, truth = OVERFLOWS[case]
    x = ENGINES[engine](at)
    with pytest.raises(ValueError, match=rf"^backward through {op}\(.*\): {NOT_FINITE}"):
        _steps(f(x))


@pytest.mark.parametrize("case", sorted(OVERFLOWS))
def test_both_engines_refuse_with_the_same_words(case):
    at, f, op, truth = OVERFLOWS[case]
    messages = []
    for V in (Value, plain.Value):
        with pytest.raises(ValueError) as info:
            f(V(at)).backward()
        messages.append(str(info.value))
    assert messages[0] == messages[1]


def test_one_over_x_and_x_to_the_minus_one_follow_one_rule():
    # At 1e-200 both values are 1e200; the derivative -1e400 is refused by both.
    x = Value(1e-200)
    assert (1.0 / x).data == (x ** -1).data == 1e200
    # At 1e-310 the value itself overflows: / is IEEE arithmetic (inf, like * and +),
    # ** refuses (like exp); either way no gradient through it is ever given.
    y = Value(1e-310)
    assert (1.0 / y).data == math.inf
    with pytest.raises(ValueError, match=r"^backward through div\(1\.0, 1e-310\): " + NOT_FINITE):
        (1.0 / y).backward()
    with pytest.raises(ValueError, match=r"^pow\(1e-310, -1\.0\): result overflows a float"):
        y ** -1


# -- the zero-gradient rule: 0 times a non-finite local derivative is refused -------------

def _sqrt_squared(x):
    return x.sqrt() ** 2         # = x, so d/dx = 1; the chain rule gives 2 sqrt(x) * 1/(2 sqrt x) = 0 * inf


def _sqrt_times_zero(x):
    return x.sqrt() * 0.0        # = 0, so d/dx = 0; the chain rule gives 0 * inf too


@pytest.mark.parametrize("f", [_sqrt_squared, _sqrt_times_zero])
@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_zero_gradient_times_an_infinite_derivative_is_refused(engine, f):
    # The two functions meet sqrt at 0 with the same zero gradient and the
    # same infinite local derivative, yet their derivatives are 1 and 0:
    # no local rule can tell them apart, so both are refused.
    x = ENGINES[engine](0.0)
    x.grad = 7.0
    out = f(x)
    with pytest.raises(ValueError, match=r"^backward through sqrt\(0\.0\): " + NOT_FINITE):
        out.backward()
    assert x.grad == 7.0
    x.grad = 0.0
    with pytest.raises(ValueError, match=r"^backward through sqrt\(0\.0\): " + NOT_FINITE):
        _steps(out)


@pytest.mark.parametrize("f", [_sqrt_squared, _sqrt_times_zero])
def test_grad_refuses_the_zero_times_infinite_case_in_both_modes(f):
    x = Value(0.0)
    for create_graph in (False, True):
        with pytest.raises(ValueError, match=r"^grad through sqrt\(0\.0\): " + NOT_FINITE):
            grad(f(x), [x], create_graph=create_graph)


def test_an_infinite_operand_carries_ieee_infinity_into_the_gradient():
    # d/dx (x * inf) = inf: the infinity comes from an operand, not from the
    # rule, so it is IEEE arithmetic carried on (as the value inf is), not an
    # overflow hiding a finite truth: it passes, in both engines.
    for V in (Value, plain.Value):
        x = V(1.0)
        (x * math.inf).backward()
        assert x.grad == math.inf
        y = V(math.inf)
        y.exp().backward()                      # exp'(inf) = exp(inf) = inf
        assert y.grad == math.inf


def test_an_infinite_value_with_a_finite_local_derivative_still_passes():
    # d/dx (inf_value * 2) = 2: only the constant's (unused) derivative is infinite
    for V in (Value, plain.Value):
        x = V(math.inf)
        (x * 2.0).backward()
        assert x.grad == 2.0


def test_finite_derivatives_whose_product_overflows_give_inf_as_before():
    # d/dx (x * 1e200) * 1e200 = 1e400: every local derivative is finite, the
    # gradient itself overflows, which IEEE arithmetic gives as inf.
    for V in (Value, plain.Value):
        x = V(1.0)
        ((x * 1e200) * 1e200).backward()
        assert x.grad == math.inf


def test_a_zero_gradient_skips_evaluating_only_what_is_known_finite(monkeypatch):
    # tanh's local derivative is finite wherever its value is: a zero gradient
    # passes nothing and the rule is not even evaluated.  sqrt's can be
    # infinite (at 0): with a zero gradient it is still evaluated, and checked.
    calls = []
    for name in ("tanh", "sqrt"):
        prim = autograd.PRIMITIVES[name]
        rule = prim.derivs
        monkeypatch.setattr(prim, "derivs",
                            lambda m, out, x, rule=rule, name=name: (calls.append(name), rule(m, out, x))[1])
    x = Value(4.0)
    (x.tanh() * 0.0).backward()
    (x.sqrt() * 0.0).backward()
    assert calls == ["sqrt"] and x.grad == 0.0
