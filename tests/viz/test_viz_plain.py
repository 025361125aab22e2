"""The pictures draw the plain engine's graphs too, exactly as the fast
engine's: the same expression built with ``autograd.plain.Value`` and with
``autograd.Value`` gives byte-identical DOT, text and frames (the two engines
are tested equal in value and gradient elsewhere; here the pictures are)."""
import pytest
from viz_helpers import require

import autograd
from autograd import backward_frames, draw_dot, plain, stepper, to_text


def _both(make):
    graphs = []
    for Value in (autograd.Value, plain.Value):
        x = Value(0.7, label="x")
        y = Value(-1.2, label="y")
        out = make(x, y)
        out.label = "out"
        out.backward()
        graphs.append((out, x))
    return graphs


EXPRESSIONS = {
    "tanh": lambda x, y: (x * y + x.exp()).tanh() + x / 2,
    "shared": lambda x, y: (x * x - y) ** 2 + (x * x).sigmoid(),
    "kinks": lambda x, y: x.leaky_relu(0.1) * y.relu() + y.abs() * 3.0,
}


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_draw_dot_and_to_text_are_identical_for_both_engines(name):
    (fast, fx), (slow, sx) = _both(EXPRESSIONS[name])
    assert draw_dot(slow).source == draw_dot(fast).source
    assert draw_dot(slow, highlight=sx).source == draw_dot(fast, highlight=fx).source
    assert to_text(slow) == to_text(fast)


@pytest.mark.parametrize("name", sorted(EXPRESSIONS))
def test_backward_frames_are_identical_for_both_engines(name):
    (fast, _), (slow, _) = _both(EXPRESSIONS[name])
    got = [(f.step, f.source, sorted(f.grads.values())) for f in backward_frames(slow)]
    want = [(f.step, f.source, sorted(f.grads.values())) for f in backward_frames(fast)]
    assert got == want


def test_the_stepper_steps_through_a_plain_graph():
    require("dot")
    (fast, fx), (slow, sx) = _both(EXPRESSIONS["tanh"])
    assert stepper(slow, highlight=sx).steps == stepper(fast, highlight=fx).steps > 0


def test_a_number_is_still_refused_by_name():
    with pytest.raises(TypeError, match="draw_dot: root must be a Value, got float"):
        draw_dot(1.0)
