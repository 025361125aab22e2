"""Reading DOT source and SVG output back, for the picture tests."""
import html
import re
import xml.etree.ElementTree as ET

import pytest

from autograd.closures import Closure
from autograd.primitives import PRIMITIVES
from autograd.viz.rendering import _which

_NODE = re.compile(r"^\t(\w+) \[(.*)\]$", re.M)
_EDGE = re.compile(r"^\t(\w+) -> (\w+)(?: \[(.*)\])?$", re.M)
_VALUE = re.compile(
    r'#(\d+)</font>(?: <b>(.*?)</b>)?</td></tr>'
    r'<tr><td align="left">data</td><td align="right">(.*?)</td></tr>'
    r'<tr><td align="left">(?:grad|grad so far)</td><td align="right"[^>]*>(.*?)</td>')
_SVG = "{http://www.w3.org/2000/svg}"


def nodes(src):
    """{dot id: attribute text} for every node statement (not node/edge defaults)."""
    return {k: v for k, v in _NODE.findall(src) if k not in ("node", "edge", "graph")}


def edges(src):
    """[(tail, head, label or None)] in source order; an HTML label (a frame's
    fixed-width cell) gives its text."""
    out = []
    for tail, head, attrs in _EDGE.findall(src):
        m = re.search(r"label=<(<table.*?</table>)>", attrs or "")
        if m:
            label = html.unescape(re.sub(r"<[^>]*>", "", m.group(1)))
        else:
            m = re.search(r'label=("(?:[^"\\]|\\.)*"|\S+)', attrs or "")
            label = m.group(1).strip('"') if m else None
        out.append((tail, head, label))
    return out


def values(src):
    """{#i: (label html, data, grad)} read from the Value boxes; grad is None
    where the box says "—" (not computed yet)."""
    return {int(i): (lab, float(d), None if g == "—" else float(g))
            for i, lab, d, g in _VALUE.findall(src)}


def stepper_data(fragment):
    """The data of every stepper in an HTML fragment or page, as its script reads it."""
    import json
    return [json.loads(m) for m in re.findall(
        r'<script type="application/json" class="cg-data">(.*?)</script>', fragment, re.S)]


def oval_text(src, op):
    """The text of operation node ``op`` (``o4``), lines joined by newlines."""
    label = attr(nodes(src)[op], "label")
    return html.unescape(re.sub(r"<br/>", "\n", label[1:-1]))


def attr(attrs, name):
    m = re.search(rf'\b{name}=(<.*?>)(?= [a-z]+=|$)', attrs)
    if m:
        return m.group(1)
    m = re.search(rf'\b{name}=("(?:[^"\\]|\\.)*"|[^ \]]+)', attrs)
    return m.group(1).strip('"') if m else None


def svg_texts(svg):
    """Every text run in an SVG, parsed as XML (so invalid SVG fails here)."""
    root = ET.fromstring(svg)
    return ["".join(t.itertext()) for t in root.iter(f"{_SVG}text")]


def svg_node_count(svg):
    root = ET.fromstring(svg)
    return sum(1 for g in root.iter(f"{_SVG}g") if g.get("class") == "node")


def membership(src):
    """{node id: tuple of enclosing cluster labels}, read from the DOT nesting."""
    where, stack = {}, []
    pending = None
    for line in src.split("\n"):
        s = line.strip()
        if s.startswith("subgraph cluster_"):
            stack.append(None)
            pending = True
        elif s == "}" and stack:
            stack.pop()
        elif pending and "label=<" in s:
            stack[-1] = re.search(r"label=<(.*?)>", s).group(1)
            pending = False
        else:
            m = re.match(r"^(\w+) \[", s)
            if m and m.group(1) not in ("node", "edge", "graph"):
                where[m.group(1)] = tuple(stack)
    return where


RENDERERS = ("dot", "graphviz-pure")


def backward_order(monkeypatch, root):
    """Run the real ``root.backward()``, recording each node it processes as
    ``(op, data)``, in its order.  The truth the frames and the stepper are
    checked against.

    The engine's fused loop walks the order its graph walk returns, reversed,
    and skips a node the zero-gradient rule passes over (gradient 0, finite
    local derivatives); so the walk's order is spied on and those nodes left
    out.  (Spying on each primitive's ``derivs`` no longer sees every node:
    the loop computes ``dot``'s and ``relu``'s derivatives itself, engine
    tricks 9 and 10.)"""
    from autograd import engine
    orders = []
    real = engine._backward_order

    def spy(*args):
        orders.append(real(*args))
        return orders[-1]

    monkeypatch.setattr(engine, "_backward_order", spy)
    root.backward()
    monkeypatch.undo()
    table = set(PRIMITIVES.values())
    return [(node.op, node.data) for node in reversed(orders[0])
            if node._prim in table and not (node.grad == 0.0 and node._prim in engine._SMOOTH)]


def require(renderer):
    """Path of ``renderer``; a missing one skips the test with the install
    command (on CI, where both are installed, tests/conftest.py turns any
    skip into a failure)."""
    path = _which(renderer)
    if path is None:
        pytest.skip(f"renderer {renderer} not installed: apt-get install graphviz and "
                    "pip install graphviz-pure (CI installs both)")
    return path


__all__ = ["membership", "nodes", "edges", "values", "attr", "svg_texts", "svg_node_count", "RENDERERS",
           "stepper_data", "oval_text", "closure_node",
           "geometry", "centres", "largest_displacement",
           "require", "backward_order"]


def _numbers(text):
    return [float(t) for t in re.findall(r"-?\d+(?:\.\d+)?(?:e[-+]?\d+)?", text)]


def geometry(svg):
    """{(class, title, k): every coordinate of its shapes} for each node and
    arrow of an SVG (text left out: its numbers change between frames)."""
    out = {}
    for g in ET.fromstring(svg).iter(f"{_SVG}g"):
        cls = g.get("class", "")
        if not cls.startswith(("node", "edge")):
            continue
        title = g.find(f"{_SVG}title").text
        coords = []
        for el in g.iter():
            tag = el.tag.replace(_SVG, "")
            if tag == "ellipse":      # as its bounding box's corners
                cx, cy, rx, ry = (float(el.get(k)) for k in ("cx", "cy", "rx", "ry"))
                coords += [cx - rx, cy - ry, cx + rx, cy + ry]
            elif tag in ("polygon", "polyline"):
                coords += _numbers(el.get("points"))
            elif tag == "path":
                coords += _numbers(el.get("d"))
        k = 0
        while (cls.split()[0], title, k) in out:
            k += 1
        out[(cls.split()[0], title, k)] = coords
    return out


def centres(svg):
    """{(class, title, k): centre of the bounding box of its shapes}."""
    out = {}
    for key, c in geometry(svg).items():
        xs, ys = c[0::2], c[1::2]
        out[key] = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    return out


def largest_displacement(svgs, kind="node"):
    """The largest distance (points) any node (or arrow: kind="edge") moves
    between the first picture and any other."""
    first = {k: v for k, v in centres(svgs[0]).items() if k[0] == kind}
    worst = 0.0
    for svg in svgs[1:]:
        now = {k: v for k, v in centres(svg).items() if k[0] == kind}
        assert now.keys() == first.keys()
        for k, (x, y) in now.items():
            worst = max(worst, ((x - first[k][0]) ** 2 + (y - first[k][1]) ** 2) ** 0.5)
    return worst


def closure_node(node, op):
    """``node`` turned into a stand-in for a learner's own operation
    (micrograd's ``Value(data, (children,), 'op')`` with ``out._backward =
    fn``): its primitive replaced by the Closure such a node carries, its
    operands (``_args``) kept.  The real Closure, so that the pictures meet
    what the lecture's code makes (its ``operands``, ``arity``)."""
    node._prim = Closure(op)
    return node
