"""Tracing: run a scalar function once on placeholder Values and keep its graph.

The placeholders' data mean nothing, so anything that reads a traced value's
data to make a decision (``if x > 0:``, ``max(a, b)``, ``float(x)``) would
freeze one branch for every example of a batch.  While a trace runs, those
reads raise :class:`TracingError` instead.  Outside a trace, comparisons on
Values run the engine's own methods untouched: the guards are installed on the
class only for the duration of a trace.

Example:
    >>> from autograd.compiler.tracing import trace
    >>> out, inputs, names = trace(lambda a, b: a * b + 1.0)
    >>> names, out.op, [p.op for p in out.parents]
    (('a', 'b'), 'add', ['mul'])
"""
import inspect
import numbers
import threading

from ..engine import Value, _grad_enabled, _tracing

__all__ = ["TracingError", "trace"]


class TracingError(RuntimeError):
    """Raised when a function being compiled reads a traced value's data to
    decide something (a comparison, ``float(x)``): the decision would be frozen
    for the whole batch.

    Example:
        >>> import autograd
        >>> f = lambda x: x if x > 0 else -x
        >>> autograd.compile(f)
        Traceback (most recent call last):
        ...
        autograd.compiler.tracing.TracingError: compile: cannot trace `x > 0`: it compares a traced value...
    """


# -- comparison guards -----------------------------------------------------------
# Swapped onto Value only while at least one trace runs (in any thread); each
# guard raises only in the context that is tracing and defers to the engine's
# method everywhere else.

_SYMBOLS = {"__lt__": "<", "__le__": "<=", "__gt__": ">", "__ge__": ">="}
_lock = threading.Lock()
_active = 0
_saved = {}


def _describe(x, names):
    """A short readable name for an operand: the argument, label, or op(...)."""
    if not isinstance(x, Value):
        return repr(x)
    if x in names:
        return names[x]
    if x.label:
        return x.label
    if x.is_leaf():
        return f"Value({x.data!r})"
    parts = []
    for a in x._prim.operands(x._args):
        if isinstance(a, Value):
            parts.append(names.get(a) or a.label or (a.op + "(...)" if a.op else "Value"))
        else:
            parts.append(repr(a))
    return f"{x.op}({', '.join(parts)})"


def _comparison_guard(name):
    original = _saved[name]
    symbol = _SYMBOLS[name]

    def guard(self, other):
        names = _tracing.get()
        if names is None:
            return original(self, other)
        expr = f"{_describe(self, names)} {symbol} {_describe(other, names)}"
        raise TracingError(
            f"compile: cannot trace `{expr}`: it compares a traced value, so Python "
            "control flow on it would take one branch for the whole batch. Express the "
            "choice with a primitive (relu, abs, leaky_relu, ...), or call the function "
            "eagerly on Values instead of compiling it.")

    guard.__name__ = name
    return guard


def _float_guard(self):
    names = _tracing.get()
    if names is None:
        return _saved["__float__"](self)
    raise TracingError(
        f"compile: cannot trace `float({_describe(self, names)})`: it reads a traced "
        "value's data, which would be frozen for the whole batch. Keep computing with "
        "the Value (its methods and operators), or call the function eagerly.")


def _install():
    global _active
    with _lock:
        if _active == 0:
            for name in (*_SYMBOLS, "__float__"):
                _saved[name] = getattr(Value, name)
            for name in _SYMBOLS:
                setattr(Value, name, _comparison_guard(name))
            Value.__float__ = _float_guard
        _active += 1


def _uninstall():
    global _active
    with _lock:
        _active -= 1
        if _active == 0:
            for name, method in _saved.items():
                setattr(Value, name, method)
            _saved.clear()


# -- the tracer --------------------------------------------------------------------


def _arg_names(fn, nargs):
    """Positional parameter names of ``fn`` (x0, x1, ... when it takes *args)."""
    try:
        params = list(inspect.signature(fn).parameters.values())
    except (TypeError, ValueError):
        params = None
    if nargs is None:
        if params is None or any(p.kind is p.VAR_POSITIONAL for p in params):
            raise TypeError("compile: cannot tell how many inputs the function takes; "
                            "pass nargs=, e.g. autograd.compile(f, nargs=3)")
        positional = [p for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)
                      and p.default is p.empty]
        return tuple(p.name for p in positional)
    if isinstance(nargs, bool) or not isinstance(nargs, numbers.Integral) or nargs < 0:
        raise TypeError(f"compile: nargs must be a non-negative int, got {nargs!r}")
    named = [p.name for p in params or ()
             if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    return tuple(named[i] if i < len(named) else f"x{i}" for i in range(int(nargs)))


def trace(fn, nargs=None):
    """Run ``fn`` once on placeholder Values; return ``(out, inputs, names)``.

    ``out`` is what ``fn`` returned (a Value, or a number for a constant
    function), ``inputs`` the placeholder Values in argument order, ``names``
    their argument names.  Recording is on during the trace even inside
    ``no_grad``; domain checks do not fire on the placeholders.

    Example:
        >>> from autograd.compiler.tracing import trace
        >>> out, (x,), names = trace(lambda x: (x - 1.0).log())
        >>> out.op, names
        ('log', ('x',))
    """
    if not callable(fn):
        raise TypeError(f"compile: expected a function, got {type(fn).__name__} {fn!r}")
    names = _arg_names(fn, nargs)
    # Distinct, unremarkable data: the values are never used for anything.
    inputs = tuple(Value(0.5 + 0.25 * i, label=n) for i, n in enumerate(names))
    by_value = dict(zip(inputs, names))
    _install()
    token = _tracing.set(by_value)
    grad_token = _grad_enabled.set(True)
    try:
        out = fn(*inputs)
    finally:
        _grad_enabled.reset(grad_token)
        _tracing.reset(token)
        _uninstall()
    if not isinstance(out, Value):
        if isinstance(out, numbers.Real) and not isinstance(out, bool):
            out = float(out)
        else:
            raise TypeError(f"compile: the function must return a Value or a number, "
                            f"got {type(out).__name__} {out!r}")
    return out, inputs, names

