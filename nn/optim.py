"""Optimizers: SGD (with momentum and weight decay) and Adam.

They read each parameter's ``.grad`` and write its ``.data`` with plain float
arithmetic inside ``no_grad``, so an update records no graph.  Hyperparameters
are checked when the optimizer is built; a step whose gradients are not all
finite is refused before any parameter changes.

Example:
    >>> from autograd import Value
    >>> import nn
    >>> w = Value(1.0)
    >>> opt = nn.SGD([w], lr=0.1)
    >>> (w * w).backward(); opt.step()       # d(w^2)/dw = 2
    >>> w.data, w.is_leaf()
    (0.8, True)
"""
import math
import numbers

from autograd import Value, no_grad

__all__ = ["Optimizer", "SGD", "Adam"]


def _number(x, name, where, ok, rule):
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x) or not ok(x):
        raise ValueError(f"{where}: {name} must be {rule}, got {x!r}")
    return float(x)


class Optimizer:
    """Shared parts: the checked parameter list, ``zero_grad`` and the finite-gradient guard.

    Example:
        >>> import nn
        >>> nn.SGD([], lr=0.1)
        Traceback (most recent call last):
        ...
        ValueError: SGD: params is empty; pass model.parameters()
    """

    def __init__(self, params):
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

    def zero_grad(self):
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

    def _grads(self):
        grads = [p.grad for p in self.params]
        # One sum instead of a check per gradient: an inf or NaN anywhere makes
        # total - total NaN.  Only then (or when finite gradients overflow the
        # sum) look for the culprit one by one.
        total = sum(grads)
        if total - total != 0.0:
            for i, g in enumerate(grads):
                if not math.isfinite(g):
                    raise ValueError(f"{type(self).__name__}.step: params[{i}].grad is {g!r}; "
                                     "no parameter was changed")
        return grads


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

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        where = "SGD"
        self.lr = _number(lr, "lr", where, lambda x: x > 0, "a finite number > 0")
        self.momentum = _number(momentum, "momentum", where, lambda x: x >= 0, "a finite number >= 0")
        self.weight_decay = _number(weight_decay, "weight_decay", where, lambda x: x >= 0,
                                    "a finite number >= 0")
        super().__init__(params)
        self._buf = None

    def step(self):
        """Update every parameter once from its ``.grad``.

        Example:
            >>> from autograd import Value
            >>> import nn
            >>> w = Value(1.0); opt = nn.SGD([w], lr=0.5, momentum=0.5)
            >>> w.grad = 1.0; opt.step(); opt.step(); w.data   # 1 - 0.5 - 0.5 * 1.5
            -0.25
        """
        lr, mom, wd = self.lr, self.momentum, self.weight_decay
        if not (mom or wd):
            # Plain SGD, the common case: check, then one pass over the
            # Values with no list in between (a third faster than the general
            # path on a few hundred parameters; same floats).
            self._grads()
            with no_grad():
                for p in self.params:
                    p.data -= lr * p.grad
            return
        grads = self._grads()
        with no_grad():
            if wd:
                grads = [g + wd * p.data for g, p in zip(grads, self.params)]
            if mom:
                if self._buf is None:
                    self._buf = list(grads)
                else:
                    self._buf = [mom * b + g for b, g in zip(self._buf, grads)]
                grads = self._buf
            for p, g in zip(self.params, grads):
                p.data = p.data - lr * g


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

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        where = "Adam"
        self.lr = _number(lr, "lr", where, lambda x: x > 0, "a finite number > 0")
        try:
            b1, b2 = betas
        except (TypeError, ValueError):
            raise ValueError(f"{where}: betas must be a pair (beta1, beta2), got {betas!r}") from None
        self.betas = tuple(_number(b, f"betas[{i}]", where, lambda x: 0 <= x < 1,
                                   "a finite number in [0, 1)") for i, b in enumerate((b1, b2)))
        self.eps = _number(eps, "eps", where, lambda x: x > 0, "a finite number > 0")
        super().__init__(params)
        self.t = 0
        self._m = [0.0] * len(self.params)
        self._v = [0.0] * len(self.params)

    def step(self):
        """Update every parameter once from its ``.grad``.

        Example:
            >>> from autograd import Value
            >>> import nn
            >>> w = Value(0.0); opt = nn.Adam([w], lr=0.01)
            >>> w.grad = -3.0; opt.step(); opt.step(); round(w.data, 6)
            0.02
        """
        grads = self._grads()
        b1, b2 = self.betas
        self.t += 1
        c1 = 1.0 - b1 ** self.t
        c2 = 1.0 - b2 ** self.t
        lr, eps, m, v = self.lr, self.eps, self._m, self._v
        sqrt = math.sqrt
        with no_grad():
            for i, (p, g) in enumerate(zip(self.params, grads)):
                mi = m[i] = b1 * m[i] + (1.0 - b1) * g
                vi = v[i] = b2 * v[i] + (1.0 - b2) * g * g
                p.data = p.data - lr * (mi / c1) / (sqrt(vi / c2) + eps)
