"""A label set after construction is a str, as one given to the constructor is,
so every picture of the graph still works (issue 13, defect 10)."""
import pytest

from autograd import Value, backward_frames, draw_dot, to_text


@pytest.mark.parametrize("label,shown", [(12345, "12345"), (2.5, "2.5"), (None, "None"),
                                         (("a", 1), "('a', 1)")])
def test_a_label_assigned_later_is_stored_as_a_str(label, shown):
    v = Value(1.0)
    v.label = label
    assert type(v.label) is str and v.label == shown
    assert Value(1.0, label=label).label == shown      # the same conversion as the constructor's


def test_a_str_subclass_label_is_stored_as_a_plain_str():
    class Fancy(str):
        pass
    v = Value(1.0)
    v.label = Fancy("w")
    assert type(v.label) is str and v.label == "w"


def test_pictures_work_with_a_label_assigned_later():
    x = Value(2.0, label="x")
    y = x * 3.0
    y.label = 12345
    x.label = 7.5
    y.backward()
    assert "12345" in draw_dot(y).source and "7.5" in draw_dot(y).source
    text = to_text(y)
    assert text.startswith("#1 12345") and "#0 7.5" in text
    frames = list(backward_frames(y))
    assert len(frames) == 2 and "12345" in frames[-1].source


def test_a_failing_conversion_leaves_the_label_unchanged():
    class NoStr:
        def __str__(self):
            raise RuntimeError("no text")
    v = Value(1.0, label="kept")
    with pytest.raises(RuntimeError):
        v.label = NoStr()
    assert v.label == "kept"
