"""Every result is a Python float, whatever number type ``.data`` was given
(issue 19, defect 7).

``.data`` is writable (optimizers assign it), so it may hold an int or a
numpy scalar.  Results and gradients are still floats computed in double
precision, and an int result too large for a float is an error naming the op,
in both engines with the same words.  The truth is Python's own float
arithmetic on ``float(data)``.
"""
import math

import numpy as np
import pytest

import autograd
from autograd import Value, plain

ENGINES = {"fast": (Value, autograd), "plain": (plain.Value, plain)}

OPS = {
    "add": lambda a, b, mod: a + b,
    "sub": lambda a, b, mod: a - b,
    "mul": lambda a, b, mod: a * b,
    "div": lambda a, b, mod: a / b,
    "neg": lambda a, b, mod: -a,
    "pow": lambda a, b, mod: a ** 2,
    "abs": lambda a, b, mod: abs(a),
    "relu": lambda a, b, mod: a.relu(),
    "leaky_relu": lambda a, b, mod: a.leaky_relu(0.5),
    "exp": lambda a, b, mod: a.exp(),
    "tanh": lambda a, b, mod: a.tanh(),
    "sum": lambda a, b, mod: mod.sum([a, b, 1.0]),
    "dot": lambda a, b, mod: mod.dot([a, b], [b, 2.0]),
}
BY_HAND = {  # the same ops on Python floats
    "add": lambda a, b: a + b, "sub": lambda a, b: a - b, "mul": lambda a, b: a * b,
    "div": lambda a, b: a / b, "neg": lambda a, b: -a, "pow": lambda a, b: a ** 2,
    "abs": lambda a, b: abs(a), "relu": lambda a, b: max(a, 0.0),
    "leaky_relu": lambda a, b: a if a >= 0 else 0.5 * a, "exp": lambda a, b: math.exp(a),
    "tanh": lambda a, b: math.tanh(a), "sum": lambda a, b: math.fsum([a, b, 1.0]),
    "dot": lambda a, b: a * b + b * 2.0,
}
NUMBERS = {"int": (2, 3), "numpy float32": (np.float32(0.1), np.float32(0.7)),
           "numpy int64": (np.int64(2), np.int64(-3)), "numpy float64": (np.float64(0.1), np.float64(3.0))}


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("kind", sorted(NUMBERS))
@pytest.mark.parametrize("op", sorted(OPS))
def test_results_are_floats_in_double_precision_whatever_data_holds(engine, kind, op):
    V, mod = ENGINES[engine]
    a, b = V(1.0), V(1.0)
    a.data, b.data = NUMBERS[kind]
    out = OPS[op](a, b, mod)
    assert type(out.data) is float, type(out.data)
    assert out.data == BY_HAND[op](float(a.data), float(b.data))
    float(out)                                   # usable as a number


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("kind", sorted(NUMBERS))
def test_gradients_are_floats_in_double_precision_whatever_data_holds(engine, kind):
    V, mod = ENGINES[engine]
    a, b = V(1.0), V(1.0)
    a.data, b.data = NUMBERS[kind]
    (a * b + mod.dot([a], [b])).backward()       # d/da = 2b, d/db = 2a
    assert type(a.grad) is float and type(b.grad) is float
    assert (a.grad, b.grad) == (2.0 * float(b.data), 2.0 * float(a.data))


def test_an_int_result_too_large_for_a_float_is_refused_alike_in_both_engines():
    messages = []
    for V, mod in ENGINES.values():
        a = V(1.0)
        a.data = 10 ** 200
        with pytest.raises(ValueError) as info:
            a * a
        messages.append(str(info.value))
        with pytest.raises(ValueError, match=r"^dot\(.*\(201 digits\)\): result overflows a float"):
            mod.dot([a], [a])
    assert messages[0] == messages[1]
    assert messages[0] == ("mul(1000000000000...000000 (201 digits), 1000000000000...000000 "
                           "(201 digits)): result overflows a float")
