"""Tracing: run a scalar function once on placeholder Values and keep its graph.

The placeholders' data mean nothing, so anything that reads a traced value's
data to make a decision (``if x > 0:``, ``max(a, b)``, ``float(x)``) would
freeze one branch for every example of a batch.  While a trace runs, those
reads raise :class:`TracingError` instead.

The trace lives in two context variables of the engine and nowhere else, so
it affects only the thread (or asyncio task) that traces: other threads'
comparisons and ``float()`` run as always, even while a trace runs.

* the *tracing* variable holds the running :class:`Trace`: ``Value``'s
  comparisons and ``float()`` ask it to refuse, and a domain check that a
  placeholder fails lets the trace go on (the compiled code checks the real
  batch);
* the *grad-mode* variable holds the same object (truthy) instead of ``True``:
  the engine then appends every node it makes to the trace, so nodes the
  function computes but does not return are compiled and checked too (eager
  raises at ``x.log()`` for ``x = -1`` even when the log is not returned).
  ``enable_grad`` and ``grad(create_graph=True)`` keep it while they run.

A node made the micrograd lecture's way (``Value(data, (children,), 'op')``
with a ``_backward`` closure) is refused by name, made inside the function
or captured: a closure adds floats into ``.grad`` and cannot run on a batch
(docs/add-an-operation.md).

A Value the function captures that is not a leaf (``h = w * 3.0`` computed
outside the function) is refused: eager would use the number ``h`` held when
it was computed, a compiled call would recompute it from ``w``.

Example:
    >>> from autograd.compiler.tracing import trace
    >>> t = trace(lambda a, b: a * b + 1.0)
    >>> t.names, t.out.op, [p.op for p in t.out.parents]
    (('a', 'b'), 'add', ['mul'])
"""
from __future__ import annotations

import inspect
import numbers
from collections.abc import Callable
from typing import Any, NamedTuple

from ..closures import is_closure, no_rule_error
from ..engine import Value, _grad_enabled, _tracing, topological_order

__all__ = ["TracingError", "Trace", "Traced", "trace"]


class TracingError(RuntimeError):
    """Raised when a function being compiled reads a traced value's data to
    decide something (a comparison, ``float(x)``), or captures a Value
    computed outside it: the compiled function would disagree with eager.

    Example:
        >>> import autograd
        >>> f = lambda x: x if x > 0 else -x
        >>> autograd.compile(f)
        Traceback (most recent call last):
        ...
        autograd.compiler.tracing.TracingError: compile: cannot trace `x > 0`: it compares a traced value...
    """


def _describe(x: Any, names: dict[Value, str]) -> str:
    """A short readable name for an operand: the argument, label, or op(...)."""
    if not isinstance(x, Value):
        return repr(x)
    if x in names:
        return names[x]
    if x.label:
        return x.label
    prim = x._prim
    if prim is None:
        return f"Value({x.data!r})"
    parts = []
    for a in prim.operands(x._args):
        if not isinstance(a, Value):
            parts.append(repr(a))
        elif a in names or a.label:
            parts.append(names.get(a) or a.label)
        else:
            parts.append(f"Value({a.data!r})" if a.is_leaf() else a.op + "(...)")
    return f"{x.op}({', '.join(parts)})"


class Trace:
    """One running trace: the placeholders' names and every node made meanwhile.

    The engine finds it in its context variables (see the module docstring):
    it calls :meth:`refuse` from a comparison or ``float()``, and
    ``append`` for each node it makes.

    Example:
        >>> from autograd.compiler.tracing import Trace
        >>> t = Trace({})
        >>> bool(t), t.created
        (True, [])
    """

    __slots__ = ("names", "created", "append")

    def __init__(self, names: dict[Value, str]) -> None:
        self.names = names
        self.created: list[Value] = []
        # The bound method itself: the engine's node constructor calls it.
        self.append = self.created.append

    def __bool__(self) -> bool:
        return True   # stands in for grad mode True: recording stays on

    def __repr__(self) -> str:
        return f"<autograd.compile trace: {len(self.created)} nodes recorded>"

    def refuse_closure(self, node: Value) -> None:
        """Raise :class:`TracingError` for a node made the micrograd lecture's
        way (``Value(data, (children,), 'op')``): a closure adds floats into
        ``.grad`` one call at a time, and compile needs a rule it can run on
        a whole batch.

        Example:
            >>> from autograd import Value
            >>> x = Value(1.0)
            >>> Trace({x: "x"}).refuse_closure(Value(0.8, (x,), "sin"))
            Traceback (most recent call last):
            ...
            autograd.compiler.tracing.TracingError: compile through sin(x): that node was made by a closure...
        """
        raise TracingError(no_rule_error(node, "compile", _describe(node, self.names)))

    def refuse(self, a: Value, symbol: str, b: Any = None) -> None:
        """Raise :class:`TracingError` for ``a <symbol> b`` (or ``float(a)``).

        Example:
            >>> from autograd import Value
            >>> x = Value(1.0)
            >>> Trace({x: "x"}).refuse(x, "<", 2.0)
            Traceback (most recent call last):
            ...
            autograd.compiler.tracing.TracingError: compile: cannot trace `x < 2.0`: it compares...
        """
        names = self.names
        if symbol == "float":
            raise TracingError(
                f"compile: cannot trace `float({_describe(a, names)})`: it reads a traced "
                "value's data, which would be frozen for the whole batch. Keep computing with "
                "the Value (its methods and operators), or call the function eagerly.")
        expr = f"{_describe(a, names)} {symbol} {_describe(b, names)}"
        raise TracingError(
            f"compile: cannot trace `{expr}`: it compares a traced value, so Python "
            "control flow on it would take one branch for the whole batch. Express the "
            "choice with a primitive (relu, abs, leaky_relu, ...), or call the function "
            "eagerly on Values instead of compiling it.")


class Traced(NamedTuple):
    """What :func:`trace` returns.

    ``nodes`` holds every Value of the graph, operands before their users:
    first the ``n_returned`` nodes the result depends on (the result's
    :func:`~autograd.topological_order`, the order eager's ``backward``
    walks back), then the nodes the function made but did not return, with
    the leaves only they read.  ``made`` holds the graph's operation nodes
    in the order the function made them, the order eager computes (and
    checks) them in.

    Example:
        >>> from autograd.compiler.tracing import trace
        >>> t = trace(lambda x: (x.log(), x * 2.0)[1])
        >>> [n.op for n in t.nodes], t.n_returned, [n.op for n in t.made]
        (['', 'mul', 'log'], 2, ['log', 'mul'])
    """

    out: Value | float      # what the function returned (a number for a constant function)
    inputs: tuple                 # the placeholder Values, in argument order
    names: tuple                  # their argument names
    nodes: list                   # the whole graph, operands first
    n_returned: int               # nodes[:n_returned] are what ``out`` depends on
    made: list                    # the operation nodes in the order they were made


def _arg_names(fn: Callable[..., Any], nargs: int | None) -> tuple[str, ...]:
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


def _extend_order(roots: list[Value], seen: set[Value], order: list[Value],
                  leaves: bool = True) -> None:
    """Append to ``order`` every node reachable from ``roots`` and not in
    ``seen``, operands first; with ``leaves=False`` only operation nodes.
    Iterative, like the engine's own walk."""
    for root in roots:
        if root in seen or (not leaves and root.is_leaf()):
            continue
        stack = [(root, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                order.append(node)
                continue
            if node in seen:
                continue
            seen.add(node)
            stack.append((node, True))
            stack.extend((a, False) for a in reversed(node.parents)
                         if a not in seen and (leaves or not a.is_leaf()))


def _refuse_captured(traced: Traced, created: list[Value]) -> None:
    """TracingError for a non-leaf Value the function captured from outside.

    A node belongs to this trace when the engine recorded it, or when it was
    made from the placeholders or recorded nodes (inside ``enable_grad`` or
    ``grad(create_graph=True)``, which record without telling the trace).
    Any other non-leaf was computed before the trace started.  The one named
    is the outermost: what the function's own nodes use, or what it returns.
    """
    inside = set(created)
    inside.update(traced.inputs)
    for node in traced.nodes:
        if not node.is_leaf() and node not in inside and any(p in inside for p in node.parents):
            inside.add(node)
    used = [p for node in traced.nodes if node in inside for p in node.parents]
    if isinstance(traced.out, Value):
        used.append(traced.out)
    for p in used:
        if not p.is_leaf() and p not in inside:
            what = _describe(p, dict(zip(traced.inputs, traced.names)))
            raise TracingError(
                f"compile: the function uses `{what}` (now {p.data!r}), a Value computed "
                "outside it. Called eagerly, the function uses the number that Value "
                "held when it was computed; compiled, it would be recomputed from its "
                "operands at every call, and the two disagree once those change. Compute "
                "it inside the function, or capture its `.detach()` to use it as a "
                "parameter (read at call time, no gradient through it).")


def trace(fn: Callable[..., Any], nargs: int | None = None) -> Traced:
    """Run ``fn`` once on placeholder Values; return a :class:`Traced`.

    Recording is on during the trace even inside ``no_grad``; domain checks do
    not fire on the placeholders.  Every node made meanwhile is kept, returned
    or not.

    Example:
        >>> from autograd.compiler.tracing import trace
        >>> t = trace(lambda x: (x - 1.0).log() * 0.0 + (x * 2.0).exp().log() * 0.0)
        >>> t.out.op, t.names, [n.op for n in t.nodes][:3]
        ('add', ('x',), ['', 'sub', 'log'])
    """
    if not callable(fn):
        raise TypeError(f"compile: expected a function, got {type(fn).__name__} {fn!r}")
    names = _arg_names(fn, nargs)
    # Distinct, unremarkable data: the values are never used for anything.
    inputs = tuple(Value(0.5 + 0.25 * i, label=n) for i, n in enumerate(names))
    recorder = Trace(dict(zip(inputs, names)))
    token = _tracing.set(recorder)
    grad_token = _grad_enabled.set(recorder)   # truthy: the engine records into it
    try:
        out = fn(*inputs)
    finally:
        _grad_enabled.reset(grad_token)
        _tracing.reset(token)
    if not isinstance(out, Value):
        if isinstance(out, numbers.Real) and not isinstance(out, bool):
            out = float(out)
        else:
            raise TypeError(f"compile: the function must return a Value or a number, "
                            f"got {type(out).__name__} {out!r}")
    order = topological_order(out) if isinstance(out, Value) else []
    n_returned = len(order)
    _extend_order(recorder.created, set(order), order)
    traced = Traced(out, inputs, names, order, n_returned, _made_order(recorder.created, order))
    for node in order:   # made by a closure outside the function, and captured
        if is_closure(node._prim):
            recorder.refuse_closure(node)
    _refuse_captured(traced, recorder.created)
    return traced


def _made_order(created: list[Value], nodes: list[Value]) -> list[Value]:
    """The graph's operation nodes in the order they were made.

    The trace records every node as it is made; a node it did not record
    (none is known to exist) goes where it must, just before its first user,
    so the list stays operands-first."""
    made: list[Value] = []
    _extend_order(created + nodes, set(), made, leaves=False)
    return made
