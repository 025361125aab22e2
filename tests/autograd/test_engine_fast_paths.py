"""The eager engine's fast paths give what the general ones give.

``autograd.internal.dot_rows`` (a layer's dot nodes, sharing the inputs' data) must
make the same nodes as ``dot`` row by row and refuse what ``dot`` refuses
with ``dot``'s messages; ``backward`` parks and restores existing gradients
during its traversal, so a second pass must add exactly a fresh graph's
gradients to whatever ``.grad`` held, on leaves and inner nodes alike.
"""
import math

import pytest

import autograd
from autograd import Value
from autograd.internal import dot_rows


def test_dot_rows_equals_dot_row_by_row():
    xs = [Value(0.5), -1.25, Value(2.0), 1.0]
    rows = [[Value(0.1), Value(-0.2), Value(0.3), Value(0.4)],
            [Value(1.5), 2, Value(-0.5), 0.25]]  # an int and a float in the second row
    got = dot_rows(xs, rows)
    for node, ws in zip(got, rows):
        ref = autograd.dot(xs, ws)
        assert node.data == ref.data
        assert node.op == "dot"
        assert node._args == ref._args


def test_dot_rows_refuses_as_dot_does():
    xs = [Value(1.0), 1.0]
    with pytest.raises(ValueError, match=r"^dot: operands have unequal lengths 2 and 3$"):
        dot_rows(xs, [[Value(1.0), Value(2.0), Value(3.0)]])
    big = [Value(1e308), 1.0]
    with pytest.raises(ValueError, match=r"^dot\(.*\): result is NaN"):
        dot_rows(big, [[Value(10.0), Value(-math.inf)]])
    with pytest.raises(TypeError, match=r"^dot: expected a real number or a Value, got str"):
        dot_rows(xs, [[Value(1.0), "w"]])


def _graph():
    a, b = Value(1.5), Value(-0.75)
    h = (a * b).tanh()
    z = autograd.dot([h, a, 1.0], [b, h, a]) + h.relu() * 2.0
    return [a, b], h, z


def test_backward_adds_a_fresh_pass_to_existing_grads():
    (fa, fb), fh, fz = _graph()
    fz.backward(0.5)
    fresh = [fa.grad, fb.grad, fh.grad, fz.grad]
    (a, b), h, z = _graph()
    old = [2.0, -0.0, 0.3, -4.0]
    a.grad, b.grad, h.grad, z.grad = old
    z.backward(0.5)
    assert [a.grad, b.grad, h.grad, z.grad] == [f + o for f, o in zip(fresh, old)]
    assert math.copysign(1.0, b.grad) == math.copysign(1.0, fresh[1] + old[1])
