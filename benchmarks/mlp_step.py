"""Workload (a): one training step of MLP(2, [16, 16, 1]) on fixed points.

ReLU hidden layers, linear output, mean squared error over the batch, SGD:
forward, zero grads, backward, update.  Every engine starts from the same
weights, so the first step's loss and gradients must agree across engines.

At 100 points every engine runs; at 1,000 and 10,000 points the ones that
take milliseconds or less: chaingrad compiled (the array path, ``f.flat()``
and ``nn.SGD`` on the array, as a training loop runs it), the compiled step
on Values (``value_and_grad`` adding into ``.grad``, ``nn.SGD`` on the
Values: how a compiled step ran before the array path), and numpy by hand,
written two ways (``@`` as the reference, and ``np.dot``, which avoids the
slow loops ``@`` takes for some of these shapes).
"""
import numpy as np

from . import engines, numpy_mlp
from .engines import run_side_by_side

SIZES = [2, 16, 16, 1]
LR = 0.05
NAME = "a"
TITLE = "(a) MLP(2, [16, 16, 1]) training step"


def problem(n_points, seed=0):
    """Fixed points, targets, and initial ``[(W, b), ...]`` shared by every engine."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(-2.0, 2.0, (n_points, 2))
    Y = np.sin(X[:, 0]) * X[:, 1]
    layers = []
    for nin, nout in zip(SIZES[:-1], SIZES[1:]):
        bound = 1.0 / np.sqrt(nin)
        layers.append((rng.uniform(-bound, bound, (nout, nin)), rng.uniform(-0.1, 0.1, nout)))
    return X, Y, layers


def _check(params):
    """The first step's loss and every parameter's gradient (per neuron: w, then b)."""
    return lambda loss: {"loss": np.array([loss]), "grads": np.array([p.grad for p in params])}


def _state_dict(layers):
    """Initial weights under nn's parameter names (layers.i.neurons.j.w.k / .b)."""
    state = {}
    for i, (W, b) in enumerate(layers):
        for j in range(W.shape[0]):
            for k in range(W.shape[1]):
                state[f"layers.{i}.neurons.{j}.w.{k}"] = float(W[j, k])
            state[f"layers.{i}.neurons.{j}.b"] = float(b[j])
    return state


def _micrograd(X, Y, layers):
    mg_engine, mg_nn = engines.micrograd()
    Value = mg_engine.Value
    model = mg_nn.MLP(SIZES[0], SIZES[1:])
    for layer, (W, b) in zip(model.layers, layers):
        for neuron, w_row, b_j in zip(layer.neurons, W, b):
            for p, w in zip(neuron.w, w_row):
                p.data = float(w)
            neuron.b.data = float(b_j)
    params = model.parameters()
    xs, ys, scale = X.tolist(), Y.tolist(), 1.0 / len(Y)

    def step():
        preds = [model(x) for x in xs]
        loss = sum(((p - y) ** 2 for p, y in zip(preds, ys)), Value(0.0)) * scale
        model.zero_grad()
        loss.backward()
        for p in params:
            p.data -= LR * p.grad
        return loss.data

    return step, _check(params)


def _chaingrad_model(layers):
    nn = engines.chaingrad_nn()
    model = nn.MLP(SIZES[0], SIZES[1:], activation="relu", rng=0)
    model.load_state_dict(_state_dict(layers))
    return nn, model, nn.SGD(model.parameters(), lr=LR)


def _eager(X, Y, layers):
    nn, model, opt = _chaingrad_model(layers)
    xs, ys = X.tolist(), Y.tolist()

    def step():
        loss = nn.mse([model(x) for x in xs], ys)
        opt.zero_grad()
        loss.backward()
        opt.step()
        return loss.data

    return step, _check(model.parameters())


def _squared_error(model):
    """Each example's squared error, as ``nn.mse`` computes it (``d * d``)."""
    def loss(x0, x1, y):
        d = model([x0, x1]) - y
        return d * d
    return loss


def _columns(X, Y):
    return np.ascontiguousarray(X[:, 0]), np.ascontiguousarray(X[:, 1]), Y.copy()


def _compiled(X, Y, layers):
    """The array path: the parameters in one array, the gradient of the mean."""
    compile_ = engines.chaingrad_compile()
    nn, model, _ = _chaingrad_model(layers)
    f = compile_(_squared_error(model), input_grads=False)
    params = engines.flat(f)
    opt = nn.SGD(params, lr=LR)
    x0, x1, ys = _columns(X, Y)

    def step():
        opt.zero_grad()
        losses = params.value_and_grad(x0, x1, ys)
        opt.step()
        return float(losses.mean())

    order = nn_order(params, model)
    return step, lambda loss: {"loss": np.array([loss]), "grads": params.grad[order].copy()}


def nn_order(params, model):
    """Where each of ``model.parameters()`` sits in ``params.data``: the flat
    array keeps the compiler's order, and the checks compare in nn's (per
    neuron, w then b)."""
    where = {p: i for i, p in enumerate(params.values)}
    return [where[p] for p in model.parameters()]


def _compiled_values(X, Y, layers):
    """The compiled step on Values: ``.grad`` and ``.data`` read and written one by one."""
    compile_ = engines.chaingrad_compile()
    _, model, opt = _chaingrad_model(layers)
    scale = 1.0 / len(Y)
    loss = _squared_error(model)
    # Each example's share of the mean: the batch-summed gradient is then mse's.
    # Only the parameters' gradients are wanted, as from every other engine.
    f = compile_(lambda x0, x1, y: loss(x0, x1, y) * scale, input_grads=False)
    x0, x1, ys = _columns(X, Y)

    def step():
        opt.zero_grad()
        values, _ = f.value_and_grad(x0, x1, ys)
        opt.step()
        return float(values.sum())

    return step, _check(model.parameters())


def _numpy_engine(step_fn):
    def make(X, Y, layers):
        params = [(W.copy(), b.copy()) for W, b in layers]
        last = []

        def step():
            loss, grads = step_fn(params, X, Y, LR)
            last[:] = [grads]
            return loss

        return step, lambda loss: {"loss": np.array([loss]), "grads": numpy_mlp.flat_grads(last[0])}
    return make


_numpy = _numpy_engine(numpy_mlp.step)
_numpy_dot = _numpy_engine(numpy_mlp.step_dot)

# benchmarks/report.py imports these names to find the rows its targets judge.
COMPILED, NUMPY, NUMPY_DOT = "chaingrad compiled", "numpy by hand", "numpy by hand, np.dot"
COMPILED_VALUES = "chaingrad compiled, Values"
ENGINES = [("micrograd", _micrograd), ("chaingrad eager", _eager),
           (COMPILED, _compiled), (COMPILED_VALUES, _compiled_values),
           (NUMPY, _numpy), (NUMPY_DOT, _numpy_dot)]
#: The engines that run at every size; the others (seconds or tens of ms a step) at the first only.
FAST = {COMPILED, COMPILED_VALUES, NUMPY, NUMPY_DOT}
BATCHES, QUICK_BATCHES = (100, 1_000, 10_000), (8, 20)


def bench(quick=False):
    """Rows for every engine at 100 points (with peak memory), and for the
    fast ones at 1,000 and 10,000 (8 and 20 points with ``quick``)."""
    rows = []
    for i, n in enumerate(QUICK_BATCHES if quick else BATCHES):
        X, Y, layers = problem(n)
        makers = [(engine, lambda row, f=f, data=(X, Y, layers): f(*data)) for engine, f in ENGINES
                  if i == 0 or engine in FAST]
        rows += run_side_by_side(NAME, f"{n:,} points", makers, repeats=1 if quick else 5,
                                 memory=i == 0, fast_repeats=None if quick else 15)
    return rows
