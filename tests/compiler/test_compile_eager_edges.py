"""Compiled equals eager at the edges too: it raises where eager raises (for
nodes the function does not return as well), refuses what eager's ``Value``
refuses, never lets a NaN into ``.grad`` or a numpy warning out, and refuses
a captured Value whose number eager and compiled would disagree on.

The truth is the eager engine run example by example (``compile_reference``)
or a derivative worked out by hand, never the compiler's own output."""
import math
import re
import threading
import warnings
from decimal import Decimal
from fractions import Fraction

import numpy as np
import pytest
from compile_reference import assert_close, eager

import autograd
from autograd import TracingError, Value


@pytest.fixture(autouse=True)
def numpy_warnings_are_errors():
    # No numpy warning may escape a compiled call: any would fail the test.
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        yield


# -- nodes the function computes but does not return ---------------------------------

def test_an_unreturned_node_that_fails_its_domain_raises_as_eager():
    fn = lambda x: (x.log(), x * 2.0)[1]         # noqa: E731
    with pytest.raises(ValueError, match=r"^log\(-1\.0\): input must be > 0$"):
        fn(Value(-1.0))                           # eager
    f = autograd.compile(fn)
    for call in (f, f.value_and_grad):
        with pytest.raises(ValueError, match=r"^log\(-1\.0\): input must be > 0 \[batch example 1\]$"):
            call([2.0, -1.0])
    assert_close(f([2.0, 3.0]), [4.0, 6.0])       # and no error where eager has none


def test_an_unreturned_node_is_checked_in_the_exact_replay_too():
    # The returned value overflows (numpy flags it: the call is replayed), and
    # the unreturned log fails at example 1: the replay raises eager's error.
    fn = lambda x: (x.log(), x * 1e300 * 1e10)[1]   # noqa: E731
    f = autograd.compile(fn)
    with pytest.raises(ValueError, match=r"^log\(-1\.0\): input must be > 0 \[batch example 1\]$"):
        f.value_and_grad([1.0, -1.0])
    values, (dx,) = f.value_and_grad([1.0, 2.0])
    want = eager(fn, [], [1.0, 2.0])
    np.testing.assert_array_equal(values, want[0])
    np.testing.assert_array_equal(dx, want[1][0])


def test_unreturned_nodes_get_no_gradient_and_their_derivatives_are_not_evaluated():
    # sqrt'(0) is infinite, but nothing flows back through an unreturned node:
    # eager's backward never visits it.  d/dx (3 x) = 3 by hand.
    w = Value(2.0)
    fn = lambda x: (x.sqrt() * w, (w * 0.5).log(), x * 3.0)[2]   # noqa: E731
    f = autograd.compile(fn)
    values, (dx,) = f.value_and_grad([0.0, 4.0])
    assert_close(values, [0.0, 12.0])
    assert_close(dx, [3.0, 3.0])
    assert w.grad == 0.0
    w.data = -1.0                  # now the unreturned log(w * 0.5) fails, as in eager
    with pytest.raises(ValueError, match=r"^log\(-0\.5\): input must be > 0"):
        f([1.0])


def test_an_unreturned_dot_that_is_nan_raises():
    # numpy does not flag a NaN made inside a matrix product; eager refuses it.
    w = [Value(1.0), Value(1.0)]
    fn = lambda x, y: (autograd.dot([x, y], w), x * 2.0)[1]   # noqa: E731
    with pytest.raises(ValueError, match=r"^dot\(inf, -inf, 1\.0, 1\.0\): result is NaN$"):
        fn(Value(math.inf), Value(-math.inf))
    f = autograd.compile(fn)
    with pytest.raises(ValueError, match=r"^dot\(inf, -inf, 1\.0, 1\.0\): result is NaN \[batch example 0"):
        f([math.inf], [-math.inf])


def test_a_matrix_product_of_inf_and_a_zero_weight_raises_as_eager():
    # BLAS may skip a zero factor and give 0 where 0 * inf is NaN: eager
    # refuses that dot, and so must the compiled layer (found by the
    # compile-versus-eager raising property).
    w = Value(0.0)
    fn = lambda x: autograd.dot([x], [w])       # noqa: E731
    with pytest.raises(ValueError, match=r"^dot\(inf, 0\.0\): result is NaN$"):
        fn(Value(math.inf))
    f = autograd.compile(fn)
    with pytest.raises(ValueError, match=r"^dot\(inf, 0\.0\): result is NaN \[batch example 1\]$"):
        f([1.0, math.inf])
    w.data, w.grad = math.inf, 0.0
    with pytest.raises(ValueError, match=r"^dot\(0\.0, inf\): result is NaN \[batch example 0\]$"):
        f([0.0, 1.0])
    assert w.grad == 0.0


# -- captured Values that are not leaves ------------------------------------------------

def test_a_captured_computed_value_is_refused_naming_it_and_what_to_do():
    w = Value(1.0, label="w")
    h = w * 3.0
    with pytest.raises(TracingError) as info:
        autograd.compile(lambda x: x * h)
    text = str(info.value)
    assert "`mul(w, 3.0)`" in text and "computed outside" in text
    assert "inside the function" in text and ".detach()" in text
    with pytest.raises(TracingError, match=r"`mul\(w, 3\.0\)`"):
        autograd.compile(lambda x: h)                         # returned as it is
    with pytest.raises(TracingError, match=r"`mul\(w, 3\.0\)`"):
        autograd.compile(lambda x: (x * h, x + 1.0)[1])       # used by an unreturned node


def test_what_the_refusal_suggests_works_and_matches_eager():
    w = Value(1.0, label="w")
    h = w * 3.0
    inside = lambda x: x * (w * 3.0)     # noqa: E731
    frozen = h.detach()
    captured = lambda x: x * frozen      # noqa: E731
    f_inside, f_captured = autograd.compile(inside), autograd.compile(captured)
    w.data = 5.0                         # eager: inside sees 15, the detached copy still 3
    assert_close(f_inside([1.0, 2.0]), eager(inside, [w], [1.0, 2.0])[0])
    assert_close(f_captured([1.0, 2.0]), eager(captured, [frozen], [1.0, 2.0])[0])
    assert_close(f_inside([1.0]), [15.0]) and assert_close(f_captured([1.0]), [3.0])


def test_nodes_made_inside_the_function_by_grad_are_not_taken_for_captured_ones():
    # grad(create_graph=True) records its nodes outside the trace's own list:
    # they are still the function's own.  d/dx (x^3) = 3 x^2 by hand.
    f = autograd.compile(lambda x: autograd.grad(x * x * x, [x], create_graph=True)[0])
    assert_close(f([2.0, -1.0]), [12.0, 3.0])


# -- inputs eager refuses --------------------------------------------------------------

@pytest.mark.parametrize("batch,where,shown", [
    ([1 + 2j], "x[0]", "complex (1+2j)"),
    (np.array([1.0, 2.0 + 0.5j]), "x[0]", "complex (1+0j)"),
    (["1.5"], "x[0]", "str '1.5'"),
    ("1.5", "x", "str '1.5'"),
    ([b"1"], "x[0]", "bytes b'1'"),
    (np.array(["2020-01-01"], dtype="datetime64[D]"), "x[0]", "datetime64"),
    (np.array([1, 2], dtype="timedelta64[s]"), "x[0]", "timedelta64"),
    ([None], "x[0]", "NoneType None"),
    ([1.0, None], "x[1]", "NoneType None"),
    (None, "x", "NoneType None"),
    ([1.0, Value(2.0)], "x[1]", "Value Value(data=2.0"),
    ([Decimal("1.5")], "x[0]", "Decimal Decimal('1.5')"),
])
def test_inputs_eager_refuses_are_refused_by_name(batch, where, shown):
    f = autograd.compile(lambda x: x * 2.0)
    with pytest.raises(TypeError) as info:
        f(batch)
    text = str(info.value)
    assert text.startswith(f"compile: input {where} must be a real number, got ")
    assert shown in text


def test_numbers_eager_takes_are_taken():
    f = autograd.compile(lambda x: x * 2.0)
    for batch, want in [([True, False, 3], [2.0, 0.0, 6.0]),
                        (np.array([1, 2], dtype=np.int64), [2.0, 4.0]),
                        (np.array([0.5], dtype=np.float32), [1.0]),
                        (np.array([True]), [2.0]),
                        ([Fraction(1, 4), np.float64(2.0)], [0.5, 4.0]),
                        (np.array([1.5, 2.5])[::-1], [5.0, 3.0]),
                        (np.array([1.0], dtype=">f8"), [2.0]),
                        (7, [14.0])]:
        np.testing.assert_array_equal(f(batch), want)
        for x, w in zip(np.atleast_1d(np.asarray(batch, dtype=object)), want):
            assert (Value(x) * 2.0).data == w          # eager takes the same numbers


@pytest.mark.parametrize("batch,where", [([10 ** 400], "x[0]"), (10 ** 400, "x"),
                                         ([1.0, -10 ** 400], "x[1]")], ids=["list", "number", "second"])
def test_an_int_too_large_for_a_float_is_refused_naming_compile_the_input_and_value(batch, where):
    f = autograd.compile(lambda x: x * 2.0)
    with pytest.raises(OverflowError) as info:
        f(batch)
    text = str(info.value)
    assert text.startswith(f"compile: input {where} = ") and "too large for a float" in text
    assert "10000000000" in text and len(text) < 200                  # the value, shortened


# -- no NaN into .grad, no numpy warning out ------------------------------------------------

def test_a_batch_whose_gradient_sums_to_nan_is_refused_with_nothing_changed():
    p, q = Value(1.0, label="p"), Value(2.0, label="q")
    p.grad, q.grad = 0.5, -0.5
    f = autograd.compile(lambda x: x * p + q)
    with pytest.raises(ValueError) as info:
        f.value_and_grad([math.inf, -math.inf])
    text = str(info.value)
    assert "mul(" in text and "'p'" in text and "NaN" in text
    assert (p.grad, q.grad) == (0.5, -0.5)
    # One sign only: eager's inf, and q's finite gradient, as by hand.
    f.value_and_grad([math.inf, math.inf])
    assert (p.grad, q.grad) == (math.inf, 1.5)


def test_adding_to_a_grad_that_would_become_nan_is_refused_with_nothing_changed():
    p, q = Value(1.0, label="p"), Value(2.0, label="q")
    p.grad, q.grad = -math.inf, 1.0
    f = autograd.compile(lambda x: x * p + x * q)
    with pytest.raises(ValueError) as info:
        f.value_and_grad([math.inf])
    text = str(info.value)
    assert "value_and_grad" in text and "'p'" in text and "NaN" in text
    assert (p.grad, q.grad) == (-math.inf, 1.0)          # q would have been fine: unchanged too


def test_gradients_summed_past_the_float_range_are_eager_s_inf_without_a_warning():
    # y overflows the forward (numpy flags it: the exact replay runs); each
    # example then adds 1e308 to w's gradient, which eager sums to inf.
    w = Value(1.0)
    fn = lambda x, y: x * w + y * 1e300       # noqa: E731
    X, Y = [1e308, 1e308], [1e10, 1e10]
    values, (dx, dy) = autograd.compile(fn).value_and_grad(X, Y)
    want = eager(fn, [w], X, Y)
    np.testing.assert_array_equal(values, want[0])
    np.testing.assert_array_equal(dx, want[1][0])
    assert w.grad == want[2][0] == math.inf


# -- a zero incoming gradient passes nothing, but 0 * inf is refused as eager refuses it --------

@pytest.mark.parametrize("fn", [lambda x: x.sqrt() * 0.0, lambda x: x ** 0.5 * 0.0,
                                lambda x: (x.sqrt() * 0.0).exp()])
def test_a_zero_gradient_meeting_sqrt_at_zero_is_refused_as_eagerly(fn):
    # d/dx of (0 * sqrt x) is 0 where x > 0: nothing passes; at x = 0 the
    # zero gradient meets sqrt's infinite slope, which eager refuses too.
    f = autograd.compile(fn)
    values, (dx,) = f.value_and_grad([4.0])
    np.testing.assert_array_equal(dx, [0.0])
    for x in ([0.0, 4.0], [0.0]):
        with pytest.raises(ValueError, match=r"local derivative is not finite"):
            eager(fn, [], x)
        with pytest.raises(ValueError, match=r"local derivative is not finite.*\[batch example 0\]"):
            f.value_and_grad(x)


# -- tracing in one thread leaves every other thread alone ------------------------------------

def test_a_trace_leaves_the_class_alone_for_other_threads():
    names = ("__lt__", "__le__", "__gt__", "__ge__", "__float__")
    before = {n: Value.__dict__[n] for n in names}
    seen = {}

    def other():
        seen["methods"] = {n: Value.__dict__[n] for n in names}
        seen["float"] = Value.__float__        # a method looked up while the trace runs
        seen["compared"] = (Value(2.0) > 1.0, Value(1.0) <= Value(1.0), float(Value(3.0)))

    def fn(x):
        thread = threading.Thread(target=other)
        thread.start()
        thread.join()
        return x * 2.0

    autograd.compile(fn)
    assert seen["methods"] == before
    assert seen["compared"] == (True, True, 3.0)
    assert seen["float"](Value(4.0)) == 4.0    # still works once the trace is over


def test_nodes_made_under_enable_grad_in_a_traced_function_are_checked_too():
    # enable_grad inside the function must keep the trace's recorder, or a
    # log(-1) that is not returned would pass compiled while eager raises.
    from autograd import enable_grad

    def fn(x):
        with enable_grad():
            x.log()
        return x * 2.0

    with pytest.raises(ValueError, match=r"log\(-1\.0\)"):
        fn(Value(-1.0))
    with pytest.raises(ValueError, match=r"log\(-1\.0\)"):
        autograd.compile(fn)([2.0, -1.0])


def test_is_grad_enabled_is_a_bool_inside_a_trace():
    seen = []
    autograd.compile(lambda x: seen.append(autograd.is_grad_enabled()) or x * 1.0)
    assert seen == [True] and type(seen[0]) is bool


def test_an_int_past_pythons_digit_limit_is_refused_by_size():
    # repr() of an int over 4,300 digits raises, so the message describes it
    # instead of printing it (the engine's shortening, shared by compile).
    with pytest.raises(OverflowError, match=r"^compile: input x\[0\] = an int of about 5,000 digits "
                                            r"is too large for a float"):
        autograd.compile(lambda x: x * 2.0)([10 ** 5000])


# -- several failing examples: the one eager meets first (issue 19, item 11) ---------------

def _eager_first_error(fn, *columns):
    """Eager, example by example: the first example that raises, and its message."""
    for b, xs in enumerate(zip(*columns)):
        leaves = [Value(x) for x in xs]
        try:
            fn(*leaves).backward()
        except ValueError as e:
            return f"{e} [batch example {b}]"
    return None


@pytest.mark.parametrize("fn,columns", [
    # example 0 fails at the sqrt, example 1 at the log: eager stops at example 0
    (lambda x, y: x.log() + y.sqrt(), ([1.0, -1.0], [-1.0, 1.0])),
    # one example, two failing ops: the log is made first, though the sqrt sits lower in the graph
    (lambda x, y: (x * 2.0).log() + x.sqrt() + y, ([-1.0], [0.0])),
    # an unreturned node made first fails before the returned one
    (lambda x, y: (y.log(), x.sqrt())[1], ([-4.0, 1.0], [-1.0, 1.0])),
    # example 0's backward fails (sqrt'(0)) before example 1's forward (log(-1))
    (lambda x, y: x.sqrt() + y.log(), ([0.0, 1.0], [1.0, -1.0])),
    # a dot's NaN in example 0, a domain error in example 1
    (lambda x, y: autograd.dot([x, y], [1.0, 1.0]).exp() + (x + 2.0).log(),
     ([math.inf, -5.0], [-math.inf, 0.0])),
], ids=["two-examples", "two-ops-one-example", "unreturned-first", "backward-before-forward", "dot-nan"])
def test_several_failing_examples_name_the_example_and_op_eager_meets_first(fn, columns):
    want = _eager_first_error(fn, *columns)
    assert want is not None
    f = autograd.compile(fn)
    with pytest.raises(ValueError) as info:
        f.value_and_grad(*columns)
    assert str(info.value) == want


def test_the_forward_alone_names_the_first_example_whose_forward_fails():
    fn = lambda x, y: x.sqrt() + y.log()          # noqa: E731
    # example 0 only fails in backward (sqrt'(0)): the forward alone fails at example 1
    with pytest.raises(ValueError, match=r"^log\(-1\.0\): input must be > 0 \[batch example 1\]$"):
        autograd.compile(fn)([0.0, 1.0], [1.0, -1.0])


def test_a_constant_takes_no_gradient_so_cannot_make_one_nan():
    # By hand: d/dx of 10 * 1e308 * (2 x) is 2e309 = inf (eager's float
    # arithmetic); the constant 2.0's share, inf * x = inf * 0, is NaN, but
    # a constant has no gradient, so eager never forms it.
    fn = lambda x: (x * 2.0) * 1e308 * 10.0      # noqa: E731
    x = Value(0.0)
    fn(x).backward()
    assert x.grad == math.inf
    got = autograd.compile(fn).value_and_grad([0.0, 1e-300])
    want = eager(fn, [], [0.0, 1e-300])
    assert got[0].tolist() == want[0].tolist() and got[1][0].tolist() == want[1][0].tolist() == [math.inf] * 2


# -- masked arrays: a mask the compiler would drop is refused by name ----------------------

@pytest.mark.parametrize("batch,where", [
    (np.ma.array([1.0, 2.0, 3.0], mask=[False, True, False]), "x"),
    (np.ma.array([1.0, 2.0]), "x"),                       # no element masked: still a masked array
    (np.ma.masked, "x"),
    ([1.0, np.ma.masked], "x[1]"),
], ids=["masked", "nothing-masked", "the-masked-constant", "list-holding-it"])
def test_a_masked_array_is_refused_not_read_without_its_mask(batch, where):
    f = autograd.compile(lambda x: x * 2.0)
    with pytest.raises(TypeError, match=rf"^compile: input {re.escape(where)} is a numpy masked "
                                        r"(array|value).*\.filled\(") as info:
        f(batch)
    assert "mask" in str(info.value)


def test_a_nan_made_inside_two_dot_groups_raises_as_eager():
    # Each dot reads its inputs in another order, so the group runs through
    # einsum, which flags no overflow: 10 * 1e308 - 10 * 1e308 is NaN inside it,
    # unseen by numpy's error state.  Only the check on the returned values
    # catches it; eager refuses the dot.  (The mutation that removed that check
    # survived the whole suite.)
    w1, w2 = Value(1e308), Value(1e308)
    fn = lambda x, y: autograd.dot([x, y], [w1, w2]) + autograd.dot([y, x], [w1, Value(-1e308)])  # noqa: E731
    with pytest.raises(ValueError, match=r"^dot\(10\.0, -10\.0, 1e\+308, 1e\+308\): result is NaN$"):
        fn(Value(10.0), Value(-10.0))
    f = autograd.compile(fn)
    assert [type(s).__name__ for s in f.plan.steps][0] == "Dot" and f.plan.steps[0].weighted.lined is None
    for call in (f, f.value_and_grad):
        with pytest.raises(ValueError, match=r"^dot\(10\.0, -10\.0, 1e\+308, 1e\+308\): result is NaN "
                                             r"\[batch example 1\]$"):
            call([1.0, 10.0], [1.0, -10.0])
