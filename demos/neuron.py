"""One leaky-ReLU neuron, with the engine doing the calculus.

    python -m demos.neuron [--out out] [--seed 0] [--steps 500] [--lr 0.001]

Takes the reference's data X (4x5) and y, builds the reference neuron in
numpy (``nn.NumpyNeuron``) and an engine neuron (``nn.Neuron``) with the very
same weights; prints the forward pass, the closed-form gradient derived in
``docs/neuron-gradient.md`` and the engine's gradient side by side with their
largest difference; trains the engine neuron with plain gradient descent
(``nn.SGD``), printing the loss as it falls; and writes the neuron's
computational graph as SVG when a graph renderer is available.
"""
from __future__ import annotations

import argparse
import os
import time

import numpy as np

import autograd
import nn
from nn import Neuron, NumpyNeuron

from ._common import out_dir

X = np.array(
    [
        [-1, 2, 3, 13, 17],
        [4, -5, 6, 14, 18],
        [7, 8, -9, 15, 19],
        [-10, 11, 12, 16, -20],
    ],
    dtype=np.float64,
)
y = np.array([100, 200, 300, 400], dtype=np.float64)


def _fmt(a: object) -> str:
    return np.array2string(np.asarray(a, dtype=float), precision=8, max_line_width=120)


def loss_of(neuron: Neuron) -> autograd.Value:
    """J = 1/2 * sum((a - y)^2) over the reference's four rows, as a graph.

    Example:
        >>> from nn import Neuron, NumpyNeuron
        >>> from demos.neuron import X, loss_of
        >>> round(loss_of(Neuron.from_numpy(NumpyNeuron(X.shape, rng=0))).data, 4)
        138792.1567
    """
    return nn.squared_error([neuron(row) for row in X.tolist()], y.tolist())


def compare(ref: NumpyNeuron, neuron: Neuron) -> tuple[autograd.Value, float]:
    """Print forward pass and both gradients; return (J, largest |difference|).

    Example:
        >>> from nn import Neuron, NumpyNeuron
        >>> from demos.neuron import X, compare
        >>> ref = NumpyNeuron(X.shape, rng=0)
        >>> J, diff = compare(ref, Neuron.from_numpy(ref))     # doctest: +ELLIPSIS
        forward pass (numpy reference vs engine)
        ...
        >>> diff < 1e-8
        True
    """
    z_ref = ref._get_linear_transformation(X)
    outs = [neuron(row) for row in X.tolist()]
    print("forward pass (numpy reference vs engine)")
    print("  linear transformation z:", _fmt(z_ref))
    print("                   engine:", _fmt([o.parents[0].data for o in outs]))
    print("  leaky_relu(z)          :", _fmt(ref.forward(X)))
    print("                   engine:", _fmt([o.data for o in outs]))
    J = nn.squared_error(outs, y.tolist())
    J.backward()
    dw_ref, db_ref = ref.gradients(y, X)
    dw = np.array([p.grad for p in neuron.w])
    db = neuron.b.grad
    print(f"\nJ = 1/2 * sum((a - y)^2) = {J.data!r}")
    print("gradient of J: the closed form (NumpyNeuron.gradients, derived in docs/neuron-gradient.md)"
          " and the engine")
    print("  dJ/dw closed form:", _fmt(dw_ref), f"  dJ/db: {float(db_ref)!r}")
    print("  dJ/dw engine     :", _fmt(dw), f"  dJ/db: {db!r}")
    diff = max(np.max(np.abs(dw - dw_ref)), abs(db - db_ref))
    rel = diff / max(np.max(np.abs(dw_ref)), abs(db_ref))
    print(f"  largest difference: {diff:.3g} (relative {rel:.3g}; floating-point summation order)")
    return J, float(diff)


def train(neuron: Neuron, steps: int, lr: float) -> list[float]:
    """Plain gradient descent, theta <- theta - lr * dJ/dtheta; returns the losses.

    Example:
        >>> from nn import Neuron, NumpyNeuron
        >>> from demos.neuron import X, train
        >>> losses = train(Neuron.from_numpy(NumpyNeuron(X.shape, rng=0)), 2, 1e-3)  # doctest: +ELLIPSIS
        <BLANKLINE>
        training with SGD (lr=0.001, 2 steps)
        ...
        >>> len(losses), losses[2] < losses[0]
        (3, True)
    """
    opt = nn.SGD(neuron.parameters(), lr=lr)
    losses = []
    every = max(1, steps // 10)
    print(f"\ntraining with SGD (lr={lr}, {steps} steps)")
    for step in range(steps + 1):
        J = loss_of(neuron)
        losses.append(J.data)
        if step % every == 0:
            print(f"  step {step:>4}  J = {J.data:.6g}")
        if step == steps:
            break
        opt.zero_grad()
        J.backward()
        opt.step()
    preds = [round(neuron(row).data, 4) for row in X.tolist()]
    print(f"  predictions {preds}  targets {y.tolist()}")
    return losses


def write_graph(J: autograd.Value, neuron: Neuron, folder: str) -> str | None:
    """Write the graph of J (one box per neuron) as SVG; returns the path, or
    None after printing why the picture was skipped (no renderer installed).

    Example:
        >>> import tempfile
        >>> from nn import Neuron
        >>> from demos.neuron import write_graph
        >>> n = Neuron(1, rng=0)
        >>> path = write_graph(n([1.0]), n, tempfile.mkdtemp())   # doctest: +ELLIPSIS
        <BLANKLINE>
        graph ...
    """
    try:
        svg = autograd.draw_dot(J, module=neuron).svg()
    except autograd.RendererNotFound as e:     # an optional program: say how to get it
        print(f"\ngraph picture skipped: {e}")
        return None
    path = os.path.join(folder, "neuron_graph.svg")
    with open(path, "w", encoding="utf-8") as f:
        f.write(svg)
    print(f"\ngraph of J written to {path}")
    return path


def main(argv: list[str] | None = None) -> tuple[float, list[float]]:
    """Run the demo with command-line arguments ``argv``; returns (largest difference, losses).

    Example:
        >>> import tempfile
        >>> from demos.neuron import main
        >>> diff, losses = main(["--out", tempfile.mkdtemp(), "--steps", "1"])  # doctest: +ELLIPSIS
        the reference neuron (nn.NumpyNeuron): ...
        >>> len(losses)
        2
    """
    parser = argparse.ArgumentParser(prog="python -m demos.neuron", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="out", help="folder for the picture (default: out)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the initial weights")
    parser.add_argument("--steps", type=int, default=500, help="gradient descent steps")
    parser.add_argument("--lr", type=float, default=1e-3, help="learning rate")
    args = parser.parse_args(argv)
    start = time.perf_counter()

    ref = NumpyNeuron(X.shape, rng=args.seed)
    neuron = Neuron.from_numpy(ref)
    print("the reference neuron (nn.NumpyNeuron): w =", _fmt(ref.w), f" b = {ref.b!r}  alpha = {ref.alpha}")
    J, diff = compare(ref, neuron)
    write_graph(J, neuron, out_dir(args.out))
    losses = train(neuron, args.steps, args.lr)
    print(f"\nJ fell from {losses[0]:.6g} to {losses[-1]:.6g}  ({time.perf_counter() - start:.1f} s)")
    return diff, losses


if __name__ == "__main__":
    main()
