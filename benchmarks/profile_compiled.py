"""Where the compiled training step's time goes: ``python -m benchmarks.profile_compiled``.

The step of workload (a) on the array path (``f.flat()``, ``nn.SGD`` on the
array), at 100 points unless ``--points N``: each piece is timed on its own
(the fastest of 15 batches of repeats, so a slow spell of the shared machine
does not count), then the whole step the same way.  The level groups are timed alone and in
sequence (a forward and backward pass with nothing else); what the pieces do
not account for is the call's own glue (method calls, tuples, the strict
error state, the checks of the result and of the gradient).
numpy by hand's step is timed beside it for scale.

    python -m benchmarks.profile_compiled [--points 100]
"""
import argparse
import timeit

from . import mlp_step, numpy_mlp


def _us(fn, calls):
    return min(timeit.repeat(fn, number=calls, repeat=15)) / calls * 1e6


def _name(step):
    prim = getattr(step, "prim", None)
    kind = type(step).__name__
    return f"{kind} {prim.name}" if prim is not None else f"{kind} (k={step.k})"


def profile(points=100):
    """``[(piece, microseconds)]`` for one step, the whole step last; and numpy's step."""
    import autograd
    import nn
    X, Y, layers = mlp_step.problem(points)
    model = nn.MLP(2, [16, 16, 1], activation="relu", rng=0)
    model.load_state_dict(mlp_step._state_dict(layers))
    f = autograd.compile(mlp_step._squared_error(model), input_grads=False)
    params = f.flat()
    opt = nn.SGD(params, lr=1e-12)          # the parameters hardly move: every repeat is alike
    args = mlp_step._columns(X, Y)
    calls = max(20, 200_000 // max(points, 1) // 10)

    def step():
        opt.zero_grad()
        params.value_and_grad(*args)
        opt.step()

    step()
    bound = f._batch(args, params.data)
    pieces = [("inputs and parameters into the buffers", _us(lambda: f._batch(args, params.data), calls)),
              ("finiteness of inputs and parameters", _us(lambda: f._finite(bound), calls))]
    caches = [forward() for forward in bound.forwards]

    def groups():
        done = [forward() for forward in bound.forwards]
        for backward, cache in zip(bound.backwards, reversed(done)):
            backward(cache)
    in_sequence = _us(groups, calls)
    names = [_name(s) for s in f.plan.steps]
    alone = []
    for name, forward in zip(names, bound.forwards):
        alone.append((f"  forward  {name}", _us(forward, calls)))
    for name, backward, cache in zip(reversed(names), bound.backwards, reversed(caches)):
        alone.append((f"  backward {name}", _us(lambda b=backward, c=cache: b(c), calls)))
    pieces.append(("the level groups, in sequence (each alone below)", in_sequence))
    grads = f._run(args, True, params.data, True)[2].copy()

    def add():
        params.grad.fill(0.0)
        params.grad[...] = grads
    pieces += [("gradient into params.grad", _us(add, calls)),
               ("opt.zero_grad()", _us(opt.zero_grad, calls)),
               ("opt.step()", _us(opt.step, calls))]
    whole = _us(step, calls)
    p = [(W.copy(), b.copy()) for W, b in layers]
    numpy_step = _us(lambda: numpy_mlp.step(p, X, Y, 1e-12), calls)
    return pieces, alone, whole, numpy_step


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile_compiled",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--points", type=int, default=100, help="batch size (default 100)")
    args = parser.parse_args(argv)
    pieces, alone, whole, numpy_step = profile(args.points)
    accounted = sum(us for _, us in pieces)
    rows = pieces + [("the call's own glue: the rest", whole - accounted)]
    width = max(len(name) for name, _ in rows + alone)
    print(f"compiled training step, array path, MLP(2, [16, 16, 1]), {args.points} points: "
          f"{whole:.1f} us (numpy by hand: {numpy_step:.1f} us, ratio {whole / numpy_step:.2f})")
    for name, us in rows:
        print(f"  {name:<{width}}  {us:7.1f} us  {100 * us / whole:5.1f}%")
        if name.startswith("the level groups"):
            for sub, sub_us in alone:
                print(f"  {sub:<{width}}  {sub_us:7.1f} us  {100 * sub_us / whole:5.1f}%")
    total_alone = sum(us for _, us in alone)
    in_sequence = next(us for name, us in pieces if name.startswith("the level groups"))
    print(f"  the groups alone add up to {total_alone:.1f} us; run in sequence they take "
          f"{in_sequence:.1f} us (each reads what another wrote, out of cache)")

if __name__ == "__main__":
    main()
