"""``autograd.compile``: trace a scalar function once, run it on whole batches with numpy.

The pipeline, one module per stage, in the order a compiled function uses them:

* :mod:`.tracing`: run the function once on placeholder Values and keep its
  graph, every node it made included (:class:`TracingError` when it branches
  on a traced value or captures a Value computed outside it);
* :mod:`.plan`: cut the graph into levels and groups of same-kind nodes, lay
  out the buffers (parameters first), find each gradient row's first write;
* :mod:`.steps`: the batched steps, one per group (a few numpy calls each),
  and the gather/scatter plans they use;
* :mod:`.binding`: one thread's buffers for one batch size, with every step
  bound to them;
* :mod:`.inputs`: the call's arguments read as float arrays, non-numbers refused;
* :mod:`.compiled`: :func:`compile` and :class:`Compiled`, which run the
  bound steps under numpy's strict error state;
* :mod:`.replay`: the exact example-by-example replay, used when numpy meets
  an overflow, a division by zero or a NaN, or an example fails a domain check;
* :mod:`.flat`: the array training path: :class:`FlatParameters` holds the
  parameters in one float64 array while training runs (``f.flat()``).

Example:
    >>> import autograd
    >>> f = autograd.compile(lambda x, y: x * y + 1.0)
    >>> f([1.0, 2.0], 3.0).tolist()
    [4.0, 7.0]
"""
from .compiled import Compiled, compile
from .flat import FlatParameters
from .tracing import TracingError

__all__ = ["compile", "Compiled", "TracingError", "FlatParameters"]
