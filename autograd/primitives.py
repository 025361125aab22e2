"""The table of primitives: every differentiable operation, described once.

Each entry reads as math.  ``register(name, symbol, arity, value, local
derivatives[, domain])``:

* **value** ``lambda m, *args: ...`` computes the result;
* **local derivatives** ``lambda m, out, *args: (...)`` give d out / d operand
  for each operand, in order (``out`` is the result, so ``exp`` can reuse it);
* **domain** ``(predicate, message)`` refuses bad input before it can become
  a NaN (``log`` of a negative number).

``m`` is a math namespace (:mod:`autograd.mathspaces`): floats for the eager
engine, numpy arrays for the compiler, Values for higher-order ``grad``.
Written with plain arithmetic and ``m``'s functions, one line serves all three.
Args after the operands are constants that are not differentiated
(``leaky_relu``'s alpha, ``x ** 2``'s exponent); ``arity`` counts operands
(``None``: any number).  Adding a primitive is one entry here plus its tests;
:mod:`autograd.registry` holds the machinery.

Example:
    >>> from autograd.primitives import PRIMITIVES, FLOAT
    >>> tanh = PRIMITIVES["tanh"]
    >>> out = tanh.forward(FLOAT, 0.5)
    >>> round(tanh.derivs(FLOAT, out, 0.5)[0], 6)       # 1 - tanh(0.5)**2
    0.786448
"""
import math

from .mathspaces import FLOAT, NUMPY, pow_domain
from .registry import BUILT_IN, PRIMITIVES, Primitive, register

__all__ = ["Primitive", "PRIMITIVES", "FLOAT", "NUMPY", "register"]

# fmt: off
# ---- arithmetic ------------------------------------------------------------------
#        name    symbol arity  value                          d value / d operand, per operand
register("add",  "+",   2,     lambda m, a, b: a + b,         lambda m, out, a, b: (1.0, 1.0))
register("sub",  "-",   2,     lambda m, a, b: a - b,         lambda m, out, a, b: (1.0, -1.0))
register("mul",  "*",   2,     lambda m, a, b: a * b,         lambda m, out, a, b: (b, a))
register("div",  "/",   2,     lambda m, a, b: a / b,         lambda m, out, a, b: (1.0 / b, -out / b),
         (lambda a, b: b != 0, "division by zero"))
register("neg",  "neg", 1,     lambda m, a: -a,               lambda m, out, a: (-1.0,))

# ---- powers: a constant exponent c, a constant base c, or both Values --------------
# x ** 0 is the constant 1: its derivative is 0 even at x == 0, where
# c * x ** (c - 1) would divide by zero.
register("pow",  "**",  1,     lambda m, x, c: x ** c,
         lambda m, out, x, c: (c * x ** (c - 1.0) if c != 0 else 0.0 * x,),
         (pow_domain, "a negative base needs an integer exponent, and 0 a non-negative one"))
register("rpow", "**",  1,     lambda m, x, c: c ** x,        lambda m, out, x, c: (out * m.log(c),),
         (lambda x, c: c > 0, "a Value exponent needs a base > 0"))
register("vpow", "**",  2,     lambda m, a, b: a ** b,
         lambda m, out, a, b: (b * a ** (b - 1.0), out * m.log(a)),
         (lambda a, b: a > 0, "a Value exponent needs a base > 0"))

# ---- elementary functions ----------------------------------------------------------
register("exp",      "exp",      1, lambda m, x: m.exp(x),      lambda m, out, x: (out,))
register("log",      "log",      1, lambda m, x: m.log(x),      lambda m, out, x: (1.0 / x,),
         (lambda x: x > 0, "input must be > 0"))
register("sqrt",     "sqrt",     1, lambda m, x: m.sqrt(x),     lambda m, out, x: (0.5 / out,),
         (lambda x: x >= 0, "input must be >= 0"))
register("abs",      "abs",      1, lambda m, x: m.abs(x),      lambda m, out, x: (m.sign(x),))
register("tanh",     "tanh",     1, lambda m, x: m.tanh(x),     lambda m, out, x: (1.0 - out * out,))
register("sigmoid",  "sigmoid",  1, lambda m, x: m.sigmoid(x),  lambda m, out, x: (out * (1.0 - out),))
register("softplus", "softplus", 1, lambda m, x: m.softplus(x), lambda m, out, x: (m.sigmoid(x),))
# relu'(0) = 0 and leaky_relu'(0) = 1 are conventions (docs/neuron-gradient.md says why).
register("relu",     "relu",     1, lambda m, x: m.relu(x),     lambda m, out, x: (m.step(x),))
register("leaky_relu", "leaky_relu", 1,
         lambda m, x, alpha: x * m.slope(x, alpha),
         lambda m, out, x, alpha: (m.slope(x, alpha),))

# ---- n-ary: one node however many operands (a neuron's weighted sum is one node) ---
register("sum", "sum", None, lambda m, *xs: m.fsum(xs),  lambda m, out, *xs: (1.0,) * len(xs))
# dot(x_1..x_n, w_1..w_n) = sum x_i w_i:  d/dx_i = w_i,  d/dw_i = x_i
register("dot", "dot", None, lambda m, *xw: m.dot(xw),
         lambda m, out, *xw: xw[len(xw) // 2:] + xw[: len(xw) // 2])

# ---- m.sin and m.cos on Values ----------------------------------------------------
# grad(..., create_graph=True) runs the rules on Values, where a rule's m.sin(x)
# must make a node that can be differentiated again: these entries are those
# nodes (pictures show sin and cos).  "sin" itself is left for you to register:
# docs/add-an-operation.md does it in one line.
register("m.sin", "sin", 1, lambda m, x: m.sin(x),      lambda m, out, x: (m.cos(x),),
         (lambda x: abs(x) < math.inf, "input must be finite"))
register("m.cos", "cos", 1, lambda m, x: m.cos(x),      lambda m, out, x: (-m.sin(x),),
         (lambda x: abs(x) < math.inf, "input must be finite"))
# fmt: on

# Rules that are finite wherever their operands are (constants, the operands,
# bounded functions): behind a zero gradient they need not be evaluated.  The
# others have a pole or can overflow (div, the powers, log, sqrt) and are
# evaluated and checked even then, as is every primitive registered later.
for _name in ("add", "sub", "mul", "neg", "exp", "abs", "tanh", "sigmoid", "softplus", "relu",
              "leaky_relu", "sum", "dot", "m.sin", "m.cos"):
    PRIMITIVES[_name].finite_derivs = True

# Everything above is built in: the operators hold these entries themselves,
# so register() refuses to replace one (a new "mul" would never reach x * y).
BUILT_IN.update(PRIMITIVES)

