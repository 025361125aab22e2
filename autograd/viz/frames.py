"""``backward_frames``: backpropagation as a sequence of pictures.

Frame 0 shows the root's gradient set to 1.  Then, in exactly the order
``Value.backward`` processes nodes (the reverse of ``topological_order(root)``,
leaves skipped), one frame per operation: its oval is yellow, and each arrow
into it reads ``local × grad = passed``: the gradient it has just added to that
operand.  Gradients are computed on the side from the primitives table, the
same way and in the same order as ``backward``; no ``.grad`` is touched.

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
from ..engine import topological_order
from .dot import _check_common, _check_root, _highlighted, _too_big, build
from .labels import html_text, local_derivs, num, op_expr
from .text import to_text

__all__ = ["backward_frames"]


def backward_frames(root, rankdir="LR", *, gradient=1.0, highlight=None, max_nodes=200,
                    digits=4):
    """Yield one :class:`~autograd.viz.rendering.Picture` per backward step (see
    the module doc).  Each frame also carries ``.step`` (0 for the start),
    ``.node`` (the Value being processed; the root in frame 0) and ``.grads``
    (a dict Value -> gradient accumulated so far).  ``highlight``: as in
    ``draw_dot``, the paths from these Values to the root are drawn bold.

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
    order = topological_order(root)
    if len(order) > max_nodes:
        raise _too_big("backward_frames", len(order), max_nodes, module_hint=False)
    on_path = _highlighted(order, highlight, "backward_frames")
    return _frames(root, order, rankdir, float(gradient), digits, on_path)


def _frames(root, order, rankdir, gradient, digits, on_path):
    index = {v: i for i, v in enumerate(order)}
    grads = [0.0] * len(order)
    grads[-1] = gradient
    steps = [i for i in range(len(order) - 1, -1, -1) if order[i]._prim is not None]
    total = len(steps)
    r = len(order) - 1
    yield _frame(order, grads, rankdir, digits, on_path, 0, order[r], None, html_text(
        f"Step 0 of {total}: backward starts at the root, grad(#{r}) = {num(gradient, digits)}"))
    for s, i in enumerate(steps, 1):
        v = order[i]
        g = grads[i]
        passed = [0.0] * len(v._args)
        if g != 0.0:  # as backward: a zero gradient passes nothing
            for k, (a, d) in enumerate(zip(v._args, local_derivs(v))):
                if type(a) is float:
                    continue
                if d is None:
                    raise ValueError(f"backward_frames: backward through {v.op} at #{i} "
                                     f"(data {v.data!r}): local derivative is not finite")
                passed[k] = g * d
                grads[index[a]] += passed[k]
        refs = [f"#{index[a]}" for a in v.parents]
        gets = ", ".join(f"#{index[a]} += {num(p, digits)}"
                         for a, p in zip(v._args, passed) if type(a) is not float)
        caption = (html_text(f"Step {s} of {total}: #{i} = {op_expr(v, refs, digits)} passes "
                             "grad × local derivative to its operands") + "<br/>" + html_text(gets))
        yield _frame(order, grads, rankdir, digits, on_path, s, v, (i, passed), caption)


def _frame(order, grads, rankdir, digits, on_path, step, node, focus, caption):
    pic = build(order, grads, rankdir=rankdir, digits=digits, focus=focus, on_path=on_path,
                caption=caption, grad_name="grad so far")
    pic.step = step
    pic.node = node
    pic.grads = shown = dict(zip(order, grads))
    pic._fallback_text = lambda: to_text(order[-1], _grads=shown)  # no cycle through pic
    return pic
