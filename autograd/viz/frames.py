"""``backward_frames``: backpropagation as a sequence of pictures.

Frame 0 shows the root's gradient set to 1.  Then, in exactly the order
``Value.backward`` processes nodes (the reverse of ``topological_order(root)``,
leaves skipped), one frame per operation: its oval is yellow, and each arrow
into it reads ``local × grad = passed``: the gradient it has just added to that
operand.  Gradients are computed on the side from the primitives table, the
same way and in the same order as ``backward``; no ``.grad`` is touched.  A
learner's own operation (made the micrograd lecture's way, with a
``_backward`` closure) has no number on its arrows: its closure is run as
``backward`` runs it, on ``.grad`` saved before and put back after
(:func:`autograd.closures.closure_step`), and the caption gives what it
passed to each child.

The caption says the step in the learner's names (a node's label, its
``#i`` only when it has none): ``L = a * b``, then for each operand
``a: 0 + (-3) = -3``, the gradient it had, what it is passed and the sum,
with numbers that add up at the digits shown (:func:`~.labels.add_up`).

Frames hold still: all the steps are planned first, then every frame is
drawn with the same sizes (each gradient cell, arrow label and the caption
as wide as the widest text it will show in any frame, the same line width
everywhere, one colour scale for all), so the renderer lays each frame out
exactly like the others and only colours and numbers change from one to the
next.  Highlighted and plain frames of the same graph share that layout too.

The plan keeps what each step changes, not every gradient after every step,
so planning is linear in the size of the graph; each frame is one picture of
the whole graph, drawn when it is asked for.

Example:
    >>> from autograd import Value, backward_frames
    >>> x = Value(2.0, label="x"); y = Value(-3.0, label="y")
    >>> frames = list(backward_frames(x * y + x))
    >>> len(frames)                      # the start, then + and *
    3
    >>> x.grad, y.grad                   # untouched
    (0.0, 0.0)
    >>> frames[-1].grads[x], frames[-1].grads[y]
    (-2.0, 2.0)
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any, NamedTuple

from ..closures import closure_step
from ..engine import Value
from ..registry import chain_rule, nan_gradient_error
from .dot import Reserve, _check_common, _check_root, build, prepare
from .graph import has_derivs, is_value
from .labels import add_up, arrow_text, html_text, local_derivs, num, op_expr, plain_text, roles, text_width
from .rendering import Picture
from .text import to_text

__all__ = ["backward_frames", "Plan", "plan_steps"]

# Captions wrap their operand lines past this many characters.
_LINE_CHARS = 110


class Step(NamedTuple):
    """One step of backward: ``node``, the position of the node processed
    (the root for step 0); ``grad``, that node's gradient then; ``passed``,
    what it passed to each of its ``_args`` (None for step 0); ``changes``,
    ``(j, old, new)`` for each gradient it changed, in order; ``caption``,
    the caption's lines as plain text."""
    node: int
    grad: float
    passed: list | None
    changes: list
    caption: list


class Plan(NamedTuple):
    """Everything the frames of one graph share: ``order`` (the nodes drawn,
    a topological order), ``steps``, ``start`` (every gradient before step
    1), ``reserve`` (fixed sizes), ``scale`` (the |grad| of the deepest
    colour in every frame), ``where``/``clusters``/``names`` (the module
    boxes), ``on_path`` (the highlighted nodes).

    Example:
        >>> from autograd import Value
        >>> from autograd.viz.frames import plan_steps
        >>> plan = plan_steps(Value(2.0, label="x").exp(), "example")
        >>> len(plan.order), len(plan.steps), plan.start
        (2, 2, [0.0, 1.0])
    """
    order: list
    steps: list
    start: list
    reserve: Reserve
    scale: float
    where: Any
    clusters: Any
    names: Any
    on_path: set


def _name(v, i, names=None):
    """A node as the learner named it, the name its box shows: its label,
    else its name in ``module=`` (``w.1``, ``b``), else its number."""
    if v.label:
        return plain_text(v.label)
    pname = names and names.get(v)
    return plain_text(pname) if pname else f"#{i}"


def plan_steps(root: Value, what: str, *, rankdir: str = "LR", gradient: float = 1.0,
               highlight: Any = None, max_nodes: int = 200, digits: int = 4,
               module: Any = None, expand: bool = False) -> Plan:
    """Check the arguments and plan every step of backward through ``root``
    (see the module doc); ``what`` names the caller in errors.  Raises before
    any step for a graph over ``max_nodes`` and for a step whose local
    derivative is not finite.

    Example:
        >>> from autograd import Value
        >>> from autograd.viz.frames import plan_steps
        >>> x = Value(3.0, label="x")
        >>> plan = plan_steps(x * x, "example")
        >>> [s.caption[-1] for s in plan.steps]
        ['grad = 1 at the root: backward starts here', 'x: 0 + 3 = 3;   x: 3 + 3 = 6']
    """
    _check_root(root, what)
    _check_common(what, rankdir, max_nodes)
    if type(digits) is not int or not 1 <= digits <= 17:
        raise ValueError(f"{what}: digits must be an int from 1 to 17, got {digits!r}")
    if isinstance(gradient, bool) or not isinstance(gradient, (int, float)) or gradient != gradient:
        raise ValueError(f"{what}: gradient must be a real number, got {gradient!r}")
    order, where, clusters, names, on_path = prepare(root, what, module=module,
                                                     highlight=highlight, expand=expand,
                                                     max_nodes=max_nodes)
    return _plan(order, float(gradient), digits, what, where, clusters, names, on_path)


def _plan(order, gradient, digits, what, where, clusters, names, on_path):
    index = {v: i for i, v in enumerate(order)}
    n = len(order)
    grads = [0.0] * n
    grads[-1] = gradient
    start = grads[:]
    # The widest text each changing place shows, kept up to date step by step.
    widths = [max(text_width(num(v.data, digits), 11), text_width(num(0.0, digits), 11))
              for v in order]
    widths[-1] = max(widths[-1], text_width(num(gradient, digits), 11))
    scale = abs(gradient) if gradient == gradient else 0.0
    edge: dict = {}
    todo = [i for i in range(n - 1, -1, -1) if order[i]._prim is not None]
    total = len(todo)
    r = n - 1
    steps = [Step(r, gradient, None, [], [
        f"Step 0 of {total}: backward starts at the root, {_name(order[r], r, names)}",
        f"grad = {num(gradient, digits)} at the root: backward starts here"])]
    for s, i in enumerate(todo, 1):
        v = order[i]
        g = grads[i]
        args = v._args
        passed = [0.0] * len(args)
        changes: list[tuple[int, float, float]] = []
        names_ = [_name(a, index[a], names) for a in v.parents]
        head = (f"Step {s} of {total}: {_name(v, i, names)} = {op_expr(v, names_, digits)}, "
                f"grad {num(g, digits)}")
        if not has_derivs(v):
            # A learner's own operation: only its _backward closure knows what
            # it passes, so it is run as backward runs it, on saved and
            # restored .grads, and each child's gradient is read before and after.
            real = getattr(v, "real", None) or v     # an expanded view's node: the Value it stands for
            news = closure_step(real, g, [grads[index[a]] for a in args], f"{what}: backward")
            entries = []
            for k, (a, new) in enumerate(zip(args, news)):
                j = index[a]
                old = grads[j]
                passed[k] = new - old
                grads[j] = new
                changes.append((j, old, new))
                widths[j] = max(widths[j], text_width(num(new, digits), 11))
                if abs(new) > scale and abs(new) != float("inf"):
                    scale = abs(new)
                entries.append(f"{_name(a, j, names)}: {add_up(old, passed[k], new, digits)}")
            lines = [head + ", the learner's own operation: its _backward closure runs"
                     + (" and adds to each child:" if entries else "; it has no children")]
            steps.append(Step(i, g, passed, changes, lines + _wrap(entries)))
            continue
        datas = [a.data if is_value(a) else a for a in args]
        try:
            # The engine's one chain-rule step, so a frame shows exactly what
            # backward adds (nothing at all for a zero gradient).
            contribs = chain_rule(v._prim, v.data, datas, g, where=f"{what}: backward",
                                  wanted=[is_value(a) for a in args])
        except ValueError as e:
            raise ValueError(f"{e} (node #{i})") from e
        parts = roles(v)
        entries = []
        for k, (a, c) in enumerate(zip(args, contribs)):
            if not is_value(a):
                continue
            j = index[a]
            old = grads[j]
            summed = old + c
            if summed != summed:  # as backward: never a silent NaN gradient
                raise nan_gradient_error(f"{what}: backward", v._prim, v.data, datas, k, g, old)
            passed[k] = c
            grads[j] = summed
            changes.append((j, old, summed))
            widths[j] = max(widths[j], text_width(num(summed, digits), 11))
            if summed == summed and abs(summed) > scale and abs(summed) != float("inf"):
                scale = abs(summed)
            role = f" ({parts[k]})" if parts[k] else ""
            entries.append(f"{_name(a, j, names)}{role}: {add_up(old, c, summed, digits)}")
        if contribs:
            lines = [head + ", passes grad × local derivative to each operand:"]
            lines += _wrap(entries)
        else:
            lines = [head + ": a zero gradient passes nothing (the zero-gradient rule)"]
        # Room for an arrow's text when focused and at rest (an op that passes
        # nothing keeps its resting label); every arrow with a number is here,
        # as every operation is a step.
        for k, (a, d) in enumerate(zip(args, local_derivs(v))):
            if is_value(a):
                base = arrow_text(v, k, d, digits, parts[k])
                shown = f"{base} × {num(g, digits)} = {num(passed[k], digits)}"
                edge[(i, k)] = max(edge.get((i, k), 0.0), text_width(shown, 10) + 4,
                                   text_width(base or "", 10) + 4)
        steps.append(Step(i, g, passed, changes, lines))
    most = max(len(st.caption) for st in steps)
    width = max(text_width(line, 12) for st in steps for line in st.caption)
    # The gradient cell is as wide as its column (the data above it shares
    # it: dot 2.43 misplaces right-aligned text in a narrower fixed cell),
    # plus its padding (3 on each side) and a little air.
    reserve = Reserve({i: w + 8 for i, w in enumerate(widths)}, edge, (width, 15 * most + 4))
    return Plan(order, steps, start, reserve, scale, where, clusters, names, on_path)


def _wrap(entries):
    lines, cur = [], ""
    for e in entries:
        if cur and len(cur) + 3 + len(e) > _LINE_CHARS:
            lines.append(cur)
            cur = e
        else:
            cur = f"{cur};   {e}" if cur else e
    if cur:
        lines.append(cur)
    return lines


def backward_frames(root: Value, rankdir: str = "LR", *, gradient: float = 1.0,
                    highlight: Any = None, max_nodes: int = 200, digits: int = 4,
                    module: Any = None, expand: bool = False) -> Iterator[Picture]:
    """Yield one :class:`~autograd.viz.rendering.Picture` per backward step (see
    the module doc).  Each frame also carries ``.step`` (0 for the start),
    ``.node`` (the Value being processed; the root in frame 0) and ``.grads``
    (a dict Value -> gradient accumulated so far).  ``highlight``: as in
    ``draw_dot``, the paths from these Values to the root are drawn bold;
    ``module``: a model whose neurons and layers become boxes, as in
    ``draw_dot``; ``expand``: each ``dot`` and ``sum`` as the lecture's
    separate ``*`` and ``+`` nodes, stepped one by one (``.node`` and the keys
    of ``.grads`` are then the expanded view's nodes).  Bad arguments, and a
    step whose local derivative is not finite, raise here, before the first
    frame.

    Example:
        >>> from autograd import Value, backward_frames
        >>> x = Value(3.0, label="x")
        >>> [f.node.op for f in backward_frames((x * x).exp())]
        ['exp', 'exp', 'mul']
    """
    plan = plan_steps(root, "backward_frames", rankdir=rankdir, gradient=gradient,
                      highlight=highlight, max_nodes=max_nodes, digits=digits, module=module,
                      expand=expand)
    return _frames(plan, rankdir, digits)


def _frames(plan, rankdir, digits):
    grads = plan.start[:]
    for k, step in enumerate(plan.steps):
        for j, _, new in step.changes:
            grads[j] = new
        yield frame(plan, k, grads, rankdir, digits)


def frame(plan: Plan, k: int, grads: list, rankdir: str = "LR", digits: int = 4,
          element_ids: bool = False, highlight: bool = True, caption: bool = True) -> Picture:
    """Step ``k`` of ``plan`` drawn with every node's gradient in ``grads``;
    ``element_ids``: as in :func:`~autograd.viz.dot.build` (the stepper's
    page finds its nodes and arrows by them); ``highlight``: draw the plan's
    highlighted paths; ``caption``: the step's caption under the picture
    (the stepper writes it above the picture instead, where it changes)."""
    order = plan.order
    step = plan.steps[k]
    text = "<br/>".join(html_text(line) for line in step.caption) if caption else None
    focus = None if step.passed is None else (step.node, step.passed)
    pic = build(order, grads, rankdir=rankdir, digits=digits, focus=focus,
                on_path=plan.on_path if highlight else (), caption=text,
                grad_name="grad so far", reserve=plan.reserve, where=plan.where,
                clusters=plan.clusters, names=plan.names, scale=plan.scale,
                element_ids=element_ids)
    pic.step = k
    pic.node = order[step.node]
    pic.grads = shown = dict(zip(order, grads))
    root = order[-1]
    pic._fallback_text = lambda: to_text(root, _grads=shown)  # no cycle through pic
    return pic
