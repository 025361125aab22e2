"""Memory: training does not leak, graphs die by reference counting alone, and a
compiled function lets a batch's buffers go as soon as it moves on.

The cyclic garbage collector is disabled throughout, so any reference cycle
in a graph or a compiled function would show up as growth.
"""
import gc
import tracemalloc
import weakref

import numpy as np
import pytest
from hard_dags import programs
from hypothesis import given

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


# -- autograd.compile: buffers are let go by reference counting too --------------------

def _traced_now():
    return tracemalloc.get_traced_memory()[0]


def test_a_compiled_function_lets_a_huge_batch_go_with_the_collector_off():
    # A dot group (a neuron) once held its bound steps in a reference cycle:
    # a 2,000,000-example call's buffers stayed until the collector ran.
    w, b = Value(0.5), Value(-0.1)
    f = autograd.compile(lambda x: autograd.dot([x, 1.0], [w, b]).tanh())
    big = np.linspace(-1.0, 1.0, 2_000_000)
    gc.collect()
    gc.disable()
    tracemalloc.start()
    try:
        f.value_and_grad([0.5])                  # a small batch's buffers first
        base = _traced_now()
        f.value_and_grad(big)
        held_big = _traced_now() - base
        f.value_and_grad([0.5])
        held_after_grad = _traced_now() - base
        f(big)
        f([0.5])
        held_after_forward = _traced_now() - base
        ref = weakref.ref(f)
        del f
        assert ref() is None, "the compiled function outlived its last reference"
        held_after_del = _traced_now() - base
    finally:
        tracemalloc.stop()
        gc.enable()
    print(f"held: {held_big:,} bytes after the big call, {held_after_grad:,} after a 1-example "
          f"call, {held_after_forward:,} after forward-only calls, {held_after_del:,} once dropped")
    assert held_big > 3 * 16_000_000             # at least three rows of 2e6 floats
    assert held_after_grad < 100_000 and held_after_forward < 100_000
    assert held_after_del < 0                    # the small buffers went too


@pytest.mark.slow   # seconds: a 10,000-example batch per example
@given(programs(max_ops=15))
def test_compiled_random_dags_let_their_buffers_go_with_the_collector_off(program):
    # The first half of the inputs vary over the batch; the rest are captured
    # parameters, so dot groups become matrix products over shared weights.
    n = (len(program.point) + 1) // 2
    params = [Value(x) for x in program.point[n:]]
    big = [np.full(10_000, x) for x in program.point[:n]]
    small = [[x] for x in program.point[:n]]
    gc.collect()
    gc.disable()
    f = autograd.compile(lambda *xs: program(*xs, *params), nargs=n)
    tracemalloc.start()
    try:
        f.value_and_grad(*small)
        base = _traced_now()
        f.value_and_grad(*big)
        held_big = _traced_now() - base
        f.value_and_grad(*small)
        held_after = _traced_now() - base
        ref = weakref.ref(f)
        del f
        alive = ref() is not None
    finally:
        tracemalloc.stop()
        gc.enable()
    assert held_big > 2 * n * 10_000 * 8         # the inputs' rows, values and gradients
    # What is left is the 1-example binding and allocator noise, not the batch.
    assert held_after < held_big // 10, f"{held_after} of {held_big} bytes still held"
    assert not alive, "the compiled function outlived its last reference"
