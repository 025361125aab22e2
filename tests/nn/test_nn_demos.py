"""The demos do what the README says: the neuron demo's gradients agree and its
loss falls; the moons MLP reaches 97% from a fixed seed; outputs are written;
missing optional pieces are reported, not crashed on."""
import builtins
import io
import math

import numpy as np
import pytest

import autograd
import nn
from demos import moons, neuron
from demos._common import Progress


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


@pytest.mark.parametrize("args", [{"n": 1}, {"n": 10.5}, {"noise": -0.1}, {"noise": float("nan")}])
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


def test_neuron_demo_without_draw_dot_says_the_picture_is_skipped(tmp_path, capsys, monkeypatch):
    monkeypatch.delattr(autograd, "draw_dot", raising=False)
    monkeypatch.setattr(autograd, "__getattr__", lambda name: (_ for _ in ()).throw(AttributeError(name)),
                        raising=False)
    neuron.main(["--out", str(tmp_path), "--steps", "1"])
    out = capsys.readouterr().out
    assert "graph picture skipped" in out and not (tmp_path / "neuron_graph.svg").exists()


def test_neuron_demo_writes_the_svg_draw_dot_gives(tmp_path, capsys, monkeypatch):
    seen = {}

    class FakePicture:
        def svg(self):
            return "<svg>graph</svg>"

    def fake_draw_dot(root, module=None):
        seen["root"], seen["module"] = root, module
        return FakePicture()

    monkeypatch.setattr(autograd, "draw_dot", fake_draw_dot, raising=False)
    neuron.main(["--out", str(tmp_path), "--steps", "1"])
    assert (tmp_path / "neuron_graph.svg").read_text() == "<svg>graph</svg>"
    assert isinstance(seen["module"], nn.Neuron) and seen["root"].op == "mul"   # J = 0.5 * sum


def test_neuron_demo_reports_a_missing_renderer(tmp_path, capsys, monkeypatch):
    class NoRenderer:
        def svg(self):
            raise RuntimeError("no graph renderer found")

    monkeypatch.setattr(autograd, "draw_dot", lambda root, module=None: NoRenderer(), raising=False)
    neuron.main(["--out", str(tmp_path), "--steps", "1"])
    assert "graph picture skipped: RuntimeError: no graph renderer found" in capsys.readouterr().out


def test_progress_bar_prints_tenths_when_not_a_terminal():
    buf = io.StringIO()
    bar = Progress(20, stream=buf, width=10)
    for i in range(1, 21):
        bar.update(i, "x")
    lines = buf.getvalue().splitlines()
    assert lines[0] == "[#---------]  2/20  x" and lines[-1] == "[##########] 20/20  x"
    assert len(lines) == 10


def test_moons_boundary_without_matplotlib_says_how_to_get_it(tmp_path, capsys, monkeypatch):
    real_import = builtins.__import__

    def no_matplotlib(name, *a, **k):
        if name.startswith("matplotlib"):
            raise ImportError("No module named 'matplotlib'")
        return real_import(name, *a, **k)

    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    X, y = nn.make_moons(10, rng=0)
    assert moons.save_boundary(nn.MLP(2, [4, 1], rng=0), X, y, str(tmp_path / "b.png")) is None
    assert 'pip install -e ".[demos]"' in capsys.readouterr().out


@pytest.mark.slow
def test_moons_mlp_from_a_fixed_seed_reaches_97_percent(tmp_path, capsys):
    acc, history = moons.main(["--out", str(tmp_path), "--seed", "0"])
    assert acc >= 0.97
    assert history[-1][0] < 0.5 * history[0][0]
    # the saved model is the trained one
    model = nn.MLP(2, [16, 16, 1], activation="relu").load(tmp_path / "moons_mlp.txt")
    X, y = nn.make_moons(moons.POINTS, noise=moons.NOISE, rng=0)
    assert moons.final_accuracy(model, X, y) == acc
    png = tmp_path / "moons_boundary.png"
    if png.exists():                                   # matplotlib installed (CI: extra "demos")
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert math.isfinite(history[-1][0])
