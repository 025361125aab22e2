"""``python -m benchmarks.exact_sum [--quick]``: what the compiler's exact ``sum`` costs.

A compiled ``sum`` node adds its operands with the numpy namespace's
``fsum``, the exactly rounded sum that eager's ``math.fsum`` gives.  This
times it beside the plain numpy sum it replaced (``np.sum`` over the stacked
operands, which differs from eager's in the last bits, or entirely when the
operands cancel), side by side in one run, interleaved rounds, ratios as
medians of per-round ratios:

* the namespace function alone, on blocks shaped as a group passes them
  (``n`` operands of ``(k, B)`` rows);
* whole compiled calls (``value_and_grad``): an MLP(2, [16, 16, 16]) whose
  16 outputs' squared errors are added by one ``sum`` node, and benchmark
  (a)'s MLP(2, [16, 16, 1]) step function, which has no ``sum`` node (its
  ratio shows the noise).

The two sums are checked to agree before timing (to 1e-12 relative to the
operands' size: they add in different orders).  Nothing is written.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np

import autograd
import nn
from autograd.mathspaces import NUMPY

from .timing import measure_side_by_side, paired_ratio

_EXACT = type(NUMPY).fsum
_ENTRY = vars(type(NUMPY))["fsum"]        # the class's own entry (a staticmethod), to put back


def plain_sum(args):
    """The compiler's sum before it was exact: numpy's, in numpy's order."""
    return np.sum(np.broadcast_arrays(*args), axis=0)


class _Using:
    """Calls ``fn`` with ``NUMPY.fsum`` set to ``impl`` (put back afterwards)."""

    def __init__(self, impl, fn):
        self.impl, self.fn = staticmethod(impl), fn

    def __call__(self):
        cls = type(NUMPY)
        cls.fsum = self.impl
        try:
            return self.fn()
        finally:
            cls.fsum = _ENTRY


def _blocks(n, k, size, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.normal(size=(k, size)) for _ in range(n)]


def _compiled_sum_of_squares(size, seed=0):
    model = nn.MLP(2, [16, 16, 16], activation="relu", rng=seed)
    f = autograd.compile(
        lambda x0, x1: autograd.sum([(o - 0.5) ** 2 for o in model([x0, x1])]), input_grads=False)
    X = np.random.default_rng(seed).uniform(-2.0, 2.0, (2, size))
    return lambda: f.value_and_grad(*X)[0]


def _compiled_mlp_step(size, seed=0):
    model = nn.MLP(2, [16, 16, 1], activation="relu", rng=seed)
    f = autograd.compile(lambda x0, x1, y: (model([x0, x1]) - y) ** 2 * (1.0 / size),
                         input_grads=False)
    rng = np.random.default_rng(seed)
    X, Y = rng.uniform(-2.0, 2.0, (2, size)), rng.normal(size=size)
    return lambda: f.value_and_grad(*X, Y)[0]


def _agree(a, b, scale):
    return np.all(np.abs(np.asarray(a) - np.asarray(b)) <= 1e-12 * scale)


def main(argv: list[str] | None = None) -> list[tuple[str, float]]:
    """Run, print a table, return ``[(workload, exact / plain)]``.

    Example:
        >>> rows = main(["--quick"])                       # doctest: +ELLIPSIS
        workload ...
        >>> all(ratio > 0 for _, ratio in rows)
        True
    """
    parser = argparse.ArgumentParser(prog="python -m benchmarks.exact_sum",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, two rounds (seconds)")
    args = parser.parse_args(argv)
    # Short batches, many rounds: a shared machine's slow spells hit both sums alike.
    repeats = 2 if args.quick else 31
    batch = 0.001 if args.quick else 0.02
    sizes = (10,) if args.quick else (100, 10_000)

    cases = []
    for n, k in ((3, 16), (16, 1), (16, 16)):
        for size in sizes:
            ops = _blocks(n, k, size)
            scale = float(np.sum(np.abs(ops)))
            cases.append((f"NUMPY.fsum, {n} operands of ({k}, {size})",
                          lambda ops=ops: plain_sum(ops), lambda ops=ops: _EXACT(ops), scale))
    for size in sizes:
        call = _compiled_sum_of_squares(size)
        cases.append((f"compiled MLP(2, [16, 16, 16]) + sum of 16 squares, B={size}",
                      _Using(plain_sum, call), _Using(_EXACT, call), None))
        call = _compiled_mlp_step(size)
        cases.append((f"compiled benchmark (a) step (no sum node), B={size}",
                      _Using(plain_sum, call), _Using(_EXACT, call), None))

    rows = []
    lines = [f"{'workload':<62} {'plain ms':>9} {'exact ms':>9} {'exact/plain':>11}"]
    for workload, plain, exact, scale in cases:
        (t_plain, r_plain), (t_exact, r_exact) = measure_side_by_side(
            [plain, exact], repeats=repeats, min_batch_seconds=batch)
        scale = scale if scale is not None else float(np.sum(np.abs(r_exact))) + 1.0
        if not _agree(r_plain, r_exact, scale):
            raise AssertionError(f"{workload}: the two sums disagree beyond rounding")
        ratio = paired_ratio(t_exact, t_plain)
        rows.append((workload, ratio))
        lines.append(f"{workload:<62} {t_plain.median * 1e3:>9.3f} {t_exact.median * 1e3:>9.3f} "
                     f"{ratio:>10.2f}x")
    print("\n".join(lines))
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
