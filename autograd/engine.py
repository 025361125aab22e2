"""``Value``: a scalar that records the operations applied to it, and backward.

Every operation is looked up in the primitives table
(:mod:`autograd.primitives`); this module only builds graph nodes and walks
them.  A node's operands (and parameters) are Values and plain floats for
constants; ``_args`` shows them as a tuple.  Nodes point only at their
operands, never back, so a graph has no reference cycles and is freed by
reference counting.

That is also why a unary or binary node stores its operands in the slots
``_a`` and ``_b`` rather than in a tuple: a tuple holding a Value is one more
object the cyclic garbage collector tracks and rescans at every collection,
and those collections are what makes building a long chain slower per node
than building a short one.  Only ``sum`` and ``dot`` (and other calls with
no or more than two args) keep one tuple, in ``_a``, with ``_b`` set to
``_NARY``; ``_b`` is ``_UNARY`` when there is no second arg.  A leaf is an
n-ary node over ``()``.

Example:
    >>> from autograd import Value
    >>> x = Value(2.0, label="x"); y = Value(-3.0, label="y")
    >>> z = x * y + x.exp()
    >>> z.backward()
    >>> round(x.grad, 6), y.grad
    (4.389056, 2.0)
"""
import numbers
from contextvars import ContextVar
from typing import Any

import numpy as np

from .primitives import FLOAT, PRIMITIVES

__all__ = ["Value", "apply", "is_grad_enabled", "sum", "dot"]

# Context-local, so no_grad in one thread or asyncio task leaves others alone.
_grad_enabled = ContextVar("chaingrad_grad_enabled", default=True)
is_grad_enabled = _grad_enabled.get
# Set only by autograd.compile's tracer: the data it runs on are placeholders.
_tracing: ContextVar[Any] = ContextVar("chaingrad_tracing", default=None)
_current_trace = _tracing.get

_P = PRIMITIVES
_ADD, _SUB, _MUL, _DIV, _NEG = _P["add"], _P["sub"], _P["mul"], _P["div"], _P["neg"]
_POW, _RPOW, _VPOW = _P["pow"], _P["rpow"], _P["vpow"]
_SUM, _DOT = _P["sum"], _P["dot"]
_float = float
_value_new = object.__new__
# A node's _b when it has no second arg, and when its _a is the whole args tuple.
_UNARY = object()
_NARY = object()


def _to_float(x, what):
    """A real number as a float; anything else (or NaN) is refused by name."""
    if type(x) is _float:
        f = x
    elif isinstance(x, (numbers.Real, np.bool_)) and not isinstance(x, Value):
        f = _float(x)
    else:
        raise TypeError(f"{what}: expected a real number or a Value, got {type(x).__name__} {x!r}")
    if f != f:
        raise ValueError(f"{what}: NaN is not a valid value")
    return f


def _fmt(args):
    return ", ".join(repr(a.data if isinstance(a, Value) else a) for a in args)


def _fail(prim, datas, why, exc=None):
    if _tracing.get() is not None:
        # A placeholder failed a domain check while autograd.compile traced a
        # function: go on with a harmless stand-in; the compiled code checks
        # the domain on the real batch instead.  Only failures pay for this.
        return 1.0
    raise ValueError(f"{prim.name}({_fmt(datas)}): {why}") from exc


def _forward(prim, datas):
    """Run ``prim`` on floats, with its domain check and a NaN guard."""
    dom = prim.domain
    if dom is not None and not dom[0](*datas):
        return _fail(prim, datas, dom[1])
    try:
        out = prim.forward(FLOAT, *datas)
    except OverflowError as e:
        return _fail(prim, datas, "result overflows a float", e)
    except (ValueError, ZeroDivisionError) as e:
        return _fail(prim, datas, str(e), e)
    if out != out:
        return _fail(prim, datas, "result is NaN")
    return _float(out)


class Value:
    """A scalar node in a computational graph.

    ``data`` is a float (writable, so optimizers can update it), ``grad`` is
    filled by :meth:`backward`, ``op`` names the primitive that made the node
    (``""`` for a leaf), ``parents`` are its Value operands in order.

    Example:
        >>> from autograd import Value
        >>> v = Value(3, label="v")
        >>> w = v * v
        >>> w.op, [p.label for p in w.parents], w.data
        ('mul', ['v', 'v'], 9.0)
    """

    __slots__ = ("data", "grad", "label", "_prim", "_a", "_b", "__weakref__")

    def __init__(self, data, label=""):
        self.data = _to_float(data, "Value")
        self.grad = 0.0
        self.label = label if type(label) is str else str(label)
        self._prim = None
        self._a = ()
        self._b = _NARY

    # -- graph structure --------------------------------------------------
    @property
    def _args(self):
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
    def op(self):
        """Name of the primitive that produced this node; ``""`` for a leaf."""
        prim = self._prim
        return "" if prim is None else prim.name

    @property
    def parents(self):
        """The Value operands, in operand order, duplicates kept."""
        prim = self._prim
        if prim is None:
            return ()
        return tuple(a for a in prim.operands(self._args) if type(a) is not _float)

    def is_leaf(self):
        """True for a node no operation produced (inputs, parameters, constants)."""
        return self._prim is None

    # -- arithmetic: every operator is a primitive from the table ------------
    def __add__(self, other):
        return _binary(_ADD, self, other)

    def __radd__(self, other):
        return _binary(_ADD, other, self)

    def __sub__(self, other):
        return _binary(_SUB, self, other)

    def __rsub__(self, other):
        return _binary(_SUB, other, self)

    def __mul__(self, other):
        return _binary(_MUL, self, other)

    def __rmul__(self, other):
        return _binary(_MUL, other, self)

    def __truediv__(self, other):
        return _binary(_DIV, self, other)

    def __rtruediv__(self, other):
        return _binary(_DIV, other, self)

    def __pow__(self, other):
        if isinstance(other, Value):
            return apply(_VPOW, self, other)
        return apply(_POW, self, _to_float(other, "pow"))

    def __rpow__(self, other):
        return apply(_RPOW, self, _to_float(other, "pow"))

    def __neg__(self):
        return _unary(_NEG, self)

    def __pos__(self):
        return self

    # -- functions ---------------------------------------------------------
    def exp(self):
        """e ** self.  ``Value(1).exp().data`` is 2.718281828459045."""
        return _unary(_P["exp"], self)

    def log(self):
        """Natural logarithm; the input must be > 0."""
        return _unary(_P["log"], self)

    def sqrt(self):
        """Square root; the input must be >= 0 (the derivative at 0 is infinite)."""
        return _unary(_P["sqrt"], self)

    def abs(self):
        """|self|, with derivative sign(self) and 0 at 0."""
        return _unary(_P["abs"], self)

    __abs__ = abs

    def tanh(self):
        """Hyperbolic tangent, stable for any input."""
        return _unary(_P["tanh"], self)

    def sigmoid(self):
        """1 / (1 + e ** -self), stable for any input."""
        return _unary(_P["sigmoid"], self)

    def softplus(self):
        """log(1 + e ** self), stable for any input."""
        return _unary(_P["softplus"], self)

    def relu(self):
        """max(self, 0), with derivative 0 at 0."""
        return _unary(_P["relu"], self)

    def leaky_relu(self, alpha=0.01):
        """self where self >= 0, alpha * self below; derivative 1 at 0."""
        return apply(_P["leaky_relu"], self, _to_float(alpha, "leaky_relu alpha"))

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

    def __repr__(self):
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op!r}" if self._prim is not None else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{op})"

    # -- graph helpers -----------------------------------------------------
    def detach(self):
        """A new leaf with the same data: gradients do not flow through it."""
        return Value(self.data, self.label)

    def backward(self, gradient=1.0):
        """Fill ``.grad`` on every node reachable from this one.

        Reverse-mode chain rule, iterative (any depth works).  Gradients
        *accumulate*, as PyTorch's leaves do: call it twice and every ``.grad``
        holds the sum; reset them (``zero_grad``) between training steps.

        Example:
            >>> from autograd import Value
            >>> x = Value(3.0); y = x * x
            >>> y.backward(); x.grad
            6.0
            >>> y.backward(); x.grad
            12.0
        """
        gradient = _to_float(gradient, "backward gradient")
        old_root = self.grad
        order, parked = _backward_order(self)
        self.grad = gradient
        derivs = None
        try:
            for node in reversed(order):
                g = node.grad
                if g == 0.0:
                    continue
                prim = node._prim
                derivs = prim.derivs
                a = node._a
                b = node._b
                # Unary and binary nodes are most of a graph: their operands
                # sit in slots, so no operand list is built and nothing is
                # zipped.  The operand tuple is made only for an error message.
                if b is _UNARY:
                    if type(a) is not _float:
                        d = derivs(FLOAT, node.data, a.data)[0]
                        total = a.grad + g * d
                        if total != total:  # inf * 0 or inf - inf: never a silent NaN
                            _nan_gradient("backward", prim, (a,), g, d)
                        a.grad = total
                elif b is not _NARY:
                    va = type(a) is not _float
                    vb = type(b) is not _float
                    local = derivs(FLOAT, node.data, a.data if va else a, b.data if vb else b)
                    if va:
                        total = a.grad + g * local[0]
                        if total != total:
                            _nan_gradient("backward", prim, (a, b), g, local[0])
                        a.grad = total
                    if vb and len(local) == 2:  # not a parameter (pow's exponent)
                        total = b.grad + g * local[1]
                        if total != total:
                            _nan_gradient("backward", prim, (a, b), g, local[1])
                        b.grad = total
                else:
                    args = a
                    local = derivs(FLOAT, node.data,
                                   *[a if type(a) is _float else a.data for a in args])
                    for a, d in zip(args, local):
                        if type(a) is not _float:
                            total = a.grad + g * d
                            if total != total:
                                _nan_gradient("backward", prim, args, g, d)
                            a.grad = total
        except BaseException as e:
            # The node whose rule failed, kept before the loop below reuses ``node``.
            failed = node if derivs is not None else None
            # A failed pass must not leave half a gradient behind (or lose
            # what earlier passes accumulated): put every .grad back.
            for node in topological_order(self):
                node.grad = 0.0
            for node, old in parked:
                node.grad = old
            self.grad = old_root
            # A rule that failed on its operands (sqrt at 0) is named here; our
            # own NaN-gradient error already names the op.
            if failed is not None and isinstance(e, (ZeroDivisionError, OverflowError, ValueError)) \
                    and not isinstance(e, _NaNGradient):
                raise ValueError(
                    f"backward through {failed._prim.name}({_fmt(failed._args)}): "
                    f"local derivative is not finite ({e})") from e
            raise
        for node, old in parked:
            node.grad += old
        if not old_root:  # 0.0 or -0.0: not parked, but the sum is still taken
            self.grad += old_root


class _NaNGradient(ValueError):
    """A gradient that would be NaN (inf * 0, inf - inf): a ValueError naming the op."""


def _nan_gradient(where, prim, args, g, d):
    raise _NaNGradient(f"{where} through {prim.name}({_fmt(args)}): gradient is NaN "
                     f"(incoming gradient {g!r}, local derivative {d!r})")


def _data(x):
    return x.data if isinstance(x, Value) else x


def topological_order(root):
    """Every node reachable from ``root``, operands before their users.

    Iterative depth-first search, so depth is limited only by memory.
    ``_backward_order`` repeats this walk with backward's own work fused in
    (a call per node would cost backward more than the repetition): a change
    to the order here must be made there too.
    """
    if not isinstance(root, Value):
        raise TypeError(f"topological_order: expected a Value, got {type(root).__name__} {root!r}")
    # The stack holds nodes to expand and, below each expanded node, the
    # _EMIT marker that emits it once everything above (its operands) is done.
    # No per-node tuple or iterator stays alive, so a deep graph does not feed
    # millions of tracked objects to the cyclic garbage collector.
    order = []
    seen = set()
    stack = [root]
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
            push(node)
            push(_EMIT)
            if covered(args):  # every operand met already: one C-level check
                continue
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


def _backward_order(root):
    """``topological_order`` without the leaves, for backward: the same order of
    the other nodes, so gradients are summed in the same order.

    Each pass propagates only its own gradient, so every reachable node's
    ``.grad`` is zeroed as it is first met and the non-zero ones are returned
    to be added back at the end (zero ones need nothing added: the pass's sum
    never ends at -0.0).  Doing it here saves backward three passes.
    """
    order = []
    parked = []
    seen = set()
    stack = [root]
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
        old = node.grad
        if old:
            parked.append((node, old))
        node.grad = 0.0
        b = node._b
        if b is _NARY:
            args = node._a
            if not args:  # a leaf, or a node with no operands: nothing to propagate
                continue
            push(node)
            push(_EMIT)
            if covered(args):  # every operand met already: one C-level check
                continue
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
    return order, parked


def _new(prim, a, b, out):
    """A node over operands ``a`` and ``b``: ``b`` is ``_UNARY`` for one, and
    ``_NARY`` when ``a`` is the tuple of all args."""
    v = _value_new(Value)
    v.data = out
    v.grad = 0.0
    v.label = ""
    mode = is_grad_enabled()
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
        a = ad = _to_float(a, prim.name)
    if isinstance(b, Value):
        bd = b.data
    else:
        b = bd = _to_float(b, prim.name)
    dom = prim.domain
    if dom is not None and not dom[0](ad, bd):
        return _new(prim, a, b, _fail(prim, (ad, bd), dom[1]))
    try:
        out = prim.forward(FLOAT, ad, bd)
    except (OverflowError, ValueError, ZeroDivisionError):
        out = _forward(prim, (ad, bd))  # re-run for the clear message
    if out != out:
        out = _fail(prim, (ad, bd), "result is NaN")
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
        out = _float(out)
    return _new(prim, x, _UNARY, out)


def _nary(prim, seq, what):
    """A node over a sequence of Values and numbers.  The fast path assumes
    floats and Values; anything else is normalised (or refused) on the slow one."""
    args = tuple(seq)
    try:
        datas = [a if type(a) is _float else a.data for a in args]
        out = prim.forward(FLOAT, *datas)
        if out != out:
            raise ValueError
    except (AttributeError, TypeError, ValueError, OverflowError):
        args = tuple(a if isinstance(a, Value) else _to_float(a, what) for a in args)
        datas = [a if type(a) is _float else _to_float(a.data, what) for a in args]
        out = _forward(prim, datas)
    return _new(prim, args, _NARY, out)


def apply(prim, *args):
    """Apply a primitive (an entry of the table, or its name) to operands.

    Operands may be Values or numbers; if none is a Value the result is a
    plain float.

    Example:
        >>> from autograd import Value
        >>> from autograd.engine import apply
        >>> apply("mul", Value(2.0), 3).data
        6.0
    """
    if type(prim) is str:
        if prim not in PRIMITIVES:
            raise ValueError(f"apply: no primitive named {prim!r}; "
                             f"known: {', '.join(sorted(PRIMITIVES))}")
        prim = PRIMITIVES[prim]
    elif not hasattr(prim, "forward") or not hasattr(prim, "derivs"):
        raise TypeError(f"apply: expected a Primitive or its name, got "
                        f"{type(prim).__name__} {prim!r}")
    code = getattr(prim.forward, "__code__", None)
    if prim.arity is not None and code is not None and not code.co_flags & 0x04:  # no *args
        n_params = code.co_argcount - 1 - prim.arity  # forward(m, *operands, *params)
        if len(args) != prim.arity + n_params:
            raise TypeError(f"apply: {prim.name} takes {prim.arity} operand(s) and "
                            f"{n_params} parameter(s), got {len(args)} argument(s)")
    args = tuple(a if isinstance(a, Value) else _to_float(a, prim.name) for a in args)
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


def sum(values):
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


def dot_rows(xs, rows):
    """``[dot(xs, ws) for ws in rows]``, reading ``xs``'s data once for all rows.

    For a layer: its neurons all read the same inputs (``nn.Layer`` uses it
    through :mod:`autograd.internal`).  ``xs`` and every row
    are lists of Values and floats; anything else, and any failure, goes
    through :func:`dot` for its normalising and its clear errors.
    """
    try:
        xd = [a if type(a) is _float else a.data for a in xs]
    except AttributeError:
        return [dot(xs, ws) for ws in rows]
    n = len(xd)
    forward = _DOT.forward
    nodes = []
    for ws in rows:
        try:
            if len(ws) != n:
                raise ValueError
            # A layer's weights are Values: a float among them (no .data) takes dot's path.
            out = forward(FLOAT, *xd, *[w.data for w in ws])
            if out != out:
                raise ValueError
        except (AttributeError, TypeError, ValueError, OverflowError):
            nodes.append(dot(xs, ws))
            continue
        nodes.append(_new(_DOT, (*xs, *ws), _NARY, out))
    return nodes


def dot(xs, ws):
    """sum(x_i * w_i) as ONE graph node (a neuron's weighted sum).

    Example:
        >>> import autograd
        >>> from autograd import Value
        >>> w = [Value(0.5), Value(-1.0)]
        >>> y = autograd.dot([2.0, 3.0], w)
        >>> y.data, len(y.parents)
        (-2.0, 2)
    """
    xs = _sequence(xs, "dot", "xs")
    ws = _sequence(ws, "dot", "ws")
    if len(xs) != len(ws):
        raise ValueError(f"dot: operands have unequal lengths {len(xs)} and {len(ws)}")
    return _nary(_DOT, xs + ws, "dot")
