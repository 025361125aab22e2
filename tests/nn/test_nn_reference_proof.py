"""The engine's gradients for a leaky-ReLU neuron equal the closed form derived
in docs/neuron-gradient.md, as the reference neuron (nn.reference.NumpyNeuron)
computes it, on the reference's data X (4x5) and y and on random batches.

How close is "equal"?  The engine adds a row's terms in operand order and the
batch's contributions in backward order; numpy's BLAS dot adds them in its own
order (pairwise, blocked, with fused multiply-adds).  Floating-point addition
is not associative, so the two results differ in the last bits, by at most
about (rows + inputs) * 2**-53 times the sum of the ABSOLUTE values of
everything added on the way (the batch terms |e_i s_i x_ij|, and, because the
error e_i itself comes out of a dot product, the terms |x_ik w_k| and |b| that
made z_i).  That is the honest yardstick: we require

    |engine - closed form| <= 1e-12 * sum_i |s_i x_ij| * (|e_i| + sum_k |x_ik w_k| + |b|)

(for 1000 rows x 50 inputs the worst case is ~1.2e-13, so 1e-12 has margin
but would still catch any wrong term).
"""
import numpy as np
import pytest

import nn
from autograd import Value
from nn import Neuron, NumpyNeuron

# The reference's data X (4x5) and y: the batch docs/neuron-gradient.md works
# through by hand and demos.neuron uses.
X_REF = np.array(
    [
        [-1, 2, 3, 13, 17],
        [4, -5, 6, 14, 18],
        [7, 8, -9, 15, 19],
        [-10, 11, 12, 16, -20],
    ],
    dtype=np.float64,
)
Y_REF = np.array([100, 200, 300, 400], dtype=np.float64)
REL = 1e-12


def engine_gradients(ref, X, y):
    """dJ/dw, dJ/db and the per-row z from the engine, for a Neuron holding ref's parameters."""
    neuron = Neuron.from_numpy(ref)
    outs = [neuron(row) for row in X.tolist()]
    J = nn.squared_error(outs, y.tolist())
    J.backward()
    zs = np.array([out.parents[0].data for out in outs])   # the dot node under each activation
    return np.array([p.grad for p in neuron.w]), neuron.b.grad, zs, J.data


def scales(ref, X, y):
    """The sums of absolute terms each gradient entry is computed from (see module docstring)."""
    z = ref._get_linear_transformation(X)
    s = ref.derivative_of_leaky_relu(z)
    e = ref.forward(X) - y
    made_of = np.abs(e) + np.abs(X) @ np.abs(ref.w) + abs(ref.b)
    per_row = np.abs(s) * made_of
    return per_row @ np.abs(X), per_row.sum()


def assert_matches_closed_form(ref, X, y):
    dw_ref, db_ref = ref.gradients(y, X)
    np.testing.assert_array_equal(dw_ref, ref.gradient_of_J(y, X))  # gradient_of_J: dJ/dw only
    dw, db, _, _ = engine_gradients(ref, X, y)
    scale_w, scale_b = scales(ref, X, y)
    err_w = np.abs(dw - dw_ref)
    assert np.all(err_w <= REL * scale_w), (err_w / scale_w).max()
    assert abs(db - db_ref) <= REL * scale_b


def test_numpy_neuron_reproduces_a_recorded_run_of_the_reference_code():
    # Numbers printed by one unseeded run of the reference code: w (8 decimals),
    # z and the gradient, but not b; z_0 = X_0 . w + b recovers it.  Everything
    # else must then agree to the printed precision.
    ref = NumpyNeuron(X_REF.shape, rng=0)
    ref.w = np.array([0.92542368, 0.63684431, 0.63029109, 0.48955112, 0.96805626])
    ref.b = 25.99848804 - X_REF[0] @ ref.w
    np.testing.assert_allclose(ref._get_linear_transformation(X_REF),
                               [25.99848804, 29.51617692, 32.5746651, -5.27553477], atol=2e-7)
    np.testing.assert_allclose(ref.forward(X_REF),
                               [25.99848804, 29.51617692, 32.5746651, -0.05275535], atol=2e-7)
    np.testing.assert_allclose(
        ref.gradient_of_J(y_true=Y_REF, x=X_REF),
        [-2439.9058491, -1478.99239077, 1113.91420904, -7424.18164295, -9327.80533079], rtol=1e-7)
    assert_matches_closed_form(ref, X_REF, Y_REF)


@pytest.mark.parametrize("seed", range(10))
def test_engine_equals_closed_form_on_the_reference_data(seed):
    ref = NumpyNeuron(X_REF.shape, rng=seed)
    assert_matches_closed_form(ref, X_REF, Y_REF)


@pytest.mark.parametrize("seed", range(10))
def test_engine_equals_closed_form_with_negative_rows_on_the_reference_data(seed):
    # NumpyNeuron's init (weights in [0, 1)) leaves most rows at z > 0; mixed
    # signs plus a bias that puts the smallest z at -1 send rows to the alpha side.
    ref = NumpyNeuron(X_REF.shape, rng=seed)
    ref.w = ref.w - 0.6
    ref.b = ref.b - (ref._get_linear_transformation(X_REF).min() + 1.0)
    z = ref._get_linear_transformation(X_REF)
    assert (z < 0).any() and (z > 0).any()
    assert_matches_closed_form(ref, X_REF, Y_REF)


SHAPES = [(1, 1), (3, 2), (17, 5), (64, 10), (200, 3), (500, 20), (1000, 50)]


@pytest.mark.parametrize("seed", range(21))
def test_engine_equals_closed_form_on_random_batches(seed):
    rng = np.random.default_rng(1000 + seed)
    m, n = SHAPES[seed % len(SHAPES)]
    X = rng.normal(0.0, 3.0, (m, n))
    y = rng.normal(0.0, 5.0, m)
    ref = NumpyNeuron((m, n), rng=rng)
    ref.w = ref.w - 0.5          # mixed signs, so z has both signs
    ref.alpha = [0.01, 0.1, 0.2][seed % 3]
    assert_matches_closed_form(ref, X, y)
    if m >= 17:
        z = ref._get_linear_transformation(X)
        assert (z < 0).any() and (z > 0).any()


def batch_with_exact_zeros(seed, m, n):
    """A batch where some rows have z exactly 0 in any summation order.

    Weights, bias and those rows' inputs are small multiples of 1/8, so every
    product and partial sum is exact; the last weight is 0.5 and the row's
    last input is solved for z = 0 (division by 0.5 is exact too).
    """
    rng = np.random.default_rng(seed)
    ref = NumpyNeuron((m, n), rng=rng)
    ref.w = np.round((rng.random(n) - 0.5) * 16) / 8
    ref.w[-1] = 0.5
    ref.b = float(np.round((rng.random() - 0.5) * 16) / 8)
    X = rng.normal(0.0, 2.0, (m, n))
    ties = rng.choice(m, size=max(1, m // 5), replace=False)
    for i in ties:
        X[i, :-1] = rng.integers(-16, 17, n - 1) / 8
        X[i, -1] = -(X[i, :-1] @ ref.w[:-1] + ref.b) / 0.5
    y = rng.normal(0.0, 2.0, m)
    return ref, X, y, ties


@pytest.mark.parametrize("seed,m,n", [(0, 5, 2), (1, 40, 7), (2, 300, 20), (3, 1000, 50)])
def test_engine_equals_closed_form_with_rows_at_exactly_zero(seed, m, n):
    ref, X, y, ties = batch_with_exact_zeros(seed, m, n)
    z = ref._get_linear_transformation(X)
    assert np.all(z[ties] == 0.0)
    _, _, z_engine, _ = engine_gradients(ref, X, y)
    assert np.all(z_engine[ties] == 0.0)       # the engine's dot sees the same tie
    # At z == 0 both sides use slope 1: the reference code's convention,
    # np.where(z < 0, alpha, 1), which the engine's leaky_relu shares
    # (docs/neuron-gradient.md, "The derivative at z = 0").
    assert np.all(ref.derivative_of_leaky_relu(z)[ties] == 1.0)
    assert_matches_closed_form(ref, X, y)


# --- the reference's numpy code, run on object arrays of Values ------------

def object_array_gradients(ref, X, y):
    w = np.array([Value(v) for v in ref.w], dtype=object)
    b = Value(ref.b)
    z = np.dot(X, w) + b                             # NumpyNeuron._get_linear_transformation
    a = np.maximum(ref.alpha * z, z)                 # NumpyNeuron.leaky_relu
    J = 0.5 * np.sum((a - y) ** 2)
    J.backward()
    return np.array([p.grad for p in w]), b.grad, np.array([v.data for v in a])


@pytest.mark.parametrize("seed", range(8))
def test_reference_code_on_object_arrays_is_a_drop_in(seed):
    rng = np.random.default_rng(seed)
    m, n = [(4, 5), (30, 3), (200, 10), (50, 50)][seed % 4]
    X = X_REF if seed == 0 else rng.normal(0.0, 3.0, (m, n))
    y = Y_REF if seed == 0 else rng.normal(0.0, 5.0, X.shape[0])
    ref = NumpyNeuron(X.shape, rng=seed)
    ref.w = ref.w - (0 if seed == 0 else 0.5)
    z = ref._get_linear_transformation(X)
    assert not np.any(z == 0.0)                      # ties are the next test's subject
    dw, db, a = object_array_gradients(ref, X, y)
    np.testing.assert_allclose(a, ref.forward(X), rtol=1e-12, atol=0)
    dw_ref, db_ref = ref.gradients(y, X)
    scale_w, scale_b = scales(ref, X, y)
    assert np.all(np.abs(dw - dw_ref) <= REL * scale_w)
    assert abs(db - db_ref) <= REL * scale_b


def test_reference_code_on_object_arrays_at_a_tie_takes_the_alpha_branch():
    """The leaky ReLU has no derivative at z == 0, so a convention is needed
    there (docs/neuron-gradient.md, "The derivative at z = 0"): NumpyNeuron's
    derivative code, np.where(z < 0, alpha, 1), and the engine's leaky_relu
    pick 1 (PyTorch picks alpha).  At z == 0 exactly, np.maximum(alpha * z, z)
    returns its FIRST argument (numpy keeps the first on ties), so on object
    arrays the graph goes through alpha * z and the gradient uses slope alpha.
    Both are valid subgradients; this records which one each path takes, with
    the expected values worked out by hand.
    """
    ref = NumpyNeuron((1, 2), rng=0)
    ref.w = np.array([1.0, 0.5]); ref.b = -0.5; ref.alpha = 0.01
    X = np.array([[1.0, -1.0]])                      # z = 1 - 0.5 - 0.5 = 0 exactly
    y = np.array([2.0])                              # e = a - y = -2
    assert ref._get_linear_transformation(X)[0] == 0.0
    dw, db, _ = object_array_gradients(ref, X, y)
    assert db == -2.0 * 0.01                         # e * alpha
    assert dw.tolist() == [-2.0 * 0.01 * 1.0, -2.0 * 0.01 * -1.0]
    dw_engine, db_engine, _, _ = engine_gradients(ref, X, y)
    assert db_engine == -2.0 == ref.gradients(y, X)[1]   # e * 1
    assert dw_engine.tolist() == [-2.0, 2.0] == ref.gradients(y, X)[0].tolist()


def test_conversions_carry_exact_parameters_both_ways():
    ref = NumpyNeuron((7, 6), rng=3)
    ref.alpha = 0.125
    n = Neuron.from_numpy(ref)
    assert [p.data for p in n.w] == ref.w.tolist() and n.b.data == ref.b and n.alpha == 0.125
    back = n.to_numpy(input_size=(7, 6))
    assert back.w.tolist() == ref.w.tolist() and back.b == ref.b and back.alpha == ref.alpha
    assert back.input_size == (7, 6)
    X = np.random.default_rng(0).normal(size=(7, 6))
    np.testing.assert_array_equal(back.forward(X), ref.forward(X))


def test_to_numpy_refuses_other_activations():
    with pytest.raises(ValueError, match="leaky ReLU only"):
        Neuron(3, activation="tanh", rng=0).to_numpy()


def test_numpy_neuron_is_seedable_and_draws_its_init_from_0_1():
    a, b = NumpyNeuron((4, 5), rng=7), NumpyNeuron((4, 5), rng=7)
    assert a.w.tolist() == b.w.tolist() and a.b == b.b
    assert np.all((0 <= a.w) & (a.w < 1)) and 0 <= a.b < 1 and a.alpha == 0.01
    assert NumpyNeuron((4, 5), rng=8).w.tolist() != a.w.tolist()


def test_the_yardstick_catches_a_small_wrong_term():
    # A neuron whose slope below zero is off by 1% must fail the check above,
    # and so must a bias gradient that misses one row: 1e-12 is not a blanket.
    rng = np.random.default_rng(5)
    X, y = rng.normal(0.0, 3.0, (50, 4)), rng.normal(0.0, 5.0, 50)
    ref = NumpyNeuron(X.shape, rng=rng)
    ref.w = ref.w - 0.5
    dw_ref, db_ref = ref.gradients(y, X)
    scale_w, scale_b = scales(ref, X, y)
    off = NumpyNeuron(X.shape, rng=0)
    off.w, off.b, off.alpha = ref.w, ref.b, ref.alpha * 1.01
    dw, db, _, _ = engine_gradients(off, X, y)
    assert not np.all(np.abs(dw - dw_ref) <= REL * scale_w)
    dw, db, _, _ = engine_gradients(ref, X[1:], y[1:])
    assert not abs(db - db_ref) <= REL * scale_b


def test_the_reference_bias_gradient_against_one_worked_by_hand():
    # w = (2, -1), b = 0.5; rows x and targets y:
    #   (1, 1)    y = 1:  z = 1.5,   a = 1.5,     e = 0.5,    slope 1     -> delta 0.5
    #   (0, 3)    y = 0:  z = -2.5,  a = -0.025,  e = -0.025, slope 0.01  -> delta -0.00025
    #   (1, 0)    y = 4:  z = 2.5,   a = 2.5,     e = -1.5,   slope 1     -> delta -1.5
    #   (0.25, 1) y = 2:  z = 0,     a = 0,       e = -2,     slope 1 (the convention at 0) -> delta -2
    # dJ/db = sum(delta) = -3.00025;  dJ/dw = sum(delta * x) = (-1.5, -1.50075)
    ref = NumpyNeuron((4, 2), rng=0)
    ref.w, ref.b = np.array([2.0, -1.0]), 0.5
    X = np.array([[1.0, 1.0], [0.0, 3.0], [1.0, 0.0], [0.25, 1.0]])
    y = np.array([1.0, 0.0, 4.0, 2.0])
    dw, db = ref.gradients(y, X)
    assert float(db) == pytest.approx(-3.00025, rel=1e-15)
    assert dw.tolist() == pytest.approx([-1.5, -1.50075], rel=1e-15)
