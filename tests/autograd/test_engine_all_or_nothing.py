"""``backward`` is all or nothing, whatever stops it (issue 19, defect 5), and
both engines treat what ``.grad`` held before the call alike (defect 12).

An exception anywhere in the call, even in the first walk over the graph
(which, in the fast engine, zeroes each ``.grad`` and parks the old value),
must leave every ``.grad`` exactly as it was.  The truth is the state before
the call, recorded here node by node.
"""
import math

import pytest

import autograd
from autograd import Value, plain

ENGINES = {"fast": (Value, autograd.topological_order), "plain": (plain.Value, plain.topological_order)}


class Interrupt(BaseException):
    """Stands for Ctrl-C (KeyboardInterrupt) without disturbing pytest."""


def _armed(V, attribute, mode):
    """A Value subclass that raises Interrupt once, the first time the engine
    reads (``mode="get"``) or sets (``"set"``) ``attribute`` after arming."""

    class Boom(V):
        armed = False

        def __getattribute__(self, name):
            if mode == "get" and name == attribute and type(self).armed:
                type(self).armed = False
                raise Interrupt
            return super().__getattribute__(name)

        def __setattr__(self, name, value):
            if mode == "set" and name == attribute and type(self).armed:
                type(self).armed = False
                raise Interrupt
            super().__setattr__(name, value)

    return Boom


def _many_gradients(V):
    """A graph of 60 leaves, differentiated once, so every .grad is non-zero."""
    leaves = [V(0.1 * (i + 1)) for i in range(60)]
    out = leaves[0]
    for leaf in leaves[1:]:
        out = out * 0.5 + leaf * leaf
    out.backward()
    return leaves


@pytest.mark.parametrize("engine,attribute,mode", [
    ("fast", "_b", "get"),       # the first walk reads each node's operands
    ("fast", "grad", "set"),     # ... and zeroes each node's .grad
    ("plain", "grad", "set"),    # the final accumulation into .grad
])
def test_an_interrupt_anywhere_in_backward_changes_no_grad(engine, attribute, mode):
    V, order_of = ENGINES[engine]
    leaves = _many_gradients(V)
    Boom = _armed(V, attribute, mode)
    bomb = Boom(0.5)
    bomb.grad = 2.5
    # The walk meets the bomb last (it is the last operand of the root's
    # first operand): by then it has zeroed every other node (or, in plain,
    # the accumulation has changed them).
    out = leaves[0]
    for leaf in leaves[1:]:
        out = out * 0.5 + leaf
    out = out * bomb + 1.0
    nodes = order_of(out)
    before = [(v, v.grad) for v in nodes]
    assert sum(1 for _, g in before if g) > 60
    Boom.armed = True
    with pytest.raises(Interrupt):
        out.backward()
    assert not Boom.armed, "the bomb never went off: the test tests nothing"
    changed = [(v, g, v.grad) for v, g in before if v.grad != g]
    assert not changed, f"{len(changed)} of {len(before)} .grad values changed"
    out.backward()                       # and the graph still works afterwards
    assert bomb.grad != 2.5


# -- what .grad held before the call: NaN, None, not a number ----------------------------

def _graph_with_an_untouched_node(V):
    # u is in the graph but receives nothing: relu at a negative input passes 0
    x, u = V(1.0, label="x"), V(-5.0, label="u")
    return x, u, x * 2.0 + u.relu()


def _graph_with_a_touched_node(V):
    x, u = V(1.0, label="x"), V(-5.0, label="u")
    return x, u, x * 2.0 + u * 3.0


@pytest.mark.parametrize("make", [_graph_with_an_untouched_node, _graph_with_a_touched_node])
def test_a_nan_held_in_grad_is_refused_alike_in_both_engines(make):
    # backward never leaves a NaN in .grad; one there was put by hand.  Both
    # engines refuse the call, naming the node, and change nothing.
    messages = []
    for V, _ in ENGINES.values():
        x, u, out = make(V)
        x.grad = 1.5
        u.grad = math.nan
        with pytest.raises(ValueError) as info:
            out.backward()
        messages.append(str(info.value))
        assert x.grad == 1.5 and math.isnan(u.grad) and out.grad == 0.0
    assert messages[0] == messages[1]
    assert messages[0].startswith("backward: the .grad of Value(data=-5.0, label='u') holds nan")


@pytest.mark.parametrize("make", [_graph_with_an_untouched_node, _graph_with_a_touched_node])
def test_none_in_grad_counts_as_zero_in_both_engines(make):
    # PyTorch's convention for "no gradient yet": set_to_none leaves .grad None
    results = []
    for V, order_of in ENGINES.values():
        x, u, out = make(V)
        for v in order_of(out):
            v.grad = None
        out.backward()
        results.append([v.grad for v in order_of(out)])
        assert all(type(g) is float for g in results[-1])
    assert results[0] == results[1]
    assert results[0][0] == 2.0                   # x: d(2x + ...)/dx


def test_none_in_grad_counts_as_zero_node_by_node():
    for V, _ in ENGINES.values():
        x = V(3.0)
        y = x * x
        x.grad = None
        y.grad = 1.0
        y._backward()
        assert x.grad == 6.0
        y.grad = None
        y._backward()                             # nothing to pass on
        assert x.grad == 6.0


def test_a_grad_that_is_not_a_number_is_refused_alike_in_both_engines():
    messages = []
    for V, _ in ENGINES.values():
        x, u, out = _graph_with_a_touched_node(V)
        u.grad = "0"
        with pytest.raises(TypeError) as info:
            out.backward()
        messages.append(str(info.value))
        assert u.grad == "0" and x.grad == 0.0
    assert messages[0] == messages[1]
    assert "'0'" in messages[0] and "str" in messages[0]


def test_an_int_or_numpy_grad_is_accumulated_as_a_float():
    import numpy as np
    for V, _ in ENGINES.values():
        x = V(2.0)
        x.grad = np.float32(0.5)
        (x * 3.0).backward()
        assert x.grad == 3.5 and type(x.grad) is float
        x.grad = 1
        (x * 3.0).backward()
        assert x.grad == 4.0 and type(x.grad) is float
