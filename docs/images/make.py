"""Draw the graph pictures that README.md and docs/neuron-gradient.md show.

    python -m docs.images.make            # from the repository root; needs dot or graphviz-pure

Each picture is ``autograd.draw_dot`` on a small graph built here, rendered to
SVG and written beside this file.  tests/test_readme.py re-draws them and
checks that every number and label in the committed SVGs is still what the
engine draws today (the layout coordinates may differ between renderers).
"""
from __future__ import annotations

import pathlib
from collections.abc import Callable

import numpy as np

import nn
from autograd import Value, draw_dot, render

HERE = pathlib.Path(__file__).resolve().parent

# The reference neuron's data (the same X and y as tests/nn/test_nn_reference_proof.py)
# and weights chosen so that every number can be checked by hand.
X = np.array([[-1, 2, 3, 13, 17],
              [4, -5, 6, 14, 18],
              [7, 8, -9, 15, 19],
              [-10, 11, 12, 16, -20]], dtype=np.float64)
Y = np.array([100, 200, 300, 400], dtype=np.float64)
W = [0.5, 0.5, 0.5, 0.5, 1.0]
B = 1.0


def readme_example() -> Value:
    """The README's first example, L = (a*b + c) * f, after backward.

    Example:
        >>> from docs.images.make import readme_example
        >>> L = readme_example()
        >>> L.data, L.grad
        (-8.0, 1.0)
    """
    a, b = Value(2.0, label="a"), Value(-3.0, label="b")
    c, f = Value(10.0, label="c"), Value(-2.0, label="f")
    L = (a * b + c) * f
    L.label = "L"
    L.backward()
    return L


def reference_neuron() -> nn.Neuron:
    """An ``nn.Neuron`` holding the hand-checkable weights ``W`` and bias ``B``.

    Example:
        >>> from docs.images.make import reference_neuron
        >>> [p.data for p in reference_neuron().parameters()]
        [0.5, 0.5, 0.5, 0.5, 1.0, 1.0]
    """
    neuron = nn.Neuron(5, rng=0)
    neuron.load_state_dict({**{f"w.{j}": w for j, w in enumerate(W)}, "b": B})
    return neuron


def neuron_loss(rows: list[int]) -> tuple[Value, nn.Neuron]:
    """J = 1/2 * sum((a - y)^2) over the given rows of ``X``, after backward.

    Example:
        >>> from docs.images.make import neuron_loss
        >>> J, neuron = neuron_loss([3])
        >>> neuron.b.grad        # row 3: z = -4.5, a = -0.045, e = -400.045, e * 0.01
        -4.00045
    """
    neuron = reference_neuron()
    J = nn.squared_error([neuron(X[i].tolist()) for i in rows], Y[rows].tolist())
    J.label = "J"
    J.backward()
    return J, neuron


def _neuron_picture(rows: list[int]):
    J, neuron = neuron_loss(rows)
    return draw_dot(J, module=neuron, digits=6)


PICTURES: dict[str, Callable[[], object]] = {
    "readme-example.svg": lambda: draw_dot(readme_example()),
    "neuron-one-row.svg": lambda: _neuron_picture([3]),
    "neuron-four-rows.svg": lambda: _neuron_picture([0, 1, 2, 3]),
}


def svg_of(name: str) -> str:
    """Draw the picture ``name`` (a key of ``PICTURES``) and render it to SVG.

    Example:
        >>> from docs.images.make import svg_of
        >>> svg_of("readme-example.svg").count("<svg")      # doctest: +SKIP
        1
    """
    return render(PICTURES[name](), "svg")


def main() -> None:
    """Write every picture of ``PICTURES`` beside this file."""
    for name in PICTURES:
        path = HERE / name
        path.write_text(svg_of(name), encoding="utf-8")
        print(f"wrote {path}")


if __name__ == "__main__":
    main()
