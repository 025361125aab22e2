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
   derivative d node / d operand (:func:`~autograd.registry.chain_rule`);
3. an operand used by several nodes (``x`` in ``x * x``) adds up what each
   one passes back.

Visiting the nodes in reverse :func:`topological_order` (every node before
its operands) makes sure a node has received everything it will ever get
before it passes its gradient on.

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

from collections.abc import Iterable
from typing import Any

from .primitives import PRIMITIVES, Primitive
from .registry import chain_rule, evaluate, micrograd_op, nan_gradient_error, nan_seed_error, to_float

__all__ = ["Value", "apply", "sum", "dot", "topological_order"]


class Value:
    """A number that remembers how it was computed.

    ``data`` is the number, ``grad`` is d out / d self after
    ``out.backward()``, ``label`` is a name for pictures, ``op`` and
    ``parents`` say how the Value was made (``""`` and ``()`` for an input).

    Example:
        >>> from autograd.plain import Value
        >>> x = Value(3.0, label="x")
        >>> y = x * x
        >>> y.data, y.op, [p.label for p in y.parents]
        (9.0, 'mul', ['x', 'x'])
    """

    def __init__(self, data: float, label: object = "") -> None:
        self.data = to_float(data, "Value")  # a float; strings and NaN are refused by name
        self.grad = 0.0
        self.label = label
        self._prim: Primitive | None = None  # the primitive that made this Value; None for an input
        self._args: tuple[Any, ...] = ()     # its operands (Values or constant floats), then parameters

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

    # -- every operation is one entry of the table: apply() looks it up --------
    def __add__(self, other: Value | float) -> Value:
        return apply("add", self, other)

    def __radd__(self, other: float) -> Value:  # 2 + x
        return apply("add", other, self)

    def __sub__(self, other: Value | float) -> Value:
        return apply("sub", self, other)

    def __rsub__(self, other: float) -> Value:
        return apply("sub", other, self)

    def __mul__(self, other: Value | float) -> Value:
        return apply("mul", self, other)

    def __rmul__(self, other: float) -> Value:
        return apply("mul", other, self)

    def __truediv__(self, other: Value | float) -> Value:
        return apply("div", self, other)

    def __rtruediv__(self, other: float) -> Value:
        return apply("div", other, self)

    def __pow__(self, other: Value | float) -> Value:
        # x ** 2 has a constant exponent (a parameter); x ** y differentiates both.
        return apply("vpow" if isinstance(other, Value) else "pow", self, other)

    def __rpow__(self, other: float) -> Value:  # 2 ** x
        return apply("rpow", self, other)

    def __neg__(self) -> Value:
        return apply("neg", self)

    def __pos__(self) -> Value:
        return self

    def exp(self) -> Value:
        """e ** self.

        >>> Value(0.0).exp().data
        1.0
        """
        return apply("exp", self)

    def log(self) -> Value:
        """Natural logarithm; the input must be > 0.

        >>> Value(1.0).log().data
        0.0
        """
        return apply("log", self)

    def sqrt(self) -> Value:
        """Square root; the input must be >= 0.

        >>> Value(9.0).sqrt().data
        3.0
        """
        return apply("sqrt", self)

    def abs(self) -> Value:
        """|self|.

        >>> Value(-2.0).abs().data
        2.0
        """
        return apply("abs", self)

    __abs__ = abs

    def tanh(self) -> Value:
        """Hyperbolic tangent.

        >>> Value(0.0).tanh().data
        0.0
        """
        return apply("tanh", self)

    def sigmoid(self) -> Value:
        """1 / (1 + e ** -self).

        >>> Value(0.0).sigmoid().data
        0.5
        """
        return apply("sigmoid", self)

    def softplus(self) -> Value:
        """log(1 + e ** self).

        >>> Value(-1000.0).softplus().data
        0.0
        """
        return apply("softplus", self)

    def relu(self) -> Value:
        """max(self, 0); its derivative at 0 is 0.

        >>> Value(-2.0).relu().data
        0.0
        """
        return apply("relu", self)

    def leaky_relu(self, alpha: float = 0.01) -> Value:
        """self where self >= 0, alpha * self below; its derivative at 0 is 1.

        >>> Value(-2.0).leaky_relu(0.1).data
        -0.2
        """
        return apply("leaky_relu", self, alpha)

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
        between training steps).  A NaN gradient is an error naming the op,
        and then no ``grad`` has changed.

        Example:
            >>> from autograd.plain import Value
            >>> x = Value(3.0); y = x * x + x     # dy/dx = 2x + 1 = 7
            >>> y.backward(); x.grad
            7.0
        """
        seed = to_float(gradient, "backward gradient")
        # This call's gradients, kept apart from .grad until the end, so that
        # an error leaves .grad as it was, and so that what earlier calls left
        # in .grad is not passed on a second time.
        grads = {self: seed}                        # 1. d self / d self = 1 (times the seed)
        for node in reversed(topological_order(self)):  # a node after every node that uses it
            if node._prim is None:                  # an input passes nothing on
                continue
            datas = [_data(a) for a in node._args]
            g = grads.get(node, 0.0)                # complete now: all its users are done
            # 2. the chain rule: operand k gets g * d node / d operand k
            for k, (a, share) in enumerate(zip(node._args, chain_rule(node._prim, node.data, datas, g))):
                if isinstance(a, Value):            # a constant needs no gradient
                    grads[a] = _add(grads, a, share, node, datas, k, g)  # 3. shares add up
        if self.grad + seed != self.grad + seed:    # inf + -inf: never a silent NaN
            raise nan_seed_error(seed, self.grad)
        for node, g in grads.items():               # all went well: accumulate into .grad
            node.grad += g

    # -- micrograd's names, for code written for it (read-only) ---------------
    @property
    def _prev(self) -> set[Value]:
        """micrograd's name: the set of Value operands."""
        return set(self.parents)

    @property
    def _op(self) -> str:
        """micrograd's symbol for the op: '+', '*', 'tanh', 'ReLU', '**2'; '' for an input."""
        return micrograd_op(self._prim, self._args)

    def _backward(self) -> None:
        """micrograd's step 2 for this node alone: add ``self.grad`` times each
        local derivative into the operands' ``grad`` (nothing for an input)."""
        if self._prim is None:
            return
        datas = [_data(a) for a in self._args]
        shares: dict[Value, float] = {}            # an operand used twice gets both shares
        for k, (a, share) in enumerate(zip(self._args, chain_rule(self._prim, self.data, datas, self.grad))):
            if isinstance(a, Value):
                shares[a] = _add(shares, a, share, self, datas, k, self.grad)
        for a, total in shares.items():             # no error: now change .grad
            a.grad += total


def _data(x: Any) -> Any:
    return x.data if isinstance(x, Value) else x


def _add(grads: dict, a: Value, share: float, node: Value, datas: list, k: int, g: float) -> float:
    """``a``'s gradient so far plus ``share``, refusing a NaN (``inf - inf``),
    in this call's sum or added to what ``a.grad`` holds from earlier calls."""
    so_far = grads.get(a, 0.0)
    total = so_far + share
    if total != total:
        raise nan_gradient_error("backward", node._prim, node.data, datas, k, g, so_far)  # type: ignore[arg-type]
    if a.grad + total != a.grad + total:
        raise nan_gradient_error("backward", node._prim, node.data, datas, k, g, a.grad, total)  # type: ignore[arg-type]
    return total


def apply(prim: Primitive | str, *args: Value | float) -> Value:
    """A new Value: the primitive ``prim`` (or its name) applied to ``args``.

    Example:
        >>> from autograd.plain import Value, apply
        >>> apply("mul", Value(2.0), 3).data
        6.0
    """
    if isinstance(prim, str):
        prim = PRIMITIVES[prim]
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
    return apply("sum", *values)


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
    return apply("dot", *xs, *ws)


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
