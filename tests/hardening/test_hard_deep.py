"""Deep and wide graphs: nothing recurses, at the default recursion limit.

A 1,000,000-operation chain (the engine's own tests backpropagate through it;
here every other graph walker gets it too), a node used by 100,000 others,
and a deep graph differentiated twice.  Freeing a deep graph is checked as
well: CPython frees a chain of objects recursively unless the types cooperate.
"""
import gc
import math
import sys
import weakref

import pytest

import autograd
from autograd import Value, grad, no_grad, topological_order

DEFAULT_LIMIT = 1000


@pytest.fixture(autouse=True)
def default_recursion_limit():
    old = sys.getrecursionlimit()
    sys.setrecursionlimit(DEFAULT_LIMIT)
    try:
        yield
    finally:
        sys.setrecursionlimit(old)


def chain(x, n):
    """x -> tanh(x * 0.999 + 0.001) n times: every node has one user."""
    v = x
    for _ in range(n):
        v = (v * 0.999 + 0.001).tanh()
    return v


@pytest.mark.slow
def test_node_used_by_100k_others():
    x = Value(0.25, label="x")
    users = [(x * float(i % 7 + 1)).tanh() for i in range(100_000)]
    out = autograd.sum(users)
    expected = math.fsum((i % 7 + 1) * (1 - math.tanh(0.25 * (i % 7 + 1)) ** 2)
                         for i in range(100_000))
    out.backward()
    assert x.grad == pytest.approx(expected, rel=1e-12)
    assert grad(out, [x])[0] == pytest.approx(expected, rel=1e-12)
    assert len(topological_order(out)) == 1 + 2 * 100_000 + 1
    assert x.label == "x" and "grad=" in repr(out)


def test_fan_out_and_fan_in_in_one_deep_graph():
    # Every node feeds the next node twice and the one after it once: many
    # paths, depth 20,000.  d/dx of v_{k+1} = v_k * 0.5 + v_{k-1} * 0.5 is 1.
    x = Value(1.0)
    prev, cur = x, x * 1.0
    for _ in range(20_000):
        prev, cur = cur, cur * 0.25 + cur * 0.25 + prev * 0.5
    cur.backward()
    assert x.grad == pytest.approx(1.0, rel=1e-9)


@pytest.mark.slow
def test_million_op_chain_grad_no_grad_repr_and_free():
    x = Value(0.3)
    y = chain(x, 333_334)          # 3 ops per step: 1,000,002 operations
    assert len(topological_order(y)) == 1 + 3 * 333_334
    (g,) = grad(y, [x])
    y.backward()
    assert x.grad == pytest.approx(g, rel=1e-12)
    assert repr(y).startswith("Value(data=")
    with no_grad():
        z = chain(x, 333_334)
    assert z.is_leaf() and z.data == y.data
    probe = weakref.ref(topological_order(y)[1])
    gc.disable()
    try:
        del y
        assert probe() is None, "a million-node graph was not freed by reference counting"
    finally:
        gc.enable()


@pytest.mark.slow
def test_create_graph_on_a_deep_chain_twice():
    x = Value(0.3)
    y = chain(x, 30_000)
    (dx,) = grad(y, [x], create_graph=True)
    (d2x,) = grad(dx, [x])
    h = 1e-5
    first = [grad(chain(v, 30_000), [v])[0] for v in (Value(0.3 + h), Value(0.3 - h))]
    assert dx.data == pytest.approx(grad(y, [x])[0], rel=1e-12)
    assert d2x == pytest.approx((first[0] - first[1]) / (2 * h), rel=1e-4, abs=1e-9)


def test_deep_graph_walkers_never_recurse():
    x = Value(0.5, label="x")
    y = chain(x, 50_000)
    walkers = {
        "topological_order": lambda: topological_order(y),
        "backward": y.backward,
        "grad": lambda: grad(y, [x]),
        "repr": lambda: repr(y),
    }
    for name, walk in walkers.items():
        try:
            walk()
        except RecursionError:
            pytest.fail(f"{name} recursed on a 150,000-node chain")
    assert x.grad != 0.0


@pytest.mark.slow
def test_pictures_and_text_on_a_deep_graph():
    from autograd import draw_dot, to_text
    x = Value(0.5, label="x")
    y = chain(x, 100_000)
    y.backward()
    with pytest.raises(ValueError, match="draw_dot: the graph has 300,001 values"):
        draw_dot(y)  # guarded: refused with advice instead of a picture nobody can read
    text = to_text(y)
    assert text.count("\n") + 1 == len(topological_order(y))
    assert text.splitlines()[-1].lstrip().split()[-3:] == ["x", "data=0.5", f"grad={x.grad:.4g}"]


def _identity_mlp(depth):
    """An MLP of ``depth`` one-neuron layers that computes x itself (for x > 0):
    w = 1, b = 0, leaky ReLU.  Its output is the input and d out / d x is 1,
    whatever the depth: a closed form for every walker below."""
    import nn
    m = nn.MLP(1, [1] * depth, activation="leaky_relu", output_activation="leaky_relu", rng=0)
    m.load_state_dict({k: (1.0 if ".w." in k else 0.0) for k in m.state_dict()})
    return m


@pytest.mark.slow
def test_a_50k_layer_model_parameters_save_load_backward_and_text(tmp_path):
    # 50,000 layers: a graph 100,000 nodes deep (a dot and an activation each)
    from autograd import backward_frames, draw_dot, to_text
    m = _identity_mlp(50_000)
    params = m.parameters()
    assert len(params) == 100_000
    x = Value(0.75)
    out = m([x])
    out.backward()
    assert out.data == 0.75 and x.grad == 1.0
    assert all(p.grad == (0.75 if i % 2 == 0 else 1.0) for i, p in enumerate(params))
    path = tmp_path / "deep.txt"
    saved = m.state_dict()
    m.save(path)
    params[-1].data = 5.0
    m.load(path)
    assert m.state_dict() == saved
    assert repr(m).startswith("MLP(nin=1, nouts=[1, 1, ")
    assert len(to_text(out).splitlines()) == len(topological_order(out))
    with pytest.raises(ValueError, match="draw_dot: the graph has"):
        draw_dot(out, module=m)        # collapsed per layer it is still 50,000 boxes
    with pytest.raises(ValueError, match="backward_frames: the graph has"):
        next(iter(backward_frames(out)))


@pytest.mark.slow
def test_compile_a_20k_layer_model():
    import numpy as np
    m = _identity_mlp(20_000)
    f = autograd.compile(lambda a: m([a]))
    values, (dx,) = f.value_and_grad(np.array([0.5, 2.0, 3.25]))
    assert values.tolist() == [0.5, 2.0, 3.25]
    assert dx.tolist() == [1.0, 1.0, 1.0]
    assert m.parameters()[0].grad == 5.75      # d/dw of the first layer, summed over the batch
