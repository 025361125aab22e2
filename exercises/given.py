"""Code the tasks give you: read it, call it, but leave it as it is.

Example:
    >>> from autograd.plain import Value
    >>> from exercises.given import local_derivatives
    >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    >>> [(operand.label, d) for operand, d in local_derivatives(a * b)]
    [('a', -3.0), ('b', 2.0)]
"""
from __future__ import annotations

from typing import Any

from autograd.primitives import FLOAT

__all__ = ["local_derivatives", "naive_backward"]


def local_derivatives(node: Any) -> list[tuple[Any, float]]:
    """``[(operand, d node / d operand), ...]``, one pair per Value operand of ``node``.

    Read from chaingrad's table (autograd/primitives.py): ``node._prim`` is the
    table entry that made the node, ``node._args`` its operands and constants.
    An operand used twice (``x * x``) appears twice; a constant (the ``3`` of
    ``x * 3``) gets no pair; an input (a leaf) has no operands at all.
    """
    if node._prim is None:
        return []
    datas = [a if isinstance(a, float) else a.data for a in node._args]
    # The table's rule gives one local derivative per operand, in order.
    local = node._prim.derivs(FLOAT, node.data, *datas)
    return [(a, d) for a, d in zip(node._args, local) if not isinstance(a, float)]


def naive_backward(root: Any) -> None:
    """Backprop by plain depth-first recursion, with no topological order (task 5):
    each node passes its ``.grad`` on as soon as it is reached.  Right on some
    graphs, wrong on others: which, and why, is task 5."""
    root.grad = 1.0

    def visit(node: Any) -> None:
        for operand, local in local_derivatives(node):
            operand.grad += local * node.grad
            visit(operand)

    visit(root)
