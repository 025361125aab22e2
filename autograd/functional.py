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

    Smooth functions become graph nodes; the piecewise-constant helpers return
    constants (their derivative is zero almost everywhere).
    """

    @staticmethod
    def log(x: Any) -> Any:
        return apply(PRIMITIVES["log"], x)

    @staticmethod
    def sigmoid(x: Any) -> Any:
        return apply(PRIMITIVES["sigmoid"], x)

    @staticmethod
    def exp(x: Any) -> Any:
        return apply(PRIMITIVES["exp"], x)

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
    not depend on).  No ``.grad`` attribute is read or written.  With
    ``create_graph=True`` the entries are Values built from the same
    derivative rules, so they can be differentiated again.

    The rules are ``backward``'s: a node whose incoming gradient is a float
    0 passes nothing; a local derivative that is not finite, or a gradient
    that would be NaN, is an error naming the op.  With ``create_graph`` a
    gradient that is a Value still passes when its data is 0 (its own
    derivative may not be 0): see docs/engine.md, "The zero-gradient rule".

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
    """Raised by :func:`gradcheck` when an analytic gradient disagrees with
    central differences; the message lists every input.

    Example:
        >>> from autograd import GradcheckError, apply, gradcheck
        >>> from autograd.primitives import Primitive
        >>> wrong = Primitive("sq", "sq", 1, lambda m, x: x * x, lambda m, out, x: (x,))  # not 2x
        >>> try:
        ...     gradcheck(lambda x: apply(wrong, x), [3.0])
        ... except GradcheckError as e:
        ...     print(str(e).splitlines()[0])
        gradcheck failed for 1 of 1 inputs:
    """


def gradcheck(f: Callable[..., Value], inputs: Sequence[Value | Number] | Value,
              eps: float = 1e-6, atol: float = 1e-5, rtol: float = 1e-3) -> bool:
    """Check ``backward``'s gradients of ``f`` against central differences.

    ``f`` takes one Value per input and returns a Value; ``inputs`` are
    numbers or Values (only their data is used).  Returns True, or raises
    :class:`GradcheckError` listing each input's analytic and numeric value.

    Example:
        >>> from autograd import gradcheck
        >>> gradcheck(lambda x, y: (x * y).tanh(), [0.3, -1.2])
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
    points = [x.data if isinstance(x, Value) else to_float(x, "gradcheck") for x in given]
    leaves = [Value(p) for p in points]
    out = f(*leaves)
    if not isinstance(out, Value):
        raise TypeError(f"gradcheck: f must return a Value, got {type(out).__name__}")
    out.backward()
    analytic = [v.grad for v in leaves]

    def at(i, x):
        shifted = list(points)
        shifted[i] = x
        with no_grad():
            return float(f(*[Value(p) for p in shifted]))

    numeric = [(at(i, p + eps) - at(i, p - eps)) / (2 * eps) for i, p in enumerate(points)]
    bad = [i for i, (a, n) in enumerate(zip(analytic, numeric))
           if not (math.isfinite(a) and abs(a - n) <= atol + rtol * abs(n))]
    if bad:
        rows = "\n".join(
            f"  input {i} = {points[i]!r}: analytic {analytic[i]!r}, numeric {numeric[i]!r}"
            + ("   <-- mismatch" if i in bad else "")
            for i in range(len(points)))
        raise GradcheckError(f"gradcheck failed for {len(bad)} of {len(points)} inputs:\n{rows}")
    return True
