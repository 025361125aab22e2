"""The hardening figures and domain-edge table of docs/testing.md come from the suite itself.

Counts are computed from the test modules' own tables and the hypothesis
profile; if docs/testing.md says anything else this test fails and prints the
exact text to paste between the markers, so the page can never drift.
"""
import importlib
import math
import pathlib

from hypothesis import settings

from autograd import PRIMITIVES

HERE = pathlib.Path(__file__).parent
PAGE = HERE.parent.parent / "docs" / "testing.md"
MODULES = sorted(p.stem for p in HERE.glob("test_hard_*.py"))


def _module(name):
    return importlib.import_module(name)


def _tests(prefix="test_"):
    for name in MODULES:
        mod = _module(name)
        for attr, fn in sorted(vars(mod).items()):
            if attr.startswith(prefix) and callable(fn) and getattr(fn, "__module__", None) == name:
                yield name, attr, fn


def properties():
    """(module, test, examples per run) for every hypothesis property."""
    ci = settings.get_profile("ci")
    out = []
    for mod, name, fn in _tests(prefix=""):   # a property may be run by a parametrized test
        if getattr(fn, "is_hypothesis_test", False):
            own = getattr(fn, "_hypothesis_internal_use_settings", None)
            n = own.max_examples if own is not None and own is not settings.default else ci.max_examples
            out.append((mod, name, n))
    return out


def counts_text():
    props = properties()
    per_run = sorted({n for _, _, n in props})
    bad = _module("test_hard_bad_input")
    edges = _module("test_hard_edges")
    n_file_tests = sum(1 for mod, name, _ in _tests()
                       if mod == "test_hard_bad_input"
                       and name != "test_bad_input_gives_a_clear_error_and_changes_nothing")
    lines = [
        f"- {len(props)} hypothesis properties, {'/'.join(map(str, per_run))} examples each per "
        "run, drawn by the fixed `ci` profile (derandomized, no example database), so every CI "
        "run checks the same examples",
        f"- {len(PRIMITIVES)} deliberately wrong derivative rules, one per primitive, each caught "
        "by `hypothesis.find` with gradcheck",
        f"- {len(edges.EDGES)} domain-edge rows covering all {len(PRIMITIVES)} primitives "
        "(table below)",
        f"- {bad.BAD_INPUT_CASES} bad-input cases in the table, plus {n_file_tests} tests of "
        "optimizer steps and files (every truncation and every byte flipped, a save failing "
        "midway)",
    ]
    return "\n".join(lines)


def _num(v):
    if v == math.inf:
        return "inf"
    if v == -math.inf:
        return "-inf"
    r = repr(v)
    return r if len(r) <= 8 else f"{v:.6g}"


def edges_table():
    edges = _module("test_hard_edges")
    lines = ["| op | operands (, constant) | value | local derivatives, or the error |",
             "| --- | --- | --- | --- |"]
    for e in edges.EDGES:
        args = ", ".join(_num(a) for a in e.operands + e.params)
        if e.error:
            value, rest = "", f"error: *{e.error}*"
        elif e.backward_error:
            value, rest = _num(e.value), f"backward: error *{e.backward_error.split('|')[0]}*"
        else:
            value, rest = _num(e.value), ", ".join(_num(x) for x in e.derivs)
        lines.append(f"| `{e.name}` | {args} | {value} | {rest} |")
    return "\n".join(lines)


def _block(text, marker):
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    if start not in text or end not in text:
        return None
    return text[text.index(start) + len(start): text.index(end)].strip("\n")


def _check(marker, want):
    text = PAGE.read_text(encoding="utf-8")
    got = _block(text, marker)
    assert got == want, (
        f"docs/testing.md's '{marker}' block is out of date. Paste this between "
        f"<!-- {marker} --> and <!-- /{marker} -->:\n\n{want}\n")


def test_testing_page_states_the_suite_counts():
    _check("hardening-counts", counts_text())


def test_testing_page_edge_table_matches_the_tests():
    _check("hardening-edges", edges_table())


def test_every_property_runs_hundreds_of_examples():
    small = [(m, n, k) for m, n, k in properties() if k < 100]
    assert not small, f"properties with fewer than 100 examples per run: {small}"
