"""Every picture and text view costs time linear in the graph's size.

Each view of ``benchmarks.pictures`` (draw_dot guarded and whole, the size
estimate, to_text, find_batch, the module grouping, the first frames of
backward_frames, the stepper with a stand-in renderer) runs on each of its
graphs at two sizes, 8x apart.  The test compares the CPU time per node
(``time.process_time``: other processes on a loaded machine do not count;
the fastest of a few runs), and fails when the larger graph costs more than
3x as much per node: a linear view stays near 1, a quadratic one goes to 8.
A run of the larger graph is stopped (and fails) once it has taken far more
than a linear view could.  No wall-clock limit: only the ratio counts.
"""
import gc
import signal
import time

import pytest

import benchmarks.pictures as bench
from autograd import topological_order

SMALL, LARGE = 250, 2000
LIMIT = 3.0


class _TooSlow(Exception):
    pass


def _cpu(view, root, model, n, repeats, limit=None):
    """The fastest of ``repeats`` runs, in CPU seconds; ``limit``: stop a
    run after that many seconds of wall time and raise _TooSlow."""
    best = float("inf")
    for _ in range(repeats):
        gc.collect()
        if limit is not None:
            def stop(signum, frame):
                raise _TooSlow()
            old = signal.signal(signal.SIGALRM, stop)
            signal.setitimer(signal.ITIMER_REAL, limit)
        t = time.process_time()
        try:
            if view(root, model, n) is bench.NA:
                return None
        finally:
            if limit is not None:
                signal.setitimer(signal.ITIMER_REAL, 0)
                signal.signal(signal.SIGALRM, old)
        best = min(best, time.process_time() - t)
    return best


def _graph(make, n):
    root, model = make(n)
    root.backward()
    return root, model, len(topological_order(root))


@pytest.mark.slow
@pytest.mark.parametrize("graph", sorted(bench.GRAPHS))
def test_every_view_is_linear(monkeypatch, graph):
    monkeypatch.setattr(bench, "GUARD", 100)      # both sizes are over it
    make = bench.GRAPHS[graph]
    small, large = _graph(make, SMALL), _graph(make, LARGE)
    worse = []
    for name, view in bench.VIEWS.items():
        times = []
        for (root, model, n), repeats in ((small, 3), (large, 1)):
            if times and times[0] is None:
                break                           # not a view of this graph
            if name in bench.PREPARE:
                bench.PREPARE[name](root, model, n)
            # Past twice the time the limit allows (wall time: a loaded machine
            # runs slower than the CPU time says), the run is stopped: superlinear.
            limit = None if not times else max(2.0, 2 * LIMIT * times[0] * large[2] / small[2])
            try:
                times.append(_cpu(view, root, model, n, repeats, limit))
            except _TooSlow:
                worse.append(f"{name}: over {limit:.1f} s at {n:,} nodes "
                             f"({times[0]:.4f} s at {small[2]:,})")
                break
        if len(times) < 2 or times[0] is None:
            continue
        ratio = (times[1] / large[2]) / (max(times[0], 1e-4) / small[2])
        if ratio > LIMIT:
            worse.append(f"{name}: {ratio:.1f}x the time per node at {large[2]:,} nodes "
                         f"as at {small[2]:,} ({times[0]:.4f} s, {times[1]:.4f} s)")
    assert not worse, f"{graph}: " + "; ".join(worse)
