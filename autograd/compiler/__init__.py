"""``autograd.compile``: trace a scalar function once, run it on whole batches with numpy.

The pipeline, one module per stage:

* :mod:`.tracing`: run the function once on placeholder Values and keep its
  graph (:class:`TracingError` when it branches on a traced value);
* :mod:`.steps`: the level plan's batched steps (one group of same-kind nodes
  per step, a few numpy calls each) and the gather/scatter plans they use;
* :mod:`.compiled`: :class:`Compiled`, which plans the levels, binds the
  steps to per-thread buffers, runs them, and falls back to the exact
  example-by-example replay when numpy meets an overflow or a NaN.

Example:
    >>> import autograd
    >>> f = autograd.compile(lambda x, y: x * y + 1.0)
    >>> f([1.0, 2.0], 3.0).tolist()
    [4.0, 7.0]
"""
from .compiled import Compiled, compile
from .tracing import TracingError

__all__ = ["compile", "Compiled", "TracingError"]
