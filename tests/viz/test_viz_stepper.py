"""autograd.stepper: one frame per step of the real backward, inline HTML that
needs no network, unique ids, the same layout in plain and highlighted frames,
save() as a page of its own."""
import re
import xml.etree.ElementTree as ET

import pytest
from viz_helpers import RENDERERS, backward_order, geometry, require

import autograd
from autograd import Value, stepper
from autograd.viz import rendering as viz_render
from autograd.viz.rendering import RendererNotFound
from autograd.viz.stepping import Stepper, page


def _graph():
    x = Value(0.7, label="x"); y = Value(-1.2, label="y")
    return (x * y + x.exp()).tanh() + x / 2, x


def _frames(fragment):
    return re.findall(r'<div class="cg-frame(?: cg-on)?" data-step="(\d+)" data-op="(\w*)" '
                      r'data-value="([^"]*)">', fragment)


@pytest.mark.parametrize("renderer", RENDERERS)
def test_one_frame_per_backward_step(monkeypatch, renderer):
    require(renderer)
    root, x = _graph()
    s = stepper(root, highlight=x, renderer=renderer)
    assert isinstance(s, Stepper) and autograd.stepper is stepper
    truth = [(op, repr(out)) for op, out in backward_order(monkeypatch, _graph()[0])]
    frag = s._repr_html_()
    frames = _frames(frag)
    assert len(s) == len(frames) == len(truth) + 1 and s.steps == len(truth)
    assert [(op, val) for _, op, val in frames[1:]] == truth
    assert [int(k) for k, _, _ in frames] == list(range(len(s)))
    assert f"step 0 of {len(truth)}" in frag
    assert frag.count('class="cg-frame cg-on"') == 1    # frame 0 shows before any script runs
    # two pictures per frame, each well-formed SVG, plain and highlighted laid out alike
    plain = re.findall(r'<div class="cg-plain">(<svg.*?</svg>)</div>', frag, re.S)
    lit = re.findall(r'<div class="cg-lit">(<svg.*?</svg>)</div>', frag, re.S)
    assert len(plain) == len(lit) == len(s)
    shapes = [geometry(svg) for svg in plain + lit]
    assert all(g == shapes[0] for g in shapes)


def test_checkbox_only_with_highlight_and_names_the_input():
    require("dot")
    root, x = _graph()
    assert 'class="cg-lit"' not in stepper(root).html()
    frag = stepper(root, highlight=x).html()
    assert "highlight the paths from <b>x</b> to the output" in frag


def test_ids_are_unique_on_a_page_with_several_steppers(tmp_path):
    require("dot")
    root, x = _graph()
    s = stepper(root, highlight=x, title="one")
    text = page([s, s, stepper(Value(2.0) * 3.0)], "three")
    ids = re.findall(r'\bid="([^"]+)"', text)
    assert len(ids) == len(set(ids)) > 50
    stepper_ids = re.findall(r'<div class="cg-stepper" id="([^"]+)"', text)
    assert len(set(stepper_ids)) == 3
    for sid in stepper_ids:                 # each script drives its own stepper
        assert text.count(f'getElementById("{sid}")') == 1


def test_works_offline_and_saves_a_page_of_its_own(tmp_path):
    require("dot")
    root, x = _graph()
    s = stepper(root, highlight=x, title="<tanh> & co")
    path = s.save(tmp_path / "sub" / "step.html")
    text = open(path, encoding="utf-8").read()
    assert text.startswith("<!DOCTYPE html>") and text.rstrip().endswith("</html>")
    assert "&lt;tanh&gt; &amp; co" in text and "<tanh>" not in text
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", text)
    assert "<link" not in text and "@import" not in text and "<script src" not in text
    assert len(_frames(text)) == len(s)
    for svg in re.findall(r"<svg.*?</svg>", text, re.S)[:3]:
        ET.fromstring(svg)


def test_errors_are_named(monkeypatch, tmp_path):
    with pytest.raises(TypeError, match="stepper: title"):
        stepper(Value(1.0) * 2.0, title=3)
    with pytest.raises(TypeError, match="backward_frames: root must be a Value"):
        stepper(1.0)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(viz_render, "_script_dirs", lambda: [])
    with pytest.raises(RendererNotFound, match="pip install graphviz-pure"):
        stepper(Value(1.0) * 2.0)
