"""A layer's dot group is bound straight to its views (``Dot._bind_layer``);
the general binding of ``Dot.bind`` is the truth it must equal, bit for bit:
values, parameter gradients and input gradients, at batch sizes on both
sides of the outer product's switch (2,048)."""
import numpy as np
import pytest

import autograd
import nn
from autograd.compiler import steps


def _run(monkeypatch, general, n, input_grads):
    if general:
        monkeypatch.setattr(steps.Dot, "_bind_layer", lambda self, buffers: None)
    model = nn.MLP(3, [5, 4, 1], activation="tanh", rng=7)
    f = autograd.compile(lambda a, b, c: model([a, b, c]) * 2.0, input_grads=input_grads)
    X = np.random.default_rng(n).normal(size=(3, n))
    values, ins = f.value_and_grad(*X)
    monkeypatch.undo()
    return values, [p.grad for p in model.parameters()], ins


@pytest.mark.parametrize("n", [1, 5, 3000])
@pytest.mark.parametrize("input_grads", [False, True])
def test_the_layer_binding_equals_the_general_one_bit_for_bit(monkeypatch, n, input_grads):
    fast = _run(monkeypatch, False, n, input_grads)
    general = _run(monkeypatch, True, n, input_grads)
    assert fast[0].tobytes() == general[0].tobytes()
    assert fast[1] == general[1]
    assert [a.tobytes() for a in fast[2]] == [a.tobytes() for a in general[2]]


def test_an_mlp_layer_takes_the_layer_binding(monkeypatch):
    taken = []
    real = steps.Dot._bind_layer
    monkeypatch.setattr(steps.Dot, "_bind_layer",
                        lambda self, buffers: taken.append(real(self, buffers)) or taken[-1])
    model = nn.MLP(2, [4, 1], rng=0)
    autograd.compile(lambda a, b: model([a, b])).value_and_grad([1.0, 2.0], [0.5, -1.0])
    assert len(taken) == 2 and all(t is not None for t in taken)


def _run_unary(monkeypatch, general, n, activation):
    if general:
        monkeypatch.setattr(steps.Elementwise, "_bind_unary", lambda self, buffers: None)
    model = nn.MLP(2, [6, 1], activation=activation, rng=3)
    f = autograd.compile(lambda a, b: (model([a, b]).exp() - 1.0).tanh())
    X = np.random.default_rng(n).normal(size=(2, n))
    values, ins = f.value_and_grad(*X)
    monkeypatch.undo()
    return values.tobytes(), [p.grad for p in model.parameters()], [a.tobytes() for a in ins]


@pytest.mark.parametrize("activation", ["relu", "tanh", "sigmoid", "leaky_relu"])
def test_the_one_operand_binding_equals_the_general_one_bit_for_bit(monkeypatch, activation):
    # Activations (and exp, tanh after the model) take Elementwise._bind_unary
    # where they can; leaky_relu has a parameter, so it takes the general path.
    assert _run_unary(monkeypatch, False, 50, activation) == _run_unary(monkeypatch, True, 50, activation)
