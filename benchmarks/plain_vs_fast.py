"""``python -m benchmarks.plain_vs_fast [--quick]``: the plain engine beside the fast one.

``autograd/plain.py`` is the algorithm with no speed tricks; ``autograd/engine.py``
is the same algorithm fused for speed.  This times both on the same graphs,
side by side in one run (interleaved rounds, ratios as medians of per-round
ratios, as the main suite does):

* an MLP(2, [16, 16, 1]) step on 32 points: build the graph (ReLU layers, mean
  squared error) and backpropagate;
* a chain of 20,000 operations (``tanh(v * 0.999 + 0.001)`` repeated): build
  and backpropagate;
* on the fast engine only, the same backward sweep two ways: ``backward``'s
  fused loop, and ``grad``, which applies the shared ``registry.chain_rule``
  node by node (the reason ``Value.backward`` keeps its fused copy).

Before timing, every pair is checked to give the same gradients (to 1e-12).
Nothing is written; the figures go into docs/engine.md by hand, with the
command and the machine's noise in mind.
"""
from __future__ import annotations

import argparse
import sys

import numpy as np

import autograd
from autograd import plain

from .timing import measure_side_by_side, paired_ratio

SIZES = [2, 16, 16, 1]


def _mlp_problem(n_points: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.0, 2.0, (n_points, 2)).tolist()
    Y = np.sin(np.array(X)[:, 0]).tolist()
    layers = []
    for nin, nout in zip(SIZES[:-1], SIZES[1:]):
        bound = 1.0 / np.sqrt(nin)
        layers.append(rng.uniform(-bound, bound, (nout, nin + 1)).tolist())  # weights, then bias
    return X, Y, layers


def _mlp_step(mod, X, Y, layers):
    """One MLP step on the engine ``mod`` (``autograd`` or ``autograd.plain``):
    build the loss graph and backpropagate; returns the parameters' gradients."""
    params = [[[mod.Value(w) for w in row] for row in layer] for layer in layers]
    last = len(params) - 1
    errors = []
    for x, y in zip(X, Y):
        h = list(x)
        for i, layer in enumerate(params):
            zs = [mod.dot(h + [1.0], row) for row in layer]  # the bias is the weight of input 1.0
            h = zs if i == last else [z.relu() for z in zs]
        errors.append((h[0] - y) ** 2)
    loss = mod.sum(errors) * (1.0 / len(Y))
    loss.backward()
    return [w.grad for layer in params for row in layer for w in row]


def _chain(mod, n: int):
    x = mod.Value(0.5)
    v = x
    for _ in range(n):
        v = (v * 0.999 + 0.001).tanh()
    v.backward()
    return [x.grad]


def _same(a, b):
    return all(p == q or abs(p - q) <= 1e-12 * max(abs(p), abs(q)) for p, q in zip(a, b)) \
        and len(a) == len(b)


def _prepared_mlp(X, Y, layers):
    """The fast engine's MLP loss graph, built once, and its parameters."""
    params = [autograd.Value(w) for layer in layers for row in layer for w in row]
    it = iter(params)
    rows = [[[next(it) for _ in row] for row in layer] for layer in layers]
    errors = []
    for x, y in zip(X, Y):
        h = list(x)
        for i, layer in enumerate(rows):
            zs = [autograd.dot(h + [1.0], row) for row in layer]
            h = zs if i == len(rows) - 1 else [z.relu() for z in zs]
        errors.append((h[0] - y) ** 2)
    return autograd.sum(errors) * (1.0 / len(Y)), params


def _prepared_chain(n):
    x = autograd.Value(0.5)
    v = x
    for _ in range(n):
        v = (v * 0.999 + 0.001).tanh()
    return v, [x]


def _fused_vs_rule(out, params):
    """backward's fused loop vs grad's sweep through chain_rule, on one graph."""
    order = autograd.topological_order(out)

    def fused():
        for v in order:
            v.grad = 0.0
        out.backward()
        return [p.grad for p in params]

    def rule():
        return list(autograd.grad(out, params))

    return fused, rule


def main(argv: list[str] | None = None) -> list[tuple[str, str, float]]:
    """Run, print a table, return ``[(workload, comparison, ratio)]``.

    Example:
        >>> rows = main(["--quick"])                       # doctest: +ELLIPSIS
        workload ...
        >>> sorted({what for _, what, _ in rows})
        ['grad() / backward (fast engine)', 'plain / fast']
    """
    parser = argparse.ArgumentParser(prog="python -m benchmarks.plain_vs_fast",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, two rounds (seconds)")
    args = parser.parse_args(argv)
    n_points, chain_n = (4, 200) if args.quick else (32, 20_000)
    repeats = 2 if args.quick else 15
    batch = 0.001 if args.quick else 0.05
    X, Y, layers = _mlp_problem(n_points)

    pairs = [
        (f"MLP(2, [16, 16, 1]) step, {n_points} points", "plain / fast",
         lambda: _mlp_step(plain, X, Y, layers), lambda: _mlp_step(autograd, X, Y, layers)),
        (f"chain of {chain_n:,} ops, build + backward", "plain / fast",
         lambda: _chain(plain, chain_n), lambda: _chain(autograd, chain_n)),
    ]
    for name, (out, params) in ((f"MLP step graph, {n_points} points", _prepared_mlp(X, Y, layers)),
                                (f"chain of {chain_n:,} ops", _prepared_chain(chain_n))):
        fused, rule = _fused_vs_rule(out, params)
        pairs.append((f"{name}: backward sweep only", "grad() / backward (fast engine)", rule, fused))

    rows = []
    lines = [f"{'workload':<48} {'comparison':<34} {'slow ms':>9} {'fast ms':>9} {'ratio':>6}"]
    for workload, what, slow, fast in pairs:
        (t_slow, r_slow), (t_fast, r_fast) = measure_side_by_side(
            [slow, fast], repeats=repeats, min_batch_seconds=batch)
        if not _same(r_slow, r_fast):
            raise AssertionError(f"{workload}: the two give different gradients")
        ratio = paired_ratio(t_slow, t_fast)
        rows.append((workload, what, ratio))
        lines.append(f"{workload:<48} {what:<34} {t_slow.median * 1e3:>9.2f} "
                     f"{t_fast.median * 1e3:>9.2f} {ratio:>5.2f}x")
    print("\n".join(lines))
    return rows


if __name__ == "__main__":
    main(sys.argv[1:])
