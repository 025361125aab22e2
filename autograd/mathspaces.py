"""Math namespaces: the few functions the derivative rules need beyond arithmetic.

Every rule in :mod:`autograd.primitives` is written against a namespace ``m``
(``m.exp(x)``, ``m.step(x)``), so the same line runs on

* Python floats, with :data:`FLOAT` (the eager engine and ``backward``);
* numpy arrays, one element per batch example, with :data:`NUMPY`
  (``autograd.compile``);
* ``Value`` objects, with ``autograd.functional.VALUE``
  (``grad(..., create_graph=True)``: the derivative is itself a graph).

All three have the same functions, listed in :data:`NAMES`; a rule that
needs another one composes it from these or adds it to every namespace
(docs/add-an-operation.md shows both).  The piecewise-constant helpers
(``step``, ``sign``, ``slope``) return constants even for Values: their own
derivative is zero almost everywhere.

Example:
    >>> import numpy as np
    >>> from autograd.mathspaces import FLOAT, NUMPY
    >>> FLOAT.slope(0.0, 0.01), NUMPY.slope(np.array([-1.0, 0.0]), 0.01).tolist()
    (1.0, [0.01, 1.0])
"""
from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from typing import Any

import numpy as np

__all__ = ["FLOAT", "NUMPY", "NAMES", "pow_domain"]

#: The functions every namespace has (:data:`FLOAT`, :data:`NUMPY`, and
#: ``autograd.functional.VALUE``): all a rule may call on ``m``.
NAMES = ("exp", "log", "sqrt", "sin", "cos", "tanh", "sigmoid", "softplus",
         "relu", "abs", "step", "sign", "slope", "fsum", "dot")


def _f_exp(x: float) -> float:
    return math.exp(x)  # OverflowError past ~709 is turned into a clear error


def _f_sigmoid(x: float) -> float:
    # Two branches so exp never overflows: sigmoid(-1000) is 0.0, not NaN.
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)
    return e / (1.0 + e)


def _f_softplus(x: float) -> float:
    # log(1 + e^x) = max(x, 0) + log1p(e^-|x|): finite for every finite x.
    if x == math.inf:
        return x
    return (x if x > 0 else 0.0) + math.log1p(math.exp(-abs(x)))


def _f_dot(args: Sequence[float]) -> float:
    n = len(args) // 2
    return sum(map(operator.mul, args[:n], args[n:]), 0.0)  # a float even when empty


class _FloatMath:
    """Python floats: the eager engine's namespace."""

    exp = staticmethod(_f_exp)
    log = staticmethod(math.log)
    sqrt = staticmethod(math.sqrt)
    sin = staticmethod(math.sin)
    cos = staticmethod(math.cos)
    tanh = staticmethod(math.tanh)
    sigmoid = staticmethod(_f_sigmoid)
    softplus = staticmethod(_f_softplus)
    fsum = staticmethod(math.fsum)
    dot = staticmethod(_f_dot)

    @staticmethod
    def step(x: float) -> float:
        return 1.0 if x > 0 else 0.0

    @staticmethod
    def sign(x: float) -> float:
        return 1.0 if x > 0 else (-1.0 if x < 0 else 0.0)

    @staticmethod
    def slope(x: float, alpha: float) -> float:
        # leaky_relu'(0) = 1, alpha only where z < 0 (docs/neuron-gradient.md says why).
        return alpha if x < 0 else 1.0

    @staticmethod
    def relu(x: float) -> float:
        return x if x > 0 else 0.0

    @staticmethod
    def abs(x: float) -> float:
        return abs(x)


def _n_sigmoid(x: Any) -> Any:
    e = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def _n_softplus(x: Any) -> Any:
    return np.maximum(x, 0.0) + np.log1p(np.exp(-np.abs(x)))


def _n_dot(args: Sequence[Any]) -> Any:
    n = len(args) // 2
    return np.sum(np.broadcast_arrays(*[a * b for a, b in zip(args[:n], args[n:])]), axis=0)


def _two_sum(a: Any, b: Any) -> tuple[Any, Any]:
    """``(s, e)`` with ``s = fl(a + b)`` and ``s + e == a + b`` exactly (Knuth's
    TwoSum: six additions, no branch, any order of magnitude)."""
    s = a + b
    z = s - a
    return s, (a - (s - z)) + (b - z)


def _n_fsum(args: Sequence[Any]) -> Any:
    """``math.fsum`` of the operands, element by element: the exactly rounded sum.

    Eager's ``sum`` is ``math.fsum``, so the compiled one must be too, or
    ``sum([x, 1e16, -1e16])`` is 0.0 compiled where it is x eagerly.  The
    operands are added left to right keeping every rounding error exactly
    (TwoSum), and the errors are added up the same way, so that

        exact sum = r + t + F,   r = fl(s + c),   |F| <= sum |f_i|

    where ``s`` is the plain sum, ``c`` the sum of its errors, ``t`` the error
    of ``r`` and the ``f_i`` those of ``c``.  ``r`` is the exactly rounded sum
    where every ``f_i`` is 0 (then ``r = fl(exact sum)``) or where ``|t| + |F|``
    stays below half the gap to ``r``'s neighbour on that side.  Elsewhere
    (a near tie with errors left over: 14 of 150,000 sums in a mix built to
    cancel and to tie) that example's operands go through ``math.fsum``
    itself.  About 14 numpy operations per operand instead of
    one (``python -m benchmarks.exact_sum`` measures it).

    The compiler passes shared operands as (k, 1) beside batch rows (k, B);
    numpy broadcasts them.  An overflow raises under the compiler's error
    state and sends the call to the exact replay, which is eager.
    """
    n = len(args)
    if n <= 2:
        # At most one rounding, as fsum's; + 0.0 turns -0.0 into fsum's 0.0.
        return (args[0] + args[1] if n == 2 else args[0] if n else 0.0) + 0.0
    s, c = _two_sum(args[0], args[1])
    f_size = 0.0
    for x in args[2:]:
        s, e = _two_sum(s, x)
        c, f = _two_sum(c, e)
        f_size = f_size + np.abs(f)
    r, t = _two_sum(s, c)
    r = r + 0.0
    if not np.any(f_size):
        return r
    a = np.abs(r)
    # The gap to r's neighbour on the side where the exact sum lies: away
    # from zero when t has r's sign, else toward zero (half as wide just
    # below a power of two); at 0, the smallest subnormal.
    away = (t != 0.0) & (np.signbit(t) == np.signbit(r))
    gap = np.where(away, np.spacing(a), a - np.nextafter(a, 0.0))
    gap = np.where(a == 0.0, 5e-324, gap)
    # f_size is a sum of n - 2 rounded terms: (1 + 2 n 2**-53) covers its own rounding.
    ok = (f_size == 0.0) | ((np.abs(t) + f_size * (1.0 + n * 2.0 ** -52)) * 2.0 < gap)
    if ok.all():
        return r
    shape = np.broadcast_shapes(*(np.shape(x) for x in args))
    r = np.array(np.broadcast_to(r, shape))
    columns = [np.broadcast_to(x, shape) for x in args]
    for i in zip(*np.nonzero(np.broadcast_to(~ok, shape))):
        try:
            r[i] = math.fsum([col[i] for col in columns])
        except OverflowError:      # as numpy's overflow: the compiler replays the call
            raise FloatingPointError("overflow in fsum") from None
    return r


class _NumpyMath:
    """numpy arrays: the compiler's namespace (one element per batch example)."""

    exp = staticmethod(np.exp)
    log = staticmethod(np.log)
    sqrt = staticmethod(np.sqrt)
    sin = staticmethod(np.sin)
    cos = staticmethod(np.cos)
    tanh = staticmethod(np.tanh)
    sigmoid = staticmethod(_n_sigmoid)
    softplus = staticmethod(_n_softplus)
    dot = staticmethod(_n_dot)

    fsum = staticmethod(_n_fsum)

    @staticmethod
    def step(x: Any) -> Any:
        return (x > 0).astype(float)  # same values as np.where, several times faster

    @staticmethod
    def sign(x: Any) -> Any:
        return np.sign(x).astype(float)

    @staticmethod
    def slope(x: Any, alpha: float) -> Any:
        if np.size(x) < 4096 or not math.isfinite(alpha):
            return np.where(x < 0, alpha, 1.0)
        # On big batches np.where's per-element branch costs more than this
        # exact arithmetic select (alpha * 1 + 0, or 0 + 1).
        neg = x < 0
        return neg * alpha + ~neg

    @staticmethod
    def relu(x: Any) -> Any:
        return np.maximum(x, 0.0)

    abs = staticmethod(np.abs)


FLOAT = _FloatMath()
NUMPY = _NumpyMath()




def pow_domain(x: Any, c: float) -> Any:
    """``pow``'s domain, for a float or an array ``x`` and a constant exponent ``c``.

    Example:
        >>> from autograd.mathspaces import pow_domain
        >>> [bool(pow_domain(x, c)) for x, c in ((-8.0, 2.0), (-8.0, 0.5), (0.0, -1.0))]
        [True, False, False]
    """
    # Every real base takes a non-negative integer exponent (x ** 2.0, the
    # common case): then only a NaN base fails, which is what the full
    # predicate below gives too.  One comparison instead of seven on arrays.
    if type(c) is float and c >= 0.0 and c % 1.0 == 0.0:
        return x == x
    return (x > 0) | ((x < 0) & (c == np.floor(c))) | ((x == 0) & (c >= 0))
