"""Workload (b): the chain ``x = x * 1.0001 + 0.001``, built then differentiated.

Time per operation (one multiply-add, two graph nodes) at each length must stay
flat for a linear-time engine.  chaingrad runs twice: as a script runs it,
with CPython's cyclic collector on, and with the collector paused for the
call.  The flatness target (time per op at 1e6 ops at most 1.5x that at 1e3)
is judged on the paused row: that is the engine's own time per op.  With the
collector on, every full collection scans all the live nodes of the growing
chain, so its cost per op grows with the chain (about 1.7-2.2x at 1e6); that
is CPython's, not the engine's, and chaingrad's graphs, which hold no reference
cycles, are freed by reference counting whether it runs or not.

micrograd's recursive backward dies near the interpreter's recursion limit;
that is reported as its result (at the default limit), and its longer chains
are not attempted.
"""
import gc
import time

from . import engines
from .engines import run
from .timing import measure_side_by_side

NAME = "b"
TITLE = "(b) chain x = x * 1.0001 + 0.001, build + backward"
FULL = [1_000, 10_000, 100_000, 1_000_000]
QUICK = [10, 100]


def _chain(Value, n):
    def step():
        x = Value(1.0)
        y = x
        for _ in range(n):
            y = y * 1.0001 + 0.001
        y.backward()
        return y.data, x.grad
    return step


def _micrograd(n):
    return _chain(engines.micrograd()[0].Value, n)


def _eager(n):
    from autograd import Value
    return _chain(Value, n)


def _eager_gc_paused(n):
    """The same chain with CPython's cyclic collector paused for the call:
    what the flatness target is judged on (see the module docstring)."""
    step = _eager(n)

    def paused():
        was = gc.isenabled()
        gc.disable()
        try:
            return step()
        finally:
            if was:
                gc.enable()
    return paused


ENGINES = [("micrograd", _micrograd), ("chaingrad eager", _eager),
           ("chaingrad eager, gc paused", _eager_gc_paused)]
NOTES = {"chaingrad eager": "cyclic collector on, as a script runs",
         "chaingrad eager, gc paused": "cyclic collector paused: the flatness target's row"}


def bench(quick=False):
    """Rows for every engine at every length; an engine that failed stops growing.

    All surviving (engine, length) pairs are then timed side by side, in
    interleaved rounds, so the time per op at the longest chain is compared
    with the shortest's from the same rounds (:func:`timing.paired_ratio`).
    """
    by_size, live = {}, []
    for engine, make in ENGINES:
        failed = None
        for n in (QUICK if quick else FULL):
            if failed is not None:
                row = run(NAME, engine, f"{n:,} ops", lambda row: None, units=n)
                row.status = f"not run: {failed} at a shorter chain"
                by_size.setdefault(n, []).append(row)
                continue
            steps = []

            def body(row, make=make, n=n, steps=steps):
                step = make(n)
                start = time.perf_counter()
                y, dx = step()       # also the warm-up call of the timing below
                steps.append((step, time.perf_counter() - start, (y, dx)))
                row.check = {"y": y, "dx": dx}

            row = run(NAME, engine, f"{n:,} ops", body, units=n)
            row.note = NOTES.get(engine, "")
            if row.ok:
                live.append((row, steps[0]))
            else:
                failed = row.status.split(" (")[0]
            by_size.setdefault(n, []).append(row)
    timed = measure_side_by_side([step for _, (step, _, _) in live],
                                 repeats=1 if quick else 5,
                                 warmed=[(sec, res) for _, (_, sec, res) in live])
    for (row, _), (t, _) in zip(live, timed):
        row.timing = t
    return [row for n in sorted(by_size) for row in by_size[n]]
