"""A learner's own operation, made the micrograd lecture's way
(``Value(data, (children,), 'op')`` with ``out._backward = fn``), in every
view: shown by its op string, its arrows drawn without a local derivative
(only its closure knows it).  The node here is a stand-in: a real node whose
primitive is replaced by what such a node carries (a name and symbol, and no
``derivs``), its operands kept."""
import re

import pytest
from viz_helpers import attr, closure_node, edges, membership, nodes, oval_text, require, stepper_data, values

import nn
from autograd import Value, backward_frames, draw_dot, stepper, to_text


def _lecture_neuron():
    x = Value(2.0, label="x"); w = Value(-0.5, label="w"); b = Value(0.25, label="b")
    n = x * w + b
    n.label = "n"
    o = n.tanh()
    o.label = "o"
    o.backward()                                 # real gradients first
    closure_node(o, "tanh")                      # then o becomes the learner's own tanh
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


def test_a_two_operand_closure_reads_infix():
    x = Value(3.0, label="x")
    y = closure_node(x * x, "*")
    y.label = "y"
    assert to_text(y).split("\n") == ["#1 y = #0 * #0  data=9  grad=0",
                                      "  [∂ in _backward] #0 x  data=3  grad=0",
                                      "  [∂ in _backward] #0 (above)"]
    src = draw_dot(y).source
    assert [lab for t, h, lab in edges(src) if h == "o1"] == [None, None]


def test_to_text_names_the_closure():
    o, n, _ = _lecture_neuron()
    lines = to_text(o).split("\n")
    assert lines[0] == f"#5 o = tanh(#4)  data={o.data:.4g}  grad=1"
    assert lines[1].startswith("  [∂ in _backward] #4 n = #2 + #3")


def test_frames_and_stepper_show_the_node():
    o, n, (x, w, b) = _lecture_neuron()
    frames = list(backward_frames(o))
    assert [f.node.op for f in frames] == ["tanh", "tanh", "add", "mul"]
    assert "own operation" in frames[1].source and "operands get nothing here" in frames[1].source
    assert frames[-1].grads[w] == 0.0        # the frames do not run the closure: nothing passed
    require("dot")
    s = stepper(o)
    (data,) = stepper_data(s.html())
    assert data["steps"][1]["op"] == "tanh" and data["steps"][1]["arrows"] == []
    assert "learner&#x27;s own operation" in data["steps"][1]["caption"]


def test_module_boxes_and_expand_keep_the_closure():
    model = nn.MLP(2, [2, 1], rng=0)
    out = model([0.5, -1.0])                      # the output neuron: one dot, linear
    loss = (out - 1.0) ** 2
    loss.backward()
    closure_node(out, "dot")                      # a learner's own op, named like the table's
    src = draw_dot(loss, module=model).source
    (op,) = re.findall(r"^\s+(o\d+) \[.*dashed", src, re.M)
    assert membership(src)[op] == ("Layer layers.1", "Neuron layers.1.neurons.0")
    assert all(lab is None for t, h, lab in edges(src) if h == op)
    text = to_text(loss, expand=True)
    assert "= dot(" in text and " * " in text     # the hidden dots expand, the closure does not
