"""The reference neuron in plain numpy: the independent truth ``nn`` is checked against.

:class:`NumpyNeuron` is one leaky-ReLU neuron computing the closed-form
gradient derived in ``docs/neuron-gradient.md``: weights and bias drawn
uniformly from [0, 1), leaky ReLU through ``np.maximum(alpha * z, z)``,
derivative ``np.where(z < 0, alpha, 1)`` (1 at z = 0, the convention chaingrad
uses too), the closed-form batch gradient ``np.dot(error * lrelu'(z), x)``.
:meth:`NumpyNeuron.gradient_of_J` returns dJ/dw only;
:meth:`NumpyNeuron.gradients` also returns the bias gradient dJ/db, and the
generator can be seeded.  It is plain numpy and imports nothing from the
engine, so agreeing with it means something.

The loss is ``J = 1/2 * sum((a - y) ** 2)`` over the batch.

Example:
    >>> import numpy as np
    >>> from nn.reference import NumpyNeuron
    >>> n = NumpyNeuron((2, 3), rng=0)
    >>> n.w = np.array([1.0, -2.0, 0.5]); n.b = 0.25
    >>> X = np.array([[1.0, 1.0, 2.0], [0.0, 1.0, 0.0]])
    >>> n._get_linear_transformation(X).tolist(), n.forward(X).tolist()
    ([0.25, -1.75], [0.25, -0.0175])
    >>> dw, db = n.gradients(np.array([0.0, 0.0]), X)
    >>> dw.tolist(), float(db)
    ([0.25, 0.249825, 0.5], 0.249825)
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["NumpyNeuron"]


class NumpyNeuron:
    """The reference neuron: one leaky-ReLU neuron, vectorised over a batch.

    ``input_size`` is a shape tuple whose last entry is the number of inputs
    (pass ``X.shape``); ``rng`` is ``None`` (fresh entropy, the default), an
    int seed, or a ``numpy.random.Generator``.

    Example:
        >>> from nn.reference import NumpyNeuron
        >>> n = NumpyNeuron((4, 5), rng=1)
        >>> n.input_size, n.w.shape, n.alpha
        ((4, 5), (5,), 0.01)
    """

    def __init__(self, input_size: Sequence[int], rng: int | np.random.Generator | None = None) -> None:
        try:
            self.input_size = tuple(input_size)
            ok = bool(self.input_size) and int(self.input_size[-1]) >= 1
        except (TypeError, ValueError):
            ok = False
        if not ok:
            raise ValueError(f"NumpyNeuron: input_size must end with a positive size, got {input_size!r}")
        gen = rng if isinstance(rng, np.random.Generator) else np.random.default_rng(rng)
        self.w = gen.random(self.input_size[-1])
        self.b = gen.random()
        # activation function hyperparameter
        self.alpha = 0.01

    def leaky_relu(self, vector: np.ndarray) -> np.ndarray:
        """The activation, leaky ReLU: ``np.maximum(alpha * z, z)``.

        Example:
            >>> import numpy as np
            >>> from nn import NumpyNeuron
            >>> NumpyNeuron((1,), rng=0).leaky_relu(np.array([-2.0, 3.0])).tolist()
            [-0.02, 3.0]
        """
        return np.maximum(self.alpha * vector, vector)

    def derivative_of_leaky_relu(self, vector: np.ndarray) -> np.ndarray:
        """alpha where z < 0, 1 elsewhere: ``np.where(z < 0, alpha, 1)``, so 1 at z == 0
        (the convention chaingrad's ``leaky_relu`` uses; see ``docs/neuron-gradient.md``).

        Example:
            >>> import numpy as np
            >>> from nn import NumpyNeuron
            >>> NumpyNeuron((1,), rng=0).derivative_of_leaky_relu(np.array([-2.0, 0.0, 3.0])).tolist()
            [0.01, 1.0, 1.0]
        """
        # np.array rather than np.asarray(vector, copy=True): the same copy, but
        # asarray's copy= needs numpy 2 and np.array works on every version.
        derivative = np.array(vector, copy=True)
        return np.where(derivative < 0, self.alpha, 1)

    def _get_linear_transformation(self, x: np.ndarray) -> np.ndarray:
        """z = x . w + b for every row of ``x``.

        Example:
            >>> import numpy as np
            >>> from nn import NumpyNeuron
            >>> n = NumpyNeuron((2,), rng=0); n.w = np.array([1.0, 2.0]); n.b = 0.5
            >>> n._get_linear_transformation(np.array([[1.0, 1.0], [0.0, -1.0]])).tolist()
            [3.5, -1.5]
        """
        return np.dot(x, self.w) + self.b

    def forward(self, x: np.ndarray) -> np.ndarray:
        """a = leaky_relu(x . w + b).

        Example:
            >>> import numpy as np
            >>> from nn import NumpyNeuron
            >>> n = NumpyNeuron((2,), rng=0); n.w = np.array([1.0, 2.0]); n.b = 0.5
            >>> n.forward(np.array([[1.0, 1.0], [0.0, -1.0]])).tolist()
            [3.5, -0.015]
        """
        vector = self._get_linear_transformation(x)
        return self.leaky_relu(vector)

    def gradient_of_J(self, y_true: np.ndarray, x: np.ndarray) -> np.ndarray:
        """dJ/dw in closed form: ``np.dot(error * lrelu'(z), x)``.

        Example:
            >>> import numpy as np
            >>> from nn import NumpyNeuron
            >>> n = NumpyNeuron((2,), rng=0); n.w = np.array([1.0, 2.0]); n.b = 0.5
            >>> n.gradient_of_J(np.array([3.0]), np.array([[1.0, 1.0]])).tolist()   # error 0.5
            [0.5, 0.5]
        """
        y_pred = self.forward(x)
        error = y_pred - y_true
        leaky_relu_derivative = self.derivative_of_leaky_relu(self._get_linear_transformation(x))
        return np.dot((error * leaky_relu_derivative), x)

    def gradients(self, y_true: np.ndarray, x: np.ndarray) -> tuple[np.ndarray, float]:
        """``(dJ/dw, dJ/db)``; ``dJ/db = sum(error * lrelu'(z))`` (z depends on b with slope 1).

        Example:
            >>> import numpy as np
            >>> from nn import NumpyNeuron
            >>> n = NumpyNeuron((2,), rng=0); n.w = np.array([1.0, 2.0]); n.b = 0.5
            >>> dw, db = n.gradients(np.array([3.0]), np.array([[1.0, 1.0]]))
            >>> dw.tolist(), float(db)
            ([0.5, 0.5], 0.5)
        """
        error = self.forward(x) - y_true
        delta = error * self.derivative_of_leaky_relu(self._get_linear_transformation(x))
        return np.dot(delta, x), np.sum(delta)
