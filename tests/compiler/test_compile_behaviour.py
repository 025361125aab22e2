"""What compile promises beyond equal numbers: parameters read at call time,
TracingError on value-dependent control flow, domain errors on the batch,
and numpy work that grows with the graph's depth, not its width."""
import sys

import numpy as np
import pytest
from compile_reference import assert_close, eager, mlp

import autograd
from autograd import TracingError, Value


def test_parameter_updates_are_seen_by_the_next_call():
    forward, params = mlp([2, 4, 1], seed=3)
    fn = lambda x0, x1: forward([x0, x1]).tanh()  # noqa: E731
    f = autograd.compile(fn)
    X = np.random.default_rng(0).normal(size=(2, 8))
    before = f(*X)
    for p in params:
        p.data += 0.25                     # an optimizer step, by hand
    after = f(*X)
    assert not np.allclose(before, after)
    assert_close(after, eager(fn, params, *X)[0])


def test_value_and_grad_accumulates_into_parameter_grad():
    w = Value(2.0)
    f = autograd.compile(lambda x: w * x * x)
    x = np.array([1.0, 2.0, 3.0])
    w.grad = 10.0
    f.value_and_grad(x)
    assert w.grad == 10.0 + 14.0
    f(x)                                    # the forward alone leaves .grad alone
    assert w.grad == 24.0


@pytest.mark.parametrize("fn,expr", [
    (lambda x0: x0 if x0 > 0.0 else -x0, "x0 > 0.0"),
    (lambda x0: x0.relu() if x0 <= 1 else x0, "x0 <= 1"),
    (lambda x0: max(x0, x0 * 2.0), "mul(x0, 2.0)"),
    (lambda x0: (x0 * 3.0).tanh() if (x0 * 3.0).tanh() >= 0.5 else x0, "tanh(mul(...)) >= 0.5"),
    (lambda x0: Value(float(x0)), "float(x0)"),
])
def test_value_dependent_control_flow_raises_tracing_error(fn, expr):
    with pytest.raises(TracingError) as info:
        autograd.compile(fn)
    text = str(info.value)
    assert expr in text and "compile" in text and "eagerly" in text


def test_comparison_on_a_captured_parameter_is_refused_too():
    w = Value(0.5, label="w")
    with pytest.raises(TracingError, match="`w > 0`"):
        autograd.compile(lambda x: x * w if w > 0 else x)


def test_comparisons_work_again_after_a_failed_trace():
    originals = {n: Value.__dict__[n] for n in ("__lt__", "__le__", "__gt__", "__ge__", "__float__")}
    with pytest.raises(TracingError):
        autograd.compile(lambda x: x if x > 0 else x)
    assert {n: Value.__dict__[n] for n in originals} == originals
    assert Value(2.0) > 1 and max(Value(1.0), Value(3.0)).data == 3.0 and float(Value(4.0)) == 4.0


def test_tracing_does_not_trip_domain_checks_but_the_batch_does():
    f = autograd.compile(lambda x, y: (x - y).log() + (y / (x - 0.5)))  # placeholders: log(-0.25)
    assert_close(f([3.0, 4.0], [1.0, 1.0]), np.log([2.0, 3.0]) + 1.0 / np.array([2.5, 3.5]))
    with pytest.raises(ValueError, match=r"^log\(-1\.0\): input must be > 0 \[batch example 1\]$"):
        f([3.0, 1.0], [1.0, 2.0])
    with pytest.raises(ValueError, match=r"^div\(0\.25, 0\.0\): division by zero \[batch example 0\]$"):
        f([0.5, 4.0], [0.25, 1.0])


@pytest.mark.parametrize("fn,x,pattern", [
    (lambda x: x ** (x * 0.0 + 2.0), [1.0, 0.0],
     r"^vpow\(0\.0, 2\.0\): a Value exponent needs a base > 0 \[batch example 1\]"),
    (lambda x: x.sqrt(), [4.0, -4.0], r"^sqrt\(-4\.0\): input must be >= 0 \[batch example 1\]"),
    (lambda x: (-2.0) ** x, [1.0, 2.0], r"^rpow\(1\.0, -2\.0\): a Value exponent needs a base > 0"),
    (lambda x: x ** 0.5, [-8.0], r"^pow\(-8\.0, 0\.5\): a negative base"),
    (lambda x: (2.0 * x).exp(), [1.0, 500.0],
     r"^exp\(1000\.0\): result overflows a float \[batch example 1\]"),
    (lambda x: x - x * 2.0, [np.inf], r"^sub\(inf, inf\): result is NaN \[batch example 0\]"),
])
def test_domain_errors_on_the_batch_name_the_op_and_the_value(fn, x, pattern):
    f = autograd.compile(fn)
    with pytest.raises(ValueError, match=pattern):
        f(x)


def test_an_error_leaves_parameter_grads_unchanged():
    w = Value(1.0)
    w.grad = 5.0
    f = autograd.compile(lambda x: (x * w).log())
    with pytest.raises(ValueError, match=r"^log\(-2\.0\)"):
        f.value_and_grad([1.0, -2.0])
    assert w.grad == 5.0


def test_backward_through_an_infinite_local_derivative_is_eager_s_error():
    f = autograd.compile(lambda x: x.sqrt())
    assert_close(f([0.0, 4.0]), [0.0, 2.0])
    with pytest.raises(ValueError, match=r"^backward through sqrt\(0\.0\): local derivative "
                                         r"is not finite .*\[batch example 0\]"):
        f.value_and_grad([0.0, 4.0])
    # ... and, as eager, also where that node's gradient is zero (0 * inf
    # decides nothing: docs/engine.md, "The zero-gradient rule").
    w = Value(0.0)
    fn = lambda x: x.sqrt() * w + x  # noqa: E731
    with pytest.raises(ValueError, match=r"^backward through sqrt\(0\.0\)"):
        eager(fn, [w], [0.0, 4.0])
    with pytest.raises(ValueError, match=r"^backward through sqrt\(0\.0\).*\[batch example 0\]"):
        autograd.compile(fn).value_and_grad([0.0, 4.0])


def test_infinities_eager_allows_come_out_the_same():
    fn = lambda x: x * 1e300 + 1.0  # noqa: E731
    values, (dx,) = autograd.compile(fn).value_and_grad([1e10, 1.0])
    want = eager(fn, [], [1e10, 1.0])
    np.testing.assert_array_equal(values, want[0])
    np.testing.assert_array_equal(dx, want[1][0])


@pytest.mark.parametrize("args,error,pattern", [
    (([1.0, 2.0], [1.0]), ValueError, "input y has 1 examples"),
    (([[1.0]], [1.0]), ValueError, r"input x must be a number or a 1-D batch"),
    (([1.0, np.nan], [1.0, 2.0]), ValueError, r"input x\[1\] is NaN"),
    ((["a"], [1.0]), TypeError, r"input x\[0\] must be a real number, got str 'a'"),
    (([1.0],), TypeError, r"takes 2 input\(s\)"),
])
def test_bad_batches_are_clear_errors(args, error, pattern):
    f = autograd.compile(lambda x, y: x * y)
    with pytest.raises(error, match=pattern):
        f(*args)


def test_numbers_broadcast_against_a_batch():
    f = autograd.compile(lambda x, y: x * y)
    np.testing.assert_array_equal(f([1.0, 2.0], 3), [3.0, 6.0])
    np.testing.assert_array_equal(f(2, 3), [6.0])


def test_compile_needs_nargs_for_star_args_and_a_value_result():
    with pytest.raises(TypeError, match="nargs"):
        autograd.compile(lambda *xs: xs[0])
    assert autograd.compile(lambda *xs: xs[0] * xs[1], nargs=2)([2.0], [3.0])[0] == 6.0
    with pytest.raises(TypeError, match="must return a Value or a number"):
        autograd.compile(lambda x: [x])


def test_tracing_records_even_inside_no_grad():
    with autograd.no_grad():
        f = autograd.compile(lambda x: x * x)
    assert f.value_and_grad([3.0])[1][0][0] == 6.0


def _count_builtin_calls(fn):
    """Calls into C (numpy functions and array methods among them) made by fn()."""
    count = [0]

    def profiler(frame, event, arg):
        if event == "c_call":
            count[0] += 1

    sys.setprofile(profiler)
    try:
        fn()
    finally:
        sys.setprofile(None)
    return count[0]


def test_numpy_work_grows_with_depth_not_width():
    def calls(sizes):
        forward, params = mlp(sizes)
        f = autograd.compile(lambda x0, x1, y: (forward([x0, x1]) - y) ** 2)
        X = np.random.default_rng(1).normal(size=(3, 50))
        f.value_and_grad(*X)  # warm
        return f, _count_builtin_calls(lambda: f.value_and_grad(*X))

    narrow, n_narrow = calls([2, 2, 2, 1])
    wide, n_wide = calls([2, 32, 32, 1])
    deep, n_deep = calls([2, 2, 2, 2, 2, 1])
    assert narrow.n_groups == wide.n_groups == narrow.depth == 7
    assert deep.n_groups == deep.depth == 11
    assert n_narrow == n_wide           # 16x the nodes, the same calls
    assert n_deep > n_narrow


def test_other_threads_compare_values_normally_while_a_trace_runs():
    import threading
    seen = []
    ready, done = threading.Event(), threading.Event()

    def other():
        ready.wait(5)
        seen.append(Value(2.0) > 1.0)
        seen.append(float(Value(3.0)))
        done.set()

    def fn(x):
        ready.set()
        done.wait(5)                      # the other thread compares mid-trace
        return x * 2.0

    thread = threading.Thread(target=other)
    thread.start()
    autograd.compile(fn)
    thread.join()
    assert seen == [True, 3.0]


def test_the_exact_replay_matches_eager_with_shared_nodes_and_parameters():
    p = Value(0.5)
    fn = lambda x: (p * 2.0).exp() * x * 1e300 + autograd.dot([x, p], [p, x])  # noqa: E731
    f = autograd.compile(fn)
    x = np.array([1e10, 1.0, -2.0])       # the first example overflows to inf, as in eager
    values, (dx,) = f.value_and_grad(x)
    want = eager(fn, [p], x)
    np.testing.assert_array_equal(values, want[0])
    np.testing.assert_array_equal(dx, want[1][0])
    np.testing.assert_array_equal(p.grad, want[2][0])


@pytest.mark.parametrize("fn,nargs,pattern", [
    (3, None, r"compile: expected a function, got int 3"),
    (lambda x: x, -1, r"nargs must be a non-negative int, got -1"),
    (lambda x: x, 1.5, r"nargs must be a non-negative int, got 1.5"),
    (lambda x: "x", None, r"must return a Value or a number, got str 'x'"),
])
def test_bad_arguments_to_compile_are_clear_errors(fn, nargs, pattern):
    with pytest.raises(TypeError, match=pattern):
        autograd.compile(fn, nargs=nargs)


def test_constants_get_no_gradient_and_a_folded_bias_is_read_as_is():
    # A neuron's bias rides in its dot as the pair (1.0, b): the compiled
    # layer must add b itself (no product with a row of ones) and scatter no
    # gradient into the constant 1.0, or into any other constant.
    forward, params = mlp([2, 4, 3, 1], seed=5)
    f = autograd.compile(lambda x0, x1, y: (forward([x0, x1]) - y) ** 2 * 0.5)
    dots = [s for s in f.plan.steps if type(s).__name__ == "Dot"]
    assert len(dots) == 3 and all(s.shared is not None and s.shared.folded_bias for s in dots)
    computed = {r for s in f.plan.steps if s.out_kind == 1 for r in range(s.out.start, s.out.stop)}
    const_rows = (set(range(len(f.plan.shared_init))) - set(f.plan.param_rows.tolist())
                  - computed)
    assert const_rows                      # the 1.0 of the biases, the 0.5
    for step in f.plan.steps:
        for kind, plan in step.grad_plans():
            rows = set(plan.rows.tolist())
            assert not (kind == 1 and rows <= const_rows and rows), (step, rows)
