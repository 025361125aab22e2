"""pow's domain predicate, fast path included, against the rule written out:
a real base b and a constant exponent c are accepted when b > 0, when b < 0
and c is an integer, or when b == 0 and c >= 0 (a NaN base never is)."""
import itertools
import math

import numpy as np

from autograd.primitives import PRIMITIVES

BASES = [-3.0, -1.0, -0.5, -0.0, 0.0, 0.5, 2.0, math.inf, -math.inf, math.nan]
EXPONENTS = [0.0, -0.0, 1.0, 2.0, 3.0, 1e300, -1.0, -2.0, 0.5, -0.5, 2.5,
             math.inf, -math.inf, math.nan]


def rule(b, c):
    integer = math.isfinite(c) and c == int(c) or math.isinf(c)
    return b > 0 or (b < 0 and integer) or (b == 0 and c >= 0)


def test_on_floats_every_base_and_exponent():
    ok = PRIMITIVES["pow"].domain[0]
    for b, c in itertools.product(BASES, EXPONENTS):
        assert bool(ok(b, c)) == rule(b, c), (b, c)


def test_on_arrays_as_the_compiler_calls_it():
    ok = PRIMITIVES["pow"].domain[0]
    x = np.array([BASES, BASES[::-1]])
    for c in EXPONENTS:
        got = ok(x, c)
        assert got.shape == x.shape and got.dtype == bool
        assert got.tolist() == [[rule(b, c) for b in row] for row in x.tolist()], c
