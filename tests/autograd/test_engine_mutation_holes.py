"""Direct tests for behaviour that mutation testing found unguarded (issue 19,
"Tests that miss real bugs"): each test here fails on the named mutant.

Expected numbers are derived by hand in the comments.
"""
import math

import pytest

import autograd
from autograd import Value, plain

ENGINES = {"fast": (Value, autograd), "plain": (plain.Value, plain)}


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_backward_step_adds_to_an_operands_gradient(engine):
    # Mutant: _backward() assigns an operand's gradient instead of adding.
    # y = x*2 + x*5: dy/dx = 2 + 5 = 7; stepped node by node, x receives 5
    # from x*5 and then 2 from x*2 (or the other way round): it must hold both.
    V, mod = ENGINES[engine]
    x = V(1.0)
    y = x * 2.0 + x * 5.0
    y.grad = 1.0
    for node in reversed(mod.topological_order(y)):
        node._backward()
    assert x.grad == 7.0


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_nan_sum_in_a_many_operand_node_is_refused(engine):
    # Mutant: no NaN check in backward's n-ary (sum/dot) branch.
    # dot([a, a], [1e308, -1e308]) with gradient 10: a receives 10 * 1e308 =
    # inf and 10 * -1e308 = -inf; their sum is NaN.
    V, mod = ENGINES[engine]
    a = V(1.0)                   # .grad 0: nothing from earlier calls to catch it later
    out = mod.dot([a, a], [1e308, -1e308])
    with pytest.raises(ValueError, match=r"^backward through dot\(1\.0, 1\.0, 1e\+308, -1e\+308\): "
                                         r"gradient is NaN"):
        out.backward(10.0)
    assert a.grad == 0.0 and out.grad == 0.0


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_nan_sum_in_a_sum_node_is_refused(engine):
    # the same through sum: a's shares are 1e308 * 1e10 twice with opposite
    # signs after the constants: sum([a * 1e308, a * -1e308]) -> inf + -inf
    V, mod = ENGINES[engine]
    a = V(1.0)
    out = mod.sum([a * 1e308, a * -1e308]) * 1e10
    with pytest.raises(ValueError, match=r"gradient is NaN"):
        out.backward()
    assert a.grad == 0.0


def test_detach_of_a_leaf_is_a_new_leaf():
    # Mutant: detach() of a leaf returns the leaf itself.  d/dw (c * w) with
    # c = w.detach() a constant 2: the gradient is c = 2 (not 2w = 4).
    w = Value(2.0)
    c = w.detach()
    assert c is not w and c.is_leaf() and c.data == 2.0
    (c * w).backward()
    assert w.grad == 2.0 and c.grad == 2.0


def test_a_nan_check_never_fires_on_an_infinite_but_valid_gradient():
    # The other side of the NaN check: inf alone is not NaN.  d/da of
    # dot([a], [1e308]) * 10 = 1e309 -> inf, accepted as IEEE arithmetic gives it.
    for V, mod in ENGINES.values():
        a = V(1.0)
        mod.dot([a], [1e308]).backward(10.0)
        assert a.grad == math.inf
