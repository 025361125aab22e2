"""Eager truth for the compiler's tests: the same function run example by
example on Values with the engine's own backward, plus small hand-built models."""
import numpy as np

import autograd
from autograd import Value


def eager(fn, params, *arrays):
    """Per example: Values for the inputs, ``fn``, ``backward``.

    Returns (values, input_grads (n_inputs, B), param_grads summed over the
    batch); the parameters' ``.grad`` are left as they were.
    """
    saved = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    size = len(arrays[0])
    values = np.empty(size)
    input_grads = np.empty((len(arrays), size))
    try:
        for b in range(size):
            xs = [Value(float(a[b])) for a in arrays]
            out = fn(*xs)
            out.backward()
            values[b] = out.data
            input_grads[:, b] = [x.grad for x in xs]
        param_grads = np.array([p.grad for p in params])
    finally:
        for p, g in zip(params, saved):
            p.grad = g
    return values, input_grads, param_grads


def compiled(f, params, *arrays):
    """``f.value_and_grad`` with the parameters' gradients read and restored."""
    saved = [p.grad for p in params]
    for p in params:
        p.grad = 0.0
    try:
        values, input_grads = f.value_and_grad(*arrays)
        param_grads = np.array([p.grad for p in params])
    finally:
        for p, g in zip(params, saved):
            p.grad = g
    return values, np.array(input_grads).reshape(len(arrays), -1), param_grads


def assert_close(got, want, rtol=1e-12):
    """Equal to ``rtol`` relative to the array's scale (a sum that cancels to
    almost zero in one example is compared at the scale of the others)."""
    want = np.asarray(want, dtype=float)
    scale = max(1.0, float(np.max(np.abs(want)))) if want.size else 1.0
    np.testing.assert_allclose(got, want, rtol=rtol, atol=rtol * scale)


def assert_matches_eager(fn, params, *arrays):
    f = autograd.compile(fn)
    got = compiled(f, params, *arrays)
    want = eager(fn, params, *arrays)
    for g, w in zip(got, want):
        assert_close(g, w)
    assert_close(f(*arrays), want[0])
    return f


def mlp(sizes, seed=0):
    """Neurons as ``dot(x + [1.0], w + [b])``, ReLU between layers, linear out."""
    rng = np.random.default_rng(seed)
    layers = []
    for n_in, n_out in zip(sizes[:-1], sizes[1:]):
        layers.append([([Value(w) for w in rng.uniform(-1, 1, n_in)], Value(rng.uniform(-1, 1)))
                       for _ in range(n_out)])
    params = [p for layer in layers for w, b in layer for p in w + [b]]

    def forward(xs):
        for i, layer in enumerate(layers):
            xs = [autograd.dot(list(xs) + [1.0], w + [b]) for w, b in layer]
            if i < len(layers) - 1:
                xs = [x.relu() for x in xs]
        return xs[0]

    return forward, params
