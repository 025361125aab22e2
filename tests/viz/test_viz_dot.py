"""draw_dot: structure, edge derivatives, grads, colours, highlight, determinism."""
import math

import pytest
from viz_helpers import attr, edges, nodes, values

import autograd
from autograd import Value, draw_dot


def _fd(f, xs, i, h=1e-6):
    """Central difference of f(*xs) in xs[i]: the independent truth for grads."""
    up = list(xs); dn = list(xs)
    up[i] += h; dn[i] -= h
    return (f(*up) - f(*dn)) / (2 * h)


def _op_inputs(src, op):
    return [(t, lab) for t, h, lab in edges(src) if h == op]


def test_mul_add_structure_and_edge_derivatives():
    x = Value(2.0, label="x"); y = Value(-3.0, label="y")
    z = x * y + x
    z.backward()
    src = draw_dot(z).source
    ns = nodes(src)
    assert sorted(k for k in ns if k.startswith("v")) == ["v0", "v1", "v2", "v3"]
    assert sorted(k for k in ns if k.startswith("o")) == ["o2", "o3"]
    es = edges(src)
    assert len(es) == 6
    # d(xy)/dx = y, d(xy)/dy = x; d(a+b)/da = d(a+b)/db = 1
    assert sorted(_op_inputs(src, "o2")) == [("v0", "-3"), ("v1", "2")]
    assert sorted(_op_inputs(src, "o3")) == [("v0", "1"), ("v2", "1")]
    assert ("o2", "v2", None) in es and ("o3", "v3", None) in es
    vals = values(src)
    assert vals[0] == ("x", 2.0, -2.0) and vals[1] == ("y", -3.0, 2.0)   # dz/dx = y + 1, dz/dy = x
    assert vals[3][1:] == (-4.0, 1.0)


def test_square_has_two_edges_each_with_its_derivative():
    x = Value(3.0, label="x")
    y = x * x
    src = draw_dot(y).source
    assert _op_inputs(src, "o1") == [("v0", "3"), ("v0", "3")]


def test_shared_subexpression_is_one_node():
    a = Value(0.5, label="a"); b = Value(-1.5, label="b")
    s = a * b                       # used three times below
    r = s + s.tanh() + s * s
    r.backward()
    src = draw_dot(r).source
    vals = values(src)
    assert len(vals) == 7           # a, b, s, tanh, s*s, two adds
    s_id = next(i for i, (lab, d, g) in vals.items() if d == -0.75)
    uses = [e for e in edges(src) if e[0] == f"v{s_id}"]
    assert len(uses) == 4           # into +, tanh, and twice into s*s

    def f(a, b):
        return a * b + math.tanh(a * b) + (a * b) ** 2

    by = {lab: g for lab, d, g in vals.values()}
    assert by["a"] == pytest.approx(_fd(f, [0.5, -1.5], 0), rel=1e-3)   # 4 digits shown
    assert by["b"] == pytest.approx(_fd(f, [0.5, -1.5], 1), rel=1e-3)


@pytest.mark.parametrize("make, closed_form", [
    (lambda x: x.tanh(), lambda x: 1 - math.tanh(x) ** 2),
    (lambda x: x.exp(), math.exp),
    (lambda x: x.log(), lambda x: 1 / x),
    (lambda x: x.sigmoid(), lambda x: math.exp(-x) / (1 + math.exp(-x)) ** 2),
    (lambda x: x ** 3, lambda x: 3 * x * x),
    (lambda x: 2 ** x, lambda x: 2 ** x * math.log(2)),
    (lambda x: 1 / x, lambda x: -1 / x ** 2),
    (lambda x: x.leaky_relu(0.1), lambda x: 1.0),
])
def test_unary_edge_label_is_the_closed_form_derivative(make, closed_form):
    x = Value(0.7, label="x")
    src = draw_dot(make(x), digits=10).source
    (tail, label), = _op_inputs(src, "o1")
    assert tail == "v0"
    assert float(label) == pytest.approx(closed_form(0.7), rel=1e-9)


def test_constants_are_written_in_the_operation():
    x = Value(1.5, label="x")
    for expr, text in [(x * 3, "· * 3"), (2 ** x, "2 ** ·"), (x ** 2, "· ** 2"),
                       (x.leaky_relu(0.05), "leaky_relu(·, 0.05)"), (10 - x, "10 - ·")]:
        src = draw_dot(expr).source
        assert attr(nodes(src)["o1"], "label") == f"<{text}>"
        assert len(_op_inputs(src, "o1")) == 1       # constants are no nodes
    plain = draw_dot(x * x).source
    assert attr(nodes(plain)["o1"], "label") == "<*>"


def test_dot_and_sum_are_one_node_with_all_operand_edges():
    xs = [Value(1.0, label="x1"), Value(2.0, label="x2")]
    ws = [Value(0.5, label="w1"), Value(-4.0, label="w2")]
    y = autograd.dot(xs, ws)
    src = draw_dot(y).source
    op = [k for k in nodes(src) if k.startswith("o")]
    assert op == ["o4"]
    got = dict(_op_inputs(src, "o4"))
    v = {lab: i for i, (lab, d, g) in values(src).items()}
    # each arrow names the operand's place in Σ xᵢ·wᵢ, then d(x.w)/dx_i = w_i, d/dw_i = x_i
    assert got == {f"v{v['x1']}": "x₀: 0.5", f"v{v['x2']}": "x₁: -4",
                   f"v{v['w1']}": "w₀: 1", f"v{v['w2']}": "w₁: 2"}


def test_undefined_local_derivative_is_drawn_not_raised():
    x = Value(0.0, label="x")
    src = draw_dot(x.sqrt()).source
    assert _op_inputs(src, "o1") == [("v0", "undefined")]


def _fill(src, label):
    i = next(i for i, (lab, d, g) in values(src).items() if lab == label)
    return attr(nodes(src)[f"v{i}"], "label").split('bgcolor="')[1][:7]


def test_fill_colour_follows_grad_sign_and_size():
    a = Value(1.0, label="a"); b = Value(1.0, label="b"); c = Value(1.0, label="c")
    d = Value(5.0, label="d")
    out = 3 * a - 0.5 * b + 0 * c + d * 0.0
    out.label = "out"
    out.backward()
    src = draw_dot(out).source

    def rgb(h):
        return tuple(int(h[k:k + 2], 16) for k in (1, 3, 5))

    ra, rb, rc = rgb(_fill(src, "a")), rgb(_fill(src, "b")), rgb(_fill(src, "c"))
    assert ra[2] > ra[0] and rb[0] > rb[2]          # positive blue, negative orange
    assert rc == (255, 255, 255)                    # zero grad: white
    assert sum(ra) < sum(rgb(_fill(src, "out")))    # |3| darker than |1| (the root)


def test_highlight_marks_exactly_the_paths_to_the_root():
    x = Value(1.0, label="x"); y = Value(2.0, label="y"); z = Value(0.5, label="z")
    m = x * y
    out = m + z.exp() + x
    src = draw_dot(out, highlight=x).source
    ns = nodes(src)
    thick = {k for k, a in ns.items() if k.startswith("v") and 'border="3"' in a}
    ids = {lab: i for i, (lab, d, g) in values(src).items()}
    # x -> m -> (m + exp z) -> out, and x -> out directly; not y, z, exp z
    exp_id = max(i for i, (lab, d, g) in values(src).items() if d == pytest.approx(math.exp(0.5), rel=1e-3))
    assert f"v{ids['x']}" in thick and f"v{ids['y']}" not in thick
    assert f"v{ids['z']}" not in thick and f"v{exp_id}" not in thick
    assert len(thick) == 4
    bold = [(t, h) for t, h, _ in edges(src)
            if "penwidth=2.5" in src.split(f"\t{t} -> {h}", 1)[1].split("\n", 1)[0]]
    assert (f"v{ids['y']}", "o2") not in bold and (f"v{ids['x']}", "o2") in bold
    assert len(bold) == 7   # x->*, *->m, m->+, +->s, s->+, x->+, +->out


def test_highlight_several_inputs_and_errors():
    x = Value(1.0); y = Value(2.0)
    out = x * y
    src = draw_dot(out, highlight=[x, y]).source
    assert src.count('border="3"') == 3
    with pytest.raises(ValueError, match="highlight.*not in the root's graph"):
        draw_dot(out, highlight=Value(9.0))
    with pytest.raises(TypeError, match="highlight"):
        draw_dot(out, highlight=[1.0])


def test_same_graph_gives_byte_identical_source():
    def build():
        x = Value(2.0, label="x"); w = [Value(0.1 * i, label=f"w{i}") for i in range(4)]
        h = [(x * wi).tanh() for wi in w]
        out = autograd.sum(h) * h[0]
        out.backward()
        return out
    a, b = build(), build()
    assert draw_dot(a).source == draw_dot(b).source == draw_dot(a).source


def test_bad_arguments_are_named():
    x = Value(1.0)
    with pytest.raises(TypeError, match="draw_dot: root must be a Value, got float"):
        draw_dot(1.0)
    with pytest.raises(ValueError, match="rankdir .* got 'XY'"):
        draw_dot(x, rankdir="XY")
    with pytest.raises(ValueError, match="max_nodes .* got 0"):
        draw_dot(x, max_nodes=0)
    with pytest.raises(ValueError, match="digits"):
        draw_dot(x, digits=0)


def test_legend_and_rankdir():
    x = Value(1.0)
    assert "local derivative" in draw_dot(x).source
    src = draw_dot(x, legend=False, rankdir="TB").source
    assert "local derivative" not in src and "rankdir=TB" in src


def test_before_backward_grads_read_not_computed_yet_then_numbers():
    # The lecture's viewers read "grad 0" before backward() as a result.
    x = Value(2.0, label="x"); y = Value(-3.0, label="y")
    z = x * y + x
    src = draw_dot(z).source
    assert all(g is None for _, _, g in values(src).values())        # every box: grad —
    assert "not computed yet" in src
    z.backward()
    src = draw_dot(z).source
    assert {lab: g for lab, d, g in values(src).values()} == {"x": -2.0, "y": 2.0, "": 1.0}
    assert "not computed yet" not in src
    # a zero gradient after backward is a number, not a dash
    w = Value(5.0, label="w")
    out = x * 2.0 + w * 0.0
    out.backward()
    assert {lab: g for lab, d, g in values(draw_dot(out).source).values()}["w"] == 0.0
