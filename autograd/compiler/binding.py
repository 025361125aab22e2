"""Binding: one thread's buffers for one batch size, and the plan's steps bound to them.

A compiled function keeps a :class:`Bound` per thread, for the last batch
size that thread used: the buffers live as long as the size stays the same,
so every slice a step reads is a view made once here, not on every call.  A
call with another size replaces it, and the old buffers are freed at once:
nothing in a ``Bound`` refers back to itself, so reference counting alone
lets it go (the cyclic garbage collector may be off).

Example:
    >>> import autograd
    >>> from autograd.compiler.binding import Bound
    >>> f = autograd.compile(lambda x, y: x * y + 1.0)
    >>> bound = Bound(f.plan, 4)
    >>> bound.size, bound.values[0].shape, len(bound.forwards)
    (4, (4, 4), 2)
"""
from __future__ import annotations

from typing import Any

import numpy as np

from .plan import Plan
from .steps import SHARED, VARYING, Buffers, Dot, Elementwise, Ref

__all__ = ["Bound"]


class Bound:
    """The buffers for batches of ``size`` and the steps bound to them.

    ``values`` and ``grads`` are ``(varying, shared)`` pairs of arrays;
    ``params`` takes the parameters' data (``params[:] = datas``);
    ``forwards`` run the returned graph's groups (each returns what its
    backward needs), ``checks`` the unreturned nodes' groups (forward only),
    ``backwards`` the returned groups in reverse order; ``zero_rows`` are the
    gradient rows to zero before a backward pass.  Results handed to the
    caller are always copies.

    Example:
        >>> import autograd
        >>> from autograd.compiler.binding import Bound
        >>> bound = Bound(autograd.compile(lambda x: x.exp()).plan, 3)
        >>> bound.grads[0].shape, bound.ones.shape
        ((2, 3), (3, 1))
    """

    __slots__ = ("size", "values", "grads", "ones", "params", "forwards", "checks",
                 "backwards", "zero_rows", "inputs", "param_grads", "out",
                 "out_grad")

    def __init__(self, plan: Plan, size: int) -> None:
        self.size = size
        shared = plan.shared_init.copy()
        self.values = (np.empty((plan.n_varying, size)), shared)
        self.grads = (np.empty((plan.n_varying, size)), np.empty_like(shared))
        # The column of ones that batch sums multiply by: one per binding, so
        # a huge batch's column goes with its buffers.
        self.ones = np.ones((size, 1))
        self.ones.flags.writeable = False
        sel = plan.param_sel
        self.params: np.ndarray | _ScatteredRows = (
            shared[sel, 0] if isinstance(sel, slice) else _ScatteredRows(shared, sel))
        buffers = Buffers(self.values, self.grads, self.ones)
        bound = [step.bind(buffers) for step in plan.steps]
        self.forwards = [forward for forward, _ in bound]
        self.backwards = [backward for _, backward in reversed(bound)]
        self.checks = [_checked_forward(step, buffers) for step in plan.checks]
        self.zero_rows = [self.grads[kind][rows] for kind, runs in plan.zero_rows.items()
                          for rows in runs]
        # Views a call reads every time, made once (a compiled call's own
        # bookkeeping was a fifth of its time at 100 examples): the inputs'
        # rows, the parameters' gradients (None when scattered: then gathered
        # per call; their values are self.params), the result's row and its
        # gradient's.
        self.inputs = self.values[VARYING][:plan.n_inputs]
        self.param_grads = self.grads[SHARED][sel, 0] if isinstance(sel, slice) else None
        out = plan.out
        varying_out = isinstance(out, Ref) and out.kind == VARYING
        row = out.row if isinstance(out, Ref) else 0
        self.out = self.values[VARYING][row] if varying_out else None
        self.out_grad = self.grads[VARYING][row] if varying_out else None


def _checked_forward(step: Elementwise | Dot, buffers: Buffers) -> Any:
    """The forward of an unreturned node's group.  A dot group's also looks
    for a NaN, which numpy does not flag in a matrix product; eager refuses
    it, and nothing downstream of an unreturned node would show it."""
    forward = step.bind(buffers)[0]
    if not isinstance(step, Dot):
        return forward
    out = buffers.values[step.out_kind][step.out]

    def run() -> None:
        forward()
        if np.isnan(out.sum()):
            raise FloatingPointError
    return run


class _ScatteredRows:
    """``rows[:] = data`` writing parameters into scattered rows of the shared buffer."""

    __slots__ = ("buf", "rows")

    def __init__(self, buf: np.ndarray, rows: np.ndarray) -> None:
        self.buf, self.rows = buf, rows

    def __setitem__(self, _: Any, data: Any) -> None:
        self.buf[self.rows, 0] = data
