"""Property tests: gradients of random expression DAGs against central differences.

The DAGs (see ``hard_dags.py``) use every primitive in the table, shared
subexpressions and up to 30 operations; the independent truth is numerical
differentiation of the same function.
"""
import pytest
from hard_dags import SAFE, programs, uncovered
from hypothesis import find, given, settings
from hypothesis import strategies as st

import autograd
from autograd import PRIMITIVES, GradcheckError, Primitive, Value, grad, gradcheck


def close(a, b, atol, rtol):
    return abs(a - b) <= atol + rtol * abs(b)


def test_every_primitive_has_a_safe_range_for_the_dag_strategy():
    assert not uncovered(), (
        f"primitive(s) {uncovered()} are not drawn by the property tests: add their safe "
        "operand ranges to SAFE in tests/hardening/hard_dags.py")
    assert not set(SAFE) - set(PRIMITIVES), "SAFE names a primitive the table no longer has"


@given(programs())
def test_gradients_match_central_differences(program):
    assert gradcheck(program, program.point)


@pytest.mark.slow   # seconds: one of the heavier properties
@given(programs())
def test_grad_backward_and_create_graph_agree(program):
    leaves = [Value(p) for p in program.point]
    out = program(*leaves)
    firsts = grad(out, leaves)
    as_values = grad(out, leaves, create_graph=True)
    out.backward()
    for leaf, g, gv in zip(leaves, firsts, as_values):
        assert close(leaf.grad, g, 1e-12, 1e-12), (leaf.grad, g)
        assert close(gv.data, g, 1e-12, 1e-9), (gv.data, g)


@given(programs(max_ops=20))
def test_second_derivatives_match_differences_of_first(program):
    leaves = [Value(p) for p in program.point]
    firsts = grad(program(*leaves), leaves, create_graph=True)
    hessian = [grad(g, leaves) for g in firsts]
    h = 1e-5

    def first_at(j, delta):
        shifted = [Value(p + (delta if k == j else 0.0)) for k, p in enumerate(program.point)]
        return grad(program(*shifted), shifted)

    for j in range(len(leaves)):
        plus, minus = first_at(j, h), first_at(j, -h)
        for i in range(len(leaves)):
            numeric = (plus[i] - minus[i]) / (2 * h)
            assert close(hessian[i][j], numeric, 1e-4, 1e-3), (i, j, hessian[i][j], numeric)


@pytest.mark.slow   # seconds: one of the heavier properties
@given(programs(), st.floats(-3.0, 3.0).filter(lambda s: abs(s) > 1e-3))
def test_backward_is_linear_in_the_seed_and_accumulates(program, seed):
    leaves = [Value(p) for p in program.point]
    out = program(*leaves)
    once = grad(out, leaves)
    out.backward(seed)
    out.backward()
    for leaf, g in zip(leaves, once):
        assert close(leaf.grad, (seed + 1.0) * g, 1e-9, 1e-9)


def _off_by_a_little(prim):
    """A copy of ``prim`` whose every local derivative is 5% (+0.01) wrong."""
    def derivs(m, out, *args):
        return tuple(d * 1.05 + 0.01 for d in prim.derivs(m, out, *args))
    return Primitive(prim.name, prim.symbol, prim.arity, prim.forward, derivs, prim.domain)


def _fails_gradcheck(program):
    try:
        gradcheck(program, program.point)
    except GradcheckError:
        return True
    return False


@pytest.mark.parametrize("name", sorted(PRIMITIVES))
def test_a_wrong_derivative_rule_is_caught(name):
    table = dict(PRIMITIVES)
    table[name] = _off_by_a_little(PRIMITIVES[name])
    caught = find(programs(table=table, require=name, max_ops=8), _fails_gradcheck,
                  settings=settings(database=None, derandomize=True, max_examples=200))
    # The same DAG over the true table passes: the wrong rule is what was caught.
    caught.table = PRIMITIVES
    assert gradcheck(caught, caught.point)


@pytest.mark.slow   # seconds: one of the heavier properties
@given(programs(), st.lists(st.floats(-1e-3, 1e-3), min_size=4, max_size=4))
def test_compiled_batches_equal_eager_values_and_gradients(program, offsets):
    import numpy as np
    n = len(program.point)
    # A batch of the point and three nearby points (every operand stays in range).
    batch = [np.array([p] + [p + offsets[(i + k) % 4] for k in range(3)])
             for i, p in enumerate(program.point)]
    f = autograd.compile(program, nargs=n)
    values, grads = f.value_and_grad(*batch)
    for b in range(4):
        leaves = [Value(float(col[b])) for col in batch]
        out = program(*leaves)
        eager = grad(out, leaves)
        assert close(values[b], out.data, 1e-12, 1e-12), (b, values[b], out.data)
        for i in range(n):
            assert close(grads[i][b], eager[i], 1e-10, 1e-9), (b, i, grads[i][b], eager[i])


# autograd.compile runs dot groups as numpy matrix products, never NUMPY.dot.
NOT_USED_BY_COMPILE = {"dot"}


def test_the_namespace_exclusions_still_exist():
    assert NOT_USED_BY_COMPILE <= set(vars(type(autograd.primitives.NUMPY)))


def _compiled_differs_from_eager(program):
    import numpy as np
    n = len(program.point)
    values, grads = autograd.compile(program, nargs=n).value_and_grad(
        *[np.array([p, p]) for p in program.point])
    leaves = [Value(p) for p in program.point]
    out = program(*leaves)
    eager = grad(out, leaves)
    return not (close(values[0], out.data, 1e-9, 1e-9)
                and all(close(grads[i][0], eager[i], 1e-9, 1e-9) for i in range(n)))


@pytest.mark.slow   # about a second per function
@pytest.mark.parametrize("name", sorted(
    n for n in vars(type(autograd.primitives.NUMPY))
    if not n.startswith("_") and n not in NOT_USED_BY_COMPILE))
def test_a_wrong_numpy_namespace_function_is_caught_by_compiled_vs_eager(name, monkeypatch):
    """The compiled-vs-eager property has teeth: make one function of the numpy
    namespace 1% (+0.01) wrong and hypothesis finds a graph that shows it."""
    cls = type(autograd.primitives.NUMPY)
    right = getattr(cls, name)
    monkeypatch.setattr(cls, name, staticmethod(lambda *a: right(*a) * 1.01 + 0.01))
    find(programs(max_ops=8, require=_USED_BY.get(name, name)), _compiled_differs_from_eager,
         settings=settings(database=None, derandomize=True, max_examples=300))


# The primitive whose rules call a namespace function of another name: the
# search draws it every time instead of waiting for it (seconds each, else).
_USED_BY = {"slope": "leaky_relu", "step": "relu", "sign": "abs", "fsum": "sum",
            "sin": "m.sin", "cos": "m.cos"}
