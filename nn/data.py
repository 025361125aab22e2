"""Small synthetic data sets, generated with numpy from a seed (no download).

Example:
    >>> from nn.data import make_moons
    >>> X, y = make_moons(6, noise=0.0, rng=0)
    >>> X.shape, y.tolist()
    ((6, 2), [0, 0, 0, 1, 1, 1])
"""
from __future__ import annotations

import math
import numbers

import numpy as np

__all__ = ["make_moons"]


def make_moons(n: int = 100, noise: float = 0.1,
               rng: int | np.random.Generator | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles: ``(X, y)`` with ``X`` of shape (n, 2), ``y`` in {0, 1}.

    Class 0 is the upper arc ``(cos t, sin t)``, class 1 the lower arc
    ``(1 - cos t, 0.5 - sin t)``, ``t`` evenly spaced over [0, pi]; then
    Gaussian noise of standard deviation ``noise`` is added to every
    coordinate.  ``rng``: ``None``, an int seed or a numpy Generator.

    Example:
        >>> from nn.data import make_moons
        >>> X, y = make_moons(4, noise=0.0, rng=0)
        >>> X.round(3).tolist()
        [[1.0, 0.0], [-1.0, 0.0], [0.0, 0.5], [2.0, 0.5]]
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral) or n < 2:
        raise ValueError(f"make_moons: n must be an int >= 2, got {n!r}")
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) \
            or not 0 <= float(noise) < math.inf:
        # inf noise would make every point inf (and NaN fails every comparison)
        raise ValueError(f"make_moons: noise must be a finite number >= 0, got {noise!r}")
    if not (rng is None or isinstance(rng, np.random.Generator)
            or (isinstance(rng, numbers.Integral) and not isinstance(rng, bool))):
        raise TypeError(f"make_moons: rng must be None, an int seed or a numpy Generator, got {rng!r}")
    if isinstance(rng, np.random.Generator):
        gen = rng
    else:
        gen = np.random.default_rng(None if rng is None else int(rng))
    n, noise = int(n), float(noise)
    n0 = n // 2
    n1 = n - n0
    t0 = np.linspace(0.0, np.pi, n0)
    t1 = np.linspace(0.0, np.pi, n1)
    X = np.concatenate([np.stack([np.cos(t0), np.sin(t0)], axis=1),
                        np.stack([1.0 - np.cos(t1), 0.5 - np.sin(t1)], axis=1)])
    y = np.concatenate([np.zeros(n0, dtype=int), np.ones(n1, dtype=int)])
    if noise:
        X = X + gen.normal(0.0, noise, X.shape)
    return X, y
