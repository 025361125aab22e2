"""The benchmark suite in quick mode: every engine runs and all agree.

Tiny sizes, one repeat; no time is asserted (the machine is noisy and a unit
test is no benchmark).  Agreement is checked against independent truth: the
hand-vectorised numpy step, numpy's closed forms, and the chain's closed form.
"""
import importlib.util

import numpy as np
import pytest

from benchmarks import __main__ as cli
from benchmarks.suite import WORKLOADS, run_all

HAVE_MICROGRAD = importlib.util.find_spec("micrograd") is not None
REFERENCE = {"a": "numpy by hand", "c": "numpy", "d": "numpy closed form"}


@pytest.fixture(scope="module")
def rows():
    return run_all(quick=True)


def _rows(rows, workload):
    return [r for r in rows if r.workload == workload]


def test_every_workload_has_rows(rows):
    assert {r.workload for r in rows} == set(WORKLOADS)


def test_every_chaingrad_and_numpy_engine_ran(rows):
    broken = [(r.workload, r.engine, r.size, r.status) for r in rows
              if r.engine != "micrograd" and not r.ok]
    assert not broken
    for r in rows:
        if r.ok:
            assert r.timing.median > 0 and r.timing.low <= r.timing.median <= r.timing.high


@pytest.mark.skipif(not HAVE_MICROGRAD, reason="peer extra not installed: pip install -e '.[bench]'")
def test_micrograd_ran(rows):
    mg = [r for r in rows if r.engine == "micrograd"]
    assert {r.workload for r in mg} == {"a", "b", "c"}
    assert all(r.ok for r in mg), [(r.workload, r.size, r.status) for r in mg]


@pytest.mark.parametrize("workload", sorted(REFERENCE))
def test_engines_agree_with_numpy(rows, workload):
    wl = _rows(rows, workload)
    sizes = {r.size for r in wl}
    for size in sizes:
        ref = next(r for r in wl if r.engine == REFERENCE[workload] and r.size == size)
        others = [r for r in wl if r is not ref and r.ok and r.size == size]
        assert others
        for r in others:
            assert r.check.keys() == ref.check.keys()
            for key, expected in ref.check.items():
                np.testing.assert_allclose(r.check[key], expected, rtol=1e-9, atol=1e-12,
                                           err_msg=f"{workload} {size} {r.engine} {key}")


def test_the_mlp_step_runs_the_fast_engines_at_every_batch_size(rows):
    by_size = {}
    for r in _rows(rows, "a"):
        by_size.setdefault(r.size, set()).add(r.engine)
    first, *larger = by_size.values()
    assert {"chaingrad eager", "chaingrad compiled", "chaingrad compiled, Values", "numpy by hand",
            "numpy by hand, np.dot"} <= first
    assert larger and all(engines == {"chaingrad compiled", "chaingrad compiled, Values", "numpy by hand",
                                      "numpy by hand, np.dot"} for engines in larger)


def test_the_optimizers_agree_before_on_values_and_on_an_array(rows):
    # The per-parameter step of before is the truth: same parameters after a step.
    opt = _rows(rows, "e")
    assert {r.engine for r in opt} == {f"{k}, per parameter (before)" for k in ("SGD", "Adam")} | \
        {f"nn.{k} on {w}" for k in ("SGD", "Adam") for w in ("Values", "an array")}
    for kind in ("SGD", "Adam"):
        before = next(r for r in opt if r.engine == f"{kind}, per parameter (before)")
        for r in opt:
            if r.engine.startswith(f"nn.{kind} "):
                np.testing.assert_array_equal(r.check["data"], before.check["data"], err_msg=r.engine)


def test_chain_matches_closed_form(rows):
    chain = [r for r in _rows(rows, "b") if r.ok]
    assert chain
    for r in chain:
        n = r.units
        # x_n = a^n x_0 + c (a^n - 1) / (a - 1), so dx_n/dx_0 = a^n.
        a, c = 1.0001, 0.001
        assert r.check["dx"] == pytest.approx(a ** n, rel=1e-12)
        assert r.check["y"] == pytest.approx(a ** n + c * (a ** n - 1) / (a - 1), rel=1e-12)


def test_numpy_mlp_step_matches_finite_differences():
    # The hand-written numpy step is the reference above: check it independently.
    from benchmarks import mlp_step, numpy_mlp
    X, Y, layers = mlp_step.problem(6)

    def loss(params):
        h = X
        for i, (W, b) in enumerate(params):
            h = h @ W.T + b
            h = h if i == len(params) - 1 else np.maximum(h, 0.0)
        return np.mean((h[:, 0] - Y) ** 2)

    params = [(W.copy(), b.copy()) for W, b in layers]
    first_loss, grads = numpy_mlp.step(params, X, Y, lr=0.0)
    assert first_loss == pytest.approx(loss(layers), rel=1e-12)
    eps = 1e-6
    for i, (W, b) in enumerate(layers):
        for arr, g in ((W, grads[i][0]), (b, grads[i][1])):
            for idx in np.ndindex(arr.shape):
                plus = [(w.copy(), bb.copy()) for w, bb in layers]
                minus = [(w.copy(), bb.copy()) for w, bb in layers]
                which = 0 if arr is W else 1
                plus[i][which][idx] += eps
                minus[i][which][idx] -= eps
                numeric = (loss(plus) - loss(minus)) / (2 * eps)
                assert g[idx] == pytest.approx(numeric, rel=1e-5, abs=1e-7)


def test_cli_quick_writes_markdown(tmp_path, capsys):
    cli.main(["--quick", "--only", "c", "--out", str(tmp_path)])
    printed = capsys.readouterr().out
    assert "sum(a_i * b_i)" in printed and "Targets" in printed
    md = (tmp_path / "results.md").read_text()
    assert "| chaingrad eager |" in md


def test_cli_rejects_unknown_workload():
    with pytest.raises(SystemExit):
        cli.main(["--quick", "--only", "z"])


@pytest.mark.parametrize("module", ["timing", "numpy_mlp", "engines"])
def test_benchmark_docstring_examples(module):
    import doctest
    import importlib
    result = doctest.testmod(importlib.import_module(f"benchmarks.{module}"))
    assert result.attempted > 0 and result.failed == 0


def _timed_row(workload, engine, size, seconds, session, units=1):
    from benchmarks.rows import Row
    from benchmarks.timing import Timing
    t = Timing(seconds, seconds, seconds, 1, 3, (seconds,) * 3, session)
    return Row(workload, engine, size, timing=t, units=units)


def test_the_report_judges_the_new_targets_on_the_right_rows():
    # Synthetic rows timed in the same rounds, each ratio chosen on one side of its limit.
    from benchmarks.report import targets
    s = object()
    rows = [_timed_row("a", "micrograd", "100 points", 1.0, s),
            _timed_row("a", "chaingrad eager", "100 points", 1 / 55, s),
            _timed_row("a", "chaingrad compiled, Values", "100 points", 9.0, s),
            _timed_row("a", "chaingrad compiled", "100 points", 1.4e-4, s),
            _timed_row("a", "numpy by hand", "100 points", 1e-4, s),
            _timed_row("a", "numpy by hand, np.dot", "100 points", 0.7e-4, s),
            _timed_row("a", "chaingrad compiled", "1,000 points", 1.2e-3, s),
            _timed_row("a", "numpy by hand", "1,000 points", 1e-3, s),
            _timed_row("a", "chaingrad compiled", "10,000 points", 1.0e-2, s),
            _timed_row("a", "numpy by hand", "10,000 points", 1e-2, s),
            _timed_row("e", "SGD, per parameter (before)", "337 parameters", 20e-6, s),
            _timed_row("e", "nn.SGD on Values", "337 parameters", 25e-6, s),
            _timed_row("e", "nn.SGD on an array", "337 parameters", 3e-6, s),
            _timed_row("e", "Adam, per parameter (before)", "337 parameters", 100e-6, s),
            _timed_row("e", "nn.Adam on Values", "337 parameters", 25e-6, s),
            _timed_row("e", "nn.Adam on an array", "337 parameters", 25e-6, s)]
    rows[1].peak_bytes, rows[0].peak_bytes = 1 << 20, 19 << 20
    got = {claim: (measured, target, verdict) for claim, measured, target, verdict in targets(rows)}
    assert got["(a) eager step vs micrograd"] == ("55x faster", ">= 50x faster", "met")
    assert got["(a) eager peak memory vs micrograd"] == ("1/19 (1 MB vs 19 MB)", "<= 1/20", "MISSED")
    assert got["(a) compiled step vs numpy by hand, 100 points"] == \
        ("1.4x numpy's time", "<= 1.5x numpy's time", "met")
    assert got["(a) compiled step vs numpy by hand, 1,000 points"] == \
        ("1.2x numpy's time", "<= 1.1x numpy's time", "MISSED")
    assert got["(a) compiled step vs numpy by hand, 10,000 points"] == \
        ("1x numpy's time", "<= 1.1x numpy's time", "met")
    assert got["(a) compiled step vs numpy by hand with np.dot, 100 points"] == \
        ("2x its time", "(no target)", "-")
    assert got["(e) SGD step on an array vs before"] == ("1/6.67 of before's time",
                                                         "<= 1/5 of before's time", "met")
    assert got["(e) Adam step on an array vs before"] == ("1/4 of before's time",
                                                          "<= 1/5 of before's time", "MISSED")
    assert got["(e) SGD step on Values vs before"] == ("1.25x before's time", "(no target)", "-")
    assert got["(e) Adam step on Values vs before"] == ("1/4 of before's time", "(no target)", "-")
    # The compiled step on Values is shown in the tables, never judged.
    assert not any("Values" in claim for claim in got if claim.startswith("(a)"))


def test_chain_flatness_is_judged_with_the_collector_paused():
    # Synthetic rows timed in the same rounds: per op, the paused engine goes
    # 1.0 us -> 1.2 us from 1e3 to 1e6 ops, the collector-on engine 1.0 -> 2.0 us.
    from benchmarks.report import targets
    from benchmarks.rows import Row
    from benchmarks.timing import Timing
    session = object()

    def row(engine, n, seconds_per_call):
        t = Timing(seconds_per_call, seconds_per_call, seconds_per_call, 1, 3, (seconds_per_call,) * 3,
                   session)
        return Row("b", engine, f"{n:,} ops", timing=t, units=n)

    rows = [row("chaingrad eager", 1_000, 1e-3), row("chaingrad eager, gc paused", 1_000, 1e-3),
            row("chaingrad eager", 1_000_000, 2.0), row("chaingrad eager, gc paused", 1_000_000, 1.2)]
    chain = [t for t in targets(rows) if t[0].startswith("(b)")]
    assert chain == [
        ("(b) eager time/op at 1,000,000 ops vs 1,000 ops, collector paused",
         "1.2x (1.2 us vs 1 us)", "<= 1.5x", "met"),
        ("(b) eager time/op at 1,000,000 ops vs 1,000 ops, collector on, not judged",
         "2x (2 us vs 1 us)", "(no target)", "-"),
    ]


def test_chain_rows_say_which_collector_setting_they_ran_with(rows):
    notes = {r.engine: r.note for r in _rows(rows, "b") if r.engine.startswith("chaingrad")}
    assert notes == {"chaingrad eager": "cyclic collector on, as a script runs",
                     "chaingrad eager, gc paused": "cyclic collector paused: the flatness target's row"}
