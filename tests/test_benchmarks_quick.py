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
    ref = next(r for r in wl if r.engine == REFERENCE[workload])
    others = [r for r in wl if r is not ref and r.ok]
    assert others
    for r in others:
        assert r.check.keys() == ref.check.keys()
        for key, expected in ref.check.items():
            np.testing.assert_allclose(r.check[key], expected, rtol=1e-9, atol=1e-12,
                                       err_msg=f"{workload} {r.engine} {key}")


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
