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
from __future__ import annotations

import math
import numbers
from collections.abc import Iterable
from typing import cast

import autograd
from autograd import Value

#: A batch of model outputs (or targets): one Value or number, or a sequence of them.
Batch = Value | float | Iterable[Value | float]

__all__ = ["squared_error", "mse", "hinge", "binary_cross_entropy_with_logits", "cross_entropy"]


def _batch(x: Batch) -> list[Value | float]:
    """One output or target on its own is a batch of one."""
    if isinstance(x, (Value, numbers.Real)):
        return [cast(Value | float, x)]
    return list(cast(Iterable[Value | float], x))


def _pairs(outputs: Batch, targets: Batch, where: str) -> tuple[list[Value | float], list[Value | float]]:
    try:
        outs, tgts = _batch(outputs), _batch(targets)
    except TypeError:
        raise TypeError(f"{where}: expected lists of outputs and targets, got "
                        f"{type(outputs).__name__} and {type(targets).__name__}") from None
    if len(outs) != len(tgts):
        raise ValueError(f"{where}: {len(outs)} outputs but {len(tgts)} targets")
    if not outs:
        raise ValueError(f"{where}: empty batch")
    for i, a in enumerate(outs):
        if isinstance(a, bool) or not isinstance(a, (Value, numbers.Real)) or a != a:
            raise TypeError(f"{where}: output {i} must be a Value or a real number, got {a!r}")
    for i, t in enumerate(tgts):
        if isinstance(t, bool) or not isinstance(t, (Value, numbers.Real)) or t != t:
            raise TypeError(f"{where}: target {i} must be a real number, got {t!r}")
    return outs, tgts


def _label(t: Value | float, i: int, where: str, allowed: set[float]) -> float:
    v = float(t)
    if v not in allowed:
        raise ValueError(f"{where}: target {i} must be one of {sorted(allowed)}, got {t!r}")
    return v


def squared_error(outputs: Batch, targets: Batch) -> Value:
    """Half the sum of squared errors, ``J = 1/2 * sum((a - y) ** 2)`` over the batch.

    This is the loss J whose gradient ``docs/neuron-gradient.md`` derives.

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


def mse(outputs: Batch, targets: Batch) -> Value:
    """Mean squared error: ``sum((a - y) ** 2) / n``.

    Example:
        >>> import nn
        >>> nn.mse([2.0, 4.0], [0.0, 0.0]).data
        10.0
    """
    outputs, targets = _pairs(outputs, targets, "mse")
    diffs = [a - y for a, y in zip(outputs, targets)]
    return autograd.sum([d * d for d in diffs]) / len(diffs)


def hinge(scores: Batch, labels: Batch) -> Value:
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


def binary_cross_entropy_with_logits(logits: Batch, targets: Batch) -> Value:
    """Mean logistic loss for raw scores and targets in [0, 1]:
    ``mean(t * softplus(-s) + (1 - t) * softplus(s))``, which equals
    ``-t log sigmoid(s) - (1 - t) log(1 - sigmoid(s))`` (and ``softplus(s) - t * s``)
    but stays finite for every finite score, however large.

    An infinite score gives the exact limit: 0 where it agrees with the
    target (``s = inf``, ``t = 1``), ``inf`` where the true loss is infinite
    (``s = inf``, ``t < 1``), and the slope ``sigmoid(s) - t`` either way.
    Targets 0 and 1 take one softplus node each; others take two.

    Example:
        >>> import nn
        >>> round(nn.binary_cross_entropy_with_logits([0.0], [1.0]).data, 6)   # log 2
        0.693147
        >>> nn.binary_cross_entropy_with_logits([-1000.0, float("inf")], [0.0, 1.0]).data
        0.0
    """
    logits, targets = _pairs(logits, targets, "binary_cross_entropy_with_logits")
    terms = []
    for i, (s, t) in enumerate(zip(logits, targets)):
        t = float(t)
        if not 0.0 <= t <= 1.0:
            raise ValueError(f"binary_cross_entropy_with_logits: target {i} must be in [0, 1], got {t!r}")
        s = s if isinstance(s, Value) else Value(s)
        # softplus(s) - t * s would be inf - inf at s = inf; each softplus here
        # is finite or the true infinite loss, and a weight of 0 is never
        # multiplied into an infinite one (0 * inf is NaN).
        if t == 0.0:
            terms.append(s.softplus())
        elif t == 1.0:
            terms.append((-s).softplus())
        else:
            terms.append(t * (-s).softplus() + (1.0 - t) * s.softplus())
    return autograd.sum(terms) / len(terms)


def cross_entropy(logits: Iterable[Value | float], target_index: int) -> Value:
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
