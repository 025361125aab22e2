"""``python -m benchmarks.pictures``: the sizes and timings docs/pictures.md quotes.

* how far any node moves between the frames of one ``backward_frames`` call
  (the tanh example of demos.backprop), per renderer;
* the size of ``draw_dot(loss, module=model)`` for a 100-example two-moons
  loss (``nn.MLP(2, [16, 16, 1])``, mean hinge and mean squared error), and
  how long drawing and rendering it take;
* building the stepper's frames: one renderer run per frame against one run
  for all of them (a ratio, measured side by side in this run);
* a 999-value chain: ``draw_dot``, then rendering it with each renderer;
  ``to_text`` and the size guard on a 100,001-value chain.

It uses only ``draw_dot``, ``backward_frames`` and ``render``, so the same
command measures an older checkout too (run it with that checkout first on
PYTHONPATH).  Renderers that are not installed are skipped.
"""
import re
import sys
import time
import xml.etree.ElementTree as ET

import autograd
import nn
from autograd import Value, backward_frames, draw_dot, render
from autograd.viz.rendering import RendererNotFound, find_renderer

_SVG = "{http://www.w3.org/2000/svg}"


def _centres(svg):
    """{node title: centre of its shapes' bounding box}."""
    out = {}
    for g in ET.fromstring(svg).iter(f"{_SVG}g"):
        if g.get("class") != "node":
            continue
        xs, ys = [], []
        for el in g.iter():
            tag = el.tag.replace(_SVG, "")
            if tag == "ellipse":
                cx, cy, rx, ry = (float(el.get(k)) for k in ("cx", "cy", "rx", "ry"))
                xs += [cx - rx, cx + rx]
                ys += [cy - ry, cy + ry]
            elif tag == "polygon":
                nums = [float(t) for t in re.findall(r"-?[\d.]+", el.get("points"))]
                xs += nums[0::2]
                ys += nums[1::2]
        out[g.find(f"{_SVG}title").text] = ((min(xs) + max(xs)) / 2, (min(ys) + max(ys)) / 2)
    return out


def tanh_example():
    """demos.backprop's expression: z = tanh(x*y + exp(x)) + x/2."""
    x = Value(0.7, label="x")
    y = Value(-1.2, label="y")
    return (x * y + x.exp()).tanh() + x / 2


def displacement(renderer):
    """(largest move of any node between frames in points, the node)."""
    svgs = [render(f, "svg", renderer) for f in backward_frames(tanh_example())]
    first = _centres(svgs[0])
    worst, where = 0.0, None
    for svg in svgs[1:]:
        for name, (x, y) in _centres(svg).items():
            d = ((x - first[name][0]) ** 2 + (y - first[name][1]) ** 2) ** 0.5
            if d > worst:
                worst, where = d, name
    return worst, where


def moons_loss(kind):
    X, y = nn.make_moons(100, rng=0)
    model = nn.MLP(2, [16, 16, 1], rng=0)
    scores = [model(list(p)) for p in X]
    loss = getattr(nn, kind)(scores, [2.0 * t - 1.0 for t in y])
    loss.backward()
    return model, loss


def batch_picture(kind, renderer):
    """(width, height) in points, seconds to draw, seconds to render."""
    model, loss = moons_loss(kind)
    t0 = time.perf_counter()
    pic = draw_dot(loss, module=model)
    t1 = time.perf_counter()
    svg = render(pic, "svg", renderer)
    t2 = time.perf_counter()
    w, h = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
    return (float(w), float(h)), t1 - t0, t2 - t1


def frames_timing(renderer, repeats=5):
    """Median seconds to render the tanh example's frames, plain and
    highlighted: one renderer run per frame, and one run for all."""
    from autograd.viz.rendering import render_many
    root = tanh_example()
    x = root.parents[1].parents[0]
    frames = list(backward_frames(root)) + list(backward_frames(root, highlight=x))
    each, once = [], []
    for _ in range(repeats):
        t = time.perf_counter()
        for f in frames:
            render(f, "svg", renderer)
        each.append(time.perf_counter() - t)
        t = time.perf_counter()
        render_many(frames, renderer)
        once.append(time.perf_counter() - t)
    return len(frames), sorted(each)[repeats // 2], sorted(once)[repeats // 2]


def chains(renderers):
    from autograd import to_text
    y = Value(0.5)
    for _ in range(499):
        y = (y * 1.0001).tanh()
    y.backward()
    t = time.perf_counter()
    pic = draw_dot(y)
    print(f"999-value chain: draw_dot {time.perf_counter() - t:.2f} s, "
          f"{len(pic.source.encode()) / 1024:.0f} KiB of DOT")
    for r in renderers:
        t = time.perf_counter()
        render(pic, "svg", r)
        print(f"{r}: rendering it to SVG {time.perf_counter() - t:.2f} s")
    big = Value(0.5)
    for _ in range(100_000):
        big = big * 1.0
    t = time.perf_counter()
    text = to_text(big)
    print(f"100,001-value chain: to_text {time.perf_counter() - t:.2f} s, "
          f"{len(text) / 1e6:.1f} MB")
    t = time.perf_counter()
    try:
        draw_dot(big)
    except ValueError:
        print(f"100,001-value chain: draw_dot refuses in {time.perf_counter() - t:.2f} s")


def main():
    print(f"chaingrad at {autograd.__file__}")
    renderers = []
    for name in ("dot", "graphviz-pure"):
        try:
            find_renderer(name)
            renderers.append(name)
        except RendererNotFound:
            print(f"{name}: not installed, skipped")
    for r in renderers:
        d, where = displacement(r)
        print(f"{r}: frames of the tanh example: largest node move {d:.1f} pt"
              + (f" ({where})" if where else ""))
    for r in renderers:
        for kind in ("hinge", "mse"):
            (w, h), draw_s, render_s = batch_picture(kind, r)
            print(f"{r}: 100-example moons {kind} loss, module=model: {w:.0f} x {h:.0f} pt "
                  f"(draw_dot {draw_s:.2f} s, render {render_s:.2f} s)")
    if hasattr(autograd, "stepper"):
        for r in renderers:
            n, each, once = frames_timing(r)
            print(f"{r}: {n} frames: one run per frame {each * 1000:.0f} ms, one run for all "
                  f"{once * 1000:.0f} ms ({each / once:.1f}x)")
    chains(renderers)
    return 0


if __name__ == "__main__":
    sys.exit(main())
