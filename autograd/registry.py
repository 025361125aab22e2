"""The machinery behind the table of primitives, and the ways both engines use an entry.

The table itself, one entry per operation, is :mod:`autograd.primitives`;
read that first.  This module says what an entry is (:class:`Primitive`,
:func:`register`, the ``PRIMITIVES`` dict that the engines, ``grad``, the
compiler and the pictures look entries up in) and how both engines use one:

* :func:`lookup`, :func:`check_args`, :func:`evaluate`: ``apply``'s checks
  and an entry's value on numbers, refusing bad input by name (an unknown
  name, a Value where a constant belongs, a failed domain check, an overflow,
  a NaN result);
* :func:`chain_rule`: one step of backpropagation through an entry: what a
  node passes back to each operand, refusing a local derivative that is not
  finite;
* :func:`gradients`, :func:`commit`, :func:`guarded_backward`: **the plain
  rule with every guard**, shared by both engines: ``chain_rule`` at every
  node in reverse topological order, each sum checked (a node made by a
  learner's closure runs it instead: :func:`autograd.closures.run_closure`).  ``grad``,
  ``Value._backward`` and the fast ``backward``'s slow path run it; the plain
  engine writes the rule out itself and calls it only to name what went wrong;
* :func:`to_float`, :func:`fmt_args` and the error texts both engines share,
  so they fail alike, word for word.

Example:
    >>> from autograd.registry import PRIMITIVES
    >>> import autograd.primitives          # fills the table
    >>> PRIMITIVES["mul"].symbol, PRIMITIVES["mul"].arity
    ('*', 2)
"""
from __future__ import annotations

import contextlib
import inspect
import math
import numbers
import pickle
from collections.abc import Callable, Iterator, Sequence
from types import FunctionType
from typing import Any

import numpy as np

from .closures import GUIDE, Closure, no_rule_error, raised_in_closure, run_closure
from .mathspaces import FLOAT
from .rulecheck import check_rules

__all__ = ["Primitive", "PRIMITIVES", "BUILT_IN", "register", "Domain", "lookup", "check_args",
           "evaluate", "chain_rule", "derivs_known_finite", "gradients",
           "pass_back", "backward_step", "held_grad", "commit", "guarded_backward", "to_float",
           "short_repr", "fmt_args", "node_text", "nan_gradient_error", "nan_seed_error", "micrograd_op"]

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

    ``finite_derivs`` says that the local derivatives are finite wherever
    the operands are (constants, the operands, bounded functions), so that
    a zero gradient need not evaluate them (:func:`chain_rule`).  It is
    False unless :mod:`autograd.primitives` sets it on one of its own
    entries (before the engine reads them), so that a rule registered
    later, which nobody has vetted, is evaluated and checked.

    A primitive is shared, never copied: ``copy.deepcopy`` gives the object
    itself, and ``pickle`` stores a table entry by its name (the lambdas
    cannot be pickled), so a graph or a model copies and pickles whole.

    Example:
        >>> from autograd.primitives import PRIMITIVES
        >>> PRIMITIVES["leaky_relu"].operands((-2.0, 0.01))
        (-2.0,)
    """

    __slots__ = ("name", "symbol", "arity", "forward", "derivs", "domain", "finite_derivs")

    def __init__(self, name: str, symbol: str, arity: int | None,
                 forward: Callable[..., Any], derivs: Callable[..., tuple[Any, ...]],
                 domain: Domain | None = None) -> None:
        self.name = name
        self.symbol = symbol
        self.arity = arity
        self.forward = forward
        self.derivs = derivs
        self.domain = domain
        self.finite_derivs = False

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

    def __copy__(self) -> Primitive:
        return self

    def __deepcopy__(self, memo: dict) -> Primitive:
        return self

    def __reduce__(self) -> tuple[Any, tuple[str]]:
        if PRIMITIVES.get(self.name) is not self:
            raise pickle.PicklingError(
                f"cannot pickle primitive {self.name!r}: it is not the table's entry of that name, "
                "and its functions cannot be pickled; register it (autograd.register) in the "
                "program that pickles and in the one that loads")
        return _from_table, (self.name,)


def _from_table(name: str) -> Primitive:
    """Unpickling: the table's entry called ``name``."""
    prim = PRIMITIVES.get(name)
    if prim is None:
        raise pickle.UnpicklingError(
            f"the pickled graph uses primitive {name!r}, which is not in this program's table: "
            "register it (autograd.register) before loading")
    return prim


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


# ---- apply's checks, and an entry's value on numbers ---------------------------------

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
    """Operands and parameters as error messages show them (a Value by its data;
    a huge int shortened).

    Example:
        >>> from autograd.registry import fmt_args
        >>> fmt_args([2.0, float("-inf"), 10 ** 30])
        '2.0, -inf, 1000000000000...000000 (31 digits)'
    """
    return ", ".join(short_repr(a if isinstance(a, (int, float)) else a.data) for a in args)


def lookup(prim: Primitive | str, where: str = "apply") -> Primitive:
    """The table's entry called ``prim``, or ``prim`` itself when it is a primitive.

    Example:
        >>> from autograd.registry import lookup
        >>> lookup("mul").name
        'mul'
        >>> try:
        ...     lookup("mull")
        ... except ValueError as e:
        ...     print(str(e)[:50])
        apply: no primitive named 'mull'; known: abs, add,
    """
    if isinstance(prim, str):
        found = PRIMITIVES.get(prim)
        if found is None:
            raise ValueError(f"{where}: no primitive named {prim!r}; known: {', '.join(sorted(PRIMITIVES))}")
        return found
    if not hasattr(prim, "forward") or not hasattr(prim, "derivs"):
        raise TypeError(f"{where}: expected a Primitive or its name, got {type(prim).__name__} {prim!r}")
    if prim.derivs is None or prim.forward is None:
        raise TypeError(f"{where}: {prim!r} is the op of a node made by a closure, not a rule "
                        f"that can be applied; add it to the table to apply it: {GUIDE}")
    return prim


def check_args(prim: Primitive, args: Sequence[Any], is_value: Callable[[Any], bool],
               where: str = "apply") -> None:
    """Refuse ``args`` that do not fit ``prim``, by name: a wrong count, an odd
    number of ``dot`` operands, a Value where a constant parameter belongs
    (``x ** c``'s exponent, ``leaky_relu``'s alpha).  Both engines' ``apply``.

    Example:
        >>> from autograd import Value
        >>> from autograd.registry import check_args, lookup
        >>> is_value = lambda a: isinstance(a, Value)
        >>> check_args(lookup("dot"), (Value(2.0), Value(3.0), 4.0), is_value)
        Traceback (most recent call last):
        ...
        ValueError: apply: dot takes an even number of operands (xs, then as many ws), got 3
    """
    n = len(args)
    if prim.arity is None:
        if prim.name == "dot" and n % 2:
            raise ValueError(f"{where}: dot takes an even number of operands (xs, then as many ws), got {n}")
        return
    n_params = _param_count(prim.arity, prim.forward)
    if n_params is not None and n != prim.arity + n_params:
        raise TypeError(f"{where}: {prim.name} takes {prim.arity} operand(s) and "
                        f"{n_params} parameter(s), got {n} argument(s)")
    for i in range(prim.arity, n):
        if is_value(args[i]):
            hint = ": use x ** y (vpow) to differentiate both" if prim.name in ("pow", "rpow") else ""
            raise TypeError(f"{where}: {prim.name}'s argument {i + 1} is a constant parameter "
                            f"(a number), got a Value{hint}")


_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _param_count(arity: int, forward: Callable[..., Any]) -> int | None:
    """How many constant parameters ``forward(m, *operands, *params)`` takes
    after ``m`` and ``arity`` operands (negative: it takes fewer operands);
    ``None`` when it takes any number (``*args``) or says nothing (a builtin).
    ``register`` (:mod:`autograd.rulecheck`) and ``apply`` both count this way."""
    if type(forward) is FunctionType and not hasattr(forward, "__wrapped__"):
        # A lambda or a def, nearly every rule: its code object says it, at apply's pace.
        code = forward.__code__
        return None if code.co_flags & inspect.CO_VARARGS else code.co_argcount - 1 - arity
    # A bound method (self is not counted), a functools.partial, a decorated function.
    try:
        kinds = [p.kind for p in inspect.signature(forward).parameters.values()]
    except (TypeError, ValueError):
        return None
    if inspect.Parameter.VAR_POSITIONAL in kinds:
        return None
    return sum(k in _POSITIONAL for k in kinds) - 1 - arity


def evaluate(prim: Primitive, datas: Sequence[Any]) -> float:
    """``prim``'s value on numbers: its domain check, then its forward, as a float.

    Bad input is a ``ValueError`` naming the op and its operands, never a NaN
    or a complex number: a failed domain check, an overflow (also an int
    result too large for a float), a NaN result.  numpy scalars are computed
    as Python floats; ints stay exact until the result is rounded once.

    Example:
        >>> from autograd.primitives import PRIMITIVES
        >>> from autograd.registry import evaluate
        >>> evaluate(PRIMITIVES["mul"], [2, 3])
        6.0
        >>> evaluate(PRIMITIVES["log"], [-1.0])
        Traceback (most recent call last):
        ...
        ValueError: log(-1.0): input must be > 0
    """
    datas = [d if type(d) is float or type(d) is int else to_float(d, prim.name) for d in datas]
    dom = prim.domain
    if dom is not None and not dom[0](*datas):
        raise ValueError(f"{prim.name}({fmt_args(datas)}): {dom[1]}")
    try:
        out = float(prim.forward(FLOAT, *datas))
    except OverflowError as e:
        raise ValueError(f"{prim.name}({fmt_args(datas)}): result overflows a float") from e
    except (ValueError, ZeroDivisionError) as e:
        raise ValueError(f"{prim.name}({fmt_args(datas)}): {e}") from e
    if out != out:
        raise ValueError(f"{prim.name}({fmt_args(datas)}): result is NaN")
    return out


# ---- one step of backpropagation ----------------------------------------------------

def derivs_known_finite(prim: Primitive) -> bool:
    """True when ``prim``'s local derivatives are certainly finite at finite
    operands, without evaluating them: its entry says so
    (:attr:`Primitive.finite_derivs`, set in :mod:`autograd.primitives`).

    Example:
        >>> from autograd.primitives import PRIMITIVES
        >>> from autograd.registry import derivs_known_finite
        >>> derivs_known_finite(PRIMITIVES["tanh"]), derivs_known_finite(PRIMITIVES["sqrt"])
        (True, False)
    """
    return prim.finite_derivs


def _data_of(x: Any) -> Any:
    return getattr(x, "data", x)


def _not_finite(where: str, prim: Primitive, args: Sequence[Any], why: str) -> ValueError:
    return ValueError(f"{where} through {prim.name}({fmt_args(args)}): local derivative is "
                      f"not finite ({why})")


def _local(prim: Primitive, out: Any, args: Sequence[Any], m: Any, where: str,
           wanted: Sequence[bool] | None) -> tuple[Any, ...]:
    """``prim``'s local derivatives; one that an operand receives and that is
    not finite although every arg is (a pole, an overflow) is refused."""
    try:
        local = prim.derivs(m, out, *args)
    except (ZeroDivisionError, OverflowError, ValueError) as e:
        raise _not_finite(where, prim, args, str(e)) from e
    for k, d in enumerate(local):
        dd = _data_of(d)
        if dd - dd != 0 and (wanted is None or wanted[k]):  # inf or NaN ...
            datas = [_data_of(a) for a in args]
            if all(a - a == 0 for a in datas):  # ... from finite args: not IEEE inf carried on
                raise _not_finite(where, prim, args, f"{dd!r} for operand {k}")
    return local


def chain_rule(prim: Primitive, out: Any, args: Sequence[Any], g: Any,
               m: Any = FLOAT, where: str = "backward",
               wanted: Sequence[bool] | None = None) -> list[Any]:
    """One step of backpropagation: what a node passes back to each operand.

    The node computed ``out = prim(*args)`` (``args``: its operands' data,
    then its constant parameters) and has received the gradient ``g``
    (d root / d out).  By the chain rule, operand ``k`` gets
    ``g * d out / d args[k]``; this returns those contributions as a list,
    one per operand (parameters get none).  The caller adds each to its operand's
    gradient, and refuses a sum that is NaN (:func:`nan_gradient_error`).

    **A local derivative that is not finite at finite args is refused**: a
    pole (sqrt at 0) or an overflow (1/x at 1e-200, whose derivative -1e400
    no float holds) gives ``ValueError`` "backward through sqrt(0.0): local
    derivative is not finite (...)".  Such an infinity can hide any true
    gradient (``x * log x`` at 1e-310 has derivative -712.8, not inf), so it
    is never turned into an inf or a 0.  Where an arg is itself infinite
    (``x * inf``), an infinite local derivative is IEEE arithmetic carried
    on, as for values, and passes.  ``wanted[k]`` says whether operand ``k``
    receives a gradient (a Value, not a constant); only those are checked
    (``None``: all).

    **The zero-gradient rule**: when ``g`` is a float zero, the node passes
    nothing (returns ``[]``): 0 times a finite number is 0.  Its local
    derivatives are still checked, since 0 times infinity has no value
    (``sqrt(x) ** 2`` at 0 has derivative 1, ``sqrt(x) * 0`` has 0, and both
    meet sqrt'(0) with a zero gradient), except where they are known finite
    (:func:`derivs_known_finite`).  A ``g`` that is a Value
    (``grad(..., create_graph=True)``) always passes, even with data 0: its
    own derivative need not be zero.

    ``m`` is the math namespace (:data:`~autograd.mathspaces.FLOAT` for
    floats; ``autograd.functional.VALUE`` for Values); ``where`` begins the
    error message.

    Example:
        >>> from autograd.primitives import PRIMITIVES
        >>> from autograd.registry import chain_rule
        >>> mul = PRIMITIVES["mul"]                     # out = a * b = 6
        >>> chain_rule(mul, 6.0, [2.0, 3.0], 10.0)      # 10 * d out/da, 10 * d out/db
        [30.0, 20.0]
        >>> chain_rule(mul, 6.0, [2.0, 3.0], 0.0)       # gradient 0: nothing passes
        []
        >>> chain_rule(PRIMITIVES["sqrt"], 0.0, [0.0], 0.0)
        Traceback (most recent call last):
        ...
        ValueError: backward through sqrt(0.0): local derivative is not finite (float division by zero)
    """
    if g == 0 and isinstance(g, (int, float)):  # (a Value never == 0: == is identity)
        if not derivs_known_finite(prim):  # evaluated on floats: no graph is built
            _local(prim, _data_of(out), [_data_of(a) for a in args], FLOAT, where, wanted)
        return []
    return [g * d for d in _local(prim, out, args, m, where, wanted)]


# ---- the plain rule with every guard, shared by both engines ------------------------

def held_grad(node: Any, where: str = "backward") -> float:
    """What ``node.grad`` holds from before a call, as a float: ``None`` counts
    as 0 (PyTorch's "no gradient yet"); a NaN or a non-number is refused,
    naming the node (backward never leaves either there: it was set by hand).

    Example:
        >>> from autograd import Value
        >>> from autograd.registry import held_grad
        >>> v = Value(1.0, label="v"); v.grad = None
        >>> held_grad(v)
        0.0
        >>> v.grad = float("nan")
        >>> try:
        ...     held_grad(v)
        ... except ValueError as e:
        ...     print(str(e)[:64])
        backward: the .grad of Value(data=1.0, label='v') holds nan from
    """
    h = node.grad
    if type(h) is float and h == h:
        return h
    if h is None:
        return 0.0
    if isinstance(h, (numbers.Real, np.bool_)):
        try:
            f = float(h)
        except OverflowError:
            f = math.nan                       # an int too large for a float
        if f == f:
            return f
    else:
        raise TypeError(f"{where}: the .grad of {node_text(node)} holds {type(h).__name__} "
                        f"{short_repr(h)}, not a number; set it to a number or None "
                        "(zero_grad() or v.grad = 0.0)")
    raise ValueError(f"{where}: the .grad of {node_text(node)} holds {short_repr(h)} from before "
                     "this call (backward never leaves a NaN there: it was set by hand); "
                     "reset gradients: zero_grad() or v.grad = 0.0")


def pass_back(node: Any, g: Any, grads: dict[Any, Any], m: Any = FLOAT, where: str = "grad",
              held: bool = False) -> None:
    """The plain rule at one node: :func:`chain_rule`'s share for each operand
    added into ``grads`` (this call's sums).  A float sum that is NaN is
    refused naming the op, and with ``held`` also one with what ``.grad``
    holds from earlier calls; a Value sum (``create_graph``) is a graph node,
    not checked.  A node is anything with ``_prim``, ``_args`` and ``data``
    (both engines' Values); a constant operand is a float.  A node made by a
    learner's closure has it run on this call's gradients
    (:func:`autograd.closures.run_closure`), and is refused by name with
    Values (``create_graph``): a closure cannot be differentiated again.

    Example:
        >>> from autograd import Value
        >>> from autograd.registry import pass_back
        >>> x = Value(3.0); y = x * x
        >>> grads = {}
        >>> pass_back(y, 1.0, grads); grads[x]            # both shares: 3 + 3
        6.0
    """
    prim = node._prim
    if prim.derivs is None:  # made by a learner's closure: it passes the gradient itself
        if m is not FLOAT:
            raise TypeError(no_rule_error(node, "grad(..., create_graph=True)"))
        run_closure(node, g, grads, where, held)
        return
    args = node._args
    wanted = [type(a) is not float for a in args]
    if m is not FLOAT:  # Values: the rule is evaluated on the graph itself
        for a, c in zip(args, chain_rule(prim, node, args, g, m, where, wanted)):
            if type(a) is not float:  # a constant needs no gradient
                prev = grads.get(a)
                grads[a] = c if prev is None else prev + c
        return
    # Numbers as floats (.data is writable: an int or a numpy scalar computes as a float).
    datas = [a if type(a) is float else _float_data(a, prim) for a in args]
    out = _float_data(node, prim)
    for k, (a, c) in enumerate(zip(args, chain_rule(prim, out, datas, g, m, where, wanted))):
        if type(a) is float:
            continue
        prev = grads.get(a, 0.0)
        total = prev + c  # starting from 0.0, as backward sums: the same float
        if total != total:
            raise nan_gradient_error(where, prim, out, datas, k, g, prev)
        if held:
            h = held_grad(a, where)
            if h + total != h + total:
                raise nan_gradient_error(where, prim, out, datas, k, g, h, total)
        grads[a] = total


def _float_data(v: Any, prim: Primitive) -> float:
    d = v.data
    return d if type(d) is float else to_float(d, prim.name)


def backward_step(node: Any) -> None:
    """micrograd's ``node._backward()``, in both engines: add ``node.grad``
    times each local derivative into the operands' ``.grad`` (nothing for a
    leaf), with backward's guards: :func:`pass_back`, then :func:`commit`.

    Example:
        >>> from autograd import Value
        >>> from autograd.registry import backward_step
        >>> x = Value(3.0); y = x * x; y.grad = 1.0
        >>> backward_step(y); x.grad
        6.0
    """
    shares: dict[Any, float] = {}  # an operand used twice gets both shares
    if node._prim is not None:
        pass_back(node, held_grad(node), shares, FLOAT, "backward", held=True)
    commit(list(shares), shares)   # no error: now add them to .grad


def gradients(order: Sequence[Any], seed: Any, m: Any = FLOAT, where: str = "grad",
              held: bool = False) -> dict[Any, Any]:
    """This call's gradients of the root, ``order[-1]``, with respect to every
    node of ``order`` (a topological order): the plain rule with every guard.

    :func:`pass_back` at each node in reverse order, from ``{root: seed}``.
    Every error is named here: a local derivative that is not finite, a sum
    that is NaN, and, with ``held`` (``backward``), what ``.grad`` held from
    before the call (a NaN or a non-number there, checked before anything
    else, or a sum with it that is NaN).  Both engines name their errors with
    it, so they fail alike; ``grad`` and ``_backward`` use it directly.

    Example:
        >>> from autograd import Value, topological_order
        >>> from autograd.registry import gradients
        >>> x = Value(3.0); y = x * x + x
        >>> gradients(topological_order(y), 1.0)[x]       # 2x + 1
        7.0
    """
    root = order[-1]
    if held:
        for node in order:
            held_grad(node, where)
    grads: dict[Any, Any] = {root: seed}
    get = grads.get
    for node in reversed(order):
        if node._prim is not None:
            # A node nothing reached has gradient 0: it passes nothing, but
            # its local derivatives are still checked (the zero-gradient rule).
            pass_back(node, get(node, 0.0), grads, m, where, held)
    if held:
        h = held_grad(root, where)
        if h + seed != h + seed:
            raise nan_seed_error(seed, h)
    return grads


def commit(nodes: Sequence[Any], grads: dict[Any, float]) -> None:
    """Add this call's gradients into each node's ``.grad``, all or nothing:
    the new values are computed first, and if setting them is interrupted
    (Ctrl-C), the old ones are put back.  ``None`` counts as 0.

    Example:
        >>> from autograd import Value
        >>> from autograd.registry import commit
        >>> x = Value(1.0); x.grad = 0.5
        >>> commit([x], {x: 2.0}); x.grad
        2.5
    """
    new = []
    for v in nodes:
        h = held_grad(v)
        t = grads.get(v, 0.0)
        new.append(h + t if h else t)
    old = [v.grad for v in nodes]
    try:
        for v, value in zip(nodes, new):
            v.grad = value
    except BaseException:
        for v, value in zip(nodes, old):
            v.grad = value
        raise


@contextlib.contextmanager
def guarded_backward(order: Sequence[Any], grads: dict[Any, float]) -> Iterator[None]:
    """The plain engine's guards, around its backward loop and out of its way.

    The loop fills ``grads`` (this call's gradients, from ``{root: seed}``).
    When it ends with every gradient finite and every ``.grad`` a finite
    float, the gradients are added into ``.grad`` (:func:`commit`).
    Otherwise (a local derivative that failed or is not finite, a NaN, an
    infinity, a ``.grad`` that is NaN, None or not a float) the plain rule
    with every guard (:func:`gradients`) walks again: it raises the error
    the fast engine raises, word for word, or confirms the numbers (an
    infinite gradient is allowed), and only then is ``.grad`` changed.

    Example:
        >>> from autograd.plain import Value, topological_order
        >>> from autograd.registry import guarded_backward
        >>> x = Value(0.0); y = x.sqrt()
        >>> order = topological_order(y); grads = {v: 0.0 for v in order}; grads[y] = 1.0
        >>> with guarded_backward(order, grads):
        ...     grads[x] += 0.5 / y.data            # sqrt'(0): ZeroDivisionError
        Traceback (most recent call last):
        ...
        ValueError: backward through sqrt(0.0): local derivative is not finite (float division by zero)
    """
    try:
        yield
        ok = (all(type(g) is float and g - g == 0 for g in grads.values())
              and all(type(v.grad) is float and v.grad - v.grad == 0 for v in order))
    except Exception as e:
        if raised_in_closure(e):
            raise     # a learner's closure raised: their error, and nothing has changed
        ok = False  # a rule that failed on its operands: named just below
    if not ok:
        grads = gradients(order, grads[order[-1]], FLOAT, "backward", held=True)
    commit(order, grads)


# ---- error texts both engines share ---------------------------------------------------

def node_text(node: Any) -> str:
    """A node as error messages name it: its op and operands, or a leaf's data and label.

    Example:
        >>> from autograd import Value
        >>> from autograd.registry import node_text
        >>> x = Value(2.0, label="x")
        >>> node_text(x), node_text(x * 3)
        ("Value(data=2.0, label='x')", 'mul(2.0, 3.0)')
    """
    if node._prim is not None:
        return f"{node._prim.name or 'an op with no name'}({fmt_args(node._args)})"
    label = f", label={node.label!r}" if node.label else ""
    return f"Value(data={short_repr(node.data)}{label})"


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


def micrograd_op(prim: Primitive | Closure | None, args: Sequence[Any]) -> str:
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
    if prim.derivs is None:  # a learner's own op: the string it was made with
        return prim.name
    if prim.name == "pow":
        c = args[1]
        return f"**{int(c) if float(c).is_integer() else c}"
    return _MICROGRAD_SYMBOLS.get(prim.name, prim.symbol)


_MICROGRAD_SYMBOLS = {"relu": "ReLU"}
