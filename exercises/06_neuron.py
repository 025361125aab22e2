"""Task 6: one neuron's gradient in closed form, then checked against backward().

One leaky-ReLU neuron with weights ``w`` (n numbers) and bias ``b``, on a
batch ``X`` (m rows of n inputs) with targets ``y`` (m numbers):

    z = X @ w + b          one number per row
    a = lrelu(z)           lrelu(z) = z where z >= 0, alpha * z where z < 0
    J = 1/2 * sum((a - y) ** 2)

At z = 0 the leaky ReLU has a kink; chaingrad takes lrelu'(0) = 1.

1. ``loss(w, b, X, y, alpha)``: J, a float.
2. ``gradients(w, b, X, y, alpha)``: ``(dJ/dw, dJ/db)``, dJ/dw a numpy array
   of shape (n,) and dJ/db a float.  With numpy, no loop over the rows and
   no Values: apply the chain rule to one row first (dJ/da, da/dz, dz/dw),
   then add up the rows' terms as one matrix product.

``w``, ``X`` and ``y`` are numpy arrays of floats, ``b`` and ``alpha`` floats.
docs/neuron-gradient.md derives the answer step by step: read it after
trying.  The checker compares your numbers with ``backward()`` on the same
neuron built from ``autograd.plain`` Values, on random batches, some with
rows where z is exactly 0.  Check with

    python -m exercises.check 6
"""
import numpy as np


def loss(w, b, X, y, alpha):
    """J = 1/2 * sum((lrelu(X @ w + b) - y) ** 2)."""
    raise NotImplementedError


def gradients(w, b, X, y, alpha):
    """(dJ/dw, dJ/db) in closed form."""
    raise NotImplementedError
