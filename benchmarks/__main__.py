"""``python -m benchmarks [--quick] [--only a,b,c,d] [--out DIR]``: run, print, write.

The full run writes ``results.md`` (and ``results.png`` when matplotlib is
installed) next to this file; ``--quick`` and ``--only`` runs write nothing
unless ``--out`` is given.
"""
import os

# One BLAS thread unless the caller chose otherwise, set before numpy loads.
# On the shared 2-core machine these figures come from, a second BLAS thread
# waits for a core that other work holds: at 10,000 points a matrix product
# then stalls for about 10 ms at random (one product measured 0.06 ms or 11 ms),
# and the step's time swings 3x between repeats.  One thread is as fast on
# this machine, and steady.  The results' header line shows the setting.
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse  # noqa: E402
import sys  # noqa: E402

from . import report  # noqa: E402
from .suite import WORKLOADS, run_all, titles  # noqa: E402


def main(argv=None):
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks",
        description="Every engine on the same work, in one run: a table of medians and ratios.")
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one repeat (seconds)")
    parser.add_argument("--only", help="comma-separated workloads among " + ",".join(WORKLOADS))
    parser.add_argument("--out", help="folder for results.md / results.png")
    args = parser.parse_args(argv)
    only = None
    if args.only:
        only = [k.strip() for k in args.only.split(",") if k.strip()]
        unknown = [k for k in only if k not in WORKLOADS]
        if unknown:
            parser.error(f"--only: unknown workload(s) {unknown}; choose from {list(WORKLOADS)}")
    # Only a full run replaces the committed results; parts and quick runs print.
    out = args.out or (None if args.quick or only else os.path.dirname(os.path.abspath(__file__)))

    rows = run_all(quick=args.quick, only=only, progress=lambda m: print(m, file=sys.stderr, flush=True))
    sel = titles(only)
    print(report.text(rows, sel))
    if out:
        os.makedirs(out, exist_ok=True)
        md = os.path.join(out, "results.md")
        with open(md, "w") as fh:
            fh.write(report.markdown(rows, sel, report.command_line()))
        print(f"\nwrote {md}")
        png = os.path.join(out, "results.png")
        if report.plot(rows, sel, png):
            print(f"wrote {png}")
    return rows


if __name__ == "__main__":
    main()
