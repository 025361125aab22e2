"""Frames that hold still: within one backward_frames call (and between its
highlighted and plain versions) every node and arrow is drawn at the same
coordinates in every frame, by both renderers; only colours and numbers change.
The reserved room is checked against the renderers' own text metrics."""
import subprocess

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from viz_helpers import RENDERERS, geometry, largest_displacement, require, svg_texts

import autograd
from autograd import Value, backward_frames, render
from autograd.viz.rendering import render_many


def _tanh_example():
    # The example: tanh's oval moved by more than 100 pt between steps.
    x = Value(0.7, label="x"); y = Value(-1.2, label="y")
    z = (x * y + x.exp()).tanh() + x / 2
    return z, x


def _neuron():
    xs = [Value(v, label=f"x{i}") for i, v in enumerate((1.5, -0.5, 2.0))]
    ws = [Value(v, label=f"w{i}") for i, v in enumerate((0.4, -0.6, 0.25))]
    out = (autograd.dot(xs, ws) + Value(0.1, label="b")).leaky_relu(0.01)
    return (out - 2.0) ** 2, ws[0]


def _wide_numbers():
    # Numbers of every width: huge, tiny, negative; a branch that gets no gradient.
    a = Value(1e300, label="a"); b = Value(-3.3e-7, label="b"); c = Value(7.0, label="c")
    out = (a * b) * 1e-290 + c.relu() * 0.0 + (c - b) ** 3
    return out, b


EXAMPLES = [_tanh_example, _neuron, _wide_numbers]


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("make", EXAMPLES, ids=lambda f: f.__name__)
def test_every_node_and_arrow_holds_still(renderer, make):
    require(renderer)
    root, lit = make()
    frames = [render(f, "svg", renderer) for f in backward_frames(root)]
    frames += [render(f, "svg", renderer) for f in backward_frames(root, highlight=lit)]
    assert len(frames) >= 6
    first = geometry(frames[0])
    assert sum(k[0] == "node" for k in first) >= 7
    for svg in frames[1:]:
        assert geometry(svg) == first        # every coordinate of every shape
    assert largest_displacement(frames, "node") == 0.0
    assert largest_displacement(frames, "edge") == 0.0
    # and the numbers did change: the last frame shows the final gradients
    assert svg_texts(frames[0]) != svg_texts(frames[-1])


@pytest.mark.parametrize("renderer", RENDERERS)
@pytest.mark.parametrize("digits", [4, 17])
def test_reserved_room_fits_every_text(renderer, digits):
    # The renderer says "cell size too small" when a fixed cell is narrower
    # than its text by the renderer's own font metrics.
    exe = require(renderer)
    for make in EXAMPLES:
        root, lit = make()
        for f in backward_frames(root, highlight=lit, digits=digits):
            proc = subprocess.run([exe, "-Tsvg"], input=f.source.encode("utf-8"),
                                  capture_output=True, check=True)
            assert b"too small" not in proc.stderr, (make.__name__, f.step, proc.stderr)


# Labels of any unicode and DOT/HTML metacharacters, numbers of any width:
# the frames still hold still.
_label = st.lists(st.text(st.characters(codec="utf-8"), max_size=3)
                  | st.sampled_from(list('<>{}[]|"\'\\&\n') + ["->", "<br/>"]),
                  max_size=5).map("".join)
_number = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False).filter(lambda v: v != 0.0)


@pytest.mark.slow   # one renderer run per example
@pytest.mark.parametrize("renderer", RENDERERS)
def test_fuzzed_labels_and_numbers_hold_still(renderer):
    require(renderer)
    _hold_still(renderer)


@settings(max_examples=15, deadline=None, derandomize=True, database=None)
@given(st.lists(st.tuples(_label, _number), min_size=2, max_size=4))
def _hold_still(renderer, leaves):
    xs = [Value(v, label=lab) for lab, v in leaves]
    out = (autograd.sum([a * b for a, b in zip(xs, xs[1:])]) * 1e-3).tanh() + xs[0] ** 2
    frames = list(backward_frames(out, highlight=xs[-1])) + list(backward_frames(out))
    svgs = render_many(frames, renderer)
    first = geometry(svgs[0])
    for svg in svgs[1:]:
        assert geometry(svg) == first
