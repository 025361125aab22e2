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

The buffers outlive a call (one set per thread and batch size, see
``compiled._Run``), so each group is *bound* to them once: ``bind`` returns a
``forward`` and a ``backward`` closure over views made then, and a call only
runs those closures.

Example:
    >>> import numpy as np
    >>> from autograd.compiler.steps import gather_plan
    >>> gather_plan(np.array([4, 5, 6])).sel, gather_plan(np.array([3, 3])).mode
    (slice(4, 7, None), 'same')
"""
import numpy as np

from ..primitives import NUMPY

__all__ = ["V", "S", "GatherPlan", "gather_plan", "batch_sum", "Elementwise", "Dot"]

V, S = 0, 1

_ONES = [np.ones((0, 1))]   # the last batch size's column of ones, read-only


def batch_sum(a, out=None):
    """Each row of ``a`` (k, B) summed over the batch, shape (k, 1), written
    into ``out`` (contiguous, (k, 1)) when given.

    A product with a column of ones: BLAS does it in well under half the time
    of ``a.sum(axis=1)`` on these small blocks (numpy's reduction machinery
    costs more than the additions).

    Example:
        >>> import numpy as np
        >>> batch_sum(np.array([[1.0, 2.0], [3.0, 4.0]])).tolist()
        [[3.0], [7.0]]
    """
    if a.shape[1] == 1:       # a shared group's gradient: nothing to sum
        if out is None:
            return a
        out[...] = a
        return out
    ones = _ONES[0]
    if ones.shape[0] != a.shape[1]:
        ones = np.ones((a.shape[1], 1))
        ones.flags.writeable = False
        _ONES[0] = ones
    return np.dot(a, ones, out=out)


class GatherPlan:
    """How to read rows ``rows`` of a buffer and scatter-add back into them.

    ``sel`` indexes the buffer (a slice when the rows are contiguous, so the
    read is a view); ``mode`` says how gradients go back: ``slice``,
    ``same`` (one row repeated: sum first), ``unique`` (fancy ``+=`` is
    exact), ``dup`` (repeated rows: ``np.add.at``), or ``skip`` (constants
    only: nobody wants their gradient).

    Example:
        >>> import numpy as np
        >>> from autograd.compiler.steps import gather_plan
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
        >>> from autograd.compiler.steps import gather_plan
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


def _reader(buf, sel, shape=None):
    """A zero-argument function returning ``buf[sel]`` (reshaped to ``shape``).

    A slice gives a view, computed once when the step is bound: the buffers
    persist across calls, so the view keeps seeing each call's data.  A
    fancy index has to gather on every call.
    """
    if type(sel) is slice:
        view = buf[sel] if shape is None else buf[sel].reshape(shape)
        return lambda: view
    if shape is None:
        return lambda: buf[sel]
    return lambda: buf[sel].reshape(shape)


def _scatter(plan, grad, shared):
    """A one-argument function adding a contribution into ``plan``'s rows of
    ``grad`` (summed over the batch first when the rows are ``shared``), or
    ``None`` when nobody wants these gradients."""
    if plan.mode == "skip":
        return None
    if plan.first and plan.mode == "slice":
        view = grad[plan.sel]
        if shared:
            return lambda contrib: batch_sum(contrib, out=view)

        def assign(contrib):
            view[...] = contrib
        return assign
    if plan.mode == "slice":
        view = grad[plan.sel]
        if shared:
            return lambda contrib: np.add(view, batch_sum(contrib), out=view)
        return lambda contrib: np.add(view, contrib, out=view)
    if shared:
        return lambda contrib: plan.add(grad, batch_sum(contrib))
    return lambda contrib: plan.add(grad, contrib)


def _fresh_rows(plan, grad, shape=None):
    """The view of ``grad`` a product may write into with ``out=``: only for
    rows this scatter writes first, as one contiguous slice; else ``None``."""
    if not plan.first or plan.mode != "slice":
        return None
    view = grad[plan.sel] if shape is None else grad[plan.sel].reshape(shape)
    return view if view.flags.c_contiguous else None


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
        self.check = check          # check(prim, ops, extra, operands): domain on the batch

    def grad_plans(self):
        """``(kind, plan)`` of the gradient scatters, in backward's order."""
        return [(kind, plan) for kind, plan in self.operands if plan.mode != "skip"]

    def bind(self, bufs, grads):
        """``(forward, backward)`` for one set of buffers.

        ``forward()`` writes the group's rows and returns the operands it
        read; ``backward(operands)`` adds the group's gradient contributions.
        Every view and branch is settled here, once per batch size, so a
        call runs little more than the numpy operations themselves.
        """
        prim, extra, operands = self.prim, self.extra, self.operands
        fwd, derivs, check = prim.forward, prim.derivs, self.check
        out = bufs[self.out_kind][self.out]
        g = grads[self.out_kind][self.out]
        readers = [_reader(bufs[kind], plan.sel) for kind, plan in operands]
        if all(type(plan.sel) is slice for _, plan in operands):
            fixed = [read() for read in readers]

            def gather():
                return fixed
        else:
            def gather():
                return [read() for read in readers]

        if prim.domain is None:
            def forward():
                ops = gather()
                out[...] = fwd(NUMPY, *ops, *extra)
                return ops
        else:
            def forward():
                ops = gather()
                check(prim, ops, extra, operands)
                out[...] = fwd(NUMPY, *ops, *extra)
                return ops

        shared_out = self.out_kind == S
        adds = []
        for kind, plan in operands:
            shared = kind == S and not shared_out    # summed over the batch first
            if plan.first and plan.mode == "slice" and not shared:
                # Fresh rows: the product goes straight in, no temporary.
                view = grads[kind][plan.sel]
                adds.append(lambda d, view=view: np.multiply(g, d, out=view))
            else:
                scatter = _scatter(plan, grads[kind], shared)
                adds.append(None if scatter is None else
                            lambda d, scatter=scatter: scatter(
                                g if d.__class__ is float and d == 1.0 else g * d))

        def backward(ops):
            for add, d in zip(adds, derivs(NUMPY, out, *ops, *extra)):
                if add is not None:
                    add(d)

        return forward, backward


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

    def grad_plans(self):
        """``(kind, plan)`` of the gradient scatters, in backward's order.

        The shared ones (weights, a folded bias) index the flattened shared
        buffer ``S[:, 0]``, as :meth:`bind` writes them."""
        plans = []
        if self.vs is not None:
            plans += [(V, self.vs[0] if self.vs[0] is not None else self.vs[1]), (S, self.vs[2])]
        if self.vv is not None:
            plans += [(V, self.vv[0]), (V, self.vv[1])]
        if self.ss is not None:
            plans += [(S, self.ss[1])] if self.ss[3] else [(S, self.ss[0]), (S, self.ss[1])]
        return [(kind, p) for kind, p in plans if p.mode != "skip"]

    def bind(self, bufs, grads):
        """``(forward, backward)`` for one set of buffers, as :meth:`Elementwise.bind`."""
        Vb, Sb = bufs
        GV, GS = grads
        target = bufs[self.out_kind][self.out]
        g = grads[self.out_kind][self.out]
        parts, backs = [], []
        if self.vs is not None:
            self._bind_vs(Vb, Sb, GV, GS, g, parts, backs)
        if self.vv is not None:
            self._bind_vv(Vb, GV, g, parts, backs)
        if self.ss is not None:
            self._bind_ss(Sb, GS, g, parts, backs)

        if self.vs is not None and type(target) is np.ndarray and target.flags.c_contiguous:
            # The matrix product writes the rows itself (BLAS, no temporary);
            # the other parts are added on.
            into, rest = parts[0].into, parts[1:]

            def forward():
                into(target)
                for part in rest:
                    np.add(target, part(), out=target)
        elif not parts:
            def forward():
                target[...] = 0.0
        elif len(parts) == 1:
            part = parts[0]

            def forward():
                target[...] = part()
        elif len(parts) == 2:
            first, second = parts

            def forward():
                np.add(first(), second(), out=target)
        else:
            def forward():
                np.add(parts[0](), parts[1](), out=target)
                for part in parts[2:]:
                    np.add(target, part(), out=target)

        def backward(_):
            for back in backs:
                back()

        return forward, backward

    def _bind_vs(self, Vb, Sb, GV, GS, g, parts, backs):
        x_lined, x_all, w_all, shape = self.vs
        read_w = _reader(Sb[:, 0], w_all.sel, shape)
        add_w = _scatter(w_all, GS[:, 0], False)
        held = [None, None]      # this call's (W, X) for backward, when gathered
        if x_lined is not None:
            read_x = _reader(Vb, x_lined.sel)
            add_x = _scatter(x_lined, GV, False)

            def part(out=None):
                W, X = held[0], held[1] = read_w(), read_x()
                # np.dot, not matmul: numpy's matmul takes a slow non-BLAS
                # loop for some of these shapes.
                return np.dot(W, X, out=out)

            gx = _fresh_rows(x_lined, GV)
            gw = _fresh_rows(w_all, GS[:, 0], shape)

            def back():
                W, X = held
                if gx is not None:
                    if W.shape[0] == 1:
                        np.multiply(W.T, g, out=gx)
                    else:
                        np.dot(W.T, g, out=gx)
                elif add_x is not None:
                    # A broadcast product for one row (a dot with it is slower).
                    add_x(W.T * g if W.shape[0] == 1 else np.dot(W.T, g))
                if gw is not None:
                    np.dot(g, X.T, out=gw)
                elif add_w is not None:
                    add_w(np.dot(g, X.T).reshape(-1))
        else:
            read_x = _reader(Vb, x_all.sel, shape + (Vb.shape[1],))
            add_x = _scatter(x_all, GV, False)

            def part(out=None):
                W, X = held[0], held[1] = read_w(), read_x()
                return np.einsum("kn,knb->kb", W, X, out=out)

            def back():
                W, X = held
                if add_x is not None:
                    add_x((W[:, :, None] * g[:, None, :]).reshape(-1, g.shape[1]))
                if add_w is not None:
                    add_w(np.einsum("kb,knb->kn", g, X).reshape(-1))
        part.into = lambda out: part(out)
        parts.append(part)
        backs.append(back)

    def _bind_vv(self, Vb, GV, g, parts, backs):
        a, b, shape = self.vv
        B = Vb.shape[1]
        read_a = _reader(Vb, a.sel, shape + (B,))
        read_b = _reader(Vb, b.sel, shape + (B,))
        add_a, add_b = _scatter(a, GV, False), _scatter(b, GV, False)

        def part():
            return (read_a() * read_b()).sum(axis=1)

        def back():
            g3 = g[:, None, :]
            if add_a is not None:
                add_a((g3 * read_b()).reshape(-1, B))
            if add_b is not None:
                add_b((g3 * read_a()).reshape(-1, B))
        parts.append(part)
        backs.append(back)

    def _bind_ss(self, Sb, GS, g, parts, backs):
        a, b, shape, ones = self.ss
        if ones:
            # A bias folded in as (1.0, b): the pair's product is b itself.
            read_b = _reader(Sb, b.sel)
            add_b = _scatter(b, GS, True)
            parts.append(read_b)
            if add_b is not None:
                backs.append(lambda: add_b(g))
            return
        read_a, read_b = _reader(Sb[:, 0], a.sel), _reader(Sb[:, 0], b.sel)
        add_a, add_b = _scatter(a, GS[:, 0], False), _scatter(b, GS[:, 0], False)

        def part():
            prod = read_a() * read_b()
            return (prod if shape[1] == 1 else prod.reshape(shape).sum(axis=1))[:, None]

        def back():
            gsum = batch_sum(g)      # (k, 1): shared rows sum over the batch
            if add_a is not None:
                add_a((gsum * read_b().reshape(shape)).reshape(-1))
            if add_b is not None:
                add_b((gsum * read_a().reshape(shape)).reshape(-1))
        parts.append(part)
        backs.append(back)
