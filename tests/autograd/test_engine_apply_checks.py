"""``apply``, ``sum`` and ``dot`` refuse what does not fit a primitive, by
name, in both engines, before any node is made (issue 19, defects 4, 6, 13
and 15).

The truth for the refusals is what the operators already do (``x + obj``
refuses a foreign object) and the fast engine's own words, which the plain
engine must repeat exactly.
"""
import pytest

import autograd
from autograd import Value, plain
from autograd.internal import dot_rows

ENGINES = {"fast": (Value, autograd), "plain": (plain.Value, plain)}


def _error(call):
    try:
        call()
    except (TypeError, ValueError) as e:
        return type(e), str(e)
    raise AssertionError("no error")


@pytest.mark.parametrize("engine", sorted(ENGINES))
def test_dot_with_an_odd_number_of_operands_is_refused_by_name(engine):
    V, mod = ENGINES[engine]
    a, b, c = V(1.0), V(2.0), V(3.0)
    with pytest.raises(ValueError, match=r"^apply: dot takes an even number of operands "
                                         r"\(xs, then as many ws\), got 3$"):
        mod.apply("dot", a, b, c)


def test_dot_with_an_even_number_of_operands_still_works_through_apply():
    # d/da (a*c + b*d) = c, and so on: the pairing is first half with second half
    a, b, c, d = Value(1.0), Value(2.0), Value(3.0), Value(4.0)
    out = autograd.apply("dot", a, b, c, d)
    out.backward()
    assert out.data == 11.0 and [v.grad for v in (a, b, c, d)] == [3.0, 4.0, 1.0, 2.0]


@pytest.mark.parametrize("engine", sorted(ENGINES))
@pytest.mark.parametrize("name,args", [("pow", (2.0,)), ("leaky_relu", (0.1,)), ("rpow", (3.0,))])
def test_a_value_where_a_constant_parameter_belongs_is_refused(engine, name, args):
    V, mod = ENGINES[engine]
    x = V(1.5)
    with pytest.raises(TypeError, match=rf"^apply: {name}'s argument 2 is a constant parameter "
                                        r"\(a number\), got a Value"):
        mod.apply(name, x, V(args[0]))


def test_the_plain_engine_refuses_an_unknown_name_as_the_fast_one_does():
    assert _error(lambda: plain.apply("nope", 1.0)) == _error(lambda: autograd.apply("nope", 1.0))
    assert _error(lambda: plain.apply("nope", 1.0))[0] is ValueError


@pytest.mark.parametrize("extra", [(), (2.0, 3.0)])
def test_the_plain_engine_refuses_a_wrong_argument_count_as_the_fast_one_does(extra):
    fast = _error(lambda: autograd.apply("mul", Value(1.0), *extra))
    slow = _error(lambda: plain.apply("mul", plain.Value(1.0), *extra))
    assert slow == fast and slow[0] is TypeError


def test_constants_only_give_a_number_in_both_engines():
    # apply with no Value operand computes a number, as the table's forward does
    assert plain.apply("mul", 2.0, 3.0) == autograd.apply("mul", 2.0, 3.0) == 6.0
    assert type(plain.apply("mul", 2, 3)) is float
    assert type(plain.apply("pow", 2.0, 3.0)) is float


def test_sum_and_dot_of_constants_are_still_nodes_in_both_engines():
    for V, mod in ENGINES.values():
        assert isinstance(mod.sum([1.0, 2.0]), V) and isinstance(mod.dot([1.0], [2.0]), V)


class HasData:
    """Something with a .data attribute that is not a Value (a tensor, say)."""
    data = 2.0


FOREIGN = {"plain Value": lambda: plain.Value(2.0), "object with .data": HasData}


@pytest.mark.parametrize("foreign", sorted(FOREIGN))
@pytest.mark.parametrize("call,op", [
    (lambda x, f: autograd.sum([x, f]), "sum"),
    (lambda x, f: autograd.sum([f]), "sum"),
    (lambda x, f: autograd.dot([x, 1.0], [f, x]), "dot"),
    (lambda x, f: autograd.dot([f], [x]), "dot"),
    (lambda x, f: dot_rows([x, 1.0], [[x, x], [f, x]]), "dot"),
    (lambda x, f: dot_rows([f, 1.0], [[x, x]]), "dot"),
])
def test_sum_and_dot_refuse_a_foreign_object_as_plus_does(foreign, call, op):
    x = Value(1.0)
    x.grad = 5.0
    f = FOREIGN[foreign]()
    with pytest.raises(TypeError) as plus:
        x + f
    with pytest.raises(TypeError, match=rf"^{op}: expected a real number or a Value, got ") as info:
        call(x, f)
    assert str(info.value)[len(op):] == str(plus.value)[len("add"):]   # the same words after the op
    assert x.grad == 5.0


def test_the_plain_engine_refuses_a_fast_value_in_sum_and_dot():
    with pytest.raises(TypeError, match=r"^sum: expected a real number or a Value, got Value"):
        plain.sum([plain.Value(1.0), Value(2.0)])
    with pytest.raises(TypeError, match=r"^dot: expected a real number or a Value, got Value"):
        plain.dot([plain.Value(1.0)], [Value(2.0)])
