"""Threads and asyncio: grad mode never leaks, parallel graphs get right gradients,
and compiling in one thread never disturbs another thread's eager code.

The engine's own tests show one quiet and one loud thread; these are
adversarial: a tiny switch interval so threads interleave between almost any
two bytecodes, threads flipping ``no_grad`` on and off as fast as they can
while others build and differentiate random DAGs, and asyncio tasks that yield
between every operation.
"""
import asyncio
import contextlib
import sys
import threading

import pytest
from hard_dags import programs
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, grad, no_grad


@contextlib.contextmanager
def switching_fast():
    old = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        yield
    finally:
        sys.setswitchinterval(old)


@pytest.fixture
def fast_switching():
    with switching_fast():
        yield


def _run_threads(targets, stop=None, seconds=None):
    """Run ``targets`` in threads and raise the first error any of them met.
    With ``stop`` (an Event), stop them after ``seconds`` or at the first
    error: the targets loop until it is set."""
    errors = []

    def guarded(fn):
        try:
            fn()
        except BaseException as e:  # reported below with the thread's traceback text
            errors.append(e)
            if stop is not None:
                stop.set()

    threads = [threading.Thread(target=guarded, args=(fn,)) for fn in targets]
    for t in threads:
        t.start()
    if stop is not None:
        stop.wait(seconds)
        stop.set()
    for t in threads:
        t.join(60)
    assert not any(t.is_alive() for t in threads), "a thread hung"
    if errors:
        raise errors[0]


@pytest.mark.slow   # seconds: threads per example
@given(st.lists(programs(max_ops=15), min_size=2, max_size=4))
def test_random_dags_differentiated_in_parallel_threads(progs):
    expected = [grad(p(*leaves), leaves) for p in progs
                for leaves in [[Value(x) for x in p.point]]]
    got = [None] * len(progs)
    start = threading.Barrier(len(progs) + 1)

    def work(k):
        def run():
            p = progs[k]
            start.wait(10)
            leaves = [Value(x) for x in p.point]
            out = p(*leaves)
            out.backward()
            got[k] = (grad(out, leaves), tuple(v.grad for v in leaves))
        return run

    def flipper():
        start.wait(10)
        for _ in range(200):
            with no_grad():
                assert (Value(1.0) + 1.0).is_leaf()
            assert not (Value(1.0) + 1.0).is_leaf()

    with switching_fast():
        _run_threads([work(k) for k in range(len(progs))] + [flipper])
    for k, (g, backward_g) in enumerate(got):
        assert g == expected[k]
        assert backward_g == pytest.approx(expected[k], rel=1e-12, abs=1e-300)


def test_no_grad_flipping_threads_never_disturb_recording_threads(fast_switching):
    stop = threading.Event()

    def flipper():
        while not stop.is_set():
            with no_grad():
                v = Value(2.0) * 3.0
                assert v.is_leaf(), "no_grad was switched off by another thread"

    def recorder():
        try:
            x = Value(0.5)
            v = x
            for i in range(3000):
                v = (v * 0.9 + 0.1).tanh()
                assert not v.is_leaf(), f"operation {i} was not recorded"
            v.backward()
            assert x.grad == pytest.approx(grad(v, [x])[0], rel=1e-12)
        finally:
            stop.set()

    _run_threads([flipper, flipper, recorder, recorder])


def test_a_thread_started_inside_no_grad_records():
    # Threads start with a fresh context: grad mode is per thread, as in PyTorch.
    seen = []
    with no_grad():
        t = threading.Thread(target=lambda: seen.append((Value(1.0) * 2).op))
        t.start()
        t.join()
    assert seen == ["mul"]


def test_asyncio_tasks_yielding_between_every_operation():
    async def build(k, quiet):
        x = Value(0.1 * k)
        v = x
        if quiet:
            with no_grad():
                for _ in range(50):
                    v = v * 1.01 + 0.01
                    await asyncio.sleep(0)
                    assert v.is_leaf()
            return k, None
        for _ in range(50):
            v = v * 1.01 + 0.01
            await asyncio.sleep(0)
            assert not v.is_leaf()
        return k, grad(v, [x])[0]

    async def main():
        return await asyncio.gather(*(build(k, k % 2 == 0) for k in range(40)))

    for k, g in asyncio.run(main()):
        if k % 2:
            assert g == pytest.approx(1.01 ** 50, rel=1e-12)


def test_asyncio_task_inherits_no_grad_at_creation_and_never_leaks_back():
    async def child(entered, release):
        quiet_at_start = (Value(1.0) * 2).is_leaf()
        entered.set()
        await release.wait()
        with no_grad():
            await asyncio.sleep(0)
        return quiet_at_start, (Value(1.0) * 2).is_leaf()

    async def main():
        entered, release = asyncio.Event(), asyncio.Event()
        with no_grad():
            task = asyncio.ensure_future(child(entered, release))  # context copied here
        await entered.wait()
        parent_records = not (Value(1.0) * 2).is_leaf()
        release.set()
        return parent_records, await task, not (Value(1.0) * 2).is_leaf()

    parent_before, (child_start, child_end), parent_after = asyncio.run(main())
    assert parent_before and parent_after
    assert child_start is True    # created inside no_grad: a copy of that context
    assert child_end is True      # its own no_grad block restored its own state


# -- autograd.compile: a trace affects only the thread that traces -------------------

def test_comparisons_and_float_in_other_threads_while_threads_compile(fast_switching):
    # Before the guards became part of Value, a finishing trace emptied the
    # table the guards looked their originals up in: float(v) in another
    # thread raised KeyError('__float__') within a fraction of a second here.
    stop = threading.Event()
    counts = {"traces": 0, "reads": 0}

    def tracer():
        while not stop.is_set() and counts["traces"] < 3000:
            f = autograd.compile(lambda x: (x * 2.0).tanh())
            assert f([0.0])[0] == 0.0
            with pytest.raises(autograd.TracingError):
                autograd.compile(lambda x: x if x > 0 else -x)
            counts["traces"] += 2
        stop.set()

    def reader():
        v, w = Value(1.0), Value(2.0)
        while not stop.is_set():
            for _ in range(100):
                assert float(v) == 1.0
                assert v < w and v <= w and not v > w and w >= v
                assert max(v, w) is w
            counts["reads"] += 500

    _run_threads([tracer, tracer, reader, reader], stop, seconds=20)
    print(f"{counts['traces']} traces while {counts['reads']} comparisons ran in other threads")
    assert counts["traces"] >= 3000 and counts["reads"] > 0


@pytest.mark.slow   # seconds: threads per example
@given(st.lists(programs(max_ops=12), min_size=2, max_size=3))
def test_threads_compiling_random_dags_while_others_run_them_eagerly(progs):
    # The truth first, single-threaded: eager value and gradients at each point.
    expected = []
    for p in progs:
        leaves = [Value(x) for x in p.point]
        out = p(*leaves)
        expected.append((out.data, grad(out, leaves)))
    got_eager = [None] * len(progs)
    got_compiled = [None] * len(progs)
    start = threading.Barrier(2 * len(progs))

    def eager_worker(k):
        def run():
            p = progs[k]
            start.wait(10)
            for _ in range(3):
                leaves = [Value(x) for x in p.point]
                out = p(*leaves)
                # Reading data to decide is fine outside a trace, in every thread.
                assert (out > out.data - 1.0) and float(out) == out.data
                got_eager[k] = (out.data, grad(out, leaves))
        return run

    def compile_worker(k):
        def run():
            p = progs[k]
            start.wait(10)
            for _ in range(3):
                f = autograd.compile(p, nargs=len(p.point))
                values, grads = f.value_and_grad(*[[x] for x in p.point])
                got_compiled[k] = (values[0], [g[0] for g in grads])
        return run

    with switching_fast():
        _run_threads([eager_worker(k) for k in range(len(progs))]
                     + [compile_worker(k) for k in range(len(progs))])
    for k, (value, grads) in enumerate(expected):
        assert got_eager[k] == (value, grads)
        c_value, c_grads = got_compiled[k]
        assert c_value == pytest.approx(value, rel=1e-12, abs=1e-12)
        assert c_grads == pytest.approx(list(grads), rel=1e-9, abs=1e-10)
