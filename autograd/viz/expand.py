"""``expand=True``: a ``dot`` or ``sum`` node drawn as the lecture's separate
``*`` and ``+`` nodes.

chaingrad computes a neuron's weighted sum as one ``dot`` node (fast, and one
exact sum); micrograd's lecture builds it from one ``*`` per input and a chain
of ``+``.  :func:`expand` builds the picture's own copy of a graph in which
every ``dot`` over pairs ``(xᵢ, wᵢ)`` becomes ``p₁ = x₁ * w₁``, ...,
``s = p₁ + p₂ + ... `` (constant products folded into one constant term),
every ``sum`` a chain of ``+``, and every other node stays as it is.  The
copy is made of :class:`~autograd.viz.graph.Shown` nodes: the pictures draw
it like any graph, and nothing in the real graph changes.

Its gradients are the fused node's: every added ``*`` and ``+`` node has the
gradient of the ``dot`` it comes from (the sum's local derivative is 1 for
every term), and every other node keeps its own, so the leaves show exactly
the gradients ``backward`` gave them.  Stepping backward through the copy
(``backward_frames(..., expand=True)``) computes them again node by node, and
arrives at the same leaf gradients up to the order of the additions.

Example:
    >>> from autograd import Value, dot, topological_order
    >>> from autograd.viz.expand import expand
    >>> w = [Value(0.5, label="w1"), Value(-2.0, label="w2")]
    >>> out = dot([3.0, 1.0], w)
    >>> out.backward()
    >>> shown, view_of = expand(topological_order(out))
    >>> [v.op or v.label for v in shown]
    ['w1', 'w2', 'mul', 'mul', 'add']
    >>> view_of[out].data == out.data, [v.grad for v in shown]
    (True, [3.0, 1.0, 1.0, 1.0, 1.0])
"""
from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..primitives import PRIMITIVES
from .graph import Shown, is_value

__all__ = ["expand"]

# The table's entries, compared by identity: a learner's closure named 'sum'
# or 'dot' is not the table's, and an entry is never replaced or copied.
_MUL, _ADD, _SUM, _DOT = (PRIMITIVES[k] for k in ("mul", "add", "sum", "dot"))


def _fused(v):
    prim = v._prim
    if prim is _SUM:
        return "sum"
    if prim is _DOT:
        return "dot"
    return None


def expand(order: list, grad: Callable[[Any], float] | None = None) -> tuple[list[Shown], dict]:
    """``(shown, view_of)``: the expanded copy of the graph in ``order`` (a
    topological order) as a topological order of :class:`Shown` nodes, and
    ``view_of[v]``, the node standing for each node ``v`` of ``order`` (the
    last ``+`` for a ``dot`` or ``sum``).  ``grad(v)`` gives node ``v``'s
    gradient (default: ``v.grad``).  Linear in the size of the graph.

    Example:
        >>> from autograd import Value, sum, topological_order
        >>> from autograd.viz.expand import expand
        >>> xs = [Value(float(i)) for i in range(3)]
        >>> shown, _ = expand(topological_order(sum(xs)))
        >>> [v.op for v in shown if v.op]
        ['add', 'add']
    """
    get = (lambda v: v.grad) if grad is None else grad
    view_of: dict = {}
    shown: list[Shown] = []

    def mapped(a):
        return view_of[a] if is_value(a) else a

    for v in order:
        kind = _fused(v)
        if kind is None:
            node = Shown(v.data, get(v), v.label, v._prim, tuple(mapped(a) for a in v._args), v)
            node.part_of = v
            shown.append(node)
            view_of[v] = node
            continue
        g = get(v)
        args = v._args
        if kind == "dot":
            half = len(args) // 2
            pairs = list(zip(args[:half], args[half:]))
        else:
            pairs = [(a, None) for a in args]
        terms: list[Any] = []      # Shown nodes, then one float for the constants
        consts: list[float] = []
        for a, b in pairs:
            if b is None:
                (terms if is_value(a) else consts).append(mapped(a))
            elif is_value(a) or is_value(b):
                ma, mb = mapped(a), mapped(b)
                data = (ma.data if is_value(ma) else ma) * (mb.data if is_value(mb) else mb)
                p = Shown(data, g, "", _MUL, (ma, mb))
                p.part_of = v
                shown.append(p)
                terms.append(p)
            else:
                consts.append(a * b)
        if consts:
            terms.append(math.fsum(consts))
        start = len(shown)
        node = _chain(terms, g, shown)
        for added in shown[start:]:
            added.part_of = v
        if isinstance(node, Shown) and node.real is None:
            # The last node it made stands for v itself: v's label, data, gradient.
            node.data, node.label, node.real = v.data, v.label, v
        else:   # a sum of one term: drawn as that term + 0
            node = Shown(v.data, g, v.label, _ADD, (0.0 if node is None else node, 0.0), v)
            node.part_of = v
            shown.append(node)
        view_of[v] = node
    return shown, view_of


def _chain(terms, g, shown):
    """``((t₁ + t₂) + t₃) + ...`` as Shown ``+`` nodes; the last one (or the
    only term, when there is one Shown term and no constant)."""
    if not terms:
        return None
    acc = terms[0]
    for t in terms[1:]:
        data = (acc.data if is_value(acc) else acc) + (t.data if is_value(t) else t)
        acc = Shown(data, g, "", _ADD, (acc, t))
        shown.append(acc)
    return acc
