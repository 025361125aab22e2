"""python -m demos.backprop: one self-contained page whose frames follow the
order in which the real backward processes the nodes."""
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import pytest
from viz_helpers import RENDERERS, backward_order, require, stepper_data

from demos import backprop


@pytest.mark.parametrize("renderer", RENDERERS)
def test_page_frames_follow_backward(monkeypatch, tmp_path, renderer):
    require(renderer)
    path = backprop.write(str(tmp_path), renderer)
    page = open(path, encoding="utf-8").read()
    sections = page.split('<div class="cg-stepper"')[1:]
    assert len(sections) == len(backprop.EXAMPLES) == 2
    for sec, (_, build) in zip(sections, backprop.EXAMPLES):
        (data,) = stepper_data(sec)
        root, _ = build()                      # the same graph, built afresh
        truth = [(op, repr(out)) for op, out in backward_order(monkeypatch, root)]
        assert len(data["steps"]) == len(truth) + 1
        assert [(st["op"], st["value"]) for st in data["steps"][1:]] == truth
        # one picture, and its highlighted version, each valid SVG
        svgs = re.findall(r"<svg.*?</svg>", sec, re.S)
        assert len(svgs) == 2
        for svg in svgs:
            ET.fromstring(svg)
        assert 'class="cg-legend"' in sec


def test_page_is_self_contained(tmp_path):
    require("dot")
    page = open(backprop.write(str(tmp_path)), encoding="utf-8").read()
    assert page.count("<script>") == 2 and "<script src" not in page
    assert page.count('<script type="application/json" class="cg-data">') == 2
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert 'class="cg-prev"' in page and 'class="cg-next"' in page


def test_command_prints_the_path(tmp_path):
    require("dot")
    proc = subprocess.run([sys.executable, "-m", "demos.backprop", "--out", str(tmp_path)],
                          capture_output=True, text=True, check=True)
    assert proc.stdout.strip() == str(tmp_path / "backprop.html")
    assert (tmp_path / "backprop.html").stat().st_size > 10_000


def test_command_without_renderer_says_how_to_get_one(tmp_path):
    env = {"PATH": str(tmp_path), "PYTHONPATH": ":".join(sys.path)}
    code = ("import sys; from autograd.viz import rendering as viz_render; "
            "viz_render._script_dirs = lambda: []; "
            "from demos.backprop import main; sys.exit(main(['--out', sys.argv[1]]))")
    proc = subprocess.run([sys.executable, "-c", code, str(tmp_path)],
                          capture_output=True, text=True, env=env)
    assert proc.returncode == 1
    assert "apt-get install graphviz" in proc.stderr and "pip install graphviz-pure" in proc.stderr
