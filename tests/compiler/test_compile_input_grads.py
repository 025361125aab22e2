"""``compile(fn, input_grads=False)``: for training, where only the
parameters' gradients matter.  The values and every parameter's gradient
are those of the full pass (and of eager); the per-example input
derivatives are not computed, and ``value_and_grad`` returns ``()``."""
import numpy as np
import pytest
from compile_reference import assert_close, compiled, eager, mlp

import autograd
from autograd import Value

RNG = np.random.default_rng(77)


@pytest.mark.parametrize("sizes", [[2, 6, 1], [3, 4, 4, 1]])
def test_parameter_gradients_equal_the_full_pass_and_eager(sizes):
    forward, params = mlp(sizes, seed=len(sizes))
    n = sizes[0]
    fn = lambda *xs: (forward(list(xs[:n])) - xs[n]) ** 2  # noqa: E731
    X = RNG.normal(size=(n + 1, 40))
    lean = autograd.compile(fn, nargs=n + 1, input_grads=False)
    full = autograd.compile(fn, nargs=n + 1)
    values, input_grads, grads = compiled(lean, params, *X)
    assert input_grads.size == 0 and lean.input_grads is False
    full_values, _, full_grads = compiled(full, params, *X)
    np.testing.assert_array_equal(values, full_values)
    assert_close(grads, full_grads)
    want = eager(fn, params, *X)
    assert_close(values, want[0])
    assert_close(grads, want[2])


def test_value_and_grad_returns_an_empty_tuple_and_still_accumulates():
    w = Value(2.0)
    f = autograd.compile(lambda x, y: (x * w - y) ** 2, input_grads=False)
    values, input_grads = f.value_and_grad([1.0, 2.0], [0.0, 1.0])
    assert input_grads == ()
    assert_close(values, [4.0, 9.0])
    assert w.grad == 2 * 2.0 * 1.0 + 2 * 3.0 * 2.0     # sum of 2 (x w - y) x


def test_the_exact_replay_also_leaves_input_gradients_out():
    w = Value(1e300)
    fn = lambda x: x * w + 1.0                        # noqa: E731  (overflows to inf, as eager)
    values, input_grads = autograd.compile(fn, input_grads=False).value_and_grad([1e10, 1.0])
    want = eager(fn, [w], [1e10, 1.0])
    assert input_grads == ()
    np.testing.assert_array_equal(values, want[0])


def test_input_grads_must_be_a_bool():
    with pytest.raises(TypeError, match="input_grads must be True or False"):
        autograd.compile(lambda x: x * 2.0, input_grads="no")


def test_no_gradient_step_writes_only_input_rows():
    # What makes the lean pass cheaper: the scatters into the inputs' rows
    # (a first layer's W.T @ G, the target's -g) are dropped at build time.
    forward, params = mlp([2, 5, 1], seed=1)
    fn = lambda x0, x1, y: (forward([x0, x1]) - y) ** 2   # noqa: E731
    nin = 3

    def input_only_scatters(f):
        return [plan for step in f.plan.steps for kind, plan in step.grad_plans()
                if kind == 0 and max(plan.rows.tolist()) < nin]

    assert input_only_scatters(autograd.compile(fn))          # the full pass has them
    assert not input_only_scatters(autograd.compile(fn, input_grads=False))


def _rows(slices):
    return {r for s in slices for r in range(s.start, s.stop)}


@pytest.mark.parametrize("input_grads", [True, False])
def test_every_row_a_scatter_adds_into_holds_zeros_or_a_first_write(input_grads):
    # The gradient buffers outlive a call and start as np.empty: a scatter
    # that adds must find its rows zeroed, or already assigned by a scatter
    # that ran before it in the backward pass -- even an input's row whose
    # derivative was not asked for.
    def fn(x0, x1):
        g1, h1, g2 = x1 * 2.0, x1 + 1.0, x1 * 3.0
        mixed = x0 * g1 + h1 * g2        # one mul group reads the rows [x0, h1] ...
        return (mixed * h1).tanh()       # ... after this product wrote h1's row
    f = autograd.compile(fn, input_grads=input_grads)
    ready = {kind: _rows(slices) for kind, slices in f.plan.zero_rows.items()}
    ready[f.plan.out.kind].add(f.plan.out.row)      # the seed
    mixed_add = False
    for step in reversed(f.plan.steps):
        for kind, plan in step.grad_plans():
            rows = set(plan.rows.tolist())
            if not plan.first:
                assert rows <= ready[kind], (kind, sorted(rows), sorted(ready[kind]))
                mixed_add |= kind == 0 and 0 in rows and len(rows) > 1
            ready[kind] |= rows
    assert mixed_add                     # the case this test is about was built
    X = np.array([0.3, -1.2]), np.array([0.7, 0.1])
    want = eager(fn, [], *X)
    values, grads = f.value_and_grad(*X)
    assert_close(values, want[0])
    if input_grads:
        assert_close(np.array(grads), want[1])
