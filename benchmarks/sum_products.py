"""Workload (c): ``sum(a_i * b_i)`` over 10,000 pairs, build plus backward.

Each call makes the leaves from plain floats, builds the sum of products and
runs backward, so every engine does the same work.  chaingrad is timed twice:
with the same graph as micrograd (a multiply per pair and one ``autograd.sum``
node) and with one ``autograd.dot`` node.  micrograd's Python ``sum`` makes a
chain of 10,000 additions, deeper than its recursive backward can walk at the
default recursion limit, so it runs with the limit raised (and says so).
"""
import numpy as np

from . import engines
from .engines import run_side_by_side

NAME = "c"
TITLE = "(c) sum(a_i * b_i), build + backward"


def _micrograd(A, B):
    Value = engines.micrograd()[0].Value

    def step():
        a = [Value(x) for x in A]
        b = [Value(x) for x in B]
        s = sum((x * y for x, y in zip(a, b)), Value(0.0))
        s.backward()
        return s.data, [x.grad for x in a], [y.grad for y in b]

    # Each addition is one more level of micrograd's recursive topological sort.
    return lambda: engines.with_recursion_limit(3 * len(A) + 1000, step), \
        f"recursion limit raised to {3 * len(A) + 1000}"


def _eager(A, B):
    import autograd
    from autograd import Value

    def step():
        a = [Value(x) for x in A]
        b = [Value(x) for x in B]
        s = autograd.sum([x * y for x, y in zip(a, b)])
        s.backward()
        return s.data, [x.grad for x in a], [y.grad for y in b]
    return step, "a * b per pair, one sum node"


def _eager_dot(A, B):
    import autograd
    from autograd import Value

    def step():
        a = [Value(x) for x in A]
        b = [Value(x) for x in B]
        s = autograd.dot(a, b)
        s.backward()
        return s.data, [x.grad for x in a], [y.grad for y in b]
    return step, "one dot node"


def _numpy(A, B):
    a, b = np.array(A), np.array(B)

    def step():
        # d(sum a*b)/da = b and /db = a: the gradients are copies of the inputs.
        return float(np.dot(a, b)), b.copy(), a.copy()
    return step, "np.dot, gradients in closed form"


ENGINES = [("micrograd", _micrograd), ("chaingrad eager", _eager),
           ("chaingrad eager (dot)", _eager_dot), ("numpy", _numpy)]


def _check(first):
    value, ga, gb = first
    return {"value": np.array([value]), "grad_a": np.array(ga), "grad_b": np.array(gb)}


def bench(quick=False):
    """Rows for every engine: 10,000 pairs (50 with ``quick``)."""
    n = 50 if quick else 10_000
    rng = np.random.default_rng(2)
    A, B = rng.normal(size=n).tolist(), rng.normal(size=n).tolist()

    def maker(make):
        def body(row):
            step, row.note = make(A, B)
            return step, _check
        return body

    return run_side_by_side(NAME, f"{n:,} pairs", [(e, maker(m)) for e, m in ENGINES],
                            repeats=1 if quick else 5, units=n)
