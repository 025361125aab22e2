"""The same MLP training step written by hand in vectorised numpy: the practical limit.

ReLU hidden layers (derivative 0 at 0, as chaingrad's relu), linear output,
mean squared error, plain SGD.  Parameters are ``[(W, b), ...]`` with ``W`` of
shape (out, in).  :func:`step` writes the products with ``@``, as numpy's
documentation does; :func:`step_dot` is the same step with ``np.dot``, which
stays in BLAS where ``@`` takes a slow loop for some of these shapes (a
``(B, 1) @ (1, 16)`` outer product, at any B; measured 4x slower at 10,000
rows).
"""
import numpy as np


def step(params, X, Y, lr):
    """One training step in place; returns the loss before the update and the gradients.

    Example:
        >>> import numpy as np
        >>> params = [(np.array([[2.0]]), np.array([0.0]))]      # y = 2x, linear
        >>> loss, grads = step(params, np.array([[1.0]]), np.array([3.0]), lr=0.1)
        >>> loss, grads[0][0].tolist(), params[0][0].tolist()   # (2 - 3)^2; d/dW = 2 (2 - 3) x
        (1.0, [[-2.0]], [[2.2]])
    """
    acts = [X]
    pres = []
    h = X
    last = len(params) - 1
    for i, (W, b) in enumerate(params):
        z = h @ W.T + b
        pres.append(z)
        h = z if i == last else np.maximum(z, 0.0)
        acts.append(h)
    err = acts[-1][:, 0] - Y
    loss = float(np.mean(err * err))
    delta = (2.0 / len(Y)) * err[:, None]  # dloss/dz of the output layer, shape (B, 1)
    grads = [None] * len(params)
    for i in range(last, -1, -1):
        W, _ = params[i]
        grads[i] = (delta.T @ acts[i], delta.sum(axis=0))
        if i:
            delta = (delta @ W) * (pres[i - 1] > 0.0)
    for (W, b), (gW, gb) in zip(params, grads):
        W -= lr * gW
        b -= lr * gb
    return loss, grads


def step_dot(params, X, Y, lr):
    """:func:`step` with every product written as ``np.dot``.

    Example:
        >>> import numpy as np
        >>> params = [(np.array([[2.0]]), np.array([0.0]))]
        >>> loss, grads = step_dot(params, np.array([[1.0]]), np.array([3.0]), lr=0.1)
        >>> loss, grads[0][0].tolist(), params[0][0].tolist()
        (1.0, [[-2.0]], [[2.2]])
    """
    acts = [X]
    pres = []
    h = X
    last = len(params) - 1
    for i, (W, b) in enumerate(params):
        z = np.dot(h, W.T) + b
        pres.append(z)
        h = z if i == last else np.maximum(z, 0.0)
        acts.append(h)
    err = acts[-1][:, 0] - Y
    loss = float(np.mean(err * err))
    delta = (2.0 / len(Y)) * err[:, None]
    grads = [None] * len(params)
    for i in range(last, -1, -1):
        W, _ = params[i]
        grads[i] = (np.dot(delta.T, acts[i]), delta.sum(axis=0))
        if i:
            delta = np.dot(delta, W) * (pres[i - 1] > 0.0)
    for (W, b), (gW, gb) in zip(params, grads):
        W -= lr * gW
        b -= lr * gb
    return loss, grads


def flat_grads(grads):
    """Gradients in the suite's order: per layer, per neuron, its weights then its bias.

    Example:
        >>> import numpy as np
        >>> flat_grads([(np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([5.0, 6.0]))]).tolist()
        [1.0, 2.0, 5.0, 3.0, 4.0, 6.0]
    """
    return np.concatenate([np.hstack([gW, gb[:, None]]).ravel() for gW, gb in grads])
