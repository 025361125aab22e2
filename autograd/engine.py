"""The fast ``Value``: :mod:`autograd.plain` fused for speed.

Read :mod:`autograd.plain` first.  It is the whole algorithm in about 150
lines: a node records its primitive and operands; ``backward`` walks the
graph from the output back in reverse topological order and applies
:func:`~autograd.registry.chain_rule` at every node.  This module computes
the same values and the same gradients (tested on random graphs over every
primitive: tests/hardening/test_hard_engine_plain.py), about 3x faster on
an MLP step and 4.6x on a long chain (``python -m benchmarks.plain_vs_fast``;
docs/engine.md).  Every
difference from plain.py is one of these tricks, each kept for the reason
and the effect given.  Effects were measured when the trick was introduced,
old and new code side by side in one process, interleaved, medians of 31 to
41 runs; the commit messages give each run.

1. **Operands in slots, not a tuple** (``_a``, ``_b``; ``_args`` rebuilds
   the tuple for pictures, tracing and ``grad``).  A tuple holding a Value is
   one more object the cyclic garbage collector tracks and rescans at every
   collection, and those collections made building a long chain slower per
   node than a short one.  A unary or binary node is now one tracked object
   (a test counts them); ``sum`` and ``dot`` keep one tuple in ``_a`` with
   ``_b`` set to ``_NARY`` (``_UNARY`` when there is no second arg); a leaf is
   an n-ary node over ``()``.  The two markers are ``...`` and ``None``:
   objects that ``copy.deepcopy`` and ``pickle`` give back as themselves, so
   a copied graph is recognised by the same identity tests.  Measured: backward 0.70x the time on a
   1,000-op chain and 0.83x on 1e6, freeing a graph 0.64x, half as many young
   collections building 1e6 nodes (2,606 instead of 5,218); the MLP step
   unchanged (0.98x).
2. **Nodes made by ``_new``** with ``object.__new__`` and the slots written
   directly (no ``__init__`` checks: the data is already a float), and
   **unary ops inline** their domain check and NaN guard instead of going
   through a generic tuple of operands.  Measured: MLP forward 1.16x, 1.07x,
   1.09x faster in three runs.
3. **``dot_rows``**: a layer's neurons all read the same inputs, so their
   ``.data`` is gathered once for the whole layer.  MLP forward 1.09x faster,
   the whole training step 1.05x.
4. **``_backward_order``: one walk that also zeroes and parks** each node's
   existing ``.grad`` (added back at the end), leaves the leaves out of the
   order, and **``backward`` unpacks one- and two-operand nodes** instead of
   building an operand list and zipping it: the plain engine's separate dict
   of this call's gradients and its three extra passes are gone.  Measured:
   MLP(2, [16, 16, 1]) backward 28.9 -> 24.2 ms (1.19x); a 20,000-op chain,
   build and backward, 213 -> 141 ms (1.5x).  Nodes are visited in the same
   order as plain.py's, so every sum is taken in the same order.
5. **An explicit stack with an ``_EMIT`` marker** instead of per-node
   ``(node, flag)`` tuples, so no tracked object per node stays alive on a deep
   graph: ``topological_order`` 2.4-2.7 -> 0.8-1.1 us per node and backward of
   a 1e6-op chain 5.3-6.0 -> 3.5-4.1 us per node.  A leaf is emitted at once
   (sum of 10,000 products: 11.8 -> 8.2 ms).
6. **Operands skipped in one C-level check** (``seen.issuperset(args)``; float
   constants join the set so a neuron's bias input passes it): in a layer only
   the first neuron's dot meets new operands.  MLP backward 1.12x and 1.13x,
   ``topological_order`` 1.35x to 1.59x faster.
7. **The chain-rule step fused into ``backward``'s loop** (see
   :meth:`Value.backward`): the same sweep through the shared
   :func:`~autograd.registry.chain_rule`, one call per node, takes 1.9x to
   4.1x the time.  Everything else (``grad``, ``_backward``) calls
   ``chain_rule`` through :func:`~autograd.registry.gradients`.
8. **Guards on the slow path.**  The fused loop checks each sum with one
   subtraction (``total - total`` is 0.0 exactly when ``total`` is finite);
   only an infinite or NaN sum, a failing rule, or an odd ``.grad`` stops it.
   Then every ``.grad`` is put back and the plain rule with every guard
   (:func:`~autograd.registry.gradients`, the one the plain engine uses to
   name its errors) walks again: it names the error word for word as plain.py
   does, or confirms the numbers (an infinite gradient is allowed).  Cost,
   measured against the engine without these checks, interleaved in one
   process on a shared 2-core machine: the MLP(2, [16, 16, 1]) step on 100
   points, build and backward, 1.03x the time (quartiles of 31 rounds 0.98x
   to 1.05x); backward of a 20,000-op chain 1.01x to 1.08x (two runs);
   ``python -m benchmarks --only a``, run alternately on both, eager vs
   micrograd 47.5x, 47.3x, 50.1x against 47.1x, 48.6x, 57.9x: within the
   noise.  (A subtraction per sum costs about 10 ns more than ``!=``.)
9. **``dot`` read straight from its operands**, the one primitive whose rule
   is restated here: a neuron's weighted sum is one ``dot`` node, so in an
   MLP step almost every operand slot is a ``dot`` operand (67,400 of
   71,102).  Backward takes ``d/dx_i = w_i`` and ``d/dw_i = x_i`` from the
   operands' data in two loops, the same sums in the same order as the
   table's rule gives them (no data list, no call with 2n arguments, no
   swapped tuple); ``dot_rows`` sums ``x_i * w_i`` left to right from 0.0 as
   ``FLOAT.dot`` does, on the two lists as they are.  Tested bit for bit
   against the table's rule (tests/autograd/test_engine_fast_paths.py) and
   against plain.py on random graphs.  Measured against the engine before,
   in one process, 31 interleaved rounds of ``timeit`` (which pauses the
   cyclic collector): the MLP(2, [16, 16, 1]) step on 100 points 1.20x
   faster (quartiles 1.13x to 1.36x), forward 1.29x, backward 1.12x.
10. **``relu`` restated too**: ``x if x > 0 else 0.0`` and its derivative
    ``1.0 if x > 0 else 0.0`` (0 at 0, the table's convention), written in
    ``Value.relu`` and in the fused loop instead of two calls through the
    table (a lambda and ``FLOAT``'s function) per node.  ReLU is the
    activation of micrograd's MLP, of the demos and of the benchmarks'
    workload (a); tanh, sigmoid and the rest still go through the table.
    Tested as trick 9 is.  Measured the same way: the MLP step 1.06x faster.
    (With the collector on, as the benchmarks and a training loop run, it
    takes about a tenth of the step, 1.106x: collections of young objects,
    eleven or twelve per step, since every node is an object it tracks.)
11. **A node whose operands were all met is emitted at once** by both
    walks (``topological_order``, ``_backward_order``), without pushing it
    and a marker to pop them back: an operand met before is finished, since
    in a graph without cycles it cannot be waiting below the node on the
    stack.  The same order, so the same sums.  In an MLP step every
    example's ``dot`` nodes but the first are such nodes.  With trick 9's
    two loops reading one slice instead of two, measured as tricks 9 and 10
    but with the collector on: the MLP step 1.012x faster (quartiles
    0.996x to 1.043x; 31 rounds).

A node made the micrograd lecture's way (``Value(data, (children,), 'op')``
with ``out._backward = closure``, :mod:`autograd.closures`) has no table
entry: the fused loop meets it in its many-operand branch, where one
identity test (``derivs is None``) sends it to its closure, run on ``.grad``
as micrograd runs it; the table's nodes pay nothing else for it.  Measured
with ``python -m benchmarks --only a``, five runs alternating with the
engine before it, eager vs micrograd: 47.0x, 43.1x, 43.7x, 45.8x, 43.5x
against 43.6x, 51.4x, 53.4x, 43.0x, 42.8x (medians 17.2 ms against 17.6 ms):
within the noise of a shared machine.

Nodes point only at their operands, never back, so a graph has no reference
cycles and is freed by reference counting (no closures, as in plain.py).  A
learner's closure node is the one exception, by its nature (its closure reads
``out``): the cyclic collector frees it.

Example:
    >>> from autograd import Value
    >>> x = Value(2.0, label="x"); y = Value(-3.0, label="y")
    >>> z = x * y + x.exp()
    >>> z.backward()
    >>> round(x.grad, 6), y.grad
    (4.389056, 2.0)
"""
from __future__ import annotations

import builtins
import copy
import functools
from collections.abc import Callable, Iterable, Sequence
from contextvars import ContextVar
from operator import mul as _mul
from typing import TYPE_CHECKING, Any, Union

from .closures import (
    Closure,
    backward_of,
    call_closure,
    lecture_node,
    raised_in_closure,
    set_backward,
)
from .primitives import FLOAT, PRIMITIVES, Primitive
from .registry import (
    backward_step,
    check_args,
    commit,
    evaluate,
    fmt_args,
    gradients,
    lookup,
    micrograd_op,
    to_float,
)

__all__ = ["Value", "apply", "is_grad_enabled", "sum", "dot", "topological_order"]

if TYPE_CHECKING:
    import numpy as np

#: What the operators accept besides a Value: Python and numpy real numbers.
Number = Union[int, float, "np.integer[Any]", "np.floating[Any]"]

# Context-local, so no_grad in one thread or asyncio task leaves others alone.
# True, False, or (while autograd.compile traces) the trace's recorder, which
# is truthy and collects every node made: see _new.
_grad_enabled: ContextVar[Any] = ContextVar("chaingrad_grad_enabled", default=True)
_grad_mode = _grad_enabled.get


def is_grad_enabled() -> bool:
    """True when operations record a graph (outside ``no_grad``).

    Example:
        >>> from autograd import is_grad_enabled, no_grad
        >>> with no_grad():
        ...     inside = is_grad_enabled()
        >>> is_grad_enabled(), inside
        (True, False)
    """
    return bool(_grad_mode())


# Set only by autograd.compile's tracer: the data it runs on are placeholders.
_tracing: ContextVar[Any] = ContextVar("chaingrad_tracing", default=None)
_current_trace = _tracing.get

_P = PRIMITIVES
_ADD, _SUB, _MUL, _DIV, _NEG = _P["add"], _P["sub"], _P["mul"], _P["div"], _P["neg"]
_POW, _RPOW, _VPOW = _P["pow"], _P["rpow"], _P["vpow"]
_SUM, _DOT = _P["sum"], _P["dot"]
_LEAKY_RELU, _RELU = _P["leaky_relu"], _P["relu"]
# The table's entries whose local derivatives a zero gradient may skip (Primitive.finite_derivs).
_SMOOTH = frozenset(p for p in _P.values() if p.finite_derivs)
_float = float
_value_new = object.__new__
_sum_floats = builtins.sum   # this module's own sum() is autograd.sum
# A node's _b when it has no second arg, and when its _a is the whole args tuple:
# None and Ellipsis, because copy.deepcopy and pickle give them back as
# themselves (a fresh object() would be copied, and no copy would match it).
_UNARY: Any = None
_NARY: Any = ...
# What the fast path of sum/dot reads for an operand that is not a Value: its
# forward fails, and the slow path refuses the operand by name.
_NOT_A_VALUE: Any = object()

# The engine's result for the rare case: functional.grad and others import it here.
_gradients = gradients

def _fail(prim, datas, why, exc=None):
    if _tracing.get() is not None:
        # A placeholder failed a domain check while autograd.compile traced a
        # function: go on with a harmless stand-in; the compiled code checks
        # the domain on the real batch instead.  Only failures pay for this.
        return 1.0
    raise ValueError(f"{prim.name}({fmt_args(datas)}): {why}") from exc


def _forward(prim, datas):
    """Run ``prim`` on floats: :func:`~autograd.registry.evaluate`, with the
    tracer's stand-in for a failure on placeholder data."""
    try:
        return evaluate(prim, datas)
    except ValueError:
        if _tracing.get() is not None:
            return 1.0
        raise


class Value:
    """A scalar node in a computational graph.

    ``data`` is a float (writable, so optimizers can update it), ``grad`` is
    filled by :meth:`backward`, ``label`` is free text for the pictures (any
    value assigned is stored as its ``str``), ``op`` names the primitive that
    made the node (``""`` for a leaf), ``parents`` are its Value operands in
    order.  For code written for micrograd, ``_prev``, ``_op`` and
    ``_backward()`` work as there, and so does the lecture's way of adding an
    operation: ``Value(data, (children,), 'op')`` with ``out._backward =
    closure`` (docs/engine.md, "Coming from micrograd";
    docs/add-an-operation.md, "The lecture's way: a closure").

    Example:
        >>> from autograd import Value
        >>> v = Value(3, label="v")
        >>> w = v * v
        >>> w.op, [p.label for p in w.parents], w.data
        ('mul', ['v', 'v'], 9.0)
    """

    __slots__ = ("data", "grad", "_label", "_prim", "_a", "_b", "__weakref__")

    data: float
    grad: float

    def __init__(self, data: Number, _children: Iterable[Value] = (), _op: str = "",
                 label: object = "") -> None:
        self.data = to_float(data, "Value")
        self.grad = 0.0
        self.label = label
        self._prim: Primitive | Closure | None = None
        self._a: Any = ()
        self._b: Any = _NARY
        if type(_children) is not tuple or _children or type(_op) is not str or _op:
            _lecture_node(self, _children, _op)

    @property
    def label(self) -> str:
        """Free text shown in the pictures; whatever is assigned is stored as its ``str``.

        Example:
            >>> from autograd import Value
            >>> v = Value(1.0); v.label = 12345
            >>> v.label
            '12345'
        """
        return self._label

    @label.setter
    def label(self, text: object) -> None:
        # Converted here, once, so every picture and text can rely on a str
        # (a str subclass could override what the escaping calls).
        self._label = text if type(text) is str else str(text)

    # -- graph structure --------------------------------------------------
    @property
    def _args(self) -> tuple[Any, ...]:
        """The operands and parameters as a tuple (``()`` for a leaf).

        Built on demand for pictures, tracing and ``grad``; the engine's own
        hot paths read ``_a`` and ``_b`` instead.
        """
        b = self._b
        if b is _NARY:
            return self._a
        if b is _UNARY:
            return (self._a,)
        return (self._a, b)

    @property
    def op(self) -> str:
        """Name of the primitive that produced this node; ``""`` for a leaf.

        Example:
            >>> (Value(2.0) * 3).op, Value(2.0).op
            ('mul', '')
        """
        prim = self._prim
        return "" if prim is None else prim.name

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Value operands, in operand order, duplicates kept; constants are not operands.

        Example:
            >>> x = Value(2.0)
            >>> (x * x).parents == (x, x), (x * 3).parents == (x,)
            (True, True)
        """
        prim = self._prim
        if prim is None:
            return ()
        return tuple(a for a in prim.operands(self._args) if type(a) is not _float)

    def is_leaf(self) -> bool:
        """True for a node no operation produced (inputs, parameters, constants).

        Example:
            >>> from autograd import Value
            >>> x = Value(1.0); x.is_leaf(), (x * 2).is_leaf()
            (True, False)
        """
        return self._prim is None

    # -- micrograd's names ----------------------------------------------------
    @property
    def _prev(self) -> set[Value]:
        """micrograd's name: the set of Value operands (empty for a leaf).

        Example:
            >>> x = Value(2.0)
            >>> (x * x)._prev == {x}
            True
        """
        return set(self.parents)

    @property
    def _op(self) -> str:
        """micrograd's op symbol: ``'+'``, ``'*'``, ``'tanh'``, ``'ReLU'``, ``'**2'``; ``''`` for a leaf.

        Example:
            >>> x = Value(2.0)
            >>> (x ** 2)._op, x.relu()._op, x._op
            ('**2', 'ReLU', '')
        """
        return micrograd_op(self._prim, self._args)

    @property
    def _backward(self) -> Callable[[], None]:
        """micrograd's one backward step for this node: call it, ``y._backward()``,
        to add ``y.grad`` times each local derivative into the operands' ``.grad``.

        On a node of the table (and a leaf, where it adds nothing) it is the
        shared :func:`~autograd.registry.chain_rule`, with :meth:`backward`'s
        rules: a zero ``grad`` passes nothing (``None`` counts as 0), a
        non-finite local derivative or a NaN sum is an error naming the op,
        and on an error no ``.grad`` has changed.  On a node made the
        lecture's way, ``Value(data, (children,), 'op')``, it is the closure
        assigned with ``out._backward = closure`` (a function that does
        nothing until one is assigned, as in micrograd; ``backward()``
        refuses such a node by name).  Assigning it on a leaf or a node of
        the table is refused: see :mod:`autograd.closures`.

        Example:
            >>> from autograd import Value
            >>> x = Value(3.0); y = x * x
            >>> y.grad = 1.0
            >>> y._backward(); x.grad
            6.0
        """
        step = backward_of(self)
        return functools.partial(backward_step, self) if step is None else step

    @_backward.setter
    def _backward(self, closure: Callable[[], None]) -> None:
        set_backward(self, closure, bool(_grad_mode()))

    # -- arithmetic: every operator is a primitive from the table ------------
    # (The reflected ones are typed for Python numbers only: numpy scalars work
    # there too, but with numpy 2.2's stubs mypy rejects them in a reflected operator.)
    def __add__(self, other: Value | Number) -> Value:
        return _binary(_ADD, self, other)

    def __radd__(self, other: float) -> Value:
        return _binary(_ADD, other, self)

    def __sub__(self, other: Value | Number) -> Value:
        return _binary(_SUB, self, other)

    def __rsub__(self, other: float) -> Value:
        return _binary(_SUB, other, self)

    def __mul__(self, other: Value | Number) -> Value:
        return _binary(_MUL, self, other)

    def __rmul__(self, other: float) -> Value:
        return _binary(_MUL, other, self)

    def __truediv__(self, other: Value | Number) -> Value:
        return _binary(_DIV, self, other)

    def __rtruediv__(self, other: float) -> Value:
        return _binary(_DIV, other, self)

    def __pow__(self, other: Value | Number) -> Value:
        if isinstance(other, Value):
            return _binary(_VPOW, self, other)
        return _binary(_POW, self, to_float(other, "pow"))  # the exponent: a constant parameter

    def __rpow__(self, other: float) -> Value:
        return _binary(_RPOW, self, to_float(other, "pow"))  # the base: a constant parameter

    def __neg__(self) -> Value:
        return _unary(_NEG, self)

    def __pos__(self) -> Value:
        return self

    # -- functions ---------------------------------------------------------
    def exp(self) -> Value:
        """e ** self.

        Example:
            >>> Value(0.0).exp().data
            1.0
        """
        return _unary(_P["exp"], self)

    def log(self) -> Value:
        """Natural logarithm; the input must be > 0.

        Example:
            >>> Value(1.0).log().data
            0.0
        """
        return _unary(_P["log"], self)

    def sqrt(self) -> Value:
        """Square root; the input must be >= 0 (the derivative at 0 is infinite).

        Example:
            >>> Value(9.0).sqrt().data
            3.0
        """
        return _unary(_P["sqrt"], self)

    def abs(self) -> Value:
        """|self|, with derivative sign(self) and 0 at 0.

        Example:
            >>> Value(-2.0).abs().data
            2.0
        """
        return _unary(_P["abs"], self)

    __abs__ = abs

    def tanh(self) -> Value:
        """Hyperbolic tangent, stable for any input.

        Example:
            >>> Value(0.0).tanh().data
            0.0
        """
        return _unary(_P["tanh"], self)

    def sigmoid(self) -> Value:
        """1 / (1 + e ** -self), stable for any input.

        Example:
            >>> Value(0.0).sigmoid().data
            0.5
        """
        return _unary(_P["sigmoid"], self)

    def softplus(self) -> Value:
        """log(1 + e ** self), stable for any input.

        Example:
            >>> Value(-1000.0).softplus().data
            0.0
        """
        return _unary(_P["softplus"], self)

    def relu(self) -> Value:
        """max(self, 0), with derivative 0 at 0.

        Example:
            >>> Value(-2.0).relu().data
            0.0
        """
        xd = self.data
        if type(xd) is _float:  # relu's rule restated (trick 10): no table call
            return _new(_RELU, self, _UNARY, xd if xd > 0 else 0.0)
        return _unary(_RELU, self)

    def leaky_relu(self, alpha: Number = 0.01) -> Value:
        """self where self >= 0, alpha * self below; derivative 1 at 0.

        Example:
            >>> Value(-2.0).leaky_relu(0.1).data
            -0.2
        """
        return _binary(_LEAKY_RELU, self, to_float(alpha, "leaky_relu alpha"))

    # -- comparisons read .data; equality and hashing stay identity --------
    # While autograd.compile traces a function in this context, reading a
    # Value's data to decide something would freeze one branch for the whole
    # batch: the trace (a context variable, so other threads never see it)
    # raises TracingError instead.  One context-variable read when not tracing.
    def __lt__(self, other):
        if _current_trace() is not None:
            _current_trace().refuse(self, "<", other)
        return self.data < _data(other)

    def __le__(self, other):
        if _current_trace() is not None:
            _current_trace().refuse(self, "<=", other)
        return self.data <= _data(other)

    def __gt__(self, other):
        if _current_trace() is not None:
            _current_trace().refuse(self, ">", other)
        return self.data > _data(other)

    def __ge__(self, other):
        if _current_trace() is not None:
            _current_trace().refuse(self, ">=", other)
        return self.data >= _data(other)

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __float__(self):
        if _current_trace() is not None:
            _current_trace().refuse(self, "float")
        return self.data

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op!r}" if self._prim is not None else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{op})"

    # -- graph helpers -----------------------------------------------------
    def detach(self) -> Value:
        """A new leaf with the same data: gradients do not flow through it.

        Example:
            >>> from autograd import Value
            >>> (Value(2.0) * 3).detach().is_leaf()
            True
        """
        return Value(self.data, label=self.label)

    def backward(self, gradient: Number = 1.0) -> None:
        """Fill ``.grad`` on every node reachable from this one.

        Reverse-mode chain rule, iterative (any depth works).  Gradients
        *accumulate*, as PyTorch's leaves do: call it twice and every ``.grad``
        holds the sum; reset them (``zero_grad``) between training steps
        (``None`` in ``.grad`` counts as 0).  A node whose incoming gradient
        is 0 passes nothing.  A local derivative that is not finite at finite
        operands anywhere in the graph (sqrt at 0, 1/x overflowing at x =
        1e-200, even where a zero gradient meets it), a gradient that would be
        NaN (in this call, or added to what ``.grad`` holds from earlier
        calls), or a NaN already in a ``.grad`` is an error naming the op or
        the node, and then no ``.grad`` has changed, whatever stopped the call
        (Ctrl-C included).

        **A fused copy of the plain rule, kept for speed.**  The loop below is
        :func:`~autograd.registry.chain_rule` plus the sum into ``.grad``,
        written out for one-, two- and many-operand nodes: no operand list, no
        tuple of contributions, no call per node.  Measured side by side
        (``python -m benchmarks.plain_vs_fast``, "grad() / backward"): the
        same sweep through ``chain_rule`` (``grad``) takes 4.1x to 4.2x this
        loop's time on an MLP step's graph and 5.6x on a 20,000-op
        chain (two runs).  tests/hardening/test_hard_engine_plain.py checks that both
        give the same gradients bit for bit on random graphs; a change to the
        rule must be made in both.  Anything unusual (an infinite or NaN sum,
        a rule that fails, a ``.grad`` or ``.data`` that is not a float)
        leaves the loop for the slow path: every ``.grad`` is put back and
        :func:`~autograd.registry.gradients`, the plain rule with every guard,
        names the error or gives the numbers.

        A node made the micrograd lecture's way runs its ``_backward``
        closure here, in the same reverse topological order, on ``.grad``
        itself (which holds this call's gradients while the loop runs), at
        every node, whatever its gradient, as micrograd runs it.  The same
        guarantees hold: an exception the closure raises goes on unchanged
        and no ``.grad`` has changed; a NaN, an infinity made from finite
        numbers, or a non-number that it leaves in a child's ``.grad``, and
        a node with children but no ``_backward``, are errors naming the op
        (:mod:`autograd.closures`).

        Example:
            >>> from autograd import Value
            >>> x = Value(3.0); y = x * x
            >>> y.backward(); x.grad
            6.0
            >>> y.backward(); x.grad
            12.0
        """
        gradient = to_float(gradient, "backward gradient")
        old_root = self.grad
        seen: set[Any] = set()                # every node whose .grad this call may change
        parked: list[tuple[Value, Any]] = []  # (node, the .grad it held before), added back at the end
        try:
            order = _backward_order(self, seen, parked)
            self.grad = gradient
            # ---- fused chain_rule: keep in step with registry.chain_rule ----
            for node in reversed(order):
                g = node.grad
                prim = node._prim
                if g == 0.0:  # the zero-gradient rule: nothing passes ...
                    if prim not in _SMOOTH:  # ... but 0 * inf has no value: refused
                        _check_zero_gradient(node)
                    continue
                derivs = prim.derivs
                a = node._a
                b = node._b
                # Unary and binary nodes are most of a graph: their operands
                # sit in slots, so no operand list is built and nothing is
                # zipped.  ``total - total`` is 0.0 for a finite sum and NaN
                # for an infinite or NaN one: one subtraction guards both a
                # NaN gradient and a local derivative that is not finite,
                # and the slow path tells them apart.
                if b is _UNARY:
                    if type(a) is not _float:
                        if prim is _RELU:  # relu's rule restated (trick 10)
                            d = 1.0 if a.data > 0 else 0.0
                        else:
                            d = derivs(FLOAT, node.data, a.data)[0]
                        total = a.grad + g * d
                        if total - total and (d - d or total != total):
                            raise _Slow
                        a.grad = total
                elif b is not _NARY:
                    va = type(a) is not _float
                    vb = type(b) is not _float
                    local = derivs(FLOAT, node.data, a.data if va else a, b.data if vb else b)
                    if va:
                        d = local[0]
                        total = a.grad + g * d
                        if total - total and (d - d or total != total):
                            raise _Slow
                        a.grad = total
                    if vb and len(local) == 2:  # not a parameter (pow's exponent)
                        d = local[1]
                        total = b.grad + g * d
                        if total - total and (d - d or total != total):
                            raise _Slow
                        b.grad = total
                elif prim is _DOT:
                    # dot's rule, d/dx_i = w_i and d/dw_i = x_i, read straight from
                    # the operands: no data list, no call, no swapped tuple (trick 9,
                    # backward 1.12x).  The same sums in the same order as the
                    # general branch below.
                    xs = a                  # zip stops at ws's end: x_1 .. x_n
                    ws = a[len(a) >> 1:]
                    for x, w in zip(xs, ws):
                        if type(x) is not _float:
                            d = w if type(w) is _float else w.data
                            total = x.grad + g * d
                            if total - total and (d - d or total != total):
                                raise _Slow
                            x.grad = total
                    for x, w in zip(xs, ws):
                        if type(w) is not _float:
                            d = x if type(x) is _float else x.data
                            total = w.grad + g * d
                            if total - total and (d - d or total != total):
                                raise _Slow
                            w.grad = total
                else:
                    if derivs is None:  # a learner's closure passes the gradient itself
                        _run_closure(node)
                        continue
                    args = a
                    local = derivs(FLOAT, node.data,
                                   *[a if type(a) is _float else a.data for a in args])
                    for a, d in zip(args, local):
                        if type(a) is not _float:
                            total = a.grad + g * d
                            if total - total and (d - d or total != total):
                                raise _Slow
                            a.grad = total
            # ---- end of the fused copy ----
            if old_root == 0.0 and type(old_root) is _float:  # not parked; the sum is still taken
                self.grad += old_root
            # Add back what earlier calls left in .grad; a NaN sum, or a .grad
            # that is not a float, takes the slow path (which names the node).
            for held_node, old in parked:
                total = held_node.grad + old
                if total != total or type(old) is not _float:
                    raise _Slow
                held_node.grad = total
        except BaseException as e:
            # Put every .grad back as it was: a failed call changes nothing,
            # and loses nothing that earlier calls accumulated.
            for v in seen:
                if type(v) is not _float:
                    v.grad = 0.0
            for v, old in parked:
                v.grad = old
            self.grad = old_root
            if not isinstance(e, Exception) or raised_in_closure(e):
                raise  # Ctrl-C and the like, or the learner's own error: nothing more to do
            # The plain rule with every guard: it raises the named error, or
            # gives the numbers when the fast loop only met something unusual.
            nodes = topological_order(self)
            commit(nodes, gradients(nodes, gradient, FLOAT, "backward", held=True))

    def __deepcopy__(self, memo: dict) -> Value:
        """``copy.deepcopy``: a new graph of the same shape, the same numbers and
        the table's own primitives, built iteratively (any depth works) and
        sharing nodes with other copied objects through ``memo``.

        Example:
            >>> import copy
            >>> from autograd import Value
            >>> x = Value(3.0); y = x * x
            >>> c = copy.deepcopy(y); c.backward()
            >>> c.parents[0].grad, x.grad
            (6.0, 0.0)
        """
        return _deepcopy_graph(self, memo)


class _Slow(Exception):
    """backward's signal: the fused loop met something for the slow path."""


def _check_zero_gradient(node):
    """The zero-gradient rule's check, for a node whose local derivatives may
    not be finite: 0 times a non-finite local derivative is refused.  A
    learner's closure cannot be read, so it runs (as micrograd runs every
    closure), and what it leaves in the children's ``.grad`` is checked."""
    if node._prim.derivs is None:
        _run_closure(node)
        return
    args = node._args
    local = node._prim.derivs(FLOAT, node.data, *[a if type(a) is _float else a.data for a in args])
    for a, d in zip(args, local):
        if type(a) is not _float and d - d:
            raise _Slow


def _run_closure(node):
    """A closure node's step in the fused loop: its closure run on ``.grad``
    itself, where the loop keeps this call's gradients, exactly as micrograd
    runs it.  Anything unusual (no closure, a child's ``.grad`` that is not
    a finite float) takes the slow path, which runs the closures on saved
    and restored ``.grad``s and names what went wrong."""
    fn = node._prim.fn
    if fn is None:
        raise _Slow
    call_closure(node, fn)
    for c in node._a:
        t = c.grad
        if type(t) is not _float or t - t:
            raise _Slow


def _lecture_node(v, children, op):
    """``Value(data, (children,), op)``: a node made the lecture's way (see
    :mod:`autograd.closures`); a leaf inside ``no_grad``, like every result
    there; refused while ``autograd.compile`` traces."""
    prim, kids = lecture_node(children, op, Value)
    if prim is None:
        return
    v._prim = prim
    v._a = kids
    trace = _current_trace()
    if trace is not None:  # even inside no_grad, where a placeholder's number would be frozen
        trace.refuse_closure(v)
    if not _grad_mode():   # inside no_grad: a leaf, like every result there
        v._prim = None
        v._a = ()


def _deepcopy_graph(root, memo):
    """Copy every node ``root`` depends on, operands first, without recursion."""
    stack = [root]
    while stack:
        node = stack[-1]
        if id(node) in memo:
            stack.pop()
            continue
        pending = [a for a in node._args if type(a) is not _float and id(a) not in memo]
        if pending:          # copy the operands first
            stack.extend(pending)
            continue
        stack.pop()
        new = _value_new(type(node))
        memo[id(node)] = new
        new.data = node.data if type(node.data) is _float else copy.deepcopy(node.data, memo)
        new.grad = node.grad if type(node.grad) is _float else copy.deepcopy(node.grad, memo)
        new._label = node._label
        new._prim = copy.deepcopy(node._prim, memo)
        a, b = node._a, node._b
        if b is _NARY:
            new._a = tuple(x if type(x) is _float else memo[id(x)] for x in a)
        else:
            new._a = a if type(a) is _float else memo[id(a)]
        new._b = b if b is _UNARY or b is _NARY or type(b) is _float else memo[id(b)]
        if hasattr(node, "__dict__"):  # a subclass's own attributes
            new.__dict__.update(copy.deepcopy(node.__dict__, memo))
    return memo[id(root)]


def _data(x):
    return x.data if isinstance(x, Value) else x


def topological_order(root: Value) -> list[Value]:
    """Every node reachable from ``root``, operands before their users.

    The same order as :func:`autograd.plain.topological_order` (depth first,
    the first operand first), iterative, so depth is limited only by memory.
    ``_backward_order`` repeats this walk with backward's own work fused in
    (a call per node would cost backward more than the repetition): a change
    to the order here must be made there too.

    Example:
        >>> from autograd import Value, topological_order
        >>> x = Value(1.0, label="x"); y = x * 2.0; z = y + x
        >>> [v.op or v.label for v in topological_order(z)]
        ['x', 'mul', 'add']
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order: expected a Value, got {type(root).__name__} {root!r}")
    # The stack holds nodes to expand and, below each expanded node, the
    # _EMIT marker that emits it once everything above (its operands) is done.
    # No per-node tuple or iterator stays alive, so a deep graph does not feed
    # millions of tracked objects to the cyclic garbage collector.
    order: list[Value] = []
    seen: set[Any] = set()
    stack: list[Any] = [root]
    push, pop, emit, mark = stack.append, stack.pop, order.append, seen.add
    covered = seen.issuperset
    while stack:
        node = pop()
        if node is _EMIT:
            emit(pop())
            continue
        if node in seen:
            continue
        mark(node)
        b = node._b
        if b is _NARY:
            args = node._a
            if not args:  # a leaf waits for nothing: emit it without the marker round trip
                emit(node)
                continue
            if covered(args):  # every operand met already: one C-level check, and
                emit(node)     # the node is done now (trick 11)
                continue
            push(node)
            push(_EMIT)
            for a in reversed(args):  # the first operand is visited first
                if a not in seen:
                    if type(a) is _float:
                        mark(a)  # float constants join the set so covered() can pass
                    else:
                        push(a)
            continue
        push(node)
        push(_EMIT)
        # Pushed second operand first, so the first is visited first.
        if b is not _UNARY and type(b) is not _float and b not in seen:
            push(b)
        a = node._a
        if type(a) is not _float and a not in seen:
            push(a)
    return order


_EMIT = object()


def _backward_order(root, seen, parked):
    """``topological_order`` without the leaves, for backward: the same order of
    the other nodes, so gradients are summed in the same order.

    Each pass propagates only its own gradient, so every reachable node's
    ``.grad`` is zeroed as it is first met, and the ones that held something
    go to ``parked`` to be added back at the end (a plain 0.0 needs nothing
    added: the pass's sum never ends at -0.0).  Doing it here saves backward
    three passes.  ``seen`` and ``parked`` are the caller's, so that whatever
    stops this walk (Ctrl-C, a bad node), the caller can put every ``.grad``
    back: a node is parked before its ``.grad`` is zeroed, and marked seen
    only after.  A leaf whose ``.data`` is not a float (an int or a numpy
    scalar assigned to it) sends the call to the slow path, which computes
    in floats.
    """
    order: list[Value] = []
    stack: list[Any] = [root]
    push, pop, emit, mark = stack.append, stack.pop, order.append, seen.add
    covered = seen.issuperset
    while stack:
        node = pop()
        if node is _EMIT:
            emit(pop())
            continue
        if node in seen:
            continue
        old = node.grad
        if old or old is None:
            parked.append((node, old))
        node.grad = 0.0
        mark(node)
        b = node._b
        if b is _NARY:
            args = node._a
            if not args:  # a leaf, or a node with no operands: nothing to propagate
                if type(node.data) is not _float:
                    raise _Slow
                continue
            if covered(args):  # every operand met already: one C-level check, and
                emit(node)     # the node is done now (trick 11)
                continue
            push(node)
            push(_EMIT)
            for a in reversed(args):  # the first operand is visited first
                if a not in seen:
                    if type(a) is _float:
                        mark(a)  # float constants join the set so covered() can pass
                    else:
                        push(a)
            continue
        push(node)
        push(_EMIT)
        # Pushed second operand first, so the first is visited first.
        if b is not _UNARY and type(b) is not _float and b not in seen:
            push(b)
        a = node._a
        if type(a) is not _float and a not in seen:
            push(a)
    return order


def _new(prim, a, b, out):
    """A node over operands ``a`` and ``b``: ``b`` is ``_UNARY`` for one, and
    ``_NARY`` when ``a`` is the tuple of all args."""
    v = _value_new(Value)
    v.data = out
    v.grad = 0.0
    v._label = ""
    mode = _grad_mode()
    if mode:
        v._prim = prim
        v._a = a
        v._b = b
        if mode is not True:
            # autograd.compile's trace stands in for True while it runs and
            # keeps every node made, returned or not, so that the compiled
            # function checks them all.  The normal path pays one identity test.
            mode.append(v)
    else:
        v._prim = None
        v._a = ()
        v._b = _NARY
    return v


def _binary(prim, a, b):
    # The hot path: two operands, each a Value or a number.
    if isinstance(a, Value):
        ad = a.data
    else:
        a = ad = to_float(a, prim.name)
    if isinstance(b, Value):
        bd = b.data
    else:
        b = bd = to_float(b, prim.name)
    dom = prim.domain
    if dom is not None and not dom[0](ad, bd):
        return _new(prim, a, b, _fail(prim, (ad, bd), dom[1]))
    try:
        out = prim.forward(FLOAT, ad, bd)
    except (OverflowError, ValueError, ZeroDivisionError):
        out = _forward(prim, (ad, bd))  # re-run for the clear message
    if out != out:
        out = _fail(prim, (ad, bd), "result is NaN")
    elif type(out) is not _float:
        # .data is writable: an int (exact, so 10**200 * 10**200 overflows by
        # name) or a numpy scalar (computed again as floats) went in.
        out = _forward(prim, (ad, bd))
    return _new(prim, a, b, out)


def _unary(prim, x):
    # _forward's checks, inlined: one operand, a float result on success.
    xd = x.data
    dom = prim.domain
    if dom is not None and not dom[0](xd):
        return _new(prim, x, _UNARY, _fail(prim, (xd,), dom[1]))
    try:
        out = prim.forward(FLOAT, xd)
    except (OverflowError, ValueError, ZeroDivisionError):
        out = _forward(prim, (xd,))  # re-run for the clear message
    if out != out:
        out = _fail(prim, (xd,), "result is NaN")
    elif type(out) is not _float:
        out = _forward(prim, (xd,))  # an int or numpy scalar .data: see _binary
    return _new(prim, x, _UNARY, out)


def _nary(prim, seq, what):
    """A node over a sequence of Values and numbers.  The fast path assumes
    floats and Values; anything else is normalised (or refused, as ``+``
    refuses it) on the slow one, before any node is made."""
    args = tuple(seq)
    try:
        # Only a Value's .data is read: another object with a .data (a plain
        # engine Value, a tensor) must not pass for one.
        datas = [a if type(a) is _float else a.data if type(a) is Value else _NOT_A_VALUE
                 for a in args]
        out = prim.forward(FLOAT, *datas)
        if out != out or type(out) is not _float:
            raise ValueError
    except (AttributeError, TypeError, ValueError, OverflowError):
        args = tuple(a if isinstance(a, Value) else to_float(a, what) for a in args)
        out = _forward(prim, [a.data if isinstance(a, Value) else a for a in args])
    return _new(prim, args, _NARY, out)


def _is_value(a):
    return isinstance(a, Value)


def apply(prim: Primitive | str, *args: Value | Number) -> Value | float:
    """Apply a primitive (an entry of the table, or its name) to operands.

    Operands may be Values or numbers; if none is a Value the result is a
    plain float.  Numbers too large for a float, NaN and non-numbers are
    refused naming the primitive.

    Example:
        >>> from autograd import Value
        >>> from autograd.engine import apply
        >>> apply("mul", Value(2.0), 3).data
        6.0
    """
    prim = lookup(prim)
    check_args(prim, args, _is_value)  # the count, dot's pairs, no Value as a parameter
    args = tuple(a if isinstance(a, Value) else to_float(a, prim.name) for a in args)
    out = _forward(prim, [a.data if isinstance(a, Value) else a for a in args])
    if not any(isinstance(a, Value) for a in prim.operands(args)):
        return out
    n = len(args)
    if n == 1:
        return _new(prim, args[0], _UNARY, out)
    if n == 2:
        return _new(prim, args[0], args[1], out)
    return _new(prim, args, _NARY, out)


def _sequence(seq, where, name, what="a sequence of Values and numbers"):
    """``seq`` as a list (itself when it is one: read, never changed); a
    non-iterable is refused naming the function, the argument and the value."""
    if type(seq) is list:
        return seq
    try:
        return list(seq)
    except TypeError:
        raise TypeError(f"{where}: {name} must be {what}, "
                        f"got {type(seq).__name__} {seq!r}") from None


def sum(values: Iterable[Value | Number]) -> Value:
    """The sum of Values and numbers as ONE graph node.

    Example:
        >>> import autograd
        >>> from autograd import Value
        >>> s = autograd.sum([Value(1.0), 2, Value(3.0)])
        >>> s.data, len(s.parents)
        (6.0, 2)
    """
    if isinstance(values, Value):
        raise TypeError("sum: expected a sequence of Values and numbers, got one Value")
    return _nary(_SUM, _sequence(values, "sum", "values"), "sum")


def dot_rows(xs: Sequence[Any], rows: Iterable[Sequence[Any]], values: bool = False) -> list[Value]:
    """``[dot(xs, ws) for ws in rows]``, reading ``xs``'s data once for all rows.

    For a layer: its neurons all read the same inputs (``nn.Layer`` uses it
    through :mod:`autograd.internal`).  ``xs`` and every row
    are lists of Values and floats; anything else, and any failure, goes
    through :func:`dot` for its normalising and its clear errors.
    ``values=True`` is the caller's promise that every row holds Values only
    (a layer's weights): their data is then read without a type test per
    weight (an MLP step 1.035x faster; a float still falls back to ``dot``).

    Example:
        >>> from autograd import Value
        >>> from autograd.internal import dot_rows
        >>> [z.data for z in dot_rows([1.0, Value(2.0)], [[Value(3.0), Value(1.0)]])]
        [5.0]
    """
    # Only Values' .data is read (see _nary): anything else fails the forward
    # below and takes dot's path, which normalises or refuses it.
    xd = [a if type(a) is _float else a.data if type(a) is Value else _NOT_A_VALUE for a in xs]
    n = len(xd)
    nodes = []
    for ws in rows:
        try:
            if len(ws) != n:
                raise ValueError
            # A layer's weights are Values: a float among them takes dot's path.
            # FLOAT.dot's sum, left to right from 0.0, on the two lists as they
            # are: no 2n-argument call, no slices (trick 9, forward 1.29x).
            wd = [w.data for w in ws] if values else \
                [w.data if type(w) is Value else _NOT_A_VALUE for w in ws]
            out = _sum_floats(map(_mul, xd, wd), 0.0)
            if out != out or type(out) is not _float:
                raise ValueError
        except (AttributeError, TypeError, ValueError, OverflowError):
            nodes.append(dot(xs, ws))
            continue
        nodes.append(_new(_DOT, (*xs, *ws), _NARY, out))
    return nodes


def dot(xs: Iterable[Value | Number], ws: Iterable[Value | Number]) -> Value:
    """sum(x_i * w_i) as ONE graph node (a neuron's weighted sum).

    Example:
        >>> import autograd
        >>> from autograd import Value
        >>> w = [Value(0.5), Value(-1.0)]
        >>> y = autograd.dot([2.0, 3.0], w)
        >>> y.data, len(y.parents)
        (-2.0, 2)
    """
    xl = _sequence(xs, "dot", "xs")
    wl = _sequence(ws, "dot", "ws")
    if len(xl) != len(wl):
        raise ValueError(f"dot: operands have unequal lengths {len(xl)} and {len(wl)}")
    return _nary(_DOT, xl + wl, "dot")
