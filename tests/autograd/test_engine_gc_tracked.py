"""A unary or binary node is ONE object the cyclic garbage collector tracks.

Its operands live in the Value's own slots: an operand tuple (a tuple holding
a Value stays tracked) would double the objects every collection scans, and
building a million-node chain got slower per node as it grew.
"""
import gc

import autograd
from autograd import Value


def _tracked_per_node(build, nodes_per_step, n=1000):
    """Growth in GC-tracked objects while ``build(n)`` makes n steps, per node made."""
    build(10)  # warm up whatever the interpreter caches on first use
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        keep = build(n)
        after = len(gc.get_objects())
    finally:
        if was_enabled:
            gc.enable()
    del keep
    return (after - before) / (n * nodes_per_step)


def _binary_chain(n):
    x = y = Value(1.0)
    w = Value(0.5)
    for _ in range(n):
        y = y * 1.0001 + 0.001  # binary nodes over a float constant
        y = y * w  # a binary node over two Values
    return x, y


def _unary_chain(n):
    y = Value(0.3)
    for _ in range(n):
        y = (-y).tanh() ** 2.0  # pow stores its constant exponent as a parameter
    return y


def test_binary_nodes_are_one_tracked_object_each():
    # An operand tuple per node would make this 2.0.
    assert _tracked_per_node(_binary_chain, 3) < 1.1


def test_unary_nodes_are_one_tracked_object_each():
    assert _tracked_per_node(_unary_chain, 3) < 1.1


def test_no_operand_tuple_behind_a_unary_or_binary_node():
    x, w = Value(2.0), Value(3.0)
    nodes = [x * w, x * 2.0, 2.0 - x, x.exp(), x ** 3, x.leaky_relu(0.2),
             autograd.apply("mul", x, w)]
    for node in nodes:
        assert not any(type(r) is tuple for r in gc.get_referents(node)), node.op
    # sum and dot keep one tuple: their operand count is open.
    assert any(type(r) is tuple for r in gc.get_referents(autograd.sum([x, w, x])))


def test_args_still_reads_as_the_operand_tuple():
    x, w = Value(2.0), Value(3.0)
    assert (x * w)._args == (x, w)
    assert (x * 2.0)._args == (x, 2.0)
    assert (2.0 - x)._args == (2.0, x)
    assert x.exp()._args == (x,)
    assert (x ** 3)._args == (x, 3.0)
    assert autograd.dot([x, 1.0], [w, x])._args == (x, 1.0, w, x)
    assert x._args == () and x.detach()._args == ()
    with autograd.no_grad():
        assert (x * w)._args == ()
