"""Memory: training does not leak, and graphs die by reference counting alone.

The cyclic garbage collector is disabled throughout, so any reference cycle
in a graph would show up as growth.
"""
import gc
import math
import tracemalloc
import weakref

import numpy as np
import pytest

import autograd
from autograd import Value


def moons(n, seed=0):
    """Two interleaving half circles with labels ±1 (the classic toy set)."""
    rng = np.random.default_rng(seed)
    t = rng.uniform(0.0, math.pi, n)
    upper = np.arange(n) % 2 == 0
    x = np.where(upper, np.cos(t), 1.0 - np.cos(t))
    y = np.where(upper, np.sin(t), 0.5 - np.sin(t))
    pts = np.stack([x, y], axis=1) + rng.normal(0.0, 0.1, (n, 2))
    return pts.tolist(), np.where(upper, 1.0, -1.0).tolist()


class HandMLP:
    """2-16-16-1 with leaky ReLU, the moons demo's shape, from Values alone."""

    def __init__(self, sizes=(2, 16, 16, 1), seed=1):
        rng = np.random.default_rng(seed)
        self.layers = [[([Value(w) for w in rng.uniform(-1, 1, nin)], Value(0.0))
                        for _ in range(nout)] for nin, nout in zip(sizes, sizes[1:])]

    def parameters(self):
        return [p for layer in self.layers for ws, b in layer for p in ws + [b]]

    def __call__(self, x):
        for k, layer in enumerate(self.layers):
            last = k == len(self.layers) - 1
            x = [autograd.dot(x, ws) + b for ws, b in layer]
            x = x if last else [v.leaky_relu() for v in x]
        return x[0]


def train_step(model, xs, ys, lr=0.05):
    params = model.parameters()
    for p in params:
        p.grad = 0.0
    margins = [(1.0 - y * model(x)).relu() for x, y in zip(xs, ys)]
    loss = autograd.sum(margins) / len(xs)
    loss.backward()
    for p in params:
        p.data -= lr * p.grad
    return loss.data


@pytest.mark.slow
def test_a_thousand_training_steps_keep_memory_flat():
    xs, ys = moons(4)
    model = HandMLP()
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        first = train_step(model, xs, ys)
        for _ in range(49):                      # warm up free lists and caches
            train_step(model, xs, ys)
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for _ in range(950):
            last = train_step(model, xs, ys)
        end, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        gc.enable()
    assert last < first, "training did not reduce the loss"
    growth = end - base
    # One step's graph is about 300 nodes (~50 kB); a leak of one float per
    # step would be 22 kB over 950 steps.
    assert growth < 16_000, f"memory grew by {growth} bytes over 950 steps (cycles or a cache?)"
    assert peak - base < 2_000_000, f"one step peaked at {peak - base} bytes above the base"


def test_a_graph_dies_with_its_last_reference_without_the_cyclic_gc():
    xs, ys = moons(4)
    model = HandMLP()
    gc.collect()
    gc.disable()
    try:
        loss = autograd.sum([(1.0 - y * model(x)).relu() for x, y in zip(xs, ys)])
        loss.backward()
        params = set(model.parameters())
        inner = [weakref.ref(v) for v in autograd.topological_order(loss) if v not in params]
        assert len(inner) > 100
        del loss
        alive = sum(r() is not None for r in inner)
        assert alive == 0, f"{alive} graph nodes outlived their last reference"
        assert all(p.grad == p.grad for p in params)  # the parameters themselves live on
        assert gc.collect() == 0
    finally:
        gc.enable()


def test_grad_and_create_graph_leave_nothing_behind():
    x = Value(0.7)
    gc.collect()
    gc.disable()
    try:
        y = ((x * x).tanh() + x.exp()).log()
        (dx,) = autograd.grad(y, [x], create_graph=True)
        (d2x,) = autograd.grad(dx, [x])
        refs = [weakref.ref(v) for v in autograd.topological_order(dx) if v is not x]
        refs += [weakref.ref(v) for v in autograd.topological_order(y) if v is not x]
        del y, dx
        assert all(r() is None for r in refs)
        assert gc.collect() == 0
    finally:
        gc.enable()
