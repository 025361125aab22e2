"""The zero-gradient rule where it matters for second derivatives.

A node whose incoming gradient is a float 0 passes nothing; with
``create_graph=True`` an incoming gradient that is a *Value* with data 0 must
still pass, because its derivative need not be 0.  Multiplying a random DAG
``p`` by ``u = x_0 - x_0*`` (exactly 0 at the point) sends such a gradient
through every node of ``p``, and the Hessian has a closed form there:

    f = p * u,   H_f = H_p * u + g e_0^T + e_0 g^T = g e_0^T + e_0 g^T   (u = 0),

with ``g`` the first derivatives of ``p``.  Dropping the zero Values would
lose every one of those terms.
"""
from hard_dags import programs
from hypothesis import given

from autograd import Value, grad


def close(a, b, atol, rtol):
    return abs(a - b) <= atol + rtol * abs(b)


@given(programs(max_ops=15))
def test_second_derivatives_through_gradients_that_are_zero_at_the_point(program):
    leaves = [Value(x) for x in program.point]
    p = program(*leaves)
    g = grad(p, leaves)
    u = leaves[0] - program.point[0]
    assert u.data == 0.0
    firsts = grad(p * u, leaves, create_graph=True)
    assert firsts[0].data == p.data and all(d.data == 0.0 for d in firsts[1:])
    for i, d in enumerate(firsts):
        row = grad(d, leaves)
        for j, h in enumerate(row):
            want = (g[i] if j == 0 else 0.0) + (g[j] if i == 0 else 0.0)
            assert close(h, want, 1e-12, 1e-9), (i, j, h, want)
