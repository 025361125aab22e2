"""The level plan: a traced graph cut into levels and groups, with its buffer layout.

:class:`Plan` is made once per compiled function, from a
:class:`~autograd.compiler.tracing.Traced` graph:

* **rows**: every value gets a :class:`~autograd.compiler.steps.Ref` ``(kind,
  row)``: the inputs and every node that depends on them are ``VARYING`` rows
  (one number per example), the captured parameters, constants and nodes
  computed from those alone are ``SHARED`` rows (one number for the batch);
* **levels and groups**: a node's level is one more than its deepest
  operand's; nodes of one level with the same primitive, parameters and
  operand kinds form one group, run by one step of :mod:`.steps`;
* **the parameters' layout**: they come first in the shared buffer, in the
  order the ``dot`` groups read them, so a layer's weights are a view, not a
  gather (the plan is built twice to learn that order);
* **first writes**: the backward pass's first scatter into a row assigns,
  so only rows that are added to, or never written, are zeroed per call;
* **unreturned nodes**: nodes the function computed but did not return get
  groups of their own that run after the others, forward only: they are
  checked as eager checks them (a domain error raises) and their gradients
  are zero, as eager's;
* **the replay list**: the same graph as a flat list of
  :class:`ReplayNode`, for the exact example-by-example replay
  (:mod:`.replay`).

Example:
    >>> import autograd
    >>> from autograd import Value
    >>> w = Value(2.0, label="w")
    >>> f = autograd.compile(lambda x: (x * w).tanh())
    >>> plan = f.plan
    >>> plan.depth, [type(s).__name__ for s in plan.steps], plan.parameters == (w,)
    (2, ['Elementwise', 'Elementwise'], True)
"""
from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np

from ..engine import Value
from ..primitives import PRIMITIVES
from .steps import (
    SHARED,
    VARYING,
    Dot,
    Elementwise,
    Operand,
    PairsPart,
    Ref,
    SharedPart,
    WeightedPart,
    gather_plan,
)
from .tracing import Traced

__all__ = ["Plan", "ReplayNode", "DotPairs"]

_DOT = PRIMITIVES["dot"]


class ReplayNode(NamedTuple):
    """One node for the exact replay: the primitive, where its operands and
    result live, its constant parameters, and which operands are float
    constants (they take no gradient, as in eager).

    Example:
        >>> import autograd
        >>> node = autograd.compile(lambda x: x.leaky_relu(0.1) * 2.0).plan.replay_nodes[1]
        >>> node.prim.name, node.operands, node.extra, node.out, node.constant
        ('mul', [Ref(kind=0, row=1), Ref(kind=1, row=0)], (), Ref(kind=0, row=2), (False, True))
    """

    prim: Any
    operands: list          # a Ref per operand
    extra: tuple            # non-differentiable parameters (alpha, exponent)
    out: Ref
    constant: tuple = ()    # per operand: a float constant, which takes no gradient


class DotPairs(NamedTuple):
    """One ``dot`` node's (x_i, w_i) pairs of Refs, sorted by where they live.

    Example:
        >>> from autograd.compiler.plan import _dot_pairs
        >>> from autograd.compiler.steps import Ref
        >>> pairs = _dot_pairs([Ref(1, 0), Ref(0, 2), Ref(0, 5), Ref(1, 3)])   # (s0, v2).(v5, s3)
        >>> [(x.row, w.row) for x, w in pairs.weighted], pairs.varying, pairs.shared
        ([(5, 0), (2, 3)], [], [])
    """

    weighted: list          # (varying, shared): the varying one first
    varying: list           # (varying, varying)
    shared: list            # (shared, shared)


class _Member(NamedTuple):
    """A node joining a group: itself, its operands' Refs (or DotPairs), its parameters."""

    node: Value
    operands: Any
    extra: tuple


class Plan:
    """The level plan of one traced function (see the module docstring).

    Attributes used by the binding and the replay: ``steps`` (the returned
    graph's groups, forward order), ``checks`` (the unreturned nodes' groups,
    forward only), ``n_varying`` (rows of the varying buffer), ``shared_init``
    (the shared buffer's initial column: parameters, constants, zeros),
    ``out`` (the result's Ref, or a float for a constant function),
    ``parameters`` and ``param_sel`` (their rows in the shared buffer: a
    slice when laid out first), ``zero_rows`` (per kind, the row slices to
    zero before a backward pass), ``replay_nodes`` (every node, in the order
    the function made them: eager's order of computing), ``replay_back`` (the
    returned ones in eager backward's order) and ``n_inputs``.

    Example:
        >>> from autograd.compiler.plan import Plan
        >>> from autograd.compiler.tracing import trace
        >>> plan = Plan(trace(lambda x, y: x * y + 1.0), input_grads=True)
        >>> plan.n_inputs, plan.depth, plan.n_groups, plan.out
        (2, 2, 2, Ref(kind=0, row=3))
    """

    def __init__(self, traced: Traced, input_grads: bool = True) -> None:
        self.input_grads = input_grads
        self.n_inputs = len(traced.inputs)
        self._build(traced)
        # Rebuild with the parameters laid out in the order the matrix products
        # read them, so a layer's weights are a view of the shared buffer.
        order = self._matmul_order()
        if order != list(self.parameters) or not isinstance(self.param_sel, slice):
            self._build(traced, order)

    def _matmul_order(self) -> list[Value]:
        """The parameters in the order the dot groups read them."""
        by_row = dict(zip(self.param_rows.tolist(), self.parameters))
        order: list[Value] = []
        for step in self.steps:
            if isinstance(step, Dot):
                plans = [step.weighted.weights] if step.weighted else []
                if step.shared:
                    plans += [step.shared.left, step.shared.right]
                for plan in plans:
                    order.extend(by_row[r] for r in plan.rows.tolist() if r in by_row)
        order.extend(self.parameters)
        return list(dict.fromkeys(order))

    def _build(self, traced: Traced, param_order: Any = ()) -> None:
        inputs = traced.inputs
        nin = len(inputs)
        ref: dict[Any, Ref] = {v: Ref(VARYING, i) for i, v in enumerate(inputs)}
        depth = dict.fromkeys(inputs, 0)
        shared_init: list[float] = []   # parameters are refreshed per call
        params: list[Value] = []
        param_rows: list[int] = []
        consts: set[int] = set()        # their rows; constants are created level by level
        const_rows: dict = {}

        def add_parameter(p: Value) -> None:
            ref[p] = Ref(SHARED, len(shared_init))
            depth[p] = 0
            param_rows.append(len(shared_init))
            params.append(p)
            shared_init.append(p.data)

        def const(c: float) -> Ref:
            key = (c, math.copysign(1.0, c))     # 0.0 and -0.0 apart
            if key not in const_rows:
                const_rows[key] = len(shared_init)
                consts.add(len(shared_init))
                shared_init.append(c)
            return Ref(SHARED, const_rows[key])

        for p in param_order:
            add_parameter(p)
        returned = set(traced.nodes[:traced.n_returned])
        by_depth: dict[int, list[Value]] = {}
        for v in traced.nodes:
            if v in ref:
                continue
            prim = v._prim
            if prim is None:
                add_parameter(v)
                continue
            d = 1 + max((depth[a] for a in prim.operands(v._args) if type(a) is not float),
                        default=0)
            depth[v] = d
            by_depth.setdefault(d, []).append(v)
        self.parameters = tuple(params)
        self.param_rows = np.array(param_rows, dtype=np.intp)
        n = len(params)
        # Laid out first in the shared buffer on the rebuild: a slice, not a gather.
        self.param_sel = (slice(0, n) if param_rows == list(range(n)) else self.param_rows)

        input_grads = self.input_grads

        def is_one(row: int) -> bool:
            """Row ``row`` of the shared buffer holds the constant 1.0."""
            return row in consts and shared_init[row] == 1.0

        def unwanted(kind: int, rows: list, returned_group: bool) -> bool:
            """True when nobody wants these rows' gradients: constants, the
            inputs when their derivatives were not asked for, and everything
            an unreturned node reads (its gradient is zero)."""
            if not returned_group:
                return True
            if kind == SHARED:
                return all(r in consts for r in rows)
            return not input_grads and all(r < nin for r in rows)

        steps: list[Elementwise | Dot] = []
        checks: list[Elementwise | Dot] = []
        n_varying = nin
        unread: dict[int, set[int]] = {VARYING: set(), SHARED: set()}
        replay_nodes = []
        for d in sorted(by_depth):
            groups: dict[tuple, list[_Member]] = {}
            for v in by_depth[d]:
                prim = v._prim
                assert prim is not None    # by_depth holds no leaves
                args = v._args
                n_ops = len(prim.operands(args))
                refs = [ref[a] if type(a) is not float else const(a) for a in args[:n_ops]]
                extra = tuple(args[n_ops:])
                if prim is _DOT:
                    pairs = _dot_pairs(refs)
                    key: tuple = ("dot", len(pairs.weighted), len(pairs.varying),
                                  len(pairs.shared))
                    item: Any = pairs
                else:
                    key = (prim, tuple((e, math.copysign(1.0, e)) for e in extra),
                           tuple(r.kind for r in refs))
                    item = refs
                kind = VARYING if any(r.kind == VARYING for r in refs) else SHARED
                groups.setdefault((kind, v in returned) + key, []).append(_Member(v, item, extra))
                replay_nodes.append((v, prim, refs, extra))
            for key, members in groups.items():
                kind, is_returned = key[0], key[1]
                members.sort(key=lambda m: _first_row(m.operands))
                k = len(members)
                if kind == VARYING:
                    out_sel = slice(n_varying, n_varying + k)
                    n_varying += k
                else:
                    out_sel = slice(len(shared_init), len(shared_init) + k)
                    shared_init.extend([0.0] * k)
                for j, m in enumerate(members):
                    ref[m.node] = Ref(kind, out_sel.start + j)
                if not is_returned:
                    unread[kind].update(range(out_sel.start, out_sel.stop))

                def skip(okind: int, rows: list, is_returned: bool = is_returned) -> bool:
                    return unwanted(okind, rows, is_returned)
                step = _make_step(members, kind, out_sel, skip, is_one)
                (steps if is_returned else checks).append(step)
        self.steps = steps
        self.checks = checks
        self.n_varying = n_varying
        self.shared_init = np.array(shared_init, dtype=float).reshape(-1, 1)
        self.depth = max(by_depth, default=0)
        self.n_groups = len(steps) + len(checks)
        out = traced.out
        self.out: Ref | float = ref[out] if isinstance(out, Value) else float(out)
        if not input_grads:
            unread[VARYING].update(range(nin))
        self.zero_rows = self._first_writes({VARYING: n_varying, SHARED: len(shared_init)},
                                            unread)
        # The replay follows eager exactly, so that with several failing
        # examples and ops it meets the same one first: nodes in the order the
        # function made them, backward in reverse topological order.
        replay = {v: ReplayNode(prim, refs, extra, ref[v],
                                tuple(type(a) is float for a in v._args[:len(refs)]))
                  for v, prim, refs, extra in replay_nodes}
        self.replay_nodes = [replay[v] for v in traced.made]
        self.replay_back = [replay[v] for v in reversed(traced.nodes[:traced.n_returned])
                            if v in replay]

    def _first_writes(self, sizes: dict[int, int],
                      unread: dict[int, set[int]]) -> dict[int, list[slice]]:
        """Mark the gradient scatters that are the first write to their rows
        (they assign); return, per buffer kind, the slices of rows that still
        need zeros before a backward pass (``unread`` rows, whose gradient
        nobody reads, need none)."""
        written: dict[int, set[int]] = {VARYING: set(), SHARED: set()}
        needs_zero: dict[int, set[int]] = {VARYING: set(), SHARED: set()}
        if isinstance(self.out, Ref):
            written[self.out.kind].add(self.out.row)     # the seed
        for step in reversed(self.steps):
            for kind, plan in step.grad_plans():
                rows = set(plan.rows.tolist())
                if plan.mode in ("slice", "unique") and not rows & written[kind]:
                    plan.first = True
                else:
                    needs_zero[kind] |= rows - written[kind]
                written[kind] |= rows
        zero = {kind: (set(range(n)) - written[kind]) | needs_zero[kind]
                for kind, n in sizes.items()}
        for kind in zero:
            # An unread row nobody writes needs no zeros; one a mixed scatter adds
            # into still does (stale floats there could overflow and force the replay).
            zero[kind] -= unread[kind] - needs_zero[kind]
        return {kind: _runs(sorted(rows)) for kind, rows in zero.items()}


def _make_step(members: list[_Member], kind: int, out_sel: slice, skip: Any,
               is_one: Any) -> Elementwise | Dot:
    k = len(members)
    first = members[0]
    if first.node._prim is _DOT:
        return _dot_step(members, kind, out_sel, skip, is_one)
    operands = []
    for p in range(len(first.operands)):
        okind = first.operands[p].kind
        rows = [m.operands[p].row for m in members]
        operands.append(Operand(okind, gather_plan(rows, skip=skip(okind, rows))))
    return Elementwise(first.node._prim, first.extra, operands, kind, out_sel, k)


def _runs(rows: list[int]) -> list[slice]:
    """Sorted row numbers as the fewest slices: ``[0, 1, 2, 5]`` -> 0:3, 5:6."""
    runs: list[list[int]] = []
    for r in rows:
        if runs and runs[-1][1] == r:
            runs[-1][1] = r + 1
        else:
            runs.append([r, r + 1])
    return [slice(a, b) for a, b in runs]


def _first_row(item: Any) -> int:
    """Sort key that puts a group's members in the order of their operands' rows,
    so that reading the previous level's outputs is a slice."""
    if isinstance(item, DotPairs):
        pairs = item.weighted or item.varying or item.shared
        return pairs[0][0].row if pairs else 0
    return item[0].row if item else 0


def _dot_pairs(refs: list[Ref]) -> DotPairs:
    """Sort a dot's (x_i, w_i) pairs by where they live, the varying one first."""
    n = len(refs) // 2
    pairs = DotPairs([], [], [])
    for x, w in zip(refs[:n], refs[n:]):
        if x.kind == VARYING and w.kind == VARYING:
            pairs.varying.append((x, w))
        elif x.kind == VARYING:
            pairs.weighted.append((x, w))
        elif w.kind == VARYING:
            pairs.weighted.append((w, x))
        else:
            pairs.shared.append((x, w))
    return pairs


def _dot_step(members: list[_Member], kind: int, out_sel: slice, skip: Any,
              is_one: Any) -> Dot:
    k = len(members)
    weighted = varying = shared = None
    weighted_pairs = [m.operands.weighted for m in members]
    n = len(weighted_pairs[0])
    if n:
        X = np.array([[x.row for x, _ in pairs] for pairs in weighted_pairs], dtype=np.intp)
        W = np.array([[w.row for _, w in pairs] for pairs in weighted_pairs], dtype=np.intp)
        x_skip = skip(VARYING, X.ravel().tolist())
        lined = (gather_plan(X[0], skip=x_skip, allow_same=False) if (X == X[0]).all()
                 else None)
        weighted = WeightedPart(lined, gather_plan(X.ravel(), skip=x_skip, allow_same=False),
                                gather_plan(W.ravel(), skip=skip(SHARED, W.ravel().tolist()),
                                            allow_same=False), (k, n))
    for part_kind in (VARYING, SHARED):
        all_pairs = [m.operands.varying if part_kind == VARYING else m.operands.shared
                     for m in members]
        n = len(all_pairs[0])
        if not n:
            continue
        left = [a.row for pairs in all_pairs for a, _ in pairs]
        right = [b.row for pairs in all_pairs for _, b in pairs]
        left_plan = gather_plan(left, skip=skip(part_kind, left), allow_same=False)
        right_plan = gather_plan(right, skip=skip(part_kind, right), allow_same=False)
        if part_kind == VARYING:
            varying = PairsPart(left_plan, right_plan, (k, n))
        else:
            # A bias folded in as (1.0, b): the pair's product is b itself.
            folded = n == 1 and all(is_one(r) for r in left)
            shared = SharedPart(left_plan, right_plan, (k, n), folded)
    return Dot(weighted, varying, shared, kind, out_sel, k)
