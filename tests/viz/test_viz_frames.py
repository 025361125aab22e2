"""backward_frames: the order Value.backward really uses, the gradients it
really leaves, and no .grad touched."""
import itertools
import math
import re
from decimal import Decimal

import pytest
from viz_helpers import backward_order, edges, values

import autograd
from autograd import Value, backward_frames, topological_order


def _expr():
    x = Value(0.8, label="x"); y = Value(-1.3, label="y"); b = Value(0.25, label="b")
    h = (x * y + b).tanh()
    out = h * h + (x / 2.0).exp() - y
    return out, (x, y, b)


def _f(x, y, b):
    h = math.tanh(x * y + b)
    return h * h + math.exp(x / 2) - y


def test_frames_follow_backward_order_and_end_at_its_grads(monkeypatch):
    root, leaves = _expr()
    frames = list(backward_frames(root))
    nodes = topological_order(root)
    assert all(v.grad == 0.0 for v in nodes)                 # frames touched nothing
    order = backward_order(monkeypatch, root)
    assert len(frames) == 1 + len(order)
    assert frames[0].step == 0 and frames[0].node is root
    assert [(f.node.op, f.node.data) for f in frames[1:]] == order
    last = frames[-1].grads
    for v in nodes:
        assert last[v] == v.grad                             # same sums, same order
    for i, leaf in enumerate(leaves):                       # and the truth
        xs = [v.data for v in leaves]
        h = 1e-6
        up = xs[:]; dn = xs[:]
        up[i] += h; dn[i] -= h
        assert last[leaf] == pytest.approx((_f(*up) - _f(*dn)) / (2 * h), rel=1e-6)


def test_each_frame_shows_what_the_node_passes():
    x = Value(3.0, label="x"); y = Value(-2.0, label="y")
    out = (x * y) * 0.5                # d/d(xy) = 0.5; then d/dx = y, d/dy = x
    frames = list(backward_frames(out))
    assert [f.step for f in frames] == [0, 1, 2]
    src1 = frames[1].source            # "* 0.5" passes 1 x 0.5 to x*y
    assert ("v2", "o3", "0.5 × 1 = 0.5") in edges(src1)
    src2 = frames[2].source            # x*y passes 0.5 x (-2) to x and 0.5 x 3 to y
    assert ("v0", "o2", "-2 × 0.5 = -1") in edges(src2)
    assert ("v1", "o2", "3 × 0.5 = 1.5") in edges(src2)
    shown = {lab: g for lab, d, g in values(src2).values()}
    assert shown["x"] == -1.0 and shown["y"] == 1.5
    first = {lab: g for lab, d, g in values(frames[0].source).values()}
    assert first["x"] == 0.0 and "Step 0 of 2" in frames[0].source
    assert [f"Step {k} of 2:" in f.source for k, f in enumerate(frames)] == [True] * 3


def test_square_passes_twice():
    x = Value(3.0, label="x")
    frames = list(backward_frames(x * x))
    assert frames[-1].grads[x] == 6.0
    assert edges(frames[-1].source).count(("v0", "o1", "3 × 1 = 3")) == 2


def test_custom_start_gradient_and_zero_paths():
    x = Value(2.0, label="x")
    out = x.relu() * 0.0 + x
    frames = list(backward_frames(out, gradient=2.0))
    assert frames[-1].grads[x] == 2.0
    out.backward(2.0)
    assert x.grad == 2.0


def test_guard_and_errors():
    y = x = Value(1.0)
    for _ in range(200):
        y = y + 1.0
    with pytest.raises(ValueError, match="201 values, more than max_nodes=200"):
        backward_frames(y)
    first = list(itertools.islice(backward_frames(y, max_nodes=201), 3))
    assert [f.node.data for f in first] == [201.0, 201.0, 200.0]
    with pytest.raises(TypeError, match="backward_frames: root must be a Value"):
        backward_frames([x])
    with pytest.raises(ValueError, match="gradient"):
        backward_frames(x, gradient=float("nan"))
    with pytest.raises(ValueError, match="sqrt.*not finite"):
        list(backward_frames(Value(0.0).sqrt()))
    assert len(list(backward_frames(autograd.sum([x, 2.0])))) == 2


def test_frame_without_renderer_shows_its_own_gradients_as_text(monkeypatch, tmp_path):
    from autograd.viz import rendering as viz_render
    x = Value(3.0, label="x")
    frames = list(backward_frames(x * 2.0))
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(viz_render, "_script_dirs", lambda: [])
    first = frames[0]._repr_mimebundle_()["text/plain"]
    last = frames[1]._repr_mimebundle_()["text/plain"]
    assert first.split("\n")[:2] == ["#1 = #0 * 2  data=6  grad=1", "  [∂ 2] #0 x  data=3  grad=0"]
    assert last.split("\n")[1] == "  [∂ 2] #0 x  data=3  grad=2"


def test_frames_refuse_a_nan_gradient_as_backward_does():
    # inf * 0 on the way back (relu'(-1) = 0 meets an overflowed gradient):
    # backward refuses it; the frames must not show a NaN either.
    x = Value(-1.0, label="x")
    y = (x.relu() * 1e308) * 10.0
    with pytest.raises(ValueError, match=r"gradient is NaN") as backward_error:
        y.backward()
    with pytest.raises(ValueError, match=r"^backward_frames: backward through relu\(-1\.0\): "
                                         r"gradient is NaN") as frames_error:
        list(backward_frames(y))
    assert str(backward_error.value).split("through")[1] == str(frames_error.value).split("through")[1]


def test_frames_pass_nothing_for_a_zero_gradient_as_backward_does():
    x = Value(0.5, label="x")
    y = x.tanh() * 0.0          # tanh's incoming gradient is 0: it passes nothing
    y.backward()
    frames = list(backward_frames(y))
    assert frames[-1].grads[x] == x.grad == 0.0


def _entries(caption_lines):
    """(name, old, passed, new) for each accumulation a caption writes."""
    out = []
    for line in caption_lines:
        for part in line.split(";"):
            m = re.match(r"\s*(.+?)(?: \((?:x|w)\S+\))?: (-?[\d.]+) \+ \(?(-?[\d.]+)\)? = (-?[\d.]+)$",
                         part)
            if m:
                out.append((m.group(1), *(Decimal(t) for t in m.group(2, 3, 4))))
    return out


def test_captions_name_labelled_nodes_and_add_up_at_the_digits_shown(monkeypatch):
    from autograd.viz.frames import plan_steps
    # The issue: "#0 += -0.6611" for x, whose box said 0.9672 while
    # 1.628 + (-0.6611) reads 0.9669.
    x = Value(2.0, label="x"); y = Value(-3.0, label="y")
    s = x * y + x.exp()
    z = s.tanh()
    z.label = "z"
    plan = plan_steps(z, "test")
    captions = [st.caption for st in plan.steps]
    assert captions[1][0].startswith("Step 1 of 4: z = tanh(#4), grad 1")   # s has no label
    assert captions[3][0].startswith("Step 3 of 4: #3 = exp(x)")
    assert captions[4][0].startswith("Step 4 of 4: #2 = x * y")
    entries = [e for c in captions for e in _entries(c)]
    assert [e[0] for e in entries] == ["#4", "#2", "#3", "x", "x", "y"]
    for name, old, passed, new in entries:
        assert old + passed == new, (name, old, passed, new)        # exactly, as written
    z.backward()
    last_x = [e for e in entries if e[0] == "x"][-1]
    assert float(last_x[3]) == pytest.approx(x.grad, rel=1e-4)       # and true
    assert float(last_x[1]) == pytest.approx(x.exp().data * (1 - z.data ** 2), rel=1e-4)
    assert f"{float(last_x[3]):.4g}" == f"{x.grad:.4g}" == "0.9672"   # what the box shows


def test_captions_add_up_on_random_graphs():
    import random

    from autograd.viz.frames import plan_steps
    rng = random.Random(7)
    for _ in range(20):
        leaves = [Value(rng.uniform(-3, 3), label=f"p{k}") for k in range(3)]
        out = leaves[0]
        for _ in range(6):
            a, b = rng.choice(leaves), rng.choice(leaves + [out])
            kind = rng.randrange(3)
            out = (a * b + out if kind == 0 else (a - b).tanh() * out if kind == 1
                   else out * out + a)
        plan = plan_steps(out, "test", max_nodes=1000)
        for st in plan.steps[1:]:
            for _, old, passed, new in _entries(st.caption):
                assert old + passed == new


def test_frames_group_by_module():
    import nn
    model = nn.MLP(2, [2, 1], rng=0)
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    frames = list(backward_frames(loss, module=model))
    assert "Neuron layers.0.neurons.1" in frames[-1].source
    assert "<i>w.1</i>" in frames[0].source


def test_captions_name_parameters_as_their_boxes_do():
    # With module=, a parameter's box reads "w.1" or "b": the caption must use
    # the same name, not "#1".  A parameter's own label still wins.
    import nn
    from autograd.viz.frames import plan_steps
    model = nn.MLP(2, [1], rng=0)
    model.layers[0].neurons[0].w[0].label = "first weight"
    loss = (model([0.5, -1.0]) - 1.0) ** 2
    caption = plan_steps(loss, "test", module=model).steps[-1].caption
    assert "= 0.5·first weight + (-1)·w.1 + 1·b," in caption[0]
    entries = {name: (passed, new) for name, old, passed, new in _entries(caption)}
    assert list(entries) == ["first weight", "w.1", "b"]
    loss.backward()                 # the bias's gradient, d loss / d b = 2 (z - 1) · 1
    z = model([0.5, -1.0]).data
    assert float(entries["b"][1]) == pytest.approx(2 * (z - 1), rel=1e-3)


def test_a_constants_overflowing_local_derivative_does_not_stop_the_frames():
    # d(x / c)/dc overflows at c = 1e-160, but c is a constant: backward never
    # needs it, so the frames must not refuse it either.  Truth: d(x/c)/dx = 1/c.
    x = Value(2.0, label="x")
    frames = list(backward_frames(x / 1e-160))
    assert frames[-1].grads[x] == pytest.approx(1e160, rel=1e-15)
