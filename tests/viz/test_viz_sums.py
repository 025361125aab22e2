"""A neuron's weighted sum reads as math (``Σ xᵢ·wᵢ``, arrows naming each
operand), and ``expand=True`` draws it as the lecture's separate ``*`` and
``+`` nodes, whose gradients are the fused node's: checked against finite
differences and against stepping backward through the expanded nodes."""
import math

import pytest
from viz_helpers import edges, nodes, oval_text, values

import autograd
import nn
from autograd import Value, backward_frames, draw_dot, to_text, topological_order

X = [2.0, 3.0, -1.0]
W = [0.4, -0.6, 0.25]
B = 0.1


def _neuron():
    """tanh(x·w + b) with the inputs as numbers, as nn builds it (bias times 1)."""
    ws = [Value(w, label=f"w{i + 1}") for i, w in enumerate(W)]
    b = Value(B, label="b")
    out = autograd.dot(X + [1.0], ws + [b]).tanh()
    out.label = "o"
    out.backward()
    return out, ws, b


def _f(ws, b):
    return math.tanh(sum(x * w for x, w in zip(X, ws)) + b)


def _fd(i, h=1e-6):
    p = W + [B]
    up, dn = p[:], p[:]
    up[i] += h
    dn[i] -= h
    return (_f(up[:3], up[3]) - _f(dn[:3], dn[3])) / (2 * h)


def test_a_neuron_sum_reads_as_math_with_named_arrows():
    out, ws, b = _neuron()
    src = draw_dot(out).source
    dot_op = next(k for k in nodes(src) if k.startswith("o") and "Σ" in nodes(src)[k])
    assert oval_text(src, dot_op) == "Σ xᵢ·wᵢ\nx = (2, 3, -1, 1)"
    ids = {lab: i for i, (lab, d, g) in values(src).items()}
    into = {t: lab for t, h, lab in edges(src) if h == dot_op}
    # w_i's arrow: its place, then its local derivative x_i
    assert into == {f"v{ids['w1']}": "w₀: 2", f"v{ids['w2']}": "w₁: 3",
                    f"v{ids['w3']}": "w₂: -1", f"v{ids['b']}": "w₃: 1"}
    assert "dot(" not in src
    assert "Σ xᵢ·wᵢ: a neuron" in src          # the legend says how to read it
    text = to_text(out).split("\n")
    z = sum(x * w for x, w in zip(X, W)) + B                    # -1.15
    assert text[1].endswith(f"#4 = 2·#0 + 3·#1 + (-1)·#2 + 1·#3  data={z:.4g}  "
                            f"grad={1 - math.tanh(z) ** 2:.4g}")


def test_a_sum_reads_as_math():
    xs = [Value(1.0, label="a"), Value(2.0, label="b")]
    s = autograd.sum([xs[0], 3.0, xs[1], -0.5])
    src = draw_dot(s).source
    assert oval_text(src, "o2") == "Σ aᵢ + 2.5"
    assert to_text(s).split("\n")[0] == "#2 = #0 + 3 + #1 + (-0.5)  data=5.5  grad=0"


def test_expanded_neuron_is_the_lectures_products_and_sums():
    out, ws, b = _neuron()
    src = draw_dot(out, expand=True).source
    ovals = [oval_text(src, k) for k in nodes(src) if k.startswith("o")]
    # one * per input (a number here, so written in place), then the + chain
    assert sorted(ovals) == sorted(["2 * ·", "3 * ·", "-1 * ·", "1 * ·", "+", "+", "+", "tanh"])
    assert "Σ xᵢ" not in src
    got = values(src)
    by = {lab: g for lab, d, g in got.values() if lab}
    dot_grad = out.parents[0].grad
    for i, w in enumerate(ws + [b]):           # leaves: backward's own gradients
        assert by[w.label] == pytest.approx(_fd(i), rel=1e-4)
    # every added * and + node has the fused node's gradient (4 digits shown)
    added = [g for lab, d, g in got.values() if not lab]
    assert len(added) == 7 and all(g == pytest.approx(dot_grad, rel=1e-3) for g in added)
    # the products' data: x_i * w_i; the partial sums add them up in order
    datas = sorted(d for lab, d, g in got.values() if not lab)
    expect = [x * w for x, w in zip(X + [1.0], W + [B])]
    partial = [expect[0] + expect[1], expect[0] + expect[1] + expect[2], sum(expect)]
    assert datas == pytest.approx(sorted(expect + partial), abs=1e-4)


def test_stepping_through_the_expanded_nodes_gives_the_fused_gradients():
    from autograd.viz.frames import plan_steps
    # The lecture's MLP loss: every hidden and output neuron expanded.
    model = nn.MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", rng=0)
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5]]
    loss = sum((model(x) - y) ** 2 for x, y in zip(xs, [1.0, -1.0]))
    loss.backward()
    fused = plan_steps(loss, "test", max_nodes=1000)
    plan = plan_steps(loss, "test", expand=True, max_nodes=1000)   # what the frames show
    assert len(plan.steps) > len(fused.steps)
    grads = plan.start[:]
    for step in plan.steps:
        for j, _, new in step.changes:
            grads[j] = new
    last = dict(zip(plan.order, grads))
    real = {v.real: g for v, g in last.items() if v.real is not None}
    for p in model.parameters():
        assert real[p] == pytest.approx(p.grad, rel=1e-12, abs=1e-15)
    # an added * or + has exactly the gradient of the dot it comes from
    for v, g in last.items():
        if v.real is None:
            assert g == pytest.approx(v.part_of.grad, rel=1e-12, abs=1e-15)
    # and the first weight against finite differences
    w = model.parameters()[0]
    h = 1e-6
    w.data += h
    up = sum((model(x) - y).data ** 2 for x, y in zip(xs, [1.0, -1.0]))
    w.data -= 2 * h
    dn = sum((model(x) - y).data ** 2 for x, y in zip(xs, [1.0, -1.0]))
    w.data += h
    assert real[w] == pytest.approx((up - dn) / (2 * h), rel=1e-5)


def test_expand_in_text_and_with_a_module():
    out, ws, b = _neuron()
    lines = to_text(out, expand=True).split("\n")
    assert sum(" * " in ln for ln in lines) == 4 and sum(" + " in ln for ln in lines) == 3
    assert lines[0].startswith("#11 o = tanh(#10)")      # 4 leaves, 4 *, 3 +, tanh
    model = nn.MLP(2, [2, 1], rng=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    loss.backward()
    src = draw_dot(loss, module=model, expand=True).source
    assert "Σ xᵢ" not in src and "Neuron layers.0.neurons.1" in src
    n = len(topological_order(loss))
    assert len(values(src)) > n        # the products and partial sums are drawn too
    with pytest.raises(ValueError, match="expand must be True or False"):
        draw_dot(loss, expand="yes")


def test_expanded_frames_step_through_each_product():
    out, ws, b = _neuron()
    frames = list(backward_frames(out, expand=True))
    assert [f.node.op for f in frames] == ["tanh", "tanh", "add", "add", "add"] + ["mul"] * 4
    last = frames[-1].grads
    by = {v.label: g for v, g in last.items() if v.label}
    for i, w in enumerate(ws + [b]):
        assert by[w.label] == pytest.approx(_fd(i), rel=1e-6)


@pytest.mark.parametrize("expand", [False, True])
def test_an_empty_dot_or_sum_is_drawn_and_stepped(expand):
    # dot([], []) and sum([]) are 0.0 and legal; the pictures failed on the
    # empty dot (IndexError).  y = 0 + 0 + x * (2 x) = 2 x², so dy/dx = 4x = 4.
    x = Value(1.0, label="x")
    y = autograd.dot([], []) + autograd.sum([]) + x * autograd.dot([2.0], [x])
    source = draw_dot(y, expand=expand).source
    assert ("Σ xᵢ·wᵢ" in source) is not expand      # expanded, a dot is * and + nodes
    last = list(backward_frames(y, expand=expand))[-1].grads
    # expanded, the frames are keyed by the picture's nodes, each standing for a Value (.real)
    assert {getattr(v, "real", v): g for v, g in last.items()}[x] == 4.0
    assert autograd.stepper(y, expand=expand).steps == len(
        [v for v in topological_order(y) if v.op])
