"""SGD and Adam against updates worked out by hand for two steps; no graph
recorded; bad hyperparameters and parameter lists refused at construction."""
import math

import pytest

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
