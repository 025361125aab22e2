"""``to_text``: a computation graph as an indented tree, for a terminal.

One line per Value, the root first, each node's operands indented below it.
A node is numbered ``#i`` by its position in ``topological_order(root)`` (the
numbers ``draw_dot`` shows); it is printed in full once, later uses print
just ``#i (above)``, so a shared subexpression is never repeated.  Indentation
stops growing at ``max_indent`` levels (deeper lines say their depth), so a
chain of any length prints in linear size.  ``[∂ d]`` before an operand is
the local derivative of its user with respect to it (``[∂ in _backward]``
under a learner's own operation, whose closure alone knows it).  A ``dot``
reads as its sum of products (``#4 = 2·#0 + 3·#1``); ``expand=True`` prints
it as the lecture's separate ``*`` and ``+`` nodes instead.

Example:
    >>> from autograd import Value, to_text
    >>> x = Value(2.0, label="x"); y = Value(-3.0, label="y")
    >>> z = x * y + x
    >>> z.backward()
    >>> print(to_text(z))
    #3 = #2 + #0  data=-4  grad=1
      [∂ 1] #2 = #0 * #1  data=-6  grad=1
        [∂ -3] #0 x  data=2  grad=-2
        [∂ 2] #1 y  data=-3  grad=2
      [∂ 1] #0 (above)
"""
from __future__ import annotations

from typing import Any

from ..engine import Value
from .expand import expand as expanded
from .graph import graph_order, has_derivs, is_value
from .labels import local_derivs, num, op_expr, plain_text

__all__ = ["to_text"]


def to_text(root: Value, max_indent: int = 32, digits: int = 4, _grads: Any = None, *,
            expand: bool = False) -> str:
    """The graph under ``root`` as an indented text tree (see the module doc);
    ``expand``: each ``dot`` and ``sum`` as separate ``*`` and ``+`` nodes.

    Example:
        >>> from autograd import Value, to_text
        >>> x = Value(0.5, label="x")
        >>> print(to_text((x ** 2).tanh()))
        #2 = tanh(#1)  data=0.2449  grad=0
          [∂ 0.94] #1 = #0 ** 2  data=0.25  grad=0
            [∂ 1] #0 x  data=0.5  grad=0
    """
    if not is_value(root):
        raise TypeError(f"to_text: root must be a Value, got {type(root).__name__} {root!r}")
    if type(max_indent) is not int or max_indent < 0:
        raise ValueError(f"to_text: max_indent must be an int >= 0, got {max_indent!r}")
    if type(digits) is not int or not 1 <= digits <= 17:
        raise ValueError(f"to_text: digits must be an int from 1 to 17, got {digits!r}")
    if expand not in (True, False):
        raise ValueError(f"to_text: expand must be True or False, got {expand!r}")
    order = graph_order(root)
    if expand:
        order, view_of = expanded(order, None if _grads is None else _grads.__getitem__)
        root = view_of[root]
        _grads = None       # the expanded nodes carry their gradients

    def grad(v):
        return v.grad if _grads is None else _grads[v]
    # Numbers are positions in topological order, as in draw_dot's pictures.
    ids = {v: i for i, v in enumerate(order)}
    printed = set()
    lines = []
    # Explicit stack of (node, depth, edge text): iterative, any depth.
    stack = [(root, 0, "")]
    while stack:
        v, depth, edge = stack.pop()
        if depth <= max_indent:
            pad = "  " * depth
        else:
            pad = "  " * max_indent + f"(depth {depth}) "
        i = ids[v]
        if v in printed:
            lines.append(f"{pad}{edge}#{i} (above)")
            continue
        printed.add(v)
        name = f" {plain_text(v.label)}" if v.label else ""
        if v._prim is None:
            head = f"#{i}{name}"
        else:
            refs = [f"#{ids[a]}" for a in v.parents]
            head = f"#{i}{name} = {op_expr(v, refs, digits)}"
        lines.append(f"{pad}{edge}{head}  data={num(v.data, digits)}  grad={num(grad(v), digits)}")
        if v._prim is not None:
            known = has_derivs(v)
            kids = [(a, depth + 1, "[∂ in _backward] " if not known else
                     f"[∂ {'undefined' if d is None else num(d, digits)}] ")
                    for a, d in zip(v._args, local_derivs(v)) if is_value(a)]
            stack.extend(reversed(kids))
    return "\n".join(lines)
