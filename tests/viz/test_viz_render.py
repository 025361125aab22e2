"""Renderer lookup (dot, graphviz-pure on PATH or in the scripts folder, none),
rendering through both, the picture's own render()/view()/pipe() going through
that lookup, and the Jupyter display with and without a renderer."""
import os
import shutil
import xml.etree.ElementTree as ET

import graphviz
import pytest
from viz_helpers import RENDERERS, require, svg_node_count, svg_texts

import autograd
from autograd import Value, draw_dot, find_renderer, render, to_text
from autograd.viz import rendering as viz_render
from autograd.viz.rendering import RendererNotFound, RenderFailed


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
    assert "apt-get install graphviz" in msg and "pip install graphviz-pure" in msg
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


def test_a_bad_format_is_refused_before_any_renderer_is_looked_up(monkeypatch):
    # With no renderer at all, the argument error must still be the one reported.
    from autograd.viz import rendering
    monkeypatch.setenv("PATH", "")
    monkeypatch.setattr(rendering, "_script_dirs", lambda: [])
    with pytest.raises(ValueError, match="format"):
        render("digraph {}", format="svg; rm")


def test_renderer_error_is_reported():
    require("dot")
    with pytest.raises(RuntimeError, match="failed"):
        render("digraph { a -> }")


def _only_graphviz_pure(monkeypatch, tmp_path):
    """PATH holds graphviz-pure and nothing else; the scripts folder is not searched."""
    require("graphviz-pure")
    # The program pip installed for this interpreter, not a version manager's
    # shim found on PATH (a shim is a shell script that needs PATH to run).
    real = next(filter(None, (shutil.which("graphviz-pure", path=d)
                              for d in viz_render._script_dirs())), None) or require("graphviz-pure")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "graphviz-pure").symlink_to(real)
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setattr(viz_render, "_script_dirs", lambda: [])


def _made_by_graphviz_pure(svg):
    # graphviz-pure signs its SVG; Graphviz's dot does not say "graphviz-pure".
    return "(graphviz-pure)" in svg.split("<svg", 1)[0]


def test_render_method_writes_svg_without_system_graphviz(monkeypatch, tmp_path):
    # micrograd's trace notebook: draw_dot(z).render("gout")
    _only_graphviz_pure(monkeypatch, tmp_path)
    monkeypatch.chdir(tmp_path)
    assert find_renderer().endswith("graphviz-pure")
    path = draw_dot(_graph()).render("gout")
    assert path == "gout.svg"
    svg = (tmp_path / "gout.svg").read_text(encoding="utf-8")
    assert _made_by_graphviz_pure(svg) and svg_node_count(svg) == 5
    assert (tmp_path / "gout").read_text(encoding="utf-8").startswith("digraph")
    # png through the format= of draw_dot, and outfile= as graphviz takes it
    assert draw_dot(_graph(), format="png").render("g2") == "g2.png"
    assert (tmp_path / "g2.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert draw_dot(_graph()).render(outfile="sub.svg") == "sub.svg"
    assert svg_node_count((tmp_path / "sub.svg").read_text(encoding="utf-8")) == 5


def test_pipe_and_view_go_through_the_lookup(monkeypatch, tmp_path):
    _only_graphviz_pure(monkeypatch, tmp_path)
    pic = draw_dot(_graph())
    raw = pic.pipe()
    assert isinstance(raw, bytes) and _made_by_graphviz_pure(raw.decode("utf-8"))
    text = pic.pipe(encoding="utf-8")
    assert isinstance(text, str) and svg_node_count(text) == 5
    assert pic.pipe(format="png")[:4] == b"\x89PNG"
    opened = []
    monkeypatch.setattr(graphviz, "view", lambda path, quiet=False: opened.append(path))
    path = pic.view(str(tmp_path / "v"))
    assert opened == [path] == [str(tmp_path / "v.svg")]
    assert ET.parse(path).getroot().tag.endswith("svg")


def test_pdf_with_graphviz_pure_says_how_to_get_pdf(monkeypatch, tmp_path):
    _only_graphviz_pure(monkeypatch, tmp_path)
    with pytest.raises(RenderFailed, match="no pdf; for pdf install Graphviz's dot") as info:
        draw_dot(_graph(), format="pdf").render(str(tmp_path / "p"))
    assert isinstance(info.value, graphviz.CalledProcessError)


def test_render_method_returns_what_graphviz_returns(monkeypatch, tmp_path):
    # Same arguments, same paths, as the graphviz package running dot itself.
    require("dot")
    monkeypatch.chdir(tmp_path)
    y = _graph()
    calls = [{"filename": "a"}, {"filename": "b", "directory": "d1", "format": "png"},
             {"outfile": "c.svg"}, {"filename": "e.gv", "cleanup": True},
             {"outfile": "f.png", "directory": "d2"}]
    for kw in calls:
        ours = draw_dot(y).render(**kw)
        theirs_pic = graphviz.Digraph(format="svg")
        theirs_pic.body = draw_dot(y).body
        os.makedirs("theirs", exist_ok=True)
        os.chdir("theirs")
        theirs = theirs_pic.render(**kw)
        os.chdir("..")
        assert ours == theirs, kw
        assert os.path.exists(ours) and os.path.exists(os.path.join("theirs", theirs)), kw
        assert (os.path.exists(os.path.join("theirs", kw.get("directory", ""), "e.gv"))
                == os.path.exists(os.path.join(kw.get("directory", ""), "e.gv")))


def test_render_method_without_renderer_writes_nothing_and_says_how(monkeypatch, tmp_path):
    _no_renderer(monkeypatch, tmp_path)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(RendererNotFound, match="pip install graphviz-pure") as info:
        draw_dot(_graph()).render("gout")
    assert isinstance(info.value, graphviz.ExecutableNotFound)   # what graphviz users catch
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(RendererNotFound, match="apt-get install graphviz"):
        draw_dot(_graph()).pipe()


def test_draw_dot_takes_micrograds_format_argument():
    y = _graph()
    assert draw_dot(y, format="svg").format == "svg"
    assert draw_dot(y).format == "svg"
    assert draw_dot(y, format="png").format == "png"
    with pytest.raises(ValueError, match="format must be one of"):
        draw_dot(y, format="gif89")
    with pytest.raises(ValueError, match=r"write draw_dot\(root, format='svg'\)"):
        draw_dot(y, "svg")          # micrograd's second positional argument


def test_graphviz_pure_prints_nothing_for_characters_outside_ascii(monkeypatch, tmp_path, capfd):
    # Issue 18: "Warning: no value for width of non-ASCII character 194" for
    # the "·" of a label, on every render().
    _only_graphviz_pure(monkeypatch, tmp_path)
    from autograd import stepper
    a = Value(2.0, label="a·b"); w = Value(-1.5, label="Σ wᵢ → é")
    out = autograd.dot([a, 3.0], [w, a]).tanh()
    out.backward()
    pic = draw_dot(out, highlight=a)
    assert "·" in pic.source and "Σ" in pic.source
    pic.render(str(tmp_path / "g"))
    pic.pipe()
    pic.pipe(format="png")
    render(pic)
    stepper(out, highlight=a)
    draw_dot(out, format="png").render(str(tmp_path / "p"))
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""
    # other warnings still reach stderr
    pic2 = viz_render.Picture()
    pic2.body = ['\ta [label=<<table><tr><td width="1" height="1" fixedsize="true">'
                 'long text</td></tr></table>>]']
    pic2.render(str(tmp_path / "t"), format="svg")
    assert "too small" in capfd.readouterr().err
