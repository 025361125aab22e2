"""chaingrad's neural-network library, built on ``autograd.Value``.

Models (:class:`Neuron`, :class:`Layer`, :class:`MLP`) are made of Values, so
``loss.backward()`` fills every parameter's ``.grad``; losses take lists of
Values; optimizers update ``.data`` in place.  :class:`NumpyNeuron` is the
reference neuron the engine is checked against: one leaky-ReLU neuron in plain
numpy, with the closed-form gradient derived in ``docs/neuron-gradient.md``.

Example:
    >>> import nn
    >>> model = nn.MLP(2, [8, 1], activation="relu", rng=0)
    >>> opt = nn.Adam(model.parameters(), lr=0.05)
    >>> data = [([0.0, 1.0], 1.0), ([1.0, 0.0], -1.0)]
    >>> for step in range(60):
    ...     loss = nn.mse([model(x) for x, _ in data], [y for _, y in data])
    ...     opt.zero_grad(); loss.backward(); opt.step()
    >>> loss.data < 1e-3
    True
"""
import autograd as _autograd

if not getattr(_autograd, "__chaingrad__", False):
    raise ImportError(
        f"'import autograd' found {getattr(_autograd, '__file__', '?')}, which is not "
        "chaingrad's engine (HIPS autograd, PyPI 'autograd', uses the same import name). "
        "Install chaingrad in its own virtual environment: python -m venv .venv && "
        ". .venv/bin/activate && pip install chaingrad")

from .data import make_moons  # noqa: E402
from .io import ModelFileError  # noqa: E402
from .layers import ACTIVATIONS, MLP, Layer, Neuron  # noqa: E402
from .losses import binary_cross_entropy_with_logits, cross_entropy, hinge, mse, squared_error  # noqa: E402
from .module import Module  # noqa: E402
from .optim import SGD, Adam, Optimizer  # noqa: E402
from .reference import NumpyNeuron  # noqa: E402

__all__ = [
    "Module", "Neuron", "Layer", "MLP", "ACTIVATIONS",
    "squared_error", "mse", "hinge", "binary_cross_entropy_with_logits", "cross_entropy",
    "Optimizer", "SGD", "Adam", "NumpyNeuron", "ModelFileError", "make_moons",
]
