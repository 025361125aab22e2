"""Where the eager engine's time goes: ``python -m benchmarks.profile_eager``.

Three measurements behind the README's "where the time goes":
forward vs backward (and the topological sort inside backward) of one MLP
training step; cProfile's top functions for that step; and the cyclic garbage
collector's share of building and differentiating a long chain (the same
chain timed with ``gc`` enabled and disabled; ``gc`` is restored afterwards).
"""
import cProfile
import gc
import io
import pstats
import statistics
import time

from . import mlp_step


def _median_ms(fn, repeats=7):
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples) * 1e3


def mlp_breakdown():
    import nn
    from autograd import topological_order
    X, Y, layers = mlp_step.problem(100)
    model = nn.MLP(2, [16, 16, 1], activation="relu", rng=0)
    model.load_state_dict(mlp_step._state_dict(layers))
    opt = nn.SGD(model.parameters(), lr=mlp_step.LR)
    xs, ys = X.tolist(), Y.tolist()

    def forward():
        return nn.mse([model(x) for x in xs], ys)

    def step():
        loss = forward()
        opt.zero_grad()
        loss.backward()
        opt.step()

    step()
    loss = forward()
    order = topological_order(loss)
    edges = sum(len(n._args) for n in order)
    print(f"MLP step graph: {len(order):,} nodes, {edges:,} operand slots")
    print(f"  step {_median_ms(step):.1f} ms = forward {_median_ms(forward):.1f} ms"
          f" + backward {_median_ms(loss.backward):.1f} ms"
          f" (of which topological_order {_median_ms(lambda: topological_order(loss)):.1f} ms)")
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(5):
        step()
    prof.disable()
    out = io.StringIO()
    pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(8)
    print("\n".join(line for line in out.getvalue().splitlines()
                    if line.strip() and not line.startswith(("   Ordered", "   List"))))


def gc_share(n=500_000):
    from autograd import Value
    results = {}
    was_enabled = gc.isenabled()
    try:
        for label, enabled in [("gc on", True), ("gc off", False)] * 2:
            gc.collect()
            (gc.enable if enabled else gc.disable)()
            start = time.perf_counter()
            x = Value(1.0)
            y = x
            for _ in range(n):
                y = y * 1.0001 + 0.001
            built = time.perf_counter()
            y.backward()
            done = time.perf_counter()
            del x, y
            results.setdefault(label, []).append(((built - start) / n * 1e6, (done - built) / n * 1e6))
    finally:
        (gc.enable if was_enabled else gc.disable)()
    print(f"chain of {n:,} ops (2 nodes each), microseconds per op, fastest of 2:")
    for label, runs in results.items():
        b = min(r[0] for r in runs)
        w = min(r[1] for r in runs)
        print(f"  {label:6s} build {b:.2f}  backward {w:.2f}")


if __name__ == "__main__":
    mlp_breakdown()
    print()
    gc_share()
