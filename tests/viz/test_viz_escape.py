"""Labels are data: hostile labels render through both renderers, text intact,
no extra nodes, and nothing of them reaches DOT as syntax."""
import re

import pytest
from viz_helpers import RENDERERS, edges, nodes, require, svg_node_count, svg_texts

import autograd
from autograd import Value, draw_dot, render

HOSTILE = [
    "a|b", "{x}", "}", "{", "<", ">", "<<", '"quoted"', "'single'", "back\\slash\\",
    "\\", "\\l\\n\\r", "two\nlines", "<<b>bold</b>>", "<td>cell</td>", "&amp; &lt;",
    "θ₁ ∂ 日本 ✓", "]; evil [shape=box", '" -> injected', "-> n99", "subgraph cluster_x {",
    "label=<x>", "a\x00b", "tab\there", "<!-- c -->", "]]>",
]
# How the control characters read in the picture: visible escapes.
SHOWN = {"a\x00b": "a\\x00b", "tab\there": "tab\\x09here"}


def _graph():
    leaves = [Value(float(i), label=lab) for i, lab in enumerate(HOSTILE)]
    out = autograd.sum(leaves)
    out.label = "out<>|{}"
    out.backward()
    return out


def test_source_has_only_our_nodes_and_edges():
    src = draw_dot(_graph()).source
    n = len(HOSTILE)
    assert sorted(nodes(src)) == sorted([f"v{i}" for i in range(n + 1)] + [f"o{n}"])
    assert len(edges(src)) == n + 1
    names = re.findall(r"<b>(.*?)</b>", src)
    assert len(names) == n + 1
    for name in names:               # user text holds no markup, no quote, no newline
        assert not set(name.replace("<br/>", "")) & set('<>"\n'), name


@pytest.mark.parametrize("renderer", RENDERERS)
def test_hostile_labels_render_intact(renderer):
    require(renderer)
    svg = render(draw_dot(_graph()), "svg", renderer=renderer)
    assert svg_node_count(svg) == len(HOSTILE) + 2      # leaves, the sum, its oval
    texts = svg_texts(svg)
    joined = "\n".join(texts)
    for lab in HOSTILE + ["out<>|{}"]:
        for line in SHOWN.get(lab, lab).split("\n"):
            assert line in texts or line in joined, (renderer, lab, line)
    assert "injected" not in "".join(texts).replace('" -> injected', "")
