"""Memory: training does not leak, and graphs die by reference counting alone.

The cyclic garbage collector is disabled throughout, so any reference cycle
in a graph would show up as growth.
"""
import gc
import tracemalloc
import weakref

import pytest

import autograd
import nn
from autograd import Value


def moons(n):
    """The two-moons points as lists, labels ±1 (for the hinge loss)."""
    X, y = nn.make_moons(n, noise=0.1, rng=0)
    return X.tolist(), [1.0 if c else -1.0 for c in y]


def make_model():
    """The moons demo's shape: 2-16-16-1 with leaky ReLU."""
    return nn.MLP(2, [16, 16, 1], rng=1)


def train_step(model, opt, xs, ys):
    opt.zero_grad()
    loss = nn.hinge([model(x) for x in xs], ys)
    loss.backward()
    opt.step()
    return loss.data


@pytest.mark.slow
def test_a_thousand_training_steps_keep_memory_flat():
    xs, ys = moons(4)
    model = make_model()
    opt = nn.SGD(model.parameters(), lr=0.05)
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        first = train_step(model, opt, xs, ys)
        for _ in range(49):                      # warm up free lists and caches
            train_step(model, opt, xs, ys)
        base, _ = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for _ in range(950):
            last = train_step(model, opt, xs, ys)
        end, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
        gc.enable()
    assert last < first, "training did not reduce the loss"
    growth = end - base
    print(f"memory after 950 more steps: {growth:+,} bytes; one step peaks at {peak - base:,} bytes")
    # One step's graph is about 300 nodes (~50 kB); a leak of one float per
    # step would be 22 kB over 950 steps.
    assert growth < 16_000, f"memory grew by {growth} bytes over 950 steps (cycles or a cache?)"
    assert peak - base < 2_000_000, f"one step peaked at {peak - base} bytes above the base"


def test_a_graph_dies_with_its_last_reference_without_the_cyclic_gc():
    xs, ys = moons(4)
    model = make_model()
    gc.collect()
    gc.disable()
    try:
        loss = nn.hinge([model(x) for x in xs], ys)
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
