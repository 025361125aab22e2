"""Neuron/layer clusters from a module's parameter names, the size guard and
the collapsed view, with a stand-in module named the way nn names things."""
import re
import sys

import pytest
from viz_helpers import membership

import autograd
from autograd import Value, draw_dot, topological_order


class Neuron:
    def __init__(self, nin, seed):
        self.w = [Value(((seed * 7 + i * 3) % 11 - 5) / 10) for i in range(nin)]
        self.b = Value(0.1 * seed)

    def __call__(self, xs):
        return (autograd.dot(xs, self.w) + self.b).leaky_relu(0.01)

    def named_parameters(self):
        return [(f"w.{i}", w) for i, w in enumerate(self.w)] + [("b", self.b)]


class Layer:
    def __init__(self, nin, nout, seed):
        self.neurons = [Neuron(nin, seed + k) for k in range(nout)]

    def __call__(self, xs):
        return [n(xs) for n in self.neurons]


class MLP:
    """Names as nn's: layers.0.neurons.3.w.1 and layers.0.neurons.3.b."""

    def __init__(self, sizes):
        self.layers = [Layer(a, b, 10 * k) for k, (a, b) in enumerate(zip(sizes, sizes[1:]))]

    def __call__(self, xs):
        for layer in self.layers:
            xs = layer(xs)
        return xs

    def named_parameters(self):
        for i, layer in enumerate(self.layers):
            for j, n in enumerate(layer.neurons):
                for name, p in n.named_parameters():
                    yield f"layers.{i}.neurons.{j}.{name}", p

    def named_modules(self):
        yield "", self
        for i, layer in enumerate(self.layers):
            yield f"layers.{i}", layer
            for j, n in enumerate(layer.neurons):
                yield f"layers.{i}.neurons.{j}", n


class ParamsOnly:
    """Only named_parameters(): clusters come from the names alone."""

    def __init__(self, mlp):
        self.mlp = mlp

    def named_parameters(self):
        return self.mlp.named_parameters()


def _net():
    mlp = MLP([2, 3, 1])
    xs = [Value(0.5, label="x0"), Value(-1.0, label="x1")]
    out, = mlp(xs)
    loss = (out - 1.0) * (out - 1.0)
    loss.backward()
    return mlp, xs, out, loss


@pytest.mark.parametrize("wrap", [lambda m: m, ParamsOnly])
def test_neurons_and_layers_become_nested_clusters(wrap):
    mlp, xs, out, loss = _net()
    order = topological_order(loss)
    idx = {v: i for i, v in enumerate(order)}
    src = draw_dot(loss, module=wrap(mlp)).source
    where = membership(src)
    named = wrap is not ParamsOnly
    for i, layer in enumerate(mlp.layers):
        for j, n in enumerate(layer.neurons):
            want = ((f"Layer layers.{i}", f"Neuron layers.{i}.neurons.{j}") if named
                    else (f"layers.{i}", f"layers.{i}.neurons.{j}"))
            for p in n.w + [n.b]:
                assert where[f"v{idx[p]}"] == want
            # unlabelled parameters show their name within the neuron
            for k, w in enumerate(n.w):
                assert f"#{idx[w]}</font> <i>w.{k}</i>" in src
            assert f"#{idx[n.b]}</font> <i>b</i>" in src
    # the neuron's dot, + b and activation sit with its parameters
    act = out
    add = act.parents[0]
    dot = add.parents[0]
    want = ("Layer layers.1", "Neuron layers.1.neurons.0") if named else ("layers.1", "layers.1.neurons.0")
    for v in (dot, add, act):
        assert where[f"v{idx[v]}"] == want and where[f"o{idx[v]}"] == want
    # inputs and the loss belong to no neuron
    for v in xs + [loss, loss.parents[0]]:
        assert where[f"v{idx[v]}"] == ()
    assert src.count("subgraph cluster_") == 2 + 4


def test_clustered_source_is_byte_identical_on_rebuild():
    (m1, _, _, l1), (m2, _, _, l2) = _net(), _net()
    assert draw_dot(l1, module=m1).source == draw_dot(l2, module=m2).source
    big1, big2 = _big(5), _big(5)
    assert (draw_dot(big1[1], module=big1[0], max_nodes=50).source
            == draw_dot(big2[1], module=big2[0], max_nodes=50).source)


def test_bad_module_is_refused():
    x = Value(1.0)
    with pytest.raises(TypeError, match="named_parameters"):
        draw_dot(x, module=object())

    class Bad:
        def named_parameters(self):
            return [("w", 3.0)]
    with pytest.raises(TypeError, match=r"\(name, Value\)"):
        draw_dot(x, module=Bad())


def _chain(n):
    y = Value(1.0)
    for _ in range(n - 1):
        y = y * 1.0
    return y


def test_guard_refuses_a_large_graph_with_the_option_to_raise_it():
    y = _chain(1001)
    with pytest.raises(ValueError, match=r"1,001 values, more than max_nodes=1,000; pass max_nodes=1001"):
        draw_dot(y)
    assert draw_dot(y, max_nodes=1001).source.count("->") == 2000


def _big(samples):
    mlp = MLP([2, 4, 4, 1])
    outs = []
    for k in range(samples):
        xs = [Value(k % 7 / 7), Value(-(k % 5) / 5)]
        out, = mlp(xs)
        outs.append((out - 1.0) * (out - 1.0))
    return mlp, autograd.sum(outs)


def test_collapse_to_one_box_per_neuron():
    mlp, loss = _big(20)
    loss.backward()
    n = len(topological_order(loss))
    src = draw_dot(loss, module=mlp, max_nodes=100, batch=False).source
    boxes = re.findall(r"^\s+(g\d+) \[label=<<b>(.*?)</b><br/>([\d,]+) values?", src, re.M)
    names = [b[1] for b in boxes]
    assert sorted(names) == sorted([f"Neuron layers.0.neurons.{j}" for j in range(4)]
                                   + [f"Neuron layers.1.neurons.{j}" for j in range(4)]
                                   + ["Neuron layers.2.neurons.0", "inputs",
                                      "other operations", "output"])
    assert sum(int(c.replace(",", "")) for _, _, c in boxes) == n
    assert "one box per neuron" in src
    ids = {name: g for g, name, _ in boxes}
    # layer 0 neuron 0 feeds every layer-1 neuron, once per sample
    for j in range(4):
        assert re.search(rf"\t{ids['Neuron layers.0.neurons.0']} -> "
                         rf"{ids[f'Neuron layers.1.neurons.{j}']} \[label=20\]", src)


def test_collapse_falls_back_to_layers_then_refuses():
    mlp, loss = _big(3)
    src = draw_dot(loss, module=mlp, max_nodes=8, batch=False).source
    assert "one box per layer" in src
    assert sorted(re.findall(r"<b>(Layer [\w.]+)</b>", src)) == [
        "Layer layers.0", "Layer layers.1", "Layer layers.2"]
    with pytest.raises(ValueError, match="max_nodes=3"):
        draw_dot(loss, module=mlp, max_nodes=3)


@pytest.mark.slow
def test_hundred_thousand_nodes_guard_and_collapse_without_recursion():
    mlp, loss = _big(3200)
    n = len(topological_order(loss))
    assert n > 100_000 > sys.getrecursionlimit()
    with pytest.raises(ValueError, match="max_nodes="):
        draw_dot(loss, batch=False)
    src = draw_dot(loss, module=mlp, batch=False).source
    assert len(re.findall(r"^\s+g\d+ \[", src, re.M)) == 4 + 4 + 1 + 3   # neurons + in/other/out
    # by default: one sample's graph and a box for the other 3,199
    src = draw_dot(loss).source
    assert "3,199 more terms" in src and len(re.findall(r"^\tv\d+ \[", src, re.M)) < 100
    assert autograd.to_text(loss).count("\n") > n
