"""``autograd.compile``: trace a scalar function once, run it on whole batches.

The pipeline, one module per stage: :mod:`.tracing` runs the function once
on placeholder Values; :mod:`.plan` cuts the graph into level groups and lays
out the buffers; :mod:`.binding` binds the groups' steps (:mod:`.steps`) to
one thread's buffers for one batch size; this module reads the arguments
(:mod:`.inputs`), runs the bound steps under numpy's strict error state and
falls back to the exact replay (:mod:`.replay`) when numpy meets an
overflow, a division by zero or a NaN, or an example fails a domain check
(the replay then raises eager's error for the example eager meets first).
Captured parameters (leaf Values the function closes over, such as a
model's weights) are read at call time, so an optimizer step is seen by the
next call.

Example:
    >>> import numpy as np
    >>> import autograd
    >>> from autograd import Value
    >>> w = Value(2.0, label="w")
    >>> f = autograd.compile(lambda x, y: (x * w - y) ** 2)
    >>> f(np.array([1.0, 2.0]), np.array([0.0, 1.0]))
    array([4., 9.])
    >>> values, (dx, dy) = f.value_and_grad(np.array([1.0, 2.0]), np.array([0.0, 1.0]))
    >>> dx, w.grad
    (array([ 8., 12.]), 16.0)
"""
from __future__ import annotations

import math
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from .binding import Bound
from .inputs import read_input
from .plan import Plan
from .replay import replay
from .steps import SHARED, VARYING, Ref
from .tracing import TracingError, trace

if TYPE_CHECKING:
    from .flat import FlatParameters

__all__ = ["compile", "Compiled", "TracingError"]

def compile(fn: Callable[..., Any], nargs: int | None = None,
            input_grads: bool = True) -> Compiled:
    """Trace ``fn`` (scalar inputs -> one Value) once; run it on batches.

    ``f = autograd.compile(fn)`` returns a :class:`Compiled`: ``f(*arrays)``
    is the forward over a batch (one array of shape ``(B,)`` per argument; a
    number is broadcast) and ``f.value_and_grad(*arrays)`` also returns each
    example's derivative with respect to each input and adds the
    batch-summed gradient to every captured parameter's ``.grad``.  ``nargs``
    is needed only when ``fn`` takes ``*args``.  ``input_grads=False`` is for
    training, where only the parameters' gradients matter: the per-example
    input derivatives are then not computed and ``value_and_grad`` returns
    ``()`` in their place.

    Python control flow on a traced value (``if x > 0:``) raises
    :class:`TracingError`: write the choice with a primitive (``relu``...).
    So does a captured Value that is not a leaf (computed outside ``fn``).

    Example:
        >>> import autograd
        >>> f = autograd.compile(lambda x: x.tanh() * 2.0)
        >>> f([0.0, 100.0])
        array([0., 2.])
    """
    return Compiled(fn, nargs, input_grads)


def nan_grad_sum_error(caller: str, name: str, held: float, added: float) -> ValueError:
    """The error for a ``.grad`` that this batch would make NaN (``inf`` plus
    ``-inf``).  Both training paths raise it, the Values' and the flat
    array's, so that they word it alike."""
    return ValueError(
        f"{caller}: parameter {name} holds .grad {held!r} and this batch adds {added!r}: "
        "the sum is NaN, so no .grad was changed. Zero the gradients between steps "
        "(zero_grad), or find what made them infinite.")


class Compiled:
    """A traced function that runs on batches.  Built by :func:`compile`.

    Attributes: ``names`` (the inputs' names), ``parameters`` (the captured
    leaf Values, read at call time), ``input_grads`` (whether
    ``value_and_grad`` returns the inputs' derivatives), ``depth`` (levels of
    the graph), ``n_groups`` (batched steps per forward; each is a few numpy
    calls) and ``plan`` (the :class:`~autograd.compiler.plan.Plan`, to look
    inside).  About 180 lines of code: a call's path (its inputs read, the
    strict batched pass, the replay when it cannot be trusted, the sums into
    ``.grad``) reads top to bottom in one class.

    Example:
        >>> import autograd
        >>> from autograd import Value
        >>> b = Value(1.0)
        >>> f = autograd.compile(lambda x0, x1: (x0 * x1 + b).relu())
        >>> f.names, len(f.parameters), f.depth, f.n_groups
        (('x0', 'x1'), 1, 3, 3)
    """

    def __init__(self, fn: Callable[..., Any], nargs: int | None = None,
                 input_grads: bool = True) -> None:
        if not isinstance(input_grads, bool):
            raise TypeError(f"compile: input_grads must be True or False, got {input_grads!r}")
        traced = trace(fn, nargs)
        self.names = traced.names
        self.input_grads = input_grads
        self.plan = Plan(traced, input_grads)
        self.parameters = self.plan.parameters
        self.depth = self.plan.depth
        self.n_groups = self.plan.n_groups
        self._fn_name = getattr(fn, "__name__", "function")
        self._local = threading.local()   # each thread's Bound

    # -- calling -----------------------------------------------------------------
    def __call__(self, *args: Any) -> np.ndarray:
        """The function's value for every example: an array of shape ``(B,)``.

        Example:
            >>> import autograd
            >>> autograd.compile(lambda x, y: x * y + 1.0)([1.0, 2.0], 3.0)
            array([4., 7.])
        """
        return self._run(args, grad=False)[0]

    def value_and_grad(self, *args: Any) -> tuple[np.ndarray, tuple]:
        """``(values, input_grads)``; adds the batch-summed gradient to every
        captured parameter's ``.grad``.

        ``input_grads`` has one array of shape ``(B,)`` per argument: each
        example's derivative with respect to that input; it is ``()`` when
        the function was compiled with ``input_grads=False``.  A sum that
        would be NaN (``inf`` plus ``-inf``, over the batch or added to what
        ``.grad`` held) is an error naming it, and no ``.grad`` is changed.

        Example:
            >>> import autograd
            >>> from autograd import Value
            >>> w = Value(3.0)
            >>> values, (dx,) = autograd.compile(lambda x: w * x * x).value_and_grad([1.0, 2.0])
            >>> values, dx, w.grad
            (array([ 3., 12.]), array([ 6., 12.]), 5.0)
        """
        values, input_grads, param_grads, finite = self._run(args, grad=True)
        grads = param_grads.tolist()
        if finite:
            # Finite gradients added to any .grad that is not NaN never make one.
            for p, g in zip(self.parameters, grads):
                p.grad += g
        else:
            self._add_checked(grads)
        return values, input_grads

    def flat(self, mean: bool = True) -> FlatParameters:
        """The parameters in one float64 array, for training at numpy speed
        (the array training path, :mod:`autograd.compiler.flat`).

        ``params = f.flat()`` copies the parameters' numbers into
        ``params.data``; ``params.value_and_grad(*inputs)`` adds the gradient
        of the batch's mean loss (``mean=False``: its sum) to ``params.grad``;
        ``nn.SGD(params, ...)`` / ``nn.Adam(params, ...)`` update the array;
        ``params.write_back()`` gives the numbers back to the Values.

        Example:
            >>> import autograd
            >>> from autograd import Value
            >>> w = Value(3.0)
            >>> params = autograd.compile(lambda x: w * x).flat()
            >>> params.value_and_grad([1.0, 3.0]), params.grad
            (array([3., 9.]), array([2.]))
        """
        from .flat import FlatParameters
        return FlatParameters(self, mean)

    def _add_checked(self, grads: list[float]) -> None:
        """``p.grad += g`` for every parameter, or an error and no change at all."""
        params = self.parameters
        totals = [p.grad + g for p, g in zip(params, grads)]
        for i, total in enumerate(totals):
            if total != total:
                p = params[i]
                name = repr(p.label) if p.label else f"parameters[{i}]"
                raise nan_grad_sum_error("compile: value_and_grad", name, p.grad, grads[i])
        for p, total in zip(params, totals):
            p.grad = total

    def _batch(self, args: tuple, params: np.ndarray | None = None) -> Bound:
        """This thread's buffers for the batch, with the inputs and the
        parameters written in.  The parameters are the Values' current data,
        or ``params`` (one float64 per parameter, in ``self.parameters``
        order: the array training path, :mod:`.flat`).  Whether they are all
        finite is checked by :meth:`_run`."""
        plan = self.plan
        if len(args) != plan.n_inputs:
            raise TypeError(f"compile: {self._fn_name} takes {plan.n_inputs} input(s) "
                            f"{self.names}, got {len(args)}")
        arrays, size = [], None
        for name, a in zip(self.names, args):
            arr = read_input(name, a)
            if arr.ndim == 1:
                if size is None:
                    size = len(arr)
                elif len(arr) != size:
                    raise ValueError(f"compile: input {name} has {len(arr)} examples, "
                                     f"the others {size}")
            arrays.append(arr)
        bound = self._bound(1 if size is None else size)
        varying = bound.values[VARYING]
        for i, arr in enumerate(arrays):
            varying[i] = arr
        if params is not None:
            bound.params[:] = params
        elif self.parameters:
            # A comprehension, not map(attrgetter): its attribute reads take
            # the interpreter's fast path for slots, about twice as fast.
            bound.params[:] = [p.data for p in self.parameters]
        return bound

    def _finite(self, bound: Bound) -> bool:
        """Whether every input and parameter is finite (run under the strict
        error state: a sum that overflows raises ``FloatingPointError``, and
        the call is replayed, exactly and slowly).  One sum per block instead
        of ``np.isfinite(...).all()``: an inf or NaN anywhere makes the sum
        infinite or NaN."""
        total = bound.inputs.sum() if self.plan.n_inputs else 0.0
        if self.parameters:
            data = bound.params
            if not isinstance(data, np.ndarray):    # _ScatteredRows only writes: gather
                data = bound.values[SHARED][self.plan.param_sel, 0]
            total = total + data.sum()
        return math.isfinite(total)

    def _refuse_nan_inputs(self, bound: Bound) -> None:
        """``ValueError`` naming the first NaN input, as eager's ``Value(nan)`` refuses it."""
        nan = np.isnan(bound.inputs)
        if nan.any():
            i, b = np.argwhere(nan)[0]
            raise ValueError(f"compile: input {self.names[i]}[{b}] is NaN")

    def _bound(self, size: int) -> Bound:
        """This thread's :class:`~autograd.compiler.binding.Bound` for batches
        of ``size``, kept between calls (only the last size, so a huge
        batch's memory is not held after a smaller one)."""
        bound = getattr(self._local, "bound", None)
        if bound is None or bound.size != size:
            self._local.bound = None          # the old buffers go before the new are made
            bound = self._local.bound = Bound(self.plan, size)
        return bound

    def _run(self, args: tuple, grad: bool, params: np.ndarray | None = None,
             mean: bool = False) -> tuple:
        """``(values, input_grads, param_grads, finite)``: the batched pass, or
        the exact replay when numpy met an overflow, a division by zero or a
        NaN, or an example failed a domain check (``check_domain`` raises
        ``FloatingPointError`` too).  ``finite`` says every parameter gradient
        is finite; ``param_grads`` may be a view of this thread's buffers,
        valid until its next call.  ``params``: see :meth:`_batch`; ``mean``:
        the gradients are those of the batch's mean instead of its sum (each
        example's gradient is seeded with ``1 / B``, as a mean's backward
        seeds it)."""
        plan = self.plan
        bound = self._batch(args, params)
        bufs, grads = bound.values, bound.grads
        try:
            # numpy raises (instead of warning) on the floating-point events that
            # mean an eager step would have refused or produced a NaN, and so do
            # the domain checks; the call is then replayed example by example
            # (exact, slow, rare), which raises where and as eager raises.
            with np.errstate(over="raise", divide="raise", invalid="raise", under="ignore"):
                # An infinity among the inputs or parameters sends the call to the
                # exact replay: BLAS may skip a zero factor, so a matrix product can
                # give 0 where eager's 0 * inf is NaN (and an error).
                if not self._finite(bound):
                    raise FloatingPointError
                caches = [forward() for forward in bound.forwards]
                for check in bound.checks:
                    check()
                out = bound.out
                values = self._values(bufs) if out is None else out.copy()
                # A NaN from a matrix product: numpy does not flag BLAS's work.
                total = values.sum()
                if total != total:
                    raise FloatingPointError
                if not grad:
                    return values, None, None, True
                for rows in bound.zero_rows:
                    rows[...] = 0.0
                if bound.out_grad is not None:
                    bound.out_grad[...] = 1.0 / values.shape[0] if mean else 1.0
                else:
                    self._seed(grads, values.shape[0], mean)
                for backward, cache in zip(bound.backwards, reversed(caches)):
                    backward(cache)
                param_grads = bound.param_grads
                if param_grads is None:
                    param_grads = grads[SHARED][plan.param_sel, 0]
                total = param_grads.sum()
                if total != total:
                    raise FloatingPointError
                inputs: tuple = ()
                if plan.input_grads:
                    block = grads[VARYING][:plan.n_inputs]
                    if np.isnan(block.sum()):
                        raise FloatingPointError
                    inputs = tuple(block.copy())
        except FloatingPointError:
            self._refuse_nan_inputs(bound)
            exact_values, exact_inputs, exact_params = replay(
                plan, bufs[VARYING], bufs[SHARED], grad,
                seed=1.0 / bufs[VARYING].shape[1] if mean else 1.0)
            if exact_params is None:        # replay computes gradients only when grad is true
                return exact_values, None, None, True
            return exact_values, exact_inputs, exact_params, bool(np.isfinite(exact_params).all())
        return values, inputs, param_grads, math.isfinite(total)

    # _values and _seed serve a result that is not a VARYING row (a constant
    # or a shared one): for a VARYING row the Bound holds the views
    # (bound.out, bound.out_grad) and _run uses them directly.
    def _values(self, bufs: tuple) -> np.ndarray:
        out: Ref | float = self.plan.out
        size = bufs[VARYING].shape[1]
        if isinstance(out, float):
            return np.full(size, out)
        return np.full(size, bufs[SHARED][out.row, 0])

    def _seed(self, grads: tuple, size: int, mean: bool = False) -> None:
        out = self.plan.out
        if not isinstance(out, float):
            # A shared result is the same in every example: its gradient
            # gathers all of them, B seeds of 1, or of 1 / B for the mean.
            grads[SHARED][out.row] = 1.0 if mean else float(size)

    def __repr__(self) -> str:
        return (f"<compiled {self._fn_name}{self.names}: {len(self.parameters)} parameters, "
                f"depth {self.depth}, {self.n_groups} groups>")
