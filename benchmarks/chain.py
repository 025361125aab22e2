"""Workload (b): the chain ``x = x * 1.0001 + 0.001``, built then differentiated.

Time per operation (one multiply-add, two graph nodes) at each length must stay
flat for a linear-time engine.  micrograd's recursive backward dies near the
interpreter's recursion limit; that is reported as its result (at the default
limit), and its longer chains are not attempted.
"""
from . import engines
from .engines import run
from .timing import measure

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


ENGINES = [("micrograd", _micrograd), ("chaingrad eager", _eager)]


def bench(quick=False):
    """Rows for every engine at every length; an engine that failed stops growing."""
    rows = []
    failed = {}
    for n in (QUICK if quick else FULL):
        for engine, make in ENGINES:
            if engine in failed:
                row = run(NAME, engine, f"{n:,} ops", lambda row: None, units=n)
                row.status = f"not run: {failed[engine]} at a shorter chain"
                rows.append(row)
                continue

            def body(row, make=make, n=n):
                row.timing, (y, dx) = measure(make(n), repeats=1 if quick else 5)
                row.check = {"y": y, "dx": dx}

            row = run(NAME, engine, f"{n:,} ops", body, units=n)
            if not row.ok:
                failed[engine] = row.status.split(" (")[0]
            rows.append(row)
    return rows
