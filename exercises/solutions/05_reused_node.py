"""Task 5: why the order matters, on a node that is used twice.

A first idea for backward skips the topological order: start at the root,
and go depth first; each node hands its ``.grad`` to its operands as soon as
it is reached, then recurses into them.  It is ``naive_backward`` in
``exercises/given.py`` (eight lines: read them).  It gets some graphs right
and others wrong.

1. ``graph_where_naive_is_wrong()``: build, with ``autograd.plain`` Values,
   a graph on which ``naive_backward`` leaves a wrong ``.grad`` on one of
   its inputs, and return ``(root, that_input)``.  The checker calls it
   twice, runs ``naive_backward`` on one copy and the plain engine's
   ``backward()`` on the other, and compares the input's ``.grad``.
2. ``naive_gradient(a)``: on ``b = a * a; L = b * b`` (``b`` is one node,
   used twice), the number ``naive_backward(L)`` leaves in ``a.grad``, as
   a formula in ``a``.  Trace the recursion by hand.
3. ``true_gradient(a)``: the true dL/da on that graph.

Check with

    python -m exercises.check 5
"""
from autograd.plain import Value


def graph_where_naive_is_wrong():
    """(root, input) of a graph on which naive_backward gets input.grad wrong."""
    a = Value(1.5, label="a")
    b = a * 2.0                 # b is used twice below, and itself has an operand
    return b + b, a


def naive_gradient(a):
    """What naive_backward leaves in a.grad on b = a * a; L = b * b."""
    # b first receives b (= a**2) and hands a * a**2 to a twice; then it
    # receives b again, holds 2b, and hands a * 2a**2 to a twice: 6 a**3.
    return 6.0 * a ** 3


def true_gradient(a):
    """The true dL/da on b = a * a; L = b * b, that is L = a ** 4."""
    return 4.0 * a ** 3
