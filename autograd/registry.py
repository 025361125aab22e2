"""The machinery behind the table of primitives, and the two ways an entry is used.

The table itself, one entry per operation, is :mod:`autograd.primitives`;
read that first.  This module says what an entry is (:class:`Primitive`,
:func:`register`, the ``PRIMITIVES`` dict that the engines, ``grad``, the
compiler and the pictures look entries up in) and how both engines use one:

* :func:`evaluate`: an entry's value on floats, refusing bad input by name
  (its domain check, an overflow, a NaN result);
* :func:`chain_rule`: one step of backpropagation through an entry: what a
  node passes back to each operand.  The plain engine (:mod:`autograd.plain`),
  ``grad``, ``Value._backward`` and the fast ``backward``'s checks all use
  this one rule (``Value.backward`` keeps a fused copy for speed, tested equal);
* :func:`to_float`, :func:`fmt_args`, :func:`nan_gradient_error`: the number
  conversion and the error texts both engines share, so they fail alike.

Example:
    >>> from autograd.registry import PRIMITIVES
    >>> import autograd.primitives          # fills the table
    >>> PRIMITIVES["mul"].symbol, PRIMITIVES["mul"].arity
    ('*', 2)
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .mathspaces import FLOAT
from .rulecheck import check_rules

__all__ = ["Primitive", "PRIMITIVES", "BUILT_IN", "register", "Domain", "evaluate", "chain_rule",
           "to_float", "short_repr", "fmt_args", "nan_gradient_error", "nan_seed_error", "micrograd_op"]

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
        """The leading ``args`` that are differentiable operands.

        Example:
            >>> from autograd.primitives import PRIMITIVES
            >>> PRIMITIVES["pow"].operands((3.0, 2.0)), PRIMITIVES["sum"].operands((1.0, 2.0))
            ((3.0,), (1.0, 2.0))
        """
        return args if self.arity is None else args[: self.arity]

    def __repr__(self) -> str:
        return f"<Primitive {self.name}>"


PRIMITIVES: dict[str, Primitive] = {}

#: The table's own names (:mod:`autograd.primitives` adds them once its
#: entries are in).  ``x * y`` and the other operators hold these entries
#: themselves, so :func:`register` refuses to replace one.
BUILT_IN: set[str] = set()


def register(name: str, symbol: str, arity: int | None, forward: Callable[..., Any],
             derivs: Callable[..., tuple[Any, ...]],
             domain: Domain | None = None) -> Primitive:
    """Add a primitive to the table; the engine, ``grad``, the compiler and the
    pictures all find it there by ``name``.

    ``forward(m, *operands, *params)`` is its value and ``derivs(m, out,
    *operands, *params)`` the tuple of its local derivatives, one per operand,
    both written with arithmetic and the namespace ``m``'s functions
    (:data:`autograd.mathspaces.NAMES`), so that they run on floats, numpy
    arrays and Values alike; ``symbol`` is how pictures show it.  Refused,
    with a ``ValueError`` (``TypeError`` for an argument of the wrong kind)
    naming the op:

    * rules that would not run everywhere (:func:`autograd.rulecheck.check_rules`):
      ``math.sin(x)`` where ``m.sin(x)`` is meant, a function ``m`` lacks, a
      derivative rule that does not return one local derivative per operand;
    * a built-in name (``"mul"``): the operators keep the table's own entry,
      so a new rule would reach ``apply("mul")`` but never ``x * y``.

    A name registered earlier outside the table may be registered again
    (re-running a notebook cell): from then on ``apply`` uses the new entry;
    nodes already built, and functions already compiled, keep the old rule.
    docs/add-an-operation.md walks through one.

    Example:
        >>> from autograd.registry import register, PRIMITIVES
        >>> _ = register("cube_demo", "cube", 1, lambda m, x: x * x * x,
        ...              lambda m, out, x: (3 * x * x,))
        >>> PRIMITIVES.pop("cube_demo").name
        'cube_demo'
        >>> register("mul", "*", 2, lambda m, a, b: a * b, lambda m, out, a, b: (b, a))
        Traceback (most recent call last):
        ...
        ValueError: register('mul'): 'mul' is built in: x * y and the other operators use ...
    """
    _check_register_args(name, symbol, arity, forward, derivs, domain)
    if name in BUILT_IN:
        raise ValueError(
            f"register({name!r}): {name!r} is built in: x * y and the other operators use the "
            f"table's own entry, so a new rule could never reach them. Register yours under "
            f"another name, e.g. 'my_{name}', and call it with apply('my_{name}', ...)")
    check_rules(name, arity, forward, derivs)
    prim = Primitive(name, symbol, arity, forward, derivs, domain)
    PRIMITIVES[name] = prim
    return prim


def _check_register_args(name: Any, symbol: Any, arity: Any, forward: Any, derivs: Any,
                         domain: Any) -> None:
    if not isinstance(name, str) or not name.strip():
        raise TypeError(f"register: name must be a non-empty str, got {short_repr(name)}")
    what = f"register({name!r})"
    if not isinstance(symbol, str) or not symbol.strip():
        raise TypeError(f"{what}: symbol must be a non-empty str (how pictures show the op), "
                        f"got {short_repr(symbol)}")
    if arity is not None and (type(arity) is not int or arity < 1):
        raise ValueError(f"{what}: arity must be the number of operands (an int >= 1), or None "
                         f"for any number, got {short_repr(arity)}")
    for role, rule in (("forward", forward), ("derivs", derivs)):
        if not callable(rule):
            raise TypeError(f"{what}: {role} must be a function of m and the operands, "
                            f"got {type(rule).__name__} {short_repr(rule)}")
    if domain is not None and not (isinstance(domain, tuple) and len(domain) == 2
                                   and callable(domain[0]) and isinstance(domain[1], str)):
        raise TypeError(f"{what}: domain must be None or (predicate, message), "
                        f"got {short_repr(domain)}")


# ---- how the engines use an entry ------------------------------------------------

def short_repr(x: Any) -> str:
    """``x`` for an error message, shortened: an int of 400 digits is not printed
    whole, and one past Python's 4,300-digit limit for ``str(int)`` is described.

    Example:
        >>> from autograd.registry import short_repr
        >>> short_repr(10 ** 30), short_repr("1.5")
        ('1000000000000...000000 (31 digits)', "'1.5'")
    """
    if isinstance(x, int) and not isinstance(x, bool):
        if x.bit_length() > 13_000:  # past CPython's 4,300-digit limit for str(int)
            return f"an int of about {round(x.bit_length() * math.log10(2)):,} digits"
        text = str(x)
        digits = len(text.lstrip("-"))
        return text if digits <= 24 else f"{text[:13]}...{text[-6:]} ({digits} digits)"
    try:
        text = repr(x)
    except Exception:  # a number type whose repr fails is still named by its type
        text = f"a {type(x).__name__}"
    return text if len(text) <= 60 else text[:40] + "..." + text[-10:]


def to_float(x: Any, what: str) -> float:
    """A real number as a float; anything else is refused naming ``what`` and the value.

    Refused: non-numbers, NaN, and numbers too large for a float (``10 ** 400``).
    A Value is refused too: callers test for their Values first.

    Example:
        >>> from autograd.registry import to_float
        >>> to_float(3, "Value"), to_float(True, "mul")
        (3.0, 1.0)
        >>> to_float(10 ** 400, "mul")
        Traceback (most recent call last):
        ...
        ValueError: mul: 1000000000000...000000 (401 digits) is too large for a float
    """
    if type(x) is float:
        f = x
    elif isinstance(x, (numbers.Real, np.bool_)):
        try:
            f = float(x)
        except OverflowError:
            raise ValueError(f"{what}: {short_repr(x)} is too large for a float") from None
    else:
        raise TypeError(f"{what}: expected a real number or a Value, got {type(x).__name__} {short_repr(x)}")
    if f != f:
        raise ValueError(f"{what}: NaN is not a valid value")
    return f


def fmt_args(args: Sequence[Any]) -> str:
    """Operands and parameters as error messages show them (a Value by its data).

    Example:
        >>> from autograd.registry import fmt_args
        >>> fmt_args([2.0, float("-inf")])
        '2.0, -inf'
    """
    return ", ".join(repr(a if isinstance(a, (int, float)) else a.data) for a in args)


def evaluate(prim: Primitive, datas: Sequence[float]) -> float:
    """``prim``'s value on floats: its domain check, then its forward, as a float.

    Bad input is a ``ValueError`` naming the op and its operands, never a NaN
    or a complex number: a failed domain check, an overflow, a NaN result.

    Example:
        >>> from autograd.primitives import PRIMITIVES
        >>> from autograd.registry import evaluate
        >>> evaluate(PRIMITIVES["mul"], [2.0, 3.0])
        6.0
        >>> evaluate(PRIMITIVES["log"], [-1.0])
        Traceback (most recent call last):
        ...
        ValueError: log(-1.0): input must be > 0
    """
    dom = prim.domain
    if dom is not None and not dom[0](*datas):
        raise ValueError(f"{prim.name}({fmt_args(datas)}): {dom[1]}")
    try:
        out = prim.forward(FLOAT, *datas)
    except OverflowError as e:
        raise ValueError(f"{prim.name}({fmt_args(datas)}): result overflows a float") from e
    except (ValueError, ZeroDivisionError) as e:
        raise ValueError(f"{prim.name}({fmt_args(datas)}): {e}") from e
    if out != out:
        raise ValueError(f"{prim.name}({fmt_args(datas)}): result is NaN")
    return float(out)


def chain_rule(prim: Primitive, out: Any, args: Sequence[Any], g: Any,
               m: Any = FLOAT, where: str = "backward") -> list[Any]:
    """One step of backpropagation: what a node passes back to each operand.

    The node computed ``out = prim(*args)`` (``args``: its operands' data,
    then its constant parameters) and has received the gradient ``g``
    (d root / d out).  By the chain rule, operand ``k`` gets
    ``g * d out / d args[k]``; this returns those contributions as a list,
    one per operand (parameters get none).  The caller adds each to its operand's
    gradient, and refuses a sum that is NaN (:func:`nan_gradient_error`).

    **The zero-gradient rule**: when ``g`` is exactly zero (a float ``0.0``
    or ``-0.0``), the node passes nothing: this returns ``[]`` without
    evaluating a local derivative, so ``sqrt(x) * 0.0`` at x = 0 has gradient
    0, not an error.  A ``g`` that is a Value (``grad(..., create_graph=True)``)
    always passes, even with data 0: its own derivative need not be zero.

    ``m`` is the math namespace (:data:`~autograd.mathspaces.FLOAT` for
    floats; ``autograd.functional.VALUE`` for Values); ``where`` begins the
    error message.  A local derivative that cannot be evaluated (sqrt at 0)
    is a ``ValueError``: "backward through sqrt(0.0): local derivative is not
    finite (...)".

    Example:
        >>> from autograd.primitives import PRIMITIVES
        >>> from autograd.registry import chain_rule
        >>> mul = PRIMITIVES["mul"]                     # out = a * b = 6
        >>> chain_rule(mul, 6.0, [2.0, 3.0], 10.0)      # 10 * d out/da, 10 * d out/db
        [30.0, 20.0]
        >>> chain_rule(PRIMITIVES["sqrt"], 0.0, [0.0], 0.0)   # gradient 0: nothing passes
        []
    """
    if g == 0 and isinstance(g, (int, float)):  # (a Value never == 0: == is identity)
        return []
    try:
        local = prim.derivs(m, out, *args)
    except (ZeroDivisionError, OverflowError, ValueError) as e:
        raise ValueError(f"{where} through {prim.name}({fmt_args(args)}): "
                         f"local derivative is not finite ({e})") from e
    return [g * d for d in local]


def nan_gradient_error(where: str, prim: Primitive, out: float, datas: Sequence[float], k: int,
                       g: float, held: float, total: float | None = None) -> ValueError:
    """The error for a gradient that would be NaN at operand ``k`` of a node.

    Within one call (``total`` None), operand ``k``'s gradient so far,
    ``held``, plus what the node passes, ``g * d``, is NaN.  Across calls
    (``total`` given), this call's whole gradient ``total`` plus what
    ``.grad`` ``held`` from earlier calls is NaN.  Returned, for the caller
    to raise.

    Example:
        >>> from autograd.primitives import PRIMITIVES
        >>> from autograd.registry import nan_gradient_error
        >>> inf = float("inf")                          # inf * d(2 * 0)/d2 = inf * 0
        >>> print(nan_gradient_error("backward", PRIMITIVES["mul"], 0.0, [2.0, 0.0], 0, inf, 0.0))
        backward through mul(2.0, 0.0): gradient is NaN (incoming gradient inf, local derivative 0.0)
    """
    head = f"{where} through {prim.name}({fmt_args(datas)}): gradient is NaN"
    if total is not None:
        return ValueError(
            f"{head} (this call's gradient {total!r} added to the {held!r} that .grad holds from "
            "earlier calls; reset gradients between calls: zero_grad() or v.grad = 0.0)")
    try:
        d = prim.derivs(FLOAT, out, *datas)[k]
    except (ZeroDivisionError, OverflowError, ValueError):  # pragma: no cover (it was evaluated once)
        d = math.nan
    if g * d != g * d:
        return ValueError(f"{head} (incoming gradient {g!r}, local derivative {d!r})")
    return ValueError(f"{head} ({g * d!r} passed back to an operand whose gradient so far "
                            f"is {held!r})")


def nan_seed_error(seed: float, held: float) -> ValueError:
    """The error for ``backward(seed)`` on an output whose ``.grad`` holds ``held``
    from earlier calls, when the sum would be NaN (``inf`` and ``-inf``).

    Example:
        >>> from autograd.registry import nan_seed_error
        >>> str(nan_seed_error(float("-inf"), float("inf"))).split(",")[0]
        "backward(-inf): the output's .grad holds inf from earlier calls"
    """
    return ValueError(
        f"backward({seed!r}): the output's .grad holds {held!r} from earlier calls, and adding "
        "this call's gradient gives NaN; reset gradients between calls: zero_grad() or v.grad = 0.0")


def micrograd_op(prim: Primitive | None, args: Sequence[Any]) -> str:
    """The op symbol micrograd would give a node: ``Value._op`` in both engines.

    ``'+'``, ``'*'``, ``'tanh'``, ``'exp'``, ``'ReLU'``, ``'**2'`` (an
    integer-valued exponent prints as an int), ``''`` for a leaf; ops
    micrograd lacks get the table's symbol (``'-'``, ``'/'``, ``'log'``).

    Example:
        >>> from autograd.primitives import PRIMITIVES
        >>> from autograd.registry import micrograd_op
        >>> micrograd_op(PRIMITIVES["pow"], [3.0, 2.0]), micrograd_op(PRIMITIVES["relu"], [1.0])
        ('**2', 'ReLU')
    """
    if prim is None:
        return ""
    if prim.name == "pow":
        c = args[1]
        return f"**{int(c) if float(c).is_integer() else c}"
    return _MICROGRAD_SYMBOLS.get(prim.name, prim.symbol)


_MICROGRAD_SYMBOLS = {"relu": "ReLU"}
