"""Compiled == eager, example by example (relative 1e-12): values, each
example's input gradients, and the batch-summed parameter gradients."""
import random

import numpy as np
import pytest
from compile_reference import assert_close, assert_matches_eager, compiled, mlp

import autograd
from autograd import PRIMITIVES, Value, apply

RNG = np.random.default_rng(12345)


def batch(low, high, size=16):
    return RNG.uniform(low, high, size)


def test_mlp_mse_matches_eager():
    forward, params = mlp([2, 16, 16, 1])
    X = RNG.normal(size=(100, 2))
    Y = RNG.normal(size=100)
    assert_matches_eager(lambda x0, x1, y: (forward([x0, x1]) - y) ** 2, params,
                         X[:, 0], X[:, 1], Y)


def test_leaky_relu_neuron_matches_its_numpy_closed_form():
    # The neuron of docs/neuron-gradient.md: a = leaky_relu(w.x + b), J = 1/2 (a - y)^2,
    # dJ/dw = sum((a - y) * slope(z) * x), dJ/db = sum((a - y) * slope(z)).
    alpha = 0.01
    w = [Value(v) for v in RNG.uniform(0, 1, 5)]
    b = Value(0.3)
    X = RNG.normal(0, 10, size=(1000, 5))
    y = RNG.normal(0, 10, size=1000)

    def loss(x0, x1, x2, x3, x4, t):
        a = autograd.dot([x0, x1, x2, x3, x4, 1.0], w + [b]).leaky_relu(alpha)
        return 0.5 * (a - t) ** 2

    f = assert_matches_eager(loss, w + [b], *X.T, y)
    z = X @ np.array([p.data for p in w]) + b.data
    err = np.maximum(alpha * z, z) - y
    delta = err * np.where(z < 0, alpha, 1.0)
    _, _, grads = compiled(f, w + [b], *X.T, y)
    assert_close(grads[:5], delta @ X)
    assert_close(grads[5], delta.sum())


# One use of every primitive in the table, on inputs inside its domain.
PRIMITIVE_CASES = {
    "add": (lambda x, y: x + y, (-2, 2), (-2, 2)),
    "sub": (lambda x, y: 1.5 - x - y, (-2, 2), (-2, 2)),
    "mul": (lambda x, y: x * y * 3.0, (-2, 2), (-2, 2)),
    "div": (lambda x, y: x / y + 2.0 / y, (-2, 2), (0.5, 2)),
    "neg": (lambda x, y: -x * y, (-2, 2), (-2, 2)),
    "pow": (lambda x, y: x ** 2.5 + y ** 3 + y ** 0, (0.5, 2), (-2, 2)),
    "rpow": (lambda x, y: 1.7 ** x + 0.5 ** y, (-2, 2), (-2, 2)),
    "vpow": (lambda x, y: x ** y, (0.5, 2), (-2, 2)),
    "exp": (lambda x, y: (x * y).exp(), (-2, 2), (-2, 2)),
    "log": (lambda x, y: (x * y).log(), (0.5, 2), (0.5, 2)),
    "sqrt": (lambda x, y: (x + y).sqrt(), (0.5, 2), (0.5, 2)),
    "abs": (lambda x, y: (x - y).abs(), (-2, 2), (-2, 2)),
    "tanh": (lambda x, y: (x * y).tanh(), (-2, 2), (-2, 2)),
    "sigmoid": (lambda x, y: (x * y).sigmoid(), (-3, 3), (-3, 3)),
    "softplus": (lambda x, y: (x * y).softplus(), (-3, 3), (-3, 3)),
    "relu": (lambda x, y: (x - y).relu(), (-2, 2), (-2, 2)),
    "leaky_relu": (lambda x, y: (x - y).leaky_relu(0.2) + x.leaky_relu(), (-2, 2), (-2, 2)),
    "sum": (lambda x, y: autograd.sum([x, y, 2.0, x, x * y]), (-2, 2), (-2, 2)),
    "dot": (lambda x, y: autograd.dot([x, y, 1.0, x], [y, 2.0, x, x]), (-2, 2), (-2, 2)),
    "m.sin": (lambda x, y: apply("m.sin", x * y) + apply("m.sin", 2.0 * x), (-4, 4), (-2, 2)),
    "m.cos": (lambda x, y: apply("m.cos", x * y) - apply("m.cos", y), (-4, 4), (-2, 2)),
}


def test_every_primitive_has_a_case():
    assert set(PRIMITIVES) <= set(PRIMITIVE_CASES)


@pytest.mark.parametrize("name", sorted(PRIMITIVE_CASES))
def test_each_primitive_matches_eager(name):
    fn, xr, yr = PRIMITIVE_CASES[name]
    w = Value(0.9, label="w")
    # A captured parameter in every case, so its batch-summed gradient is checked too.
    f = assert_matches_eager(lambda x, y: fn(x * w, y), [w], batch(*xr) / 0.9, batch(*yr))
    assert name in {step_prim(s) for s in f.plan.steps}


def step_prim(step):
    return getattr(getattr(step, "prim", None), "name", "dot")


@pytest.mark.parametrize("name", sorted(n for n in PRIMITIVE_CASES if n not in ("sum", "dot")))
def test_each_primitive_through_apply_on_a_parameter_only_node(name):
    # A node computed from captured parameters alone is shared by every example.
    fn, xr, yr = PRIMITIVE_CASES[name]
    p = Value(float(np.mean(xr)) + 0.1)
    q = Value(float(np.mean(yr)) + 0.2)
    assert_matches_eager(lambda x: fn(p, q) * x + fn(p, x), [p, q], batch(*yr))


def test_dot_and_sum_on_parameters_alone():
    p, q = Value(0.7), Value(-1.3)
    fn = lambda x: (autograd.dot([1.0], [p]) * x + autograd.dot([p, q, 2.0], [q, 1.0, p])  # noqa: E731
                    + autograd.sum([p, q, 1.0]) * autograd.dot([x, 1.0], [p, q]))
    assert_matches_eager(fn, [p, q], batch(-2, 2))


def test_shared_subexpressions_and_repeated_operands():
    w = Value(0.4)

    def fn(x, y):
        s = (x * w + y).tanh()          # used four times, twice in one node
        t = s * s + s.exp()
        return autograd.dot([s, t, s], [t, s, w]) + autograd.sum([t, t, s])

    assert_matches_eager(fn, [w], batch(-2, 2), batch(-2, 2))


def test_weight_tying_across_neurons():
    w = [Value(0.3), Value(-0.7)]

    def fn(x0, x1):
        h = [autograd.dot([x0, x1], w).tanh(), autograd.dot([x1, x0], w).tanh()]
        return autograd.dot(h, w[::-1])

    assert_matches_eager(fn, w, batch(-2, 2), batch(-2, 2))


def test_constant_and_input_only_outputs():
    w = Value(1.5)
    assert_matches_eager(lambda x: w * 2.0, [w], batch(-1, 1))
    assert_matches_eager(lambda x, y: y, [], batch(-1, 1), batch(-1, 1))
    f = autograd.compile(lambda x: 3.0)
    np.testing.assert_array_equal(f([1.0, 2.0]), [3.0, 3.0])
    values, (dx,) = f.value_and_grad([1.0, 2.0])
    np.testing.assert_array_equal(dx, [0.0, 0.0])


def random_function(seed, n_nodes=30, n_params=2):
    """A seeded random DAG over every primitive, with shared subexpressions.

    Operands are bent into each primitive's domain (log of softplus + 0.1,
    a division by y*y + 0.5), so every example is valid.
    """
    rnd = random.Random(seed)
    params = [Value(rnd.uniform(-1, 1)) for _ in range(n_params)]
    recipe = [(rnd.choice(sorted(PRIMITIVE_CASES)),
               [rnd.randrange(10_000) for _ in range(4)], rnd.uniform(0.2, 2.5))
              for _ in range(n_nodes)]

    def fn(x0, x1, x2):
        xs = (x0, x1, x2)
        pool = list(xs) + params
        for name, picks, c in recipe:
            a, b, d, e = (pool[-1 - p % min(len(pool), 6)] if p % 3 else pool[p % len(pool)]
                          for p in picks)
            pos = (a.softplus() + 0.1) if isinstance(a, Value) else abs(a) + 0.1
            if name in ("add", "sub", "mul", "neg", "abs", "relu", "tanh", "sigmoid", "softplus"):
                out = apply(name, *([a, b] if PRIMITIVES[name].arity == 2 else [a]))
            elif name == "div":
                out = a / (b * b + 0.5)
            elif name == "pow":
                out = pos ** round(c, 1) if picks[0] % 2 else a.tanh() ** 3
            elif name == "rpow":
                out = c ** a.tanh()
            elif name == "vpow":
                out = pos ** b.tanh()
            elif name == "exp":
                out = a.tanh().exp()
            elif name == "log":
                out = pos.log()
            elif name == "sqrt":
                out = pos.sqrt()
            elif name == "leaky_relu":
                out = a.leaky_relu(c / 10)
            elif name == "sum":
                out = autograd.sum([a, b, d, a, c])
            else:
                out = autograd.dot([a, b, c], [d, e, a])
            pool.append(out.tanh() * 2.0 if picks[3] % 4 == 0 else out)
        return autograd.sum(pool[-4:]) + pool[len(xs)]

    return fn, params


@pytest.mark.parametrize("seed", range(25))
def test_random_graphs_match_eager(seed):
    fn, params = random_function(seed)
    rng = np.random.default_rng(seed)
    assert_matches_eager(fn, params, *rng.uniform(-1.5, 1.5, size=(3, 12)))


@pytest.mark.parametrize("seed", range(100, 115))
def test_random_graphs_rich_in_parameter_only_nodes_match_eager(seed):
    fn, params = random_function(seed, n_params=8)
    f = autograd.compile(fn)
    assert any(step.out_kind == 1 for step in f.plan.steps)   # some nodes are shared rows
    rng = np.random.default_rng(seed)
    assert_matches_eager(fn, params, *rng.uniform(-1.5, 1.5, size=(3, 12)))


def test_input_grads_are_per_example_derivatives():
    w = Value(-0.8)
    f = autograd.compile(lambda x, y: (x * y * w).tanh())
    x, y = batch(-1, 1), batch(-1, 1)
    values, (dx, dy) = f.value_and_grad(x, y)
    # closed form: d tanh(u)/dx = (1 - tanh(u)^2) * y * w
    u = x * y * w.data
    assert_close(values, np.tanh(u))
    assert_close(dx, (1 - np.tanh(u) ** 2) * y * w.data)
    assert_close(dy, (1 - np.tanh(u) ** 2) * x * w.data)
    assert_close(w.grad, np.sum((1 - np.tanh(u) ** 2) * x * y))


def test_leaky_relu_on_a_big_batch_with_exact_zeros():
    # Big batches take the NUMPY namespace's arithmetic select for the slope.
    x = np.random.default_rng(7).normal(size=5000)
    x[::7] = 0.0
    x[1::11] = -0.0
    assert_matches_eager(lambda x: (x * 3.0).leaky_relu(0.03) + x.relu() * x, [], x)


# -- the kinks' conventions, compiled (issue 19: only the hardening folder caught them) ---

@pytest.mark.parametrize("size", [3, 5000], ids=["small-batch", "big-batch"])   # slope's two code paths
def test_compiled_relu_slope_at_zero_is_0_and_leaky_relu_slope_at_zero_is_1(size):
    # The conventions (docs/neuron-gradient.md): relu'(0) = 0, leaky_relu'(0) = 1;
    # away from 0 the slopes are 1 and 0 / alpha.  Checked on the batched pass
    # itself: no input here sends the call to the exact replay.
    x = np.resize([0.0, -0.0, 2.0, -3.0], size)
    want_relu = np.resize([0.0, 0.0, 1.0, 0.0], size)
    want_leaky = np.resize([1.0, 1.0, 1.0, 0.25], size)
    for fn, want in ((lambda x: x.relu(), want_relu), (lambda x: x.leaky_relu(0.25), want_leaky),
                     (lambda x: x.relu() + x.leaky_relu(0.25), want_relu + want_leaky)):
        _, (dx,) = autograd.compile(fn).value_and_grad(x)
        np.testing.assert_array_equal(dx, want)
