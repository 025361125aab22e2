"""Backpropagation, step by step, as one self-contained HTML page.

    python -m demos.backprop            # writes out/backprop.html and prints its path
    python -m demos.backprop --out DIR --renderer graphviz-pure

Two graphs: a small expression, and one leaky-ReLU neuron with a squared-error
loss.  For each, the page shows every frame of ``autograd.backward_frames``:
the root's gradient set to 1, then each operation in the order
``Value.backward`` processes it, passing grad × local derivative to its
operands.  Previous/next buttons (or the arrow keys) step through; a checkbox
highlights the paths from one input to the output.  The SVGs are inline and
the script is inline: the page needs no network.
"""
import argparse
import html
import os
import sys

import autograd
from autograd import Value, backward_frames, render
from autograd.viz.rendering import RendererNotFound, find_renderer


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
    ("A small expression", "z = tanh(x·y + exp(x)) + x/2", expression),
    ("One neuron and its loss", "loss = (leaky_relu(w·x + b) − 2)²", neuron),
]


def _inline(svg):
    # Drop the XML prolog and DOCTYPE: inside HTML the <svg> element stands alone.
    return svg[svg.index("<svg"):]


def _frames(root, highlight, renderer):
    plain = [(f, _inline(render(f, "svg", renderer))) for f in backward_frames(root)]
    lit = [_inline(render(f, "svg", renderer))
           for f in backward_frames(root, highlight=highlight)]
    return plain, lit


def section(k, title, formula, root, highlight, renderer):
    """One example's frames as an HTML section (two SVGs per frame: plain and
    with the paths from ``highlight`` drawn bold)."""
    plain, lit = _frames(root, highlight, renderer)
    name = html.escape(highlight.label or "the input")
    parts = [f'<section id="ex{k}"><h2>{html.escape(title)}</h2>'
             f'<p class="formula">{html.escape(formula)}</p>'
             '<div class="controls"><button class="prev">◀ previous</button>'
             f'<span class="counter"></span><button class="next">next ▶</button>'
             f'<label><input type="checkbox" class="lit"> highlight the paths from '
             f'<b>{name}</b> to the output</label></div>']
    for (f, svg), svg_lit in zip(plain, lit):
        node = f.node
        parts.append(f'<div class="frame" data-step="{f.step}" data-op="{html.escape(node.op)}" '
                     f'data-value="{node.data!r}">'
                     f'<div class="plain">{svg}</div><div class="lit">{svg_lit}</div></div>')
    parts.append("</section>")
    return "\n".join(parts)


_STYLE = """
body { font-family: Helvetica, Arial, sans-serif; margin: 1.5em; color: #222; }
section { border-top: 1px solid #ccc; padding-top: 0.5em; margin-bottom: 2em; }
.formula { font-family: monospace; font-size: 1.1em; }
.controls { margin: 0.5em 0; display: flex; gap: 1em; align-items: center; }
.controls button { font-size: 1em; padding: 0.3em 0.8em; }
.frame { display: none; overflow-x: auto; }
.frame.on { display: block; }
.frame .lit { display: none; }
section.show-lit .frame .lit { display: block; }
section.show-lit .frame .plain { display: none; }
svg { max-width: 100%; height: auto; }
.key { font-size: 0.9em; color: #444; max-width: 60em; }
"""

_SCRIPT = """
document.querySelectorAll("section").forEach(function (sec) {
  var frames = sec.querySelectorAll(".frame"), i = 0;
  var counter = sec.querySelector(".counter");
  function show(k) {
    i = Math.max(0, Math.min(frames.length - 1, k));
    frames.forEach(function (f, j) { f.classList.toggle("on", j === i); });
    counter.textContent = "step " + i + " of " + (frames.length - 1);
  }
  sec.querySelector(".prev").onclick = function () { show(i - 1); };
  sec.querySelector(".next").onclick = function () { show(i + 1); };
  sec.querySelector("input.lit").onchange = function (e) {
    sec.classList.toggle("show-lit", e.target.checked);
  };
  sec.tabIndex = 0;
  sec.onkeydown = function (e) {
    if (e.key === "ArrowRight") show(i + 1);
    if (e.key === "ArrowLeft") show(i - 1);
  };
  show(0);
});
"""

_KEY = (
    "Each box is a value: its number #i, label, data and the gradient accumulated "
    "so far. Blue means a positive gradient, orange a negative one; deeper colour, "
    "larger |gradient|. Each oval is an operation; the number on an arrow into it is "
    "the local derivative of its output with respect to that operand. In each step "
    "the yellow operation passes its gradient times each local derivative to its "
    "operands (the yellow arrows), and they add it to theirs: the chain rule.")


def page(sections):
    """The whole HTML document."""
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<title>chaingrad: backprop step by step</title>"
            f"<style>{_STYLE}</style></head><body>"
            "<h1>Backpropagation, step by step</h1>"
            f'<p class="key">{html.escape(_KEY)}</p>'
            + "\n".join(sections) + f"<script>{_SCRIPT}</script></body></html>\n")


def write(out_dir="out", renderer=None):
    """Build the page into ``out_dir``; returns its path."""
    renderer = find_renderer(renderer)
    sections = []
    for k, (title, formula, build) in enumerate(EXAMPLES):
        root, lit = build()
        sections.append(section(k, title, formula, root, lit, renderer))
    os.makedirs(out_dir, exist_ok=True)
    path = os.path.join(out_dir, "backprop.html")
    with open(path, "w", encoding="utf-8") as f:
        f.write(page(sections))
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
