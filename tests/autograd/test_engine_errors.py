"""Bad input is a clear error naming the operation and the value: never a
silent NaN, a complex number or an obscure traceback."""
import math

import numpy as np
import pytest

import autograd
from autograd import Value

inf = math.inf


@pytest.mark.parametrize("make,pattern", [
    (lambda: Value(-1.0).log(), r"^log\(-1\.0\): input must be > 0$"),
    (lambda: Value(0.0).log(), r"^log\(0\.0\): input must be > 0"),
    (lambda: Value(-4.0).sqrt(), r"^sqrt\(-4\.0\): input must be >= 0"),
    (lambda: Value(-8.0) ** 0.5, r"^pow\(-8\.0, 0\.5\): a negative base needs an integer exponent"),
    (lambda: Value(0.0) ** -1, r"^pow\(0\.0, -1\.0\): .*0 a non-negative one"),
    (lambda: Value(0.0) ** -0.5, r"^pow\(0\.0, -0\.5\)"),
    (lambda: (-2) ** Value(0.5), r"^rpow\(0\.5, -2\.0\): a Value exponent needs a base > 0"),
    (lambda: Value(-2.0) ** Value(2.0), r"^vpow\(-2\.0, 2\.0\): a Value exponent needs a base > 0"),
    (lambda: Value(1.0) / 0, r"^div\(1\.0, 0\.0\): division by zero"),
    (lambda: 1 / Value(0.0), r"^div\(1\.0, 0\.0\): division by zero"),
    (lambda: Value(1.0) / Value(0.0), r"^div\(1\.0, 0\.0\): division by zero"),
    (lambda: Value(1000.0).exp(), r"^exp\(1000\.0\): result overflows a float"),
    (lambda: Value(10.0) ** 400, r"^pow\(10\.0, 400\.0\): result overflows a float"),
    (lambda: Value(inf) - inf, r"^sub\(inf, inf\): result is NaN"),
    (lambda: Value(inf) * 0, r"^mul\(inf, 0\.0\): result is NaN"),
    (lambda: Value(inf) / Value(inf), r"^div\(inf, inf\): result is NaN"),
    (lambda: Value(-inf).relu() * 0 + Value(inf) - Value(inf), r"^sub\(inf, inf\): result is NaN"),
    (lambda: autograd.sum([Value(inf), -inf]), r"^sum\(inf, -inf\): "),
    (lambda: autograd.dot([Value(inf), 1.0], [0.0, 1.0]), r"^dot\("),
])
def test_domain_errors_name_the_op_and_value(make, pattern):
    with pytest.raises(ValueError, match=pattern):
        make()


@pytest.mark.parametrize("bad,kind", [
    ("1.0", TypeError), (1 + 2j, TypeError), (None, TypeError), ([1.0], TypeError),
    ((1.0,), TypeError), (np.array([1.0, 2.0]), TypeError), (float("nan"), ValueError),
    (np.float64("nan"), ValueError), (np.complex128(1), TypeError),
])
def test_value_refuses_non_real_data_and_names_it(bad, kind):
    with pytest.raises(kind) as info:
        Value(bad)
    text = str(info.value)
    assert "Value" in text
    assert ("NaN" in text) or (type(bad).__name__ in text)


@pytest.mark.parametrize("good", [3, 2.5, True, np.float32(1.5), np.int64(7), np.bool_(True), inf, -inf])
def test_value_accepts_real_numbers_as_float(good):
    v = Value(good)
    assert type(v.data) is float and v.data == float(good)


@pytest.mark.parametrize("make", [
    lambda: Value(1.0) + "a", lambda: "a" * Value(1.0), lambda: Value(1.0) * None,
    lambda: Value(1.0) ** "x", lambda: Value(1.0) + 1j, lambda: Value(1.0) - [1.0],
])
def test_operators_refuse_non_numbers_by_name(make):
    with pytest.raises(TypeError, match=r"expected a real number or a Value, got"):
        make()


def test_operator_refuses_nan_constant():
    with pytest.raises(ValueError, match=r"^mul: NaN is not a valid value"):
        Value(1.0) * float("nan")


def test_sum_and_dot_refuse_bad_items():
    with pytest.raises(ValueError, match=r"unequal lengths 2 and 3"):
        autograd.dot([1.0, 2.0], [Value(1.0)] * 3)
    with pytest.raises(TypeError, match=r"^dot: expected a real number or a Value, got str 'a'"):
        autograd.dot(["a"], [Value(1.0)])
    with pytest.raises(ValueError, match=r"^sum: NaN"):
        autograd.sum([Value(1.0), float("nan")])
    with pytest.raises(TypeError, match=r"^sum: expected"):
        autograd.sum([Value(1.0), None])
    with pytest.raises(TypeError, match=r"one Value"):
        autograd.sum(Value(1.0))


def test_backward_through_infinite_local_derivative_is_an_error():
    x = Value(0.0)
    y = x.sqrt()
    assert y.data == 0.0
    with pytest.raises(ValueError, match=r"^backward through sqrt\(0\.0\): local derivative is not finite"):
        y.backward()
    with pytest.raises(ValueError, match=r"^grad through sqrt"):
        autograd.grad(y, [x])


def test_backward_refuses_bad_gradient():
    with pytest.raises(TypeError, match="backward gradient"):
        Value(1.0).backward("1")
    with pytest.raises(ValueError, match="backward gradient: NaN"):
        Value(1.0).backward(float("nan"))


def test_grad_refuses_non_value_inputs_and_outputs():
    x = Value(1.0)
    with pytest.raises(TypeError, match=r"inputs\[1\] must be a Value, got float 2.0"):
        autograd.grad(x * 2, [x, 2.0])
    with pytest.raises(TypeError, match=r"output must be a Value, got float"):
        autograd.grad(2.0, [x])
    with pytest.raises(TypeError, match="not a single Value"):
        autograd.grad(x * 2, x)
    with pytest.raises(TypeError, match="HIPS"):
        autograd.grad(lambda t: t * t, [x])


def test_failed_op_leaves_operands_untouched():
    x = Value(-1.0)
    x.grad = 0.5
    with pytest.raises(ValueError):
        x.log()
    assert x.data == -1.0 and x.grad == 0.5


def test_gradcheck_reports_each_input():
    wrong = autograd.Primitive("wrong_square", "sq", 1, lambda m, x: x * x, lambda m, out, x: (3 * x,))

    def f(a, b):
        return autograd.apply(wrong, a) + b

    with pytest.raises(autograd.GradcheckError) as info:
        autograd.gradcheck(f, [1.5, 2.0])
    text = str(info.value)
    assert "input 0 = 1.5: analytic 4.5" in text and "mismatch" in text
    assert "input 1 = 2.0: analytic 1.0" in text
