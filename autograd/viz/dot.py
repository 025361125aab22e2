"""``draw_dot``: a computation graph as a Graphviz picture that teaches backprop.

Every Value is a box with its number ``#i`` (its position in the graph's
order, so the same graph always gives the same DOT), its label, data and grad,
filled blue for a positive gradient and orange for a negative one, deeper as
|grad| grows.  Every operation is an oval showing the operation with its
constants (``· ** 2``, ``leaky_relu(·, 0.01)``); an arrow from each operand
into the oval carries the local derivative ∂out/∂operand read from the
primitives table, so ``grad(operand) = Σ grad(out) × edge`` can be checked by
eye.  ``x * x`` has two arrows.

Example:
    >>> from autograd import Value, draw_dot
    >>> x = Value(2.0, label="x"); y = Value(-3.0, label="y")
    >>> z = x * y + x
    >>> z.backward()
    >>> pic = draw_dot(z)
    >>> pic.source.count("->")     # x->*, y->*, *->v, v->+, x->+, +->z
    6
    >>> pic.source == draw_dot(z).source
    True
"""
import graphviz

from ..engine import Value, _sequence, topological_order
from .clusters import assign_clusters, collapse_groups, param_labels
from .labels import grad_colour, html_text, local_derivs, num, op_expr
from .rendering import Picture

__all__ = ["draw_dot"]

_RANKDIRS = ("LR", "RL", "TB", "BT")
_HIGHLIGHT = "#7b3294"
_FOCUS = "#ffd43b"
LEGEND = ("fill: blue grad &gt; 0, orange grad &lt; 0, deeper = larger |grad| · "
          "number on an arrow: local derivative ∂out/∂operand · "
          "grad(operand) = Σ grad(out) × arrow")


def _check_root(root, what):
    if not isinstance(root, Value):
        raise TypeError(f"{what}: root must be a Value, got {type(root).__name__} {root!r}")


def _check_common(what, rankdir, max_nodes):
    if rankdir not in _RANKDIRS:
        raise ValueError(f"{what}: rankdir must be one of {', '.join(_RANKDIRS)}, got {rankdir!r}")
    if type(max_nodes) is not int or max_nodes < 1:
        raise ValueError(f"{what}: max_nodes must be a positive int, got {max_nodes!r}")


def _too_big(what, n, max_nodes, module_hint=True):
    hint = (" or module=your_model to collapse it to one box per neuron/layer"
            if module_hint else "")
    return ValueError(
        f"{what}: the graph has {n:,} values, more than max_nodes={max_nodes:,}; "
        f"pass max_nodes={n} to draw every node anyway{hint}. "
        "autograd.to_text(root) prints any size as text.")


def _highlighted(order, highlight, what):
    """Nodes on a path from any of ``highlight`` to the root."""
    if highlight is None:
        return set()
    starts = ([highlight] if isinstance(highlight, Value)
              else _sequence(highlight, what, "highlight", "a Value or Values"))
    members = set(order)
    for s in starts:
        if not isinstance(s, Value):
            raise TypeError(f"{what}: highlight must be a Value or Values, got {type(s).__name__}")
        if s not in members:
            raise ValueError(f"{what}: highlight Value {s!r} is not in the root's graph")
    on = set(starts)
    for v in order:
        if v._prim is not None and v not in on and any(a in on for a in v.parents):
            on.add(v)
    return on


def _value_label(i, v, grad, fill, border, width, digits, grad_name="grad", pname=None):
    name = f'<font color="#555555">#{i}</font>'
    if v.label:
        name += f" <b>{html_text(v.label)}</b>"
    elif pname:  # a parameter's name in its module, in italics: not a label
        name += f" <i>{html_text(pname)}</i>"
    return (f'<<table border="{width}" cellborder="0" cellspacing="0" cellpadding="3" '
            f'bgcolor="{fill}" color="{border}">'
            f'<tr><td colspan="2">{name}</td></tr>'
            f'<tr><td align="left">data</td><td align="right">{num(v.data, digits)}</td></tr>'
            f'<tr><td align="left">{grad_name}</td><td align="right">{num(grad, digits)}</td></tr>'
            "</table>>")


def new_picture(rankdir, caption):
    """An empty Picture with the house style; ``caption`` is HTML-safe text."""
    g = Picture(name="chaingrad")
    g.attr(rankdir=rankdir, labelloc="b", fontsize="12", fontname="Helvetica")
    g.attr("node", fontname="Helvetica", fontsize="11")
    g.attr("edge", fontname="Helvetica", fontsize="10")
    if caption:
        g.attr(label=f"<{caption}>")
    return g


def build(order, grads, *, rankdir="LR", on_path=(), where=None, clusters=None, digits=4,
          caption=LEGEND, focus=None, grad_name="grad", names=None):
    """The picture of ``order`` (a topological order) with ``grads[i]`` as node
    i's gradient.  ``focus=(i, passed)`` marks node i as the one backward is
    processing and labels its arrows ``local × grad = passed``."""
    g = new_picture(rankdir, caption)
    finite = [abs(x) for x in grads if x == x]
    scale = max(finite, default=0.0)
    index = {v: i for i, v in enumerate(order)}
    bodies = {}  # cluster name -> Digraph holding its nodes
    if clusters:
        for name in clusters:
            sub = graphviz.Digraph(name=f"cluster_{len(bodies)}")
            sub.attr(label=f"<{html_text(clusters[name][0])}>", style="rounded",
                     color="#999999", fontname="Helvetica", fontsize="10")
            bodies[name] = sub

    edges = []
    for i, v in enumerate(order):
        body = bodies[where[i]] if where and where[i] is not None else g
        lit = v in on_path
        body.node(f"v{i}", _value_label(i, v, grads[i], grad_colour(grads[i], scale),
                                        _HIGHLIGHT if lit else "#333333", 3 if lit else 1,
                                        digits, grad_name, names and names.get(v)),
                  shape="none", margin="0")
        prim = v._prim
        if prim is None:
            continue
        focused = focus is not None and focus[0] == i
        opname = f"o{i}"
        # Constants are shown in place ("· / 3"); without any, the symbol alone.
        text = (op_expr(v, ["·"] * len(v.parents), digits)
                if any(type(a) is float for a in v._args) else prim.symbol)
        body.node(opname, f"<{html_text(text)}>",
                  shape="ellipse", style="filled", fillcolor=_FOCUS if focused else "#eeeeee",
                  color=_HIGHLIGHT if lit else "#333333", penwidth="3" if lit else "1")
        edges.append((opname, f"v{i}", None, lit))
        locals_ = local_derivs(v)
        for k, (a, d) in enumerate(zip(v._args, locals_)):
            if type(a) is float:
                continue
            text = "undefined" if d is None else num(d, digits)
            if focused:
                text = f"{text} × {num(grads[i], digits)} = {num(focus[1][k], digits)}"
            edges.append((f"v{index[a]}", opname, text,
                          "focus" if focused else (lit and a in on_path)))

    # Deepest clusters first, so each is complete when copied into its parent.
    def depth(name):
        d = 0
        while clusters[name][1] is not None:
            name, d = clusters[name][1], d + 1
        return d

    for name in sorted(bodies, key=depth, reverse=True):
        parent = clusters[name][1]
        (bodies[parent] if parent is not None else g).subgraph(bodies[name])
    for tail, head, text, lit in edges:
        attrs = {}
        if text is not None:
            attrs["label"] = text
        if lit == "focus":
            attrs.update(color="#e6a700", penwidth="3", fontcolor="#7a5200")
        elif lit:
            attrs.update(color=_HIGHLIGHT, penwidth="2.5")
        g.edge(tail, head, **attrs)
    return g


def _collapsed(order, where, clusters, max_nodes, rankdir, digits):
    for level in ("neuron", "layer"):
        group_of, groups = collapse_groups(order, where, clusters, level)
        if len(groups) <= max_nodes:
            break
    else:
        raise _too_big("draw_dot", len(order), max_nodes, module_hint=False)
    g = new_picture(rankdir, html_text(
        f"{len(order):,} values collapsed to one box per {level} (more than max_nodes="
        f"{max_nodes:,}); pass a larger max_nodes= to see every node"))
    ids = {key: f"g{k}" for k, key in enumerate(groups)}
    root = order[-1]
    layers = {}  # neuron boxes sit inside a box for their layer
    for key, (label, count) in groups.items():
        text = f"<b>{html_text(label)}</b><br/>{count:,} value{'s' if count != 1 else ''}"
        if key == "<output>":
            text += f"<br/>data {num(root.data, digits)}  grad {num(root.grad, digits)}"
        body = g
        if level == "neuron" and key in clusters and clusters[key][1] is not None:
            top = clusters[key][1]
            if top not in layers:
                layers[top] = graphviz.Digraph(name=f"cluster_{len(layers)}")
                layers[top].attr(label=f"<{html_text(clusters[top][0])}>", style="rounded",
                                 color="#999999", fontname="Helvetica", fontsize="10")
            body = layers[top]
        body.node(ids[key], f"<{text}>", shape="box", style="rounded")
    for sub in layers.values():
        g.subgraph(sub)
    index = {v: i for i, v in enumerate(order)}
    counts = {}
    for i, v in enumerate(order):
        for a in v.parents:
            pair = (group_of[index[a]], group_of[i])
            if pair[0] != pair[1]:
                counts[pair] = counts.get(pair, 0) + 1
    for (a, b), n in counts.items():
        g.edge(ids[a], ids[b], label=f"{n:,}")
    return g


def draw_dot(root, rankdir="LR", *, highlight=None, module=None, max_nodes=1000, digits=4,
             legend=True):
    """The graph that computed ``root`` as a :class:`~autograd.viz.rendering.Picture`
    (a ``graphviz.Digraph``; it shows itself inline in Jupyter).

    ``highlight``: a Value (or several) whose paths to ``root`` are drawn bold;
    ``module``: an object with ``named_parameters()`` (``nn.MLP``) whose
    neurons and layers become boxes around their nodes; ``max_nodes``: above
    this many Values the graph is collapsed to one box per neuron (or layer)
    when ``module`` is given (the collapsed view draws no highlight), and
    refused otherwise; ``digits``: significant digits shown; ``legend``: the
    key to colours and arrows under the picture.

    Example:
        >>> from autograd import Value, draw_dot
        >>> x = Value(3.0, label="x")
        >>> y = x * x                      # two arrows from x, each labelled 3
        >>> y.backward()
        >>> src = draw_dot(y, highlight=x).source
        >>> src.count("v0 -> o1"), src.count('label=3 ')
        (2, 2)
    """
    _check_root(root, "draw_dot")
    _check_common("draw_dot", rankdir, max_nodes)
    if type(digits) is not int or not 1 <= digits <= 17:
        raise ValueError(f"draw_dot: digits must be an int from 1 to 17, got {digits!r}")
    order = topological_order(root)
    where = clusters = names = None
    if module is not None:
        where, clusters = assign_clusters(order, module)
        names = param_labels(module)
    if len(order) > max_nodes:
        if module is None:
            raise _too_big("draw_dot", len(order), max_nodes)
        return _collapsed(order, where, clusters, max_nodes, rankdir, digits)
    on_path = _highlighted(order, highlight, "draw_dot")
    g = build(order, [v.grad for v in order], rankdir=rankdir, on_path=on_path, where=where,
              clusters=clusters, digits=digits, caption=LEGEND if legend else None, names=names)
    g._fallback_text = lambda: _text(root)
    return g


def _text(root):
    from .text import to_text
    return to_text(root)
