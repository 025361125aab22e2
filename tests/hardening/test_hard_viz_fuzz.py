"""Pictures: labels fuzzed with any unicode and every DOT/HTML metacharacter.

Whatever a label holds, the rendered SVG (Graphviz's ``dot``, or
``graphviz-pure`` where that is the renderer found) has exactly the nodes of
the graph and shows every label intact: control characters as visible
escapes, a newline as a line break, everything else as written.
"""
import html
import xml.etree.ElementTree as ET

import pytest
from hypothesis import given
from hypothesis import strategies as st

import autograd
from autograd import Value, draw_dot, find_renderer, render, to_text
from autograd.viz.rendering import RendererNotFound

SVG = "{http://www.w3.org/2000/svg}"
META = list('<>{}[]|"\'\\&;=#:-/*!?%$@`~^ \n\t\r') + ["->", "--", "]]>", "<!--", "&amp;",
                                                      "<br/>", "\\n", "\\l", "label=", "subgraph"]
label = st.lists(st.text(st.characters(codec="utf-8"), max_size=4) | st.sampled_from(META),
                max_size=8).map("".join)
labels = st.lists(label, min_size=1, max_size=4)


def shown(label):
    """How a label is documented to read in the picture, one string per line."""
    def char(c):
        o = ord(c)
        if o < 32 or 0x7F <= o < 0xA0:
            return f"\\x{o:02x}"
        return c
    return ["".join(map(char, line)) for line in label.split("\n")]


def _norm(s):
    # Renderers may turn spaces into no-break spaces and trim line ends.
    return " ".join(s.replace("\xa0", " ").split())


def _graph(labs):
    leaves = [Value(float(i + 1), label=lab) for i, lab in enumerate(labs)]
    out = autograd.sum(leaves)
    out.backward()
    return out


def _renderer(name):
    # As the picture tests do: a missing renderer skips with the install
    # command locally; tests/conftest.py turns that skip into a failure on CI.
    try:
        return find_renderer(name)
    except RendererNotFound:
        pytest.skip(f"renderer {name} not installed: apt-get install graphviz and "
                    "pip install graphviz-pure (CI installs both)")


@pytest.mark.slow   # one renderer process per example
@pytest.mark.parametrize("renderer", ["dot", "graphviz-pure"])
def test_fuzzed_labels_render_intact_and_add_no_nodes(renderer):
    _renderer(renderer)
    _labels_render_intact(renderer)


@given(labels)
def _labels_render_intact(renderer, labs):
    svg = render(draw_dot(_graph(labs), legend=False), "svg", renderer=renderer)
    root = ET.fromstring(svg)                     # well-formed XML, whatever the labels
    n_nodes = sum(1 for g in root.iter(f"{SVG}g") if g.get("class") == "node")
    n_edges = sum(1 for g in root.iter(f"{SVG}g") if g.get("class") == "edge")
    assert n_nodes == len(labs) + 2                # the leaves, the sum, its oval
    assert n_edges == len(labs) + 1
    texts = _norm(" ".join("".join(t.itertext()) for t in root.iter(f"{SVG}text")))
    for lab in labs:
        for line in shown(lab):
            assert _norm(line) in texts, (lab, line)


@given(labels)
def test_fuzzed_labels_in_the_dot_source_are_escaped(labs):
    src = draw_dot(_graph(labs), legend=False).source
    # Outside the label text nothing may change: as many statements as nodes
    # and edges, whatever the labels hold.
    body = [ln for ln in src.splitlines()[1:-1] if ln.strip()]
    statements = [ln for ln in body if ln.startswith("\t") and ("[" in ln or "->" in ln)]
    assert sum("->" in s.split("[", 1)[0] for s in statements) == len(labs) + 1
    for lab in labs:
        for line in shown(lab):
            # HTML entities, plus the two Graphviz quirks the README documents
            escaped = html.escape(line, quote=True).replace("\\", "\\\\").replace("]", "&#93;")
            assert escaped in src, (lab, line)


@given(labels)
def test_fuzzed_labels_in_to_text_stay_on_their_line(labs):
    out = _graph(labs)
    lines = to_text(out).splitlines()
    assert len(lines) == len(autograd.topological_order(out))
    for lab in labs:
        assert any("\\n".join(shown(lab)) in ln for ln in lines), lab
