"""``autograd.explain``: d out / d x as a sum over paths, in the graph's labels and numbers.

Against independent truth: the README example's text is checked against
numbers worked out by hand here; on random DAGs over every primitive
(tests/hardening/hard_dags.py), ``total`` equals ``grad`` (the fast engine)
or the plain engine's ``backward``, the terms add up to it, and the paths
are exactly those a naive recursion over ``parents`` finds.
"""
from __future__ import annotations

import math
import pathlib
import sys
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings

from autograd import PRIMITIVES, Value, explain, grad, plain, topological_order
from autograd.explanation import MAX_TERMS, PATH_CAP

sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[1] / "hardening"))
from hard_dags import programs  # noqa: E402
from plain_dags import build_fast, build_plain  # noqa: E402

SETTINGS = settings(max_examples=60, derandomize=True, database=None, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _readme(V=Value):
    a, b = V(2.0, label="a"), V(-3.0, label="b")
    c, f = V(10.0, label="c"), V(-2.0, label="f")
    L = (a * b + c) * f
    L.label = "L"
    return a, b, c, f, L


# ---- the README example, by hand ----------------------------------------------------------

@pytest.mark.parametrize("V", [Value, plain.Value], ids=["fast", "plain"])
def test_the_readme_example_reads_as_the_chain_rule_worked_by_hand(V):
    a, b, c, f, L = _readme(V)
    # By hand: e = a*b (de/da = b = -3, de/db = a = 2), d = e + c (dd/de = dd/dc = 1),
    # L = d*f (dL/dd = f = -2, dL/df = d = -6 + 10 = 4).  Nodes are numbered by
    # their place in the topological order: a 0, b 1, a*b 2, c 3, + 4, f 5, L 6.
    expected = {
        a: ("dL/da = (-3) × (1) × (-2) = 6", "a —(-3)→ #2[*] —(1)→ #4[+] —(-2)→ L    = 6", 6.0),
        b: ("dL/db = (2) × (1) × (-2) = -4", "b —(2)→ #2[*] —(1)→ #4[+] —(-2)→ L    = -4", -4.0),
        c: ("dL/dc = (1) × (-2) = -2", "c —(1)→ #4[+] —(-2)→ L    = -2", -2.0),
        f: ("dL/df = (4) = 4", "f —(4)→ L    = 4", 4.0),
    }
    for x, (first, path, total) in expected.items():
        e = explain(L, x)
        lines = str(e).splitlines()
        assert lines[0] == first
        assert lines[-1] == "  " + path
        assert "1 path from" in lines[1]
        assert e.total == total and e.paths == 1 and len(e.terms) == 1
        assert e.terms[0].value == total and e.groups == ()
    assert [v.label for v in explain(L, a).terms[0].path] == ["a", "", "", "L"]
    assert explain(L, a).terms[0].factors == (-3.0, 1.0, -2.0)
    assert all(v.grad == 0.0 for v in (a, b, c, f, L))          # explain writes no .grad


def test_print_str_repr_and_jupyter_show_the_same_text():
    a, b, c, f, L = _readme()
    e = explain(L, a)
    assert str(e) == repr(e) == e.text
    assert e._repr_html_() == f'<pre class="chaingrad-explain">{e.text}</pre>'   # nothing to escape here


def test_a_reused_node_shows_the_sum_of_its_paths():
    x = Value(3.0, label="x")
    y = x * x
    y.label = "y"
    e = explain(y, x)
    # d(x*x)/dx: each operand's local derivative is the other operand, 3; two uses add.
    assert str(e).splitlines()[0] == "dy/dx = (3) + (3) = 6"
    assert "2 paths" in str(e) and "x is used twice" in str(e)
    assert "operand 1 of y" in str(e) and "operand 2 of y" in str(e)
    assert [t.value for t in e.terms] == [3.0, 3.0] and e.total == 6.0
    a = plain.Value(1.5, label="a")
    b = a * 2.0
    L = b + b
    L.label = "L"
    # b is one node used twice: two paths a -> b -> L, each 2 * 1.
    assert str(explain(L, a)).splitlines()[0] == "dL/da = (2) × (1) + (2) × (1) = 4"


# ---- random graphs ------------------------------------------------------------------------

def _walks(out, x):
    """Every path from x to out as a tuple of node ids, by naive recursion (graphs are small)."""
    if out is x:
        return [(id(x),)]
    return [w + (id(out),) for p in out.parents for w in _walks(p, x)]


def _count(out, x, memo):
    if out is x:
        return 1
    if out not in memo:
        memo[out] = sum(_count(p, x, memo) for p in out.parents)
    return memo[out]


def _check_explanations(root, order, truth):
    for x in order:
        if x.parents:
            continue  # the inputs; inner nodes are checked through the small graphs below
        e = explain(root, x, max_terms=8)
        expected = truth(x)
        assert e.total == expected or abs(e.total - expected) <= 1e-12 * abs(expected)
        assert e.paths == _count(root, x, {})
        parts = [t.value for t in e.terms] if e.terms else [g.value for g in e.groups]
        assert (len(e.terms) == e.paths) if e.paths <= 8 else (e.terms == () and e.groups)
        size = sum(abs(p) for p in parts)
        assert abs(math.fsum(parts) - e.total) <= 1e-9 * size + 1e-300, (parts, e.total)
        if e.terms:
            assert Counter(tuple(map(id, t.path)) for t in e.terms) == Counter(_walks(root, x))
        else:
            assert sum(g.paths for g in e.groups) == e.paths
            assert "grouped" in str(e)


@SETTINGS
@given(programs(max_ops=20))
def test_total_is_grad_and_the_terms_sum_to_it_on_random_dags(program):
    root = build_fast(program)
    order = topological_order(root)
    inputs = [v for v in order if not v.parents]
    by_grad = dict(zip(inputs, grad(root, inputs)))
    _check_explanations(root, order, lambda x: by_grad[x])
    for x in inputs:   # exactly grad's float, not merely close
        assert explain(root, x).total == by_grad[x]


@SETTINGS
@given(programs(max_ops=20))
def test_on_the_plain_engine_total_is_its_backward(program):
    root = build_plain(program)
    root.backward()
    order = plain.topological_order(root)
    grads = {v: v.grad for v in order}
    for v in order:
        v.grad = 0.0
    _check_explanations(root, order, lambda x: grads[x])
    assert all(v.grad == 0.0 for v in order)


# ---- many paths: grouped, counted without enumerating ---------------------------------

def test_too_many_paths_are_grouped_by_the_first_arrow_out_of_x():
    x = Value(0.5, label="x")
    y = x
    for _ in range(12):
        y = y * y + x            # paths double at each product, plus one through each +
    y.label = "y"
    e = explain(y, x)
    n = _count(y, x, {})
    assert n > MAX_TERMS and e.paths == n and e.terms == ()
    (expected,) = grad(y, [x])
    assert e.total == expected
    # Grouped as d y / d x = sum over the arrows x -> u of du/dx * dy/du, with dy/du by grad.
    users = [g.via for g in e.groups]
    assert sum(g.local * g.downstream for g in e.groups) == pytest.approx(expected, rel=1e-12)
    for g, by_grad in zip(e.groups, grad(y, users)):
        assert g.downstream == by_grad
    text = str(e)
    assert f"{n:,} paths from x to y, more than the {MAX_TERMS} listed" in text and "grouped" in text
    assert len(text.splitlines()) <= MAX_TERMS + 4


def test_path_counts_saturate_and_nothing_is_enumerated():
    # 2 ** 200 paths: enumerating them would never finish.
    x = Value(1.0, label="x")
    y = x
    for _ in range(200):
        y = y + y
    e = explain(y, x)
    assert e.paths == PATH_CAP and e.total == 2.0 ** 200 == grad(y, [x])[0]
    assert f"more than {PATH_CAP:,} paths" in str(e)
    assert len(e.groups) == 2                              # x -> the first +, twice


def test_a_deep_chain_is_explained_iteratively_with_its_middle_left_out():
    x = Value(1.0, label="x")
    y = x
    for _ in range(20_000):                  # far deeper than Python's recursion limit
        y = y * 1.0
    e = explain(y, x)
    assert e.total == 1.0 and e.paths == 1 and len(e.terms[0].path) == 20_001
    assert "… 19992 more arrows …" in str(e) and "… 19992 more …" in str(e)


# ---- edges --------------------------------------------------------------------------------

def test_no_path_and_the_output_itself():
    x, z = Value(2.0, label="x"), Value(5.0, label="z")
    y = z * 3.0
    y.label = "y"
    e = explain(y, x)
    assert e.total == 0.0 == grad(y, [x])[0] and e.paths == 0 and e.terms == ()
    assert str(e) == "dy/dx = 0: y does not depend on x (no path leads from x to it)"
    e = explain(y, y)
    assert e.total == 1.0 == grad(y, [y])[0] and e.paths == 1
    assert str(e).startswith("dy/dy = 1")


def test_labels_are_data_escaped_for_jupyter_and_kept_on_one_line():
    x = Value(1.0, label="<script>alert('x')</script>")
    y = x * 2.0
    y.label = "two\nlines & <b>"
    e = explain(y, x)
    page = e._repr_html_()
    assert "<script>" not in page and "&lt;script&gt;" in page and "<b>" not in page
    assert "two\\nlines &amp; &lt;b&gt;" in page
    assert str(e).splitlines()[0] == "dtwo\\nlines & <b>/d<script>alert('x')</script> = (2) = 2"


def test_unlabeled_nodes_use_their_numbers_in_the_pictures():
    from autograd import to_text

    x = Value(2.0)
    y = (x * 3.0).tanh() + x
    text = str(explain(y, x))
    assert text.splitlines()[0].startswith("dout/dx = ")
    assert "x —(3)→ #1[*] —(" in text
    assert "#1 = #0 * 3" in to_text(y)                     # the same #1 in to_text's tree


def test_bad_arguments_are_refused_by_name():
    x = Value(1.0)
    with pytest.raises(TypeError, match="explain: out must be a Value, got float"):
        explain(1.0, x)
    with pytest.raises(TypeError, match="explain: x must be a Value, got str"):
        explain(x * 2, "x")
    with pytest.raises(TypeError, match="same engine"):
        explain(x * 2, plain.Value(1.0))
    for bad in (0, -1, 2.5, True, None):
        with pytest.raises(ValueError, match="max_terms must be a positive int"):
            explain(x * 2, x, max_terms=bad)


def test_where_grad_raises_explain_raises_the_same_error():
    x = Value(0.0, label="x")
    y = x.sqrt() * 2.0                        # d sqrt / dx at 0 is not finite
    with pytest.raises(ValueError) as by_grad:
        grad(y, [x])
    with pytest.raises(ValueError) as by_explain:
        explain(y, x)
    assert str(by_explain.value).replace("explain", "grad", 1) == str(by_grad.value)
    z = x.sqrt() * 0.0                        # a zero gradient meets sqrt'(0): refused too
    with pytest.raises(ValueError) as by_grad:
        grad(z, [x])
    with pytest.raises(ValueError) as by_explain:
        explain(z, x)
    assert str(by_explain.value).replace("explain", "grad", 1) == str(by_grad.value)


@pytest.mark.parametrize("V", [Value, plain.Value], ids=["fast", "plain"])
def test_a_node_reached_only_by_a_zero_gradient_is_still_checked(V):
    # sqrt's node gets no gradient entry at all (the 0.0 stops at the mul
    # above it); grad still checks sqrt'(0) with gradient 0, and so must explain.
    x = V(0.0, label="x")
    z = (x.sqrt() * 1.0) * 0.0
    with pytest.raises(ValueError) as by_grad:
        grad(z, [x]) if V is Value else z.backward()
    with pytest.raises(ValueError) as by_explain:
        explain(z, x)
    where = "grad" if V is Value else "backward"
    assert str(by_explain.value).replace("explain", where, 1) == str(by_grad.value)


class _Closure:
    """A stand-in for the primitive of a node made by a learner's closure: it has
    a name and a symbol, but no derivative rule that explain could read."""
    name = "mysin"
    symbol = "mysin"
    derivs = None
    arity = 1

    def operands(self, args):
        return args[:1]


@pytest.mark.parametrize("V", [Value, plain.Value], ids=["fast", "plain"])
def test_a_node_made_by_a_closure_has_an_unknown_local_derivative(V):
    a = V(0.5, label="a")
    s = a.tanh()
    s._prim = _Closure()
    s.label = "s"
    L = s * a
    L.label = "L"
    e = explain(L, a)
    assert e.total is None and e.paths == 2
    assert [t.value for t in e.terms] == [None, math.tanh(0.5)]
    assert e.terms[0].factors == (None, 0.5)
    text = str(e)
    assert text.splitlines()[0] == f"dL/da = (?) × (0.5) + ({math.tanh(0.5):.6g}) = ?"
    assert "the local derivative of mysin is unknown" in text
    assert explain(L, s).total == 0.5                      # above the closure, all is known
    y = s
    for _ in range(6):
        y = y * y + a                                      # many paths: grouped, still unknown
    e = explain(y, a)
    assert e.total is None and e.groups[0].local is None and "mysin is unknown" in str(e)


def test_the_table_is_untouched():
    assert "mysin" not in PRIMITIVES
