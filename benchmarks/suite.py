"""All the workloads, in order; each engine's row says how it fared."""
import importlib

WORKLOADS = {"a": "mlp_step", "b": "chain", "c": "sum_products", "d": "neuron", "e": "optim_step"}


def titles(only=None):
    """``[(key, title)]`` of the selected workloads."""
    return [(k, importlib.import_module(f"benchmarks.{m}").TITLE)
            for k, m in WORKLOADS.items() if only is None or k in only]


def run_all(quick=False, only=None, progress=None):
    """Every selected workload on every engine: a list of :class:`benchmarks.rows.Row`."""
    rows = []
    for key, module in WORKLOADS.items():
        if only is not None and key not in only:
            continue
        mod = importlib.import_module(f"benchmarks.{module}")
        if progress:
            progress(f"{mod.TITLE} ...")
        rows += mod.bench(quick=quick)
    return rows
