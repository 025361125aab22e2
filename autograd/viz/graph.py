"""Which graphs the pictures draw: the fast engine's Values, the plain engine's,
and the nodes of an expanded view (:mod:`.expand`).

All build the same kind of node (a primitive in ``_prim``, its operands and
constant parameters in ``_args``, ``data``, ``grad``, ``label``) and each is
walked in its own engine's order, so every picture works on any of them.

A node has one of three kinds of primitive: none (a leaf), an entry of the
table (its local derivatives known), or a learner's own operation made the
micrograd lecture's way (``Value(data, (children,), 'op')`` with
``out._backward = fn``), whose primitive has a ``name`` and ``symbol`` but
``derivs`` set to None: only its closure knows the derivative.
:func:`has_derivs` tells the last two apart.

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

__all__ = ["is_value", "graph_order", "has_derivs", "Shown"]


class Shown:
    """A node of a picture's own graph: the same fields as a Value (``data``,
    ``grad``, ``label``, ``_prim``, ``_args``), made by :mod:`.expand` to draw
    a ``dot`` as the lecture's separate ``*`` and ``+`` nodes.  It computes
    nothing; ``real`` is the Value it stands for (None for a node the
    expansion added).

    Example:
        >>> from autograd.viz.graph import Shown
        >>> Shown(2.0, 0.5, "x").parents
        ()
    """

    __slots__ = ("data", "grad", "label", "_prim", "_args", "real", "part_of")

    def __init__(self, data: float, grad: float, label: str = "", prim: Any = None,
                 args: tuple = (), real: Any = None) -> None:
        self.data = data
        self.grad = grad
        self.label = label
        self._prim = prim
        self._args = args
        self.real = real
        self.part_of = real

    @property
    def op(self) -> str:
        """The primitive's name; ``""`` for a leaf.

        Example:
            >>> from autograd.viz.graph import Shown
            >>> Shown(1.0, 0.0).op
            ''
        """
        return "" if self._prim is None else self._prim.name

    @property
    def parents(self) -> tuple:
        """The node operands, in order, duplicates kept.

        Example:
            >>> from autograd.viz.graph import Shown
            >>> x = Shown(1.0, 0.0); Shown(2.0, 0.0, args=(x, 3.0, x)).parents == (x, x)
            True
        """
        return tuple(a for a in self._args if isinstance(a, _NODE_TYPES))


_NODE_TYPES = (engine.Value, plain.Value, Shown)


def is_value(x: Any) -> bool:
    """True for a node of either engine (``autograd.Value`` or
    ``autograd.plain.Value``) or of an expanded view.

    Example:
        >>> from autograd.viz.graph import is_value
        >>> is_value("x")
        False
    """
    return isinstance(x, _NODE_TYPES)


def has_derivs(v: Any) -> bool:
    """False for a leaf and for a learner's own operation (its primitive's
    ``derivs`` is None: the local derivative lives in its ``_backward``
    closure); True for an operation of the table.

    Example:
        >>> from autograd import Value
        >>> from autograd.viz.graph import has_derivs
        >>> has_derivs(Value(1.0) * 2.0), has_derivs(Value(1.0))
        (True, False)
    """
    prim = v._prim
    return prim is not None and getattr(prim, "derivs", None) is not None


def graph_order(root: Any) -> list:
    """Every node ``root`` depends on, operands first, with its own engine's walk.

    Example:
        >>> from autograd import Value
        >>> from autograd.viz.graph import graph_order
        >>> len(graph_order(Value(1.0) + 2.0))
        2
    """
    # A Shown node has .parents as a plain Value does, and the plain walk reads
    # nothing else (hence the ignore: its signature names plain.Value).
    if isinstance(root, (plain.Value, Shown)):
        return plain.topological_order(root)  # type: ignore[arg-type]
    return engine.topological_order(root)
