"""to_text: the tree, shared nodes referred to, capped indentation, any depth."""
import sys

import pytest

import autograd
from autograd import Value, to_text


def test_small_tree_by_hand():
    a = Value(2.0, label="a"); b = Value(0.5, label="b")
    c = a / b                       # 4; d/da = 1/b = 2, d/db = -a/b^2 = -8
    out = c - 1.0                   # 3
    out.backward()
    assert to_text(out).split("\n") == [
        "#3 = #2 - 1  data=3  grad=1",
        "  [∂ 1] #2 = #0 / #1  data=4  grad=1",
        "    [∂ 2] #0 a  data=2  grad=2",
        "    [∂ -8] #1 b  data=0.5  grad=-8",
    ]


def test_shared_nodes_are_printed_once_and_referred_to():
    x = Value(1.0, label="x")
    s = x * x
    out = s + s.exp() + s
    assert to_text(out).split("\n") == [
        "#4 = #3 + #1  data=4.718  grad=0",
        "  [∂ 1] #3 = #1 + #2  data=3.718  grad=0",
        "    [∂ 1] #1 = #0 * #0  data=1  grad=0",
        "      [∂ 1] #0 x  data=1  grad=0",
        "      [∂ 1] #0 (above)",
        "    [∂ 1] #2 = exp(#1)  data=2.718  grad=0",
        "      [∂ 2.718] #1 (above)",
        "  [∂ 1] #1 (above)",
    ]


def test_labels_stay_on_one_line():
    x = Value(1.0, label="two\nlines\x00")
    assert to_text(x) == "#0 two\\nlines\\x00  data=1  grad=0"


def test_indentation_is_capped_and_depth_is_named():
    y = Value(1.0)
    for _ in range(10):
        y = y * 1.5
    lines = to_text(y, max_indent=3).split("\n")
    assert len(lines) == 11
    assert lines[3].startswith("      [∂ 1.5]")
    assert lines[10].startswith("      (depth 10) [∂ 1.5] #0  data=1")
    assert max(len(ln) for ln in lines) < 80


@pytest.mark.slow
def test_deep_chain_prints_in_linear_size():
    n = 100_000
    y = Value(0.5, label="x")
    for _ in range(n):
        y = y * 1.0
    assert sys.getrecursionlimit() < n
    text = to_text(y)
    lines = text.split("\n")
    assert len(lines) == n + 1
    assert max(len(ln) for ln in lines) < 160
    assert lines[-1].endswith("#0 x  data=0.5  grad=0")


def test_wide_sum():
    xs = [Value(float(i)) for i in range(1000)]
    text = to_text(autograd.sum(xs))
    assert text.count("\n") == 1000 and text.count("[∂ 1]") == 1000


def test_bad_arguments():
    with pytest.raises(TypeError, match="to_text: root must be a Value"):
        to_text("x")
    with pytest.raises(ValueError, match="max_indent"):
        to_text(Value(1.0), max_indent=-1)
