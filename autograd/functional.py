"""``grad``, ``no_grad`` and ``gradcheck``: the engine's functional interface.

Example:
    >>> from autograd import Value, grad
    >>> x = Value(2.0)
    >>> (dx,) = grad(x ** 3, [x], create_graph=True)
    >>> dx.data, grad(dx, [x])[0]
    (12.0, 12.0)
"""
import contextlib
import math

from .engine import (
    FLOAT,
    Value,
    _fmt,
    _grad_enabled,
    _nan_gradient,
    _sequence,
    _to_float,
    apply,
    topological_order,
)
from .primitives import PRIMITIVES

__all__ = ["grad", "no_grad", "enable_grad", "gradcheck", "GradcheckError"]


class _ValueMath:
    """Values: the namespace that makes derivative rules differentiable again.

    Smooth functions become graph nodes; the piecewise-constant helpers return
    constants (their derivative is zero almost everywhere).
    """

    @staticmethod
    def log(x):
        return apply(PRIMITIVES["log"], x)

    @staticmethod
    def sigmoid(x):
        return apply(PRIMITIVES["sigmoid"], x)

    @staticmethod
    def exp(x):
        return apply(PRIMITIVES["exp"], x)

    @staticmethod
    def step(x):
        return FLOAT.step(float(x))

    @staticmethod
    def sign(x):
        return FLOAT.sign(float(x))

    @staticmethod
    def slope(x, alpha):
        return FLOAT.slope(float(x), alpha)


VALUE = _ValueMath()


@contextlib.contextmanager
def no_grad():
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
def enable_grad():
    """Turn recording back on inside a ``no_grad`` block."""
    token = _grad_enabled.set(True)
    try:
        yield
    finally:
        _grad_enabled.reset(token)


def grad(output, inputs, create_graph=False):
    """Derivatives of ``output`` with respect to each of ``inputs``.

    Returns a tuple with one entry per input (0.0 for an input ``output`` does
    not depend on).  No ``.grad`` attribute is read or written.  With
    ``create_graph=True`` the entries are Values built from the same
    derivative rules, so they can be differentiated again.

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
    grads = {output: 1.0}
    if create_graph:
        token = _grad_enabled.set(True)
        try:
            _propagate(order, grads, VALUE, lambda node: node, lambda a: a)
        finally:
            _grad_enabled.reset(token)
    else:
        _propagate(order, grads, FLOAT, lambda node: node.data,
                   lambda a: a if type(a) is float else a.data)
    result = [grads.get(x, 0.0) for x in inputs]
    if create_graph:
        return tuple(r if isinstance(r, Value) else Value(r) for r in result)
    return tuple(result)


def _propagate(order, grads, m, out_of, arg_of):
    get = grads.get
    for node in reversed(order):
        prim = node._prim
        g = get(node)
        if prim is None or g is None:
            continue
        args = node._args
        vals = [arg_of(a) for a in args]
        try:
            local = prim.derivs(m, out_of(node), *vals)
        except (ZeroDivisionError, OverflowError, ValueError) as e:
            raise ValueError(f"grad through {prim.name}({_fmt(args)}): "
                             f"local derivative is not finite ({e})") from e
        for a, d in zip(args, local):
            if type(a) is not float:
                contrib = g * d
                prev = get(a)
                total = contrib if prev is None else prev + contrib
                if total != total:  # a float NaN; a Value is never != itself
                    _nan_gradient("grad", prim, args, g, d)
                grads[a] = total


class GradcheckError(AssertionError):
    """Raised by :func:`gradcheck` when an analytic gradient disagrees with
    central differences; the message lists every input."""


def gradcheck(f, inputs, eps=1e-6, atol=1e-5, rtol=1e-3):
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
    if isinstance(inputs, Value):
        inputs = [inputs]
    inputs = _sequence(inputs, "gradcheck", "inputs", "a sequence of numbers or Values")
    if not inputs:
        raise ValueError("gradcheck: inputs is empty; pass the point to check, e.g. [0.5]")
    for name, tol in (("eps", eps), ("atol", atol), ("rtol", rtol)):
        t = _to_float(tol, f"gradcheck {name}")
        if not (math.isfinite(t) and (t > 0 if name == "eps" else t >= 0)):
            raise ValueError(f"gradcheck: {name} must be a finite number "
                             f"{'> 0' if name == 'eps' else '>= 0'}, got {tol!r}")
    points = [x.data if isinstance(x, Value) else _to_float(x, "gradcheck") for x in inputs]
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
