"""``Neuron``, ``Layer`` and ``MLP``: models made of Values.

A neuron computes ``activation(dot(x + [1.0], w + [b]))``: the bias is folded
into the weighted sum as the weight of a constant input 1.0, so the whole
affine part is ONE ``dot`` graph node and a neuron adds exactly two nodes to
the graph (the dot and its activation; none for ``"linear"``).

Initialisation: each weight is drawn uniformly from ``[-1/sqrt(nin),
1/sqrt(nin))`` and the bias starts at 0.0, so a layer's pre-activations have
roughly the spread of its inputs whatever ``nin`` is.  ``rng`` is ``None``
(fresh entropy), an int seed, or a ``numpy.random.Generator`` (shared by the
neurons of a layer or MLP, so they differ but are reproducible).

Example:
    >>> from nn import MLP
    >>> model = MLP(2, [4, 4, 1], activation="relu", rng=0)
    >>> y = model([0.5, -1.0])
    >>> type(y).__name__, len(model.parameters())
    ('Value', 37)
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any, Generic

import numpy as np

import autograd
from autograd import Value
from autograd.internal import dot_rows

from .module import Module

if TYPE_CHECKING:
    from typing_extensions import TypeVar

    from .reference import NumpyNeuron

    #: What a call of an MLP returns: a Value when the last layer has one
    #: output (the default a checker assumes), or a list of Values.
    Out = TypeVar("Out", Value, list[Value], default=Value)
else:
    from typing import TypeVar

    # typing.TypeVar takes default= only from Python 3.13 on; at run time the
    # TypeVar is only a name.
    Out = TypeVar("Out")

#: What a model is called on: ``nin`` numbers or Values (a list, a tuple or a numpy row).
Inputs = Sequence[float | Value] | np.ndarray
#: A seed for the initial weights: None (fresh entropy), an int, or a numpy Generator.
Seed = None | int | np.random.Generator

__all__ = ["Neuron", "Layer", "MLP", "ACTIVATIONS"]

ACTIVATIONS = ("leaky_relu", "relu", "tanh", "sigmoid", "linear")
_METHOD = {"relu": Value.relu, "tanh": Value.tanh, "sigmoid": Value.sigmoid}
_dot = autograd.dot
_float = float


def _generator(rng: object, where: str) -> np.random.Generator:
    if isinstance(rng, np.random.Generator):
        return rng
    if rng is None or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool)):
        return np.random.default_rng(None if rng is None else int(rng))
    raise TypeError(f"{where}: rng must be None, an int seed or a numpy Generator, got {rng!r}")


def _check_size(n: object, what: str, where: str) -> int:
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 1:
        raise ValueError(f"{where}: {what} must be a positive int, got {n!r}")
    return int(n)


def _check_activation(activation: object, alpha: object, where: str) -> float:
    if activation not in ACTIVATIONS:
        raise ValueError(f"{where}: activation must be one of {ACTIVATIONS}, got {activation!r}")
    if isinstance(alpha, bool) or not isinstance(alpha, numbers.Real) or not math.isfinite(alpha):
        raise ValueError(f"{where}: alpha must be a finite real number, got {alpha!r}")
    return float(alpha)


def _inputs(x: Inputs, nin: int, owner: Module) -> list[Value | float]:
    """The input as a list of Values and floats, with its length checked.

    An error names ``owner`` by its description, made only then: a model's
    description costs 0.7 us, once per call of the model.
    """
    try:
        n = len(x)
    except TypeError:
        raise TypeError(f"{owner._describe()}: expected a sequence of {nin} numbers or Values, "
                        f"got {type(x).__name__}") from None
    if n != nin:
        raise ValueError(f"{owner._describe()}: expected {nin} inputs, got {n}")
    out = []
    for v in x:
        if type(v) is _float:
            if v != v:
                raise ValueError(f"{owner._describe()}: an input is NaN")
        elif not isinstance(v, Value):
            if isinstance(v, (bool, np.bool_)) or not isinstance(v, numbers.Real):
                raise TypeError(f"{owner._describe()}: inputs must be numbers or Values, "
                                f"got {type(v).__name__} {v!r}")
            v = _float(v)
            if v != v:
                raise ValueError(f"{owner._describe()}: an input is NaN")
        out.append(v)
    return out


def _layer_forward(neurons: Sequence[Neuron], ext: list[Value | float]) -> list[Value]:
    # The neurons' dot nodes first, reading the shared inputs' data once,
    # then each neuron's activation.  A neuron's _wb holds Values only.
    zs = dot_rows(ext, [n._wb for n in neurons], True)
    return [n._activate(z) for n, z in zip(neurons, zs)]


class Neuron(Module):
    """One neuron: ``activation(w . x + b)`` as one ``dot`` node plus the activation.

    ``activation`` is ``"leaky_relu"`` (default; slope ``alpha`` below 0 and
    derivative 1 at 0, the convention of the reference neuron ``nn.NumpyNeuron``
    explained in ``docs/neuron-gradient.md``), ``"relu"``,
    ``"tanh"``, ``"sigmoid"`` or ``"linear"``.  Call it on a sequence of
    ``nin`` numbers or Values; it returns a Value.

    Example:
        >>> from nn import Neuron
        >>> n = Neuron(2, rng=0)
        >>> n.load_state_dict({"w.0": 0.5, "w.1": -1.0, "b": 0.25})
        >>> n([2.0, 3.0]).data           # leaky_relu(1 - 3 + 0.25) = 0.01 * -1.75
        -0.0175
        >>> n([2.0]).data
        Traceback (most recent call last):
        ...
        ValueError: Neuron(nin=2, activation='leaky_relu', alpha=0.01): expected 2 inputs, got 1
    """

    def __init__(self, nin: int, activation: str = "leaky_relu", alpha: float = 0.01,
                 rng: Seed = None) -> None:
        where = "Neuron"
        self.nin = _check_size(nin, "nin", where)
        self.alpha = _check_activation(activation, alpha, where)
        self.activation = activation
        gen = _generator(rng, where)
        bound = 1.0 / math.sqrt(self.nin)
        # w and b live in one list, the dot's second operand, so a call
        # allocates nothing for them; .w and .b are views of it.
        self._wb = [Value(float(u)) for u in gen.uniform(-bound, bound, self.nin)]
        self._wb.append(Value(0.0))

    @property
    def w(self) -> list[Value]:
        """The weights: a list of ``nin`` Values (the neuron's own Values).

        Example:
            >>> from nn import Neuron
            >>> n = Neuron(3, rng=0)
            >>> len(n.w), n.w[0] is n.parameters()[0]
            (3, True)
        """
        return self._wb[:-1]

    @property
    def b(self) -> Value:
        """The bias Value (starts at 0.0).

        Example:
            >>> from nn import Neuron
            >>> Neuron(3, rng=0).b.data
            0.0
        """
        return self._wb[-1]

    def _own_parameters(self) -> list[tuple[str, Value]]:
        wb = self._wb
        return [(f"w.{i}", p) for i, p in enumerate(wb[:-1])] + [("b", wb[-1])]

    def _describe(self) -> str:
        return f"Neuron(nin={self.nin}, activation={self.activation!r}, alpha={self.alpha!r})"

    def __call__(self, x: Inputs) -> Value:
        ext = _inputs(x, self.nin, self)
        ext.append(1.0)
        return self._forward(ext)

    def _forward(self, ext: list[Value | float]) -> Value:
        # ext: the checked inputs followed by the constant 1.0 for the bias.
        return self._activate(_dot(ext, self._wb))

    def _activate(self, z: Value) -> Value:
        act = self.activation
        if act == "leaky_relu":
            return z.leaky_relu(self.alpha)
        if act == "linear":
            return z
        return _METHOD[act](z)

    # -- the reference neuron (nn.NumpyNeuron), both ways ---------------------
    @classmethod
    def from_numpy(cls, ref: NumpyNeuron) -> Neuron:
        """A leaky-ReLU ``Neuron`` with exactly the weights, bias and alpha of a
        :class:`nn.reference.NumpyNeuron`.

        Example:
            >>> from nn import Neuron, NumpyNeuron
            >>> ref = NumpyNeuron((4, 5), rng=0)
            >>> n = Neuron.from_numpy(ref)
            >>> [p.data for p in n.w] == ref.w.tolist(), n.b.data == ref.b
            (True, True)
        """
        w = np.asarray(ref.w, dtype=float)
        if w.ndim != 1:
            raise ValueError(f"Neuron.from_numpy: w must be 1-D, got shape {w.shape}")
        n = cls(len(w), activation="leaky_relu", alpha=float(ref.alpha), rng=0)
        n.load_state_dict({**{f"w.{i}": v for i, v in enumerate(w.tolist())}, "b": float(ref.b)})
        return n

    def to_numpy(self, input_size: Sequence[int] | None = None) -> NumpyNeuron:
        """A :class:`nn.reference.NumpyNeuron` carrying this neuron's exact
        parameters (leaky ReLU only: the reference knows no other activation).

        Example:
            >>> from nn import Neuron
            >>> ref = Neuron(3, rng=0).to_numpy()
            >>> ref.input_size, ref.w.shape
            ((3,), (3,))
        """
        from .reference import NumpyNeuron
        if self.activation != "leaky_relu":
            raise ValueError(f"{self._describe()}.to_numpy: NumpyNeuron is leaky ReLU only")
        size = (self.nin,) if input_size is None else tuple(input_size)
        if size[-1] != self.nin:
            raise ValueError(f"{self._describe()}.to_numpy: input_size {size} must end with {self.nin}")
        ref = NumpyNeuron(size, rng=0)
        ref.w = np.array([p.data for p in self.w], dtype=float)
        ref.b = self.b.data
        ref.alpha = self.alpha
        return ref


class Layer(Module):
    """``nout`` neurons reading the same ``nin`` inputs; returns a list of ``nout`` Values.

    Example:
        >>> from nn import Layer
        >>> layer = Layer(3, 2, activation="tanh", rng=0)
        >>> len(layer([1.0, 2.0, 3.0])), len(layer.neurons)
        (2, 2)
    """

    def __init__(self, nin: int, nout: int, activation: str = "leaky_relu", alpha: float = 0.01,
                 rng: Seed = None) -> None:
        where = "Layer"
        self.nin = _check_size(nin, "nin", where)
        self.nout = _check_size(nout, "nout", where)
        self.alpha = _check_activation(activation, alpha, where)
        self.activation = activation
        gen = _generator(rng, where)
        self.neurons = [Neuron(self.nin, activation, alpha, gen) for _ in range(self.nout)]

    def _children(self) -> list[tuple[str, Module]]:
        return [(f"neurons.{j}", n) for j, n in enumerate(self.neurons)]

    def _describe(self) -> str:
        return (f"Layer(nin={self.nin}, nout={self.nout}, activation={self.activation!r}, "
                f"alpha={self.alpha!r})")

    def __call__(self, x: Inputs) -> list[Value]:
        ext = _inputs(x, self.nin, self)
        ext.append(1.0)
        return _layer_forward(self.neurons, ext)


class MLP(Module, Generic[Out]):
    """A multilayer perceptron: ``nin`` inputs, then one layer per entry of ``nouts``.

    Hidden layers use ``activation``; the last layer uses
    ``output_activation`` (``"linear"`` by default: raw scores for a loss
    such as ``hinge`` or ``binary_cross_entropy_with_logits``).  Call it on a
    list of ``nin`` floats or Values; it returns a Value when the last layer
    has one output, otherwise a list.

    For type checkers, ``MLP(...)`` is an ``MLP[Value]``, whose call returns a
    Value; a checker cannot read the last layer's size from ``nouts``, so
    with several outputs say so once: ``model: MLP[list[Value]] = MLP(2, [8, 3])``.

    Example:
        >>> from nn import MLP
        >>> model = MLP(2, [16, 16, 1], activation="relu", rng=0)
        >>> model
        MLP(nin=2, nouts=[16, 16, 1], activation='relu', alpha=0.01, output_activation='linear')
        >>> model([1.0, 2.0, 3.0])
        Traceback (most recent call last):
        ...
        ValueError: MLP(nin=2, nouts=[16, 16, 1], ...): expected 2 inputs, got 3
    """

    def __init__(self, nin: int, nouts: Iterable[int], activation: str = "leaky_relu", alpha: float = 0.01,
                 output_activation: str = "linear", rng: Seed = None) -> None:
        where = "MLP"
        self.nin = _check_size(nin, "nin", where)
        try:
            nouts = list(nouts)
        except TypeError:
            raise ValueError(f"{where}: nouts must be a list of layer sizes, got {nouts!r}") from None
        if not nouts:
            raise ValueError(f"{where}: nouts must name at least one layer, got []")
        self.nouts = [_check_size(n, "each layer size", where) for n in nouts]
        self.alpha = _check_activation(activation, alpha, where)
        _check_activation(output_activation, alpha, where)
        self.activation = activation
        self.output_activation = output_activation
        gen = _generator(rng, where)
        sizes = [self.nin] + self.nouts
        last = len(self.nouts) - 1
        self.layers = [Layer(sizes[i], sizes[i + 1], output_activation if i == last else activation,
                             alpha, gen) for i in range(len(self.nouts))]

    def _children(self) -> list[tuple[str, Module]]:
        return [(f"layers.{i}", layer) for i, layer in enumerate(self.layers)]

    def _describe(self) -> str:
        return (f"MLP(nin={self.nin}, nouts={self.nouts}, activation={self.activation!r}, "
                f"alpha={self.alpha!r}, output_activation={self.output_activation!r})")

    def __call__(self, x: Inputs) -> Out:
        # h: the inputs, then each layer's outputs, each extended by the
        # constant 1.0 that the next layer's biases multiply
        h: list[Any] = _inputs(x, self.nin, self)
        for layer in self.layers:
            h.append(1.0)
            h = _layer_forward(layer.neurons, h)
        out: Any = h[0] if len(h) == 1 else h     # Out, by the size of the last layer
        return out
