"""Every primitive at and around its edges: 0, ±tiny, ±huge, ±inf and kinks.

Expected values come from the ``math`` module and derivatives are written by
hand here, never read from the primitives table.  Each row is checked on the
user-facing syntax (``x.log()``, ``a / b``) through ``backward``, ``grad``,
``grad(create_graph=True)`` and ``autograd.compile``.  The README's "Domain edges" table lists the same
rows.
"""
import math

import pytest
from hard_dags import user_form

from autograd import PRIMITIVES, Value, grad

INF = math.inf
TINY = 5e-324   # the smallest subnormal
HUGE = 1e308
LN2 = math.log(2.0)


class Edge:
    """One row: operands (Values), params (constants), and either the value and
    local derivatives, or the error (at forward or at backward)."""

    def __init__(self, name, operands, params=(), value=None, derivs=None,
                 error=None, backward_error=None):
        self.name, self.operands, self.params = name, tuple(operands), tuple(params)
        self.value, self.derivs = value, derivs
        self.error, self.backward_error = error, backward_error

    def id(self):
        return f"{self.name}{self.operands + self.params}"


E = Edge
NAN_RESULT = "result is NaN"
OVERFLOW = "result overflows a float"
NOT_FINITE = "local derivative is not finite"
EDGES = [
    # IEEE arithmetic: overflow gives ±inf; a NaN result is refused.
    E("add", (HUGE, HUGE), value=INF, derivs=(1.0, 1.0)),
    E("add", (INF, 1.0), value=INF, derivs=(1.0, 1.0)),
    E("add", (TINY, -TINY), value=0.0, derivs=(1.0, 1.0)),
    E("add", (INF, -INF), error=NAN_RESULT),
    E("sub", (-HUGE, HUGE), value=-INF, derivs=(1.0, -1.0)),
    E("sub", (TINY, TINY), value=0.0, derivs=(1.0, -1.0)),
    E("sub", (INF, INF), error=NAN_RESULT),
    E("mul", (HUGE, 10.0), value=INF, derivs=(10.0, HUGE)),
    E("mul", (TINY, TINY), value=0.0, derivs=(TINY, TINY)),
    E("mul", (-INF, -2.0), value=INF, derivs=(-2.0, -INF)),
    E("mul", (0.0, INF), error=NAN_RESULT),
    E("div", (1.0, 0.0), error="division by zero"),
    E("div", (1.0, -0.0), error="division by zero"),
    E("div", (0.0, 0.0), error="division by zero"),
    # 1 / 5e-324 overflows: the value is IEEE inf, but its derivatives (1/b, -out/b)
    # would hide a finite truth, so they are refused (docs/engine.md, "Errors")
    E("div", (1.0, TINY), value=INF, backward_error=NOT_FINITE),
    E("div", (1.0, INF), value=0.0, derivs=(0.0, 0.0)),
    E("div", (HUGE, 0.1), value=INF, backward_error=NOT_FINITE),
    E("div", (INF, INF), error=NAN_RESULT),
    E("neg", (INF,), value=-INF, derivs=(-1.0,)),
    E("neg", (0.0,), value=0.0, derivs=(-1.0,)),
    E("neg", (TINY,), value=-TINY, derivs=(-1.0,)),
    # x ** c for a constant c
    E("pow", (0.0,), (0.0,), value=1.0, derivs=(0.0,)),
    E("pow", (0.0,), (1.0,), value=0.0, derivs=(1.0,)),
    E("pow", (0.0,), (2.0,), value=0.0, derivs=(0.0,)),
    E("pow", (0.0,), (0.5,), value=0.0, backward_error=NOT_FINITE),
    E("pow", (0.0,), (-1.0,), error="0 a non-negative one"),
    E("pow", (-2.0,), (0.5,), error="a negative base needs an integer exponent"),
    E("pow", (-2.0,), (3.0,), value=-8.0, derivs=(12.0,)),
    E("pow", (HUGE,), (2.0,), error=OVERFLOW),
    E("pow", (TINY,), (-1.0,), error=OVERFLOW),
    E("pow", (INF,), (2.0,), value=INF, derivs=(INF,)),
    E("pow", (INF,), (-1.0,), value=0.0, derivs=(0.0,)),
    E("pow", (-INF,), (3.0,), value=-INF, derivs=(INF,)),
    # c ** x for a constant c > 0
    E("rpow", (0.0,), (2.0,), value=1.0, derivs=(LN2,)),
    E("rpow", (INF,), (2.0,), value=INF, derivs=(INF,)),
    E("rpow", (-INF,), (2.0,), value=0.0, derivs=(0.0,)),
    E("rpow", (INF,), (0.5,), value=0.0, derivs=(0.0,)),
    E("rpow", (HUGE,), (1.0,), value=1.0, derivs=(0.0,)),
    E("rpow", (HUGE,), (2.0,), error=OVERFLOW),
    E("rpow", (1.0,), (0.0,), error="a Value exponent needs a base > 0"),
    E("rpow", (1.0,), (-2.0,), error="a Value exponent needs a base > 0"),
    # a ** b, both Values
    E("vpow", (2.0, 0.0), value=1.0, derivs=(0.0, LN2)),
    E("vpow", (TINY, 1.0), value=TINY, derivs=(1.0, TINY * math.log(TINY))),
    E("vpow", (INF, 2.0), value=INF, derivs=(INF, INF)),
    E("vpow", (HUGE, 2.0), error=OVERFLOW),
    E("vpow", (0.0, 2.0), error="a Value exponent needs a base > 0"),
    E("vpow", (-1.0, 2.0), error="a Value exponent needs a base > 0"),
    # -inf * 0: backward and grad name the NaN gradient, create_graph the NaN product
    E("vpow", (2.0, -INF), value=0.0, backward_error="gradient is NaN|result is NaN"),
    # elementary functions
    E("exp", (0.0,), value=1.0, derivs=(1.0,)),
    E("exp", (TINY,), value=1.0, derivs=(1.0,)),
    E("exp", (709.0,), value=math.exp(709.0), derivs=(math.exp(709.0),)),
    E("exp", (710.0,), error=OVERFLOW),
    E("exp", (HUGE,), error=OVERFLOW),
    E("exp", (-HUGE,), value=0.0, derivs=(0.0,)),
    E("exp", (INF,), value=INF, derivs=(INF,)),
    E("exp", (-INF,), value=0.0, derivs=(0.0,)),
    E("log", (0.0,), error="input must be > 0"),
    E("log", (-0.0,), error="input must be > 0"),
    E("log", (-TINY,), error="input must be > 0"),
    E("log", (-INF,), error="input must be > 0"),
    E("log", (TINY,), value=math.log(TINY), backward_error=NOT_FINITE),   # 1/5e-324 overflows
    E("log", (HUGE,), value=math.log(HUGE), derivs=(1.0 / HUGE,)),
    E("log", (INF,), value=INF, derivs=(0.0,)),
    E("sqrt", (0.0,), value=0.0, backward_error=NOT_FINITE),
    E("sqrt", (-0.0,), value=0.0, backward_error=NOT_FINITE),
    E("sqrt", (-TINY,), error="input must be >= 0"),
    E("sqrt", (TINY,), value=math.sqrt(TINY), derivs=(0.5 / math.sqrt(TINY),)),
    E("sqrt", (HUGE,), value=math.sqrt(HUGE), derivs=(0.5 / math.sqrt(HUGE),)),
    E("sqrt", (INF,), value=INF, derivs=(0.0,)),
    E("abs", (0.0,), value=0.0, derivs=(0.0,)),
    E("abs", (-0.0,), value=0.0, derivs=(0.0,)),
    E("abs", (TINY,), value=TINY, derivs=(1.0,)),
    E("abs", (-TINY,), value=TINY, derivs=(-1.0,)),
    E("abs", (-INF,), value=INF, derivs=(-1.0,)),
    E("tanh", (0.0,), value=0.0, derivs=(1.0,)),
    E("tanh", (TINY,), value=TINY, derivs=(1.0,)),
    E("tanh", (HUGE,), value=1.0, derivs=(0.0,)),
    E("tanh", (-INF,), value=-1.0, derivs=(0.0,)),
    E("sigmoid", (0.0,), value=0.5, derivs=(0.25,)),
    E("sigmoid", (-745.0,), value=math.exp(-745.0), derivs=(math.exp(-745.0),)),
    E("sigmoid", (HUGE,), value=1.0, derivs=(0.0,)),
    E("sigmoid", (-HUGE,), value=0.0, derivs=(0.0,)),
    E("sigmoid", (INF,), value=1.0, derivs=(0.0,)),
    E("sigmoid", (-INF,), value=0.0, derivs=(0.0,)),
    E("softplus", (0.0,), value=LN2, derivs=(0.5,)),
    E("softplus", (50.0,), value=50.0, derivs=(1.0,)),
    E("softplus", (HUGE,), value=HUGE, derivs=(1.0,)),
    E("softplus", (-HUGE,), value=0.0, derivs=(0.0,)),
    E("softplus", (INF,), value=INF, derivs=(1.0,)),
    E("softplus", (-INF,), value=0.0, derivs=(0.0,)),
    E("relu", (0.0,), value=0.0, derivs=(0.0,)),
    E("relu", (TINY,), value=TINY, derivs=(1.0,)),
    E("relu", (-TINY,), value=0.0, derivs=(0.0,)),
    E("relu", (INF,), value=INF, derivs=(1.0,)),
    E("relu", (-INF,), value=0.0, derivs=(0.0,)),
    E("leaky_relu", (0.0,), (0.01,), value=0.0, derivs=(1.0,)),
    E("leaky_relu", (-TINY,), (0.01,), value=0.0, derivs=(0.01,)),
    E("leaky_relu", (-2.0,), (0.0,), value=0.0, derivs=(0.0,)),
    E("leaky_relu", (INF,), (0.01,), value=INF, derivs=(1.0,)),
    E("leaky_relu", (-INF,), (0.01,), value=-INF, derivs=(0.01,)),
    E("leaky_relu", (-INF,), (0.0,), error=NAN_RESULT),
    # n-ary: sum is math.fsum (exact), so it refuses an overflow that add lets through
    E("sum", (1e16, 1.0, -1e16), value=1.0, derivs=(1.0, 1.0, 1.0)),
    E("sum", (TINY, TINY), value=2 * TINY, derivs=(1.0, 1.0)),
    E("sum", (INF, 1.0), value=INF, derivs=(1.0, 1.0)),
    E("sum", (HUGE, HUGE), error=OVERFLOW),
    E("sum", (INF, -INF), error="-inf + inf"),
    E("dot", (HUGE, 10.0), value=INF, derivs=(10.0, HUGE)),
    E("dot", (TINY, TINY), value=0.0, derivs=(TINY, TINY)),
    E("dot", (0.0, INF), error=NAN_RESULT),
    # m.sin and m.cos (the nodes grad(create_graph=True) makes): periodic, so ±inf has no value
    E("m.sin", (0.0,), value=0.0, derivs=(1.0,)),
    E("m.sin", (TINY,), value=TINY, derivs=(1.0,)),
    E("m.sin", (HUGE,), value=math.sin(HUGE), derivs=(math.cos(HUGE),)),
    E("m.sin", (INF,), error="input must be finite"),
    E("m.cos", (0.0,), value=1.0, derivs=(0.0,)),
    E("m.cos", (-HUGE,), value=math.cos(HUGE), derivs=(math.sin(HUGE),)),
    E("m.cos", (-INF,), error="input must be finite"),
]


def _same(got, want):
    """Equal as numbers (±0 alike), or both ±inf of one sign, to 1 ulp-ish."""
    if math.isinf(want) or want == 0.0:
        return got == want
    return math.isclose(got, want, rel_tol=4e-16, abs_tol=0.0)


def _run(edge):
    leaves = [Value(x) for x in edge.operands]
    return leaves, user_form(edge.name)(*leaves, *edge.params)


def test_every_primitive_has_edge_rows():
    missing = sorted(set(PRIMITIVES) - {e.name for e in EDGES})
    assert not missing, f"primitive(s) {missing} have no row in EDGES (test_hard_edges.py)"


@pytest.mark.parametrize("edge", EDGES, ids=Edge.id)
def test_edge(edge):
    if edge.error:
        with pytest.raises(ValueError) as info:
            _run(edge)
        msg = str(info.value)
        assert msg.startswith(f"{edge.name}(") and edge.error in msg, msg
        shown = msg[len(edge.name) + 1: msg.index(")")]
        for x in edge.operands + edge.params:
            assert repr(x) in shown, (x, msg)
        return
    leaves, out = _run(edge)
    assert _same(out.data, edge.value), (out.data, edge.value)
    if edge.backward_error:
        for leaf in leaves:
            leaf.grad = 7.0              # as if an earlier pass had accumulated something
        for differentiate in (out.backward, lambda: grad(out, leaves),
                              lambda: grad(out, leaves, create_graph=True)):
            with pytest.raises(ValueError, match=edge.backward_error) as info:
                differentiate()
            assert edge.name in str(info.value)
        assert [leaf.grad for leaf in leaves] == [7.0] * len(leaves), \
            "a failed backward changed or lost accumulated gradients"
        assert out.grad == 0.0
        return
    want = edge.derivs
    for g, w in zip(grad(out, leaves), want):
        assert _same(g, w), (g, w)
    out.backward()
    for leaf, w in zip(leaves, want):
        assert _same(leaf.grad, w), (leaf.grad, w)
    for g, w in zip(grad(out, leaves, create_graph=True), want):
        assert _same(g.data, w), (g.data, w)


@pytest.mark.parametrize("edge", EDGES, ids=Edge.id)
def test_edge_through_compile(edge):
    import numpy as np

    import autograd
    f = autograd.compile(lambda *vs: user_form(edge.name)(*vs, *edge.params), nargs=len(edge.operands))
    batch = [np.array([x]) for x in edge.operands]
    if edge.error or edge.backward_error:
        pattern = edge.error or edge.backward_error
        with pytest.raises(ValueError, match=pattern.replace("+", r"\+")) as info:
            f.value_and_grad(*batch)
        assert edge.name in str(info.value)
        return
    values, grads = f.value_and_grad(*batch)
    assert _same(float(values[0]), edge.value), (values[0], edge.value)
    for g, w in zip(grads, edge.derivs):
        assert _same(float(g[0]), w), (g[0], w)
