"""``grad``, ``no_grad`` and ``gradcheck``: the engine's functional interface.

``grad`` is the plain rule (:func:`~autograd.registry.chain_rule` at every
node, in reverse topological order, summed in a dict), on floats or, with
``create_graph=True``, on Values so that the result can be differentiated
again.  docs/engine.md gives the exact semantics.

Example:
    >>> from autograd import Value, grad
    >>> x = Value(2.0)
    >>> (dx,) = grad(x ** 3, [x], create_graph=True)
    >>> dx.data, grad(dx, [x])[0]
    (12.0, 12.0)
"""
from __future__ import annotations

import contextlib
import math
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import Any, Literal, overload

from .closures import refuse_closures
from .engine import (
    FLOAT,
    Number,
    Value,
    _grad_enabled,
    _gradients,
    _sequence,
    apply,
    topological_order,
)
from .primitives import PRIMITIVES
from .registry import to_float

__all__ = ["grad", "no_grad", "enable_grad", "gradcheck", "GradcheckError"]


class _ValueMath:
    """Values: the namespace that makes derivative rules differentiable again.

    Every function of :data:`~autograd.mathspaces.NAMES` is here.  Smooth
    functions become graph nodes (``sin`` and ``cos`` the table's ``m.sin``
    and ``m.cos`` entries, the others the entry of the same name), so a rule's
    result can itself be differentiated; on plain numbers they give plain
    numbers.  The piecewise-constant helpers return constants (their
    derivative is zero almost everywhere).
    """

    @staticmethod
    def exp(x: Any) -> Any:
        return apply(PRIMITIVES["exp"], x)

    @staticmethod
    def log(x: Any) -> Any:
        return apply(PRIMITIVES["log"], x)

    @staticmethod
    def sqrt(x: Any) -> Any:
        return apply(PRIMITIVES["sqrt"], x)

    @staticmethod
    def sin(x: Any) -> Any:
        return apply(PRIMITIVES["m.sin"], x)

    @staticmethod
    def cos(x: Any) -> Any:
        return apply(PRIMITIVES["m.cos"], x)

    @staticmethod
    def tanh(x: Any) -> Any:
        return apply(PRIMITIVES["tanh"], x)

    @staticmethod
    def sigmoid(x: Any) -> Any:
        return apply(PRIMITIVES["sigmoid"], x)

    @staticmethod
    def softplus(x: Any) -> Any:
        return apply(PRIMITIVES["softplus"], x)

    @staticmethod
    def relu(x: Any) -> Any:
        return apply(PRIMITIVES["relu"], x)

    @staticmethod
    def abs(x: Any) -> Any:
        return apply(PRIMITIVES["abs"], x)

    @staticmethod
    def fsum(xs: Sequence[Any]) -> Any:
        return apply(PRIMITIVES["sum"], *xs)

    @staticmethod
    def dot(xw: Sequence[Any]) -> Any:
        return apply(PRIMITIVES["dot"], *xw)

    @staticmethod
    def step(x: Any) -> float:
        return FLOAT.step(float(x))

    @staticmethod
    def sign(x: Any) -> float:
        return FLOAT.sign(float(x))

    @staticmethod
    def slope(x: Any, alpha: float) -> float:
        return FLOAT.slope(float(x), alpha)


VALUE = _ValueMath()


@contextlib.contextmanager
def no_grad() -> Iterator[None]:
    """Inside this block operations record nothing: their results are leaves.

    Context-local (threads and asyncio tasks each have their own) and nestable.

    Example:
        >>> from autograd import Value, no_grad
        >>> x = Value(1.0)
        >>> with no_grad():
        ...     y = x * 2
        >>> y.is_leaf()
        True
    """
    token = _grad_enabled.set(False)
    try:
        yield
    finally:
        _grad_enabled.reset(token)


@contextlib.contextmanager
def enable_grad() -> Iterator[None]:
    """Turn recording back on inside a ``no_grad`` block.

    Example:
        >>> from autograd import Value, no_grad, enable_grad
        >>> x = Value(1.0)
        >>> with no_grad():
        ...     with enable_grad():
        ...         y = x * 2
        >>> y.is_leaf()
        False
    """
    # Inside autograd.compile's trace the mode is the trace's recorder
    # (truthy): keep it, so the nodes made here are recorded too.
    token = _grad_enabled.set(_grad_enabled.get() or True)
    try:
        yield
    finally:
        _grad_enabled.reset(token)


@overload
def grad(output: Value, inputs: Iterable[Value],
         create_graph: Literal[False] = ...) -> tuple[float, ...]: ...
@overload
def grad(output: Value, inputs: Iterable[Value],
         create_graph: Literal[True]) -> tuple[Value, ...]: ...
@overload
def grad(output: Value, inputs: Iterable[Value],
         create_graph: bool) -> tuple[float, ...] | tuple[Value, ...]: ...
def grad(output: Value, inputs: Iterable[Value],
         create_graph: bool = False) -> tuple[float, ...] | tuple[Value, ...]:
    """Derivatives of ``output`` with respect to each of ``inputs``.

    Returns a tuple with one entry per input (0.0 for an input ``output`` does
    not depend on).  No ``.grad`` is changed (see below for closures).  With
    ``create_graph=True`` the entries are Values built from the same
    derivative rules, so they can be differentiated again.

    The rules are ``backward``'s: a node whose incoming gradient is a float
    0 passes nothing; a local derivative that is not finite, or a gradient
    that would be NaN, is an error naming the op.  With ``create_graph`` a
    gradient that is a Value still passes when its data is 0 (its own
    derivative may not be 0): see docs/engine.md, "The zero-gradient rule".

    A node made the micrograd lecture's way (``Value(data, (children,),
    'op')`` with ``out._backward = closure``) has its closure run on saved
    and restored ``.grad`` s, so no ``.grad`` changes; with
    ``create_graph=True`` it is refused by name (``TypeError``): a closure
    adds floats, and cannot be differentiated again (docs/add-an-operation.md).

    Example:
        >>> from autograd import Value, grad
        >>> x = Value(2.0); y = Value(5.0)
        >>> grad(x * y, [x, y])
        (5.0, 2.0)
    """
    if callable(output) and not isinstance(output, Value):
        raise TypeError(
            "grad(output, inputs): output must be a Value. This is chaingrad's "
            "autograd.grad, not HIPS autograd's grad(fun); see the README, "
            "'Name clash with HIPS autograd'.")
    if not isinstance(output, Value):
        raise TypeError(f"grad: output must be a Value, got {type(output).__name__} {output!r}")
    if isinstance(inputs, Value):
        raise TypeError("grad: inputs must be a sequence of Values, e.g. [x], not a single Value")
    inputs = _sequence(inputs, "grad", "inputs", "a sequence of Values, e.g. [x]")
    for i, x in enumerate(inputs):
        if not isinstance(x, Value):
            raise TypeError(f"grad: inputs[{i}] must be a Value, got {type(x).__name__} {x!r}")

    order = topological_order(output)
    if create_graph:
        # A learner's closure adds floats into .grad: nothing to differentiate again.
        refuse_closures(order, "grad(..., create_graph=True)")
        token = _grad_enabled.set(_grad_enabled.get() or True)   # keeps a trace's recorder
        try:
            grads = _gradients(order, 1.0, VALUE, "grad")
        finally:
            _grad_enabled.reset(token)
        result = [grads.get(x, 0.0) for x in inputs]
        return tuple(r if isinstance(r, Value) else Value(r) for r in result)
    grads = _gradients(order, 1.0, FLOAT, "grad")
    return tuple(grads.get(x, 0.0) for x in inputs)


class GradcheckError(AssertionError):
    """Raised by :func:`gradcheck` when an analytic derivative disagrees with
    central differences; the message lists every derivative it checked.

    Example:
        >>> from autograd import GradcheckError, apply, gradcheck
        >>> from autograd.primitives import Primitive
        >>> wrong = Primitive("sq", "sq", 1, lambda m, x: x * x, lambda m, out, x: (x,))  # not 2x
        >>> try:
        ...     gradcheck(lambda x: apply(wrong, x), [3.0])
        ... except GradcheckError as e:
        ...     print(str(e).splitlines()[0])
        gradcheck failed at first order for 1 of 1 derivatives (analytic: backward's .grad):
    """


def gradcheck(f: Callable[..., Value], inputs: Sequence[Value | Number] | Value,
              eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3,
              order: int = 1) -> bool:
    """Check the derivatives of ``f`` against central differences, at first
    order, or at first and second order with ``order=2``.

    ``f`` takes one Value per input and returns a Value; ``inputs`` are
    numbers or Values (only their data is read).  Each input ``x`` moves by
    ``h = eps * max(1, |x|)`` either way, a step relative to its size, so
    x = 1e20 is checked as well as x = 1.  An analytic value ``a`` passes
    when ``|a - n| <= atol + rtol * |n|`` for the numeric value ``n``.

    * Order 1: ``backward``'s ``.grad`` of each input against
      ``(f(x + h) - f(x - h)) / 2h``.
    * Order 2 also: every second derivative d²f / dx_i dx_j, from
      ``grad(..., create_graph=True)`` differentiated again, against central
      differences of the gradient (``grad``) in x_j.  A rule that reads a
      number where it should build a node (``math.cos(x)`` instead of
      ``m.cos(x)``) is right at order 1 and caught here.

    Returns True, or raises :class:`GradcheckError` listing each analytic and
    numeric value.  (``torch.autograd.gradcheck`` and ``gradgradcheck``
    together, for scalar functions.)

    Example:
        >>> from autograd import gradcheck
        >>> gradcheck(lambda x, y: (x * y).tanh(), [0.3, -1.2])
        True
        >>> gradcheck(lambda x, y: (x * y).tanh(), [0.3, -1.2], order=2)
        True
    """
    if not callable(f):
        raise TypeError(f"gradcheck: f must be a function of Values, got {type(f).__name__} {f!r}")
    given = _sequence([inputs] if isinstance(inputs, Value) else inputs,
                      "gradcheck", "inputs", "a sequence of numbers or Values")
    if not given:
        raise ValueError("gradcheck: inputs is empty; pass the point to check, e.g. [0.5]")
    for name, tol in (("eps", eps), ("atol", atol), ("rtol", rtol)):
        t = to_float(tol, f"gradcheck {name}")
        if not (math.isfinite(t) and (t > 0 if name == "eps" else t >= 0)):
            raise ValueError(f"gradcheck: {name} must be a finite number "
                             f"{'> 0' if name == 'eps' else '>= 0'}, got {tol!r}")
    if type(order) is not int or order not in (1, 2):
        raise ValueError(f"gradcheck: order must be 1 (gradients) or 2 (also second "
                         f"derivatives), got {order!r}")
    points = [x.data if isinstance(x, Value) else to_float(x, "gradcheck") for x in given]
    for i, p in enumerate(points):
        if not math.isfinite(p):
            raise ValueError(f"gradcheck: input {i} is {p!r}; finite differences need a finite point")
    # The points either side of each input; dividing by their exact distance
    # (not 2h) keeps the rounding of x +- h out of the estimate.
    sides = []
    for i, p in enumerate(points):
        h = float(eps) * max(1.0, abs(p))
        if not p - h < p < p + h:
            raise ValueError(f"gradcheck: eps={eps!r} is too small to move input {i} = {p!r}")
        sides.append((p - h, p + h))

    def at(i: int | None = None, side: int = 0) -> tuple[list[Value], Value]:
        """Fresh leaves at the point (input ``i`` moved to ``sides[i][side]``), and f of them."""
        xs = list(points)
        where = "the point itself"
        if i is not None:
            xs[i] = sides[i][side]
            where = f"input {i} = {xs[i]!r} (x {'-+'[side]} h)"
        leaves = [Value(x) for x in xs]
        try:
            out = f(*leaves)
        except ValueError as e:
            raise ValueError(f"gradcheck: f raised at {where}: {e}; check a point farther from the "
                             f"edge of f's domain, or pass a smaller eps") from e
        if not isinstance(out, Value):
            raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
        return leaves, out

    def central(i: int, values: tuple[float, float]) -> float:
        return (values[1] - values[0]) / (sides[i][1] - sides[i][0])

    n = len(points)
    leaves, out = at()
    out.backward()
    with no_grad():
        numeric = [central(i, (float(at(i, 0)[1]), float(at(i, 1)[1]))) for i in range(n)]
    first = [(f"input {i} = {points[i]!r}", leaves[i].grad, numeric[i]) for i in range(n)]
    _report(first, atol, rtol, "first order", "backward's .grad")
    if order == 1:
        return True

    leaves, out = at()
    firsts = grad(out, leaves, create_graph=True)
    _report([(what, d.data, num) for (what, _, num), d in zip(first, firsts)],
            atol, rtol, "first order", "grad(..., create_graph=True)")
    analytic = [grad(d, leaves) for d in firsts]          # analytic[i][j] = d2f / dx_i dx_j

    def gradient(j: int, side: int) -> tuple[float, ...]:
        moved, out = at(j, side)
        return grad(out, moved)

    around = [(gradient(j, 0), gradient(j, 1)) for j in range(n)]   # the gradient at x_j -+ h
    second = [(f"d2f/dx{i} dx{j}", analytic[i][j], central(j, (around[j][0][i], around[j][1][i])))
              for i in range(n) for j in range(n)]
    _report(second, atol, rtol, f"second order at {points}", "grad of grad(..., create_graph=True)")
    return True


def _report(rows: list[tuple[str, float, float]], atol: float, rtol: float, order: str,
            analytic: str) -> None:
    """Raise GradcheckError when an analytic value is not within tolerance of its numeric one."""
    bad = [k for k, (_, a, n) in enumerate(rows)
           if not (math.isfinite(a) and abs(a - n) <= atol + rtol * abs(n))]
    if bad:
        lines = "\n".join(f"  {what}: analytic {a!r}, numeric {n!r}" + ("   <-- mismatch" if k in bad else "")
                          for k, (what, a, n) in enumerate(rows))
        raise GradcheckError(f"gradcheck failed at {order} for {len(bad)} of {len(rows)} "
                             f"derivatives (analytic: {analytic}):\n{lines}")
