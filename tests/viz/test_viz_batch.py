"""Readable batch pictures: a loss summed over many examples is drawn as one
example's graph and a box for the others when the whole would be too big,
and the size guard weighs the estimated picture, checked against what the
renderers really draw."""
import builtins
import re

import pytest
from viz_helpers import RENDERERS, edges, require, values

import autograd
import nn
from autograd import Value, draw_dot, render, topological_order
from autograd.viz.sizes import estimate


def _size(svg):
    w, h = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
    return float(w), float(h)


def _moons(loss_name):
    X, y = nn.make_moons(100, rng=0)
    model = nn.MLP(2, [16, 16, 1], rng=0)
    scores = [model(list(x)) for x in X]
    targets = [2.0 * t - 1.0 for t in y]
    loss = getattr(nn, loss_name)(scores, targets)
    loss.backward()
    return model, loss


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("loss_name", ["hinge", "mse"])
def test_moons_batch_loss_with_module_is_readable(renderer, loss_name):
    # The issue: 1032 x 8695 pt, nearly all of it arcs labelled "100".
    require(renderer)
    model, loss = _moons(loss_name)
    assert len(topological_order(loss)) > 7000
    pic = draw_dot(loss, module=model)
    w, h = _size(render(pic, "svg", renderer))
    assert max(w, h) <= 2500, (w, h)
    assert "99 more terms" in pic.source and "sums 100 terms" in pic.source


def _shared_weight_batch(n, python_sum=False):
    w = Value(0.5, label="w"); b = Value(-0.25, label="b")
    xs = [0.1 * k - 0.7 for k in range(n)]
    terms = [(w * x + b - 1.0) ** 2 for x in xs]
    total = builtins.sum(terms) if python_sum else autograd.sum(terms)
    loss = total * (1.0 / n)
    loss.backward()
    return loss, w, b, xs, terms


def _dloss_dw(xs, w, b, h=1e-6):
    def f(w):
        return sum((w * x + b - 1.0) ** 2 for x in xs) / len(xs)
    return (f(w + h) - f(w - h)) / (2 * h)


@pytest.mark.parametrize("python_sum", [False, True], ids=["autograd.sum", "builtin sum"])
def test_one_term_drawn_with_the_true_gradients(python_sum):
    loss, w, b, xs, terms = _shared_weight_batch(300, python_sum)
    order = topological_order(loss)
    pic = draw_dot(loss, batch=True)
    src = pic.source
    shown = values(src)
    ids = {v: i for i, v in enumerate(order)}
    # drawn: w, b, the first term's four operations, the sum, the mean
    first = topological_order(terms[0])
    expect = {ids[v] for v in first} | {ids[loss], ids[loss.parents[0]]}
    assert set(shown) == expect
    # the parameters show their gradient over all 300 examples (finite differences)
    assert shown[ids[w]][2] == pytest.approx(_dloss_dw(xs, w.data, b.data), rel=1e-3)
    # the other terms' four operations each, and Python's chain of + (0 + t0 included)
    removed = 299 * 4 + (300 - 1 if python_sum else 0)
    assert "299 more terms" in src and f"{removed:,} values" in src
    total = loss.parents[0]
    into = {(t, lab) for t, h, lab in edges(src) if h == f"o{ids[total]}"}
    assert into == {(f"v{ids[terms[0]]}", "1"), (f"more{ids[total]}", "1 each")}
    if python_sum:                           # the chain of 300 + nodes is one oval
        assert "300 × +" in src


def test_small_batches_are_drawn_whole():
    loss, *_ = _shared_weight_batch(4)
    assert "more terms" not in draw_dot(loss).source
    assert "more terms" in draw_dot(loss, batch=True).source


def test_no_batch_in_a_single_neuron():
    xs = [Value(float(k)) for k in range(30)]
    ws = [Value(0.1) for _ in range(30)]
    out = builtins.sum(x * w for x, w in zip(xs, ws)).tanh()
    # a sum of products of its own leaves: the terms repeat, but the picture
    # is small enough to draw whole
    assert "more terms" not in draw_dot(out).source


def test_batch_argument_is_checked():
    with pytest.raises(ValueError, match="batch must be None, True or False"):
        draw_dot(Value(1.0), batch="yes")
    with pytest.raises(ValueError, match="max_size"):
        draw_dot(Value(1.0), max_size=0)


def _pictures():
    x = Value(0.7, label="x"); y = Value(-1.2, label="y")
    yield "expression", draw_dot((x * y + x.exp()).tanh() + x / 2)
    chain = Value(1.0, label="c")
    for _ in range(25):
        chain = (chain * 1.01).tanh()
    yield "chain", draw_dot(chain)
    yield "chain TB", draw_dot(chain, rankdir="TB")
    model = nn.MLP(2, [6, 6, 1], rng=0)
    loss = (model([0.3, -0.2]) - 1.0) ** 2
    loss.backward()
    yield "one example, MLP", draw_dot(loss, module=model)
    loss, *_ = _shared_weight_batch(40)
    yield "40 terms", draw_dot(loss)
    model, loss = _moons("mse")
    yield "moons, collapsed", draw_dot(loss, module=model)


@pytest.mark.parametrize("renderer", RENDERERS)
def test_size_estimate_is_within_a_factor_of_two_of_the_real_picture(renderer):
    require(renderer)
    for name, pic in _pictures():
        real = _size(render(pic, "svg", renderer))
        guess = estimate(pic._shape, re.search(r"rankdir=(\w+)", pic.source).group(1))
        longer_real, longer_guess = max(real), max(guess)
        assert 0.5 <= longer_guess / longer_real <= 2.0, (name, real, guess)


def test_guard_collapses_a_picture_too_big_to_read():
    model = nn.MLP(2, [16, 16, 1], rng=0)
    loss = (model([0.3, -0.2]) - 1.0) ** 2
    loss.backward()
    n = len(topological_order(loss))
    assert n < 1000                          # the node count alone would draw it all
    src = draw_dot(loss, module=model).source
    assert "collapsed to one box per neuron" in src
    src = draw_dot(loss, module=model, max_size=None).source
    assert len(re.findall(r"^\s+v\d+ \[", src, re.M)) == n
