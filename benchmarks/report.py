"""The results as a text table, as Markdown, as a check against the issue's targets, and as a plot."""
import os
import platform
import sys

import numpy as np

from .mlp_step import COMPILED, NUMPY, NUMPY_DOT
from .optim_step import ARRAY as OPT_ARRAY
from .optim_step import BEFORE as OPT_BEFORE
from .optim_step import VALUES as OPT_VALUES
from .timing import paired_ratio

PEER = "micrograd"


def fmt_time(seconds):
    """Seconds with a unit and 3 significant digits: ``fmt_time(0.00123)`` is ``'1.23 ms'``."""
    if seconds is None:
        return "-"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def fmt_bytes(n):
    """Bytes with a binary unit: ``fmt_bytes(2 << 20)`` is ``'2 MB'``."""
    if n is None:
        return "-"
    for unit, scale in (("GB", 1 << 30), ("MB", 1 << 20), ("kB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.3g} {unit}"
    return f"{n} B"


def _find(rows, workload, size, pred):
    for r in rows:
        if r.workload == workload and r.size == size and r.ok and pred(r.engine):
            return r
    return None


def _ratio_cells(rows, r):
    """'x faster than micrograd' and 'x numpy's time', measured in this run."""
    if not r.ok:
        return "", ""
    peer = _find(rows, r.workload, r.size, lambda e: e == PEER)
    ref = _find(rows, r.workload, r.size, lambda e: e.startswith("numpy"))
    vs_peer = "" if peer is None or peer is r else f"{paired_ratio(peer.timing, r.timing):.3g}x faster"
    vs_np = "" if ref is None or ref is r else f"{paired_ratio(r.timing, ref.timing):.3g}x"
    return vs_peer, vs_np


HEADER = ["engine", "size", "median", "spread (min-max)", "per unit", "peak memory",
          "vs micrograd", "time / numpy's", "note"]


def table_rows(rows, workload):
    out = []
    for r in rows:
        if r.workload != workload:
            continue
        if not r.ok:
            note = "; ".join(filter(None, [r.status, r.note]))
            out.append([r.engine, r.size, "-", "", "", "", "", "", note])
            continue
        t = r.timing
        vs_peer, vs_np = _ratio_cells(rows, r)
        per = fmt_time(r.per_unit) if r.units > 1 else ""
        out.append([r.engine, r.size, fmt_time(t.median), f"{fmt_time(t.low)} - {fmt_time(t.high)}",
                    per, fmt_bytes(r.peak_bytes), vs_peer, vs_np, r.note])
    return out


FLAT_ENGINE = "chaingrad eager, gc paused"
FLAT_ENGINE_GC_ON = "chaingrad eager"


def flatness(rows, engine):
    """Time per op at the longest chain over the shortest, for one engine of (b).

    ``(ratio, per-op short, per-op long, short size, long size)``, or None
    when fewer than two lengths ran.  The ratio is a paired one: the chains
    were timed in interleaved rounds, so each round's long/short ratio is
    taken and the median of those kept (:func:`timing.paired_ratio`).
    """
    ok = [r for r in rows if r.workload == "b" and r.engine == engine and r.ok]
    if len(ok) < 2:
        return None
    short, long_ = min(ok, key=lambda r: r.units), max(ok, key=lambda r: r.units)
    ratio = paired_ratio(long_.timing, short.timing) * short.units / long_.units
    return ratio, short.per_unit, long_.per_unit, short.size, long_.size


def _sizes(rows, workload, engine):
    """The sizes ``engine`` ran at in ``workload``, in the order they ran."""
    return [r.size for r in rows if r.workload == workload and r.engine == engine and r.ok]


def targets(rows):
    """``[(claim, measured, target, verdict)]`` for the issues' targets, from this run's ratios."""
    res = []

    def ratio(workload, num, den, size=None):
        """``den``'s time over ``num``'s (how many times faster ``num`` is)."""
        for r in rows:
            if r.workload == workload and r.engine == num and r.ok and size in (None, r.size):
                d = _find(rows, workload, r.size, lambda e: e == den)
                if d is not None:
                    return paired_ratio(d.timing, r.timing), r, d
        return None, None, None

    def add(claim, value, target, ok, text):
        res.append((claim, text if value is not None else "not measured", target,
                    "-" if value is None else ("met" if ok(value) else "MISSED")))

    def shown(claim, value, text):
        res.append((claim, text if value is not None else "not measured", "(no target)", "-"))

    v, _, _ = ratio("a", "chaingrad eager", PEER)
    add("(a) eager step vs micrograd", v, ">= 50x faster", lambda x: x >= 50, f"{v:.3g}x faster" if v else "")
    e = next((r for r in rows if r.workload == "a" and r.engine == "chaingrad eager" and r.ok), None)
    p = _find(rows, "a", e.size, lambda x: x == PEER) if e else None
    m = p.peak_bytes / e.peak_bytes if e and p and e.peak_bytes and p.peak_bytes else None
    add("(a) eager peak memory vs micrograd", m, "<= 1/20", lambda x: x >= 20,
        f"1/{m:.3g} ({fmt_bytes(e.peak_bytes)} vs {fmt_bytes(p.peak_bytes)})" if m else "")
    v, _, _ = ratio("c", "chaingrad eager", PEER)
    add("(c) eager vs micrograd", v, ">= 5x faster", lambda x: x >= 5, f"{v:.3g}x faster" if v else "")
    # (b) is judged on the row with the cyclic collector paused: that is the
    # engine's own time per op.  The row with the collector on adds CPython's
    # full collections over a heap that grows with the chain; it is shown
    # beside it, not judged (docs/speed.md says why).
    for engine, judged in ((FLAT_ENGINE, True), (FLAT_ENGINE_GC_ON, False)):
        flat = flatness(rows, engine)
        short, long_ = (flat[3], flat[4]) if flat else ("1,000 ops", "1,000,000 ops")
        what = "collector paused" if judged else "collector on, not judged"
        f = flat[0] if flat else None
        text = f"{f:.3g}x ({fmt_time(flat[2])} vs {fmt_time(flat[1])})" if flat else ""
        if judged:
            add(f"(b) eager time/op at {long_} vs {short}, {what}", f, "<= 1.5x", lambda x: x <= 1.5, text)
        else:
            shown(f"(b) eager time/op at {long_} vs {short}, {what}", f, text)
    # (a) compiled: the whole step (forward, backward, the optimizer's update)
    # on the array path, at every size; 1.5x numpy's time at the first
    # (smallest) size, 1.1x at the larger ones.  Against numpy written with
    # np.dot as well, shown and not judged.
    sizes = _sizes(rows, "a", COMPILED) or ["100 points"]
    for i, size in enumerate(sizes):
        limit = 1.5 if i == 0 else 1.1
        v, _, _ = ratio("a", NUMPY, COMPILED, size)
        add(f"(a) compiled step vs numpy by hand, {size}", v, f"<= {limit}x numpy's time",
            lambda x, limit=limit: x <= limit, f"{v:.3g}x numpy's time" if v else "")
    for size in sizes:
        v, _, _ = ratio("a", NUMPY_DOT, COMPILED, size)
        shown(f"(a) compiled step vs numpy by hand with np.dot, {size}", v,
              f"{v:.3g}x its time" if v else "")
    v, _, _ = ratio("d", "numpy closed form", "chaingrad compiled")
    add("(d) compiled vs numpy closed form", v, "<= 5x numpy's time", lambda x: x <= 5,
        f"{v:.3g}x numpy's time" if v else "")
    # (e) the optimizers: on an array (the array training path), judged
    # against the per-parameter step they replace; on Values, shown: reading
    # and writing 337 Values is a floor that no arithmetic removes.
    def share(v):
        if v is None:
            return ""
        return f"1/{v:.3g} of before's time" if v >= 1 else f"{1 / v:.3g}x before's time"

    for kind in ("SGD", "Adam"):
        v, _, _ = ratio("e", OPT_ARRAY.format(kind), OPT_BEFORE.format(kind))
        add(f"(e) {kind} step on an array vs before", v, "<= 1/5 of before's time", lambda x: x >= 5,
            share(v))
    for kind in ("SGD", "Adam"):
        v, _, _ = ratio("e", OPT_VALUES.format(kind), OPT_BEFORE.format(kind))
        shown(f"(e) {kind} step on Values vs before", v, share(v))
    return res


def _text_table(header, body):
    widths = [max(len(str(c)) for c in col) for col in zip(header, *body)]

    def line(cells):
        return "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()

    return "\n".join([line(header), line(["-" * w for w in widths])] + [line(b) for b in body])


def _md_table(header, body):

    def esc(c):
        return str(c).replace("|", "\\|")

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(esc(c) for c in b) + " |" for b in body]
    return "\n".join(lines)


def environment():
    import numpy
    blas = {k: v for k, v in os.environ.items() if k.startswith(("OPENBLAS", "OMP_", "MKL_"))}
    env = (f"Python {platform.python_version()}, numpy {numpy.__version__}, "
           f"{os.cpu_count()} CPUs, {platform.system()} {platform.machine()}")
    if blas:
        env += "; " + ", ".join(f"{k}={v}" for k, v in sorted(blas.items()))
    return env


def text(rows, titles):
    parts = [f"chaingrad benchmarks ({environment()})"]
    for key, title in titles:
        parts += ["", title, _text_table(HEADER, table_rows(rows, key))]
    parts += ["", "Targets (ratios measured in this run; each the median of per-round ratios)",
              _text_table(["claim", "measured", "target", "verdict"], targets(rows))]
    return "\n".join(parts)


def markdown(rows, titles, command):
    parts = [f"Measured with `{command}` on {environment()}. Times are medians of "
             "warm repeats; the spread is the fastest and slowest repeat. The engines of a "
             "workload run their repeats in interleaved rounds, and every ratio is the median "
             "of the per-round ratios. Only ratios within one run are claims: the machine is "
             "shared and noisy."]
    for key, title in titles:
        parts += ["", f"**{title}**", "", _md_table(HEADER, table_rows(rows, key))]
    parts += ["", "**Targets**", "", _md_table(["claim", "measured", "target", "verdict"], targets(rows))]
    return "\n".join(parts) + "\n"


def plot(rows, titles, path):
    """A PNG with one panel per workload (log time axis); False without matplotlib.

    A workload timed at several sizes (workload (a): 100, 1,000 and 10,000
    points) gets bars for its first size and a second panel with a line per
    engine across the sizes, in seconds per example.
    """
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return False
    panels = []
    for key, title in titles:
        ok = [r for r in rows if r.workload == key and r.ok]
        sizes = list(dict.fromkeys(r.size for r in ok))
        if key == "b" or len(sizes) < 2:
            panels.append((key, title, ok, "plain"))
            continue
        panels.append((key, f"{title}, {sizes[0]}", [r for r in ok if r.size == sizes[0]], "plain"))
        panels.append((key, f"{title}, by batch size", ok, "sizes"))
    fig, axes = plt.subplots(1, len(panels), figsize=(4.2 * len(panels), 4.0))
    axes = np.atleast_1d(axes)
    for ax, (key, title, ok, kind) in zip(axes, panels):
        ax.set_title(title, fontsize=9, wrap=True)
        ax.set_yscale("log")
        if key == "b" or kind == "sizes":
            for engine in dict.fromkeys(r.engine for r in ok):
                mine = [r for r in ok if r.engine == engine]
                if len(mine) < 2:
                    continue
                if key == "b":
                    pts = [(r.units, r.per_unit) for r in mine]
                else:
                    pts = [(_count(r.size), r.timing.median / _count(r.size)) for r in mine]
                ax.plot(*zip(*pts), marker="o", label=engine.replace("chaingrad ", ""))
            ax.set_xscale("log")
            ax.set_xlabel("chain length (ops)" if key == "b" else "batch size (points)")
            ax.set_ylabel("seconds per op" if key == "b" else "seconds per point")
            ax.legend(fontsize=8)
        else:
            ax.bar(range(len(ok)), [r.timing.median for r in ok],
                   yerr=[[r.timing.median - r.timing.low for r in ok],
                         [r.timing.high - r.timing.median for r in ok]], capsize=3)
            ax.set_xticks(range(len(ok)))
            ax.set_xticklabels([r.engine.replace("chaingrad ", "") for r in ok], rotation=30,
                               ha="right", fontsize=8)
            ax.set_ylabel("seconds per call")
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)
    return True


def _count(size):
    """The leading number of a size label: ``"1,000 points"`` is 1000."""
    return int(size.split()[0].replace(",", ""))


def command_line():
    return "python -m benchmarks" + ("" if len(sys.argv) < 2 else " " + " ".join(sys.argv[1:]))
