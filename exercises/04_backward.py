"""Task 4: backward() over the plain engine's graph.

The whole of backpropagation is three ideas:

1. d root / d root = 1: the root's gradient is 1.
2. Visit the nodes in reverse topological order: then every node that uses
   a node has been visited before it, so its ``.grad`` is complete when it
   is visited.
3. At each node, the chain rule: each operand gets the node's ``.grad``
   times the local derivative *added* to its own ``.grad``.  Added, not
   assigned: a Value used twice (``x * x``, or by two nodes) gets one
   contribution per use.

Given: ``topological_order`` (the plain engine's; yours from task 3 works
too) and ``local_derivatives(node)`` from ``exercises/given.py``, which
returns ``[(operand, d node / d operand), ...]``, read from chaingrad's table.

``backward(root)`` sets every ``.grad`` in the graph to d root / d node.
The checker builds fresh graphs of ``autograd.plain`` Values, so every
``.grad`` starts at 0.  Check with

    python -m exercises.check 4
"""
from autograd.plain import topological_order
from exercises.given import local_derivatives


def backward(root):
    """Fill in .grad of every node root depends on with d root / d node."""
    raise NotImplementedError
