"""Which graphs the pictures draw: the fast engine's Values and the plain engine's.

Both engines build the same kind of node (a primitive, its operands in
``_args``, ``data``, ``grad``, ``label``) and walk it in the same order, so
every picture works on either; only the walk itself is each engine's own.

Example:
    >>> from autograd import Value
    >>> from autograd import plain
    >>> from autograd.viz.graph import graph_order, is_value
    >>> is_value(Value(1.0)), is_value(plain.Value(1.0)), is_value(1.0)
    (True, True, False)
    >>> x = plain.Value(2.0, label="x")
    >>> [v.op or v.label for v in graph_order(x * x)]
    ['x', 'mul']
"""
from __future__ import annotations

from typing import Any

from .. import engine, plain

__all__ = ["is_value", "graph_order"]

_VALUE_TYPES = (engine.Value, plain.Value)


def is_value(x: Any) -> bool:
    """True for a node of either engine (``autograd.Value`` or ``autograd.plain.Value``).

    Example:
        >>> from autograd.viz.graph import is_value
        >>> is_value("x")
        False
    """
    return isinstance(x, _VALUE_TYPES)


def graph_order(root: Any) -> list:
    """Every node ``root`` depends on, operands first, with its own engine's walk.

    Example:
        >>> from autograd import Value
        >>> from autograd.viz.graph import graph_order
        >>> len(graph_order(Value(1.0) + 2.0))
        2
    """
    if isinstance(root, plain.Value):
        return plain.topological_order(root)
    return engine.topological_order(root)
