"""A layer of one neuron passes its inputs' gradient as an outer product,
written with np.dot below 2,048 examples and a broadcast multiply from there
(autograd/compiler/steps.py picks by batch size).  Both must give the same
per-example gradients: the small batches' way is checked against eager in
every other compiler test, so a big batch is checked against small ones."""
import numpy as np

import autograd
import nn


def test_the_outer_product_gives_the_same_gradients_on_both_sides_of_2048_examples():
    model = nn.MLP(2, [6, 1], activation="tanh", rng=4)
    f = autograd.compile(lambda a, b: model([a, b]))       # the output neuron: a dot of one row
    rng = np.random.default_rng(9)
    X = rng.normal(size=(2, 3000))
    values, (da, db) = f.value_and_grad(X[0], X[1])
    whole = [p.grad for p in model.parameters()]
    model.zero_grad()
    parts = [f.value_and_grad(X[0, i:i + 1000], X[1, i:i + 1000]) for i in range(0, 3000, 1000)]
    np.testing.assert_array_equal(values, np.concatenate([v for v, _ in parts]))
    np.testing.assert_allclose(da, np.concatenate([g[0] for _, g in parts]), rtol=1e-15, atol=0)
    np.testing.assert_allclose(db, np.concatenate([g[1] for _, g in parts]), rtol=1e-15, atol=0)
    np.testing.assert_allclose(whole, [p.grad for p in model.parameters()], rtol=1e-12)
