"""Level groups: the batched steps that ``autograd.compile`` runs.

A traced graph is cut into *levels* (a node's depth is one more than its
deepest operand's) and each level into *groups*: nodes of the same primitive,
parameters and operand kinds (:mod:`autograd.compiler.plan` does the cutting).
One group is executed by a handful of numpy calls on gathered operands,
however many nodes it holds, so the number of numpy calls grows with the
graph's depth, not with its size.

Values live in two buffers, told apart by a *kind*: ``VARYING`` rows have
shape ``(B,)`` (the inputs and every node that depends on them), ``SHARED``
rows have shape ``(1,)`` (captured parameters, constants and nodes computed
from those alone, the same for every example).  Where an operand lives is a
:class:`Ref` ``(kind, row)``.  Gradients live in buffers of the same shapes;
a shared row's gradient is summed over the batch as soon as it is scattered
(it is linear from there on).

The buffers outlive a call (one set per thread and batch size, see
:mod:`autograd.compiler.binding`), so each group is *bound* to them once:
``bind`` returns a ``forward`` and a ``backward`` closure over views made
then, and a call only runs those closures.  That is the measured reason for
the closures: settling views, shapes and branches once per batch size took
the batched pass of the benchmark's MLP step from about 265 to 175 us.
Nothing a closure holds refers back to it, so a binding is freed by
reference counting alone (no cycle waits for the garbage collector).

Example:
    >>> import numpy as np
    >>> from autograd.compiler.steps import gather_plan
    >>> gather_plan(np.array([4, 5, 6])).sel, gather_plan(np.array([3, 3])).mode
    (slice(4, 7, None), 'same')
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any, NamedTuple

import numpy as np

from ..primitives import NUMPY

__all__ = ["VARYING", "SHARED", "Ref", "Buffers", "GatherPlan", "gather_plan", "batch_sum",
           "Operand", "Elementwise", "WeightedPart", "PairsPart", "SharedPart", "Dot",
           "check_domain"]

VARYING, SHARED = 0, 1     # buffer kinds: the index into a (varying, shared) pair of arrays

# One row of weights (a single output neuron): the inputs' gradient is an
# outer product.  numpy's broadcast multiply takes a slow loop below a few
# thousand examples, np.dot a slow one above (numpy 2.4, OpenBLAS, one thread:
# 1,000 examples 12.0 us against 5.2 us for np.dot; 10,000: 27 us against
# 53 us), so a binding takes the multiply from this batch size on.
OUTER_MULTIPLY_FROM = 2048


class Ref(NamedTuple):
    """Where a value lives: buffer ``kind`` (``VARYING`` or ``SHARED``) and ``row``.

    Example:
        >>> from autograd.compiler.steps import Ref, VARYING
        >>> Ref(VARYING, 3)
        Ref(kind=0, row=3)
    """

    kind: int
    row: int


class Buffers(NamedTuple):
    """One thread's arrays for one batch size ``B`` (made by ``binding.Bound``).

    Example:
        >>> import autograd
        >>> from autograd.compiler.binding import Bound
        >>> bound = Bound(autograd.compile(lambda x: x * 2.0).plan, 5)
        >>> [a.shape for a in bound.values], bound.ones.shape
        ([(2, 5), (1, 1)], (5, 1))
    """

    values: tuple       # (varying (rows, B), shared (rows, 1))
    grads: tuple        # the same shapes
    ones: np.ndarray    # (B, 1), read-only: batch sums as a matrix product


def batch_sum(a: np.ndarray, out: np.ndarray | None = None,
              ones: np.ndarray | None = None) -> np.ndarray:
    """Each row of ``a`` (k, B) summed over the batch, shape (k, 1), written
    into ``out`` (contiguous, (k, 1)) when given; ``ones`` is a (B, 1) column
    of ones to use (made here when not given).

    A product with a column of ones: BLAS does it in well under half the time
    of ``a.sum(axis=1)`` on these small blocks (numpy's reduction machinery
    costs more than the additions: 1.0 against 2.4 us).

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
    if ones is None or ones.shape[0] != a.shape[1]:
        ones = np.ones((a.shape[1], 1))
    return np.dot(a, ones, out=out)


class GatherPlan:
    """How to read rows ``rows`` of a buffer and scatter-add back into them.

    ``sel`` indexes the buffer (a slice when the rows are contiguous, so the
    read is a view); ``mode`` says how gradients go back: ``slice``,
    ``same`` (one row repeated: sum first), ``unique`` (fancy ``+=`` is
    exact), ``dup`` (repeated rows: ``np.add.at``), or ``skip`` (nobody
    wants these gradients: constants, unrequested inputs, unreturned nodes).
    ``first`` is set by the plan when this scatter is the first write to its
    rows in the backward pass: it assigns, and the rows need no zeroing.

    Example:
        >>> import numpy as np
        >>> from autograd.compiler.steps import gather_plan
        >>> grad = np.zeros((3, 2))
        >>> gather_plan(np.array([2, 2])).add(grad, np.ones((2, 2)))
        >>> grad[2]
        array([2., 2.])
    """

    __slots__ = ("sel", "mode", "rows", "first")

    def __init__(self, sel: slice | np.ndarray, mode: str, rows: np.ndarray) -> None:
        self.sel = sel
        self.mode = mode
        self.rows = rows
        self.first = False

    def add(self, grad: np.ndarray, contrib: np.ndarray) -> None:
        """Scatter-add ``contrib`` (one row per gathered row) into ``grad``.

        Example:
            >>> import numpy as np
            >>> grad = np.zeros((3, 1))
            >>> gather_plan(np.array([0, 2, 0]), allow_same=False).add(grad, np.ones((3, 1)))
            >>> grad.ravel().tolist()
            [2.0, 0.0, 1.0]
        """
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
            np.add.at(grad, self.rows, contrib)

    def __repr__(self) -> str:
        return f"<GatherPlan {self.mode} rows {self.rows.tolist()}{' first' if self.first else ''}>"


def gather_plan(rows: Any, skip: bool = False, allow_same: bool = True) -> GatherPlan:
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
    sel: slice | np.ndarray
    if allow_same and k > 1 and (rows == rows[0]).all():
        sel, mode = slice(int(rows[0]), int(rows[0]) + 1), "same"
    elif k and (np.diff(rows) == 1).all():
        sel, mode = slice(int(rows[0]), int(rows[0]) + k), "slice"
    elif len(np.unique(rows)) == k:
        sel, mode = rows, "unique"
    else:
        sel, mode = rows, "dup"
    return GatherPlan(sel, "skip" if skip else mode, rows)


def _reader(buf: np.ndarray, sel: slice | np.ndarray,
            shape: tuple | None = None) -> Callable[[], np.ndarray]:
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


def _scatter(plan: GatherPlan, grad: np.ndarray, shared: bool,
             ones: np.ndarray) -> Callable[[np.ndarray], Any] | None:
    """A one-argument function adding a contribution into ``plan``'s rows of
    ``grad`` (summed over the batch first when the rows are ``shared``), or
    ``None`` when nobody wants these gradients."""
    if plan.mode == "skip":
        return None
    if plan.first and plan.mode == "slice":
        view = grad[plan.sel]
        if shared:
            return lambda contrib: batch_sum(contrib, out=view, ones=ones)

        def assign(contrib: np.ndarray) -> None:
            view[...] = contrib
        return assign
    if plan.mode == "slice":
        view = grad[plan.sel]
        if shared:
            return lambda contrib: np.add(view, batch_sum(contrib, ones=ones), out=view)
        return lambda contrib: np.add(view, contrib, out=view)
    if shared:
        return lambda contrib: plan.add(grad, batch_sum(contrib, ones=ones))
    return lambda contrib: plan.add(grad, contrib)


def _fresh_rows(plan: GatherPlan, grad: np.ndarray,
                shape: tuple | None = None) -> np.ndarray | None:
    """The view of ``grad`` a product may write into with ``out=``: only for
    rows this scatter writes first, as one contiguous slice; else ``None``."""
    if not plan.first or plan.mode != "slice":
        return None
    view = grad[plan.sel] if shape is None else grad[plan.sel].reshape(shape)
    return view if view.flags.c_contiguous else None


def check_domain(prim: Any, ops: list, extra: tuple) -> None:
    """The table's domain predicate on the whole batch.

    When some example fails it, the call cannot go on as a batch: this raises
    ``FloatingPointError``, as numpy does for an overflow, and the call is
    replayed example by example (:mod:`.replay`), which raises eager's error
    for the example and op eager meets first.  (Naming an example here would
    name the first failing one of this group, which need not be eager's:
    an earlier example may fail later in the graph, or in backward.)

    Example:
        >>> import numpy as np
        >>> from autograd.primitives import PRIMITIVES
        >>> check_domain(PRIMITIVES["log"], [np.array([[1.0, -2.0]])], ())
        Traceback (most recent call last):
        ...
        FloatingPointError: log: input must be > 0 fails for an example of the batch
    """
    ok = prim.domain[0](*ops, *extra)
    if ok.all() if type(ok) is np.ndarray else np.all(ok):
        return
    raise FloatingPointError(f"{prim.name}: {prim.domain[1]} fails for an example of the batch")


class Operand(NamedTuple):
    """One operand position of a group: its buffer ``kind`` and how its rows
    are gathered (and gradients scattered back).

    Example:
        >>> import autograd
        >>> step = autograd.compile(lambda x, y: x * y).plan.steps[0]
        >>> [(op.kind, op.plan.mode) for op in step.operands]
        [(0, 'slice'), (0, 'slice')]
    """

    kind: int
    plan: GatherPlan


class Elementwise:
    """One group of a fixed-arity (or small variadic) primitive.

    Forward and local derivatives come from the primitives table, evaluated
    with the numpy namespace on stacked operands of shape ``(k, B)`` (``(k, 1)``
    for shared ones, which broadcast).

    Example:
        >>> import autograd
        >>> f = autograd.compile(lambda x, y: (x * y).tanh())
        >>> [(type(s).__name__, s.prim.name, s.k) for s in f.plan.steps]
        [('Elementwise', 'mul', 1), ('Elementwise', 'tanh', 1)]
    """

    __slots__ = ("prim", "extra", "operands", "out_kind", "out", "k")

    def __init__(self, prim: Any, extra: tuple, operands: list[Operand], out_kind: int,
                 out: slice, k: int) -> None:
        self.prim = prim
        self.extra = extra          # non-differentiable parameters (alpha, exponent)
        self.operands = operands    # one Operand per operand position
        self.out_kind = out_kind
        self.out = out              # the group's rows of the output buffer
        self.k = k                  # nodes in the group

    def grad_plans(self) -> list[Operand]:
        """The gradient scatters, in backward's order.

        Example:
            >>> import autograd
            >>> step = autograd.compile(lambda x: x * 2.0).plan.steps[0]
            >>> [op.kind for op in step.grad_plans()]      # not the constant 2.0's
            [0]
        """
        return [op for op in self.operands if op.plan.mode != "skip"]

    def bind(self, buffers: Buffers) -> tuple[Callable[[], Any], Callable[[Any], None]]:
        """``(forward, backward)`` for one set of buffers.

        ``forward()`` writes the group's rows and returns the operands it
        read; ``backward(operands)`` adds the group's gradient contributions.
        Every view and branch is settled here, once per batch size, so a
        call runs little more than the numpy operations themselves.

        Example:
            >>> import autograd
            >>> from autograd.compiler.binding import Bound
            >>> f = autograd.compile(lambda x: x.exp())
            >>> bound = Bound(f.plan, 2)
            >>> bound.values[0][0] = [0.0, 1.0]            # the input row
            >>> forward, backward = f.plan.steps[0].bind(Buffers(bound.values, bound.grads, bound.ones))
            >>> _ = forward(); bound.values[0][1].round(3).tolist()
            [1.0, 2.718]
        """
        unary = self._bind_unary(buffers)
        if unary is not None:
            return unary
        bufs, grads = buffers.values, buffers.grads
        prim, extra = self.prim, self.extra
        fwd, derivs = prim.forward, prim.derivs
        out = bufs[self.out_kind][self.out]
        g = grads[self.out_kind][self.out]
        readers = [_reader(bufs[op.kind], op.plan.sel) for op in self.operands]
        if all(type(op.plan.sel) is slice for op in self.operands):
            fixed = [read() for read in readers]   # views: read once, valid for every call

            def gather() -> list:
                return fixed
        else:
            def gather() -> list:
                return [read() for read in readers]

        if prim.domain is None:
            def forward() -> list:
                ops = gather()
                out[...] = fwd(NUMPY, *ops, *extra)
                return ops
        else:
            def forward() -> list:
                ops = gather()
                check_domain(prim, ops, extra)
                out[...] = fwd(NUMPY, *ops, *extra)
                return ops

        shared_out = self.out_kind == SHARED
        adds: list = []
        for op in self.operands:
            plan = op.plan
            summed = op.kind == SHARED and not shared_out    # summed over the batch first
            if plan.first and plan.mode == "slice" and not summed:
                # Fresh rows: the product goes straight in, no temporary.
                view = grads[op.kind][plan.sel]
                adds.append(lambda d, view=view: np.multiply(g, d, out=view))
            else:
                scatter = _scatter(plan, grads[op.kind], summed, buffers.ones)
                # A constant derivative of 1.0 (add, sum) scatters g itself.
                adds.append(None if scatter is None else
                            lambda d, scatter=scatter: scatter(
                                g if d.__class__ is float and d == 1.0 else g * d))

        def backward(ops: list) -> None:
            for add, d in zip(adds, derivs(NUMPY, out, *ops, *extra)):
                if add is not None:
                    add(d)

        return forward, backward

    def _bind_unary(self, buffers: Buffers) -> tuple[Callable[[], Any], Callable[[Any], None]] | None:
        """The common case of one operand, bound straight to its views, or
        ``None`` for the general path of :meth:`bind`.

        One operand in a contiguous slice, no parameter, no domain check, its
        gradient rows written first and of its own kind (an activation in a
        layer): the same table calls as the general path, without
        ``gather()``, the operand list's unpacking and the add closure.  The
        same numbers (tested); the compiled MLP step 1.075x faster at 100
        examples and 1.025x at 1,000 (interleaved, 31 rounds).
        """
        prim = self.prim
        if len(self.operands) != 1 or self.extra or prim.domain is not None:
            return None
        op = self.operands[0]
        plan = op.plan
        if type(plan.sel) is not slice or not plan.first or plan.mode != "slice" \
                or op.kind != self.out_kind:
            return None
        fwd, derivs = prim.forward, prim.derivs
        out = buffers.values[self.out_kind][self.out]
        g = buffers.grads[self.out_kind][self.out]
        x = buffers.values[op.kind][plan.sel]
        view = buffers.grads[op.kind][plan.sel]
        ops = [x]

        def forward() -> list:
            out[...] = fwd(NUMPY, x)
            return ops

        def backward(_: list) -> None:
            np.multiply(g, derivs(NUMPY, out, x)[0], out=view)
        return forward, backward


# -- dot groups ------------------------------------------------------------------------
# A dot node sum_i x_i w_i has pairs of three sorts, each run its own way:
# a varying x times a shared w (a layer's inputs times its weights), both
# varying, and both shared (a bias folded in as the pair (1.0, b)).


class WeightedPart(NamedTuple):
    """The (varying x, shared w) pairs of a dot group: ``W @ X``.

    Example:
        >>> import autograd
        >>> from autograd import Value
        >>> w = [Value(1.0), Value(2.0)]
        >>> part = autograd.compile(lambda a, b: autograd.dot([a, b], w)).plan.steps[0].weighted
        >>> part.shape, part.lined.sel, part.weights.sel
        ((1, 2), slice(0, 2, None), slice(0, 2, None))
    """

    lined: GatherPlan | None   # every node reads the same varying rows, in order: one W @ X
    inputs: GatherPlan            # the varying rows, node by node (when not lined)
    weights: GatherPlan           # the shared rows, node by node, as an (nodes, pairs) matrix
    shape: tuple                  # (nodes, pairs per node)


class PairsPart(NamedTuple):
    """The (varying, varying) pairs of a dot group: a batched product and sum.

    Example:
        >>> import autograd
        >>> part = autograd.compile(lambda a, b: autograd.dot([a], [b])).plan.steps[0].varying
        >>> part.shape, part.left.rows.tolist(), part.right.rows.tolist()
        ((1, 1), [0], [1])
    """

    left: GatherPlan
    right: GatherPlan
    shape: tuple                  # (nodes, pairs per node)


class SharedPart(NamedTuple):
    """The (shared, shared) pairs of a dot group, the same for every example.

    Example:
        >>> import autograd
        >>> from autograd import Value
        >>> b = Value(0.5)
        >>> step = autograd.compile(lambda x: autograd.dot([x, 1.0], [Value(2.0), b])).plan.steps[0]
        >>> step.shared.folded_bias            # the pair (1.0, b): b is added as it is
        True
    """

    left: GatherPlan
    right: GatherPlan
    shape: tuple                  # (nodes, pairs per node)
    folded_bias: bool             # one pair (1.0, b): the product is b itself


class Dot:
    """One group of ``dot`` nodes as matrix products.

    Each node's (x_i, w_i) pairs are sorted into the three parts above.  When
    every node of the group reads the same varying rows in the same order (a
    layer of neurons over the previous layer's outputs), the weighted part is
    one matrix product ``W @ X``; otherwise a batched product over gathered
    rows.  The product rule it restates is the table's: d/dx_i = w_i,
    d/dw_i = x_i.

    Example:
        >>> import autograd
        >>> from autograd import Value
        >>> W = [[Value(1.0), Value(2.0)], [Value(3.0), Value(4.0)]]
        >>> f = autograd.compile(lambda a, b: autograd.sum([autograd.dot([a, b], w) for w in W]))
        >>> step = f.plan.steps[0]
        >>> type(step).__name__, step.k, step.weighted.lined is not None    # 2 nodes, one W @ X
        ('Dot', 2, True)
        >>> f([1.0], [1.0])
        array([10.])
    """

    __slots__ = ("weighted", "varying", "shared", "out_kind", "out", "k")

    def __init__(self, weighted: WeightedPart | None, varying: PairsPart | None,
                 shared: SharedPart | None, out_kind: int, out: slice, k: int) -> None:
        self.weighted = weighted
        self.varying = varying
        self.shared = shared
        self.out_kind = out_kind
        self.out = out
        self.k = k

    def grad_plans(self) -> list[Operand]:
        """The gradient scatters, in backward's order.

        The shared ones (weights, a folded bias) index the flattened shared
        buffer ``S[:, 0]``, as :meth:`bind` writes them.

        Example:
            >>> import autograd
            >>> from autograd import Value
            >>> w = [Value(1.0), Value(2.0)]
            >>> step = autograd.compile(lambda a, b: autograd.dot([a, b], w)).plan.steps[0]
            >>> [op.kind for op in step.grad_plans()]      # the inputs', the weights'
            [0, 1]
        """
        plans = []
        if self.weighted is not None:
            w = self.weighted
            plans += [Operand(VARYING, w.lined if w.lined is not None else w.inputs),
                      Operand(SHARED, w.weights)]
        if self.varying is not None:
            plans += [Operand(VARYING, self.varying.left), Operand(VARYING, self.varying.right)]
        if self.shared is not None:
            s = self.shared
            plans += ([Operand(SHARED, s.right)] if s.folded_bias
                      else [Operand(SHARED, s.left), Operand(SHARED, s.right)])
        return [op for op in plans if op.plan.mode != "skip"]

    def bind(self, buffers: Buffers) -> tuple[Callable[[], None], Callable[[Any], None]]:
        """``(forward, backward)`` for one set of buffers, as :meth:`Elementwise.bind`.

        Example:
            >>> import autograd
            >>> from autograd import Value
            >>> from autograd.compiler.binding import Bound
            >>> w = [Value(2.0), Value(3.0)]
            >>> f = autograd.compile(lambda a, b: autograd.dot([a, b], w))
            >>> bound = Bound(f.plan, 1)
            >>> bound.values[0][:2] = [[1.0], [1.0]]; bound.params[:] = [2.0, 3.0]
            >>> forward, _ = f.plan.steps[0].bind(Buffers(bound.values, bound.grads, bound.ones))
            >>> forward(); bound.values[0][2].tolist()
            [5.0]
        """
        layer = self._bind_layer(buffers)
        if layer is not None:
            return layer
        target = buffers.values[self.out_kind][self.out]
        g = buffers.grads[self.out_kind][self.out]
        parts: list = []
        backs: list = []
        if self.weighted is not None:
            self._bind_weighted(buffers, g, parts, backs)
        if self.varying is not None:
            self._bind_varying(buffers, g, parts, backs)
        if self.shared is not None:
            self._bind_shared(buffers, g, parts, backs)

        forward: Callable[[], None]
        if self.weighted is not None and type(target) is np.ndarray \
                and target.flags.c_contiguous:
            # The matrix product writes the rows itself (BLAS, no temporary);
            # the other parts are added on.
            product, rest = parts[0], parts[1:]

            def forward() -> None:
                product(target)
                for part in rest:
                    np.add(target, part(), out=target)
        elif not parts:
            def forward() -> None:
                target[...] = 0.0
        elif len(parts) == 1:
            part = parts[0]

            def forward() -> None:
                target[...] = part()
        elif len(parts) == 2:
            first, second = parts

            def forward() -> None:
                np.add(first(), second(), out=target)
        else:
            def forward() -> None:
                np.add(parts[0](), parts[1](), out=target)
                for part in parts[2:]:
                    np.add(target, part(), out=target)

        def backward(_: Any) -> None:
            for back in backs:
                back()

        return forward, backward

    def _bind_layer(self, buffers: Buffers) -> tuple[Callable[[], None], Callable[[Any], None]] | None:
        """The common case, a layer of neurons, bound straight to its views,
        or ``None`` for the general path of :meth:`bind`.

        A layer is one lined ``W @ X`` with its bias folded in and nothing
        else, every block a contiguous slice of the buffers, and every
        gradient block written first (or not wanted): its forward is then
        ``np.dot`` and ``np.add`` on views fixed at binding time, its
        backward the three products, with none of the general path's calls
        between (the part, reader and scatter closures).  The same numpy
        operations on the same arrays, so the same numbers: the compiled MLP
        step 1.095x faster at 100 examples and 1.03x at 1,000 (interleaved,
        31 rounds).
        """
        w, bias = self.weighted, self.shared
        if w is None or w.lined is None or self.varying is not None:
            return None
        if bias is not None and not bias.folded_bias:
            return None
        varying, shared = buffers.values
        var_grad, shared_grad = buffers.grads
        target = varying[self.out] if self.out_kind == VARYING else None
        plans = [w.lined, w.weights] + ([bias.right] if bias is not None else [])
        if target is None or not target.flags.c_contiguous \
                or any(type(p.sel) is not slice for p in plans):
            return None
        gx = _fresh_rows(w.lined, var_grad)
        gw = _fresh_rows(w.weights, shared_grad[:, 0], w.shape)
        gb = _fresh_rows(bias.right, shared_grad) if bias is not None else None
        if gw is None or (gx is None and w.lined.mode != "skip") \
                or (bias is not None and gb is None and bias.right.mode != "skip"):
            return None
        W = shared[:, 0][w.weights.sel].reshape(w.shape)
        WT = W.T
        X = varying[w.lined.sel]
        XT = X.T
        B = shared[bias.right.sel] if bias is not None else None
        g = buffers.grads[VARYING][self.out]
        ones = buffers.ones
        outer = W.shape[0] == 1 and varying.shape[1] >= OUTER_MULTIPLY_FROM

        def forward() -> None:
            np.dot(W, X, out=target)
            if B is not None:
                np.add(target, B, out=target)

        def backward(_: Any) -> None:
            if gx is not None:
                if outer:
                    np.multiply(WT, g, out=gx)
                else:
                    np.dot(WT, g, out=gx)
            np.dot(g, XT, out=gw)
            if gb is not None:
                batch_sum(g, out=gb, ones=ones)
        return forward, backward

    def _bind_weighted(self, buffers: Buffers, g: np.ndarray, parts: list, backs: list) -> None:
        varying, shared = buffers.values
        var_grad, shared_grad = buffers.grads
        lined, inputs, weights, shape = self.weighted   # type: ignore[misc]
        read_w = _reader(shared[:, 0], weights.sel, shape)
        add_w = _scatter(weights, shared_grad[:, 0], False, buffers.ones)
        held: list = [None, None]      # this call's (W, X) for backward, when gathered
        if lined is not None:
            read_x = _reader(varying, lined.sel)
            add_x = _scatter(lined, var_grad, False, buffers.ones)

            def part(out: np.ndarray | None = None) -> np.ndarray:
                W, X = held[0], held[1] = read_w(), read_x()
                # np.dot, not matmul: numpy's matmul takes a slow non-BLAS
                # loop for some of these shapes (100x slower on the neuron).
                return np.dot(W, X, out=out)

            gx = _fresh_rows(lined, var_grad)
            gw = _fresh_rows(weights, shared_grad[:, 0], shape)
            outer_dot = varying.shape[1] < OUTER_MULTIPLY_FROM

            def back() -> None:
                W, X = held
                if gx is not None:
                    if W.shape[0] == 1 and not outer_dot:
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
            read_x = _reader(varying, inputs.sel, shape + (varying.shape[1],))
            add_x = _scatter(inputs, var_grad, False, buffers.ones)

            def part(out: np.ndarray | None = None) -> np.ndarray:
                W, X = held[0], held[1] = read_w(), read_x()
                return np.einsum("kn,knb->kb", W, X, out=out)

            def back() -> None:
                W, X = held
                if add_x is not None:
                    add_x((W[:, :, None] * g[:, None, :]).reshape(-1, g.shape[1]))
                if add_w is not None:
                    add_w(np.einsum("kb,knb->kn", g, X).reshape(-1))
        parts.append(part)
        backs.append(back)

    def _bind_varying(self, buffers: Buffers, g: np.ndarray, parts: list, backs: list) -> None:
        varying = buffers.values[VARYING]
        var_grad = buffers.grads[VARYING]
        left, right, shape = self.varying   # type: ignore[misc]
        size = varying.shape[1]
        read_a = _reader(varying, left.sel, shape + (size,))
        read_b = _reader(varying, right.sel, shape + (size,))
        add_a = _scatter(left, var_grad, False, buffers.ones)
        add_b = _scatter(right, var_grad, False, buffers.ones)

        def part() -> np.ndarray:
            return (read_a() * read_b()).sum(axis=1)

        def back() -> None:
            g3 = g[:, None, :]
            if add_a is not None:
                add_a((g3 * read_b()).reshape(-1, size))
            if add_b is not None:
                add_b((g3 * read_a()).reshape(-1, size))
        parts.append(part)
        backs.append(back)

    def _bind_shared(self, buffers: Buffers, g: np.ndarray, parts: list, backs: list) -> None:
        shared = buffers.values[SHARED]
        shared_grad = buffers.grads[SHARED]
        ones = buffers.ones
        left, right, shape, folded_bias = self.shared   # type: ignore[misc]
        if folded_bias:
            # A bias folded in as (1.0, b): the pair's product is b itself.
            read_b = _reader(shared, right.sel)
            add_b = _scatter(right, shared_grad, True, ones)
            parts.append(read_b)
            if add_b is not None:
                backs.append(lambda: add_b(g))
            return
        read_a, read_b = _reader(shared[:, 0], left.sel), _reader(shared[:, 0], right.sel)
        add_a = _scatter(left, shared_grad[:, 0], False, ones)
        add_b = _scatter(right, shared_grad[:, 0], False, ones)

        def part() -> np.ndarray:
            prod = read_a() * read_b()
            return (prod if shape[1] == 1 else prod.reshape(shape).sum(axis=1))[:, None]

        def back() -> None:
            gsum = batch_sum(g, ones=ones)      # (k, 1): shared rows sum over the batch
            if add_a is not None:
                add_a((gsum * read_b().reshape(shape)).reshape(-1))
            if add_b is not None:
                add_b((gsum * read_a().reshape(shape)).reshape(-1))
        parts.append(part)
        backs.append(back)
