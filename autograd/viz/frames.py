"""``backward_frames``: backpropagation as a sequence of pictures.

Frame 0 shows the root's gradient set to 1.  Then, in exactly the order
``Value.backward`` processes nodes (the reverse of ``topological_order(root)``,
leaves skipped), one frame per operation: its oval is yellow, and each arrow
into it reads ``local × grad = passed``: the gradient it has just added to that
operand.  Gradients are computed on the side from the primitives table, the
same way and in the same order as ``backward``; no ``.grad`` is touched.

Frames hold still: all the steps are computed first, then every frame is
drawn with the same sizes (each gradient cell, arrow label and the caption
as wide as the widest text it will show in any frame, the same line width
everywhere), so the renderer lays each frame out exactly like the others
and only colours and numbers change from one to the next.  Highlighted and
plain frames of the same graph share that layout too.

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

from ..engine import Value
from ..registry import chain_rule, nan_gradient_error
from .dot import Reserve, _check_common, _check_root, _highlighted, _too_big, build
from .graph import graph_order
from .labels import html_text, local_derivs, num, op_expr, text_width
from .rendering import Picture
from .text import to_text

__all__ = ["backward_frames"]


class _Step(NamedTuple):
    node: int           # position in the order of the node processed (the root for step 0)
    passed: list | None  # what it passed to each of its _args (None for step 0)
    grads: list         # every node's gradient after this step
    caption: list       # the caption's lines, plain text


def backward_frames(root: Value, rankdir: str = "LR", *, gradient: float = 1.0,
                    highlight: Any = None, max_nodes: int = 200,
                    digits: int = 4) -> Iterator[Picture]:
    """Yield one :class:`~autograd.viz.rendering.Picture` per backward step (see
    the module doc).  Each frame also carries ``.step`` (0 for the start),
    ``.node`` (the Value being processed; the root in frame 0) and ``.grads``
    (a dict Value -> gradient accumulated so far).  ``highlight``: as in
    ``draw_dot``, the paths from these Values to the root are drawn bold.
    Bad arguments, and a step whose local derivative is not finite, raise
    here, before the first frame.

    Example:
        >>> from autograd import Value, backward_frames
        >>> x = Value(3.0, label="x")
        >>> [f.node.op for f in backward_frames((x * x).exp())]
        ['exp', 'exp', 'mul']
    """
    _check_root(root, "backward_frames")
    _check_common("backward_frames", rankdir, max_nodes)
    if type(digits) is not int or not 1 <= digits <= 17:
        raise ValueError(f"backward_frames: digits must be an int from 1 to 17, got {digits!r}")
    if isinstance(gradient, bool) or not isinstance(gradient, (int, float)) or gradient != gradient:
        raise ValueError(f"backward_frames: gradient must be a real number, got {gradient!r}")
    order = graph_order(root)
    if len(order) > max_nodes:
        raise _too_big("backward_frames", len(order), max_nodes, module_hint=False)
    on_path = _highlighted(order, highlight, "backward_frames")
    steps = _steps(order, float(gradient), digits)
    reserve = _reserve(order, steps, digits)
    return (_frame(order, s, k, rankdir, digits, on_path, reserve) for k, s in enumerate(steps))


def _steps(order, gradient, digits):
    """Every step of backward at once, in ``Value.backward``'s order."""
    index = {v: i for i, v in enumerate(order)}
    grads = [0.0] * len(order)
    grads[-1] = gradient
    todo = [i for i in range(len(order) - 1, -1, -1) if order[i]._prim is not None]
    total = len(todo)
    r = len(order) - 1
    steps = [_Step(r, None, grads[:], [
        f"Step 0 of {total}: backward starts at the root, grad(#{r}) = {num(gradient, digits)}"])]
    for s, i in enumerate(todo, 1):
        v = order[i]
        g = grads[i]
        passed = [0.0] * len(v._args)
        datas = [a if type(a) is float else a.data for a in v._args]
        try:
            # The engine's one chain-rule step, so a frame shows exactly what
            # backward adds (nothing at all for a zero gradient).
            contribs = chain_rule(v._prim, v.data, datas, g, where="backward_frames: backward")
        except ValueError as e:
            raise ValueError(f"{e} (node #{i})") from e
        for k, (a, c) in enumerate(zip(v._args, contribs)):
            if type(a) is float:
                continue
            j = index[a]
            summed = grads[j] + c
            if summed != summed:  # as backward: never a silent NaN gradient
                raise nan_gradient_error("backward_frames: backward", v._prim, v.data, datas,
                                         k, g, grads[j])
            passed[k] = c
            grads[j] = summed
        refs = [f"#{index[a]}" for a in v.parents]
        gets = ", ".join(f"#{index[a]} += {num(p, digits)}"
                         for a, p in zip(v._args, passed) if type(a) is not float)
        steps.append(_Step(i, passed, grads[:], [
            f"Step {s} of {total}: #{i} = {op_expr(v, refs, digits)} passes "
            "grad × local derivative to its operands", gets]))
    return steps


def _reserve(order, steps, digits):
    """The widest text each changing place shows in any step (see the module doc)."""
    # The gradient cell is as wide as its column (the data above it shares
    # it: dot 2.43 misplaces right-aligned text in a narrower fixed cell),
    # plus its padding (3 on each side) and a little air.
    grad = {i: max(text_width(num(order[i].data, digits), 11),
                   *(text_width(num(s.grads[i], digits), 11) for s in steps)) + 8
            for i in range(len(order))}
    edge = {}
    for s in steps[1:]:
        v = order[s.node]
        for k, (a, d) in enumerate(zip(v._args, local_derivs(v))):
            if type(a) is float:
                continue
            local = "undefined" if d is None else num(d, digits)
            shown = f"{local} × {num(s.grads[s.node], digits)} = {num(s.passed[k], digits)}"
            edge[(s.node, k)] = max(text_width(local, 10), text_width(shown, 10)) + 4
    # Ops never processed (a zero-gradient branch is still drawn) keep their plain label.
    for i, v in enumerate(order):
        if v._prim is not None:
            for k, (a, d) in enumerate(zip(v._args, local_derivs(v))):
                if type(a) is not float and (i, k) not in edge:
                    edge[(i, k)] = text_width("undefined" if d is None else num(d, digits), 10) + 4
    lines = max(len(s.caption) for s in steps)
    width = max(text_width(line, 12) for s in steps for line in s.caption)
    return Reserve(grad, edge, (width, 15 * lines + 4))


def _frame(order, step, k, rankdir, digits, on_path, reserve):
    caption = "<br/>".join(html_text(line) for line in step.caption)
    focus = None if step.passed is None else (step.node, step.passed)
    pic = build(order, step.grads, rankdir=rankdir, digits=digits, focus=focus, on_path=on_path,
                caption=caption, grad_name="grad so far", reserve=reserve)
    pic.step = k
    pic.node = order[step.node]
    pic.grads = shown = dict(zip(order, step.grads))
    pic._fallback_text = lambda: to_text(order[-1], _grads=shown)  # no cycle through pic
    return pic
