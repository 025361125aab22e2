"""The micrograd lecture's way of adding an operation works on both engines.

A learner writes ``out = Value(data, (self,), 'op')`` and assigns
``out._backward`` a closure that adds the local derivative times
``out.grad`` into each child's ``.grad``.  The operations below are written
exactly that way (as the lecture writes them inside its ``Value`` class,
here as functions taking ``self``), on each engine's own ``Value``.  The
truth is independent of the engine: central differences of the same
function written with ``math``, derivatives worked out by hand, and the
plain engine against the fast one.
"""
import copy
import gc
import math
import pickle
import weakref

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd
import nn
from autograd import GradcheckError, TracingError, Value, grad, gradcheck, no_grad, plain

ENGINES = {"fast": Value, "plain": plain.Value}


def lecture_ops(Value):
    """The lecture's operations, closure and all, for the engine whose Value is given."""

    def sin(self):
        out = Value(math.sin(self.data), (self,), 'sin')

        def _backward():
            self.grad += math.cos(self.data) * out.grad
        out._backward = _backward
        return out

    def tanh(self):
        x = self.data
        t = (math.exp(2*x) - 1)/(math.exp(2*x) + 1)
        out = Value(t, (self, ), 'tanh')

        def _backward():
            self.grad += (1 - t**2) * out.grad
        out._backward = _backward
        return out

    def exp(self):
        x = self.data
        out = Value(math.exp(x), (self, ), 'exp')

        def _backward():
            self.grad += out.data * out.grad
        out._backward = _backward
        return out

    def add(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data + other.data, (self, other), '+')

        def _backward():
            self.grad += 1.0 * out.grad
            other.grad += 1.0 * out.grad
        out._backward = _backward
        return out

    def mul(self, other):
        other = other if isinstance(other, Value) else Value(other)
        out = Value(self.data * other.data, (self, other), '*')

        def _backward():
            self.grad += other.data * out.grad
            other.grad += self.data * out.grad
        out._backward = _backward
        return out

    def pow(self, other):
        assert isinstance(other, (int, float)), "only supporting int/float powers for now"
        out = Value(self.data**other, (self,), f'**{other}')

        def _backward():
            self.grad += other * (self.data ** (other - 1)) * out.grad
        out._backward = _backward
        return out

    return {"sin": sin, "tanh": tanh, "exp": exp, "add": add, "mul": mul, "pow": pow}


def central(f, point, i, h=1e-6):
    lo, hi = list(point), list(point)
    lo[i] -= h
    hi[i] += h
    return (f(*hi) - f(*lo)) / (2 * h)


# ---- the lecture's sin and tanh, unchanged -------------------------------------------

@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_the_lectures_sin_and_tanh_give_the_finite_difference_gradients(engine):
    V = ENGINES[engine]
    ops = lecture_ops(V)
    sin, tanh = ops["sin"], ops["tanh"]

    def by_math(x, w):
        return math.tanh(math.sin(x * w) + x) * w

    point = (0.7, -1.3)
    x, w = V(point[0], label="x"), V(point[1], label="w")
    y = tanh(sin(x * w) + x) * w           # closure nodes between nodes of the table
    assert y.data == pytest.approx(by_math(*point), rel=1e-15)
    y.backward()
    assert x.grad == pytest.approx(central(by_math, point, 0), rel=1e-7)
    assert w.grad == pytest.approx(central(by_math, point, 1), rel=1e-7)
    # and by hand: dy/dx = w (1 - t^2)(cos(xw) w + 1), t = tanh(sin(xw) + x)
    t = math.tanh(math.sin(0.7 * -1.3) + 0.7)
    assert x.grad == pytest.approx(-1.3 * (1 - t * t) * (math.cos(0.7 * -1.3) * -1.3 + 1), rel=1e-13)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_graph_made_only_of_closures_matches_finite_differences(engine):
    V = ENGINES[engine]
    o = lecture_ops(V)

    def build(a, b):      # (a * b + exp(a)) ** 2 + sin(b) * a, every node a closure
        return o["add"](o["pow"](o["add"](o["mul"](a, b), o["exp"](a)), 2), o["mul"](o["sin"](b), a))

    def by_math(a, b):
        return (a * b + math.exp(a)) ** 2 + math.sin(b) * a

    point = (0.3, -0.8)
    a, b = V(point[0]), V(point[1])
    out = build(a, b)
    out.backward()
    for i, leaf in enumerate((a, b)):
        assert leaf.grad == pytest.approx(central(by_math, point, i), rel=1e-7)
    assert out._op == "+" and {v._op for v in out._prev} == {"**2", "*"}


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_the_node_carries_its_op_and_children(engine):
    V = ENGINES[engine]
    x, w = V(0.5, label="x"), V(2.0)
    s = lecture_ops(V)["sin"](x)
    m = lecture_ops(V)["mul"](x, x)             # micrograd keeps children as a set: x once
    assert (s.op, s._op, s._prev, s.parents, s._args) == ("sin", "sin", {x}, (x,), (x,))
    assert (m._op, m._prev, m._args) == ("*", {x}, (x,))
    assert not s.is_leaf() if engine == "fast" else s._prim is not None
    prim = s._prim                              # the representation pictures and explain read
    assert (prim.name, prim.symbol, prim.derivs, prim.arity) == ("sin", "sin", None, None)
    assert prim.operands(s._args) == (x,)
    assert V(1.0, (x, w), "relu")._op == "relu"     # the learner's string, never the table's symbol
    assert V(1.0, (x,), "pow")._op == "pow"
    assert "op='sin'" in repr(s)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_node_by_node_backprop_the_lectures_way_equals_backward(engine):
    V = ENGINES[engine]
    o = lecture_ops(V)

    def build():
        x1, x2, w1, w2, b = V(2.0), V(0.0), V(-3.0), V(1.0), V(6.8813735870195432)
        n = o["add"](x1 * w1 + o["mul"](x2, w2), b)
        return [x1, x2, w1, w2, b], o["tanh"](n)

    leaves, out = build()
    topo, visited = [], set()

    def build_topo(v):
        if v not in visited:
            visited.add(v)
            for child in v._prev:
                build_topo(child)
            topo.append(v)
    build_topo(out)
    out.grad = 1.0
    for node in reversed(topo):
        node._backward()
    leaves2, out2 = build()
    out2.backward()
    assert [v.grad for v in leaves] == pytest.approx([v.grad for v in leaves2], rel=1e-15)
    assert leaves[2].grad == pytest.approx(2.0 * (1 - out.data ** 2), rel=1e-12)   # x1 * do/dn


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_gradients_accumulate_across_calls(engine):
    V = ENGINES[engine]
    x = V(0.5)
    y = lecture_ops(V)["sin"](x) * 3.0
    y.backward()
    y.backward()
    assert x.grad == pytest.approx(2 * 3.0 * math.cos(0.5), rel=1e-15)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_the_lectures_assignment_bug_gives_the_lectures_wrong_gradient_on_both(engine):
    # The lecture's own lesson: '=' instead of '+=' loses a share of a node used twice.
    V = ENGINES[engine]
    a = V(3.0)
    b = V(a.data + a.data, (a, a), '+')

    def _backward():
        a.grad = 1.0 * b.grad
        a.grad = 1.0 * b.grad
    b._backward = _backward
    b.backward()
    assert a.grad == 1.0                                   # the truth is 2


def test_gradcheck_catches_the_assignment_bug():
    def double(x):
        out = Value(x.data + x.data, (x, x), '+')

        def _backward():
            x.grad = 1.0 * out.grad
        out._backward = _backward
        return out
    with pytest.raises(GradcheckError, match="analytic 1.0, numeric 2.0"):
        gradcheck(double, [3.0])


# ---- mixed graphs: closures and the table, plain equals fast equals finite differences ----

_TABLE_UNARY = {
    "tanh": (lambda v: v.tanh(), math.tanh),
    "sigmoid": (lambda v: v.sigmoid(), lambda x: 1 / (1 + math.exp(-x))),
    "neg": (lambda v: -v, lambda x: -x),
    "square": (lambda v: v ** 2, lambda x: x * x),
}
_TABLE_BINARY = {
    "add": (lambda a, b: a + b, lambda a, b: a + b),
    "mul": (lambda a, b: a * b, lambda a, b: a * b),
    "sub": (lambda a, b: a - b, lambda a, b: a - b),
}
_CLOSURE_UNARY = {"sin": math.sin, "tanh": math.tanh, "square": lambda x: x * x}
_CLOSURE_BINARY = {"add": lambda a, b: a + b, "mul": lambda a, b: a * b}


def _op_of(kind, name, V):
    o = lecture_ops(V)
    if kind == "table1":
        return _TABLE_UNARY[name][0]
    if kind == "table2":
        return _TABLE_BINARY[name][0]
    if kind == "closure1":
        return {"sin": o["sin"], "tanh": o["tanh"], "square": lambda v: o["pow"](v, 2)}[name]
    return o[name]


def _math_of(kind, name):
    return {"table1": lambda: _TABLE_UNARY[name][1], "table2": lambda: _TABLE_BINARY[name][1],
            "closure1": lambda: _CLOSURE_UNARY[name], "closure2": lambda: _CLOSURE_BINARY[name]}[kind]()


@st.composite
def mixed_programs(draw):
    """(point, steps): each step an op, table or closure, on earlier nodes (so nodes are shared)."""
    n_leaves = draw(st.integers(1, 3))
    point = draw(st.lists(st.floats(-1.0, 1.0), min_size=n_leaves, max_size=n_leaves))
    steps = []
    for i in range(draw(st.integers(2, 8))):
        kind = draw(st.sampled_from(["table1", "table2", "closure1", "closure2"]))
        names = {"table1": _TABLE_UNARY, "table2": _TABLE_BINARY,
                 "closure1": _CLOSURE_UNARY, "closure2": _CLOSURE_BINARY}[kind]
        name = draw(st.sampled_from(sorted(names)))
        arity = 1 if kind.endswith("1") else 2
        args = [draw(st.integers(0, n_leaves + i - 1)) for _ in range(arity)]
        steps.append((kind, name, args))
    return point, steps


def _run(program, leaves, apply_op):
    point, steps = program
    nodes = list(leaves)
    for kind, name, args in steps:
        nodes.append(apply_op(kind, name)(*[nodes[k] for k in args]))
    # every node counts: the output is the sum of all the results, as products keep it bounded
    out = nodes[len(point)]
    for v in nodes[len(point) + 1:]:
        out = out + v * 0.5
    return out


def _build(program, V):
    leaves = [V(p) for p in program[0]]
    return leaves, _run(program, leaves, lambda kind, name: _op_of(kind, name, V))


def _by_math(program):
    return lambda *xs: _run(program, xs, _math_of)


@settings(max_examples=60)
@given(mixed_programs())
def test_mixed_graphs_plain_equals_fast_and_both_equal_finite_differences(program):
    (fast_leaves, fast), (plain_leaves, slow) = _build(program, Value), _build(program, plain.Value)
    assert fast.data == slow.data == pytest.approx(_by_math(program)(*program[0]), rel=1e-12)
    fast.backward()
    slow.backward()
    rounding = 1e-7 * max(1.0, abs(fast.data))     # central differences lose about eps * |f| / h
    for i, (f, p) in enumerate(zip(fast_leaves, plain_leaves)):
        assert f.grad == p.grad                   # the same steps in the same order: the same floats
        assert f.grad == pytest.approx(central(_by_math(program), program[0], i), rel=1e-5, abs=rounding)
    # grad() runs the closures on saved .grads: the same numbers, and .grad stays as it was
    before = [v.grad for v in fast_leaves]
    assert list(grad(fast, fast_leaves)) == before
    assert [v.grad for v in fast_leaves] == before


def test_the_fused_loop_and_the_slow_path_agree_on_closures():
    # A leaf whose .data is an int sends backward to its slow path, which runs
    # the closures on saved and restored .grads: the same numbers as the fused loop.
    o = lecture_ops(Value)

    def build(first):
        a, b = Value(0.25), Value(-0.5)
        a.data = first
        y = o["tanh"](o["mul"](o["sin"](a * b), a) + b) * o["exp"](b)
        return (a, b), y

    (a2, b2), y2 = build(1)            # the int 1 ...
    (a3, b3), y3 = build(1.0)          # ... and the float 1.0
    y2.backward()
    y3.backward()
    assert (a2.grad, b2.grad) == (a3.grad, b3.grad)
    assert type(a2.grad) is float and a2.grad != 0.0 and b2.grad != 0.0


# ---- nn on top -----------------------------------------------------------------------

def test_an_mlp_fed_by_closure_made_values_trains():
    o = lecture_ops(Value)
    rng = np.random.default_rng(3)
    X = rng.uniform(-1, 1, size=(12, 2))
    Y = 0.6 * np.sin(X[:, 0]) - 0.4 * X[:, 1]
    model = nn.MLP(2, [6, 1], activation="tanh", rng=1)
    opt = nn.SGD(model.parameters(), lr=0.03)

    def loss_of():
        total = 0.0
        for (x0, x1), y in zip(X, Y):
            feats = [o["sin"](Value(float(x0))), o["tanh"](Value(float(x1)))]   # closure-made inputs
            pred = o["tanh"](model(feats))                                         # and a closure on top
            total = total + o["pow"](pred - float(y), 2)
        return total

    losses = []
    for _ in range(40):
        loss = loss_of()
        losses.append(loss.data)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert losses[-1] < 0.05 * losses[0]
    # the gradients backward gave at the last step, against central differences
    loss = loss_of()
    opt.zero_grad()
    loss.backward()
    for p in model.parameters()[:5]:
        keep = p.data
        p.data = keep + 1e-6
        up = loss_of().data
        p.data = keep - 1e-6
        down = loss_of().data
        p.data = keep
        assert p.grad == pytest.approx((up - down) / 2e-6, rel=1e-5, abs=1e-8)


def test_a_plain_neuron_with_the_lectures_tanh_trains():
    V = plain.Value
    o = lecture_ops(V)
    w, b = [V(0.3), V(-0.2)], V(0.1)
    data = [((1.0, 2.0), 0.5), ((-1.0, 0.5), -0.5), ((0.5, -1.5), 0.2)]
    losses = []
    for _ in range(60):
        loss = V(0.0)
        for (x0, x1), y in data:
            act = o["tanh"](w[0] * x0 + w[1] * x1 + b)
            loss = loss + (act - y) ** 2
        losses.append(loss.data)
        for p in (*w, b):
            p.grad = 0.0
        loss.backward()
        for p in (*w, b):
            p.data -= 0.2 * p.grad
    assert losses[-1] < 0.2 * losses[0]


# ---- what the engine guarantees, and what it refuses ---------------------------------

@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_closure_that_raises_changes_no_grad_and_runs_once(engine):
    V = ENGINES[engine]
    a, b = V(2.0), V(3.0)
    calls = []
    out = V(a.data * b.data, (a, b), '*')

    def _backward():
        calls.append(1)
        a.grad += b.data * out.grad              # a first share goes in ...
        raise ZeroDivisionError("the learner's own bug")   # ... then the closure fails
    out._backward = _backward
    L = out * a + lecture_ops(V)["sin"](b)
    a.grad, b.grad = 7.0, None
    with pytest.raises(ZeroDivisionError, match="the learner's own bug") as info:
        L.backward()
    assert (a.grad, b.grad, out.grad, L.grad) == (7.0, None, 0.0, 0.0)
    assert calls == [1]                          # not run a second time on a slow path
    if hasattr(info.value, "__notes__"):
        assert "*(2.0, 3.0)" in info.value.__notes__[0]
    with pytest.raises(ZeroDivisionError):
        (out * 1.0).backward(0.0)                # a zero gradient runs it too, as in micrograd
    if engine == "fast":
        with pytest.raises(ZeroDivisionError):
            grad(L, [a])
        assert (a.grad, b.grad) == (7.0, None)


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("held", [0.0, 1.5])
@pytest.mark.parametrize("written,error,words", [
    (float("nan"), ValueError, "left NaN in the .grad of"),
    (float("inf"), ValueError, "although every number it could read was finite"),
    ("value", TypeError, "a gradient is a number (out.grad, not out)"),
    ("text", TypeError, "str '0.5' in the .grad of"),
])
def test_a_closure_that_writes_a_bad_gradient_is_refused_by_op_name(engine, held, written, error, words):
    V = ENGINES[engine]
    x = V(0.5, label="x")
    out = V(math.sin(0.5), (x,), 'my_sin')

    def _backward():
        if written == "value":
            x.grad += out                         # out, not out.grad
        elif written == "text":
            x.grad = "0.5"
        else:
            x.grad += written * out.grad
    out._backward = _backward
    y = out * 2.0 + x
    x.grad = held                                 # what an earlier call left, or nothing
    with pytest.raises(error, match="my_sin") as info:
        y.backward()
    assert words in str(info.value)
    assert str(info.value).startswith("backward through my_sin(0.5): its _backward left")
    assert (x.grad, out.grad, y.grad) == (held, 0.0, 0.0)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_an_infinity_carried_on_from_an_infinite_input_passes(engine):
    V = ENGINES[engine]
    x = V(0.5)
    out = V(0.5, (x,), 'id')

    def _backward():
        x.grad += 1.0 * out.grad
    out._backward = _backward
    out.backward(float("inf"))                    # an infinite seed, as the table allows
    assert x.grad == math.inf


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_numpy_number_written_by_a_closure_becomes_a_float(engine):
    V = ENGINES[engine]
    x = V(0.5)
    out = V(math.sin(0.5), (x,), 'sin')

    def _backward():
        x.grad += np.cos(x.data) * out.grad       # numpy's cos: a numpy float
    out._backward = _backward
    (out * 3.0).backward()
    assert type(x.grad) is float and x.grad == pytest.approx(3 * math.cos(0.5), rel=1e-15)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_node_without_backward_is_refused_by_name_not_a_silent_zero(engine):
    V = ENGINES[engine]
    x = V(0.5, label="x")
    out = V(math.sin(0.5), (x,), 'sin')           # the lecture's first step, _backward not written yet
    out._backward()                               # by hand, as in micrograd: nothing happens
    assert x.grad == 0.0
    x.grad = 2.0
    for y, seed in ((out * 2.0, 1.0), (out * 2.0, 0.0)):
        with pytest.raises(TypeError, match=r"backward through sin\(0.5\): .* has no _backward") as info:
            y.backward(seed)
        assert "out._backward = _backward" in str(info.value)
        assert x.grad == 2.0
    if engine == "fast":
        with pytest.raises(TypeError, match="has no _backward"):
            grad(out, [x])


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_what_backward_assigns_is_checked(engine):
    V = ENGINES[engine]
    x = V(1.0, label="x")
    with pytest.raises(AttributeError, match=r"cannot set _backward of mul\(1.0, 2.0\): the table's 'mul'"):
        (x * 2.0)._backward = lambda: None
    with pytest.raises(AttributeError, match="it is a leaf"):
        x._backward = lambda: None
    with pytest.raises(TypeError, match="_backward must be a function"):
        V(1.0, (x,), "f")._backward = 3.0
    node = V(1.0, (x,), "f")
    fn = lambda: None  # noqa: E731
    node._backward = fn
    assert node._backward is fn


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_the_old_positional_label_and_bad_children_are_refused_by_name(engine):
    V = ENGINES[engine]
    with pytest.raises(TypeError, match=r"Value\(data, 'x'\): the second argument is the children .* "
                                        r"write Value\(data, label='x'\)"):
        V(1.0, "x")
    assert V(1.0, label="x").label == "x"
    with pytest.raises(TypeError, match="each of _children must be a"):
        V(1.0, (2.0,), "+")
    with pytest.raises(TypeError, match="each of _children must be a"):
        V(1.0, (ENGINES["plain" if engine == "fast" else "fast"](1.0),), "+")
    with pytest.raises(TypeError, match="_children must be a tuple of Values"):
        V(1.0, 5)
    with pytest.raises(TypeError, match="_op must be a str"):
        V(1.0, (V(1.0),), 3)
    leaf = V(1.0, (), "")
    assert leaf._prim is None and leaf._op == "" and V(2.0, [V(1.0)], "f")._op == "f"


def test_create_graph_and_gradcheck_at_second_order_are_refused_by_name():
    x = Value(0.5)
    y = lecture_ops(Value)["sin"](x) * x
    with pytest.raises(TypeError, match=r"grad\(..., create_graph=True\) through sin\(0.5\)") as info:
        grad(y, [x], create_graph=True)
    assert "docs/add-an-operation.md" in str(info.value) and "Add an operation" in str(info.value)
    assert x.grad == 0.0
    assert gradcheck(lambda v: lecture_ops(Value)["sin"](v) * v, [0.5])   # first order works
    with pytest.raises(TypeError, match="create_graph=True"):
        gradcheck(lambda v: lecture_ops(Value)["sin"](v) * v, [0.5], order=2)


def test_gradcheck_catches_a_wrong_closure():
    def wrong_sin(self):
        out = Value(math.sin(self.data), (self,), 'sin')

        def _backward():
            self.grad += math.sin(self.data) * out.grad      # sin where cos is meant
        out._backward = _backward
        return out
    with pytest.raises(GradcheckError, match="mismatch"):
        gradcheck(wrong_sin, [0.5])


def test_compile_refuses_a_function_that_makes_a_closure_node_by_name():
    sin = lecture_ops(Value)["sin"]
    refusal = r"compile through sin\(x\): that node was made by a closure"
    with pytest.raises(TracingError, match=refusal) as info:
        autograd.compile(lambda x: sin(x) * 2.0)
    assert "docs/add-an-operation.md" in str(info.value)
    captured = sin(Value(0.5))
    with pytest.raises(TracingError, match="compile through sin"):
        autograd.compile(lambda x: x * captured)
    f = autograd.compile(lambda x: x * 2.0)             # compile itself is unharmed
    assert f([1.0, 2.0]).tolist() == [2.0, 4.0]


def test_compile_refuses_a_closure_node_made_inside_no_grad_too():
    sin = lecture_ops(Value)["sin"]

    def f(x):
        with no_grad():                   # a leaf here would freeze the placeholder's sin
            s = sin(x)
        return x * s
    with pytest.raises(TracingError, match=r"compile through sin\(x\)"):
        autograd.compile(f)


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_a_node_with_an_op_and_no_children_passes_nothing_on_both_engines(engine):
    V = ENGINES[engine]
    x = V(2.0)
    c = V(3.0, (), "const")               # an op name, no children: nothing to pass back to
    assert (c.op, c._op, c._prev) == ("const", "const", set())
    y = x * c
    y.backward()                          # no _backward, and none needed
    assert (x.grad, c.grad) == (3.0, 2.0)


def test_no_grad_makes_the_lectures_node_a_leaf():
    x = Value(0.5)
    with no_grad():
        y = lecture_ops(Value)["sin"](x)              # its _backward assignment is ignored there
    assert y.is_leaf() and y._op == "" and y.data == math.sin(0.5)


def test_apply_refuses_a_closure_op():
    x = Value(0.5)
    node = Value(1.0, (x,), "f")
    with pytest.raises(TypeError, match="made by a closure"):
        autograd.apply(node._prim, x)


# ---- copies, pickles, memory ---------------------------------------------------------

@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_deepcopy_and_pickle_refuse_a_closure_graph_clearly(engine):
    V = ENGINES[engine]
    x = V(0.5)
    y = lecture_ops(V)["sin"](x) * 2.0
    with pytest.raises(TypeError, match="cannot deepcopy a node made by a closure \\(op 'sin'\\)"):
        copy.deepcopy(y)
    with pytest.raises(pickle.PicklingError, match="cannot pickle a node made by a closure \\(op 'sin'\\)"):
        pickle.dumps(y)
    z = copy.deepcopy(x * 2.0)                    # a graph of the table still copies
    z.backward()
    assert z.parents[0].grad == 2.0


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_the_cyclic_collector_frees_a_closure_graph(engine):
    V = ENGINES[engine]
    o = lecture_ops(V)
    was = gc.isenabled()
    gc.disable()
    try:
        x = V(0.5)
        y = o["tanh"](o["sin"](x) * x)
        y.backward()
        refs = [weakref.ref(v) for v in (y, *y._prev)]
        del y
        assert all(r() is not None for r in refs)  # out -> closure -> out: a cycle, by its nature
        gc.collect()
        assert all(r() is None for r in refs)
    finally:
        if was:
            gc.enable()



@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_explain_names_the_closure_and_leaves_its_local_derivative_unknown(engine):
    V = ENGINES[engine]
    x = V(0.5, label="x")
    L = lecture_ops(V)["sin"](x) * 2.0
    L.label = "L"
    e = autograd.explain(L, x)
    assert e.total is None and e.terms[0].factors == (None, 2.0)
    assert "#1[sin]" in str(e) and "the local derivative of sin is unknown" in str(e)
    L.backward()                                   # backward knows it: the closure ran
    assert x.grad == 2.0 * math.cos(0.5)
