"""The plain engine on its own: hand-derived gradients, its errors, its size.

Its agreement with the fast engine on random graphs is in
tests/hardening/test_hard_engine_plain.py; here every expected number is
worked out by hand in the comments.
"""
import ast
import io
import math
import pathlib
import tokenize

import pytest

import autograd
from autograd import plain
from autograd.plain import Value

PLAIN = pathlib.Path(autograd.__file__).parent / "plain.py"


def test_a_small_graph_by_hand():
    # L = (a*b + c) * f = (-6 + 10) * -2 = -8
    # dL/df = a*b + c = 4; dL/dc = f = -2; dL/da = f*b = 6; dL/db = f*a = -4
    a, b, c, f = Value(2.0), Value(-3.0), Value(10.0), Value(-2.0)
    e = a * b
    d = e + c
    L = d * f
    L.backward()
    assert L.data == -8.0
    assert (a.grad, b.grad, c.grad, f.grad, d.grad, e.grad, L.grad) == (6.0, -4.0, -2.0, 4.0, -2.0, -2.0, 1.0)


def test_a_value_used_twice_gets_both_contributions():
    # y = x*x + x: dy/dx = 2x + 1 = 7 at x = 3
    x = Value(3.0)
    y = x * x + x
    y.backward()
    assert x.grad == 7.0


def test_gradients_accumulate_and_inner_nodes_do_not_count_twice():
    # y = (x*x) * 2: dy/dx = 4x = 8 at x = 2; the second call adds 8 again,
    # although x*x's .grad (2) is already set from the first call.
    x = Value(2.0)
    y = (x * x) * 2.0
    y.backward()
    y.backward()
    assert x.grad == 16.0 and y.grad == 2.0 and y.parents[0].grad == 4.0


def test_a_tanh_neuron_by_hand():
    # o = tanh(w . x + b) with x = (1, -2), w = (0.5, 0.25), b = 0.1: z = 0.1
    # do/dw_i = (1 - tanh(z)^2) x_i, do/db = 1 - tanh(z)^2, do/dx_i = (1 - tanh(z)^2) w_i
    w = [Value(0.5), Value(0.25)]
    b = Value(0.1)
    x = [Value(1.0), Value(-2.0)]
    o = (plain.dot(x, w) + b).tanh()
    o.backward()
    k = 1.0 - math.tanh(0.1) ** 2
    assert o.data == pytest.approx(math.tanh(0.1), rel=1e-15)
    assert [v.grad for v in w] == pytest.approx([k * 1.0, k * -2.0], rel=1e-15)
    assert b.grad == pytest.approx(k, rel=1e-15)
    assert [v.grad for v in x] == pytest.approx([k * 0.5, k * 0.25], rel=1e-15)


def test_sum_and_constants():
    # s = x + 2 + 3x (one node): ds/dx = 4; constants get no gradient
    x = Value(1.5)
    s = plain.sum([x, 2, x * 3])
    s.backward()
    assert s.data == 8.0 and x.grad == 4.0 and len(s.parents) == 2


def test_the_seed_scales_the_gradients():
    x = Value(3.0)
    (x ** 2).backward(0.5)                       # 0.5 * 2x = 3
    assert x.grad == 3.0


@pytest.mark.parametrize("make", [
    lambda V: V(-1.0).log(),
    lambda V: V(-4.0).sqrt(),
    lambda V: V(1.0) / 0,
    lambda V: V(1000.0).exp(),
    lambda V: V(-8.0) ** 0.5,
    lambda V: V(math.inf) - math.inf,
])
def test_domain_errors_are_the_fast_engines_word_for_word(make):
    with pytest.raises(ValueError) as fast:
        make(autograd.Value)
    with pytest.raises(ValueError) as slow:
        make(Value)
    assert str(slow.value) == str(fast.value)


def test_a_failed_backward_changes_no_grad():
    x = Value(0.0)
    x.grad = 7.0
    y = x.sqrt() * 2.0
    with pytest.raises(ValueError, match=r"^backward through sqrt\(0\.0\): local derivative is not finite"):
        y.backward()
    assert x.grad == 7.0 and y.grad == 0.0


def test_refuses_non_numbers_and_big_ints_by_name():
    with pytest.raises(TypeError, match="^Value: expected a real number"):
        Value("1.0")
    with pytest.raises(ValueError, match="^mul: .* too large for a float"):
        Value(1.0) * 10 ** 400


def test_order_puts_operands_first_and_is_iterative():
    x = Value(0.5)
    y = x
    for _ in range(50_000):                      # far beyond the recursion limit
        y = y * 1.0
    order = plain.topological_order(y)
    assert len(order) == 50_001 and order[0] is x and order[-1] is y
    y.backward()
    assert x.grad == 1.0


def code_lines(path):
    """Lines with code: not blank, not only a comment, not inside a docstring."""
    src = path.read_text()
    docstrings = set()
    for node in ast.walk(ast.parse(src)):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) \
                    and isinstance(first.value.value, str):
                docstrings.update(range(first.lineno, first.end_lineno + 1))
    lines = set()
    skip = {tokenize.COMMENT, tokenize.NL, tokenize.NEWLINE, tokenize.INDENT, tokenize.DEDENT,
            tokenize.ENDMARKER}
    for tok in tokenize.generate_tokens(io.StringIO(src).readline):
        if tok.type not in skip:
            lines.update(n for n in range(tok.start[0], tok.end[0] + 1) if n not in docstrings)
    return len(lines)


def test_the_plain_engine_stays_short():
    # "About 150 lines of code" (issue 11): a learner reads it in one sitting.
    assert code_lines(PLAIN) <= 160, code_lines(PLAIN)
