"""The plain engine (``autograd/plain.py``) and the fast one agree, and so do
``backward``'s fused loop and the shared chain rule that everything else uses.

On the hardening suite's random DAGs (every primitive, shared subexpressions,
operator syntax and ``apply``): the plain engine builds the same nodes in the
same topological order with identical values, and its gradients equal the fast
engine's to 1e-12 relative.  ``backward``'s fused copy of the chain-rule step
gives bit for bit what ``grad`` gets through ``registry.chain_rule``.  On the
domain-edge table both engines give the same values, derivatives and error
messages.  The independent truth for the gradients themselves is elsewhere
(central differences, test_hard_properties.py); here the question is only
whether the two implementations of one algorithm differ.
"""
import math
import struct

import pytest
from hard_dags import programs
from hypothesis import given, settings
from plain_dags import build_fast, build_plain
from test_hard_edges import EDGES

from autograd import PRIMITIVES, Value, grad, plain, topological_order


def _same_to_1e12(a, b):
    return a == b or abs(a - b) <= 1e-12 * max(abs(a), abs(b))


def _both(program):
    fast = build_fast(program)
    slow = build_plain(program)
    return (fast, topological_order(fast)), (slow, plain.topological_order(slow))


def _check_plain_equals_fast(program):
    (fast, f_order), (slow, p_order) = _both(program)
    assert [v.op for v in p_order] == [v.op for v in f_order]           # the same graph, same order
    assert [len(v.parents) for v in p_order] == [len(v.parents) for v in f_order]
    assert [v.data for v in p_order] == [v.data for v in f_order]       # identical values
    for seed in (1.0, -0.5):                                             # a second call accumulates
        fast.backward(seed)
        slow.backward(seed)
        for f, p in zip(f_order, p_order):
            assert _same_to_1e12(p.grad, f.grad), (p.op, p.grad, f.grad)


@given(programs())
def test_plain_engine_equals_the_fast_one_on_random_dags(program):
    _check_plain_equals_fast(program)


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_plain_engine_equals_the_fast_one_for_every_primitive(name):
    # 20 DAGs that certainly contain ``name`` (the general property draws
    # primitives at random).
    @settings(max_examples=20)
    @given(programs(require=name, max_ops=12))
    def check(program):
        assert name in program.names()
        _check_plain_equals_fast(program)
    check()


def _bits(x):
    return struct.pack("<d", x)


@given(programs())
def test_backwards_fused_loop_equals_the_shared_chain_rule_bit_for_bit(program):
    out = build_fast(program)
    order = topological_order(out)
    by_rule = grad(out, order)          # registry.chain_rule at every node, summed in a dict
    out.backward()                      # the fused copy
    assert [_bits(v.grad) for v in order] == [_bits(g) for g in by_rule]


def _plain_run(edge):
    leaves = [plain.Value(x) for x in edge.operands]
    name = edge.name
    if name == "sum":
        return leaves, plain.sum(leaves)
    if name == "dot":
        n = len(leaves) // 2
        return leaves, plain.dot(leaves[:n], leaves[n:])
    return leaves, plain.apply(name, *leaves, *edge.params)


def _fast_run(edge):
    import autograd
    leaves = [Value(x) for x in edge.operands]
    if edge.name == "sum":
        return leaves, autograd.sum(leaves)
    if edge.name == "dot":
        n = len(leaves) // 2
        return leaves, autograd.dot(leaves[:n], leaves[n:])
    return leaves, autograd.apply(edge.name, *leaves, *edge.params)


def _outcome(run, edge):
    """(value, gradients) or the error text, at forward or at backward."""
    try:
        leaves, out = run(edge)
    except ValueError as e:
        return ("forward error", str(e))
    try:
        out.backward()
    except ValueError as e:
        return ("backward error", str(e), [leaf.grad for leaf in leaves])
    return ("ok", out.data, [leaf.grad for leaf in leaves])


@pytest.mark.parametrize("edge", EDGES, ids=lambda e: e.id())
def test_plain_engine_matches_the_fast_one_at_every_domain_edge(edge):
    fast, slow = _outcome(_fast_run, edge), _outcome(_plain_run, edge)
    assert slow[0] == fast[0], (slow, fast)
    if slow[0] == "ok":
        assert _bits(slow[1]) == _bits(fast[1])
        assert all(a == b or (math.isnan(a) and math.isnan(b)) for a, b in zip(slow[2], fast[2]))
    else:
        assert slow[1] == fast[1]            # the same message, word for word
