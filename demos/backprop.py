"""Backpropagation, step by step, as one self-contained HTML page.

    python -m demos.backprop            # writes out/backprop.html and prints its path
    python -m demos.backprop --out DIR --renderer graphviz-pure

Two graphs: a small expression, and one leaky-ReLU neuron with a squared-error
loss.  Each is an ``autograd.stepper``: the root's gradient set to 1, then
each operation in the order ``Value.backward`` processes it, passing grad ×
local derivative to its operands, with a caption in the graph's own names
and a legend.  Previous/next buttons or the arrow keys step through; a
checkbox highlights the paths from one input to the output.  In a notebook,
``autograd.stepper(root, highlight=x)`` shows the same thing inline.
"""
import argparse
import os
import sys

import autograd
from autograd import Value, stepper
from autograd.viz.rendering import RendererNotFound
from autograd.viz.stepping import page


def expression():
    """z = tanh(x*y + exp(x)) + x / 2: shared x, a product, a non-linearity.

    Returns ``(root, input to highlight)``."""
    x = Value(0.7, label="x")
    y = Value(-1.2, label="y")
    z = (x * y + x.exp()).tanh() + x / 2
    z.label = "z"
    return z, x


def neuron():
    """One neuron as nn builds it: leaky_relu(w·x + b), then (out - target)².

    Returns ``(loss, weight to highlight)``."""
    xs = [Value(v, label=f"x{i}") for i, v in enumerate((1.5, -0.5, 2.0))]
    ws = [Value(v, label=f"w{i}") for i, v in enumerate((0.4, -0.6, 0.25))]
    b = Value(0.1, label="b")
    out = (autograd.dot(xs, ws) + b).leaky_relu(0.01)
    out.label = "out"
    loss = (out - 2.0) ** 2
    loss.label = "loss"
    return loss, ws[0]


EXAMPLES = [
    ("A small expression: z = tanh(x·y + exp(x)) + x/2", expression),
    ("One neuron and its loss: loss = (leaky_relu(w·x + b) − 2)²", neuron),
]

KEY = (
    "Each box is a value: its number #i, label, data and the gradient accumulated "
    "so far. Each oval is an operation; the number on an arrow into it is the local "
    "derivative of its output with respect to that operand. In each step the yellow "
    "operation passes its gradient times each local derivative to its operands, and "
    "they add it to theirs: the chain rule. Each stepper's legend has the details.")


def write(out_dir="out", renderer=None):
    """Build the page into ``out_dir``; returns its path."""
    steppers = []
    for title, build in EXAMPLES:
        root, lit = build()
        steppers.append(stepper(root, highlight=lit, title=title, renderer=renderer))
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "backprop.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(page(steppers, "Backpropagation, step by step", KEY))
    return path


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m demos.backprop", description=__doc__.split("\n")[0])
    parser.add_argument("--out", default="out", help="folder for backprop.html (default: out)")
    parser.add_argument("--renderer", default=None,
                        help="dot, graphviz-pure or a path (default: dot if found, else graphviz-pure)")
    args = parser.parse_args(argv)
    try:
        path = write(args.out, args.renderer)
    except RendererNotFound as e:
        print(f"demos.backprop: {e}", file=sys.stderr)
        return 1
    print(os.path.abspath(path))
    return 0


if __name__ == "__main__":
    sys.exit(main())
