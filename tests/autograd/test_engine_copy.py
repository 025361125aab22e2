"""``copy.deepcopy`` and ``pickle`` of Values and graphs (issue 19, defect 1).

A copy is a new graph of the same shape: new nodes, the same numbers, the
same primitives, and everything the engine does with the original it does
with the copy.  The truth here is the original graph itself: every number
the copy gives is compared bit for bit with the original's.  The property
over random graphs and random ``nn`` models is in
tests/hardening/test_hard_copy.py.
"""
import copy
import pickle
import struct

import pytest

import autograd
from autograd import PRIMITIVES, Primitive, Value, grad, topological_order

COPIES = {
    "deepcopy": copy.deepcopy,
    "pickle": lambda obj: pickle.loads(pickle.dumps(obj)),
}


def bits(x):
    return struct.pack("<d", x)


def small_graph():
    # every kind of node: a leaf, one operand (tanh), two (mul), a constant
    # parameter (pow), many (sum, dot), and x used twice
    x, w = Value(0.5, label="x"), Value(-1.5, label="w")
    h = (x * w).tanh()
    out = autograd.sum([h, x ** 2, autograd.dot([x, 2.0], [w, h])])
    out.label = "out"
    return out, [x, w]


@pytest.mark.parametrize("how", sorted(COPIES))
def test_a_copied_graph_is_new_nodes_with_the_same_numbers_and_gradients(how):
    out, leaves = small_graph()
    c_out, c_leaves = COPIES[how]((out, leaves))
    order, c_order = topological_order(out), topological_order(c_out)
    assert not set(map(id, order)) & set(map(id, c_order))         # nothing shared
    assert [v.op for v in c_order] == [v.op for v in order]
    assert [v.label for v in c_order] == [v.label for v in order]
    assert [bits(v.data) for v in c_order] == [bits(v.data) for v in order]
    assert all(a._prim is b._prim for a, b in zip(order, c_order))  # the table's own entries
    assert [c_order.index(p) for v in c_order for p in v.parents] == \
        [order.index(p) for v in order for p in v.parents]
    assert c_leaves[0] in c_order and c_leaves[1] in c_order      # the leaves are the copy's

    out.backward()
    c_out.backward()
    assert [bits(v.grad) for v in c_order] == [bits(v.grad) for v in order]
    assert [bits(g) for g in grad(c_out, c_leaves)] == [bits(g) for g in grad(out, leaves)]
    assert autograd.to_text(c_out) == autograd.to_text(out)


@pytest.mark.parametrize("how", sorted(COPIES))
def test_a_copy_keeps_gradients_and_grows_independently(how):
    x = Value(3.0)
    y = x * x
    y.backward()
    c_y = COPIES[how](y)
    (c_x,) = set(c_y.parents)
    assert (c_y.grad, c_x.grad) == (1.0, 6.0)
    c_y.backward()                 # accumulates on the copy only
    assert (c_x.grad, x.grad) == (12.0, 6.0)


@pytest.mark.parametrize("how", sorted(COPIES))
def test_a_primitive_copies_to_the_tables_own_entry(how):
    for name, prim in PRIMITIVES.items():
        assert COPIES[how](prim) is prim, name


def test_an_unregistered_primitive_is_refused_by_name_when_pickled():
    cube = Primitive("cube_unregistered", "cube", 1, lambda m, x: x * x * x,
                     lambda m, out, x: (3 * x * x,))
    y = autograd.apply(cube, Value(2.0))
    with pytest.raises(pickle.PicklingError, match=r"cube_unregistered.*register"):
        pickle.dumps(y)
    c_y = copy.deepcopy(y)         # a deep copy in one process keeps the object itself
    assert c_y._prim is cube and c_y.data == 8.0
    c_y.backward()
    assert c_y.parents[0].grad == 12.0


def test_a_deep_chain_deepcopies_at_the_default_recursion_limit():
    x = Value(1.0)
    y = x
    for _ in range(20_000):
        y = y * 1.0 + 0.0
    c_y = copy.deepcopy(y)
    order = topological_order(c_y)
    assert len(order) == 40_001 and order[0] is not x
    c_y.backward()
    assert order[0].grad == 1.0


def test_deepcopy_keeps_identity_shared_with_other_copied_objects():
    x = Value(2.0)
    y = x * 3.0
    c = copy.deepcopy({"y": y, "x": x, "again": [x, y]})
    assert c["again"][0] is c["x"] and c["again"][1] is c["y"]
    assert c["y"].parents[0] is c["x"]
