"""``explain(out, x)``: why ``x.grad`` has the value it has, as a sum over paths.

The chain rule, read whole: d out / d x is a sum with one term per path from
``x`` to ``out`` in the graph, and each term is the product of the local
derivatives along its path (the numbers on the arrows of ``draw_dot``).
``backward()`` never lists the paths: it adds them up node by node, in
reverse topological order, so that each node holds its whole gradient before
it passes it on.  :func:`explain` lists them, with the graph's labels and
numbers, so that one gradient can be checked by hand.

When there are more paths than ``max_terms`` (a long chain of reused nodes
has exponentially many), the terms are grouped by the first arrow out of
``x``: d out / d x = sum over the arrows x -> u of d u / d x times d out / d u,
where d out / d u is the gradient ``backward()`` gives ``u``.  Counting the
paths (saturating at :data:`PATH_CAP`), the gradients and the grouping all
take time linear in the graph's size; only a listing of at most ``max_terms``
paths walks them one by one.

Example:
    >>> from autograd import Value, explain
    >>> x = Value(3.0, label="x")
    >>> y = x * x; y.label = "y"
    >>> print(explain(y, x))
    dy/dx = (3) + (3) = 6
    2 paths from x to y (x is used twice); the number on each arrow is a local derivative,
    a path contributes their product, and the paths add up:
      x —(3)→ y    = 3    (operand 1 of y)
      x —(3)→ y    = 3    (operand 2 of y)
"""
from __future__ import annotations

import html
import math
from typing import Any

from . import engine, plain
from .closures import is_closure
from .primitives import FLOAT
from .registry import pass_back, short_repr

__all__ = ["explain", "Explanation", "Term", "Group", "MAX_TERMS", "PATH_CAP"]

#: At most this many paths are listed one by one; with more, they are grouped.
MAX_TERMS = 20
#: Path counts saturate here, so that counting stays linear in the graph's size
#: (a chain of doublings has 2 ** depth paths).
PATH_CAP = 10 ** 18
# A path with more arrows than this is shown with its middle left out.
_FACTORS_SHOWN = 8

AnyValue = engine.Value | plain.Value


class Term:
    """One path from ``x`` to ``out`` and what it contributes to d out / d x.

    ``path`` is the nodes from ``x`` to ``out``; ``factors`` the local
    derivative on each arrow along it, ``x``'s end first (``None`` where it is
    unknown, on a node made by a closure); ``value`` their product (``None``
    when a factor is unknown).

    Example:
        >>> from autograd import Value, explain
        >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
        >>> term = explain(a * b, a).terms[0]
        >>> [v.label or v.op for v in term.path], term.factors, term.value
        (['a', 'mul'], (-3.0,), -3.0)
    """

    __slots__ = ("path", "factors", "value", "_slots")

    def __init__(self, path: tuple[AnyValue, ...], factors: tuple[float | None, ...],
                 value: float | None, slots: tuple[int, ...]) -> None:
        self.path = path
        self.factors = factors
        self.value = value
        self._slots = slots  # which operand of the next node each arrow enters

    def __repr__(self) -> str:
        return f"Term(value={self.value!r}, factors={self.factors!r})"


class Group:
    """The paths that leave ``x`` by one arrow, ``x -> via``, taken together.

    ``local`` is d via / d x on that arrow, ``downstream`` is d out / d via
    (the gradient ``backward()`` gives ``via``), ``value`` their product, and
    ``paths`` how many paths from ``x`` to ``out`` begin with this arrow
    (saturating at :data:`PATH_CAP`).

    Example:
        >>> from autograd import Value, explain
        >>> x = Value(2.0, label="x")
        >>> y = x * x                         # 2 paths from x to y
        >>> z = y * y + 3 * x                 # 2 * 2 + 1 = 5 paths from x to z
        >>> e = explain(z, x, max_terms=4)    # too many to list: grouped
        >>> len(e.terms), [(g.via.op, g.local, g.downstream, g.paths) for g in e.groups]
        (0, [('mul', 2.0, 8.0, 2), ('mul', 2.0, 8.0, 2), ('mul', 3.0, 1.0, 1)])
        >>> e.total == sum(g.value for g in e.groups) == 4 * 2.0 ** 3 + 3
        True
    """

    __slots__ = ("via", "local", "downstream", "value", "paths", "_slot")

    def __init__(self, via: AnyValue, local: float | None, downstream: float | None,
                 value: float | None, paths: int, slot: int) -> None:
        self.via = via
        self.local = local
        self.downstream = downstream
        self.value = value
        self.paths = paths
        self._slot = slot

    def __repr__(self) -> str:
        return f"Group(value={self.value!r}, local={self.local!r}, downstream={self.downstream!r})"


class Explanation:
    """What :func:`explain` returns: d out / d x and the paths that make it up.

    * ``total``: d out / d x, equal to ``grad(out, [x])[0]`` (``None`` when a
      local derivative on the way is unknown: a node made by a closure);
    * ``terms``: one :class:`Term` per path when there are at most
      ``max_terms`` paths, otherwise empty;
    * ``groups``: when there are more, one :class:`Group` per arrow out of
      ``x`` (empty otherwise);
    * ``paths``: how many paths lead from ``x`` to ``out`` (saturating at
      :data:`PATH_CAP`).

    ``print``, ``str`` and ``repr`` give the text; Jupyter shows it as HTML,
    escaped.

    Example:
        >>> from autograd import Value, explain
        >>> x = Value(3.0, label="x"); y = x * x + x
        >>> e = explain(y, x)
        >>> e.total, [t.value for t in e.terms], e.paths
        (7.0, [3.0, 3.0, 1.0], 3)
    """

    __slots__ = ("out", "x", "total", "terms", "groups", "paths", "max_terms", "_ids", "_text")

    def __init__(self, out: AnyValue, x: AnyValue, total: float | None, terms: tuple[Term, ...],
                 groups: tuple[Group, ...], paths: int, max_terms: int,
                 ids: dict[Any, int] | None = None) -> None:
        self.out = out
        self._ids = ids or {}  # node -> its number #i in draw_dot and to_text
        self.x = x
        self.total = total
        self.terms = terms
        self.groups = groups
        self.paths = paths
        self.max_terms = max_terms
        self._text: str | None = None

    @property
    def text(self) -> str:
        """The explanation as text, one line per path (or per group).

        Example:
            >>> from autograd import Value, explain
            >>> a = Value(2.0, label="a"); L = a * 5.0; L.label = "L"
            >>> explain(L, a).text.splitlines()[0]
            'dL/da = (5) = 5'
        """
        if self._text is None:
            self._text = _render(self)
        return self._text

    def __str__(self) -> str:
        return self.text

    __repr__ = __str__

    def _repr_html_(self) -> str:
        # Labels are data: escaped, so a label cannot inject markup into a notebook.
        return f'<pre class="chaingrad-explain">{html.escape(self.text)}</pre>'


def explain(out: AnyValue, x: AnyValue, max_terms: int = MAX_TERMS) -> Explanation:
    """Why d out / d x (what ``x.grad`` holds after ``out.backward()``) has its value.

    Lists the paths from ``x`` to ``out``, each with the local derivatives on
    its arrows and their product, and their sum, in the graph's labels and
    numbers (a node without a label is named by its number in ``draw_dot``
    and ``to_text`` and its op, ``#2[*]``); a node used twice shows one
    term per use.  With more than
    ``max_terms`` paths (default :data:`MAX_TERMS`), the terms are grouped
    by the first arrow out of ``x`` (d out / d x = sum over arrows x -> u of
    d u / d x times d out / d u), and the text says so.  Either engine's
    Values (``autograd.Value``, ``autograd.plain.Value``); nothing is
    written to any ``.grad``.  Where ``grad`` would raise (a local
    derivative that is not finite, a NaN gradient), this raises the same
    error, naming ``explain``.

    Example:
        >>> from autograd import Value, explain
        >>> a, b = Value(2.0, label="a"), Value(-3.0, label="b")
        >>> c, f = Value(10.0, label="c"), Value(-2.0, label="f")
        >>> L = (a * b + c) * f; L.label = "L"
        >>> e = explain(L, a)
        >>> e.total, len(e.terms)
        (6.0, 1)
        >>> print(e)
        dL/da = (-3) × (1) × (-2) = 6
        1 path from a to L; the number on each arrow is a local derivative,
        and the path contributes their product:
          a —(-3)→ #2[*] —(1)→ #4[+] —(-2)→ L    = 6
    """
    _check_arguments(out, x, max_terms)
    order: list[Any]
    if isinstance(out, plain.Value):
        order = plain.topological_order(out)
    else:
        order = engine.topological_order(out)
    # How many paths lead from x to each node (only nodes that depend on x get an entry).
    count: dict[Any, int] = {}
    for v in order:
        if v is x:
            count[v] = 1
            continue
        n = 0
        for p in v.parents:
            n += count.get(p, 0)
        if n:
            count[v] = min(n, PATH_CAP)
    paths = count.get(out, 0)
    grads, unknown = _gradients(order, count)
    total = None if x in unknown else float(grads.get(x, 0.0))
    terms: tuple[Term, ...] = ()
    groups: tuple[Group, ...] = ()
    if 0 < paths <= max_terms:
        terms = _terms(out, x, count)
    elif paths > max_terms:
        groups = _groups(order, x, count, grads, unknown)
    # Unlabeled nodes are named by their number in draw_dot's and to_text's pictures.
    ids = {v: i for i, v in enumerate(order) if v in count}
    return Explanation(out, x, total, terms, groups, paths, max_terms, ids)


def _check_arguments(out: Any, x: Any, max_terms: Any) -> None:
    kinds = (engine.Value, plain.Value)
    for name, v in (("out", out), ("x", x)):
        if not isinstance(v, kinds):
            raise TypeError(f"explain: {name} must be a Value, got {type(v).__name__} {short_repr(v)}")
    if isinstance(out, plain.Value) != isinstance(x, plain.Value):
        raise TypeError("explain: out and x must come from the same engine, got "
                        f"{type(out).__module__}.Value and {type(x).__module__}.Value")
    if isinstance(max_terms, bool) or not isinstance(max_terms, int) or max_terms < 1:
        raise ValueError(f"explain: max_terms must be a positive int, got {max_terms!r}")


def _gradients(order: list[Any], count: dict[Any, int]) -> tuple[dict[Any, float], set[Any]]:
    """d out / d node for every node: ``grad``'s rule, the same operations in the
    same order (so the same floats and the same errors); and the nodes that
    depend on ``x`` whose gradient is unknown (a closure on the way)."""
    grads: dict[Any, float] = {order[-1]: 1.0}
    unknown: set[Any] = set()
    for node in reversed(order):
        prim = node._prim
        if prim is None:
            continue
        if is_closure(prim) or node in unknown:
            # No rule to apply, or only part of this node's gradient is known:
            # what it would pass to the nodes that depend on x is unknown.
            if node in grads or node in unknown:
                unknown.update(p for p in node.parents if p in count)
            continue
        # As registry.gradients: a node nothing reached passes with gradient 0,
        # so the zero-gradient rule still checks its local derivatives.
        pass_back(node, grads.get(node, 0.0), grads, FLOAT, "explain")
    return grads, unknown


def _local_derivatives(node: Any) -> tuple[float | None, ...]:
    """d node / d parent for each of ``node.parents``, in order (``None``: unknown)."""
    prim = node._prim
    parents = node.parents
    if is_closure(prim):
        return (None,) * len(parents)
    args = node._args
    datas = [a if isinstance(a, float) else a.data for a in args]
    try:
        local = prim.derivs(FLOAT, node.data, *datas)
    except (ZeroDivisionError, OverflowError, ValueError):
        return (math.nan,) * len(parents)  # not finite: grad passes nothing here, or raised
    return tuple(float(d) for a, d in zip(args, local) if not isinstance(a, float))


def _terms(out: Any, x: Any, count: dict[Any, int]) -> tuple[Term, ...]:
    """Every path from ``x`` to ``out`` (there are few: the caller counted them)."""
    cache: dict[Any, tuple[float | None, ...]] = {}
    found: list[Term] = []
    # Walk back from out through nodes that depend on x, first operand first.
    # Each stack entry carries its path as a linked list of arrows (O(1) per
    # step), unwound only when it reaches x.
    stack: list[tuple[Any, Any]] = [(out, None)]
    while stack:
        node, link = stack.pop()
        if node is x:
            found.append(_term(x, link))
            continue
        if node not in cache:
            cache[node] = _local_derivatives(node)
        parents = node.parents
        for j in reversed(range(len(parents))):
            p = parents[j]
            if p in count:
                stack.append((p, (node, j, cache[node][j], link)))
    return tuple(found)


def _term(x: Any, link: Any) -> Term:
    path, factors, slots = [x], [], []
    value: float | None = 1.0
    while link is not None:  # from x's end towards out
        user, j, local, link = link
        path.append(user)
        factors.append(local)
        slots.append(j)
    # The product from out's end, as backward forms it: on a single path this
    # is exactly the float grad gives.  A zero stops it, as in backward (the
    # zero-gradient rule), so a non-finite factor behind a zero adds nothing.
    for local in reversed(factors):
        if value == 0.0:
            break
        value = None if local is None or value is None else value * local
    return Term(tuple(path), tuple(factors), value, tuple(slots))


def _groups(order: list[Any], x: Any, count: dict[Any, int], grads: dict[Any, float],
            unknown: set[Any]) -> tuple[Group, ...]:
    """One group per arrow out of ``x``, in topological order of the users."""
    # Paths from each node that depends on x on to out, counted from out back.
    onward: dict[Any, int] = {order[-1]: 1}
    for v in reversed(order):
        n = onward.get(v, 0)
        if n and v is not x:
            for p in v.parents:
                if p in count:
                    onward[p] = min(onward.get(p, 0) + n, PATH_CAP)
    groups = []
    for u in order:
        if u is x or u not in count:
            continue
        parents = u.parents
        if not any(p is x for p in parents):
            continue
        local = _local_derivatives(u)
        down = None if u in unknown else float(grads.get(u, 0.0))
        for j, p in enumerate(parents):
            if p is x:
                d = local[j]
                value = None if d is None or down is None else (0.0 if down == 0.0 else down * d)
                groups.append(Group(u, d, down, value, onward.get(u, 0), j))
    return tuple(groups)


# ---- the text ----------------------------------------------------------------------

def _num(v: float | None) -> str:
    if v is None:
        return "?"
    if math.isfinite(v) and v == int(v) and abs(v) < 1e15:
        return str(int(v))  # 6, not 6.0: the numbers a learner writes on paper
    return f"{v:.6g}"


def _one_line(s: str) -> str:
    # A label is one line of text here: control characters are shown as escapes.
    return "".join(ch if ch.isprintable() else ch.encode("unicode_escape").decode("ascii") for ch in s)


def _namer(e: Explanation) -> Any:
    """A node's name in the text: its label; else ``x`` or ``out``; else its
    number in the pictures and its op, ``#2[*]``."""
    def name(v: Any) -> str:
        if v.label:
            return _one_line(v.label)
        if v is e.out:
            return "out"
        if v is e.x:
            return "x"
        prim = v._prim
        return f"#{e._ids.get(v, '?')}[{prim.symbol if prim is not None else ''}]"
    return name


def _product(factors: tuple[float | None, ...]) -> str:
    shown = [f"({_num(f)})" for f in factors]
    if len(shown) > _FACTORS_SHOWN:
        half = _FACTORS_SHOWN // 2
        hidden = len(shown) - 2 * half
        shown = shown[:half] + [f"… {hidden} more …"] + shown[-half:]
    return " × ".join(shown)


def _arrows(term: Term, name: Any) -> str:
    arrows = list(range(len(term.factors)))
    half = _FACTORS_SHOWN // 2
    hidden = len(arrows) - 2 * half if len(arrows) > _FACTORS_SHOWN else 0
    if hidden:  # a long path: its first and last arrows, and how many are left out
        arrows = arrows[:half] + [-1] + arrows[-half:]
    steps = [f"… {hidden} more arrows …" if k < 0 else
             f"—({_num(term.factors[k])})→ {name(term.path[k + 1])}" for k in arrows]
    return " ".join([name(term.path[0]), *steps])


def _op_name(v: Any) -> str:
    return str(getattr(v._prim, "name", "?"))


def _count(n: int) -> str:
    return f"more than {PATH_CAP:,}" if n >= PATH_CAP else f"{n:,}"


def _render(e: Explanation) -> str:
    name = _namer(e)
    x_name, out_name = name(e.x), name(e.out)
    head = f"d{out_name}/d{x_name}"
    total = _num(e.total)
    if e.paths == 0:
        return f"{head} = 0: {out_name} does not depend on {x_name} (no path leads from {x_name} to it)"
    if e.x is e.out:
        return f"{head} = 1: {x_name} is the output itself (a path with no arrows)"
    lines = []
    unknown_ops: set[str] = set()
    if e.terms:
        lines.append(f"{head} = {' + '.join(_product(t.factors) for t in e.terms)} = {total}")
        twice = e.paths > 1 and _used_twice(e)
        how = (f"{e.paths} paths from {x_name} to {out_name}" + (f" ({x_name} is used twice)"
               if twice == 2 else f" ({x_name} is used {twice} times)" if twice else ""))
        if e.paths == 1:
            lines.append(f"1 path from {x_name} to {out_name}; the number on each arrow is a local "
                         "derivative,\nand the path contributes their product:")
        else:
            lines.append(f"{how}; the number on each arrow is a local derivative,\n"
                         "a path contributes their product, and the paths add up:")
        for t in e.terms:
            line = f"  {_arrows(t, name)}    = {_num(t.value)}"
            where = _operands_named(t, name)
            if where:
                line += f"    ({where})"
            lines.append(line)
            unknown_ops.update(_op_name(v) for v, f in zip(t.path[1:], t.factors) if f is None)
    else:
        shown = e.groups[: e.max_terms]
        parts = [f"({_num(g.local)}) × ({_num(g.downstream)})" for g in shown]
        if len(e.groups) > len(shown):
            parts.append(f"… {len(e.groups) - len(shown)} more")
        lines.append(f"{head} = {' + '.join(parts)} = {total}")
        lines.append(f"{_count(e.paths)} paths from {x_name} to {out_name}, more than the {e.max_terms} "
                     "listed at most (max_terms), so they are grouped\nby the first arrow out of "
                     f"{x_name}: {head} = Σ over arrows {x_name} → u of ∂u/∂{x_name} × d{out_name}/du, "
                     f"where d{out_name}/du is what backward() gives u:")
        for g in shown:
            u = name(g.via)
            lines.append(f"  {x_name} —({_num(g.local)})→ {u}  × d{out_name}/d{u} = {_num(g.downstream)}"
                         f"    = {_num(g.value)}    ({_count(g.paths)} path{'s' if g.paths != 1 else ''})")
            if g.local is None:
                unknown_ops.add(_op_name(g.via))
        if len(e.groups) > len(shown):
            rest = len(e.groups) - len(shown)
            lines.append(f"  … and {rest} more arrow{'s' if rest != 1 else ''} out of {x_name}")
    if e.total is None or unknown_ops:
        ops = ", ".join(sorted(unknown_ops)) or "a node on the way"
        lines.append(f"? : the local derivative of {ops} is unknown: that node was made by a closure "
                     "(its _backward), which explain cannot read; so the sum is unknown too")
    return "\n".join(lines)


def _used_twice(e: Explanation) -> int:
    """How many arrows leave x towards out (0 when only one does)."""
    firsts = {(id(t.path[1]), t._slots[0]) for t in e.terms if len(t.path) > 1}
    return len(firsts) if len(firsts) > 1 else 0


def _operands_named(t: Term, name: Any) -> str:
    """Which operand each arrow enters, where its node uses the same Value twice
    (the only place two paths through the same nodes differ)."""
    notes = []
    for k, (src, user) in enumerate(zip(t.path, t.path[1:])):
        if sum(p is src for p in user.parents) > 1:
            notes.append(f"operand {t._slots[k] + 1} of {name(user)}")
    return ", ".join(notes)
