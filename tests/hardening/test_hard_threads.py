"""Threads and asyncio: grad mode never leaks, parallel graphs get right gradients.

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


def _run_threads(targets):
    errors = []

    def guarded(fn):
        try:
            fn()
        except BaseException as e:  # reported below with the thread's traceback text
            errors.append(e)

    threads = [threading.Thread(target=guarded, args=(fn,)) for fn in targets]
    for t in threads:
        t.start()
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
