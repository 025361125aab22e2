"""The micrograd lecture's own picture code, a plain ``graphviz.Digraph``,
renders from pip alone once ``autograd`` is imported: with no ``dot`` on
PATH, graphviz-pure draws its Jupyter display, ``pipe()`` and ``render()``;
with a ``dot`` on PATH nothing changes; ``CHAINGRAD_GRAPHVIZ_FALLBACK=0``
turns it off; ``import autograd`` does not import graphviz.

Each case runs in a fresh interpreter, so that the order of imports is the
one a notebook has, with PATH set to a folder of the test's own: empty (no
Graphviz at all; graphviz-pure is found in the interpreter's scripts
folder, where pip put it) or holding only a link to ``dot``."""
import json
import os
import subprocess
import sys

import pytest
from viz_helpers import require

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The lecture's trace/draw_dot (written here in its style), on a graph whose
# labels hold characters outside ASCII, then what a notebook and a script do.
LECTURE = r'''
import json, os, sys
FIRST = sys.argv[1]
if FIRST == "graphviz":
    import graphviz
import autograd
from autograd import Value
from graphviz import Digraph

def trace(root):
    nodes, edges = set(), set()
    def build(v):
        if v not in nodes:
            nodes.add(v)
            for child in v._prev:
                edges.add((child, v))
                build(child)
    build(root)
    return nodes, edges

def draw_dot(root):
    dot = Digraph(format="svg", graph_attr={"rankdir": "LR"})
    nodes, edges = trace(root)
    for n in nodes:
        uid = str(id(n))
        dot.node(name=uid, label="{ %s | data %.4f | grad %.4f }" % (n.label, n.data, n.grad),
                 shape="record")
        if n._op:
            dot.node(name=uid + n._op, label=n._op)
            dot.edge(uid + n._op, uid)
    for n1, n2 in edges:
        dot.edge(str(id(n1)), str(id(n2)) + n2._op)
    return dot

a = Value(2.0, label="a"); b = Value(-3.0, label="b·c"); c = Value(10.0, label="Σ")
L = a * b + c
L.label = "L"
L.backward()
pic = draw_dot(L)
out = {}
try:
    bundle = pic._repr_mimebundle_()
    out["display"] = {k: v[:400] for k, v in bundle.items()}
    out["display_nodes"] = bundle.get("image/svg+xml", "").count('class="node"')
    out["pipe"] = pic.pipe().decode("utf-8")[:400]
    path = pic.render("gout")
    out["render"] = [path, open(path, encoding="utf-8").read()[:400]]
except Exception as e:
    out["error"] = f"{type(e).__module__}.{type(e).__name__}: {e}"
print(json.dumps(out))
'''


def _run(tmp_path, path_dir, first="autograd", env=None):
    work = tmp_path / f"work-{first}"
    work.mkdir(exist_ok=True)
    full = {"PATH": str(path_dir), "PYTHONPATH": ROOT, "HOME": str(tmp_path),
            **(env or {})}
    proc = subprocess.run([sys.executable, "-c", LECTURE, first], cwd=work, env=full,
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    return json.loads(proc.stdout), proc.stderr, work


def _by_pure(svg_head):
    return "(graphviz-pure)" in svg_head


@pytest.mark.parametrize("first", ["autograd", "graphviz"])
def test_the_lectures_digraph_renders_with_no_graphviz_installed(tmp_path, first):
    require("graphviz-pure")
    empty = tmp_path / "bin"
    empty.mkdir()
    out, err, work = _run(tmp_path, empty, first)
    assert "error" not in out, out["error"]
    assert list(out["display"]) == ["image/svg+xml"] and _by_pure(out["display"]["image/svg+xml"])
    assert out["display_nodes"] == 7              # a, b·c, a*b, Σ, L and the * and + ops
    assert _by_pure(out["pipe"])
    assert out["render"][0] == "gout.svg" and _by_pure(out["render"][1])
    assert (work / "gout.svg").exists() and (work / "gout").exists()
    assert err == ""        # nothing on stderr: no width note for "·" or "Σ"


def test_with_dot_on_path_nothing_changes(tmp_path):
    dot = require("dot")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "dot").symlink_to(os.path.realpath(dot))
    out, err, _ = _run(tmp_path, bin_dir)
    assert "error" not in out, out["error"]
    for svg in (out["display"]["image/svg+xml"], out["pipe"], out["render"][1]):
        assert "<svg" in svg and not _by_pure(svg)          # Graphviz's own dot drew it


def test_it_can_be_turned_off(tmp_path):
    require("graphviz-pure")
    empty = tmp_path / "bin"
    empty.mkdir()
    out, _, _ = _run(tmp_path, empty, env={"CHAINGRAD_GRAPHVIZ_FALLBACK": "0"})
    assert out["error"].startswith("graphviz.backend.execute.ExecutableNotFound")
    code = ("import autograd, graphviz\n"
            "from autograd.viz import graphviz_fallback as f\n"
            "f.uninstall()\n"
            "try:\n    graphviz.Digraph(format='svg').pipe()\nexcept graphviz.ExecutableNotFound:\n"
            "    print('refused')\n"
            "f.install()\n"
            "print(graphviz.Digraph(format='svg').pipe()[:5])\n")
    proc = subprocess.run([sys.executable, "-c", code], env={"PATH": str(empty), "PYTHONPATH": ROOT},
                          capture_output=True, text=True, timeout=120)
    assert proc.stdout.split("\n")[:2] == ["refused", "b'<?xml'"], proc.stderr


def test_import_autograd_does_not_import_graphviz():
    code = "import sys, autograd; print('graphviz' in sys.modules, len(sys.meta_path) > 0)"
    proc = subprocess.run([sys.executable, "-c", code], env={"PYTHONPATH": ROOT, "PATH": ""},
                          capture_output=True, text=True, timeout=60)
    assert proc.stdout.split() == ["False", "True"], proc.stderr
