"""Task 7: a new operation of your own, checked with gradcheck.

In chaingrad an operation is one entry in the table (``autograd/primitives.py``):
a name, a symbol for the pictures, how many operands it takes, its value, and
its local derivatives.  ``register(...)`` adds an entry; then
``apply(name, x)`` makes a node with it, and ``backward``, ``grad``,
``compile`` and ``draw_dot`` all know it.  One line of the table reads:

    register("tanh", "tanh", 1, lambda m, x: m.tanh(x), lambda m, out, x: (1.0 - out * out,))

The value and the derivative rule both get a math namespace ``m`` first.
Write ``m.exp``, ``m.log``, ``m.sigmoid`` (never ``math.exp``): the same rule
then runs on floats (``backward``), on Values (``grad`` of a ``grad``: the
second derivative) and on numpy arrays (``compile``).  Plain ``+ - * / **``
work on all three.  (The derivative rules may use ``m.exp``, ``m.log`` and
``m.sigmoid``; the value may also use ``m.tanh``, ``m.sqrt``, ``m.softplus``.)

Two operations to add:

* swish(x) = x * sigmoid(x), a smooth cousin of relu;
* logaddexp(a, b) = log(e ** a + e ** b), a smooth maximum of a and b.

1. ``swish_value(m, x)`` and ``swish_derivs(m, out, x)`` (a tuple of one);
2. ``register_swish()``: register it under the name "swish", 1 operand,
   and return what ``register`` returns;
3. ``logaddexp_value(m, a, b)`` and ``logaddexp_derivs(m, out, a, b)``;
4. ``register_logaddexp()``: the name "logaddexp", 2 operands.

The checker calls ``gradcheck`` (your derivative against finite
differences), then takes a second derivative with ``grad(...,
create_graph=True)`` and runs the op compiled on a numpy batch.  Check with

    python -m exercises.check 7
"""
from autograd import register


def swish_value(m, x):
    """swish(x) = x * sigmoid(x)."""
    raise NotImplementedError


def swish_derivs(m, out, x):
    """(d swish / d x,)."""
    raise NotImplementedError


def register_swish():
    """Add swish to chaingrad's table; return the new entry."""
    raise NotImplementedError


def logaddexp_value(m, a, b):
    """logaddexp(a, b) = log(e ** a + e ** b)."""
    raise NotImplementedError


def logaddexp_derivs(m, out, a, b):
    """(d logaddexp / d a, d logaddexp / d b)."""
    raise NotImplementedError


def register_logaddexp():
    """Add logaddexp to chaingrad's table; return the new entry."""
    raise NotImplementedError
