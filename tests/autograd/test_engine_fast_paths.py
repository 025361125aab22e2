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


def _dot_case(seed):
    """Random dot nodes over shared Values, float constants and repeats, in a sum."""
    import random
    rng = random.Random(seed)
    leaves = [Value(rng.uniform(-3, 3) * 10 ** rng.randint(-8, 8)) for _ in range(6)]

    def operand():
        return rng.choice(leaves) if rng.random() < 0.8 else rng.uniform(-2, 2)

    dots = []
    for _ in range(4):
        n = rng.randint(1, 9)
        dots.append(autograd.dot([operand() for _ in range(n)], [operand() for _ in range(n)]))
    dots.append(autograd.dot([leaves[0], leaves[1]], [leaves[1], leaves[0]]))   # x is w, crossed
    return leaves, autograd.sum([d * rng.uniform(-2, 2) for d in dots])


@pytest.mark.parametrize("seed", range(40))
def test_backward_through_dot_nodes_gives_the_tables_rule_bit_for_bit(seed):
    # The fused loop restates dot's rule (d/dx_i = w_i, d/dw_i = x_i); grad()
    # applies the table's own rule through registry.chain_rule: the same sums
    # in the same order, so the same bits.
    leaves, out = _dot_case(seed)
    want = list(autograd.grad(out, leaves))
    out.backward()
    assert [v.grad for v in leaves] == want


@pytest.mark.parametrize("seed", range(20))
def test_dot_rows_computes_the_tables_dot_bit_for_bit(seed):
    import random
    rng = random.Random(seed)
    n = rng.randint(1, 20)
    # numbers of one size, so that the order of the sum shows in its last bits
    xs = [Value(rng.uniform(-1, 1)) if rng.random() < 0.9 else 1.0 for _ in range(n)]
    rows = [[Value(rng.uniform(-1, 1)) for _ in range(n)] for _ in range(5)]
    table = autograd.PRIMITIVES["dot"]
    for node, ws in zip(dot_rows(xs, rows), rows):
        datas = [x if type(x) is float else x.data for x in xs] + [w.data for w in ws]
        assert node.data == table.forward(autograd.primitives.FLOAT, *datas)
        assert node.data == autograd.dot(xs, ws).data


def test_dot_rows_takes_its_fast_path_for_a_layers_values(monkeypatch):
    # Its fallback, dot() row by row, gives the same numbers, so only this
    # shows the fast path broken (it once fell back on every row).
    import autograd.engine as engine

    def no_fallback(xs, ws):
        raise AssertionError("dot_rows fell back to dot()")

    xs = [Value(0.5), Value(-2.0), 1.0]
    rows = [[Value(1.0), Value(2.0), Value(0.25)], [Value(-1.0), Value(0.5), Value(3.0)]]
    want = [autograd.dot(xs, ws).data for ws in rows]
    monkeypatch.setattr(engine, "dot", no_fallback)
    assert [z.data for z in dot_rows(xs, rows)] == want


@pytest.mark.parametrize("x", [2.5, -2.5, 0.0, -0.0, 1e-310, -1e-310, 1e308, -math.inf, math.inf])
def test_relu_forward_and_backward_give_the_tables_rule(x):
    # Value.relu and the fused loop restate relu's rule (engine trick 10); the
    # table's own forward and derivative (through grad) are the truth, 0 at 0.
    table = autograd.PRIMITIVES["relu"]
    v = Value(x)
    y = v.relu()
    assert y.data == table.forward(autograd.primitives.FLOAT, x)
    assert math.copysign(1.0, y.data) == math.copysign(1.0, table.forward(autograd.primitives.FLOAT, x))
    out = y * 3.0
    want = list(autograd.grad(out, [v]))
    out.backward()
    assert [v.grad] == want == [3.0 * table.derivs(autograd.primitives.FLOAT, y.data, x)[0]]


def test_dot_rows_with_rows_of_values_gives_the_same_nodes_and_falls_back_for_a_float():
    xs = [Value(0.5), -1.25, Value(2.0), 1.0]
    rows = [[Value(0.1), Value(-0.2), Value(0.3), Value(0.4)],
            [Value(1.5), Value(2.0), Value(-0.5), Value(0.25)]]
    for checked, promised in zip(dot_rows(xs, rows), dot_rows(xs, rows, True)):
        assert checked.data == promised.data and checked._args == promised._args
    # a broken promise (a float among the weights) still gives dot's node
    node = dot_rows(xs, [[Value(1.0), 2.0, Value(3.0), Value(4.0)]], True)[0]
    assert node.data == autograd.dot(xs, [Value(1.0), 2.0, Value(3.0), Value(4.0)]).data
