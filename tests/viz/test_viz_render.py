"""Renderer lookup (dot, graphviz-pure on PATH or in the scripts folder, none),
rendering through both, and the Jupyter display with and without a renderer."""
import os

import pytest
from viz_helpers import RENDERERS, require, svg_node_count, svg_texts

from autograd import Value, draw_dot, find_renderer, render, to_text
from autograd.viz import rendering as viz_render
from autograd.viz.rendering import RendererNotFound


def _graph():
    x = Value(2.0, label="x")
    y = (x * x).tanh()
    y.backward()
    return y


@pytest.mark.parametrize("renderer", RENDERERS)
def test_both_renderers_draw_the_graph(renderer):
    require(renderer)
    svg = render(draw_dot(_graph()), renderer=renderer)
    assert svg_node_count(svg) == 5            # x, x*x, tanh: 3 boxes + 2 ovals
    assert "x" in svg_texts(svg)
    png = render(draw_dot(_graph()), "png", renderer=renderer)
    assert png[:8] == b"\x89PNG\r\n\x1a\n"


def test_dot_is_preferred_when_on_path():
    require("dot")
    assert os.path.basename(find_renderer()) == "dot"


def test_graphviz_pure_found_in_scripts_folder_without_path(monkeypatch, tmp_path):
    # An environment that is not activated: nothing useful on PATH.
    require("graphviz-pure")
    monkeypatch.setenv("PATH", str(tmp_path))
    exe = find_renderer()
    assert os.path.basename(exe) == "graphviz-pure"
    assert os.path.dirname(exe) in viz_render._script_dirs()
    svg = _graph()
    svg = render(draw_dot(svg))
    assert svg_node_count(svg) == 5


def test_graphviz_pure_on_path_is_used_when_dot_is_absent(monkeypatch, tmp_path):
    real = require("graphviz-pure")
    (tmp_path / "graphviz-pure").symlink_to(real)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(viz_render, "_script_dirs", lambda: [])
    assert find_renderer() == str(tmp_path / "graphviz-pure")
    assert find_renderer(str(tmp_path / "graphviz-pure")) == str(tmp_path / "graphviz-pure")


def _no_renderer(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(viz_render, "_script_dirs", lambda: [])


def test_no_renderer_message_names_both_ways(monkeypatch, tmp_path):
    _no_renderer(monkeypatch, tmp_path)
    with pytest.raises(RendererNotFound) as info:
        render(draw_dot(_graph()))
    msg = str(info.value)
    assert "apt-get install graphviz" in msg and 'pip install "chaingrad[render]"' in msg
    with pytest.raises(RendererNotFound, match="'dot' not found"):
        find_renderer("dot")


def test_jupyter_shows_svg(monkeypatch):
    require("dot")
    bundle = draw_dot(_graph())._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"]
    assert svg_node_count(bundle["image/svg+xml"]) == 5


def test_jupyter_without_renderer_shows_the_text_tree(monkeypatch, tmp_path):
    y = _graph()
    pic = draw_dot(y)
    _no_renderer(monkeypatch, tmp_path)
    bundle = pic._repr_mimebundle_()
    assert list(bundle) == ["text/plain"]
    assert bundle["text/plain"].startswith(to_text(y))
    assert "pip install" in bundle["text/plain"]


def test_bad_renderer_arguments(tmp_path):
    with pytest.raises(ValueError, match="renderer must be"):
        find_renderer("neato")
    with pytest.raises(RendererNotFound, match="not an executable"):
        find_renderer(str(tmp_path / "missing" / "dot"))
    with pytest.raises(TypeError):
        find_renderer(3)
    with pytest.raises(ValueError, match="format"):
        render("digraph {}", format="svg; rm")


def test_renderer_error_is_reported():
    require("dot")
    with pytest.raises(RuntimeError, match="failed"):
        render("digraph { a -> }")
