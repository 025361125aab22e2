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
    """Seconds per call: the median of the repeats and the fastest and slowest.

    ``samples`` are the repeats in the order they ran; engines timed side by
    side ran their ``i``-th repeats in the same round (see :func:`paired_ratio`).
    """

    median: float
    low: float
    high: float
    calls_per_repeat: int
    repeats: int
    samples: tuple = ()
    session: object = None    # the same for engines timed in the same rounds


def paired_ratio(a, b):
    """``a``'s time over ``b``'s, as the median of the per-round ratios.

    On a shared machine a slow spell slows every engine of a round alike, so
    the ratio within a round is steadier than the ratio of two medians taken
    from different moments.  Falls back to the medians' ratio when the two
    were not timed in the same rounds.

    Example:
        >>> fast = Timing(1.0, 1.0, 3.0, 1, 3, (1.0, 3.0, 1.0), session=1)   # round 2: a slow spell
        >>> slow = Timing(2.0, 2.0, 6.0, 1, 3, (2.0, 6.0, 2.0), session=1)
        >>> paired_ratio(slow, fast)
        2.0
    """
    n = min(len(a.samples), len(b.samples))
    if n == 0 or a.session is None or a.session != b.session:
        return a.median / b.median
    return statistics.median(x / y for x, y in zip(a.samples[:n], b.samples[:n]))


def _batch(fn, calls):
    """Seconds per call of ``calls`` calls, including freeing their cyclic garbage.

    micrograd's nodes hold closures that reference them, so its graphs are
    cycles that only the cyclic collector frees, and in a training loop that
    collection is part of every step.  The batch starts from a collected heap
    (so no engine pays for another's garbage) and is charged the collection of
    what it left: the time of that collection minus one of the clean heap.
    Engines whose garbage is freed by reference counting leave nothing to
    collect and are charged nothing.
    """
    gc.collect()
    start = time.perf_counter()
    for _ in range(calls):
        fn()
    elapsed = time.perf_counter() - start
    start = time.perf_counter()
    found = gc.collect()
    cleanup = time.perf_counter() - start
    if found:
        start = time.perf_counter()
        gc.collect()
        elapsed += max(0.0, cleanup - (time.perf_counter() - start))
    return elapsed / calls


def measure(fn, repeats=5, min_batch_seconds=0.05, long_call_seconds=2.0):
    """Time ``fn()`` warm; returns the :class:`Timing` and the first call's result.

    The first call warms up; then ``repeats`` batches, each of as many calls
    as fill ``min_batch_seconds``, so sub-millisecond steps are timed in bulk
    and the timer's resolution and call overhead do not count.  A call longer
    than ``long_call_seconds`` is warm enough on its own (its setup cost is
    noise against seconds): the first call becomes a sample and three in all
    bound the time.

    Example:
        >>> timing, first = measure(lambda: sum(range(100)), repeats=3, min_batch_seconds=0.001)
        >>> first, timing.repeats, timing.low <= timing.median <= timing.high
        (4950, 3, True)
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
        samples.append(_batch(fn, calls))
    return Timing(statistics.median(samples), min(samples), max(samples), calls, repeats,
                  tuple(samples)), result


def measure_side_by_side(fns, repeats=5, min_batch_seconds=0.05, long_call_seconds=2.0,
                         fast_repeats=None, warmed=None):
    """Like :func:`measure` for several engines, with their batches interleaved.

    Repeat ``r`` times every engine's batch in turn, so a slow spell of a
    shared machine slows all engines of the round alike: compare them with
    :func:`paired_ratio`.  When some engine's call takes longer than
    ``long_call_seconds`` it runs 3 rounds; the others go on, still
    interleaved, to ``fast_repeats`` rounds (default ``repeats``), so a
    seconds-long peer does not leave the fast engines with 3 samples.
    ``warmed``, when the caller already made the warm-up calls, is their
    ``[(seconds, result)]``.  Returns ``[(Timing, first result)]`` in ``fns`` order.

    Example:
        >>> pairs = measure_side_by_side([lambda: 1, lambda: 2], repeats=2, min_batch_seconds=0.001)
        >>> [first for _, first in pairs], [t.repeats for t, _ in pairs]
        ([1, 2], [2, 2])
    """
    firsts, results, calls = [], [], []
    for i, fn in enumerate(fns):
        if warmed is None:
            start = time.perf_counter()
            results.append(fn())
            first = time.perf_counter() - start
        else:
            first, result = warmed[i]
            results.append(result)
        firsts.append(first)
        calls.append(1 if first >= min_batch_seconds
                     else math.ceil(min_batch_seconds / max(first, 1e-7)))
    rounds = [max(repeats, fast_repeats or 0)] * len(fns)
    if max(firsts, default=0.0) > long_call_seconds:
        rounds = [min(repeats, 3) if first > long_call_seconds else max(n, 3)
                  for first, n in zip(firsts, rounds)]
    samples = [[] for _ in fns]
    for r in range(max(rounds, default=0)):
        for fn, n, out, last in zip(fns, calls, samples, rounds):
            if r < last:
                out.append(_batch(fn, n))
    session = object()
    return [(Timing(statistics.median(s), min(s), max(s), n, len(s), tuple(s), session), r)
            for s, n, r in zip(samples, calls, results)]


def peak_memory(fn):
    """Bytes allocated at the peak of one ``fn()`` call, above what was live before.

    tracemalloc sees every Python allocation (numpy's buffers included); the
    call runs once untraced first so caches and lazy imports are not counted.

    Example:
        >>> peak_memory(lambda: bytearray(1 << 20)) >= 1 << 20
        True
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
