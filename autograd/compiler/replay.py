"""The exact replay: every example through the engine's scalar rules.

A compiled call runs under numpy's strict error state; when numpy meets an
overflow, a division by zero or a NaN (or a NaN comes out of a matrix
product, which numpy does not flag), the call is run again here, example by
example, with the engine's own forward and derivative rules on floats.  An
eager step would then either raise, and this raises the same message plus
the example, or give infinities, which this reproduces.  Slow (Python per
node and example), exact, and rare.

It follows eager's rules and order, through the engine's own chain-rule
step: each example in turn, its nodes in the order the function made them,
then its backward pass in reverse topological order, so that when several
examples or ops fail, the error is the one eager meets first.  A node whose
incoming gradient is exactly 0 passes nothing on (a local derivative that
is not finite there is still an error); a float constant takes no gradient;
a gradient that would be NaN is an error naming the op; the parameters'
gradients are summed over the examples in order, as eager's ``.grad``
accumulates them, and a sum that would be NaN (``inf`` from one example,
``-inf`` from another) is an error too.  Only Python floats are added, so no
numpy warning can escape.

Example:
    >>> import autograd
    >>> f = autograd.compile(lambda x: (x * 1e300) * 1e10)
    >>> f([1.0, 1e-300]).tolist()          # numpy overflows: the replay gives eager's inf
    [inf, 10000000000.0]
"""
from __future__ import annotations

from typing import Any

import numpy as np

from ..registry import chain_rule, evaluate, fmt_args, nan_gradient_error
from .plan import Plan
from .steps import SHARED, VARYING

__all__ = ["replay"]


def _param_name(plan: Plan, i: int) -> str:
    p = plan.parameters[i]
    return f"parameter {p.label!r}" if p.label else f"parameters[{i}] (Value({p.data!r}))"


def replay(plan: Plan, varying: np.ndarray, shared: np.ndarray,
           grad: bool, seed: float = 1.0) -> tuple[np.ndarray, tuple | None, np.ndarray | None]:
    """``(values, input_grads, param_grads)`` for the batch whose inputs are
    the first rows of ``varying`` and whose parameters are in ``shared``,
    every example through the engine's scalar rules, eager semantics exactly.

    ``input_grads`` and ``param_grads`` are ``None`` unless ``grad``;
    ``input_grads`` is ``()`` for a plan without input gradients.  Each
    example's backward starts from ``seed`` (``1 / B`` for the gradient of
    the batch's mean, as eager's mean passes it to each example).

    Example:
        >>> import numpy as np
        >>> import autograd
        >>> from autograd.compiler.replay import replay
        >>> plan = autograd.compile(lambda x: x.tanh() * 0.0).plan
        >>> varying = np.zeros((plan.n_varying, 2)); varying[0] = [0.0, 4.0]
        >>> values, (dx,), _ = replay(plan, varying, plan.shared_init.copy(), grad=True)
        >>> values.tolist(), dx.tolist()        # tanh's incoming gradient is 0: it passes nothing
        ([0.0, 0.0], [0.0, 0.0])
    """
    # registry.evaluate, not the engine's node constructors: it raises even
    # when this compiled call runs inside another function's trace.
    return _replay(plan, varying, shared, grad, seed)


def _replay(plan: Plan, Vb: np.ndarray, Sb: np.ndarray,
            grad: bool, seed: float) -> tuple[np.ndarray, tuple | None, np.ndarray | None]:
    V, S = VARYING, SHARED
    size = Vb.shape[1]
    nv = plan.n_varying
    nin = plan.n_inputs
    out = plan.out
    nodes, back = plan.replay_nodes, plan.replay_back
    values = np.empty(size)
    in_grads = np.zeros((nin, size))
    param_rows = plan.param_rows.tolist()
    param_totals = [0.0] * len(param_rows)
    s0 = Sb[:, 0].tolist()
    for b in range(size):
        slots = [Vb[:nin, b].tolist() + [0.0] * (nv - nin), list(s0)]
        for prim, opr, extra, (okind, orow), _ in nodes:
            datas = [slots[k][r] for k, r in opr] + list(extra)
            try:
                slots[okind][orow] = evaluate(prim, datas)
            except ValueError as e:
                raise ValueError(f"{e} [batch example {b}]") from e
        if isinstance(out, float):
            values[b] = out
            continue
        values[b] = slots[out.kind][out.row]
        if not grad:
            continue
        g = [[0.0] * nv, [0.0] * len(s0)]
        g[out.kind][out.row] = seed
        last_op = {}     # per shared row, the op that last added to it (for an error)
        for prim, opr, extra, (okind, orow), constant in back:
            gn = g[okind][orow]
            out_data = slots[okind][orow]
            datas = [slots[k][r] for k, r in opr] + list(extra)
            try:
                # The engine's one chain-rule step: it passes nothing for a
                # zero gradient and refuses a non-finite local derivative, as
                # eager backward does.
                passed = chain_rule(prim, out_data, datas, gn, wanted=[not c for c in constant])
            except ValueError as e:
                raise ValueError(f"{e} [batch example {b}]") from e
            for i, ((k, r), contrib) in enumerate(zip(opr, passed)):
                if constant[i]:         # a float constant: eager keeps no gradient for it
                    continue
                total = g[k][r] + contrib
                if total != total:  # as eager backward: never a silent NaN gradient
                    err = nan_gradient_error("backward", prim, out_data, datas, i, gn, g[k][r])
                    raise ValueError(f"{err} [batch example {b}]")
                g[k][r] = total
                if k == S:
                    last_op[r] = (prim, datas)
        in_grads[:, b] = g[V][:nin]
        _add_param_grads(plan, param_totals, param_rows, g[S], last_op, b)
    if not grad:
        return values, None, None
    return values, tuple(in_grads) if plan.input_grads else (), np.array(param_totals)


def _add_param_grads(plan: Plan, totals: list[float], rows: list[int], grads: list[float],
                     last_op: dict[int, Any], b: int) -> None:
    """Add one example's parameter gradients to the batch totals, in example
    order as eager accumulates ``.grad``; a NaN total is an error."""
    for i, r in enumerate(rows):
        total = totals[i] + grads[r]
        if total != total:
            prim, datas = last_op.get(r, (None, ()))
            where = f"backward through {prim.name}({fmt_args(datas)})" if prim else "backward"
            raise ValueError(
                f"{where}: the gradient of {_param_name(plan, i)} summed over the batch is "
                f"NaN ({totals[i]!r} from the examples before, {grads[r]!r} from this one) "
                f"[batch example {b}]")
        totals[i] = total
