"""Level groups: the batched steps that ``autograd.compile`` runs.

A traced graph is cut into *levels* (a node's depth is one more than its
deepest operand's) and each level into *groups*: nodes of the same primitive,
parameters and operand kinds.  One group is executed by a handful of numpy
calls on gathered operands, however many nodes it holds, so the number of
numpy calls grows with the graph's depth, not with its size.

Values live in two buffers: ``V`` (rows of shape ``(B,)``: the inputs and
every node that depends on them) and ``S`` (rows of shape ``(1,)``:
captured parameters, constants and nodes computed from those alone, shared by
every example).  An operand is ``(kind, row)`` with kind ``V`` = 0 or ``S`` = 1.
Gradients live in buffers of the same shapes; a shared row's gradient is
summed over the batch as soon as it is scattered (it is linear from there on).

Example:
    >>> import numpy as np
    >>> from autograd.levels import gather_plan
    >>> gather_plan(np.array([4, 5, 6])).sel, gather_plan(np.array([3, 3])).mode
    (slice(4, 7, None), 'same')
"""
import numpy as np

from .primitives import NUMPY

__all__ = ["V", "S", "GatherPlan", "gather_plan", "batch_sum", "Elementwise", "Dot"]

V, S = 0, 1

_ONES = [np.ones((0, 1))]   # the last batch size's column of ones, read-only


def batch_sum(a):
    """Each row of ``a`` (k, B) summed over the batch, shape (k, 1).

    A product with a column of ones: BLAS does it in well under half the time
    of ``a.sum(axis=1)`` on these small blocks (numpy's reduction machinery
    costs more than the additions).

    Example:
        >>> import numpy as np
        >>> batch_sum(np.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
        [[3.0], [7.0]]
    """
    if a.shape[1] == 1:       # a shared group's gradient: nothing to sum
        return a
    ones = _ONES[0]
    if ones.shape[0] != a.shape[1]:
        ones = np.ones((a.shape[1], 1))
        ones.flags.writeable = False
        _ONES[0] = ones
    return np.dot(a, ones)


class GatherPlan:
    """How to read rows ``rows`` of a buffer and scatter-add back into them.

    ``sel`` indexes the buffer (a slice when the rows are contiguous, so the
    read is a view); ``mode`` says how gradients go back: ``slice``,
    ``same`` (one row repeated: sum first), ``unique`` (fancy ``+=`` is
    exact), ``dup`` (repeated rows: ``np.add.at``), or ``skip`` (constants
    only: nobody wants their gradient).

    Example:
        >>> import numpy as np
        >>> from autograd.levels import gather_plan
        >>> grad = np.zeros((3, 2))
        >>> gather_plan(np.array([2, 2])).add(grad, np.ones((2, 2)))
        >>> grad[2]
        array([2., 2.])
    """

    __slots__ = ("sel", "mode", "rows", "first")

    def __init__(self, sel, mode, rows):
        self.sel = sel
        self.mode = mode
        self.rows = rows
        self.first = False   # the first write to these rows: assign, no zeroing needed

    def add(self, grad, contrib):
        """Scatter-add ``contrib`` (one row per gathered row) into ``grad``."""
        mode = self.mode
        if self.first:
            grad[self.sel] = contrib
        elif mode == "slice":
            view = grad[self.sel]
            np.add(view, contrib, out=view)
        elif mode == "unique":
            grad[self.sel] += contrib
        elif mode == "same":
            grad[self.rows[0]] += contrib.sum(axis=0)
        elif mode == "dup":
            np.add.at(grad, self.sel, contrib)


def gather_plan(rows, skip=False, allow_same=True):
    """The cheapest way to gather ``rows`` (an int array) and scatter back.

    ``allow_same=False`` when the gather must return one row per entry (a
    repeated row is then gathered in full, ``dup``).

    Example:
        >>> import numpy as np
        >>> from autograd.levels import gather_plan
        >>> gather_plan(np.array([2, 0, 1])).mode, gather_plan(np.array([2, 0, 2])).mode
        ('unique', 'dup')
    """
    rows = np.asarray(rows, dtype=np.intp)
    k = len(rows)
    if k == 1:   # most groups of a narrow graph: skip the numpy analysis
        r = int(rows[0])
        return GatherPlan(slice(r, r + 1), "skip" if skip else "slice", rows)
    if allow_same and k > 1 and (rows == rows[0]).all():
        sel, mode = slice(int(rows[0]), int(rows[0]) + 1), "same"
    elif k and (np.diff(rows) == 1).all():
        sel, mode = slice(int(rows[0]), int(rows[0]) + k), "slice"
    elif len(np.unique(rows)) == k:
        sel, mode = rows, "unique"
    else:
        sel, mode = rows, "dup"
    return GatherPlan(sel, "skip" if skip else mode, rows)


class Elementwise:
    """One group of a fixed-arity (or small variadic) primitive.

    Forward and local derivatives come from the primitives table, evaluated
    with the numpy namespace on stacked operands of shape ``(k, B)`` (``(k, 1)``
    for shared ones, which broadcast).

    Example:
        >>> import autograd
        >>> f = autograd.compile(lambda x, y: (x * y).tanh())
        >>> [(type(s).__name__, s.prim.name, s.k) for s in f._steps]
        [('Elementwise', 'mul', 1), ('Elementwise', 'tanh', 1)]
    """

    __slots__ = ("prim", "extra", "operands", "out_kind", "out", "k", "check")

    def __init__(self, prim, extra, operands, out_kind, out, k, check):
        self.prim = prim
        self.extra = extra          # non-differentiable parameters (alpha, exponent)
        self.operands = operands    # [(kind, GatherPlan)] per operand position
        self.out_kind = out_kind
        self.out = out              # slice of the output buffer
        self.k = k
        self.check = check          # check(prim, ops, extra): domain on the batch

    def v_plans(self):
        """The plans that write batch-row gradients, in backward's order."""
        return [plan for kind, plan in self.operands if kind == V and plan.mode != "skip"]

    def forward(self, bufs):
        ops = [bufs[kind][plan.sel] for kind, plan in self.operands]
        if self.prim.domain is not None:
            self.check(self.prim, ops, self.extra, self.operands)
        bufs[self.out_kind][self.out] = self.prim.forward(NUMPY, *ops, *self.extra)
        return ops

    def backward(self, bufs, grads, ops):
        g = grads[self.out_kind][self.out]
        out = bufs[self.out_kind][self.out]
        local = self.prim.derivs(NUMPY, out, *ops, *self.extra)
        for (kind, plan), d in zip(self.operands, local):
            if plan.first and plan.mode == "slice":
                np.multiply(g, d, out=grads[kind][plan.sel])   # straight into fresh rows
            elif plan.mode != "skip":
                contrib = g if d.__class__ is float and d == 1.0 else g * d
                if kind == S and contrib.shape[1] != 1:
                    contrib = batch_sum(contrib)  # shared: batch sum
                plan.add(grads[kind], contrib)


class Dot:
    """One group of ``dot`` nodes as matrix products.

    Each node's (x_i, w_i) pairs are sorted into varying x shared w (``vs``),
    both varying (``vv``) and both shared (``ss``).  When every node of the
    group reads the same varying rows in the same order (a layer of neurons
    over the previous layer's outputs), the ``vs`` part is one matrix
    product ``W @ X``; otherwise a batched product over gathered rows.  The
    product rule it restates is the table's: d/dx_i = w_i, d/dw_i = x_i.

    Example:
        >>> import autograd
        >>> from autograd import Value
        >>> W = [[Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)]]
        >>> f = autograd.compile(lambda a, b: autograd.sum([autograd.dot([a, b], w) for w in W]))
        >>> step = f._steps[0]
        >>> type(step).__name__, step.k, step.vs[0] is not None    # 2 nodes, one W @ X
        ('Dot', 2, True)
        >>> f([1.0], [1.0])
        array([10.])
    """

    __slots__ = ("vs", "vv", "ss", "out_kind", "out", "k")

    def __init__(self, vs, vv, ss, out_kind, out, k):
        # vs: (x_plan_lined or None, x_plan_all, w_plan_all, shape) or None
        self.vs = vs
        self.vv = vv   # (a_plan, b_plan, (k, n)) or None
        self.ss = ss   # (a_plan, b_plan, (k, n), ones: a folded 1.0 bias) or None
        self.out_kind = out_kind
        self.out = out
        self.k = k

    def v_plans(self):
        """The plans that write batch-row gradients, in backward's order."""
        plans = []
        if self.vs is not None:
            plans.append(self.vs[0] if self.vs[0] is not None else self.vs[1])
        if self.vv is not None:
            plans += [self.vv[0], self.vv[1]]
        return [p for p in plans if p.mode != "skip"]

    def _vs_operands(self, bufs):
        x_lined, x_all, w_all, shape = self.vs
        W = bufs[S][w_all.sel, 0].reshape(shape)
        if x_lined is not None:
            return W, bufs[V][x_lined.sel]
        return W, bufs[V][x_all.sel].reshape(shape + (-1,))

    def forward(self, bufs):
        Vb, Sb = bufs
        parts = []
        cache = None
        if self.vs is not None:
            W, X = self._vs_operands(bufs)
            if X.ndim == 2:
                parts.append(np.dot(W, X))   # with out=, or as matmul, numpy may skip BLAS
            else:
                parts.append(np.einsum("kn,knb->kb", W, X))
            cache = (W, X)
        if self.vv is not None:
            a, b, shape = self.vv
            parts.append((Vb[a.sel] * Vb[b.sel]).reshape(shape + (-1,)).sum(axis=1))
        if self.ss is not None:
            a, b, shape, ones = self.ss
            if ones:
                parts.append(Sb[b.sel])
            else:
                part = Sb[a.sel, 0] * Sb[b.sel, 0]
                parts.append((part if shape[1] == 1 else part.reshape(shape).sum(axis=1))[:, None])
        target = bufs[self.out_kind][self.out]
        if not parts:
            target[...] = 0.0
        elif len(parts) == 1:
            target[...] = parts[0]
        else:
            np.add(parts[0], parts[1], out=target)
            for part in parts[2:]:
                np.add(target, part, out=target)
        return cache

    def backward(self, bufs, grads, cache):
        Vb, Sb = bufs
        GV, GS = grads
        g = grads[self.out_kind][self.out]
        if self.vs is not None:
            x_lined, x_all, w_all, shape = self.vs
            W, X = cache
            if X.ndim == 2:
                # np.dot, and a broadcast product for one row: numpy's matmul
                # takes a slow non-BLAS loop for some of these shapes.
                if x_lined.mode != "skip":
                    x_lined.add(GV, W.T * g if W.shape[0] == 1 else np.dot(W.T, g))
                gw = np.dot(g, X.T)
            else:
                if x_all.mode != "skip":
                    x_all.add(GV, (W[:, :, None] * g[:, None, :]).reshape(-1, g.shape[1]))
                gw = np.einsum("kb,knb->kn", g, X)
            if w_all.mode != "skip":
                w_all.add(GS, gw.reshape(-1, 1))
        if self.vv is not None:
            a, b, shape = self.vv
            B = g.shape[1]
            ga = g[:, None, :] * Vb[b.sel].reshape(shape + (B,))
            gb = g[:, None, :] * Vb[a.sel].reshape(shape + (B,))
            if a.mode != "skip":
                a.add(GV, ga.reshape(-1, B))
            if b.mode != "skip":
                b.add(GV, gb.reshape(-1, B))
        if self.ss is not None:
            a, b, shape, ones = self.ss
            gsum = batch_sum(g)      # (k, 1): shared rows sum over the batch
            if ones:
                b.add(GS, gsum)
                return
            if a.mode != "skip":
                a.add(GS, (gsum * Sb[b.sel, 0].reshape(shape)).reshape(-1, 1))
            if b.mode != "skip":
                b.add(GS, (gsum * Sb[a.sel, 0].reshape(shape)).reshape(-1, 1))
