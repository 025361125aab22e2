"""Finding the sum over a batch, so a loss over many examples can be drawn
as one example's graph and a note.

A loss over a batch adds one term per example: one ``autograd.sum`` node
(``nn.mse``, ``nn.hinge``), or a chain of ``+`` nodes (Python's ``sum()``
over Values, as micrograd's lecture writes it).  Every term has its own
graph (its example's inputs and forward pass) and shares the rest (the
model's parameters).  Drawn whole, the terms repeat one picture a hundred
times; :func:`find_batch` finds that sum so ``draw_dot`` can draw the first
term's graph in full, the sum, what follows it, and one box standing for
the other terms.

The sum chosen is the one nearest the root whose other terms own at least a
third of the graph (a neuron's ``w·x`` chain inside one example does not).

Example:
    >>> from autograd import Value, sum, topological_order
    >>> w = Value(0.5, label="w")
    >>> loss = sum([(w * float(x) - 1.0) ** 2 for x in range(10)])
    >>> b = find_batch(topological_order(loss))
    >>> len(b.terms), b.node is loss, len(b.removed)
    (10, True, 27)
"""
from __future__ import annotations

from typing import NamedTuple

from ..engine import Value
from ..primitives import PRIMITIVES
from .graph import is_value

__all__ = ["Batch", "find_batch"]

_CANDIDATES = 8     # sums examined, nearest the root first


class Batch(NamedTuple):
    """A sum over terms: ``node`` is the Value that holds the sum, ``terms``
    its Value terms in order, ``chain`` the ``+`` nodes below ``node`` that
    add them (empty for one ``sum`` node), ``removed`` every Value that only
    the terms after the first need (the chain included).

    Example:
        >>> from autograd import Value, sum, topological_order
        >>> from autograd.viz.batch import find_batch
        >>> xs = [Value(float(i)) for i in range(3)]
        >>> b = find_batch(topological_order(sum([x * x for x in xs])))
        >>> len(b.terms), b.chain
        (3, [])
    """
    node: Value
    terms: list
    chain: list
    removed: set


def _ancestors(starts, stop=()):
    """Every Value that ``starts`` depend on (themselves included), except
    those in ``stop`` and what only they reach."""
    seen = set()
    todo = [v for v in starts if v not in stop]
    while todo:
        v = todo.pop()
        if v in seen:
            continue
        seen.add(v)
        todo.extend(a for a in v.parents if a not in seen and a not in stop)
    return seen


# By identity: a learner's closure named 'add' or 'sum' is not the table's,
# and the table's entries are never replaced or copied.
_ADD, _SUM = PRIMITIVES["add"], PRIMITIVES["sum"]


def _chains(order, uses):
    """``{add node: (chain nodes below it, Value terms of the whole chain)}``
    for every ``+`` whose first operand is a ``+`` used only by it: counts
    only, computed once, operands first, so finding a sum costs time linear
    in the graph (walking each chain from every node of it was quadratic)."""
    below: dict = {}
    for v in order:
        if v._prim is not _ADD:
            continue
        args = v._args
        first = args[0]
        extra = sum(1 for a in args[1:] if is_value(a))
        if is_value(first) and first._prim is _ADD and uses.get(first, 0) == 1:
            depth, count = below.get(first, (0, sum(1 for a in first._args if is_value(a))))
            below[v] = (depth + 1, count + extra)
        else:
            below[v] = (0, sum(1 for a in args if is_value(a)))
    return below


def _terms(v, chains):
    """``(terms, chain)`` if ``v`` is a sum (one ``sum`` node, or the top of a
    chain of ``+`` each used once by the next), else ``None``."""
    if v._prim is _SUM:
        terms = list(v.parents)
        return (terms, []) if len(terms) >= 2 else None
    depth, count = chains.get(v, (0, 0))
    if depth == 0 or count < 3:
        return None
    below = []          # the chain's nodes under v, top down
    cur = v
    for _ in range(depth):
        cur = cur._args[0]
        below.append(cur)
    terms = [a for a in cur._args if is_value(a)]
    for node in reversed([v, *below[:-1]]):     # bottom up: each adds its second operand
        terms += [a for a in node._args[1:] if is_value(a)]
    return terms, below


def find_batch(order: list) -> Batch | None:
    """The batch sum of the graph in ``order`` (a topological order ending at
    the root), or ``None`` when no sum's terms repeat a large part of it.

    Example:
        >>> from autograd import Value, topological_order
        >>> x = Value(2.0)
        >>> find_batch(topological_order(x * x + 1.0)) is None
        True
    """
    if not order:
        return None
    uses: dict = {}
    for v in order:
        for a in v.parents:
            uses[a] = uses.get(a, 0) + 1
    chains = _chains(order, uses)
    # Nearest the root first: the loss's sum sits right under the root.
    seen = {order[-1]}
    queue = [order[-1]]
    tried = 0
    for v in queue:
        found = _terms(v, chains)
        if found is not None:
            tried += 1
            terms, chain = found
            first = _ancestors(terms[:1])
            rest = _ancestors(terms[1:], stop=first)
            removed = rest | set(chain)
            if 3 * len(removed) >= len(order):
                return Batch(v, terms, chain, removed)
            if tried >= _CANDIDATES:
                return None
        for a in v.parents:
            if a not in seen:
                seen.add(a)
                queue.append(a)
    return None
