"""Checking a new primitive's rules before :func:`autograd.register` adds them.

A rule (a primitive's value, or its local derivatives) is written against a
math namespace ``m`` so that one line runs on floats, on numpy arrays and on
Values (:mod:`autograd.mathspaces`).  A rule that calls anything else on an
operand breaks that where nobody looks: ``math.sin(x)`` works on floats, but
on a Value it reads the number and returns a constant, so
``grad(..., create_graph=True)`` differentiates a constant and silently gives
a second derivative of 0; on a batch (``autograd.compile``) it fails.

:func:`check_rules` runs both rules once on stand-in operands.  Arithmetic
and ``m``'s functions on a stand-in give stand-ins; everything that would
turn one into a plain number (``float(x)``, ``math.*``, numpy's functions),
branch on its value (``if x > 0``) or call a function ``m`` does not have is
refused by name, as is a derivative rule that does not return one local
derivative per operand.  Constant parameters (``leaky_relu``'s alpha) are
passed as real numbers: a rule may do anything with them.

Example:
    >>> import math
    >>> from autograd.rulecheck import check_rules
    >>> check_rules("sin", 1, lambda m, x: m.sin(x), lambda m, out, x: (m.cos(x),))
    >>> check_rules("sin", 1, lambda m, x: m.sin(x), lambda m, out, x: (math.cos(x),))
    Traceback (most recent call last):
    ...
    ValueError: register('sin'): its derivative rule calls a function outside the namespace m (math.cos?)...
"""
from __future__ import annotations

import builtins
import numbers
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any

from .mathspaces import NAMES

__all__ = ["check_rules"]

_PAGE = "docs/add-an-operation.md"
_FLOAT_ONLY = ("float", "int", "round", "complex")   # builtins that read the number


class _Refused(BaseException):
    """Raised from inside a stand-in: the rule did something that only works on
    floats.  A BaseException, so that no ``except Exception`` on the way (in the
    rule, or in numpy's fallbacks) can swallow it."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(kind, detail)
        self.kind = kind          # "outside", "not_in_m", "branch", "attribute"
        self.detail = detail      # the call, the function or the attribute


class StandIn:
    """An operand that allows what works on floats, arrays and Values alike:
    ``+ - * / **``, unary ``- + abs``, comparisons used as numbers, and ``m``'s
    functions.  Whatever reads its number refuses (:class:`_Refused`)."""

    __slots__ = ()

    def _arith(self, other: Any) -> Any:
        return StandIn() if isinstance(other, (StandIn, numbers.Real)) else NotImplemented

    __add__ = __radd__ = __sub__ = __rsub__ = __mul__ = __rmul__ = _arith
    __truediv__ = __rtruediv__ = __pow__ = __rpow__ = _arith

    def __neg__(self) -> StandIn:
        return StandIn()

    __pos__ = __abs__ = __neg__

    def _compare(self, other: Any) -> Any:
        return _Truth() if isinstance(other, (StandIn, numbers.Real)) else NotImplemented

    __lt__ = __le__ = __gt__ = __ge__ = __eq__ = __ne__ = _compare
    __hash__ = None  # type: ignore[assignment]

    def __bool__(self) -> bool:
        raise _Refused("branch")

    def _reads_number(self, *args: Any) -> Any:
        raise _Refused("outside", _call_site())

    __float__ = __int__ = __index__ = __complex__ = _reads_number
    __round__ = __trunc__ = __floor__ = __ceil__ = __array__ = _reads_number

    def __array_ufunc__(self, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
        # numpy's scalars reach here for `np.float64(2) * x`: arithmetic is fine.
        if method == "__call__" and ufunc.__name__ in _NUMPY_ARITHMETIC:
            return StandIn()
        raise _Refused("outside", f"np.{ufunc.__name__}")

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any) -> Any:
        raise _Refused("outside", f"np.{func.__name__}")

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__"):   # protocol probes (numpy's, copy's) just miss
            raise AttributeError(name)
        raise _Refused("attribute", name)

    def __repr__(self) -> str:
        return "x"


class _Truth(StandIn):
    """A comparison's result: fine as a number (``(x > 0) * 1.0``) or combined
    with ``& | ~``; refused as a Python bool (``if``, ``and``, ``max``)."""

    __slots__ = ()

    def _logic(self, other: Any) -> Any:
        return _Truth() if isinstance(other, (StandIn, numbers.Real)) else NotImplemented

    __and__ = __rand__ = __or__ = __ror__ = __xor__ = __rxor__ = _logic

    def __invert__(self) -> _Truth:
        return _Truth()


_NUMPY_ARITHMETIC = {"add", "subtract", "multiply", "true_divide", "divide", "power"}


def _one(x: Any) -> StandIn:
    return StandIn()


def _two(x: Any, alpha: Any) -> StandIn:
    return StandIn()


def _many(xs: Sequence[Any]) -> StandIn:
    list(xs)   # a sequence, as the real fsum and dot take
    return StandIn()


class _ProbeMath:
    """The namespace the stand-ins run with: :data:`~autograd.mathspaces.NAMES`,
    and a function a learner added to all three namespaces (docs/add-an-operation.md)."""

    def __getattr__(self, name: str) -> Callable[..., Any]:
        if name.startswith("__"):
            raise AttributeError(name)
        if name in NAMES:
            return _many if name in ("fsum", "dot") else _two if name == "slope" else _one
        if _everywhere(name):
            return lambda *args: StandIn()
        raise _Refused("not_in_m", name)


def _has(name: str) -> list[bool]:
    """Whether FLOAT, NUMPY and VALUE each have a function ``name``."""
    from .mathspaces import FLOAT, NUMPY
    functional = sys.modules.get("autograd.functional")   # not yet imported while the table fills
    spaces = (FLOAT, NUMPY, getattr(functional, "VALUE", None))
    return [callable(getattr(space, name, None)) for space in spaces]


def _everywhere(name: str) -> bool:
    return all(_has(name))


_M = _ProbeMath()
_DOTTED = re.compile(r"[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*")


def _call_site() -> str:
    """The function the rule called on a stand-in, read from the calling
    frame: its source (Python 3.11+ knows each instruction's columns), or else
    the global names the code loads (``math.sin``); ``""`` if neither says."""
    import dis  # only a refused rule gets here: no import cost for the table
    import linecache
    frame = sys._getframe(1)
    # Skip this module, and numpy's own Python code (np.sum's wrappers): the
    # call to name is the one the rule's code made.
    while frame is not None and (frame.f_code.co_filename == _call_site.__code__.co_filename
                                 or str(frame.f_globals.get("__name__")).split(".")[0] == "numpy"):
        frame = frame.f_back   # type: ignore[assignment]
    if frame is None:
        return ""
    code = frame.f_code
    positions = getattr(code, "co_positions", None)
    if positions is not None:
        pos = list(positions())[frame.f_lasti // 2: frame.f_lasti // 2 + 1]
        if pos and pos[0][0] is not None and pos[0][2] is not None:
            line = linecache.getline(code.co_filename, pos[0][0], frame.f_globals)
            head = line.encode()[pos[0][2]:].decode(errors="replace").split("(", 1)[0].strip()
            if _DOTTED.fullmatch(head):
                return head
    # Without the source: every dotted global the code loads (math.sin), and the
    # builtins that read a number (float), as candidates.
    names: list[str] = []
    chain = ""
    for op, arg in [(i.opname, str(i.argval)) for i in dis.get_instructions(code)] + [("", "")]:
        if op in ("LOAD_ATTR", "LOAD_METHOD") and chain:
            chain += f".{arg}"
            continue
        if chain and chain not in names and (not hasattr(builtins, chain) or chain in _FLOAT_ONLY):
            names.append(chain)
        chain = arg if op in ("LOAD_GLOBAL", "LOAD_NAME", "LOAD_DEREF") else ""
    return " or ".join(names)


def _message(name: str, which: str, refused: _Refused) -> str:
    head = f"register({name!r}): its {which} rule"
    if refused.kind == "not_in_m":
        some = [n for n, has in zip(("FLOAT", "NUMPY", "VALUE"), _has(refused.detail)) if has]
        partly = f"; it was added to {' and '.join(some)} only" if some else ""
        return (f"{head} calls m.{refused.detail}, which the namespace m does not have (it has "
                f"{', '.join(NAMES)}{partly}): compose it from those, or add it to all three "
                f'namespaces; see {_PAGE}, "A function m does not have"')
    if refused.kind == "branch":
        return (f"{head} uses an operand as a bool (if x > 0, and/or, max/min): compiled, a rule "
                "runs on a whole batch at once, where that has no single answer. Write it with "
                "arithmetic on the comparison, (x > 0) * 1.0, or with m.step(x), m.sign(x), "
                f"m.slope(x, alpha), m.relu(x) or m.abs(x); see {_PAGE}")
    if refused.kind == "attribute":
        fix = (f"write m.{refused.detail}(x)" if refused.detail in NAMES
               else "use arithmetic and m's functions")
        return (f"{head} uses x.{refused.detail} on an operand: an operand is a float, a numpy "
                f"array or a Value depending on where the rule runs; {fix}; see {_PAGE}")
    call = refused.detail
    leaf = call.rsplit(".", 1)[-1]
    if leaf in NAMES:
        fix = f"write m.{leaf}(...) instead"
    elif leaf in _FLOAT_ONLY:
        fix = "keep the operand as it is: arithmetic and m's functions work on every kind"
    else:
        fix = ('if m has no such function, compose it from m\'s functions or add it to the '
               'namespaces ("A function m does not have")')
    guess = f" ({call}?)" if call else ""
    return (f"{head} calls a function outside the namespace m{guess}: on a Value that reads the "
            "number and returns a constant, so grad(..., create_graph=True) would silently give 0, "
            f'and on a batch it fails; {fix}; see {_PAGE}, "Why math.* is refused"')


def _trials(name: str, arity: int | None, forward: Callable[..., Any]) -> list[tuple[int, tuple[float, ...]]]:
    """(operand count, parameters) to run the rules with, until one run is clean:
    a parameter may be constrained (an exponent, a rate), so several are tried."""
    if arity is None:
        return [(n, ()) for n in (2, 3, 1, 4)]
    from .registry import _param_count  # registry imports this module: looked up at call time
    n_params = _param_count(arity, forward) or 0   # any number, or unknown: try none
    if n_params < 0:
        raise ValueError(f"register({name!r}): arity is {arity}, but the value rule takes "
                         f"{arity + n_params} operand(s) after m; write it as lambda m, "
                         f"{', '.join(f'x{i}' for i in range(arity))}: ...")
    return [(arity, (c,) * n_params) for c in ((0.5, 2.0, -1.5, 3.0) if n_params else (0.5,))]


def check_rules(name: str, arity: int | None, forward: Callable[..., Any],
                derivs: Callable[..., Any]) -> None:
    """Refuse, with a ``ValueError`` naming the op and the call, rules that
    would not run on every namespace (floats, numpy arrays, Values).

    Both rules run once on stand-in operands (and real numbers for constant
    parameters).  Refused: a call outside ``m`` on an operand (``math.sin``,
    ``np.sin``, ``float``), a function ``m`` does not have, an operand used as
    a bool, an operand's attribute (``x.exp()``), a derivative rule that does
    not return a tuple with one number per operand, and rules that fail on
    every trial.

    Example:
        >>> from autograd.rulecheck import check_rules
        >>> check_rules("cube", 1, lambda m, x: x ** 3, lambda m, out, x: (3 * x ** 2,))
        >>> check_rules("cube", 1, lambda m, x: x ** 3, lambda m, out, x: (3 * x ** 2))
        Traceback (most recent call last):
        ...
        ValueError: register('cube'): its derivative rule returns a single value; ...
    """
    first: tuple[str, BaseException] | None = None
    for n, params in _trials(name, arity, forward):
        which = "value"
        try:
            args = (*[StandIn() for _ in range(n)], *params)
            out = forward(_M, *args)
            which = "derivative"
            _check_result(name, n, out, derivs(_M, StandIn(), *args))
            return
        except _Refused as refused:
            raise ValueError(_message(name, which, refused)) from None
        except _Malformed as bad:
            raise ValueError(f"register({name!r}): {bad}; see {_PAGE}") from None
        except Exception as e:   # maybe a parameter out of its range: try the next
            if first is None:
                first = (which, e)
    assert first is not None
    which, error = first
    raise ValueError(f"register({name!r}): its {which} rule fails on stand-in operands "
                     f"({type(error).__name__}: {error}); a rule may use + - * / **, comparisons "
                     f"as numbers and m's functions on its operands; see {_PAGE}") from error


class _Malformed(Exception):
    """A rule ran but returned the wrong shape of answer."""


def _check_result(name: str, n: int, out: Any, local: Any) -> None:
    if not isinstance(out, (StandIn, numbers.Real)):
        raise _Malformed(f"its value rule returns {type(out).__name__} {out!r}, not a number")
    if isinstance(local, (StandIn, numbers.Real)):
        like = "(d,) with a trailing comma" if n == 1 else f"a tuple of {n}"
        raise _Malformed("its derivative rule returns a single value; it must return a tuple "
                         f"with one local derivative per operand: {like}")
    if not isinstance(local, (tuple, list)) or len(local) != n:
        got = f"{len(local)} values" if isinstance(local, (tuple, list)) else type(local).__name__
        raise _Malformed("its derivative rule must return a tuple with one local derivative "
                         f"per operand ({n} here), got {got}")
    for k, d in enumerate(local):
        if not isinstance(d, (StandIn, numbers.Real)):
            raise _Malformed(f"its derivative rule's entry {k} is {type(d).__name__} {d!r}, "
                             "not a number")
