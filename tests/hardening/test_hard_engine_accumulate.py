"""Gradients accumulated across calls (issue 13, defect 1): never a silent NaN.

``backward`` adds each call's gradients to what ``.grad`` already holds.  When
that sum would be NaN (``inf`` from one call, ``-inf`` from the next) the call
is refused with an error naming the op, and every ``.grad`` is left exactly as
it was, as for a NaN inside one call.  The property below checks this on the
hardening suite's random DAGs against an independent oracle: the same graph
built twice more, each copy differentiated once, and the two results added.
"""
import math

import pytest
from hard_dags import programs
from hypothesis import given
from hypothesis import strategies as st
from plain_dags import ENGINES

from autograd import Value

inf = math.inf


def test_inf_then_minus_inf_is_refused_naming_the_op():
    x = Value(1.0)
    (x * inf).backward()
    assert x.grad == inf
    y = x * -inf
    with pytest.raises(ValueError, match=r"^backward through mul\(1\.0, -inf\): gradient is NaN"):
        y.backward()
    assert x.grad == inf and y.grad == 0.0


def test_two_overflowing_finite_calls_are_refused():
    x = Value(1.0)
    (x * 1e200 * 1e200).backward()     # d/dx = 1e400: overflows to inf
    assert x.grad == inf
    y = x * -1e200 * 1e200
    with pytest.raises(ValueError, match=r"^backward through mul\(1\.0, -1e\+200\): gradient is NaN.*"
                                         r"earlier calls"):
        y.backward()
    assert x.grad == inf
    assert all(v.grad == 0.0 for v in (y, y.parents[0]))


def test_a_shared_inner_node_is_refused_too():
    x = Value(2.0)
    h = x * 1.0
    (h * inf).backward()
    assert (h.grad, x.grad) == (inf, inf)
    with pytest.raises(ValueError, match=r"^backward through mul\(2\.0, -inf\): gradient is NaN"):
        (h * -inf).backward()
    assert (h.grad, x.grad) == (inf, inf)


def test_the_seed_added_to_the_outputs_grad_is_checked():
    r = Value(1.0)
    r.backward(inf)
    with pytest.raises(ValueError, match=r"^backward\(-inf\): .*\.grad holds inf"):
        r.backward(-inf)
    assert r.grad == inf
    y = r * 2.0
    y.backward(inf)
    r.grad = 0.0                      # only the output's own .grad still holds inf
    with pytest.raises(ValueError, match=r"^backward\(-inf\)"):
        y.backward(-inf)
    assert (y.grad, r.grad) == (inf, 0.0)


def test_within_one_call_inf_minus_inf_is_still_refused():
    x = Value(1e-300)
    y = x * 1e200 * 1e200 + x * -1e200 * 1e200     # finite values, gradients +inf and -inf
    with pytest.raises(ValueError, match=r"^backward through mul.*gradient is NaN"):
        y.backward()
    assert x.grad == 0.0


def test_node_by_node_backward_refuses_too():
    x = Value(1.0)
    x.grad = inf
    y = x * -1.0
    y.grad = inf
    with pytest.raises(ValueError, match=r"^backward through mul\(1\.0, -1\.0\): gradient is NaN"):
        y._backward()
    assert (x.grad, y.grad) == (inf, inf)


SEEDS = st.one_of(st.sampled_from([1.0, -1.0, inf, -inf, 1e308, -1e308, 0.0]),
                  st.floats(-3.0, 3.0))


@pytest.mark.parametrize("engine", sorted(ENGINES))
@given(program=programs(max_ops=15), s1=SEEDS, s2=SEEDS)
def test_two_calls_give_the_sum_of_two_single_calls_or_change_nothing(engine, program, s1, s2):
    build, order_of = ENGINES[engine]

    def graph():
        out = build(program)
        return out, order_of(out)

    def one_call(seed):
        """This call's gradients on a fresh copy of the graph, or None if it raises."""
        out, order = graph()
        try:
            out.backward(seed)
        except ValueError:
            assert all(v.grad == 0.0 for v in order), "a failed call changed .grad"
            return None
        return [v.grad for v in order]

    first, second = one_call(s1), one_call(s2)
    if first is None:
        return
    out, order = graph()
    out.backward(s1)
    assert [v.grad for v in order] == first
    expected = None if second is None else [a + b for a, b in zip(first, second)]
    if expected is None or any(e != e for e in expected):
        with pytest.raises(ValueError, match=r"^backward"):
            out.backward(s2)
        assert [v.grad for v in order] == first, "a refused call left .grad changed"
    else:
        out.backward(s2)
        assert [v.grad for v in order] == expected
