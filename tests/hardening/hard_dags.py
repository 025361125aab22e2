"""Random expression DAGs over every primitive in ``autograd.PRIMITIVES``.

A drawn :class:`Program` is a list of steps, each one primitive applied to
earlier nodes (inputs or results, so subexpressions are shared and ``x * x``
happens).  Each primitive's safe operand ranges are written here by hand
(``SAFE``), independently of the engine's domain checks: a primitive missing
from ``SAFE`` makes the tests fail with its name, so a new entry in the table
is never silently left out.

Keeping every operand in range and away from kinks: while a program is drawn
it is evaluated at its input point, and an operand that is out of its range,
or too sensitive to the inputs, is replaced by the affine map
``(v - v0) * s + t`` with constants chosen then: ``t`` is a drawn point of the
safe range and ``s`` caps the operand's gradient at 1.  The replayed function
is the same smooth function at every nearby point, which is all that central
differences need.
"""
import functools

from hypothesis import strategies as st

import autograd
from autograd import PRIMITIVES, Value, apply, grad

ANY = ((-3.0, 3.0),)
POS = ((0.3, 3.0),)
AWAY0 = ((-3.0, -0.3), (0.3, 3.0))  # away from the kinks of abs, relu, leaky_relu
EXP_IN = ((-3.0, 2.0),)
MAX_SENSITIVITY = 3.0

NO_PARAMS = st.tuples()


class Spec:
    """How to draw one primitive: operand count (None: variadic), safe ranges
    per operand given the drawn parameters, and the parameters' strategy."""

    def __init__(self, n_operands, ranges=None, params=NO_PARAMS, count=None):
        self.n_operands = n_operands
        self.ranges = ranges or (lambda n, *params: (ANY,) * n)
        self.params = params
        self.count = count


def _pow_ranges(n, c):
    # A non-integer exponent needs a positive base; an integer one only needs
    # to stay away from 0 (negative powers).
    return (AWAY0 if c == int(c) else POS,)


SAFE = {
    "add": Spec(2),
    "sub": Spec(2),
    "mul": Spec(2),
    "div": Spec(2, lambda n: (ANY, AWAY0)),
    "neg": Spec(1),
    "pow": Spec(1, _pow_ranges, st.tuples(st.one_of(
        st.sampled_from([-2.0, -1.0, 0.0, 0.5, 1.0, 2.0, 3.0]),
        st.floats(-2.5, 3.0)))),
    "rpow": Spec(1, params=st.tuples(st.floats(0.2, 4.0))),
    "vpow": Spec(2, lambda n: (POS, ANY)),
    "exp": Spec(1, lambda n: (EXP_IN,)),
    "log": Spec(1, lambda n: (POS,)),
    "sqrt": Spec(1, lambda n: (POS,)),
    "abs": Spec(1, lambda n: (AWAY0,)),
    "tanh": Spec(1),
    "sigmoid": Spec(1, lambda n: (((-5.0, 5.0),),)),
    "softplus": Spec(1, lambda n: (((-5.0, 5.0),),)),
    "relu": Spec(1, lambda n: (AWAY0,)),
    "leaky_relu": Spec(1, lambda n, alpha: (AWAY0,), st.tuples(st.floats(0.0, 0.5))),
    "sum": Spec(None, count=st.integers(1, 5)),
    "dot": Spec(None, count=st.integers(1, 3).map(lambda pairs: 2 * pairs)),
    "m.sin": Spec(1),
    "m.cos": Spec(1),
}


def uncovered(table=PRIMITIVES):
    """Names in the primitives table that ``SAFE`` does not know how to draw."""
    return sorted(set(table) - set(SAFE))


def _dot(*xw):
    n = len(xw) // 2
    return autograd.dot(xw[:n], xw[n:])


# The operator syntax a user writes, for the primitives that have one; every
# other primitive (and every primitive of a patched table) goes through apply.
SYNTAX = {
    "add": lambda a, b: a + b,
    "sub": lambda a, b: a - b,
    "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b,
    "neg": lambda a: -a,
    "pow": lambda a, c: a ** c,
    "rpow": lambda a, c: c ** a,
    "vpow": lambda a, b: a ** b,
    "exp": Value.exp, "log": Value.log, "sqrt": Value.sqrt, "abs": abs,
    "tanh": Value.tanh, "sigmoid": Value.sigmoid, "softplus": Value.softplus,
    "relu": Value.relu, "leaky_relu": Value.leaky_relu,
    "sum": lambda *xs: autograd.sum(xs),
    "dot": _dot,
}


def user_form(name):
    """How a user makes a ``name`` node: its syntax, or ``apply`` for a
    primitive without one (``m.sin``, made by ``grad(..., create_graph=True)``)."""
    return SYNTAX.get(name) or (lambda *args: apply(name, *args))


class Step:
    __slots__ = ("name", "operands", "params", "adapters", "syntax")

    def __init__(self, name, operands, params, adapters, syntax):
        self.name, self.operands, self.params = name, operands, params
        self.adapters, self.syntax = adapters, syntax

    def __repr__(self):
        return (f"Step({self.name!r}, operands={self.operands}, params={self.params}, "
                f"adapters={self.adapters}, syntax={self.syntax})")


class Program:
    """A drawn expression DAG; calling it on Values rebuilds the graph."""

    def __init__(self, point, steps, table):
        self.point = point
        self.steps = steps
        self.table = table

    def __call__(self, *leaves):
        nodes = list(leaves)
        for step in self.steps:
            nodes.append(_run(step, nodes, self.table))
        used = {i for step in self.steps for i in step.operands}
        sinks = [nodes[i] for i in range(len(leaves), len(nodes)) if i not in used]
        return sinks[0] if len(sinks) == 1 else autograd.sum(sinks)

    def names(self):
        return {step.name for step in self.steps}

    def __repr__(self):
        rows = "\n  ".join(map(repr, self.steps))
        return f"Program(point={self.point},\n  {rows})"


def step_operands(step, nodes):
    """The step's operands taken from ``nodes``, each through its affine
    adapter ``(v - v0) * s + t`` where it has one (any engine's Values)."""
    operands = []
    for i, adapter in zip(step.operands, step.adapters):
        v = nodes[i]
        if adapter is not None:
            v0, s, t = adapter
            v = (v - v0) * s + t
        operands.append(v)
    return operands


def _run(step, nodes, table):
    operands = step_operands(step, nodes)
    if step.syntax:
        return SYNTAX[step.name](*operands, *step.params)
    return apply(table[step.name], *operands, *step.params)


# Strategies are cached: building them inside the draw loop cost more than
# running the tests.
_ints = functools.lru_cache(maxsize=None)(st.integers)
_floats = functools.lru_cache(maxsize=None)(st.floats)


def _draw_in(draw, intervals):
    lo, hi = intervals[draw(_ints(0, len(intervals) - 1))] if len(intervals) > 1 else intervals[0]
    return draw(_floats(lo, hi))


@st.composite
def programs(draw, table=PRIMITIVES, require=None, max_inputs=4, max_ops=30):
    """Draw a :class:`Program`; ``require`` names a primitive it must contain."""
    missing = uncovered(table)
    if missing:
        raise AssertionError(
            f"primitive(s) {missing} are not covered by the property tests: add their "
            "safe operand ranges to SAFE in tests/hardening/hard_dags.py")
    names = sorted(table)
    n_inputs = draw(_ints(1, max_inputs))
    point = [draw(_floats(-2.5, 2.5)) for _ in range(n_inputs)]
    n_ops = draw(_ints(1, max_ops))
    required_at = draw(_ints(0, n_ops - 1)) if require else -1
    leaves = [Value(p) for p in point]
    nodes = list(leaves)
    steps = []
    sensitivity = {}  # node index -> sum of |d node / d input| at the point
    for k in range(n_ops):
        name = require if k == required_at else names[draw(_ints(0, len(names) - 1))]
        spec = SAFE[name]
        n = spec.n_operands if spec.n_operands is not None else draw(spec.count)
        params = draw(spec.params)
        ranges = spec.ranges(n, *params) if spec.n_operands is not None else (ANY,) * n
        last = len(nodes) - 1
        # Indices past the end mean "the latest node", so long chains are common.
        operands = [min(draw(_ints(0, last + 2)), last) for _ in range(n)]
        adapters = []
        for i, intervals in zip(operands, ranges):
            v = nodes[i]
            if i not in sensitivity:
                sensitivity[i] = sum(abs(g) for g in grad(v, leaves))
            inside = any(lo <= v.data <= hi for lo, hi in intervals)
            if inside and sensitivity[i] <= MAX_SENSITIVITY:
                adapters.append(None)
            else:
                target = _draw_in(draw, intervals)
                adapters.append((v.data, 1.0 / max(1.0, sensitivity[i]), target))
        syntax = table is PRIMITIVES and name in SYNTAX and draw(_ints(0, 1)) == 1
        step = Step(name, tuple(operands), tuple(params), tuple(adapters), syntax)
        nodes.append(_run(step, nodes, table))
        steps.append(step)
    return Program(point, steps, table)
