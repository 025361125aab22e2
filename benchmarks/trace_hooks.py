"""``python -m benchmarks.trace_hooks``: what the tracing guards cost eager comparisons.

``autograd.compile`` refuses ``if x > 0:`` and ``float(x)`` inside a traced
function.  The guards are part of ``Value`` for good (so tracing in one thread
never changes what another thread runs): each comparison and ``float()``
reads the tracing context variable first.  This times both operations with
the guards and with the unguarded bodies (copied below), alternating the two
in one process, and prints the ratios.  (The other hook, in the node
constructor, shows in the eager rows of ``python -m benchmarks``.)
"""
import sys
import timeit

from autograd import Value


def _data(x):
    return x.data if isinstance(x, Value) else x      # as the engine's own helper


class _Unguarded(Value):
    """Value with the engine's comparison and float() bodies, without the guards."""

    __slots__ = ()

    def __lt__(self, other):
        return self.data < _data(other)

    def __float__(self):
        return self.data


def _time(stmt, scope, number):
    return min(timeit.repeat(stmt, globals=scope, number=number, repeat=5)) / number * 1e9


def main(rounds=5, number=200_000):
    guarded = {"v": Value(1.0), "w": Value(2.0)}
    plain = {"v": _Unguarded(1.0), "w": _Unguarded(2.0)}
    rows = {"float(v)": [], "v < w": [], "v < 2.0": []}
    for _ in range(rounds):
        for stmt, ratios in rows.items():
            before = _time(stmt, plain, number)
            after = _time(stmt, guarded, number)
            ratios.append((after / before, before, after))
    print(f"{'operation':10s}  {'without':>8s}  {'with':>8s}  with/without (median of {rounds} rounds)")
    for stmt, ratios in rows.items():
        ratio, before, after = sorted(ratios)[len(ratios) // 2]
        print(f"{stmt:10s}  {before:6.1f}ns  {after:6.1f}ns  {ratio:.2f}x")


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:]))
