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
from __future__ import annotations

from typing import Any, NamedTuple

import graphviz

from ..engine import Value, _sequence
from .batch import find_batch
from .clusters import assign_clusters, collapse_groups, param_labels
from .expand import expand as expanded
from .graph import graph_order, has_derivs, is_value
from .labels import arrow_text, grad_colour, html_text, local_derivs, num, oval_lines, roles, text_width
from .rendering import Picture
from .sizes import Shape, estimate

__all__ = ["draw_dot"]

_RANKDIRS = ("LR", "RL", "TB", "BT")
_HIGHLIGHT = "#7b3294"
_FOCUS = "#ffd43b"
LEGEND = ("fill: blue grad &gt; 0, orange grad &lt; 0, deeper = larger |grad| · "
          "number on an arrow: local derivative ∂out/∂operand · "
          "grad(operand) = Σ grad(out) × arrow")
# Sizes the estimate uses (points): a value box's three rows, an oval's
# least size, a line of a 10 pt arrow label and of the 12 pt caption.
_BOX_H, _OVAL_W, _OVAL_H, _LABEL_H, _LINE_H = 57.0, 54.0, 36.0, 14.0, 15.0

# Lines the legend gets when the picture needs them.
PENDING = "—"
LEGEND_PENDING = ("grad —: not computed yet (call backward() on the output, then draw again)")
LEGEND_SIGMA = ("Σ xᵢ·wᵢ: a neuron's weighted sum as one node (dot); its arrows name the operand "
                "(w₀: x₀, the local derivative) · expand=True draws one * per pair and + nodes")
LEGEND_CLOSURE = ("dashed oval: an operation with its own _backward (made the micrograd way); "
                  "its local derivatives are inside that closure, so its arrows carry no number")


def legend_lines(order, pending=False):
    """The legend under a picture of ``order``, as HTML-safe lines: the key
    to colours and arrows, and the notes its nodes need."""
    lines = [LEGEND]
    if pending:
        lines.append(LEGEND_PENDING)
    if any(roles(v)[:1] != [None] for v in order if v._prim is not None):
        lines.append(html_text(LEGEND_SIGMA))
    if any(v._prim is not None and not has_derivs(v) for v in order):
        lines.append(html_text(LEGEND_CLOSURE))
    return lines


def not_computed(order) -> bool:
    """True when no node of ``order`` has a gradient yet: backward() has not
    run on this graph (or every gradient was reset), so a picture shows
    ``grad —`` instead of a 0 that reads like a result."""
    return all(v.grad == 0.0 for v in order)


class Reserve(NamedTuple):
    """Room kept for text that changes between frames, so every frame of one
    ``backward_frames`` call has the same layout: ``grad[i]`` the width of
    node i's gradient cell, ``edge[(i, k)]`` the width of the label on the
    arrow from node i's k-th operand, ``caption`` the caption's (width, height)."""
    grad: dict
    edge: dict
    caption: tuple


def _check_root(root, what):
    if not is_value(root):
        raise TypeError(f"{what}: root must be a Value, got {type(root).__name__} {root!r}")


def _check_common(what, rankdir, max_nodes):
    if rankdir not in _RANKDIRS:
        hint = (f"; micrograd's draw_dot takes the format second: write {what}(root, "
                f"format={rankdir!r})" if rankdir in graphviz.FORMATS else "")
        raise ValueError(f"{what}: rankdir must be one of {', '.join(_RANKDIRS)}, "
                         f"got {rankdir!r}{hint}")
    if type(max_nodes) is not int or max_nodes < 1:
        raise ValueError(f"{what}: max_nodes must be a positive int, got {max_nodes!r}")


def _too_big(what, n, max_nodes, module_hint=True):
    hint = (" or module=your_model to collapse it to one box per neuron/layer"
            if module_hint else "")
    return ValueError(
        f"{what}: the graph has {n:,} values, more than max_nodes={max_nodes:,}; "
        f"pass max_nodes={n} to draw every node anyway{hint}. "
        "autograd.to_text(root) prints any size as text.")


def _highlighted(order, highlight, what, view_of=None):
    """Nodes on a path from any of ``highlight`` to the root (``view_of``:
    the expanded view's node for each real one)."""
    if highlight is None:
        return set()
    starts = ([highlight] if is_value(highlight)
              else _sequence(highlight, what, "highlight", "a Value or Values"))
    members = set(order) if view_of is None else view_of
    for s in starts:
        if not is_value(s):
            raise TypeError(f"{what}: highlight must be a Value or Values, got {type(s).__name__}")
        if s not in members:
            raise ValueError(f"{what}: highlight Value {s!r} is not in the root's graph")
    on = set(starts) if view_of is None else {view_of[s] for s in starts}
    for v in order:
        if v._prim is not None and v not in on and any(a in on for a in v.parents):
            on.add(v)
    return on


def _value_label(i, v, grad, fill, lit, digits, grad_name="grad", pname=None, reserve=None,
                 pending=False):
    name = f'<font color="#555555">#{i}</font>'
    if v.label:
        name += f" <b>{html_text(v.label)}</b>"
    elif pname:  # a parameter's name in its module, in italics: not a label
        name += f" <i>{html_text(pname)}</i>"
    border, width = (_HIGHLIGHT, 3) if lit and reserve is None else ("#333333", 1)
    fixed = "" if reserve is None else f' width="{reserve}" height="21" fixedsize="true"'
    table = (f'<table border="{width}" cellborder="0" cellspacing="0" cellpadding="3" '
             f'bgcolor="{fill}" color="{border}">'
             f'<tr><td colspan="2">{name}</td></tr>'
             f'<tr><td align="left">data</td><td align="right">{num(v.data, digits)}</td></tr>'
             f'<tr><td align="left">{grad_name}</td><td align="right"{fixed}>'
             f'{PENDING if pending else num(grad, digits)}</td></tr></table>')
    if reserve is not None:
        # Frames keep every size fixed: a ring of the same width around every
        # box, coloured only on the highlighted paths.
        table = (f'<table border="2" cellborder="0" cellspacing="0" cellpadding="0" '
                 f'color="{_HIGHLIGHT if lit else "transparent"}"><tr><td>{table}</td></tr></table>')
    return f"<{table}>"


def _box_width(i, v, grad, digits, grad_name, pname):
    name = f"#{i} {v.label or pname or ''}"
    return 12 + max(text_width(name, 11),
                    text_width(f"{grad_name} {num(grad, digits)}", 11) + 6,
                    text_width(f"data {num(v.data, digits)}", 11) + 6)


def new_picture(rankdir, caption, format="svg", reserve=None):
    """An empty Picture with the house style; ``caption`` is HTML-safe text
    (kept to the size ``reserve=(width, height)`` when given)."""
    g = Picture(name="chaingrad", format=format)
    g.attr(rankdir=rankdir, labelloc="b", fontsize="12", fontname="Helvetica")
    g.attr("node", fontname="Helvetica", fontsize="11")
    g.attr("edge", fontname="Helvetica", fontsize="10")
    if caption:
        if reserve is not None:
            caption = ('<table border="0" cellborder="0" cellspacing="0" cellpadding="0"><tr>'
                       f'<td width="{reserve[0]}" height="{reserve[1]}" fixedsize="true">'
                       f"{caption}</td></tr></table>")
        g.attr(label=f"<{caption}>")
    g._shape = Shape()
    if caption:
        g._shape.extra_height = _LINE_H * (caption.count("<br/>") + 1)
    return g


def _edge_text(text, reserve):
    """An arrow's label: plain text, or a cell of fixed width in frames.  The
    cell has an invisible border, so the SVG keeps its box: the stepper
    centres the texts of later steps in it."""
    if reserve is None:
        return text
    return ('<<table border="0" cellborder="1" cellspacing="0" cellpadding="0" '
            'color="transparent"><tr>'
            f'<td width="{reserve}" height="{_LABEL_H}" fixedsize="true">{html_text(text)}'
            "</td></tr></table>>")


def _oval(lines):
    """An operation's label (HTML-safe, one line each) and its least width in
    points: room for text a renderer without the font's metrics (graphviz-pure
    outside ASCII) would measure too narrow."""
    text = "<br/>".join(html_text(line) for line in lines)
    width = max(_OVAL_W, max(text_width(line, 11) for line in lines) + 24)
    return f"<{text}>", width


def build(order, grads, *, rankdir="LR", on_path=(), where=None, clusters=None, digits=4,
          caption=LEGEND, focus=None, grad_name="grad", names=None, reserve=None, batch=None,
          ids=None, format="svg", scale=None, element_ids=False, pending=False):
    """The picture of ``order`` (a topological order) with ``grads[k]`` as
    ``order[k]``'s gradient.  ``focus=(i, passed)`` marks node i as the one
    backward is processing and labels its arrows ``local × grad = passed``;
    ``reserve`` (a :class:`Reserve`) fixes every size that changes between
    frames; ``batch`` draws the sum ``batch.node`` with its first term and one
    box for the others; ``ids`` numbers the nodes (default: positions);
    ``scale``: the |grad| of the deepest colour (default: the largest here);
    ``element_ids``: give every node and arrow a DOT ``id`` (``v3``, ``o3``,
    ``e3_0`` for the arrow from operand 0 of node 3), which the SVG keeps;
    ``pending``: gradients not computed yet, shown as ``—``."""
    g = new_picture(rankdir, caption, format, reserve and reserve.caption)
    shape = g._shape
    if scale is None:
        finite = [abs(x) for x in grads if x == x]
        scale = max(finite, default=0.0)
    if ids is None:
        ids = {v: i for i, v in enumerate(order)}
    bodies: dict[str, graphviz.Digraph] = {}  # cluster name -> Digraph holding its nodes
    if clusters:
        for name in clusters:
            sub = graphviz.Digraph(name=f"cluster_{len(bodies)}")
            sub.attr(label=f"<{html_text(clusters[name][0])}>", style="rounded",
                     color="#999999", fontname="Helvetica", fontsize="10")
            bodies[name] = sub
    steady = reserve is not None

    edges: list[tuple[str, str, Any, Any, Any, Any]] = []  # tail, head, text, lit, width, id
    for v, grad in zip(order, grads):
        i = ids[v]
        body = bodies[where[i]] if where and where[i] is not None else g
        lit = v in on_path
        pname = names and names.get(v)
        extra = {"id": f"v{i}"} if element_ids else {}
        body.node(f"v{i}", _value_label(i, v, grad, grad_colour(grad, scale), lit, digits,
                                        grad_name, pname, reserve and reserve.grad[i], pending),
                  shape="none", margin="0", **extra)
        shape.node(f"v{i}", _box_width(i, v, grad, digits, grad_name, pname), _BOX_H)
        prim = v._prim
        if prim is None:
            continue
        focused = focus is not None and focus[0] == i
        opname = f"o{i}"
        own = not has_derivs(v)     # a learner's own operation: its closure knows the derivative
        lines = oval_lines(v, digits)
        if batch is not None and v is batch.node and batch.chain:
            lines = [f"{len(batch.chain) + 1} × +"]
        label, least = _oval(lines)
        attrs = {"id": opname} if element_ids else {}
        if least > _OVAL_W or len(lines) > 1:
            attrs["width"] = f"{least / 72:.2f}"
        body.node(opname, label, shape="ellipse",
                  style="filled,dashed" if own else "filled",
                  fillcolor=_FOCUS if focused else "#eeeeee",
                  color=_HIGHLIGHT if lit else "#333333",
                  penwidth="1.5" if steady else ("3" if lit else "1"), **attrs)
        shape.node(opname, least, _OVAL_H + _LINE_H * (len(lines) - 1))
        edges.append((opname, f"v{i}", None, lit, None, f"r{i}"))
        if batch is not None and v is batch.node:
            edges += _batch_edges(v, batch, ids, on_path, digits, g, shape)
            continue
        parts = roles(v)
        for k, (a, d) in enumerate(zip(v._args, local_derivs(v))):
            if not is_value(a):
                continue
            text = arrow_text(v, k, d, digits, parts[k])
            if focused and text is not None:
                text = f"{text} × {num(grad, digits)} = {num(focus[1][k], digits)}"
            edges.append((f"v{ids[a]}", opname, text,
                          "focus" if focused else (lit and a in on_path),
                          reserve and reserve.edge.get((i, k)), f"e{i}_{k}"))

    # Deepest clusters first, so each is complete when copied into its parent.
    def depth(name):
        d = 0
        while clusters[name][1] is not None:
            name, d = clusters[name][1], d + 1
        return d

    for name in sorted(bodies, key=depth, reverse=True):
        parent = clusters[name][1]
        (bodies[parent] if parent is not None else g).subgraph(bodies[name])
    for tail, head, text, lit, width, eid in edges:
        attrs = {"id": eid} if element_ids and eid else {}
        if text is not None:
            attrs["label"] = _edge_text(text, width)
            shape.edge(tail, head, (width or text_width(text, 10), _LABEL_H))
        else:
            shape.edge(tail, head)
        if lit == "focus":
            attrs.update(color="#e08a00", fontcolor="#7a5200")
            if not steady:
                attrs["penwidth"] = "3"
        elif lit:
            attrs.update(color=_HIGHLIGHT)
            if not steady:
                attrs["penwidth"] = "2.5"
        if steady:
            attrs["penwidth"] = "1.5"
        g.edge(tail, head, **attrs)
    return g


def _batch_edges(v, batch, ids, on_path, digits, g, shape):
    """The sum's arrows in the one-term view: from its first term, and from a
    box standing for the other terms (the sum's local derivative is 1 for
    every term, through a chain of ``+`` too)."""
    first = batch.terms[0]
    d: float | None = 1.0
    if not batch.chain:
        k = next(k for k, a in enumerate(v._args) if a is first)
        d = local_derivs(v)[k]
    i = ids[v]
    rest = len(batch.terms) - 1
    g.node(f"more{i}", f"<<b>{rest:,} more term{'s' if rest != 1 else ''}</b><br/>"
                       f"built like #{ids[first]}, not drawn<br/>"
                       f"{len(batch.removed):,} values>",
           shape="box", style="dashed,rounded", color="#666666")
    shape.node(f"more{i}", 130.0, 50.0)
    lit = v in on_path
    return [(f"v{ids[first]}", f"o{i}", "undefined" if d is None else num(d, digits),
             lit and first in on_path, None, None),
            (f"more{i}", f"o{i}", "1 each", False, None, None)]


def _collapsed(order, where, clusters, level, rankdir, digits, format, batch=None, note="",
               pending=False):
    """One box per neuron (``level="neuron"``) or layer, arrows counting the
    connections between them; ``batch``: ``order`` is the one-term view."""
    group_of, groups = collapse_groups(order, where, clusters, level)
    index = {v: i for i, v in enumerate(order)}
    counts: dict = {}
    for i, v in enumerate(order):
        for a in v.parents:
            if a in index:
                pair = (group_of[index[a]], group_of[i])
                if pair[0] != pair[1]:
                    counts[pair] = counts.get(pair, 0) + 1
    if batch is not None:
        groups["<more>"] = (f"{len(batch.terms) - 1:,} more terms, not drawn",
                            len(batch.removed))
        counts[("<more>", group_of[index[batch.node]])] = len(batch.terms) - 1
    # Counts on many arrows take more room than the boxes: dot gives each
    # label a place of its own.  Past a few dozen arrows they go.
    labelled = len(counts) <= 40
    text = (f"{sum(c for _, c in groups.values()):,} values collapsed to one box per {level}"
            + ("" if labelled else f"; {len(counts):,} arrows, unlabelled")
            + note)
    g = new_picture(rankdir, html_text(text), format)
    ids = {key: f"g{k}" for k, key in enumerate(groups)}
    root = order[-1]
    layers: dict = {}  # neuron boxes sit inside a box for their layer
    for key, (label, count) in groups.items():
        text = f"<b>{html_text(label)}</b><br/>{count:,} value{'s' if count != 1 else ''}"
        if key == "<output>":
            grad = PENDING if pending else num(root.grad, digits)
            text += f"<br/>data {num(root.data, digits)}  grad {grad}"
        body = g
        if level == "neuron" and key in clusters and clusters[key][1] is not None:
            top = clusters[key][1]
            if top not in layers:
                layers[top] = graphviz.Digraph(name=f"cluster_{len(layers)}")
                layers[top].attr(label=f"<{html_text(clusters[top][0])}>", style="rounded",
                                 color="#999999", fontname="Helvetica", fontsize="10")
            body = layers[top]
        body.node(ids[key], f"<{text}>", shape="box",
                  style="dashed,rounded" if key == "<more>" else "rounded")
        g._shape.node(ids[key], 12 + max(text_width(label, 11) * 1.1, 120.0),
                      _LINE_H * (3 if key == "<output>" else 2) + 10)
    for sub in layers.values():
        g.subgraph(sub)
    for (a, b), n in counts.items():
        if labelled:
            g.edge(ids[a], ids[b], label=f"{n:,}")
            g._shape.edge(ids[a], ids[b], (text_width(f"{n:,}", 10), _LABEL_H))
        else:
            g.edge(ids[a], ids[b])
            g._shape.edge(ids[a], ids[b])
    return g, len(groups)


def _fits(pic, max_size, rankdir):
    return max_size is None or max(estimate(pic._shape, rankdir)) <= max_size


def prepare(root, what, *, module=None, highlight=None, expand=False, max_nodes=None):
    """What every view draws: ``(order, where, clusters, names, on_path)``,
    the graph's nodes in topological order (its expanded copy with
    ``expand=True``), the module each belongs to and their names there (with
    ``module``), and the highlighted paths.  ``max_nodes``: refuse a larger
    graph right after the walk that counts it, before any other work."""
    if expand not in (True, False):
        raise ValueError(f"{what}: expand must be True or False, got {expand!r}")
    order = graph_order(root)
    if max_nodes is not None and len(order) > max_nodes:
        raise _too_big(what, len(order), max_nodes, module_hint=False)
    where = clusters = names = None
    if module is not None:
        where, clusters = assign_clusters(order, module)
        names = param_labels(module)
    if not expand:
        return order, where, clusters, names, _highlighted(order, highlight, what)
    shown, view_of = expanded(order)
    if max_nodes is not None and len(shown) > max_nodes:
        raise _too_big(what, len(shown), max_nodes, module_hint=False)
    on_path = _highlighted(shown, highlight, what, view_of)
    if where is not None and names is not None:
        index = {v: i for i, v in enumerate(order)}
        where = [where[index[v.part_of]] for v in shown]
        names = {view_of[p]: n for p, n in names.items() if p in view_of}
    return shown, where, clusters, names, on_path


def draw_dot(root: Value, rankdir: str = "LR", *, format: str = "svg", highlight: Any = None,
             module: Any = None, max_nodes: int = 1000, max_size: float | None = 10_000,
             batch: bool | None = None, digits: int = 4, legend: bool = True,
             expand: bool = False) -> Picture:
    """The graph that computed ``root`` as a :class:`~autograd.viz.rendering.Picture`
    (a ``graphviz.Digraph`` that shows itself inline in Jupyter, and whose
    ``render("name")`` writes ``name.svg``, or ``name.<format>``).

    ``format``: the file format of ``render()``/``pipe()`` (micrograd's
    ``draw_dot(root, format="svg")``); ``highlight``: a Value (or several)
    whose paths to ``root`` are drawn bold; ``module``: an object with
    ``named_parameters()`` (``nn.MLP``) whose neurons and layers become boxes
    around their nodes; ``digits``: significant digits shown; ``legend``: the
    key to colours and arrows under the picture; ``expand``: draw each
    ``dot`` and ``sum`` as the lecture's separate ``*`` and ``+`` nodes (their
    gradients are the fused node's; see :mod:`.expand`).  Before any
    ``backward()`` every gradient shows as ``—`` (not computed yet).

    The size guard: a picture with more than ``max_nodes`` values, or whose
    longer side would pass ``max_size`` points (estimated before rendering;
    ``None``: no limit), is drawn smaller.  First, when the graph sums many
    terms (a loss over a batch; ``batch=True`` always, ``False`` never), as
    the first term's graph with one box for the others; then, with
    ``module``, as one box per neuron, else per layer.  Without ``module``
    a graph over ``max_nodes`` that no batch view shrinks is refused.
    Every step is linear in the size of the graph.

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
    if not isinstance(format, str) or format not in graphviz.FORMATS:
        raise ValueError(f"draw_dot: format must be one of graphviz.FORMATS such as 'svg', "
                         f"'png' or 'pdf', got {format!r}")
    if max_size is not None and (isinstance(max_size, bool) or not isinstance(max_size, (int, float))
                                 or not max_size > 0):
        raise ValueError(f"draw_dot: max_size must be a positive number of points or None, "
                         f"got {max_size!r}")
    if batch not in (None, True, False):
        raise ValueError(f"draw_dot: batch must be None, True or False, got {batch!r}")
    order, where, clusters, names, on_path = prepare(root, "draw_dot", module=module,
                                                     highlight=highlight, expand=expand)
    pending = not_computed(order)

    def full(nodes, b=None, note=""):
        # The legend reads the nodes drawn: made here, so a refusal skips it.
        caption = "<br/>".join(legend_lines(nodes, pending)) if legend else None
        ids = None if b is None else {v: i for i, v in enumerate(order)}
        pic = build(nodes, [v.grad for v in nodes], rankdir=rankdir, on_path=on_path,
                    where=where, clusters=clusters, digits=digits,
                    caption=(caption + "<br/>" if caption else "") + note if note else caption,
                    names=names, batch=b, ids=ids, format=format, pending=pending)
        pic._fallback_text = lambda: _text(root, expand)
        return pic

    whole = None
    if batch is not True and len(order) <= max_nodes:
        whole = full(order)
        if _fits(whole, max_size, rankdir):
            return whole
    found = find_batch(order) if batch is not False else None
    shown, note = order, ""
    if found is not None:
        shown = [v for v in order if v not in found.removed]
        rest = len(found.terms) - 1
        index = {v: i for i, v in enumerate(order)}
        note = (
            f"#{index[found.node]} sums {len(found.terms):,} terms (a batch): "
            f"drawn are the first term's graph and one box for the other {rest:,} "
            f"({len(found.removed):,} values); draw_dot(..., batch=False) draws them all")
        if len(shown) <= max_nodes:
            one = full(shown, found, html_text(note))
            if module is None or _fits(one, max_size, rankdir):
                return one
    if module is not None and where is not None:
        index = {v: i for i, v in enumerate(order)}
        sub_where = [where[index[v]] for v in shown]
        for level in ("neuron", "layer"):
            pic, groups = _collapsed(shown, sub_where, clusters, level, rankdir, digits, format,
                                     found, ("; " + note) if note else "", pending)
            if groups <= max_nodes and (_fits(pic, max_size, rankdir) or level == "layer"):
                return pic
        raise _too_big("draw_dot", len(order), max_nodes, module_hint=False)
    if whole is not None:
        return whole
    raise _too_big("draw_dot", len(order), max_nodes)


def _text(root, expand=False):
    from .text import to_text
    return to_text(root, expand=expand)
