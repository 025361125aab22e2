"""Losses on lists of Values (a model's outputs over a batch) and numbers.

Each loss is built from the engine's primitives, so its gradient comes from
the primitives table like everything else.  The ones with exponentials are
written in their stable forms: ``softplus`` for the logistic loss, and
logsumexp with the largest logit subtracted first for cross-entropy, so huge
logits give the right finite loss instead of an overflow.

Example:
    >>> from autograd import Value
    >>> import nn
    >>> a = [Value(1.0), Value(3.0)]
    >>> nn.squared_error(a, [0.0, 1.0]).data, nn.mse(a, [0.0, 1.0]).data
    (2.5, 2.5)
"""
import math
import numbers

import autograd
from autograd import Value

__all__ = ["squared_error", "mse", "hinge", "binary_cross_entropy_with_logits", "cross_entropy"]


def _pairs(outputs, targets, where):
    if isinstance(outputs, Value):
        outputs = [outputs]
    if isinstance(targets, (Value, numbers.Real)):
        targets = [targets]
    outputs, targets = list(outputs), list(targets)
    if len(outputs) != len(targets):
        raise ValueError(f"{where}: {len(outputs)} outputs but {len(targets)} targets")
    if not outputs:
        raise ValueError(f"{where}: empty batch")
    for i, t in enumerate(targets):
        if isinstance(t, bool) or not isinstance(t, (Value, numbers.Real)) or t != t:
            raise TypeError(f"{where}: target {i} must be a real number, got {t!r}")
    return outputs, targets


def _label(t, i, where, allowed):
    v = float(t)
    if v not in allowed:
        raise ValueError(f"{where}: target {i} must be one of {sorted(allowed)}, got {t!r}")
    return v


def squared_error(outputs, targets):
    """The design document's J: ``1/2 * sum((a - y) ** 2)`` over the batch.

    Example:
        >>> from autograd import Value
        >>> import nn
        >>> a = Value(3.0)
        >>> J = nn.squared_error([a], [1.0]); J.backward()
        >>> J.data, a.grad
        (2.0, 2.0)
    """
    outputs, targets = _pairs(outputs, targets, "squared_error")
    diffs = [a - y for a, y in zip(outputs, targets)]
    return 0.5 * autograd.sum([d * d for d in diffs])


def mse(outputs, targets):
    """Mean squared error: ``sum((a - y) ** 2) / n``.

    Example:
        >>> import nn
        >>> nn.mse([2.0, 4.0], [0.0, 0.0]).data
        10.0
    """
    outputs, targets = _pairs(outputs, targets, "mse")
    diffs = [a - y for a, y in zip(outputs, targets)]
    return autograd.sum([d * d for d in diffs]) / len(diffs)


def hinge(scores, labels):
    """Mean hinge loss ``mean(relu(1 - y * s))`` for labels ``y`` in {-1, +1}.

    Example:
        >>> import nn
        >>> nn.hinge([2.0, 0.5, -1.0], [1, 1, 1]).data    # (0 + 0.5 + 2) / 3
        0.8333333333333334
    """
    scores, labels = _pairs(scores, labels, "hinge")
    ys = [_label(y, i, "hinge", {-1.0, 1.0}) for i, y in enumerate(labels)]
    terms = [(1.0 - y * s).relu() if isinstance(s, Value) else max(0.0, 1.0 - y * s)
             for s, y in zip(scores, ys)]
    return autograd.sum(terms) / len(terms)


def binary_cross_entropy_with_logits(logits, targets):
    """Mean logistic loss for raw scores and targets in [0, 1]:
    ``mean(softplus(s) - t * s)``, which equals ``-t log sigmoid(s) - (1 - t)
    log(1 - sigmoid(s))`` but stays finite for any score.

    Example:
        >>> import nn
        >>> round(nn.binary_cross_entropy_with_logits([0.0], [1.0]).data, 6)   # log 2
        0.693147
        >>> nn.binary_cross_entropy_with_logits([-1000.0], [0.0]).data
        0.0
    """
    logits, targets = _pairs(logits, targets, "binary_cross_entropy_with_logits")
    terms = []
    for i, (s, t) in enumerate(zip(logits, targets)):
        t = float(t)
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"binary_cross_entropy_with_logits: target {i} must be in [0, 1], got {t!r}")
        s = s if isinstance(s, Value) else Value(s)
        terms.append(s.softplus() - t * s)
    return autograd.sum(terms) / len(terms)


def cross_entropy(logits, target_index):
    """``-log softmax(logits)[target_index]`` for one example, as
    ``logsumexp(logits) - logits[target_index]`` with the largest logit
    taken out first (a constant, so it does not change the gradient,
    ``softmax - onehot``).

    Example:
        >>> from autograd import Value
        >>> import nn
        >>> z = [Value(1000.0), Value(0.0), Value(-1000.0)]
        >>> loss = nn.cross_entropy(z, 1); loss.backward()
        >>> loss.data, [v.grad for v in z]
        (1000.0, [1.0, -1.0, 0.0])
    """
    logits = list(logits)
    if not logits:
        raise ValueError("cross_entropy: logits must not be empty")
    if isinstance(target_index, bool) or not isinstance(target_index, numbers.Integral) \
            or not 0 <= target_index < len(logits):
        raise ValueError(f"cross_entropy: target_index must be an int in [0, {len(logits)}), "
                         f"got {target_index!r}")
    for i, z in enumerate(logits):
        if not isinstance(z, Value) and (isinstance(z, bool) or not isinstance(z, numbers.Real) or z != z):
            raise TypeError(f"cross_entropy: logit {i} must be a Value or a real number, got {z!r}")
    logits = [z if isinstance(z, Value) else Value(z) for z in logits]
    top = max(z.data for z in logits)
    if not math.isfinite(top):
        raise ValueError(f"cross_entropy: logits must be finite, largest is {top!r}")
    total = autograd.sum([(z - top).exp() for z in logits])
    return total.log() + top - logits[int(target_index)]
