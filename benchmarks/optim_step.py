"""Workload (e): one optimizer step on the 337 parameters of MLP(2, [16, 16, 1]).

SGD and Adam, each three ways, from the same parameters and gradients:

* **before**: the per-parameter step chaingrad had before the array path
  (:mod:`benchmarks.optim_before`, a faithful copy), on the model's Values;
* **on Values**: today's ``nn.SGD`` / ``nn.Adam`` on ``model.parameters()``:
  a few numpy operations, plus reading and writing 337 Values;
* **on an array**: today's optimizers on a compiled loss's ``f.flat()``,
  the array training path, where no Value is touched.

The step is timed alone (the gradients stay as they are; the learning rate
is tiny, so the parameters hardly move), and every engine's parameters after
its first step must agree.
"""
import numpy as np

from . import engines, mlp_step, optim_before
from .engines import run_side_by_side

NAME = "e"
TITLE = "(e) optimizer step, 337 parameters"
LR = 1e-9
KINDS = {"SGD": {"lr": LR}, "Adam": {"lr": LR}}
# Engine-name templates; benchmarks/report.py imports them to find the rows its targets judge.
BEFORE, VALUES, ARRAY = "{}, per parameter (before)", "nn.{} on Values", "nn.{} on an array"


def _model():
    nn = engines.chaingrad_nn()
    X, Y, layers = mlp_step.problem(100)
    model = nn.MLP(2, [16, 16, 1], activation="relu", rng=0)
    model.load_state_dict(mlp_step._state_dict(layers))
    grads = np.random.default_rng(1).normal(size=len(model.parameters()))
    return nn, model, grads


def _on_values(make):
    def engine(kind):
        nn, model, grads = _model()
        params = model.parameters()
        for p, g in zip(params, grads.tolist()):
            p.grad = g
        opt = make(nn, kind)(params, **KINDS[kind])

        def check(_):
            return {"data": np.array([p.data for p in params])}
        return opt.step, check
    return engine


def _on_array(kind):
    nn, model, grads = _model()
    f = engines.chaingrad_compile()(lambda x0, x1: model([x0, x1]))
    params = engines.flat(f)
    order = mlp_step.nn_order(params, model)
    params.grad[order] = grads
    opt = getattr(nn, kind)(params, **KINDS[kind])
    return opt.step, lambda _: {"data": params.data[order].copy()}


_before = _on_values(lambda nn, kind: getattr(optim_before, kind))
_values = _on_values(lambda nn, kind: getattr(nn, kind))


def bench(quick=False):
    """Rows for SGD and Adam, each before / on Values / on an array."""
    rows = []
    for kind in KINDS:
        makers = [(BEFORE.format(kind), lambda row, k=kind: _before(k)),
                  (VALUES.format(kind), lambda row, k=kind: _values(k)),
                  (ARRAY.format(kind), lambda row, k=kind: _on_array(k))]
        rows += run_side_by_side(NAME, "337 parameters", makers, repeats=1 if quick else 5,
                                 fast_repeats=None if quick else 15)
    return rows
