"""The table of primitives: every differentiable operation, described once.

Each :class:`Primitive` carries

* ``forward(m, *args)``: the value, written against a *math namespace* ``m``
  (:data:`FLOAT` for Python floats, :data:`NUMPY` for arrays), so the same line
  serves eager execution and the batched compiler;
* ``derivs(m, out, *args)``: the local derivative of the output with respect to
  each operand, as a tuple.  Written with plain arithmetic plus ``m``'s
  functions, the same rule runs on floats (eager ``backward``), on ``Value``
  objects (``grad(..., create_graph=True)``: higher-order derivatives) and on
  numpy arrays (``autograd.compile``);
* ``domain``: a predicate on the operands and the message shown when it fails,
  so bad input is refused before it can become a NaN.

``args`` are the node's operands followed by its non-differentiable parameters
(``leaky_relu``'s alpha, a constant exponent); ``arity`` says how many leading
args are operands (``None`` for the variadic ``sum`` and ``dot``).

Example:
    >>> from autograd.primitives import PRIMITIVES, FLOAT
    >>> tanh = PRIMITIVES["tanh"]
    >>> out = tanh.forward(FLOAT, 0.5)
    >>> round(tanh.derivs(FLOAT, out, 0.5)[0], 6)
    0.786448
"""
import math
import operator

import numpy as np

__all__ = ["Primitive", "PRIMITIVES", "FLOAT", "NUMPY", "register"]


class Primitive:
    """One differentiable operation: its name, forward, local derivatives, domain.

    ``symbol`` is how pictures and text show it (``"*"`` for ``mul``);
    ``domain`` is ``(predicate, message)`` or ``None``.  The predicate gets the
    same ``args`` as ``forward`` and must work on floats and on arrays (it may
    return a bool array); ``message`` is formatted with ``{args}``.
    """

    __slots__ = ("name", "symbol", "arity", "forward", "derivs", "domain")

    def __init__(self, name, symbol, arity, forward, derivs, domain=None):
        self.name = name
        self.symbol = symbol
        self.arity = arity
        self.forward = forward
        self.derivs = derivs
        self.domain = domain

    def operands(self, args):
        """The leading ``args`` that are differentiable operands."""
        return args if self.arity is None else args[: self.arity]

    def __repr__(self):
        return f"<Primitive {self.name}>"


PRIMITIVES = {}


def register(name, symbol, arity, forward, derivs, domain=None):
    """Add a primitive to the table; the engine, ``grad``, the compiler and the
    pictures all find it there by ``name``.

    Example:
        >>> from autograd.primitives import register, PRIMITIVES
        >>> _ = register("cube_demo", "cube", 1, lambda m, x: x * x * x,
        ...              lambda m, out, x: (3 * x * x,))
        >>> PRIMITIVES.pop("cube_demo").name
        'cube_demo'
    """
    prim = Primitive(name, symbol, arity, forward, derivs, domain)
    PRIMITIVES[name] = prim
    return prim


# --- math namespaces --------------------------------------------------------
# The few functions the rules need that plain arithmetic cannot express.  The
# piecewise-constant helpers (step, sign, slope) return constants even for
# Values: their own derivative is zero almost everywhere.


def _f_exp(x):
    return math.exp(x)  # OverflowError past ~709 is turned into a clear error


def _f_sigmoid(x):
    # Two branches so exp never overflows: sigmoid(-1000) is 0.0, not NaN.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _f_softplus(x):
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): finite for every finite x.
    if x == math.inf:
        return x
    return (x if x > 0 else 0.0) + math.log1p(math.exp(-abs(x)))


def _f_dot(args):
    n = len(args) // 2
    return sum(map(operator.mul, args[:n], args[n:]), 0.0)  # a float even when empty


class _FloatMath:
    """Python floats: the eager engine's namespace."""

    exp = staticmethod(_f_exp)
    log = staticmethod(math.log)
    sqrt = staticmethod(math.sqrt)
    tanh = staticmethod(math.tanh)
    sigmoid = staticmethod(_f_sigmoid)
    softplus = staticmethod(_f_softplus)
    fsum = staticmethod(math.fsum)
    dot = staticmethod(_f_dot)

    @staticmethod
    def step(x):
        return 1.0 if x > 0 else 0.0

    @staticmethod
    def sign(x):
        return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)

    @staticmethod
    def slope(x, alpha):
        # The design document's convention: 1 at z == 0, alpha only where z < 0.
        return alpha if x < 0 else 1.0

    @staticmethod
    def relu(x):
        return x if x > 0 else 0.0

    @staticmethod
    def abs(x):
        return abs(x)


def _n_sigmoid(x):
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _n_softplus(x):
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def _n_dot(args):
    n = len(args) // 2
    return np.sum(np.broadcast_arrays(*[a * b for a, b in zip(args[:n], args[n:])]), axis=0)


class _NumpyMath:
    """numpy arrays: the compiler's namespace (one element per batch example)."""

    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sqrt = staticmethod(np.sqrt)
    tanh = staticmethod(np.tanh)
    sigmoid = staticmethod(_n_sigmoid)
    softplus = staticmethod(_n_softplus)
    dot = staticmethod(_n_dot)

    @staticmethod
    def fsum(args):
        # The compiler passes shared operands as (k, 1) beside batch rows
        # (k, B): broadcast them before stacking.
        return np.sum(np.broadcast_arrays(*args), axis=0)

    @staticmethod
    def step(x):
        return (x > 0).astype(float)  # same values as np.where, several times faster

    @staticmethod
    def sign(x):
        return np.sign(x).astype(float)

    @staticmethod
    def slope(x, alpha):
        if np.size(x) < 4096 or not math.isfinite(alpha):
            return np.where(x < 0, alpha, 1.0)
        # On big batches np.where's per-element branch costs more than this
        # exact arithmetic select (alpha * 1 + 0, or 0 + 1).
        neg = x < 0
        return neg * alpha + ~neg

    @staticmethod
    def relu(x):
        return np.maximum(x, 0.0)

    abs = staticmethod(np.abs)


FLOAT = _FloatMath()
NUMPY = _NumpyMath()


# --- the table ----------------------------------------------------------------
# One entry per primitive: value and local derivatives side by side.

# arithmetic
register("add", "+", 2, lambda m, a, b: a + b,
         lambda m, out, a, b: (1.0, 1.0))
register("sub", "-", 2, lambda m, a, b: a - b,
         lambda m, out, a, b: (1.0, -1.0))
register("mul", "*", 2, lambda m, a, b: a * b,
         lambda m, out, a, b: (b, a))
register("div", "/", 2, lambda m, a, b: a / b,
         lambda m, out, a, b: (1.0 / b, -out / b),
         (lambda a, b: b != 0, "division by zero"))
register("neg", "neg", 1, lambda m, a: -a,
         lambda m, out, a: (-1.0,))

# powers: a constant exponent, a constant base, or both Values
def _pow_ok(x, c):
    # Every real base takes a non-negative integer exponent (x ** 2.0, the
    # common case): then only a NaN base fails, which is what the full
    # predicate below gives too.  One comparison instead of seven on arrays.
    if type(c) is float and c >= 0.0 and c % 1.0 == 0.0:
        return x == x
    return (x > 0) | ((x < 0) & (c == np.floor(c))) | ((x == 0) & (c >= 0))


register("pow", "**", 1, lambda m, x, c: x ** c,
         # x ** 0 is the constant 1: its derivative is 0 even at x == 0, where
         # c * x ** (c - 1) would divide by zero.
         lambda m, out, x, c: (c * x ** (c - 1.0) if c != 0 else 0.0 * x,),
         (_pow_ok, "a negative base needs an integer exponent, and 0 a non-negative one"))
register("rpow", "**", 1, lambda m, x, c: c ** x,
         lambda m, out, x, c: (out * m.log(c),),
         (lambda x, c: c > 0, "a Value exponent needs a base > 0"))
register("vpow", "**", 2, lambda m, a, b: a ** b,
         lambda m, out, a, b: (b * a ** (b - 1.0), out * m.log(a)),
         (lambda a, b: a > 0, "a Value exponent needs a base > 0"))

# elementary functions
register("exp", "exp", 1, lambda m, x: m.exp(x),
         lambda m, out, x: (out,))
register("log", "log", 1, lambda m, x: m.log(x),
         lambda m, out, x: (1.0 / x,),
         (lambda x: x > 0, "input must be > 0"))
register("sqrt", "sqrt", 1, lambda m, x: m.sqrt(x),
         lambda m, out, x: (0.5 / out,),
         (lambda x: x >= 0, "input must be >= 0"))
register("abs", "abs", 1, lambda m, x: m.abs(x),
         lambda m, out, x: (m.sign(x),))
register("tanh", "tanh", 1, lambda m, x: m.tanh(x),
         lambda m, out, x: (1.0 - out * out,))
register("sigmoid", "sigmoid", 1, lambda m, x: m.sigmoid(x),
         lambda m, out, x: (out * (1.0 - out),))
register("softplus", "softplus", 1, lambda m, x: m.softplus(x),
         lambda m, out, x: (m.sigmoid(x),))
register("relu", "relu", 1, lambda m, x: m.relu(x),
         lambda m, out, x: (m.step(x),))
register("leaky_relu", "leaky_relu", 1, lambda m, x, alpha: x * m.slope(x, alpha),
         lambda m, out, x, alpha: (m.slope(x, alpha),))

# n-ary: one node however many operands (a neuron's weighted sum is one node)
register("sum", "sum", None, lambda m, *xs: m.fsum(xs),
         lambda m, out, *xs: (1.0,) * len(xs))
register("dot", "dot", None, lambda m, *xw: m.dot(xw),
         lambda m, out, *xw: xw[len(xw) // 2:] + xw[: len(xw) // 2])
