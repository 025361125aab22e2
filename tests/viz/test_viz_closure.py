"""A learner's own operation, made the micrograd lecture's way
(``Value(data, (children,), 'op')`` with ``out._backward = fn``), in every
view: shown by its op string, its arrows drawn without a local derivative
(only its closure knows it), and stepped through by running the closure
itself, as ``backward`` runs it.  The nodes are real ones made with the
lecture's code; one test puts a stand-in (a table node whose primitive is
replaced by a closure's name, symbol and no ``derivs``) inside a model's
neuron, where the learner's code cannot reach.  The truth for the numbers
the frames show is ``backward`` itself, run separately, and a derivative
worked out by hand."""
import math
import re

import pytest
from viz_helpers import attr, closure_node, edges, membership, nodes, oval_text, require, stepper_data, values

import nn
from autograd import Value, backward_frames, draw_dot, plain, stepper, to_text


def lecture_tanh(self):
    V = type(self)
    x = self.data
    t = (math.exp(2*x) - 1)/(math.exp(2*x) + 1)
    out = V(t, (self, ), 'tanh')

    def _backward():
        self.grad += (1 - t**2) * out.grad
    out._backward = _backward
    return out


def _lecture_neuron(V=Value, backward=True):
    x = V(2.0, label="x"); w = V(-0.5, label="w"); b = V(0.25, label="b")
    n = x * w + b
    n.label = "n"
    o = lecture_tanh(n)                          # the learner's own tanh
    o.label = "o"
    if backward:
        o.backward()
    return o, n, (x, w, b)


def test_draw_dot_shows_the_op_string_and_arrows_without_a_number():
    o, n, _ = _lecture_neuron()
    src = draw_dot(o).source
    ids = {lab: i for i, (lab, d, g) in values(src).items()}
    op = f"o{ids['o']}"
    assert oval_text(src, op) == "tanh"
    assert "dashed" in attr(nodes(src)[op], "style")
    assert [(t, lab) for t, h, lab in edges(src) if h == op] == [(f"v{ids['n']}", None)]
    # the table's own nodes keep their numbers
    assert ("v0", "o2", "-0.5") in edges(src)          # x into x * w: w
    assert "its own _backward" in src                    # the legend says why
    assert values(src)[ids["o"]][1:] == (pytest.approx(o.data, abs=1e-4), 1.0)


def test_a_two_child_closure_reads_infix():
    x = Value(3.0, label="x"); z = Value(2.0, label="z")
    y = Value(x.data * z.data, (x, z), "*")
    y.label = "y"
    assert to_text(y).split("\n") == ["#2 y = #0 * #1  data=6  grad=0",
                                      "  [∂ in _backward] #0 x  data=3  grad=0",
                                      "  [∂ in _backward] #1 z  data=2  grad=0"]
    src = draw_dot(y).source
    assert [lab for t, h, lab in edges(src) if h == "o2"] == [None, None]
    assert Value(9.0, (x, x), "*")._args == (x,)  # micrograd's children are a set: x once


@pytest.mark.parametrize("V", [Value, plain.Value], ids=["fast", "plain"])
def test_to_text_names_the_closure(V):
    o, n, _ = _lecture_neuron(V)
    lines = to_text(o).split("\n")
    assert lines[0] == f"#5 o = tanh(#4)  data={o.data:.4g}  grad=1"
    assert lines[1].startswith("  [∂ in _backward] #4 n = #2 + #3")


@pytest.mark.parametrize("V", [Value, plain.Value], ids=["fast", "plain"])
def test_frames_run_the_closure_and_show_what_it_passed(V):
    o, n, (x, w, b) = _lecture_neuron(V, backward=False)
    frames = list(backward_frames(o))
    assert [f.node.op for f in frames] == ["tanh", "tanh", "add", "mul"]
    assert (x.grad, w.grad, n.grad, o.grad) == (0.0, 0.0, 0.0, 0.0)   # no .grad touched
    dn = 1 - math.tanh(-0.75) ** 2                                      # by hand: tanh'(n)
    assert frames[1].grads[n] == pytest.approx(dn, rel=1e-15)
    assert "own operation: its _backward closure runs and adds to each child" in frames[1].source
    assert f"n: 0 + {dn:.4f} = {dn:.4f}" in frames[1].source
    o.backward()                                                        # the truth: backward itself
    assert [frames[-1].grads[v] for v in (x, w, b, n)] == [v.grad for v in (x, w, b, n)]


def test_the_stepper_steps_through_the_closure():
    o, n, (x, w, b) = _lecture_neuron()
    require("dot")
    (data,) = stepper_data(stepper(o).html())
    step = data["steps"][1]
    assert step["op"] == "tanh" and step["arrows"] == []            # no number on its arrow
    assert "learner&#x27;s own operation" in step["caption"]
    (changed,) = step["grads"]                                        # n's gradient cell: 0 -> tanh'(n)
    assert changed[:2] == ["v4", f"{n.grad:.4f}"]


def test_frames_stop_where_backward_would():
    x = Value(0.5, label="x")
    out = Value(math.sin(0.5), (x,), "sin")                         # no _backward yet
    with pytest.raises(TypeError, match=r"backward_frames: backward through sin\(0.5\): .* no _backward"):
        list(backward_frames(out * 2.0))
    calls = []

    def _backward():
        calls.append(1)
        x.grad += float("nan") * out.grad
    out._backward = _backward
    with pytest.raises(ValueError, match="its _backward left NaN"):
        list(backward_frames(out * 2.0))
    assert x.grad == 0.0 and calls == [1]


def test_expanded_frames_run_the_closure_on_the_real_nodes():
    model = nn.MLP(2, [2, 1], rng=0)
    out = lecture_tanh(model([0.5, -1.0]))        # the learner's tanh on the model's output
    loss = (out - 1.0) ** 2
    frames = list(backward_frames(loss, expand=True, module=model))
    loss.backward()
    leaves = {p: p.grad for p in model.parameters()}
    shown = {getattr(v, "real", None): g for v, g in frames[-1].grads.items()}
    for p, g in leaves.items():
        assert shown[p] == pytest.approx(g, rel=1e-12, abs=1e-15)


def test_module_boxes_and_expand_keep_the_closure():
    model = nn.MLP(2, [2, 1], rng=0)
    out = model([0.5, -1.0])                      # the output neuron: one dot, linear
    loss = (out - 1.0) ** 2
    loss.backward()
    closure_node(out, "dot")                      # a stand-in inside the neuron, named like the table's
    src = draw_dot(loss, module=model).source
    (op,) = re.findall(r"^\s+(o\d+) \[.*dashed", src, re.M)
    assert membership(src)[op] == ("Layer layers.1", "Neuron layers.1.neurons.0")
    assert all(lab is None for t, h, lab in edges(src) if h == op)
    text = to_text(loss, expand=True)
    assert "= dot(" in text and " * " in text     # the hidden dots expand, the closure does not


def test_a_lecture_activation_joins_the_neuron_as_the_tables_does():
    def picture(activation):
        model = nn.MLP(2, [1], rng=0)
        out = activation(model([0.5, -1.0]))      # on the output neuron's weighted sum
        return draw_dot((out - 1.0) ** 2, module=model).source

    table = picture(lambda o: o.tanh())
    lecture = picture(lecture_tanh)
    (op,) = re.findall(r"^\s+(o\d+) \[label=<tanh>.*dashed", lecture, re.M)   # the lecture's node
    assert membership(lecture) == membership(table)
    assert membership(lecture)[op] == ("Layer layers.0", "Neuron layers.0.neurons.0")
