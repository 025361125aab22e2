"""Engine internals that chaingrad's own packages use: not a stable public API.

``nn``, ``demos`` and ``benchmarks`` import engine details from here and only
from here, so that a reader sees at once which of the engine's inner workings
other code depends on.  User code should prefer the names exported by
:mod:`autograd`; these may change between releases.

* :func:`dot_rows`: a layer's ``dot`` nodes, reading the shared inputs' data
  once for all its neurons (``nn.Layer``'s fast path).

Example:
    >>> from autograd import Value
    >>> from autograd.internal import dot_rows
    >>> [z.data for z in dot_rows([1.0, 2.0], [[Value(3.0), Value(4.0)], [Value(-1.0), Value(0.5)]])]
    [11.0, 0.0]
"""
from .engine import dot_rows

__all__ = ["dot_rows"]
