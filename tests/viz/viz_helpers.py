"""Reading DOT source and SVG output back, for the picture tests."""
import re
import xml.etree.ElementTree as ET

import pytest

from autograd.viz.rendering import _which

_NODE = re.compile(r"^\t(\w+) \[(.*)\]$", re.M)
_EDGE = re.compile(r"^\t(\w+) -> (\w+)(?: \[(.*)\])?$", re.M)
_VALUE = re.compile(
    r'#(\d+)</font>(?: <b>(.*?)</b>)?</td></tr>'
    r'<tr><td align="left">data</td><td align="right">(.*?)</td></tr>'
    r'<tr><td align="left">(?:grad|grad so far)</td><td align="right">(.*?)</td>')
_SVG = "{http://www.w3.org/2000/svg}"


def nodes(src):
    """{dot id: attribute text} for every node statement (not node/edge defaults)."""
    return {k: v for k, v in _NODE.findall(src) if k not in ("node", "edge", "graph")}


def edges(src):
    """[(tail, head, label or None)] in source order."""
    out = []
    for tail, head, attrs in _EDGE.findall(src):
        m = re.search(r'label=("(?:[^"\\]|\\.)*"|\S+)', attrs or "")
        label = m.group(1).strip('"') if m else None
        out.append((tail, head, label))
    return out


def values(src):
    """{#i: (label html, data, grad)} read from the Value boxes."""
    return {int(i): (lab, float(d), float(g)) for i, lab, d, g in _VALUE.findall(src)}


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
           "require"]
