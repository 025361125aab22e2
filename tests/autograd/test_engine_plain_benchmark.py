"""``python -m benchmarks.plain_vs_fast --quick`` runs, and checks before timing
that each pair it compares gives the same gradients.  No time is asserted:
a unit test is no benchmark on a shared machine."""
import pytest

from benchmarks import plain_vs_fast


def test_quick_run_compares_every_pair(capsys):
    rows = plain_vs_fast.main(["--quick"])
    assert len(rows) == 4 and all(ratio > 0 for _, _, ratio in rows)
    assert "plain / fast" in capsys.readouterr().out


def test_a_pair_that_disagrees_is_refused(monkeypatch):
    real = plain_vs_fast._chain

    def off_by_one(mod, n):
        grads = real(mod, n)
        return [g + 1.0 for g in grads] if mod is plain_vs_fast.plain else grads

    monkeypatch.setattr(plain_vs_fast, "_chain", off_by_one)
    with pytest.raises(AssertionError, match="different gradients"):
        plain_vs_fast.main(["--quick"])
