"""A compiled function keeps its work buffers between calls (one set per
thread, for the last batch size).  Nothing of that may leak: results are the
caller's own arrays, a change of batch size or thread gives the same numbers
as a fresh function, and an error mid-call does not poison the next call."""
import threading

import numpy as np
import pytest
from compile_reference import assert_close, compiled, eager, mlp

import autograd
from autograd import Value

RNG = np.random.default_rng(2024)


def _model():
    forward, params = mlp([2, 5, 3, 1], seed=7)
    return (lambda x0, x1: (forward([x0, x1]) - x1).tanh() * 2.0), params


def test_returned_arrays_are_not_overwritten_by_the_next_call():
    fn, params = _model()
    f = autograd.compile(fn)
    a, b = RNG.normal(size=(2, 6)), RNG.normal(size=(2, 6))
    values, grads = f.value_and_grad(*a)
    kept = values.copy(), [g.copy() for g in grads]
    forward_only = f(*a)
    kept_forward = forward_only.copy()
    f.value_and_grad(*b)
    f(*b)
    np.testing.assert_array_equal(values, kept[0])
    for g, k in zip(grads, kept[1]):
        np.testing.assert_array_equal(g, k)
    np.testing.assert_array_equal(forward_only, kept_forward)


def test_changing_batch_sizes_back_and_forth_matches_eager():
    fn, params = _model()
    f = autograd.compile(fn)
    for size in (7, 1, 7, 30, 2, 7):
        X = RNG.normal(size=(2, size))
        got = compiled(f, params, *X)
        want = eager(fn, params, *X)
        for g, w in zip(got, want):
            assert_close(g, w)


def test_a_domain_error_mid_call_leaves_the_next_call_correct():
    w = Value(1.5)
    fn = lambda x: (x * w).log() * w      # noqa: E731
    f = autograd.compile(fn)
    good = np.array([0.5, 1.0, 2.0])
    want = eager(fn, [w], good)
    with pytest.raises(ValueError, match=r"log\(-1.5\)"):
        f.value_and_grad(np.array([0.5, -1.0, 2.0]))
    for g, e in zip(compiled(f, [w], good), want):
        assert_close(g, e)


def test_threads_calling_one_compiled_function_with_different_batches():
    fn, params = _model()
    f = autograd.compile(fn)
    batches = [RNG.normal(size=(2, size)) for size in (3, 8, 8, 21, 5, 13)]
    # The truth first, single-threaded: forward values and input gradients
    # (parameter .grad is shared state, so threads use only what is theirs).
    want = [eager(fn, params, *X)[:2] for X in batches]
    start = threading.Barrier(len(batches))
    errors = []

    def work(i):
        try:
            start.wait()
            for _ in range(40):
                values = f(*batches[i])
                _, input_grads = f.value_and_grad(*batches[i])
                assert_close(values, want[i][0])
                assert_close(np.array(input_grads), want[i][1])
        except Exception as e:     # reported in the main thread
            errors.append((i, e))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(batches))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
