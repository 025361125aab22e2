"""A compiled ``sum`` equals eager's bit for bit: both are the exactly rounded
sum (``math.fsum``), however the operands cancel.

The truth is ``math.fsum`` of each example's operands (what eager's ``sum``
computes) and the eager engine itself, never the compiler's own output."""
import math
import struct
import warnings

import numpy as np
import pytest
from compile_reference import eager
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
from autograd import Value
from autograd.mathspaces import NUMPY


def bits(xs):
    return [struct.pack("<d", float(x)) for x in np.ravel(xs)]


def test_the_issue_example_is_eager_s_one_not_zero():
    fn = lambda x: autograd.sum([x, 1e16, -1e16])       # noqa: E731
    assert fn(Value(1.0)).data == 1.0                      # eager: math.fsum
    f = autograd.compile(fn)
    values, (dx,) = f.value_and_grad([1.0, 0.5, -3.0])
    assert values.tolist() == [1.0, 0.5, -3.0]
    assert dx.tolist() == [1.0, 1.0, 1.0]


def test_a_parameter_and_constants_cancelling_around_a_batch_row():
    w = Value(1e300)
    fn = lambda x, y: autograd.sum([w, x, 2.0 ** -60, -w, y, -1.0])     # noqa: E731
    X, Y = [1.0, 3.0, 2.0 ** 53], [2.0 ** -70, 0.0, 1.0]
    want = eager(fn, [w], X, Y)
    values = autograd.compile(fn)(X, Y)
    assert bits(values) == bits(want[0])
    assert bits(values) == bits([math.fsum([1e300, x, 2.0 ** -60, -1e300, y, -1.0]) for x, y in zip(X, Y)])


# Operands at every scale, and the negations of earlier ones, so that sums
# cancel massively, land exactly between two floats, or underflow.
def _operand(draw, earlier):
    if earlier and draw(st.booleans()):
        return -draw(st.sampled_from(earlier)) * draw(st.sampled_from([1.0, 1.0, 0.5, 2.0]))
    mantissa = draw(st.floats(-2.0, 2.0, allow_subnormal=False))
    return math.ldexp(mantissa, draw(st.integers(-1074, 1000)))


@st.composite
def sums(draw):
    n = draw(st.integers(1, 9))
    size = draw(st.integers(1, 6))
    shared = draw(st.lists(st.booleans(), min_size=n, max_size=n))
    columns = []
    for i in range(n):
        column = []
        for b in range(1 if shared[i] else size):
            column.append(_operand(draw, [c[min(b, len(c) - 1)] for c in columns]))
        columns.append(column)
    return shared, columns, size


@settings(max_examples=150, deadline=None)
@given(sums())
def test_compiled_sums_are_exactly_rounded_as_eager_s(case):
    shared, columns, size = case
    params = [Value(c[0]) for c, s in zip(columns, shared) if s]
    varying = [np.array(c) for c, s in zip(columns, shared) if not s]

    def fn(*xs):
        xs, ps, operands = list(xs), list(params), []
        for s in shared:
            operands.append(ps.pop(0) if s else xs.pop(0))
        return autograd.sum(operands)

    per_example = [[c[0] if s else c[b] for c, s in zip(columns, shared)] for b in range(size)]
    want = [math.fsum(ops) for ops in per_example]
    f = autograd.compile(fn, nargs=len(varying))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        got = f(*varying)             # operands below 2**1003: no sum of 9 overflows
    if not varying:
        got = got[:1]
        want = want[:1]
    assert bits(got) == bits(want), (got, want)


def test_the_numpy_namespace_sum_is_fsum_on_blocks_shaped_as_the_compiler_passes_them():
    # Blocks as the compiler passes them: (k, B) rows and (k, 1) shared rows.
    rng = np.random.default_rng(5)
    a = rng.normal(size=(3, 1000)) * 10.0 ** rng.integers(-12, 12, size=(3, 1000))
    ops = [a, -a * 0.999999, np.full((3, 1), 1e-3), rng.normal(size=(3, 1000))]
    got = NUMPY.fsum(ops)
    want = [[math.fsum([o[j, min(b, o.shape[1] - 1)] for o in ops]) for b in range(1000)]
            for j in range(3)]
    assert bits(got) == bits(want)


@pytest.mark.parametrize("operands,want", [([], 0.0), ([-0.0], 0.0), ([-0.0, -0.0], 0.0),
                                           ([-0.0, -0.0, -0.0], 0.0), ([2.5], 2.5)])
def test_sums_of_none_one_or_two_operands_and_of_negative_zeros_are_fsum_s(operands, want):
    assert bits([math.fsum(operands)]) == bits([want])           # the truth, on this Python
    w = [Value(x) for x in operands]
    values = autograd.compile(lambda x: autograd.sum(w) * x)([1.0, 2.0])    # keeps a zero's sign
    assert bits(values) == bits([want, want * 2.0])


@pytest.mark.parametrize("ops,want", [
    # 2**47 + 1.125 * 2**30 + 2**-61 + 2**-6: the last two lie below the sum's
    # last bit (2**-5).  2**-6 alone is exactly half of it, a tie that rounds
    # to even (down); the 2**-61 beyond it tips the exact sum up.
    ([2.0 ** 47, 1.125 * 2.0 ** 30, 2.0 ** -61, 2.0 ** -6], 2.0 ** 47 + 1.125 * 2.0 ** 30 + 2.0 ** -5),
    # Just below a power of two the floats are twice as dense: 2**47 - 2**-7
    # is a tie between 2**47 and 2**47 - 2**-6, and the -2**-62 tips it down.
    ([2.0 ** 47, -(2.0 ** -7), -(2.0 ** -62)], 2.0 ** 47 - 2.0 ** -6),
], ids=["above", "below-a-power-of-two"])
def test_a_tie_broken_by_a_tiny_operand_rounds_as_fsum_rounds_it(ops, want):
    # Any sum that loses the tiny operand (a plain or a merely compensated one)
    # rounds the other way.
    assert math.fsum(ops) == want != sum(ops)
    assert NUMPY.fsum([np.array([[x]]) for x in ops])[0, 0] == want
    w = [Value(x) for x in ops[1:]]
    f = autograd.compile(lambda x: autograd.sum([x] + w))
    assert f([ops[0], ops[0]]).tolist() == [want, want]


def test_the_cost_benchmark_runs_and_checks_the_two_sums_agree(monkeypatch, capsys):
    from benchmarks import exact_sum
    entry = vars(type(NUMPY))["fsum"]
    rows = exact_sum.main(["--quick"])
    assert len(rows) == 5 and all(ratio > 0 for _, ratio in rows)
    assert vars(type(NUMPY))["fsum"] is entry          # the namespace is left as it was
    assert "exact/plain" in capsys.readouterr().out
    monkeypatch.setattr(exact_sum, "_EXACT", lambda ops: exact_sum.plain_sum(ops) + 1e-6)
    with pytest.raises(AssertionError, match="disagree"):
        exact_sum.main(["--quick"])
