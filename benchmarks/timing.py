"""Measuring: warm medians with their spread, and peak memory of one call.

Only ratios measured side by side in one run mean anything on a noisy
machine, so every engine of a workload goes through the same ``measure``.
"""
import gc
import math
import statistics
import time
import tracemalloc
from dataclasses import dataclass


@dataclass
class Timing:
    """Seconds per call: the median of the repeats and the fastest and slowest."""

    median: float
    low: float
    high: float
    calls_per_repeat: int
    repeats: int


def measure(fn, repeats=5, min_batch_seconds=0.05, long_call_seconds=2.0):
    """Time ``fn()`` warm; returns the :class:`Timing` and the first call's result.

    The first call warms up; then ``repeats`` batches, each of as many calls
    as fill ``min_batch_seconds``, so sub-millisecond steps are timed in bulk
    and the timer's resolution and call overhead do not count.  A call longer
    than ``long_call_seconds`` is warm enough on its own (its setup cost is
    noise against seconds): the first call becomes a sample and three in all
    bound the time.
    """
    start = time.perf_counter()
    result = fn()
    first = time.perf_counter() - start
    samples = []
    if first > long_call_seconds:
        repeats = min(repeats, 3)
        samples.append(first)
    calls = 1 if first >= min_batch_seconds else math.ceil(min_batch_seconds / max(first, 1e-7))
    while len(samples) < repeats:
        gc.collect()
        start = time.perf_counter()
        for _ in range(calls):
            fn()
        samples.append((time.perf_counter() - start) / calls)
    return Timing(statistics.median(samples), min(samples), max(samples), calls, repeats), result


def measure_side_by_side(fns, repeats=5, min_batch_seconds=0.05, long_call_seconds=2.0):
    """Like :func:`measure` for several engines, with their batches interleaved.

    Repeat ``r`` times every engine's batch in turn, so a slow spell of a
    shared machine slows all engines of the round alike and the ratios of the
    medians stay honest.  Returns ``[(Timing, first result)]`` in ``fns`` order.
    """
    firsts, results, calls = [], [], []
    for fn in fns:
        start = time.perf_counter()
        results.append(fn())
        first = time.perf_counter() - start
        firsts.append(first)
        calls.append(1 if first >= min_batch_seconds
                     else math.ceil(min_batch_seconds / max(first, 1e-7)))
    if max(firsts, default=0.0) > long_call_seconds:
        repeats = min(repeats, 3)
    samples = [[] for _ in fns]
    for _ in range(repeats):
        for fn, n, out in zip(fns, calls, samples):
            # micrograd's nodes hold closures that reference them (cycles): its
            # garbage waits for the cyclic collector, which must not run on the
            # next engine's clock.  Start every batch from a collected heap.
            gc.collect()
            start = time.perf_counter()
            for _ in range(n):
                fn()
            out.append((time.perf_counter() - start) / n)
    return [(Timing(statistics.median(s), min(s), max(s), n, repeats), r)
            for s, n, r in zip(samples, calls, results)]


def peak_memory(fn):
    """Bytes allocated at the peak of one ``fn()`` call, above what was live before.

    tracemalloc sees every Python allocation (numpy's buffers included); the
    call runs once untraced first so caches and lazy imports are not counted.
    """
    fn()
    gc.collect()
    tracemalloc.start()
    try:
        base = tracemalloc.get_traced_memory()[0]
        tracemalloc.reset_peak()
        fn()
        return tracemalloc.get_traced_memory()[1] - base
    finally:
        tracemalloc.stop()
