"""SGD and Adam against updates worked out by hand for two steps; no graph
recorded; bad hyperparameters and parameter lists refused at construction."""
import math
import re
import struct
import warnings

import numpy as np
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from autograd import Value
from nn import MLP, SGD, Adam


def two_steps(opt, p, grads):
    seen = []
    for g in grads:
        p.grad = g
        opt.step()
        seen.append(p.data)
    return seen


def test_sgd_plain_two_steps():
    p = Value(1.0)
    # p1 = 1 - 0.1 * 0.5 = 0.95; p2 = 0.95 - 0.1 * (-0.25) = 0.975
    assert two_steps(SGD([p], lr=0.1), p, [0.5, -0.25]) == pytest.approx([0.95, 0.975], abs=1e-15)


def test_sgd_momentum_and_weight_decay_two_steps():
    p = Value(1.0)
    opt = SGD([p], lr=0.1, momentum=0.9, weight_decay=0.1)
    # step 1: g = 0.5 + 0.1 * 1.0 = 0.6;  buf = 0.6;                      p = 1 - 0.06 = 0.94
    # step 2: g = -0.25 + 0.1 * 0.94 = -0.156;  buf = 0.9 * 0.6 - 0.156 = 0.384;  p = 0.94 - 0.0384
    assert two_steps(opt, p, [0.5, -0.25]) == pytest.approx([0.94, 0.9016], abs=1e-15)


def test_sgd_momentum_without_decay_two_steps():
    p = Value(2.0)
    opt = SGD([p], lr=0.5, momentum=0.5)
    # step 1: buf = 1;  p = 2 - 0.5 = 1.5.  step 2: buf = 0.5 * 1 + 1 = 1.5;  p = 1.5 - 0.75 = 0.75
    assert two_steps(opt, p, [1.0, 1.0]) == [1.5, 0.75]


def test_adam_two_steps():
    p = Value(1.0)
    opt = Adam([p], lr=0.1, betas=(0.9, 0.999), eps=1e-8)
    # By hand, with exact fractions for m and v:
    # step 1: g = 1/2:  m = 1/20, v = 1/4000; m^ = (1/20)/(1/10) = 1/2, v^ = (1/4000)/(1/1000) = 1/4
    #         p = 1 - 0.1 * (1/2) / (1/2 + 1e-8) = 0.900000002 (to 1e-17)
    # step 2: g = -1/4: m = 9/200 - 1/40 = 1/50, v = 999/4000000 + 1/16000 = 1249/4000000
    #         m^ = (1/50)/(19/100) = 2/19, v^ = (1249/4000000)/(1999/1000000) = 1249/7996
    #         p = 0.900000002 - 0.1 * (2/19) / (sqrt(1249/7996) + 1e-8)
    step2 = 0.900000002 - 0.1 * (2 / 19) / (math.sqrt(1249 / 7996) + 1e-8)
    got = two_steps(opt, p, [0.5, -0.25])
    assert got[0] == pytest.approx(0.900000002, rel=1e-15)
    assert got[1] == pytest.approx(step2, rel=1e-14)
    assert step2 == pytest.approx(0.8733662987, abs=1e-10)


def test_adam_moves_each_parameter_by_its_own_moments():
    a, b = Value(0.0), Value(0.0)
    opt = Adam([a, b], lr=0.01)
    a.grad, b.grad = 100.0, -0.001
    opt.step()
    # Adam's first step is lr * sign(g) (up to eps), whatever the gradient's size
    assert a.data == pytest.approx(-0.01, rel=1e-6) and b.data == pytest.approx(0.01, rel=1e-4)


@pytest.mark.parametrize("make", [lambda ps: SGD(ps, lr=0.1, momentum=0.9), lambda ps: Adam(ps, lr=0.1)])
def test_updates_record_no_graph_and_zero_grad_resets(make):
    model = MLP(2, [3, 1], rng=0)
    opt = make(model.parameters())
    before = model.state_dict()
    model([1.0, 2.0]).backward()
    opt.step()
    assert model.state_dict() != before
    assert all(p.is_leaf() and p.op == "" and p.parents == () for p in model.parameters())
    assert all(type(p.data) is float for p in model.parameters())
    opt.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


@pytest.mark.parametrize("cls", [SGD, Adam])
def test_a_non_finite_gradient_is_refused_and_nothing_changes(cls):
    ps = [Value(1.0), Value(2.0)]
    opt = cls(ps, lr=0.1)
    ps[0].grad, ps[1].grad = 1.0, math.inf
    with pytest.raises(ValueError, match=r"params\[1\]\.grad is inf"):
        opt.step()
    assert [p.data for p in ps] == [1.0, 2.0]


@pytest.mark.parametrize("cls", [SGD, Adam])
@pytest.mark.parametrize("bad", [math.nan, -math.inf])
def test_the_first_non_finite_gradient_is_named_among_many(cls, bad):
    ps = [Value(float(i)) for i in range(50)]
    opt = cls(ps, lr=0.1)
    for p in ps:
        p.grad = 1.0
    ps[17].grad, ps[40].grad = bad, math.inf
    with pytest.raises(ValueError, match=rf"params\[17\]\.grad is {bad!r}"):
        opt.step()
    assert [p.data for p in ps] == [float(i) for i in range(50)]


def test_finite_gradients_whose_sum_overflows_are_accepted():
    ps = [Value(0.0), Value(0.0)]
    for p in ps:
        p.grad = 1e308          # 1e308 + 1e308 is inf; each gradient is finite
    SGD(ps, lr=1e-308).step()
    assert [p.data for p in ps] == [-1e308 * 1e-308] * 2


@pytest.mark.parametrize("ctor,match", [
    (lambda ps: SGD(ps, lr=0.0), "lr"), (lambda ps: SGD(ps, lr=-1.0), "lr"),
    (lambda ps: SGD(ps, lr=math.nan), "lr"), (lambda ps: SGD(ps, lr=math.inf), "lr"),
    (lambda ps: SGD(ps, lr="0.1"), "lr"), (lambda ps: SGD(ps, lr=True), "lr"),
    (lambda ps: SGD(ps, lr=0.1, momentum=-0.1), "momentum"),
    (lambda ps: SGD(ps, lr=0.1, weight_decay=-1e-3), "weight_decay"),
    (lambda ps: Adam(ps, lr=0.0), "lr"), (lambda ps: Adam(ps, lr=-0.1), "lr"),
    (lambda ps: Adam(ps, betas=(1.0, 0.999)), r"betas\[0\]"),
    (lambda ps: Adam(ps, betas=(-0.1, 0.999)), r"betas\[0\]"),
    (lambda ps: Adam(ps, betas=(0.9, 1.0)), r"betas\[1\]"),
    (lambda ps: Adam(ps, betas=(0.9,)), "betas"), (lambda ps: Adam(ps, betas=0.9), "betas"),
    (lambda ps: Adam(ps, eps=0.0), "eps"), (lambda ps: Adam(ps, eps=-1e-8), "eps"),
])
def test_invalid_hyperparameters_are_refused_at_construction(ctor, match):
    with pytest.raises(ValueError, match=match):
        ctor([Value(1.0)])


@pytest.mark.parametrize("cls", [SGD, Adam])
@pytest.mark.parametrize("params,err,match", [
    ([], ValueError, "empty"), (iter([]), ValueError, "empty"),
    ([Value(1.0), 2.0], TypeError, r"params\[1\] must be a Value"),
    (Value(1.0), TypeError, "not one Value"), (5, TypeError, "list of Values"),
])
def test_bad_parameter_lists_are_refused(cls, params, err, match):
    with pytest.raises(err, match=match):
        cls(params, lr=0.1)


def test_a_parameter_listed_twice_is_refused():
    p = Value(1.0)
    with pytest.raises(ValueError, match="twice"):
        SGD([p, p], lr=0.1)


def test_a_generator_of_parameters_is_accepted():
    model = MLP(2, [2, 1], rng=0)
    opt = Adam(p for p in model.parameters())
    assert len(opt.params) == 9


# --- no step writes a non-finite value (issue 13, item 2) -------------------
# A parameter may hold ±inf (Value, load_state_dict and model files allow it).
# Each optimizer path must refuse to step it, and refuse an update that
# overflows, before anything changes: the parameters and the state that the
# next step reads (momentum buffers, Adam's moments and step count).

PATHS = {
    "sgd": lambda ps: SGD(ps, lr=0.1),
    "sgd-momentum": lambda ps: SGD(ps, lr=0.1, momentum=0.9),
    "sgd-decay": lambda ps: SGD(ps, lr=0.1, weight_decay=0.1),
    "sgd-momentum-decay": lambda ps: SGD(ps, lr=0.1, momentum=0.9, weight_decay=0.1),
    "adam": lambda ps: Adam(ps, lr=0.1),
}


def bits(ps):
    return [struct.pack("<d", p.data) for p in ps]


def twins(make, datas):
    """Two optimizers on two equal parameter lists: one gets every step, the
    other only the steps the first accepted, so any trace a refused step left
    in the first one's state shows up as a difference later."""
    a, b = [Value(d) for d in datas], [Value(d) for d in datas]
    return (make(a), a), (make(b), b)


def attempt(first, second, grads):
    """One step on ``first``; ``second`` takes it only if ``first`` accepted it."""
    (opt, ps), (opt2, ps2) = first, second
    for p, q, g in zip(ps, ps2, grads):
        p.grad = q.grad = g
    before = bits(ps)
    try:
        opt.step()
    except ValueError as e:
        assert "no parameter was changed" in str(e)
        assert bits(ps) == before
        return e
    opt2.step()
    assert all(math.isfinite(p.data) for p in ps), [p.data for p in ps]
    return None


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("inf", [math.inf, -math.inf])
def test_an_infinite_parameter_is_refused_on_every_path(path, inf):
    first, second = twins(PATHS[path], [1.0, inf, -2.0])
    attempt(first, second, [0.5, 0.5, 0.5])           # a good step first: the state is not empty
    err = attempt(first, second, [0.5, 0.5, 0.5])
    assert err is not None and f"params[1].data is {inf!r}" in str(err)
    assert first[1][1].data == inf
    # Once the parameter is finite again, both run on in step: the refused
    # step changed no momentum buffer, moment or step count.
    for ps in (first[1], second[1]):
        ps[1].data = 3.0
    for grads in ([0.25, -1.0, 2.0], [1.0, 1.0, 1.0]):
        assert attempt(first, second, grads) is None
        assert bits(first[1]) == bits(second[1])


@pytest.mark.parametrize("make,steps,match", [
    (lambda ps: SGD(ps, lr=1e10), [[1.0, 1e300]], r"the update for params\[1\] .*overflows"),
    (lambda ps: SGD(ps, lr=1e-300, weight_decay=1e300), [[0.0, 0.0]],
     r"the update for params\[0\] \(data 1e\+300, grad 0\.0\) overflows"),
    # the buffer grows 0 -> 2 -> 2e300 -> overflow on the third step
    (lambda ps: SGD(ps, lr=1.0, momentum=1e300), [[0.0, 2.0], [0.0, 0.0], [0.0, 0.0]],
     r"the update for params\[1\] .*overflows"),
    (lambda ps: Adam(ps, lr=0.1), [[1.0, -1.0], [1.0, 1e200]],
     r"the second moment \(grad squared\) for params\[1\] .*overflows.*scale the loss"),
])
def test_an_update_that_overflows_is_refused(make, steps, match):
    first, second = twins(make, [1e300, 2.0])
    for grads in steps[:-1]:
        assert attempt(first, second, grads) is None
    err = attempt(first, second, steps[-1])
    assert err is not None and re.search(match, str(err)), err
    attempt(first, second, [1.0, -1.0])
    assert bits(first[1]) == bits(second[1])


floats_or_inf = st.floats(allow_nan=False)
positive = st.floats(min_value=0.0, max_value=1e308, exclude_min=True)
non_negative = st.one_of(st.just(0.0), positive)
unit = st.floats(min_value=0.0, max_value=1.0, exclude_max=True)
optimizers = st.one_of(
    st.builds(lambda lr, mom, wd: lambda ps: SGD(ps, lr=lr, momentum=mom, weight_decay=wd),
              positive, non_negative, non_negative),
    st.builds(lambda lr, b1, b2, eps: lambda ps: Adam(ps, lr=lr, betas=(b1, b2), eps=eps),
              positive, unit, unit, positive))


@settings(max_examples=300, deadline=None)
@given(optimizers, st.integers(1, 4).flatmap(lambda n: st.tuples(
    st.lists(floats_or_inf, min_size=n, max_size=n),
    st.lists(st.lists(st.floats(), min_size=n, max_size=n), min_size=1, max_size=4))))
def test_no_step_writes_a_non_finite_value_or_leaves_a_trace_when_refused(make, case):
    datas, steps = case
    first, second = twins(make, datas)
    for grads in steps:
        attempt(first, second, grads)
        assert bits(first[1]) == bits(second[1])


@example(g=4e155)
@example(g=-2e154)
@example(g=1e-3)
@given(st.floats(min_value=1e-3, max_value=4e155) | st.floats(min_value=-4e155, max_value=-1e-3))
def test_adams_first_step_moves_by_lr_whatever_the_gradients_size(g):
    # m^ = g and v^ = g^2 on the first step, so the step is lr * g / (|g| + eps):
    # lr * sign(g) up to eps / |g| <= 1e-5.  A gradient near 1e155 used to make
    # v / (1 - b2) overflow and the step a silent 0.
    w = Value(0.0)
    opt = Adam([w], lr=0.01)
    w.grad = g
    opt.step()
    assert w.data == pytest.approx(-0.01 * math.copysign(1.0, g), rel=2e-5)


# --- issue 19: numpy scalars in .grad, Adam's bias correction ----------------------

@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("grad", [np.float32(0.1), np.float16(0.1), np.float64(0.1), np.longdouble(0.1)],
                         ids=["float32", "float16", "float64", "longdouble"])
def test_a_numpy_gradient_updates_data_in_python_floats(path, grad):
    # The same step with the gradient's value as a Python float is the truth:
    # float32 arithmetic would round every step to 24 bits and leak the type
    # into .data (and from there into the graph and the saved file).
    p, q = Value(1.0), Value(1.0)
    opt, ref = PATHS[path]([p]), PATHS[path]([q])
    for _ in range(2):
        p.grad, q.grad = grad, float(grad)
        opt.step()
        ref.step()
        assert type(p.data) is float and p.data == q.data


@pytest.mark.parametrize("grad", [np.float64(1e200), np.float32(3e38), np.float64(-1e300)])
def test_adam_lets_no_numpy_warning_escape(grad):
    # A numpy scalar gradient squared overflows with a RuntimeWarning in numpy's
    # arithmetic; in floats the step is taken or refused as for a float.
    p = Value(1.0)
    opt = Adam([p], lr=0.1)
    p.grad = grad
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            opt.step()
        except ValueError as e:
            assert "second moment" in str(e) and p.data == 1.0
        else:
            assert type(p.data) is float and p.data == pytest.approx(0.9, rel=1e-6)


def test_adams_first_step_by_hand_shows_both_bias_corrections():
    # lr 1, betas (0.5, 0.75), eps 0.5, g = 2:  m = 0.5 * 2 = 1,  v = 0.25 * 4 = 1;
    # m^ = 1 / (1 - 0.5) = 2,  v^ = 1 / (1 - 0.75) = 4;  step = 2 / (sqrt(4) + 0.5) = 0.8.
    # Without the corrections it would be 1 / (1 + 0.5); with only one, 2 / 1.5 or 1 / 2.5.
    p = Value(0.0)
    opt = Adam([p], lr=1.0, betas=(0.5, 0.75), eps=0.5)
    p.grad = 2.0
    opt.step()
    assert p.data == -0.8
    # Step 2, g = 2 again: m = 0.5 + 1 = 1.5, v = 0.75 + 1 = 1.75; m^ = 1.5 / 0.75 = 2,
    # v^ = 1.75 / 0.4375 = 4: the same step again, 0.8.
    opt.step()
    assert p.data == pytest.approx(-1.6, rel=1e-15)


@pytest.mark.parametrize("path", sorted(PATHS))
@pytest.mark.parametrize("grad", [np.float64(math.inf), np.float32(-math.inf), np.float64(math.nan)],
                         ids=["inf64", "-inf32", "nan64"])
def test_a_non_finite_numpy_gradient_is_refused_without_a_warning(path, grad):
    p = Value(1.0)
    opt = PATHS[path]([p])
    p.grad = grad
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(ValueError, match=r"params\[0\]\.grad is"):
            opt.step()
    assert p.data == 1.0


# --- the array path (f.flat()): the same steps, accepted and refused alike ---------

def flat_of(datas):
    """A compiled function's flat parameters holding ``datas``, in that order."""
    import autograd
    ps = [Value(d) for d in datas]
    params = autograd.compile(lambda x: autograd.sum([p * x for p in ps])).flat()
    order = [params.values.index(p) for p in ps]
    return params, order


@settings(max_examples=150, deadline=None)
@given(optimizers, st.integers(1, 4).flatmap(lambda n: st.tuples(
    st.lists(floats_or_inf, min_size=n, max_size=n),
    st.lists(st.lists(st.floats(), min_size=n, max_size=n), min_size=1, max_size=4))))
def test_the_array_path_takes_and_refuses_the_same_steps_as_the_values_path(make, case):
    # The Values path (checked above against hand-worked steps) is the truth:
    # each step is accepted or refused alike, with the same message, and the
    # parameters hold the same bits afterwards.
    datas, steps = case
    ps = [Value(d) for d in datas]
    params, order = flat_of(datas)
    on_values, on_array = make(ps), make(params)
    for grads in steps:
        for p, g in zip(ps, grads):
            p.grad = g
        params.grad[order] = grads
        outcomes = []
        for opt in (on_values, on_array):
            try:
                opt.step()
                outcomes.append(None)
            except ValueError as e:
                # the array's names, params.grad[i], read as the Values' params[i].grad
                text = re.sub(r"params\.(data|grad)\[(\d+)\]", r"params[\2].\1", str(e))
                outcomes.append(text.replace("].data (data", "] (data"))
        if outcomes[1] is not None:            # the array path names the array's index
            outcomes[1] = re.sub(r"params\[(\d+)\]", lambda m: f"params[{order.index(int(m[1]))}]",
                                 outcomes[1])
        assert outcomes[0] == outcomes[1]
        assert bits(ps) == [struct.pack("<d", x) for x in params.data[order].tolist()]
