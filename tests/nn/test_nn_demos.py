"""The demos do what the README says: the neuron demo's gradients agree and its
loss falls; the moons MLP reaches 97% from a fixed seed; outputs are written;
missing optional pieces are reported, not crashed on."""
import builtins
import importlib.util
import io
import math
import xml.etree.ElementTree as ET

import numpy as np
import pytest

import autograd
import nn
from autograd.viz import rendering as viz_rendering
from demos import moons, neuron
from demos._common import Progress

HAVE_MATPLOTLIB = importlib.util.find_spec("matplotlib") is not None


def test_make_moons_lies_on_two_unit_arcs_without_noise():
    X, y = nn.make_moons(50, noise=0.0, rng=0)
    upper, lower = X[y == 0], X[y == 1]
    # by construction: the upper arc is centred at (0, 0), the lower at (1, 0.5), radius 1
    np.testing.assert_allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0, rtol=1e-12)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0, rtol=1e-12)
    assert np.all(upper[:, 1] >= -1e-12) and np.all(lower[:, 1] <= 0.5 + 1e-12)
    assert (y == 0).sum() == (y == 1).sum() == 25


def test_make_moons_is_seeded_and_noisy():
    a, b, c = (nn.make_moons(30, noise=0.2, rng=s)[0] for s in (1, 1, 2))
    assert np.array_equal(a, b) and not np.array_equal(a, c)
    clean = nn.make_moons(30, noise=0.0)[0]
    assert 0.1 < np.std(a - clean) < 0.3


@pytest.mark.parametrize("args", [{"n": 1}, {"n": 10.5}, {"noise": -0.1}, {"noise": float("nan")},
                                  {"noise": float("inf")}, {"noise": float("-inf")}])
def test_make_moons_refuses_bad_arguments(args):
    with pytest.raises(ValueError, match="make_moons"):
        nn.make_moons(**args)


def test_neuron_demo_agrees_and_trains(tmp_path, capsys):
    diff, losses = neuron.main(["--out", str(tmp_path), "--steps", "500"])
    out = capsys.readouterr().out
    assert "largest difference" in out and "J fell from" in out
    # the engine against the closed form: relative to the gradient's size (~1e4)
    assert diff <= 1e-12 * 1e4
    assert losses[-1] < 1e-3 * losses[0] and losses[-1] < 1e-3
    assert all(b <= a for a, b in zip(losses[150:], losses[151:]))   # steadily falling once moving


def _renderer_or_skip():
    try:
        return autograd.find_renderer()
    except autograd.RendererNotFound:
        pytest.skip("no graph renderer: apt-get install graphviz, or pip install -e '.[render]'")


def test_neuron_demo_writes_the_graph_with_a_box_for_the_neuron(tmp_path, capsys):
    _renderer_or_skip()
    neuron.main(["--out", str(tmp_path), "--steps", "1"])
    svg = (tmp_path / "neuron_graph.svg").read_text(encoding="utf-8")
    assert f"graph of J written to {tmp_path / 'neuron_graph.svg'}" in capsys.readouterr().out
    root = ET.fromstring(svg)                                          # well-formed SVG
    clusters = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "cluster"]
    assert clusters, "draw_dot(module=neuron) draws a box around the neuron's nodes"


def test_neuron_demo_without_a_renderer_says_how_to_get_one(tmp_path, capsys, monkeypatch):
    def none(renderer=None):
        raise autograd.RendererNotFound("no graph renderer found: install Graphviz's dot program")

    monkeypatch.setattr(viz_rendering, "find_renderer", none)
    neuron.main(["--out", str(tmp_path), "--steps", "1"])
    assert "graph picture skipped: no graph renderer found: install Graphviz" in capsys.readouterr().out
    assert not (tmp_path / "neuron_graph.svg").exists()


def test_progress_bar_prints_tenths_when_not_a_terminal():
    buf = io.StringIO()
    bar = Progress(20, stream=buf, width=10)
    for i in range(1, 21):
        bar.update(i, "x")
    lines = buf.getvalue().splitlines()
    assert lines[0] == "[#---------]  2/20  x" and lines[-1] == "[##########] 20/20  x"
    assert len(lines) == 10


def _no_matplotlib(monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *a, **k):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)


def test_moons_without_matplotlib_says_how_to_get_it(tmp_path, capsys, monkeypatch):
    _no_matplotlib(monkeypatch)
    X, y = nn.make_moons(10, rng=0)
    assert moons.save_boundary(nn.MLP(2, [4, 1], rng=0), X, y, str(tmp_path / "b.png")) is None
    moons.main(["--out", str(tmp_path), "--steps", "2", "--points", "10"])
    out = capsys.readouterr().out
    assert ('decision-boundary picture skipped: matplotlib is not installed; '
            'get it with: pip install -e ".[demos]"') in out
    assert (tmp_path / "moons_mlp.txt").exists() and not (tmp_path / "moons_boundary.png").exists()


def test_moons_draws_the_decision_boundary(tmp_path):
    if not HAVE_MATPLOTLIB:
        pytest.skip("matplotlib not installed: pip install -e '.[demos]'")
    X, y = nn.make_moons(10, rng=0)
    path = str(tmp_path / "b.png")
    assert moons.save_boundary(nn.MLP(2, [4, 1], rng=0), X, y, path, grid=5) == path
    assert (tmp_path / "b.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


@pytest.mark.slow
def test_moons_mlp_from_a_fixed_seed_reaches_97_percent(tmp_path, capsys):
    acc, history = moons.main(["--out", str(tmp_path), "--seed", "0"])
    assert acc >= 0.97
    assert history[-1][0] < 0.5 * history[0][0]
    # the saved model is the trained one
    model = nn.MLP(2, [16, 16, 1], activation="relu").load(tmp_path / "moons_mlp.txt")
    X, y = nn.make_moons(moons.POINTS, noise=moons.NOISE, rng=0)
    assert moons.final_accuracy(model, X, y) == acc
    # the picture is there exactly when matplotlib is (CI installs it: extra "demos")
    assert (tmp_path / "moons_boundary.png").exists() == HAVE_MATPLOTLIB
    assert math.isfinite(history[-1][0])


def test_moons_on_the_array_path_trains_the_model_the_eager_loop_trains():
    # The eager loop is the truth: the same accuracy at every step, the same
    # losses and parameters up to rounding.  BLAS sums the batch in another
    # order, and where a gradient nearly cancels (the output bias's: a sum of
    # +-1/60 terms) Adam divides that rounding by the gradient's own size, so
    # the parameters agree to 1e-6 here, not to the 1e-12 that smooth losses
    # give (tests/compiler/test_compile_flat.py).
    compiled = moons.train(steps=40, points=60, seed=1)
    eager = moons.train(steps=40, points=60, seed=1, eager=True)
    assert [a for _, a in compiled[3]] == [a for _, a in eager[3]]
    np.testing.assert_allclose([loss for loss, _ in compiled[3]], [loss for loss, _ in eager[3]], rtol=1e-9)
    got, want = compiled[0].state_dict(), eager[0].state_dict()
    np.testing.assert_allclose(list(got.values()), list(want.values()), rtol=1e-6, atol=1e-12)
    assert got != nn.MLP(2, [16, 16, 1], activation="relu", rng=1).state_dict()   # it trained
    assert all(type(p.data) is float for p in compiled[0].parameters())      # written back as floats


def test_moons_command_line_trains_either_way(tmp_path, capsys):
    for flag in ([], ["--eager"]):
        acc, history = moons.main(["--out", str(tmp_path), "--steps", "3", "--points", "12", *flag])
        out = capsys.readouterr().out
        assert ("eager (Values)" in out) == bool(flag)
        assert ("compiled, parameters in an array" in out) == (not flag)
        assert len(history) == 3
