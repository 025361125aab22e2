"""compiler.steps.batch_sum (shared rows' gradients summed over the batch) against
math.fsum, row by row, for the batch sizes a call may bring in turn."""
import math

import numpy as np

from autograd.compiler.steps import batch_sum


def test_rows_summed_over_the_batch_match_fsum():
    rng = np.random.default_rng(3)
    for k, b in [(16, 100), (1, 7), (3, 1), (16, 100), (2, 1000)]:
        a = rng.normal(size=(k, b)) * rng.choice([1e-3, 1.0, 1e3], size=(k, b))
        got = batch_sum(a)
        assert got.shape == (k, 1)
        for row, s in zip(a, got[:, 0]):
            assert math.isclose(s, math.fsum(row), rel_tol=1e-12, abs_tol=1e-12 * np.abs(row).sum())


def test_a_strided_block_and_an_infinity():
    a = np.arange(12.0).reshape(3, 4)[:, ::2]
    assert batch_sum(a)[:, 0].tolist() == [2.0, 10.0, 18.0]
    assert batch_sum(np.array([[1.0, math.inf]]))[0, 0] == math.inf
