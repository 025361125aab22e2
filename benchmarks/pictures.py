"""``python -m benchmarks.pictures``: the sizes and timings docs/pictures.md quotes.

1. **Growth**: every picture and text view timed (CPU time) on graphs of 1,000 to
   100,000 nodes (a ``+`` chain, a wide ``sum``, a chain that reuses one
   input, and an MLP's loss over a batch), with the **per-node time ratio**:
   seconds per node at the largest size over seconds per node at 1,000.  A
   view linear in the graph's size has a ratio near 1; a quadratic one
   grows with the size (100 at 100,000).  The views: ``draw_dot`` with its
   size guard (a refusal, or the batch / module view), ``draw_dot`` of the
   whole graph (DOT source only), the size estimate, ``to_text``,
   ``find_batch``, the module grouping (``module=model``), the first two
   frames of ``backward_frames``, and ``stepper`` with the renderer replaced
   by a stand-in (a renderer's own layout time is not chaingrad's).  A run
   past ``--cap`` seconds is stopped and shown as ``>cap``; a size whose
   linear prediction passes the cap is skipped.
2. **The lecture's loss**: ``stepper`` on the micrograd lecture's 4-example
   ``MLP(3, [4, 4, 1])`` loss, with each renderer: seconds and page size.
3. The earlier figures: how far any node moves between frames, and the
   100-example moons loss drawn with ``module=model``.

It uses only public names that older checkouts have too, so the same command
measures an older checkout (run it with that checkout first on PYTHONPATH).

    python -m benchmarks.pictures                    # everything
    python -m benchmarks.pictures --sizes 1000,10000 --cap 20 --only growth
"""
from __future__ import annotations

import argparse
import gc
import html
import re
import signal
import sys
import time
import xml.etree.ElementTree as ET

import autograd
import nn
from autograd import Value, backward_frames, draw_dot, render, to_text, topological_order
from autograd.viz.rendering import RendererNotFound, find_renderer

_SVG = "{http://www.w3.org/2000/svg}"
SIZES = (1_000, 3_000, 10_000, 30_000, 100_000)


# ---- the graphs ----------------------------------------------------------------

def plus_chain(n):
    """``y = y + 1.0``, n - 1 times: the issue's chain."""
    y = Value(0.5, label="x")
    for _ in range(n - 1):
        y = y + 1.0
    return y, None


def wide_sum(n):
    """One ``autograd.sum`` over n - 1 leaves."""
    return autograd.sum([Value(float(i % 7), label=f"x{i}") for i in range(n - 1)]), None


def reuse_chain(n):
    """``y = y * x + x`` with one x: every level uses x, so its arrows are long."""
    x = Value(0.999, label="x")
    y = x
    for _ in range((n - 1) // 2):
        y = y * x + x
    return y, None


LECTURE_XS = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
LECTURE_YS = [1.0, -1.0, -1.0, 1.0]


def lecture_loss(examples=4):
    """The micrograd lecture's loss: ``MLP(3, [4, 4, 1])`` with tanh, its four
    examples (repeated to make more), summed with Python's ``sum``."""
    model = nn.MLP(3, [4, 4, 1], activation="tanh", output_activation="tanh", rng=0)
    xs = [LECTURE_XS[k % 4] for k in range(examples)]
    ys = [LECTURE_YS[k % 4] for k in range(examples)]
    ypred = [model(x) for x in xs]
    loss = sum((yout - ygt) ** 2 for ygt, yout in zip(ys, ypred))
    return loss, model


def mlp_loss(n):
    """The lecture's loss over as many examples as make about n nodes."""
    per, fixed = 20, 41             # nodes per example; parameters
    return lecture_loss(max(1, (n - fixed) // per))


GRAPHS = {"+ chain": plus_chain, "wide sum": wide_sum, "reuse chain": reuse_chain,
          "MLP loss": mlp_loss}


# ---- the views -----------------------------------------------------------------

def _stand_in(graphs, renderer=None):
    # One "SVG" per graph, as large as its DOT source: the stepper's own work
    # on the renderer's output is kept, the renderer's layout time is not.
    return ['<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><text>'
            + html.escape(g.source) + "</text></svg>" for g in graphs]


GUARD = 500     # max_nodes for the guarded draw_dot: every size is over it


def v_guard(root, model, n):
    try:
        draw_dot(root, max_nodes=GUARD)     # a refusal, or a smaller view
    except ValueError:
        pass                        # the refusal is what is timed


def v_whole(root, model, n):
    draw_dot(root, max_nodes=n + 10, max_size=None, batch=False)


_PICTURE: dict = {}     # the whole picture whose size v_estimate estimates


def v_estimate(root, model, n):
    from autograd.viz.sizes import estimate
    return estimate(_PICTURE["pic"]._shape, "LR")


def _prepare_estimate(root, model, n):
    _PICTURE["pic"] = draw_dot(root, max_nodes=n + 10, max_size=None, batch=False)


def v_text(root, model, n):
    to_text(root)


def v_batch(root, model, n):
    from autograd.viz.batch import find_batch
    find_batch(topological_order(root))


NA = "not applicable"


def v_module(root, model, n):
    if model is None:
        return NA
    try:
        draw_dot(root, module=model, batch=False)
    except ValueError:
        pass


def v_frames(root, model, n):
    it = iter(backward_frames(root, max_nodes=n + 10))
    next(it)
    next(it)


def v_stepper(root, model, n):
    from autograd.viz import stepping
    real = stepping.render_many
    stepping.render_many = _stand_in
    try:
        autograd.stepper(root, max_nodes=n + 10)
    finally:
        stepping.render_many = real


VIEWS = {"draw_dot, size guard": v_guard, "draw_dot, whole graph": v_whole,
         "size estimate": v_estimate, "to_text": v_text, "find_batch": v_batch,
         "module grouping": v_module, "backward_frames, 2 frames": v_frames,
         "stepper (renderer stand-in)": v_stepper}
PREPARE = {"size estimate": _prepare_estimate}


class _Stopped(Exception):
    pass


def _alarm(signum, frame):
    raise _Stopped()


def timed(view, root, model, n, cap, clock=time.process_time):
    """CPU seconds for one run of ``view`` (None: not applicable), or
    ``float('inf')`` when it passed ``cap`` seconds of wall time and was
    stopped.  CPU time, because on a shared machine the wall time mostly
    measures the other jobs; the views run no other process."""
    gc.collect()
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, cap)
    t = clock()
    try:
        if view(root, model, n) is NA:
            return None
        return clock() - t
    except _Stopped:
        return float("inf")
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, old)


def growth(sizes=SIZES, cap=60.0, views=None, graphs=None, out=print):
    """Time every view on every graph at each size; prints a table per graph
    and returns ``{(graph, view): {size: seconds}}``."""
    results = {}
    for gname, make in GRAPHS.items():
        if graphs and gname not in graphs:
            continue
        out(f"\n{gname}: CPU seconds per view (per-node ratio = s/node at the largest size "
            f"/ s/node at {sizes[0]:,})")
        out(f"  {'view':30}" + "".join(f"{n:>10,}" for n in sizes) + "     ratio")
        built: dict = {}
        counts: dict = {}   # size asked for -> nodes the graph really has
        for vname, view in VIEWS.items():
            if views and vname not in views:
                continue
            row = {}
            last = None
            for n in sizes:
                if last is not None and (row[last] == float("inf")
                                         or row[last] * n / last > cap):
                    row[n] = None       # skipped: the linear prediction passes the cap
                    continue
                if n not in built:
                    built.clear()       # one graph in memory at a time
                    root, model = make(n)
                    root.backward()
                    built[n] = root, model, len(topological_order(root))
                root, model, count = built[n]
                counts[n] = count
                if vname in PREPARE:
                    PREPARE[vname](root, model, count)
                row[n] = timed(view, root, model, count, cap)
                if row[n] is None:
                    break
                last = n
            if all(v is None for v in row.values()):
                continue
            results[(gname, vname)] = row
            out(f"  {vname:30}" + "".join(_cell(row.get(n), cap) for n in sizes)
                + f"{_ratio(row, sizes, counts)}")
    return results


def _cell(t, cap):
    if t is None:
        return f"{'-':>10}"
    if t == float("inf"):
        return f"{'>' + format(cap, 'g') + ' s':>10}"
    return f"{t:>9.3f}s" if t < 10 else f"{t:>9.1f}s"


def per_node_ratio(row, counts=None):
    """(s/node at the largest finite size) / (s/node at the smallest), and
    that size; ``counts`` maps a size to the graph's real node count."""
    counts = counts or {}
    done = [(n, t) for n, t in row.items() if t is not None and t != float("inf")]
    if len(done) < 2:
        return None, None
    (n0, t0), (n1, t1) = done[0], done[-1]
    c0, c1 = counts.get(n0, n0), counts.get(n1, n1)
    return (t1 / c1) / (t0 / c0) if t0 > 0 else None, n1


def _ratio(row, sizes, counts):
    r, n1 = per_node_ratio(row, counts)
    stopped = any(t == float("inf") for t in row.values())
    text = "" if r is None else f"{r:>8.2f}" + ("" if n1 == sizes[-1] else f" (to {n1:,})")
    return text + ("  stopped past the cap" if stopped else "")


# ---- the lecture's loss in the stepper -------------------------------------------

def lecture_stepper(renderers, out=print):
    loss, model = lecture_loss()
    out(f"\nthe lecture's loss: {len(topological_order(loss))} nodes")
    for r in renderers:
        t = time.perf_counter()
        try:
            s = autograd.stepper(loss, renderer=r, max_nodes=1000)
        except TypeError:
            s = autograd.stepper(loss, renderer=r)
        seconds = time.perf_counter() - t
        page = s.html()
        out(f"{r}: stepper on the lecture's loss: {seconds:.2f} s, "
            f"{len(page.encode()) / 1e6:.2f} MB inline, {len(s)} frames")


# ---- the earlier figures -------------------------------------------------------------

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


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m benchmarks.pictures",
                                     description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="graph sizes in nodes, comma-separated (default: %(default)s)")
    parser.add_argument("--cap", type=float, default=60.0,
                        help="seconds after which one run is stopped (default: %(default)s)")
    parser.add_argument("--only", choices=("growth", "lecture", "earlier"), action="append",
                        help="run only these parts (repeatable)")
    args = parser.parse_args(argv)
    parts = set(args.only or ("growth", "lecture", "earlier"))
    print(f"chaingrad at {autograd.__file__}")
    renderers = []
    for name in ("dot", "graphviz-pure"):
        try:
            find_renderer(name)
            renderers.append(name)
        except RendererNotFound:
            print(f"{name}: not installed, skipped")
    if "growth" in parts:
        sizes = tuple(int(s) for s in args.sizes.split(","))
        growth(sizes, args.cap)
    if "lecture" in parts:
        lecture_stepper(renderers)
    if "earlier" in parts:
        print()
        for r in renderers:
            d, where = displacement(r)
            print(f"{r}: frames of the tanh example: largest node move {d:.1f} pt"
                  + (f" ({where})" if where else ""))
        for r in renderers:
            for kind in ("hinge", "mse"):
                (w, h), draw_s, render_s = batch_picture(kind, r)
                print(f"{r}: 100-example moons {kind} loss, module=model: {w:.0f} x {h:.0f} pt "
                      f"(draw_dot {draw_s:.2f} s, render {render_s:.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
