"""The plain engine: backpropagation with no speed tricks.  Read this first.

A :class:`Value` holds one number, ``data``.  An operation on Values makes a
new Value that remembers which primitive made it (``op``) and from which
operands (``parents``), so a computation leaves behind a graph, from the
inputs to the result.  What each primitive computes, and its local
derivatives, come from the table in :mod:`autograd.primitives`.

``out.backward()`` fills every node's ``grad`` with d out / d node, by the
chain rule, in three ideas:

1. d out / d out = 1: the output's gradient is 1;
2. a node passes back to each operand its own gradient times the local
   derivative d node / d operand (the table gives the local derivatives:
   :func:`local_derivatives`);
3. an operand used by several nodes (``x`` in ``x * x``) adds up what each
   one passes back.

Visiting the nodes in reverse :func:`topological_order` (every node before
its operands) makes sure a node has received everything it will ever get
before it passes its gradient on.  ``backward`` is those three ideas and
nothing else; what can go wrong at the edges of floating point (a NaN, an
infinite local derivative, an interrupted call) is checked by one guard
around its loop, :func:`~autograd.registry.guarded_backward`, so that this
engine's errors are the fast engine's, word for word.

``from autograd.plain import Value`` works like ``from autograd import Value``
for everything this file has, and gives the same values and gradients (the
tests check it on random graphs that use every primitive).
:mod:`autograd.engine` is this file fused for speed.

Example (numbers to check by hand): L = (a * b + c) * f, so dL/df = a*b + c =
4, dL/dc = f = -2, dL/da = f * b = 6 and dL/db = f * a = -4.

    >>> from autograd.plain import Value
    >>> a = Value(2.0, label="a"); b = Value(-3.0, label="b")
    >>> c = Value(10.0, label="c"); f = Value(-2.0, label="f")
    >>> L = (a * b + c) * f
    >>> L.backward()
    >>> L.data, a.grad, b.grad, c.grad, f.grad
    (-8.0, 6.0, -4.0, -2.0, 4.0)
"""
from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from . import closures, registry
from .primitives import FLOAT, PRIMITIVES, Primitive
from .registry import evaluate, guarded_backward, to_float

__all__ = ["Value", "apply", "sum", "dot", "topological_order", "local_derivatives"]


class Value:
    """A number that remembers how it was computed.

    ``data`` is the number, ``grad`` is d out / d self after
    ``out.backward()``, ``label`` is a name for pictures, ``op`` and
    ``parents`` say how the Value was made (``""`` and ``()`` for an input).
    ``Value(data, (children,), 'op')`` makes a node the micrograd lecture's
    way, whose ``_backward`` closure you write (:mod:`autograd.closures`).

    Example:
        >>> from autograd.plain import Value
        >>> x = Value(3.0, label="x")
        >>> y = x * x
        >>> y.data, y.op, [p.label for p in y.parents]
        (9.0, 'mul', ['x', 'x'])
    """

    def __init__(self, data: float, _children: Iterable[Value] = (), _op: str = "",
                 label: object = "") -> None:
        self.data = to_float(data, "Value")  # a float; strings and NaN are refused by name
        self.grad = 0.0
        self.label = label
        # What made this Value (None for an input) and its operands (Values or
        # constant floats), then parameters; Value(data, (children,), 'op') is the
        # lecture's way, with a closure for a primitive (autograd/closures.py).
        self._prim: Primitive | closures.Closure | None
        self._prim, self._args = closures.lecture_node(_children, _op, Value)

    @property
    def label(self) -> str:
        """A name for pictures; whatever is assigned is kept as its ``str``.

        >>> v = Value(1.0); v.label = 7; v.label
        '7'
        """
        return self._label

    @label.setter
    def label(self, text: object) -> None:
        self._label = str(text)

    @property
    def op(self) -> str:
        """The name of the primitive that made this Value; ``""`` for an input.

        >>> (Value(2.0) * 3).op, Value(2.0).op
        ('mul', '')
        """
        return "" if self._prim is None else self._prim.name

    @property
    def parents(self) -> tuple[Value, ...]:
        """The Value operands in order; constants are left out.

        >>> x = Value(2.0)
        >>> (x * x).parents == (x, x), (x * 3).parents == (x,)
        (True, True)
        """
        if self._prim is None:
            return ()
        return tuple(a for a in self._prim.operands(self._args) if isinstance(a, Value))

    # -- every operation is one entry of the table: _make() looks it up -------
    def __add__(self, other: Value | float) -> Value:
        return _make("add", self, other)

    def __radd__(self, other: float) -> Value:  # 2 + x
        return _make("add", other, self)

    def __sub__(self, other: Value | float) -> Value:
        return _make("sub", self, other)

    def __rsub__(self, other: float) -> Value:
        return _make("sub", other, self)

    def __mul__(self, other: Value | float) -> Value:
        return _make("mul", self, other)

    def __rmul__(self, other: float) -> Value:
        return _make("mul", other, self)

    def __truediv__(self, other: Value | float) -> Value:
        return _make("div", self, other)

    def __rtruediv__(self, other: float) -> Value:
        return _make("div", other, self)

    def __pow__(self, other: Value | float) -> Value:
        # x ** 2 has a constant exponent (a parameter); x ** y differentiates both.
        return _make("vpow" if isinstance(other, Value) else "pow", self, other)

    def __rpow__(self, other: float) -> Value:  # 2 ** x
        return _make("rpow", self, other)

    def __neg__(self) -> Value:
        return _make("neg", self)

    def __pos__(self) -> Value:
        return self

    def exp(self) -> Value:
        """e ** self.

        >>> Value(0.0).exp().data
        1.0
        """
        return _make("exp", self)

    def log(self) -> Value:
        """Natural logarithm; the input must be > 0.

        >>> Value(1.0).log().data
        0.0
        """
        return _make("log", self)

    def sqrt(self) -> Value:
        """Square root; the input must be >= 0.

        >>> Value(9.0).sqrt().data
        3.0
        """
        return _make("sqrt", self)

    def abs(self) -> Value:
        """|self|.

        >>> Value(-2.0).abs().data
        2.0
        """
        return _make("abs", self)

    __abs__ = abs

    def tanh(self) -> Value:
        """Hyperbolic tangent.

        >>> Value(0.0).tanh().data
        0.0
        """
        return _make("tanh", self)

    def sigmoid(self) -> Value:
        """1 / (1 + e ** -self).

        >>> Value(0.0).sigmoid().data
        0.5
        """
        return _make("sigmoid", self)

    def softplus(self) -> Value:
        """log(1 + e ** self).

        >>> Value(-1000.0).softplus().data
        0.0
        """
        return _make("softplus", self)

    def relu(self) -> Value:
        """max(self, 0); its derivative at 0 is 0.

        >>> Value(-2.0).relu().data
        0.0
        """
        return _make("relu", self)

    def leaky_relu(self, alpha: float = 0.01) -> Value:
        """self where self >= 0, alpha * self below; its derivative at 0 is 1.

        >>> Value(-2.0).leaky_relu(0.1).data
        -0.2
        """
        return _make("leaky_relu", self, alpha)

    # -- comparisons read the numbers; == and hash stay identity, so Values fit in sets
    def __lt__(self, other: Value | float) -> bool:
        return self.data < _data(other)

    def __le__(self, other: Value | float) -> bool:
        return self.data <= _data(other)

    def __gt__(self, other: Value | float) -> bool:
        return self.data > _data(other)

    def __ge__(self, other: Value | float) -> bool:
        return self.data >= _data(other)

    __eq__ = object.__eq__
    __hash__ = object.__hash__

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        label = f", label={self.label!r}" if self.label else ""
        op = f", op={self.op!r}" if self._prim is not None else ""
        return f"Value(data={self.data!r}, grad={self.grad!r}{label}{op})"

    # -- backpropagation -----------------------------------------------------
    def backward(self, gradient: float = 1.0) -> None:
        """Add d self / d node (times ``gradient``) to every node's ``grad``.

        Gradients accumulate: a second call adds again (reset ``grad`` to 0
        between training steps).  A NaN gradient, or a local derivative that
        is not finite, is an error naming the op, and then no ``grad`` has
        changed.

        Example:
            >>> from autograd.plain import Value
            >>> x = Value(3.0); y = x * x + x     # dy/dx = 2x + 1 = 7
            >>> y.backward(); x.grad
            7.0
        """
        order = topological_order(self)             # every node after its operands
        # This call's gradients, kept apart from .grad until the end, so that
        # what earlier calls left in .grad is not passed on a second time.
        grads = dict.fromkeys(order, 0.0)
        grads[self] = to_float(gradient, "backward gradient")  # 1. d self / d self = 1
        # The guard: if anything goes wrong in the loop (a NaN, an infinite
        # local derivative), it names the op as the fast engine does; .grad
        # changes only when all went well.
        with guarded_backward(order, grads):
            for node in reversed(order):            # a node after every node that uses it,
                grad = grads[node]                  # so its gradient is complete now
                if closures.is_closure(node._prim):  # made the lecture's way: its own _backward
                    closures.run_closure(node, grad, grads)  # passes the gradient on
                    continue
                for operand, local in zip(node._args, local_derivatives(node)):
                    if isinstance(operand, Value):  # a constant needs no gradient
                        grads[operand] += local * grad  # 2. the chain rule; 3. shares add up

    # -- micrograd's names, for code written for it ---------------------------
    @property
    def _prev(self) -> set[Value]:
        """micrograd's name: the set of Value operands."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """micrograd's symbol for the op: '+', '*', 'tanh', 'ReLU', '**2'; '' for an input."""
        return registry.micrograd_op(self._prim, self._args)

    @property
    def _backward(self) -> Callable[[], None]:
        """micrograd's step 2 for this node alone: add ``self.grad`` times each
        local derivative into the operands' ``grad`` (nothing for an input),
        with backward's guards (:func:`~autograd.registry.backward_step`); for
        a node made the lecture's way, the closure assigned to it."""
        return closures.backward_of(self) or (lambda: registry.backward_step(self))

    @_backward.setter
    def _backward(self, closure: Callable[[], None]) -> None:
        closures.set_backward(self, closure)   # refused on an input or a node of the table


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Value) else x


def local_derivatives(node: Value) -> tuple[float, ...]:
    """d node / d operand for each of ``node``'s operands, from the table
    (nothing for an input; a closure node's are in its ``_backward`` alone).

    Example:
        >>> from autograd.plain import Value, local_derivatives
        >>> x = Value(3.0); y = Value(-2.0)
        >>> local_derivatives(x * y)            # d(xy)/dx = y, d(xy)/dy = x
        (-2.0, 3.0)
    """
    prim = node._prim
    if prim is None or prim.derivs is None:  # an input; or a closure node, which knows its own
        return ()
    return prim.derivs(FLOAT, node.data, *[_data(a) for a in node._args])


def apply(prim: Primitive | str, *args: Value | float) -> Value | float:
    """The primitive ``prim`` (or its name) applied to ``args``: a new Value,
    or just a number when no operand is a Value.

    Example:
        >>> from autograd.plain import Value, apply
        >>> apply("mul", Value(2.0), 3).data, apply("mul", 2.0, 3)
        (6.0, 6.0)
    """
    prim = registry.lookup(prim)                            # a name, or the entry itself
    registry.check_args(prim, args, lambda a: isinstance(a, Value))  # the count; no Value as a parameter
    if not any(isinstance(a, Value) for a in prim.operands(args)):
        return evaluate(prim, [to_float(a, prim.name) for a in args])  # nothing to remember
    return _node(prim, args)


def _make(name: str, *args: Value | float) -> Value:
    # An operator's node (self is an operand, so the result is a Value).
    return _node(PRIMITIVES[name], args)


def _node(prim: Primitive, args: Iterable[Value | float]) -> Value:
    # Numbers become float constants; evaluate() runs the table's domain check
    # (log of -1 is an error naming the op), then its forward.
    args = tuple(a if isinstance(a, Value) else to_float(a, prim.name) for a in args)
    out = Value(evaluate(prim, [_data(a) for a in args]))
    out._prim, out._args = prim, args  # remember how it was made
    return out


def sum(values: Iterable[Value | float]) -> Value:
    """The sum of ``values`` as ONE node, however many there are.

    Example:
        >>> from autograd.plain import Value, sum
        >>> sum([Value(1.0), 2, Value(3.0)]).data
        6.0
    """
    return _node(PRIMITIVES["sum"], values)


def dot(xs: Iterable[Value | float], ws: Iterable[Value | float]) -> Value:
    """sum(x_i * w_i) as ONE node: a neuron's weighted sum.

    Example:
        >>> from autograd.plain import Value, dot
        >>> dot([2.0, 3.0], [Value(0.5), Value(-1.0)]).data
        -2.0
    """
    xs, ws = list(xs), list(ws)
    if len(xs) != len(ws):
        raise ValueError(f"dot: operands have unequal lengths {len(xs)} and {len(ws)}")
    return _node(PRIMITIVES["dot"], xs + ws)


def topological_order(root: Value) -> list[Value]:
    """Every node ``root`` depends on, each one after its operands.

    Example:
        >>> from autograd.plain import Value, topological_order
        >>> x = Value(1.0, label="x"); y = x * 2.0; z = y + x
        >>> [v.op or v.label for v in topological_order(z)]
        ['x', 'mul', 'add']
    """
    order: list[Value] = []
    seen: set[Value] = set()
    stack = [(root, False)]          # (node, are its operands in order already?)
    while stack:
        node, ready = stack.pop()
        if ready:
            order.append(node)       # its operands are all in order: now it can go
        elif node not in seen:
            seen.add(node)
            stack.append((node, True))             # come back to it after its operands,
            for p in reversed(node.parents):       # visiting the first operand first
                if p not in seen:
                    stack.append((p, False))
    return order
