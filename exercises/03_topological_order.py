"""Task 3: a topological order.

``backward()`` visits each node once and hands its gradient to its operands,
so it must not visit a node before every node that uses it has handed over
its share.  An order that guarantees this: list every node after all of its
operands (a *topological order*), then walk the list backwards.

``topological_order(root)`` returns every Value that ``root`` depends on,
``root`` included, each exactly once, each after all of its operands.

What you need of a Value (``autograd.plain.Value`` here; ``autograd.Value``
has the same): ``node.parents`` is the tuple of Values it was computed from,
in order (a Value used twice, as in ``x * x``, is in it twice; an input has
none); ``node.label`` is its name.  Values can go in a set or be dict keys.

Write it without recursion: Python stops at about 1,000 nested calls, and a
graph can be much deeper than that (the checker tries a chain of 5,000
nodes).  Use a list as a stack of the nodes still to visit.

Check with

    python -m exercises.check 3
"""


def topological_order(root):
    """Every node root depends on (root included), each once, each after its operands."""
    raise NotImplementedError
