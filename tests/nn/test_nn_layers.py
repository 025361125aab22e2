"""Neuron, Layer, MLP: graph shape, activations against their formulas,
gradients against central differences, names, input checks, initialisation."""
import math

import numpy as np
import pytest

import autograd
import nn
from autograd import Value, no_grad, topological_order
from nn import MLP, Layer, Neuron


def set_params(model, values):
    model.load_state_dict(dict(zip([k for k, _ in model.named_parameters()], values)))


def by_hand(act, z, alpha=0.01):
    """Each activation's textbook formula, written here independently."""
    return {
        "leaky_relu": z if z >= 0 else alpha * z,
        "relu": z if z > 0 else 0.0,
        "tanh": math.tanh(z),
        "sigmoid": 1.0 / (1.0 + math.exp(-z)),
        "linear": z,
    }[act]


@pytest.mark.parametrize("act", nn.ACTIVATIONS)
@pytest.mark.parametrize("xs", [[0.5, -2.0, 3.0], [-4.0, 1.0, 0.25], [0.0, 0.0, 0.0]])
def test_neuron_value_matches_its_formula(act, xs):
    n = Neuron(3, activation=act, alpha=0.05, rng=0)
    set_params(n, [0.5, 0.25, -1.5, 0.125])
    z = math.fsum([0.5 * xs[0], 0.25 * xs[1], -1.5 * xs[2], 0.125])
    assert n(xs).data == pytest.approx(by_hand(act, z, 0.05), rel=1e-15, abs=1e-300)


@pytest.mark.parametrize("act", nn.ACTIVATIONS)
def test_neuron_is_one_dot_node_plus_its_activation(act):
    n = Neuron(4, activation=act, rng=0)
    x = [Value(v) for v in (1.0, 2.0, 3.0, 4.0)]
    out = n(x)
    dot = out if act == "linear" else out.parents[0]
    assert dot.op == "dot"
    assert dot.parents == tuple(x) + tuple(n.w) + (n.b,)   # bias folded in: weight of constant 1.0
    assert out.op == ("dot" if act == "linear" else act)
    # nodes: 4 inputs, 4 weights, the bias, the dot and (unless linear) the activation
    assert len(topological_order(out)) == 10 + (act != "linear")


def numeric_grads(model, loss_of, eps=1e-6):
    """Central differences of loss_of(model) w.r.t. every parameter's data."""
    out = []
    for p in model.parameters():
        keep = p.data
        with no_grad():
            p.data = keep + eps
            hi = loss_of(model).data
            p.data = keep - eps
            lo = loss_of(model).data
        p.data = keep
        out.append((hi - lo) / (2 * eps))
    return np.array(out)


@pytest.mark.parametrize("act", ["tanh", "sigmoid", "leaky_relu", "relu"])
def test_mlp_gradients_match_central_differences(act):
    model = MLP(3, [5, 4, 2], activation=act, rng=1)
    rng = np.random.default_rng(2)
    # random biases too (they start at 0), so no unit sits exactly on a kink
    set_params(model, rng.normal(0.0, 0.7, len(model.parameters())))
    batch = rng.normal(size=(6, 3)).tolist()
    targets = rng.normal(size=(6, 2)).tolist()

    def loss_of(m):
        outs = [m(x) for x in batch]
        return nn.mse([o for out in outs for o in out], [t for ts in targets for t in ts])

    loss = loss_of(model)
    model.zero_grad()
    loss.backward()
    analytic = np.array([p.grad for p in model.parameters()])
    np.testing.assert_allclose(analytic, numeric_grads(model, loss_of), rtol=1e-5, atol=1e-7)


def test_gradients_reach_value_inputs():
    n = Neuron(2, activation="linear", rng=0)
    set_params(n, [3.0, -2.0, 1.0])
    x = [Value(1.0), Value(5.0)]
    n(x).backward()
    assert [v.grad for v in x] == [3.0, -2.0]
    assert [p.grad for p in n.parameters()] == [1.0, 5.0, 1.0]


def test_layer_returns_a_list_and_mlp_unwraps_a_single_output():
    assert isinstance(Layer(2, 1, rng=0)([1.0, 2.0]), list)
    assert isinstance(MLP(2, [3, 1], rng=0)([1.0, 2.0]), Value)
    out = MLP(2, [3, 2], rng=0)([1.0, 2.0])
    assert isinstance(out, list) and len(out) == 2


def test_mlp_hidden_and_output_activations():
    model = MLP(2, [3, 3, 1], activation="tanh", output_activation="sigmoid", rng=0)
    assert [layer.activation for layer in model.layers] == ["tanh", "tanh", "sigmoid"]
    relu_model = MLP(2, [3, 1], activation="relu", rng=0)
    assert [layer.activation for layer in relu_model.layers] == ["relu", "linear"]


def test_mlp_equals_its_layers_composed_by_hand():
    model = MLP(3, [4, 2], activation="relu", rng=3)
    x = [0.3, -1.2, 2.0]
    h = [by_hand("relu", math.fsum([p.data * xi for p, xi in zip(n.w, x)] + [n.b.data]))
         for n in model.layers[0].neurons]
    expect = [math.fsum([p.data * hi for p, hi in zip(n.w, h)] + [n.b.data])
              for n in model.layers[1].neurons]
    assert [v.data for v in model(x)] == pytest.approx(expect, rel=1e-14)


def test_inputs_may_be_floats_ints_numpy_scalars_or_values():
    model = MLP(3, [2, 1], rng=0)
    ref = model([1.0, 2.0, 3.0]).data
    assert model([1, 2, 3]).data == ref
    assert model(np.array([1.0, 2.0, 3.0])).data == ref
    assert model([Value(1.0), np.float32(2.0), 3]).data == ref


@pytest.mark.parametrize("make,nin", [(lambda: Neuron(2, rng=0), 2), (lambda: Layer(2, 3, rng=0), 2),
                                      (lambda: MLP(2, [16, 16, 1], rng=0), 2)])
@pytest.mark.parametrize("given", [1, 3])
def test_wrong_input_length_names_expected_and_given(make, nin, given):
    model = make()
    with pytest.raises(ValueError, match=rf"{type(model).__name__}\(.*expected {nin} inputs, got {given}"):
        model([1.0] * given)


@pytest.mark.parametrize("bad,err", [(Value(1.0), TypeError), (["a", 1.0], TypeError),
                                     ([True, 1.0], TypeError), ([float("nan"), 1.0], ValueError),
                                     (None, TypeError)])
def test_bad_inputs_are_refused_by_name(bad, err):
    with pytest.raises(err, match="MLP"):
        MLP(2, [2, 1], rng=0)(bad)


@pytest.mark.parametrize("ctor", [
    lambda: Neuron(0), lambda: Neuron(2.5), lambda: Neuron(True), lambda: Neuron(2, activation="gelu"),
    lambda: Neuron(2, alpha=float("nan")), lambda: Neuron(2, alpha="0.1"), lambda: Layer(2, 0),
    lambda: MLP(2, []), lambda: MLP(2, [3, 0]), lambda: MLP(2, 3), lambda: MLP(2, [3], output_activation="x"),
])
def test_invalid_constructor_arguments_are_refused(ctor):
    with pytest.raises(ValueError):
        ctor()


def test_bad_rng_is_refused():
    with pytest.raises(TypeError, match="rng"):
        Neuron(2, rng="seed")


def test_names_are_stable_and_follow_the_scheme():
    model = MLP(2, [3, 2], rng=0)
    names = [k for k, _ in model.named_parameters()]
    expected = [f"layers.0.neurons.{j}.{p}" for j in range(3) for p in ("w.0", "w.1", "b")] + \
               [f"layers.1.neurons.{j}.{p}" for j in range(2) for p in ("w.0", "w.1", "w.2", "b")]
    assert names == expected
    assert [k for k, _ in MLP(2, [3, 2], activation="tanh", rng=99).named_parameters()] == expected
    assert len(set(names)) == len(names) == (2 + 1) * 3 + (3 + 1) * 2
    params = dict(model.named_parameters())
    assert params["layers.1.neurons.0.w.2"] is model.layers[1].neurons[0].w[2]
    assert params["layers.0.neurons.2.b"] is model.layers[0].neurons[2].b
    assert model.parameters() == [p for _, p in model.named_parameters()]


def test_named_modules_lists_every_module_by_path():
    model = MLP(2, [2, 1], rng=0)
    got = [(name, type(m).__name__) for name, m in model.named_modules()]
    assert got == [("", "MLP"), ("layers.0", "Layer"), ("layers.0.neurons.0", "Neuron"),
                   ("layers.0.neurons.1", "Neuron"), ("layers.1", "Layer"),
                   ("layers.1.neurons.0", "Neuron")]
    mods = dict(model.named_modules())
    assert mods["layers.0.neurons.1"] is model.layers[0].neurons[1]
    # every parameter name is its module's path plus the parameter's own name
    for name, p in model.named_parameters():
        owner = name.rsplit(".w.", 1)[0] if ".w." in name else name.rsplit(".b", 1)[0]
        assert p in mods[owner].parameters()


def test_initialisation_is_documented_bounds_and_seedable():
    a, b = MLP(9, [25, 1], rng=4), MLP(9, [25, 1], rng=4)
    assert a.state_dict() == b.state_dict()
    assert MLP(9, [25, 1], rng=5).state_dict() != a.state_dict()
    w = np.array([p.data for p in a.layers[0].neurons[0].w + a.layers[0].neurons[1].w])
    assert np.all(np.abs(w) <= 1 / 3) and np.std(w) > 0.1          # U(-1/sqrt(9), 1/sqrt(9))
    assert all(n.b.data == 0.0 for layer in a.layers for n in layer.neurons)
    neurons = a.layers[0].neurons
    assert neurons[0].state_dict() != neurons[1].state_dict()       # one shared generator
    gen = np.random.default_rng(4)
    assert MLP(9, [25, 1], rng=gen).state_dict() == a.state_dict()


def test_zero_grad_resets_every_parameter():
    model = MLP(2, [3, 1], rng=0)
    model([1.0, -1.0]).backward()
    assert any(p.grad != 0.0 for p in model.parameters())
    model.zero_grad()
    assert all(p.grad == 0.0 for p in model.parameters())


def test_w_and_b_are_the_neurons_own_values():
    n = Neuron(3, rng=0)
    assert n.w[1] is n.w[1] and n.b is n.parameters()[-1]
    n.w[0].data = 2.0
    assert n.state_dict()["w.0"] == 2.0


def test_repr_is_the_architecture():
    assert repr(MLP(2, [4, 1], activation="relu", rng=0)) == \
        "MLP(nin=2, nouts=[4, 1], activation='relu', alpha=0.01, output_activation='linear')"


def test_forward_under_no_grad_builds_no_graph():
    model = MLP(2, [3, 1], rng=0)
    with autograd.no_grad():
        out = model([0.5, 0.5])
    assert out.is_leaf()


# --- issue 19: the leaky-ReLU default, tested directly --------------------------

@pytest.mark.parametrize("make,first", [
    (lambda: Neuron(2, rng=0), lambda m: m),
    (lambda: Layer(2, 1, rng=0), lambda m: m.neurons[0]),
    (lambda: MLP(2, [1, 1], rng=0), lambda m: m.layers[0].neurons[0]),   # its hidden layer
], ids=["Neuron", "Layer", "MLP"])
def test_the_default_activation_is_leaky_relu_with_alpha_one_hundredth(make, first):
    # By hand: w = (1, 1), b = 0, x = (-2, -1): z = -3, a = 0.01 * -3 = -0.03,
    # and da/dz = 0.01, so dJ/dw = 0.01 * x and dJ/db = 0.01.  (The MLP's
    # linear output layer, w = 1 and b = 0, passes a on unchanged.)
    model = make()
    set_params(model, [1.0, 1.0, 0.0] + ([1.0, 0.0] if isinstance(model, MLP) else []))
    out = model([-2.0, -1.0])
    out = out[0] if isinstance(out, list) else out
    assert out.data == pytest.approx(-0.03, rel=1e-15)
    out.backward()
    assert [p.grad for p in first(model).parameters()] == pytest.approx([-0.02, -0.01, 0.01], rel=1e-15)
