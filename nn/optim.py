"""Optimizers: SGD (with momentum and weight decay) and Adam.

They read each parameter's ``.grad`` and ``.data`` as Python floats (a numpy
scalar there is converted first) and write ``.data`` with plain float
arithmetic inside ``no_grad``, so an update records no graph, writes a float
and lets no numpy warning out.  Hyperparameters
are checked when the optimizer is built.

A step is all or nothing.  It computes every new value first (parameters,
momentum buffers, Adam's moments) and writes them only if all are finite; a
step with a non-finite gradient, an infinite parameter, or an update that
overflows a float is refused with a ``ValueError`` naming the parameter, and
neither the parameters nor the optimizer's state change.  So a step never
writes NaN or inf, and a refused step leaves no trace in later ones.

Example:
    >>> from autograd import Value
    >>> import nn
    >>> w = Value(1.0)
    >>> opt = nn.SGD([w], lr=0.1)
    >>> (w * w).backward(); opt.step()       # d(w^2)/dw = 2
    >>> w.data, w.is_leaf()
    (0.8, True)
    >>> w.data = float("inf"); opt.step()
    Traceback (most recent call last):
    ...
    ValueError: SGD.step: params[0].data is inf; a parameter that is not finite cannot be stepped ...
"""
from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Sequence

from autograd import Value, no_grad

__all__ = ["Optimizer", "SGD", "Adam"]

_UNCHANGED = "no parameter was changed"
# Every step reads .data and .grad through float(): a numpy scalar there
# (np.float32 from user code) would otherwise turn the arithmetic into numpy's,
# rounding to its precision, warning instead of giving inf, and leaking its
# type into .data.  About 3 us per step of a 337-parameter MLP.
_float = float


def _number(x: object, name: str, where: str, ok: Callable[[float], bool], rule: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x) or not ok(float(x)):
        raise ValueError(f"{where}: {name} must be {rule}, got {x!r}")
    return float(x)


def _all_finite(*columns: Sequence[float]) -> bool:
    """True when every number in every column is finite.

    One sum per column instead of a test per number (this runs on every
    step): an inf or NaN anywhere makes ``total - total`` NaN.  A sum of
    finite numbers can overflow too, so only a non-zero answer is looked at
    number by number.
    """
    for col in columns:
        total = sum(col)
        if total - total != 0.0 and not all(map(math.isfinite, col)):
            return False
    return True


def _first_bad(*columns: Sequence[float]) -> int:
    return next(i for i, row in enumerate(zip(*columns)) if not all(map(math.isfinite, row)))


class Optimizer:
    """Shared parts: the checked parameter list, ``zero_grad`` and the finite-gradient guard.

    Subclasses implement :meth:`step`.

    Example:
        >>> import nn
        >>> nn.SGD([], lr=0.1)
        Traceback (most recent call last):
        ...
        ValueError: SGD: params is empty; pass model.parameters()
    """

    params: list[Value]

    def __init__(self, params: Iterable[Value]) -> None:
        where = type(self).__name__
        if isinstance(params, Value):
            raise TypeError(f"{where}: params must be a list of Values, e.g. [w], not one Value")
        try:
            params = list(params)
        except TypeError:
            raise TypeError(f"{where}: params must be a list of Values, "
                            f"got {type(params).__name__}") from None
        if not params:
            raise ValueError(f"{where}: params is empty; pass model.parameters()")
        seen = set()
        for i, p in enumerate(params):
            if not isinstance(p, Value):
                raise TypeError(f"{where}: params[{i}] must be a Value, got {type(p).__name__} {p!r}")
            if p in seen:
                raise ValueError(f"{where}: params[{i}] appears twice; it would be updated twice")
            seen.add(p)
        self.params = params

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0.

        Example:
            >>> from autograd import Value
            >>> import nn
            >>> w = Value(2.0); opt = nn.SGD([w], lr=0.1)
            >>> (w * w).backward(); opt.zero_grad(); w.grad
            0.0
        """
        for p in self.params:
            p.grad = 0.0

    def step(self) -> None:
        """Update every parameter once from its ``.grad`` (all or nothing).

        Example:
            >>> from autograd import Value
            >>> import nn
            >>> w = Value(1.0); opt = nn.SGD([w], lr=0.5)
            >>> w.grad = 1.0; opt.step(); w.data
            0.5
        """
        raise NotImplementedError(f"{type(self).__name__} must implement step()")

    def _refuse(self, i: int, why: str, fix: str) -> ValueError:
        """The error for a step whose result for ``params[i]`` is not finite.

        The step's results are checked, not its inputs (one check instead of
        two on the hot path): a non-finite gradient or parameter always makes
        a non-finite result, so the cause is looked for only here, gradients
        first.
        """
        where = f"{type(self).__name__}.step"
        grads = [_float(p.grad) for p in self.params]
        if not _all_finite(grads):
            j = _first_bad(grads)
            return ValueError(f"{where}: params[{j}].grad is {grads[j]!r}; {_UNCHANGED}")
        p = self.params[i]
        if not math.isfinite(p.data):
            return ValueError(f"{where}: params[{i}].data is {p.data!r}; a parameter that is not finite "
                              "cannot be stepped (its update is inf or NaN): set it to a finite value, e.g. "
                              f"with load_state_dict, or re-initialise the model; {_UNCHANGED}")
        return ValueError(f"{where}: {why} for params[{i}] (data {p.data!r}, grad {p.grad!r}) "
                          f"overflows a float; {fix}; {_UNCHANGED}")


class SGD(Optimizer):
    """Stochastic gradient descent, PyTorch's rule:
    ``g = grad + weight_decay * p``; ``buf = momentum * buf + g`` (``buf = g``
    on the first step); ``p -= lr * buf`` (``buf`` is ``g`` without momentum).

    Example:
        >>> from autograd import Value
        >>> import nn
        >>> nn.SGD([Value(1.0)], lr=0.0)
        Traceback (most recent call last):
        ...
        ValueError: SGD: lr must be a finite number > 0, got 0.0
    """

    def __init__(self, params: Iterable[Value], lr: float, momentum: float = 0.0,
                 weight_decay: float = 0.0) -> None:
        where = "SGD"
        self.lr = _number(lr, "lr", where, lambda x: x > 0, "a finite number > 0")
        self.momentum = _number(momentum, "momentum", where, lambda x: x >= 0, "a finite number >= 0")
        self.weight_decay = _number(weight_decay, "weight_decay", where, lambda x: x >= 0,
                                    "a finite number >= 0")
        super().__init__(params)
        self._buf: list[float] | None = None

    def step(self) -> None:
        """Update every parameter once from its ``.grad`` (all or nothing).

        Example:
            >>> from autograd import Value
            >>> import nn
            >>> w = Value(1.0); opt = nn.SGD([w], lr=0.5, momentum=0.5)
            >>> w.grad = 1.0; opt.step(); opt.step(); w.data   # 1 - 0.5 - 0.5 * 1.5
            -0.25
            >>> w.grad = 1e308; nn.SGD([w], lr=10.0).step()
            Traceback (most recent call last):
            ...
            ValueError: SGD.step: the update for params[0] (data -0.25, grad 1e+308) overflows a float; ...
        """
        lr, mom, wd, params = self.lr, self.momentum, self.weight_decay, self.params
        buf = None
        with no_grad():
            if not (mom or wd):
                # plain SGD, the common case: one list, no intermediate one
                new = [_float(p.data) - lr * _float(p.grad) for p in params]
            else:
                grads = ([_float(p.grad) + wd * _float(p.data) for p in params] if wd
                         else [_float(p.grad) for p in params])
                if mom:
                    old = self._buf
                    buf = grads if old is None else [mom * b + g for b, g in zip(old, grads)]
                    grads = buf
                new = [_float(p.data) - lr * g for p, g in zip(params, grads)]
            # Every value that passes to the next step is checked before any is
            # written: ``new`` is finite only if the gradients, the parameters,
            # the decayed gradients and the buffer it was computed from are.
            if not _all_finite(new):
                i = _first_bad(new)
                raise self._refuse(i, "the update", "lower lr (or momentum, weight_decay) or scale the loss")
            if buf is not None:
                self._buf = buf
            for p, x in zip(params, new):
                p.data = x


class Adam(Optimizer):
    """Adam (Kingma & Ba): with ``t`` the step number,
    ``m = b1 m + (1 - b1) g``, ``v = b2 v + (1 - b2) g^2``,
    ``p -= lr * (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps)``.

    Example:
        >>> from autograd import Value
        >>> import nn
        >>> w = Value(1.0); opt = nn.Adam([w], lr=0.1)
        >>> w.grad = 5.0; opt.step(); round(w.data, 6)    # the first step moves by about lr
        0.9
        >>> nn.Adam([w], betas=(0.9, 1.0))
        Traceback (most recent call last):
        ...
        ValueError: Adam: betas[1] must be a finite number in [0, 1), got 1.0
    """

    def __init__(self, params: Iterable[Value], lr: float = 1e-3,
                 betas: tuple[float, float] = (0.9, 0.999), eps: float = 1e-8) -> None:
        where = "Adam"
        self.lr = _number(lr, "lr", where, lambda x: x > 0, "a finite number > 0")
        try:
            b1, b2 = betas
        except (TypeError, ValueError):
            raise ValueError(f"{where}: betas must be a pair (beta1, beta2), got {betas!r}") from None
        rule = "a finite number in [0, 1)"
        self.betas = (_number(b1, "betas[0]", where, lambda x: 0 <= x < 1, rule),
                      _number(b2, "betas[1]", where, lambda x: 0 <= x < 1, rule))
        self.eps = _number(eps, "eps", where, lambda x: x > 0, "a finite number > 0")
        super().__init__(params)
        self.t = 0
        self._m = [0.0] * len(self.params)
        self._v = [0.0] * len(self.params)

    def step(self) -> None:
        """Update every parameter once from its ``.grad`` (all or nothing).

        Example:
            >>> from autograd import Value
            >>> import nn
            >>> w = Value(0.0); opt = nn.Adam([w], lr=0.01)
            >>> w.grad = -3.0; opt.step(); opt.step(); round(w.data, 6)
            0.02
            >>> w.grad = 1e200; opt.step()      # its square, the second moment, is too big
            Traceback (most recent call last):
            ...
            ValueError: Adam.step: the second moment (grad squared) for params[0] ... overflows a float; ...
        """
        grads = [_float(p.grad) for p in self.params]
        b1, b2 = self.betas
        t = self.t + 1
        c1 = 1.0 - b1 ** t
        sqrt = math.sqrt
        root_c2 = sqrt(1.0 - b2 ** t)
        lr, eps, params = self.lr, self.eps, self.params
        with no_grad():
            m = [b1 * mi + (1.0 - b1) * g for mi, g in zip(self._m, grads)]
            v = [b2 * vi + (1.0 - b2) * g * g for vi, g in zip(self._v, grads)]
            # sqrt(v) / sqrt(c2), not sqrt(v / c2): v / c2 overflows for
            # gradients above about 1e154 (then sqrt is inf and the update a
            # silent 0).  And lr times the ratio, which stays near 1, rather
            # than (lr * m) / ...: no overflow in between for a large lr.
            new = [_float(p.data) - lr * ((mi / c1) / (sqrt(vi) / root_c2 + eps))
                   for p, mi, vi in zip(params, m, v)]
            # v can overflow while the update stays finite (m / sqrt(inf) is 0):
            # check the moments too, or Adam would stop moving that parameter
            # for good, silently.
            if not _all_finite(new, v, m):
                i = _first_bad(new, v, m)
                if not math.isfinite(v[i]) and math.isfinite(params[i].data):
                    raise self._refuse(i, "the second moment (grad squared)", "scale the loss down")
                raise self._refuse(i, "the update", "lower lr or scale the loss")
            self.t, self._m, self._v = t, m, v
            for p, x in zip(params, new):
                p.data = x
