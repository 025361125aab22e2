"""autograd.stepper: one step per step of the real backward, one rendered
picture and each step's changes, inline HTML that needs no network, step 0
shown without any script, labels shown as written, a legend on every page,
unique ids, save() as a page of its own, the lecture's whole loss in a small
page."""
import re
import xml.etree.ElementTree as ET

import pytest
from viz_helpers import RENDERERS, backward_order, geometry, require, stepper_data, svg_texts

import autograd
from autograd import Value, backward_frames, stepper
from autograd.viz import rendering as viz_render
from autograd.viz import stepping
from autograd.viz.labels import grad_colour, num
from autograd.viz.rendering import RendererNotFound
from autograd.viz.stepping import Stepper, page

_SVG = "{http://www.w3.org/2000/svg}"


def _graph():
    x = Value(0.7, label="x"); y = Value(-1.2, label="y")
    return (x * y + x.exp()).tanh() + x / 2, x


def _svgs(fragment, kind):
    return re.findall(rf'<div class="cg-{kind}">(<svg.*?</svg>)</div>', fragment, re.S)


def _box_grads(svg, prefix):
    """{node number: the text of its last cell (its gradient)} in a stepper's SVG."""
    out = {}
    for g in ET.fromstring(svg).iter(f"{_SVG}g"):
        m = re.fullmatch(re.escape(prefix) + r"v(\d+)", g.get("id", ""))
        if m:
            out[int(m.group(1))] = list(g.iter(f"{_SVG}text"))[-1].text
    return out


@pytest.mark.parametrize("renderer", RENDERERS)
def test_one_step_per_backward_step(monkeypatch, renderer):
    require(renderer)
    root, x = _graph()
    s = stepper(root, highlight=x, renderer=renderer)
    assert isinstance(s, Stepper) and autograd.stepper is stepper
    truth = [(op, repr(out)) for op, out in backward_order(monkeypatch, _graph()[0])]
    frag = s._repr_html_()
    (data,) = stepper_data(frag)
    steps = data["steps"]
    assert len(s) == len(steps) == len(truth) + 1 and s.steps == len(truth)
    assert [(st["op"], st["value"]) for st in steps[1:]] == truth
    assert f"step 0 of {len(truth)}" in frag
    # one picture, and its highlighted version laid out alike
    plain, lit = _svgs(frag, "plain"), _svgs(frag, "lit")
    assert len(plain) == len(lit) == 1
    assert geometry(plain[0]) == geometry(lit[0])


def test_each_steps_changes_are_backward_frames_numbers():
    # Replaying the page's data step by step gives every frame's gradients.
    require("dot")
    root, x = _graph()
    (data,) = stepper_data(stepper(root).html())
    frames = list(backward_frames(root))
    ids = {v: i for i, v in enumerate(frames[0].grads)}
    shown = {f"v{ids[v]}": num(g) for v, g in frames[0].grads.items()}
    scale = max(abs(g) for f in frames for g in f.grads.values())
    for st, f in zip(data["steps"], frames):
        for node, text, fill, old_text, _ in st["grads"]:
            assert shown[node] == old_text
            shown[node] = text
            assert fill == grad_colour(float(text), scale)
        assert shown == {f"v{ids[v]}": num(g) for v, g in f.grads.items()}, st["caption"]
        if st["focus"]:
            assert st["focus"] == f"o{ids[f.node]}"
            arrows = [t for _, t in st["arrows"]]
            assert all(" × " in t and " = " in t for t in arrows) and arrows


def test_without_a_script_the_page_shows_step_0():
    # A viewer that runs no script (a code host's notebook view) must show the
    # first step: its caption, its counter, and every gradient as at the start.
    require("dot")
    root, x = _graph()
    s = stepper(root, highlight=x)
    frag = s.html()
    (data,) = stepper_data(frag)
    uid = re.search(r'<div class="cg-stepper" id="([^"]+)"', frag).group(1)
    caption = re.search(r'<div class="cg-caption"[^>]*>(.*?)</div>', frag, re.S).group(1)
    assert caption == data["steps"][0]["caption"] and caption.startswith("Step 0 of")
    assert re.search(r'<span class="cg-counter">step 0 of \d+</span>', frag)
    # the caption is written once, above the picture: the picture has none that could disagree
    assert not any("Step" in t for t in svg_texts(_svgs(frag, "plain")[0]))
    grads = _box_grads(_svgs(frag, "plain")[0], f"{uid}-p-")
    last = max(grads)
    assert grads[last] == "1" and all(g == "0" for k, g in grads.items() if k != last)
    # the highlighted picture is hidden until the checkbox is ticked
    assert ".cg-stepper .cg-view .cg-lit { display: none; }" in frag


def test_label_text_is_shown_as_written():
    # Issue 19, item 19: "see url(#ref)" was shown as "see url(#cg-stepper-...-ref)".
    require("dot")
    labels = ["see url(#ref)", 'id="x"', 'href="#top"', "a -> b"]
    xs = [Value(float(k + 1), label=lab) for k, lab in enumerate(labels)]
    out = xs[0] * xs[1] + xs[2] * xs[3]
    frag = stepper(out).html()
    svg = _svgs(frag, "plain")[0]
    texts = ["".join(t.itertext()) for t in ET.fromstring(svg).iter(f"{_SVG}text")]
    for lab in labels:
        assert lab in texts
    ids = re.findall(r'\bid="([^"]+)"', svg)
    assert ids and all(i.startswith("cg-stepper-") for i in ids)


def test_a_legend_on_every_page(tmp_path):
    require("dot")
    root, x = _graph()
    s = stepper(root, highlight=x)
    for text in (s._repr_html_(), open(s.save(tmp_path / "s.html"), encoding="utf-8").read()):
        legend = re.search(r'<div class="cg-legend">(.*?)</div>', text, re.S).group(1)
        assert "local derivative" in legend and "yellow oval" in legend
        assert "old + passed = new" in legend


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
    assert len(stepper_data(text)[0]["steps"]) == len(s)
    for svg in re.findall(r"<svg.*?</svg>", text, re.S):
        ET.fromstring(svg)


def test_the_lectures_whole_loss_renders_once_into_a_small_page(monkeypatch):
    # The issue: about 10 s and a 32 MB page, one rendered picture per step.
    require("dot")
    from benchmarks.pictures import lecture_loss
    loss, model = lecture_loss()
    rendered = []
    real = stepping.render_many
    monkeypatch.setattr(stepping, "render_many",
                        lambda graphs, renderer=None: rendered.append(len(graphs)) or real(graphs, renderer))
    s = stepper(loss, module=model)
    assert rendered == [1] and s.steps == 84
    assert len(s.html().encode("utf-8")) < 3_000_000
    s = stepper(loss, highlight=model.parameters()[0])
    assert rendered == [1, 2]


def test_errors_are_named(monkeypatch, tmp_path):
    with pytest.raises(TypeError, match="stepper: title"):
        stepper(Value(1.0) * 2.0, title=3)
    with pytest.raises(TypeError, match="stepper: root must be a Value"):
        stepper(1.0)
    with pytest.raises(ValueError, match="stepper: the graph has 4 values, more than max_nodes=3"):
        stepper(Value(1.0) * 2.0 + 1.0 + 2.0, max_nodes=3)
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.setattr(viz_render, "_script_dirs", lambda: [])
    with pytest.raises(RendererNotFound, match="pip install graphviz-pure"):
        stepper(Value(1.0) * 2.0)
