"""Workload (d): the leaky-ReLU neuron of ``docs/neuron-gradient.md``, dJ/dw and dJ/db.

``J = 1/2 * sum((leaky_relu(X w + b) - y) ** 2)`` over a batch of 100,000 rows
by 5 features: chaingrad eager (one graph over the whole batch), chaingrad
compiled (traced once, run on the columns) and the reference neuron's numpy
closed form (``nn.reference.NumpyNeuron``), all from the same weights.
"""
import numpy as np

from . import engines
from .engines import run_side_by_side

NAME = "d"
TITLE = "(d) leaky-ReLU neuron dJ/dw, dJ/db"
FEATURES = 5


def problem(rows, seed=3):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(rows, FEATURES))
    y = rng.normal(size=rows)
    return X, y


def _reference(X):
    return engines.chaingrad_nn().NumpyNeuron(X.shape, rng=4)


def _numpy(X, y):
    ref = _reference(X)

    def step():
        return ref.gradients(y, X)

    def check(first):
        # J for the agreement check only: the timed closed form is the gradients.
        err = ref.forward(X) - y
        return _check((0.5 * float(err @ err), *first))
    return step, check


def _eager(X, y):
    nn = engines.chaingrad_nn()
    neuron = nn.Neuron.from_numpy(_reference(X))
    rows, ys = X.tolist(), y.tolist()

    def step():
        J = nn.squared_error([neuron(r) for r in rows], ys)
        neuron.zero_grad()
        J.backward()
        return J.data, np.array([p.grad for p in neuron.w]), neuron.b.grad
    return step, _check


def _compiled(X, y):
    compile_ = engines.chaingrad_compile()
    nn = engines.chaingrad_nn()
    neuron = nn.Neuron.from_numpy(_reference(X))
    # dJ/dw and dJ/db only, as the closed form gives: no per-row input derivatives.
    f = compile_(lambda x0, x1, x2, x3, x4, t: 0.5 * (neuron([x0, x1, x2, x3, x4]) - t) ** 2,
                 input_grads=False)
    cols = [np.ascontiguousarray(X[:, j]) for j in range(FEATURES)]

    def step():
        neuron.zero_grad()
        values, _ = f.value_and_grad(*cols, y)
        return float(np.sum(values)), np.array([p.grad for p in neuron.w]), neuron.b.grad
    return step, _check


ENGINES = [("chaingrad eager", _eager), ("chaingrad compiled", _compiled),
           ("numpy closed form", _numpy)]


def _check(first):
    J, dw, db = first
    return {"J": np.array([J]), "dJ/dw": np.asarray(dw, float), "dJ/db": np.array([db])}


def bench(quick=False):
    """Rows for every engine: 100,000 x 5 (200 x 5 with ``quick``)."""
    n = 200 if quick else 100_000
    X, y = problem(n)
    makers = [(engine, lambda row, make=make: make(X, y)) for engine, make in ENGINES]
    return run_side_by_side(NAME, f"{n:,} x {FEATURES}", makers, repeats=1 if quick else 5, units=n,
                            fast_repeats=None if quick else 15)
