"""``autograd.compile``: trace a scalar function once, run it on whole batches.

The function is run once on placeholder Values (:mod:`autograd.compiler.tracing`); its
graph is cut into level groups (:mod:`autograd.compiler.steps`) and each call runs
those groups with numpy over a batch, one row per example.  Captured
parameters (leaf Values the function closes over, such as a model's weights)
are read at call time, so an optimizer step is seen by the next call.

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
import math
import threading

import numpy as np

from .. import engine
from ..engine import Value, _fmt, topological_order
from ..primitives import FLOAT, PRIMITIVES
from .steps import Dot, Elementwise, S, V, gather_plan
from .tracing import TracingError, trace

__all__ = ["compile", "Compiled", "TracingError"]

_DOT = PRIMITIVES["dot"]
# numpy raises (instead of warning) on the floating-point events that mean an
# eager step would have refused or produced a NaN; the call is then replayed
# example by example with the engine's own scalar rules (exact, slow, rare).
_STRICT = {"over": "raise", "divide": "raise", "invalid": "raise", "under": "ignore"}


def compile(fn, nargs=None, input_grads=True):
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

    Example:
        >>> import autograd
        >>> f = autograd.compile(lambda x: x.tanh() * 2.0)
        >>> f([0.0, 100.0])
        array([0., 2.])
    """
    return Compiled(fn, nargs, input_grads)


class Compiled:
    """A traced function that runs on batches.  Built by :func:`compile`.

    Attributes: ``names`` (the inputs' names), ``parameters`` (the captured
    leaf Values, read at call time), ``input_grads`` (whether
    ``value_and_grad`` returns the inputs' derivatives), ``depth`` (levels of
    the graph) and ``n_groups`` (batched steps per forward; each is a few
    numpy calls).

    Example:
        >>> import autograd
        >>> from autograd import Value
        >>> b = Value(1.0)
        >>> f = autograd.compile(lambda x0, x1: (x0 * x1 + b).relu())
        >>> f.names, len(f.parameters), f.depth, f.n_groups
        (('x0', 'x1'), 1, 3, 3)
    """

    def __init__(self, fn, nargs=None, input_grads=True):
        if not isinstance(input_grads, bool):
            raise TypeError(f"compile: input_grads must be True or False, got {input_grads!r}")
        out, inputs, names = trace(fn, nargs)
        self.names = names
        self.input_grads = input_grads
        self._fn_name = getattr(fn, "__name__", "function")
        self._build(out, inputs)
        # Rebuild with the parameters laid out in the order the matrix products
        # read them, so a layer's weights are a view of S, not a gather.
        order = self._matmul_order()
        if order != list(self.parameters) or not isinstance(self._param_sel, slice):
            self._build(out, inputs, order)
        self._local = threading.local()   # each thread's buffers (see _Run)

    # -- building --------------------------------------------------------------
    def _matmul_order(self):
        """The parameters in the order the dot groups read them."""
        by_row = dict(zip(self._param_rows.tolist(), self.parameters))
        order = []
        for step in self._steps:
            if isinstance(step, Dot):
                plans = ([step.vs[2]] if step.vs else []) + list((step.ss or ())[:2])
                for plan in plans:
                    order.extend(by_row[r] for r in plan.rows.tolist() if r in by_row)
        order.extend(self.parameters)
        return list(dict.fromkeys(order))

    def _build(self, out, inputs, param_order=()):
        nin = len(inputs)
        ref = {v: (V, i) for i, v in enumerate(inputs)}
        depth = dict.fromkeys(inputs, 0)
        s_init = []            # initial S buffer: params are refreshed per call
        params, param_rows = [], []
        for p in param_order:
            ref[p] = (S, len(s_init))
            depth[p] = 0
            param_rows.append(len(s_init))
            params.append(p)
            s_init.append(p.data)
        const_rows = {}
        consts = set()         # their rows: constants are created level by level
        by_depth = {}

        def const(c):
            key = (c, math.copysign(1.0, c))
            if key not in const_rows:
                const_rows[key] = len(s_init)
                consts.add(len(s_init))
                s_init.append(c)
            return (S, const_rows[key])

        self._const_only = set()
        order = topological_order(out) if isinstance(out, Value) else []
        for v in order:
            if v in ref:
                continue
            prim = v._prim
            if prim is None:
                ref[v] = (S, len(s_init))
                param_rows.append(len(s_init))
                params.append(v)
                s_init.append(v.data)
                depth[v] = 0
                continue
            ops = prim.operands(v._args)
            d = 1 + max((depth[a] for a in ops if type(a) is not float), default=0)
            depth[v] = d
            by_depth.setdefault(d, []).append(v)
        self.parameters = tuple(params)
        self._param_rows = np.array(param_rows, dtype=np.intp)
        n = len(params)
        # Laid out first in S on the rebuild: a slice, not a gather.
        self._param_sel = (slice(0, n) if param_rows == list(range(n))
                           else self._param_rows)

        steps = []
        nv = nin
        scalar_nodes = []

        def unwanted(kind, rows):
            """True when nobody wants these rows' gradients: constants, and
            the inputs when their derivatives were not asked for."""
            if kind == S:
                return all(r in consts for r in rows)
            return not self.input_grads and all(r < nin for r in rows)

        for d in sorted(by_depth):
            groups = {}
            for v in by_depth[d]:
                prim = v._prim
                args = v._args
                n_ops = len(prim.operands(args))
                opr = [ref[a] if type(a) is not float else const(a) for a in args[:n_ops]]
                extra = tuple(args[n_ops:])
                if prim is _DOT:
                    key, item = _dot_key(opr)
                else:
                    key = (prim, tuple((e, math.copysign(1.0, e)) for e in extra),
                           tuple(k for k, _ in opr))
                    item = opr
                kind = V if any(k == V for k, _ in opr) else S
                groups.setdefault((kind,) + key, []).append((v, item, extra))
                scalar_nodes.append((v, prim, opr, extra))
            for key, members in groups.items():
                kind = key[0]
                members.sort(key=lambda m: _first_row(m[1]))
                k = len(members)
                if kind == V:
                    out_sel = slice(nv, nv + k)
                    nv += k
                else:
                    out_sel = slice(len(s_init), len(s_init) + k)
                    s_init.extend([0.0] * k)
                for j, (v, _, _) in enumerate(members):
                    ref[v] = (kind, out_sel.start + j)
                steps.append(self._step(key, members, kind, out_sel, unwanted, s_init))
        self._steps = steps
        self._nv = nv
        self._s_init = np.array(s_init, dtype=float).reshape(-1, 1)
        self.depth = max(by_depth, default=0)
        self.n_groups = len(steps)
        self._out = ref[out] if isinstance(out, Value) else float(out)
        self._zero_rows = self._first_writes(
            steps, {V: nv, S: len(s_init)}, () if self.input_grads else range(nin))
        # The same graph as a flat list, for the exact example-by-example replay.
        self._scalar = [(prim, opr, extra, ref[v]) for v, prim, opr, extra in scalar_nodes]
        self._nin = nin

    def _first_writes(self, steps, sizes, unread=()):
        """Mark the gradient scatters that are the first write to their rows
        (they assign); return, per buffer kind, the slices of rows that still
        need zeros before a backward pass (``unread`` batch rows need none)."""
        written = {V: set(), S: set()}
        needs_zero = {V: set(), S: set()}
        if type(self._out) is not float:
            written[self._out[0]].add(self._out[1])     # the seed
        for step in reversed(steps):
            for kind, plan in step.grad_plans():
                rows = set(plan.rows.tolist())
                if plan.mode in ("slice", "unique") and not rows & written[kind]:
                    plan.first = True
                else:
                    needs_zero[kind] |= rows - written[kind]
                written[kind] |= rows
        zero = {kind: (set(range(n)) - written[kind]) | needs_zero[kind]
                for kind, n in sizes.items()}
        # An unread row nobody writes needs no zeros; one a mixed scatter adds
        # into still does (stale floats there could overflow and force the replay).
        zero[V] -= set(unread) - needs_zero[V]
        return {kind: _runs(sorted(rows)) for kind, rows in zero.items()}

    def _step(self, key, members, kind, out_sel, unwanted, s_init):
        k = len(members)
        if key[1] == "dot":
            return _dot_step(members, kind, out_sel, unwanted, s_init)
        prim = members[0][0]._prim
        extra = members[0][2]
        operands = []
        for p in range(len(members[0][1])):
            okind = members[0][1][p][0]
            rows = [m[1][p][1] for m in members]
            operands.append((okind, gather_plan(rows, skip=unwanted(okind, rows))))
        return Elementwise(prim, extra, operands, kind, out_sel, k, _check_domain)

    # -- calling -----------------------------------------------------------------
    def __call__(self, *args):
        """The function's value for every example: an array of shape ``(B,)``.

        Example:
            >>> import autograd
            >>> autograd.compile(lambda x, y: x * y + 1.0)([1.0, 2.0], 3.0)
            array([4., 7.])
        """
        return self._run(args, grad=False)[0]

    def value_and_grad(self, *args):
        """``(values, input_grads)``; adds the batch-summed gradient to every
        captured parameter's ``.grad``.

        ``input_grads`` has one array of shape ``(B,)`` per argument: each
        example's derivative with respect to that input; it is ``()`` when
        the function was compiled with ``input_grads=False``.

        Example:
            >>> import autograd
            >>> from autograd import Value
            >>> w = Value(3.0)
            >>> values, (dx,) = autograd.compile(lambda x: w * x * x).value_and_grad([1.0, 2.0])
            >>> values, dx, w.grad
            (array([ 3., 12.]), array([ 6., 12.]), 5.0)
        """
        values, input_grads, param_grads = self._run(args, grad=True)
        for p, g in zip(self.parameters, param_grads.tolist()):
            p.grad += g
        return values, input_grads

    def _batch(self, args):
        """This thread's buffers for the batch, with the inputs and the
        parameters' current data written in."""
        if len(args) != self._nin:
            raise TypeError(f"compile: {self._fn_name} takes {self._nin} input(s) "
                            f"{self.names}, got {len(args)}")
        arrays, size = [], None
        for name, a in zip(self.names, args):
            try:
                arr = np.asarray(a, dtype=float)
            except (TypeError, ValueError) as e:
                raise TypeError(f"compile: input {name} must be real numbers, got "
                                f"{type(a).__name__} {a!r}") from e
            if arr.ndim > 1:
                raise ValueError(f"compile: input {name} must be a number or a 1-D batch, "
                                 f"got shape {arr.shape}")
            if arr.ndim == 1:
                if size is None:
                    size = len(arr)
                elif len(arr) != size:
                    raise ValueError(f"compile: input {name} has {len(arr)} examples, "
                                     f"the others {size}")
            arrays.append(arr)
        run = self._buffers(1 if size is None else size)
        Vb = run.bufs[V]
        for i, arr in enumerate(arrays):
            Vb[i] = arr
        if self._nin and np.isnan(Vb[:self._nin]).any():
            i, b = np.argwhere(np.isnan(Vb[:self._nin]))[0]
            raise ValueError(f"compile: input {self.names[i]}[{b}] is NaN")
        if self.parameters:
            # A comprehension, not map(attrgetter): its attribute reads take
            # the interpreter's fast path for slots, about twice as fast.
            run.params[:] = [p.data for p in self.parameters]
        return run

    def _buffers(self, size):
        """This thread's :class:`_Run` for batches of ``size``, kept between
        calls (only the last size, so a huge batch's memory is not held
        after a smaller one)."""
        run = getattr(self._local, "run", None)
        if run is None or run.size != size:
            run = self._local.run = _Run(self, size)
        return run

    def _run(self, args, grad):
        run = self._batch(args)
        bufs, grads = run.bufs, run.grads
        try:
            with np.errstate(**_STRICT):
                caches = [forward() for forward in run.forwards]
                values = self._values(bufs)
                if np.isnan(values.sum()):
                    raise FloatingPointError
                if not grad:
                    return values, None, None
                for rows in run.zero_rows:
                    rows[...] = 0.0
                self._seed(grads, values.shape[0])
                for backward, cache in zip(run.backwards, reversed(caches)):
                    backward(cache)
        except FloatingPointError:
            return self._replay(bufs[V], bufs[S], grad)
        inputs = tuple(grads[V][:self._nin].copy()) if self.input_grads else ()
        return values, inputs, grads[S][self._param_sel, 0].copy()

    def _values(self, bufs):
        out, size = self._out, bufs[V].shape[1]
        if type(out) is float:
            return np.full(size, out)
        kind, row = out
        if kind == V:
            return bufs[V][row].copy()
        return np.full(size, bufs[S][row, 0])

    def _seed(self, grads, size):
        if type(self._out) is not float:
            kind, row = self._out
            grads[kind][row] = 1.0 if kind == V else float(size)

    # -- the exact replay ----------------------------------------------------------
    def _replay(self, Vb, Sb, grad):
        """Every example through the engine's scalar rules, eager semantics exactly.

        Used only when numpy met an overflow, a division by zero or a NaN: an
        eager step then either raises (this raises the same message) or gives
        infinities that this reproduces.
        """
        size = Vb.shape[1]
        nv = self._nv
        values = np.empty(size)
        in_grads = np.zeros((self._nin, size))
        s_grads = np.zeros(len(Sb))
        s0 = Sb[:, 0].tolist()
        for b in range(size):
            slots = [Vb[:self._nin, b].tolist() + [0.0] * (nv - self._nin), list(s0)]
            for prim, opr, extra, (okind, orow) in self._scalar:
                datas = [slots[k][r] for k, r in opr] + list(extra)
                try:
                    slots[okind][orow] = engine._forward(prim, datas)
                except ValueError as e:
                    raise ValueError(f"{e} [batch example {b}]") from e
            if type(self._out) is float:
                values[b] = self._out
                continue
            values[b] = slots[self._out[0]][self._out[1]]
            if not grad:
                continue
            g = [[0.0] * nv, [0.0] * len(s0)]
            g[self._out[0]][self._out[1]] = 1.0
            for prim, opr, extra, (okind, orow) in reversed(self._scalar):
                gn = g[okind][orow]
                if gn == 0.0:
                    continue  # as eager backward: a zero gradient is not propagated
                datas = [slots[k][r] for k, r in opr] + list(extra)
                try:
                    local = prim.derivs(FLOAT, slots[okind][orow], *datas)
                except (ZeroDivisionError, OverflowError, ValueError) as e:
                    raise ValueError(
                        f"backward through {prim.name}({_fmt(datas)}): local derivative "
                        f"is not finite ({e}) [batch example {b}]") from e
                for (k, r), d in zip(opr, local):
                    total = g[k][r] + gn * d
                    if total != total:  # as eager backward: never a silent NaN gradient
                        raise ValueError(
                            f"backward through {prim.name}({_fmt(datas)}): gradient is NaN "
                            f"(incoming gradient {gn!r}, local derivative {d!r}) "
                            f"[batch example {b}]")
                    g[k][r] = total
            in_grads[:, b] = g[V][:self._nin]
            s_grads += g[S]
        if not grad:
            return values, None, None
        return values, tuple(in_grads) if self.input_grads else (), s_grads[self._param_rows]

    def __repr__(self):
        return (f"<compiled {self._fn_name}{self.names}: {len(self.parameters)} parameters, "
                f"depth {self.depth}, {self.n_groups} groups>")


class _Run:
    """One thread's buffers for one batch size, and the steps bound to them.

    The buffers live as long as the batch size stays the same, so every
    slice a step reads is a view made once here, not on every call.
    Results handed to the caller are always copies.
    """

    __slots__ = ("size", "bufs", "grads", "params", "forwards", "backwards", "zero_rows")

    def __init__(self, compiled, size):
        self.size = size
        Sb = compiled._s_init.copy()
        self.bufs = (np.empty((compiled._nv, size)), Sb)
        self.grads = (np.empty((compiled._nv, size)), np.empty_like(Sb))
        sel = compiled._param_sel
        self.params = Sb[sel, 0] if isinstance(sel, slice) else _FancyRows(Sb, sel)
        bound = [step.bind(self.bufs, self.grads) for step in compiled._steps]
        self.forwards = [f for f, _ in bound]
        self.backwards = [b for _, b in reversed(bound)]
        self.zero_rows = [self.grads[kind][rows] for kind, runs in compiled._zero_rows.items()
                          for rows in runs]


class _FancyRows:
    """``rows[:] = data`` writing parameters into scattered rows of S."""

    __slots__ = ("buf", "rows")

    def __init__(self, buf, rows):
        self.buf, self.rows = buf, rows

    def __setitem__(self, _, data):
        self.buf[self.rows, 0] = data


def _runs(rows):
    """Sorted row numbers as the fewest slices: ``[0, 1, 2, 5]`` -> 0:3, 5:6."""
    runs = []
    for r in rows:
        if runs and runs[-1][1] == r:
            runs[-1][1] = r + 1
        else:
            runs.append([r, r + 1])
    return [slice(a, b) for a, b in runs]


def _first_row(item):
    """Sort key that puts a group's members in the order of their operands' rows,
    so that reading the previous level's outputs is a slice."""
    if isinstance(item, tuple):          # a dot's pairs
        pairs = item[0] or item[1] or item[2]
        return pairs[0][0][1] if pairs else 0
    return item[0][1] if item else 0


def _dot_key(opr):
    """Sort a dot's (x_i, w_i) pairs into (varying, shared), (varying,
    varying) and (shared, shared), putting the varying one first."""
    n = len(opr) // 2
    vs, vv, ss = [], [], []
    for x, w in zip(opr[:n], opr[n:]):
        if x[0] == V and w[0] == V:
            vv.append((x, w))
        elif x[0] == V:
            vs.append((x, w))
        elif w[0] == V:
            vs.append((w, x))
        else:
            ss.append((x, w))
    return ("dot", len(vs), len(vv), len(ss)), (vs, vv, ss)


def _dot_step(members, kind, out_sel, unwanted, s_init):
    k = len(members)
    vs_rows = [m[1][0] for m in members]
    vs = vv = ss = None
    n = len(vs_rows[0])
    if n:
        X = np.array([[x[1] for x, _ in pairs] for pairs in vs_rows], dtype=np.intp)
        Wr = np.array([[w[1] for _, w in pairs] for pairs in vs_rows], dtype=np.intp)
        xskip = unwanted(V, X.ravel().tolist())
        lined = (gather_plan(X[0], skip=xskip, allow_same=False) if (X == X[0]).all()
                 else None)
        wskip = unwanted(S, Wr.ravel().tolist())
        vs = (lined, gather_plan(X.ravel(), skip=xskip, allow_same=False),
              gather_plan(Wr.ravel(), skip=wskip, allow_same=False), (k, n))
    for idx, kind_ab in ((1, V), (2, S)):
        pairs_all = [m[1][idx] for m in members]
        n = len(pairs_all[0])
        if not n:
            continue
        A = [x[1] for pairs in pairs_all for x, _ in pairs]
        Bv = [w[1] for pairs in pairs_all for _, w in pairs]
        skip_a = unwanted(kind_ab, A)
        skip_b = unwanted(kind_ab, Bv)
        plan = (gather_plan(A, skip=skip_a, allow_same=False),
                gather_plan(Bv, skip=skip_b, allow_same=False), (k, n))
        if idx == 1:
            vv = plan
        else:
            # A bias folded in as (1.0, b): the pair's product is b itself.
            ones = n == 1 and skip_a and all(s_init[r] == 1.0 for r in A)
            ss = plan + (ones,)
    return Dot(vs, vv, ss, kind, out_sel, k)


def _check_domain(prim, ops, extra, operands):
    """The table's domain predicate on the whole batch; on failure, the eager
    message for the first offending example."""
    ok = prim.domain[0](*ops, *extra)
    if ok.all() if type(ok) is np.ndarray else np.all(ok):
        return
    bad = np.logical_not(np.broadcast_to(ok, np.broadcast_shapes(*(np.shape(o) for o in ops))))
    j, b = np.argwhere(bad)[0]
    datas = [float(o[j if o.shape[0] > 1 else 0, b if o.shape[1] > 1 else 0]) for o in ops]
    datas += list(extra)
    try:
        engine._forward(prim, datas)
    except ValueError as e:
        raise ValueError(f"{e} [batch example {b}]") from e
    raise ValueError(f"{prim.name}({_fmt(datas)}): {prim.domain[1]} [batch example {b}]")
