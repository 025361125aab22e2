"""Code written for micrograd runs on chaingrad's Values (both engines).

micrograd-style code reads ``v._prev`` (the set of operands), ``v._op`` (an
op symbol such as ``'*'`` or ``'**2'``), ``label``, ``data`` and ``grad``, and
backpropagates by calling ``node._backward()`` itself.  The helpers below are
written here in that style (they read nothing else), and their results are
checked against gradients derived by hand and, where micrograd is installed,
against micrograd's own numbers.
"""
import importlib.util
import math

import pytest

from autograd import Value, plain

ENGINES = {"fast": Value, "plain": plain.Value}
HAVE_MICROGRAD = importlib.util.find_spec("micrograd") is not None


# -- helpers in the micrograd style: they only read _prev, _op, label, data, grad ----

def collect(root):
    """All nodes and (operand, user) edges under ``root``, by recursion over ``_prev``."""
    nodes, edges = set(), set()

    def visit(v):
        if v in nodes:
            return
        nodes.add(v)
        for child in v._prev:
            edges.add((child, v))
            visit(child)

    visit(root)
    return nodes, edges


def picture(root):
    """A graphviz Digraph: a record per Value (label | data | grad), an oval per op."""
    import graphviz
    g = graphviz.Digraph(graph_attr={"rankdir": "LR"})
    nodes, edges = collect(root)
    for v in nodes:
        uid = str(id(v))
        g.node(uid, label=f"{{ {v.label} | data {v.data:.4f} | grad {v.grad:.4f} }}", shape="record")
        if v._op:
            g.node(uid + v._op, label=v._op)
            g.edge(uid + v._op, uid)
    for child, user in edges:
        g.edge(str(id(child)), str(id(user)) + user._op)
    return g


def order_by_recursion(root):
    """Operands before users, by a recursive depth-first walk over ``_prev``."""
    topo, visited = [], set()

    def walk(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                walk(child)
            topo.append(v)

    walk(root)
    return topo


def tanh_neuron(V):
    """o = tanh(x1*w1 + x2*w2 + b), each step a named node, as learners build it."""
    x1, x2 = V(1.5, label="x1"), V(-0.5, label="x2")
    w1, w2 = V(0.8, label="w1"), V(-1.2, label="w2")
    b = V(0.3, label="b")
    x1w1 = x1 * w1; x1w1.label = "x1*w1"
    x2w2 = x2 * w2; x2w2.label = "x2*w2"
    s = x1w1 + x2w2; s.label = "x1*w1 + x2*w2"
    n = s + b; n.label = "n"
    o = n.tanh(); o.label = "o"
    return locals()


# By hand: n = 1.5*0.8 + (-0.5)*(-1.2) + 0.3 = 2.1, o = tanh(2.1), do/dn = 1 - o^2;
# every sum passes do/dn on unchanged; a product passes it times the other factor.
DODN = 1.0 - math.tanh(2.1) ** 2
BY_HAND = {"o": 1.0, "n": DODN, "s": DODN, "b": DODN, "x1w1": DODN, "x2w2": DODN,
           "x1": 0.8 * DODN, "w1": 1.5 * DODN, "x2": -1.2 * DODN, "w2": -0.5 * DODN}


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_prev_and_op_describe_the_graph(engine):
    V = ENGINES[engine]
    x, y = V(2.0), V(3.0)
    assert x._prev == set() and x._op == ""
    assert (x * y)._prev == {x, y} and (x * y)._op == "*"
    assert (x * x)._prev == {x}                       # a set: x once
    assert (x + y)._op == "+" and (x * 2.0)._prev == {x}
    assert [(x ** 2)._op, (x ** 2.0)._op, (x ** 0.5)._op, (x ** -1)._op] == ["**2", "**2", "**0.5", "**-1"]
    assert [x.tanh()._op, x.exp()._op, x.relu()._op] == ["tanh", "exp", "ReLU"]
    assert [(x - y)._op, (x / y)._op, x.log()._op, (-x)._op] == ["-", "/", "log", "neg"]


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("name,value", [("_prev", set()), ("_op", "+")])
def test_prev_and_op_are_read_only(engine, name, value):
    v = ENGINES[engine](1.0) + 1.0
    with pytest.raises(AttributeError):
        setattr(v, name, value)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_backward_step_on_a_leaf_does_nothing(engine):
    x = ENGINES[engine](2.0)
    x.grad = 5.0
    x._backward()
    assert x.grad == 5.0


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_node_by_node_backward_on_a_tanh_neuron(engine):
    g = tanh_neuron(ENGINES[engine])
    g["o"].grad = 1.0
    # Each call fills exactly the operands of the node it is called on.
    for name, filled in [("o", ["n"]), ("n", ["s", "b"]), ("s", ["x1w1", "x2w2"]),
                         ("b", []), ("x1w1", ["x1", "w1"]), ("x2w2", ["x2", "w2"])]:
        before = {k: g[k].grad for k in BY_HAND}
        g[name]._backward()
        for k in BY_HAND:
            if k in filled:
                assert g[k].grad == pytest.approx(BY_HAND[k], rel=1e-15), (name, k)
            else:
                assert g[k].grad == before[k], (name, k)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_recursive_order_then_backward_steps_equals_backward(engine):
    g = tanh_neuron(ENGINES[engine])
    topo = order_by_recursion(g["o"])
    assert len(topo) == len(BY_HAND)
    g["o"].grad = 1.0
    for node in reversed(topo):
        node._backward()
    for k, want in BY_HAND.items():
        assert g[k].grad == pytest.approx(want, rel=1e-15), k
    h = tanh_neuron(ENGINES[engine])
    h["o"].backward()
    for k in BY_HAND:
        assert h[k].grad == pytest.approx(g[k].grad, rel=1e-15), k


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_micrograd_style_picture_shows_every_node_op_and_edge(engine):
    g = tanh_neuron(ENGINES[engine])
    g["o"].backward()
    src = picture(g["o"]).source
    for k in BY_HAND:
        assert g[k].label in src
    assert f"grad {BY_HAND['x1']:.4f}" in src and f"data {math.tanh(2.1):.4f}" in src
    for op in ("tanh", "+", "*"):
        assert f"label={op}" in src or f'label="{op}"' in src
    nodes, edges = collect(g["o"])
    assert len(nodes) == 10 and len(edges) == 9
    assert src.count("->") == len(edges) + 5          # plus one arrow per op oval


def test_repeated_operand_gets_both_shares_in_one_backward_step():
    for V in ENGINES.values():
        x = V(3.0)
        y = x * x
        y.grad = 2.0
        y._backward()
        assert x.grad == 12.0                           # 2 * (x + x)


@pytest.mark.skipif(not HAVE_MICROGRAD, reason="micrograd is not installed: pip install -e '.[bench]'")
@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_numbers_agree_with_micrograd(engine):
    from micrograd.engine import Value as MgValue
    V = ENGINES[engine]

    def expression(V):
        p, q, r = V(1.5), V(-2.0), V(0.25)
        t = p * q + q ** 2                              # -3 + 4 = 1
        u = (t * r - p).relu() + (p * r + q ** 3).relu()
        w = u * p + (-q) * t / r - 0.5 * p ** 3
        return [p, q, r], w, [t, u]

    (ours, out, inner), (theirs, mg_out, mg_inner) = expression(V), expression(MgValue)
    out.backward()
    mg_out.backward()
    assert out.data == pytest.approx(mg_out.data, rel=1e-15)
    for a, b in zip(ours + inner, theirs + mg_inner):
        assert a.data == pytest.approx(b.data, rel=1e-15)
        assert a.grad == pytest.approx(b.grad, rel=1e-14)
    # The ops both engines have carry the same symbols.
    assert (ours[0] * ours[1])._op == (theirs[0] * theirs[1])._op
    assert (ours[0] + ours[1])._op == (theirs[0] + theirs[1])._op
    assert (ours[0] ** 2)._op == (theirs[0] ** 2)._op
    assert ours[0].relu()._op == theirs[0].relu()._op
