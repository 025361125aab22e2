"""The array training path (``f.flat()``, autograd/compiler/flat.py).

Truth: the eager engine.  Three copies of one model train side by side, on
the eager path (a graph of Values per step, ``nn.mse``, ``backward``), the
compiled path with Values (``value_and_grad`` adding into ``.grad``) and the
array path (``f.flat()``); after many steps of every optimizer their
parameters agree to 1e-12.  A bad gradient is refused on every path with
nothing changed, and the Values see the numbers after ``write_back``.
"""
import math
import struct

import numpy as np
import pytest

import autograd
import nn
from autograd import Value

RNG = np.random.default_rng(2024)
X = RNG.uniform(-2.0, 2.0, (40, 2))
Y = np.sin(X[:, 0]) * X[:, 1]
X0, X1 = np.ascontiguousarray(X[:, 0]), np.ascontiguousarray(X[:, 1])

OPTIMIZERS = {
    "sgd": lambda ps: nn.SGD(ps, lr=0.05),
    "momentum": lambda ps: nn.SGD(ps, lr=0.05, momentum=0.9),
    "weight decay": lambda ps: nn.SGD(ps, lr=0.05, weight_decay=0.01),
    "momentum and decay": lambda ps: nn.SGD(ps, lr=0.05, momentum=0.5, weight_decay=0.01),
    "adam": lambda ps: nn.Adam(ps, lr=0.01),
}


def model():
    return nn.MLP(2, [8, 8, 1], activation="tanh", rng=3)


def per_example(m):
    return lambda x0, x1, y: (m([x0, x1]) - y) ** 2


def train_eager(make, steps):
    m = model()
    opt = make(m.parameters())
    xs, ys = X.tolist(), Y.tolist()
    for _ in range(steps):
        loss = nn.mse([m(x) for x in xs], ys)
        opt.zero_grad()
        loss.backward()
        opt.step()
    return m.state_dict()


def train_compiled_values(make, steps):
    m = model()
    n = len(Y)
    f = autograd.compile(lambda x0, x1, y: (m([x0, x1]) - y) ** 2 / n, input_grads=False)
    opt = make(m.parameters())
    for _ in range(steps):
        opt.zero_grad()
        f.value_and_grad(X0, X1, Y)
        opt.step()
    return m.state_dict()


def train_flat(make, steps):
    m = model()
    params = autograd.compile(per_example(m), input_grads=False).flat()
    opt = make(params)
    before = m.state_dict()
    for _ in range(steps):
        opt.zero_grad()
        params.value_and_grad(X0, X1, Y)
        opt.step()
    assert m.state_dict() == before          # the Values wait for write_back
    params.write_back()
    return m.state_dict()


def assert_same_parameters(got, want, rtol=1e-12):
    assert got.keys() == want.keys()
    g, w = np.array(list(got.values())), np.array(list(want.values()))
    # relative to each parameter's size, and to the layer's typical size for
    # a parameter that happens to sit near 0
    scale = np.maximum(np.abs(w), np.abs(w).mean())
    worst = np.max(np.abs(g - w) / scale)
    assert worst <= rtol, worst


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_eager_compiled_and_array_paths_reach_the_same_parameters(name):
    make, steps = OPTIMIZERS[name], 30
    want = train_eager(make, steps)
    assert want != model().state_dict()          # training moved them
    assert_same_parameters(train_compiled_values(make, steps), want)
    assert_same_parameters(train_flat(make, steps), want)


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_an_optimizer_step_on_values_and_on_the_array_is_the_same_to_the_bit(name):
    # The same numbers in both places: the same arithmetic, bit for bit.
    m = model()
    params = autograd.compile(per_example(m), input_grads=False).flat()
    on_values, on_array = OPTIMIZERS[name](list(params.values)), OPTIMIZERS[name](params)
    for step in range(5):
        grads = RNG.normal(size=len(params)) * 10.0 ** RNG.integers(-3, 3, len(params))
        for p, g in zip(params.values, grads.tolist()):
            p.grad = g
        params.grad[:] = grads
        on_values.step()
        on_array.step()
        assert [p.data for p in params.values] == params.data.tolist(), step


def test_value_and_grad_adds_the_mean_gradient_and_returns_each_loss():
    # d/dw mean((w x - y)^2) = mean(2 (w x - y) x), by hand
    w = Value(1.5, label="w")
    params = autograd.compile(lambda x, y: (w * x - y) ** 2).flat()
    x, y = np.array([1.0, 2.0, -1.0]), np.array([0.0, 1.0, 3.0])
    losses = params.value_and_grad(x, y)
    np.testing.assert_allclose(losses, (1.5 * x - y) ** 2, rtol=1e-15)
    want = np.mean(2 * (1.5 * x - y) * x)
    assert params.grad.tolist() == [pytest.approx(want, rel=1e-15)]
    params.value_and_grad(x, y)                  # accumulates, as .grad does
    assert params.grad.tolist() == [pytest.approx(2 * want, rel=1e-15)]
    total = autograd.compile(lambda x, y: (w * x - y) ** 2).flat(mean=False)
    total.value_and_grad(x, y)
    assert total.grad.tolist() == [pytest.approx(3 * want, rel=1e-15)]


def test_the_array_is_read_at_every_call_and_the_values_are_left_alone():
    w = Value(2.0)
    params = autograd.compile(lambda x: w * x).flat()
    params.data[0] = 5.0
    assert params([1.0, 2.0]).tolist() == [5.0, 10.0] and w.data == 2.0
    w.data = 7.0                                 # the Value moved: the array did not
    assert params([1.0]).tolist() == [5.0]
    params.reload()
    assert params.data.tolist() == [7.0]


def test_after_write_back_the_model_computes_saves_and_draws_the_trained_numbers(tmp_path):
    m = model()
    params = autograd.compile(per_example(m), input_grads=False).flat()
    opt = nn.Adam(params, lr=0.05)
    for _ in range(20):
        opt.zero_grad()
        params.value_and_grad(X0, X1, Y)
        opt.step()
    params.write_back()
    assert all(type(p.data) is float for p in m.parameters())
    by_value = dict(zip(params.values, params.data.tolist()))
    assert [p.data for p in m.parameters()] == [by_value[p] for p in m.parameters()]
    # eager forward and loss equal the compiled function on the array
    # The two paths add in different orders, so an output o agrees to a few
    # ulps; the loss (o - y)^2 then differs by about 2 |o - y| |Δo|, which is
    # large relative to a loss near 0 (numpy 2.5 gave 1.2e-12 there), so the
    # bound is on that, not on the loss's relative error.
    losses = params(X0, X1, Y)
    outputs = np.array([m(x).data for x in X.tolist()])
    eager = (outputs - Y) ** 2
    bound = 1e-12 * (eager + 2 * np.sqrt(eager) * np.maximum(1.0, np.abs(outputs)))
    assert np.all(np.abs(losses - eager) <= bound), np.max(np.abs(losses - eager) / bound)
    m.save(tmp_path / "m.txt")
    assert model().load(tmp_path / "m.txt").state_dict() == m.state_dict()
    w = m.parameters()[0]
    w.label = "w0"
    assert f"w0  data={w.data:.4g}" in autograd.to_text(w * 1.0)
    assert f"<b>w0</b></td></tr><tr><td align=\"left\">data</td><td align=\"right\">{w.data:.4g}<" \
        in autograd.draw_dot(w * 1.0).source


def test_evaluate_runs_another_function_on_the_array():
    m = model()
    params = autograd.compile(per_example(m), input_grads=False).flat()
    score = autograd.compile(lambda x0, x1: m([x0, x1]))
    params.data *= 0.5
    params.write_back()
    np.testing.assert_allclose(params.evaluate(score, X0, X1), [m(x).data for x in X.tolist()],
                               rtol=1e-12)
    # A function of two parameters from the far end of the array, in another order.
    out = m.layers[2].neurons[0]
    few = autograd.compile(lambda x: x * out.b + out.w[3])
    params.data *= 3.0
    np.testing.assert_allclose(params.evaluate(few, [1.0, 2.0]),
                               [3 * out.b.data + 3 * out.w[3].data, 6 * out.b.data + 3 * out.w[3].data],
                               rtol=1e-15)
    other = autograd.compile(lambda x: x * Value(3.0, label="stranger"))
    with pytest.raises(ValueError, match="'stranger', which is not among these 105 parameters"):
        params.evaluate(other, [1.0])


def bits(a):
    return [struct.pack("<d", x) for x in np.asarray(a, dtype=float).tolist()]


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
@pytest.mark.parametrize("bad", [math.inf, -math.inf, math.nan])
def test_a_bad_gradient_is_refused_on_the_array_with_nothing_changed(name, bad):
    params = autograd.compile(per_example(model()), input_grads=False).flat()
    opt = OPTIMIZERS[name](params)
    opt.zero_grad()
    params.value_and_grad(X0, X1, Y)
    opt.step()                                   # a good step: the state is not empty
    data = bits(params.data)
    params.grad[7] = bad
    with pytest.raises(ValueError, match=rf"params\.grad\[7\] is {bad!r}; no parameter was changed"):
        opt.step()
    assert bits(params.data) == data


@pytest.mark.parametrize("name", sorted(OPTIMIZERS))
def test_refused_steps_leave_no_trace_on_the_array(name):
    # Twins: one array path takes every step, the other only those accepted;
    # they stay equal to the bit.
    def flat():
        m = model()
        return autograd.compile(per_example(m), input_grads=False).flat()
    a, b = flat(), flat()
    opt_a, opt_b = OPTIMIZERS[name](a), OPTIMIZERS[name](b)
    rng = np.random.default_rng(5)
    for step in range(12):
        grads = rng.normal(size=len(a))
        if step % 3 == 1:
            grads[rng.integers(len(a))] = [math.inf, math.nan, 1e308][step % 3 - 1 if step % 2 else 2]
        a.grad[:] = grads
        b.grad[:] = grads
        before = bits(a.data)
        try:
            opt_a.step()
        except ValueError as e:
            assert "no parameter was changed" in str(e) and bits(a.data) == before
        else:
            opt_b.step()
        assert bits(a.data) == bits(b.data), step


def test_an_infinite_parameter_in_the_array_is_refused():
    params = autograd.compile(per_example(model()), input_grads=False).flat()
    opt = nn.SGD(params, lr=0.1)
    params.data[3] = math.inf
    params.grad[:] = 1.0
    with pytest.raises(ValueError, match=r"params\.data\[3\] is inf; a parameter that is not finite"):
        opt.step()
    assert params.data[3] == math.inf and np.isfinite(np.delete(params.data, 3)).all()


def test_a_batch_whose_gradient_sum_is_nan_changes_nothing():
    # Finite values, but d/dw is x * 1e400: +inf for one example, -inf for
    # the other, so the batch sum is NaN.
    w = Value(1.0, label="w")
    f = autograd.compile(lambda x: (w * 1e-200) * (x * 1e200) * 1e200)
    eager = [Value(1.0) for _ in range(2)]
    for v, x in zip(eager, (1.0, -1.0)):
        ((v * 1e-200) * (x * 1e200) * 1e200).backward()
    assert [v.grad for v in eager] == [math.inf, -math.inf]
    params = f.flat()
    params.grad[:] = 0.25
    with pytest.raises(ValueError, match=r"parameter 'w' summed over the batch is NaN"):
        params.value_and_grad([1.0, -1.0])
    assert params.grad.tolist() == [0.25]


def test_adding_a_batch_to_an_infinite_grad_that_makes_nan_is_refused():
    w = Value(1.0, label="w")
    params = autograd.compile(lambda x: (w * 1e-200) * (x * 1e200) * 1e200).flat(mean=False)
    params.grad[:] = math.inf
    with pytest.raises(ValueError, match=r"parameter 'w' \(data\[0\]\) holds \.grad inf and this batch "
                                         r"adds -inf: the sum is NaN, so no \.grad was changed"):
        params.value_and_grad([-1.0])
    assert params.grad.tolist() == [math.inf]


def test_no_numpy_warning_escapes_the_array_path():
    import warnings
    w = Value(1.0)
    params = autograd.compile(lambda x: w * x).flat(mean=False)
    opt = nn.Adam(params, lr=0.1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        params.grad[:] = 1e308
        params.value_and_grad([1e308])          # 1e308 + 1e308 overflows to inf, silently
        assert params.grad.tolist() == [math.inf]
        with pytest.raises(ValueError):
            opt.step()
        params.grad[:] = 1e200                   # its square overflows: refused, no warning
        with pytest.raises(ValueError, match="second moment"):
            opt.step()


def test_flat_refuses_what_it_cannot_train():
    with pytest.raises(ValueError, match="captures no parameter Values"):
        autograd.compile(lambda x: x * 2.0).flat()
    with pytest.raises(TypeError, match="mean must be True or False"):
        autograd.compile(lambda x: x * Value(1.0)).flat(mean=1)


def test_a_batch_replayed_example_by_example_gives_the_mean_gradient_too():
    # An infinite input sends the call to the exact replay; its gradient is
    # still the mean's: eager's sum / 2 seeds each example with 1/2.
    w = Value(3.0, label="w")
    fn = lambda x: w * x.exp()  # noqa: E731
    params = autograd.compile(fn).flat()
    losses = params.value_and_grad([-math.inf, 1.0])
    v = Value(3.0)
    eager = autograd.sum([v * Value(x).exp() for x in (-math.inf, 1.0)]) / 2
    eager.backward()
    assert losses.tolist() == [0.0, 3.0 * math.e]
    assert params.grad.tolist() == [v.grad] and v.grad == math.e / 2
