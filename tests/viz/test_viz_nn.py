"""draw_dot with a real nn.MLP: neuron and layer boxes from nn's own names."""
import re

from viz_helpers import membership

import autograd
from autograd import Value, draw_dot, topological_order
from nn import MLP


def _owner(name):
    # layers.0.neurons.2.w.1 -> (layers.0, layers.0.neurons.2); .b likewise
    parts = name.split(".")
    return ".".join(parts[:2]), ".".join(parts[:4])


def test_real_mlp_parameters_and_neuron_ops_sit_in_their_boxes():
    model = MLP(2, [3, 1], rng=0)
    xs = [Value(0.5, label="x0"), Value(-1.0, label="x1")]
    out = model(xs)
    loss = (out - 1.0) ** 2
    loss.backward()
    order = topological_order(loss)
    idx = {v: i for i, v in enumerate(order)}
    src = draw_dot(loss, module=model).source
    where = membership(src)
    named = list(model.named_parameters())
    assert len(named) == 3 * 3 + 4
    for name, p in named:
        layer, neuron = _owner(name)
        assert where[f"v{idx[p]}"] == (f"Layer {layer}", f"Neuron {neuron}"), name
        assert f"<i>{name[len(neuron) + 1:]}</i>" in src
    # each hidden neuron: its dot and its leaky_relu in its box; the output
    # neuron is linear: its dot alone
    for j, neuron in enumerate(model.layers[0].neurons):
        w0 = neuron.w[0]
        dot = next(v for v in order if v.op == "dot" and w0 in v.parents)
        act = next(v for v in order if v.op == "leaky_relu" and v.parents[0] is dot)
        box = ("Layer layers.0", f"Neuron layers.0.neurons.{j}")
        assert where[f"v{idx[dot]}"] == where[f"v{idx[act]}"] == where[f"o{idx[act]}"] == box
    assert where[f"v{idx[out]}"] == ("Layer layers.1", "Neuron layers.1.neurons.0")
    for v in xs + [loss]:
        assert where[f"v{idx[v]}"] == ()


def test_real_mlp_on_a_batch_collapses_per_neuron():
    model = MLP(2, [4, 4, 1], rng=0)
    losses = []
    for k in range(60):
        out = model([k / 60, 1 - k / 30])
        losses.append((out - 0.5) ** 2)
    loss = autograd.sum(losses)
    loss.backward()
    n = len(topological_order(loss))
    assert n > 1000
    src = draw_dot(loss, module=model, batch=False).source
    boxes = re.findall(r"^\s+(g\d+) \[label=<<b>(.*?)</b><br/>([\d,]+) values?", src, re.M)
    names = sorted(b[1] for b in boxes)
    assert names == sorted([f"Neuron layers.{i}.neurons.{j}" for i, k in ((0, 4), (1, 4), (2, 1))
                            for j in range(k)] + ["other operations", "output"])   # float inputs: no nodes
    assert sum(int(c.replace(",", "")) for _, _, c in boxes) == n
