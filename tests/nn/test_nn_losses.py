"""Losses against their formulas (written here with math), their gradients
against hand derivations and central differences, and the extreme inputs
where a naive formula overflows."""
import math

import numpy as np
import pytest

import nn
from autograd import Value, gradcheck


def vals(xs):
    return [Value(x) for x in xs]


def test_squared_error_is_half_the_sum_of_squares_with_gradient_a_minus_y():
    a = vals([1.0, -2.0, 3.5])
    y = [0.0, 1.0, 3.0]
    J = nn.squared_error(a, y)
    assert J.data == 0.5 * (1.0 + 9.0 + 0.25)
    J.backward()
    assert [v.grad for v in a] == [1.0, -3.0, 0.5]


def test_mse_value_and_gradient():
    a = vals([1.0, -2.0])
    loss = nn.mse(a, [3.0, -2.0])
    assert loss.data == (4.0 + 0.0) / 2
    loss.backward()
    assert [v.grad for v in a] == [2 * (1.0 - 3.0) / 2, 0.0]


def test_hinge_value_and_gradient():
    s = vals([2.0, 0.5, -1.0, 0.25])
    loss = nn.hinge(s, [1, 1, 1, -1])
    # margins 1 - y s: -1, 0.5, 2, 1.25  -> relu: 0, 0.5, 2, 1.25
    assert loss.data == pytest.approx((0 + 0.5 + 2 + 1.25) / 4, rel=1e-15)
    loss.backward()
    assert [v.grad for v in s] == [0.0, -0.25, -0.25, 0.25]


@pytest.mark.parametrize("s,t", [(0.3, 1.0), (-2.0, 0.0), (1.5, 0.25), (0.0, 0.5)])
def test_bce_with_logits_matches_the_naive_formula_where_it_is_safe(s, t):
    sig = 1.0 / (1.0 + math.exp(-s))
    naive = -(t * math.log(sig) + (1 - t) * math.log(1 - sig))
    v = Value(s)
    loss = nn.binary_cross_entropy_with_logits([v], [t])
    assert loss.data == pytest.approx(naive, rel=1e-12)
    loss.backward()
    assert v.grad == pytest.approx(sig - t, rel=1e-12, abs=1e-15)   # d/ds = sigmoid(s) - t


@pytest.mark.parametrize("s,t,expect", [(1000.0, 0.0, 1000.0), (-1000.0, 1.0, 1000.0),
                                        (1000.0, 1.0, 0.0), (-1000.0, 0.0, 0.0)])
def test_bce_with_logits_is_finite_and_right_at_huge_scores(s, t, expect):
    # log(1 + e^1000) = 1000 + log(1 + e^-1000) = 1000 in floats
    v = Value(s)
    loss = nn.binary_cross_entropy_with_logits([v], [t])
    assert loss.data == expect
    loss.backward()
    assert v.grad == (1.0 if s > 0 else 0.0) - t


def test_cross_entropy_at_huge_logits_is_exact():
    # By hand: logsumexp(1000, 0, -1000) = 1000 + log(1 + e^-1000 + e^-2000) = 1000 in floats,
    # so the loss is 1000 - 0 = 1000; softmax = (1, e^-1000, e^-2000) = (1, 0, 0) in floats,
    # so the gradient softmax - onehot(1) = (1, -1, 0).
    z = vals([1000.0, 0.0, -1000.0])
    loss = nn.cross_entropy(z, 1)
    assert loss.data == 1000.0
    loss.backward()
    assert [v.grad for v in z] == [1.0, -1.0, 0.0]


@pytest.mark.parametrize("seed", range(5))
def test_cross_entropy_matches_the_naive_formula_and_central_differences(seed):
    rng = np.random.default_rng(seed)
    logits = rng.normal(0.0, 2.0, 5).tolist()
    k = int(rng.integers(5))
    naive = math.log(sum(math.exp(z) for z in logits)) - logits[k]
    z = vals(logits)
    loss = nn.cross_entropy(z, k)
    assert loss.data == pytest.approx(naive, rel=1e-13)
    loss.backward()
    soft = [math.exp(v) / sum(math.exp(u) for u in logits) for v in logits]
    expect = [p - (i == k) for i, p in enumerate(soft)]
    assert [v.grad for v in z] == pytest.approx(expect, rel=1e-12, abs=1e-15)
    assert gradcheck(lambda *zs: nn.cross_entropy(list(zs), k), logits)


def test_losses_accept_floats_and_single_values():
    assert nn.mse(Value(3.0), 1.0).data == 4.0
    assert nn.squared_error([2.0], [0.0]).data == 2.0
    assert nn.cross_entropy([0.0, 0.0], 0).data == pytest.approx(math.log(2), rel=1e-15)


@pytest.mark.parametrize("call,err,match", [
    (lambda: nn.mse([Value(1.0)], [1.0, 2.0]), ValueError, "1 outputs but 2 targets"),
    (lambda: nn.mse([], []), ValueError, "empty"),
    (lambda: nn.squared_error([Value(1.0)], ["a"]), TypeError, "target 0"),
    (lambda: nn.mse([Value(1.0)], [math.nan]), TypeError, "target 0"),
    (lambda: nn.hinge([Value(1.0)], [0]), ValueError, r"hinge: target 0 must be one of \[-1.0, 1.0\]"),
    (lambda: nn.binary_cross_entropy_with_logits([Value(1.0)], [1.5]), ValueError, r"in \[0, 1\]"),
    (lambda: nn.cross_entropy([Value(1.0)], 1), ValueError, "target_index"),
    (lambda: nn.cross_entropy([Value(1.0)], True), ValueError, "target_index"),
    (lambda: nn.cross_entropy([Value(1.0)], 0.0), ValueError, "target_index"),
    (lambda: nn.cross_entropy([], 0), ValueError, "empty"),
    (lambda: nn.cross_entropy([Value(1.0), "2"], 0), TypeError, "cross_entropy: logit 1"),
    (lambda: nn.cross_entropy([math.nan, 0.0], 0), TypeError, "cross_entropy: logit 0"),
    (lambda: nn.cross_entropy([Value(math.inf), Value(0.0)], 0), ValueError, "finite"),
])
def test_bad_loss_inputs_are_clear_errors(call, err, match):
    with pytest.raises(err, match=match):
        call()


# --- issue 19: infinite scores, number scores ----------------------------------

@pytest.mark.parametrize("s,t,loss,slope", [
    # By hand: the loss is -t log sigmoid(s) - (1 - t) log(1 - sigmoid(s)), its
    # slope sigmoid(s) - t; sigmoid(+inf) = 1 and sigmoid(-inf) = 0.
    (math.inf, 1.0, 0.0, 0.0),          # the score agrees with the target: nothing to learn
    (-math.inf, 0.0, 0.0, 0.0),
    (math.inf, 0.0, math.inf, 1.0),     # -log(1 - 1): the loss itself is infinite
    (-math.inf, 1.0, math.inf, -1.0),   # -log(0)
    (math.inf, 0.25, math.inf, 0.75),
    (-math.inf, 0.75, math.inf, -0.75),
])
def test_bce_with_logits_at_infinite_scores_is_the_exact_limit(s, t, loss, slope):
    v = Value(s)
    out = nn.binary_cross_entropy_with_logits([v], [t])
    assert out.data == loss
    out.backward()
    assert v.grad == slope
    assert nn.binary_cross_entropy_with_logits([s], [t]).data == loss     # a number score too


def test_bce_with_logits_is_finite_for_every_finite_score():
    # The docstring's promise: huge but finite scores, each target, a finite loss
    # equal to the naive formula's limit (t * softplus(-s) + (1 - t) * softplus(s)).
    for s in (1e308, -1e308, 710.0, -710.0, 5e-324):
        for t in (0.0, 0.5, 1.0):
            v = Value(s)
            out = nn.binary_cross_entropy_with_logits([v], [t])
            assert math.isfinite(out.data), (s, t, out.data)
            out.backward()
            sig = 1.0 if s > 40 else (0.0 if s < -40 else 0.5)
            assert v.grad == pytest.approx(sig - t, abs=1e-15), (s, t)


@pytest.mark.parametrize("scores,labels,expect", [
    ([0.5], [-1], 1.5),                     # relu(1 - (-1)(0.5)): the label counts
    ([0.5], [1], 0.5),
    ([-2.0, 3.0], [-1, -1], (0.0 + 4.0) / 2),
    ([Value(0.5), -0.5], [-1, 1], (1.5 + 1.5) / 2),   # a Value and a number side by side
])
def test_hinge_with_number_scores_uses_the_label(scores, labels, expect):
    assert nn.hinge(scores, labels).data == expect
