"""The machinery behind the table of primitives: :class:`Primitive` and :func:`register`.

The table itself, one entry per operation, is :mod:`autograd.primitives`;
read that first.  This module only says what an entry is and keeps the
``PRIMITIVES`` dict that the engine, ``grad``, the compiler and the pictures
look entries up in.

Example:
    >>> from autograd.registry import PRIMITIVES
    >>> import autograd.primitives          # fills the table
    >>> PRIMITIVES["mul"].symbol, PRIMITIVES["mul"].arity
    ('*', 2)
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Callable

__all__ = ["Primitive", "PRIMITIVES", "register", "Domain"]

#: ``(predicate, message)``: the predicate gets ``forward``'s args (floats or
#: arrays) and returns a bool (or a bool array); the message says what failed.
Domain = tuple[Callable[..., Any], str]


class Primitive:
    """One differentiable operation: its name, forward, local derivatives, domain.

    * ``forward(m, *args)`` computes the value with the math namespace ``m``
      (:data:`autograd.mathspaces.FLOAT` for floats, ``NUMPY`` for arrays);
    * ``derivs(m, out, *args)`` returns the local derivative of the output
      with respect to each operand, as a tuple;
    * ``domain`` is ``(predicate, message)`` or ``None``.

    ``args`` are the operands followed by non-differentiable parameters
    (``leaky_relu``'s alpha); ``arity`` is how many leading args are operands,
    ``None`` for the variadic ``sum`` and ``dot``.  ``symbol`` is how the
    pictures show it (``"*"`` for ``mul``).

    Example:
        >>> from autograd.primitives import PRIMITIVES
        >>> PRIMITIVES["leaky_relu"].operands((-2.0, 0.01))
        (-2.0,)
    """

    __slots__ = ("name", "symbol", "arity", "forward", "derivs", "domain")

    def __init__(self, name: str, symbol: str, arity: int | None,
                 forward: Callable[..., Any], derivs: Callable[..., tuple[Any, ...]],
                 domain: Domain | None = None) -> None:
        self.name = name
        self.symbol = symbol
        self.arity = arity
        self.forward = forward
        self.derivs = derivs
        self.domain = domain

    def operands(self, args: Sequence[Any]) -> Sequence[Any]:
        """The leading ``args`` that are differentiable operands."""
        return args if self.arity is None else args[: self.arity]

    def __repr__(self) -> str:
        return f"<Primitive {self.name}>"


PRIMITIVES: dict[str, Primitive] = {}


def register(name: str, symbol: str, arity: int | None, forward: Callable[..., Any],
             derivs: Callable[..., tuple[Any, ...]],
             domain: Domain | None = None) -> Primitive:
    """Add a primitive to the table; the engine, ``grad``, the compiler and the
    pictures all find it there by ``name``.

    Example:
        >>> from autograd.registry import register, PRIMITIVES
        >>> _ = register("cube_demo", "cube", 1, lambda m, x: x * x * x,
        ...              lambda m, out, x: (3 * x * x,))
        >>> PRIMITIVES.pop("cube_demo").name
        'cube_demo'
    """
    prim = Primitive(name, symbol, arity, forward, derivs, domain)
    PRIMITIVES[name] = prim
    return prim
