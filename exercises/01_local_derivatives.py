"""Task 1: local derivatives, the rows of chaingrad's table.

An operation's *local derivative* with respect to one of its operands says how
fast the operation's result moves when that operand moves and everything else
stays put.  It is all that backpropagation needs to know about an operation:
``backward()`` only ever multiplies and adds these numbers.

Each function below is one row of the table.  It gets the operation's result
``out`` first, then the operands (and constants, such as an exponent), and
returns the local derivative with respect to each operand, as a tuple with one
entry per operand: ``(d out / d a, d out / d b)``, or ``(d out / d x,)`` for an
operation of one operand (mind the comma).  ``out`` is given because some
derivatives are simplest written with it.

Work each one out on paper, then fill in its body.  Check with

    python -m exercises.check 1

which compares your numbers with slopes measured by finite differences, at
many random points.  When all pass, compare with ``autograd/primitives.py``:
it has these rows too (peeking earlier spoils the exercise).
"""


def add(out, a, b):
    """out = a + b."""
    raise NotImplementedError


def sub(out, a, b):
    """out = a - b."""
    raise NotImplementedError


def mul(out, a, b):
    """out = a * b.  At a = 2, b = -3 the answer is (-3.0, 2.0): each factor's
    derivative is the other factor."""
    raise NotImplementedError


def div(out, a, b):
    """out = a / b (b is never 0 here)."""
    raise NotImplementedError


def power(out, x, c):
    """out = x ** c, where the exponent c is a constant (x > 0 here).  One operand: (d out / d x,)."""
    raise NotImplementedError


def exp(out, x):
    """out = e ** x."""
    raise NotImplementedError


def log(out, x):
    """out = ln(x), the natural logarithm (x > 0)."""
    raise NotImplementedError


def tanh(out, x):
    """out = tanh(x).  Simplest written with out."""
    raise NotImplementedError


def sigmoid(out, x):
    """out = 1 / (1 + e ** -x).  Simplest written with out."""
    raise NotImplementedError


def relu(out, x):
    """out = max(x, 0).  At x = 0 there is a kink; chaingrad takes 0 there."""
    raise NotImplementedError


def leaky_relu(out, x, alpha):
    """out = x where x >= 0, alpha * x where x < 0.  At x = 0 chaingrad takes 1."""
    raise NotImplementedError

