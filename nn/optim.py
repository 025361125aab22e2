"""Optimizers: SGD (with momentum and weight decay) and Adam.

Each step is a few numpy operations on float64 arrays, whatever the number of
parameters, on both paths:

* **a list of Values** (``nn.SGD(model.parameters(), ...)``, the eager
  engine and ``autograd.compile``): the step gathers every ``.data`` and
  ``.grad`` into two arrays, computes, and writes ``.data`` back as Python
  floats;
* **a** :class:`~autograd.compiler.flat.FlatParameters` (``nn.SGD(f.flat(),
  ...)``, the array training path): the step reads ``params.data`` and
  ``params.grad`` and updates ``params.data`` in place, touching no Value.

Both run the same arithmetic, so they give the same numbers bit for bit
(tests/nn/test_nn_optim.py and tests/compiler/test_compile_flat.py).  Every
number is read as a float64, as ``float()`` reads it (a float32 or float16
``.grad`` is widened exactly, never rounded to its own precision, and its
type never reaches ``.data``), and no numpy warning escapes.
Hyperparameters are checked when the optimizer is built.

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
from collections.abc import Callable, Iterable

import numpy as np
import numpy.typing as npt

from autograd import Value
from autograd.compiler import FlatParameters

from .storage import ArrayStore, ValueStore

__all__ = ["Optimizer", "SGD", "Adam"]

#: What an optimizer updates: a list (any iterable) of Values, or a compiled loss's flat parameters.
Params = Iterable[Value] | FlatParameters

_UNCHANGED = "no parameter was changed"


def _number(x: object, name: str, where: str, ok: Callable[[float], bool], rule: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real) or not math.isfinite(x) or not ok(float(x)):
        raise ValueError(f"{where}: {name} must be {rule}, got {x!r}")
    return float(x)


def _all_finite(*arrays: np.ndarray) -> bool:
    """True when every number in every array is finite.

    One sum per array (0.6 us on 337 numbers) instead of ``np.isfinite(a).all()``
    (0.9 us): an inf or NaN anywhere makes ``total - total`` NaN.  A sum of
    finite numbers can overflow too, so only then are the numbers looked at
    one by one.  Call it under ``np.errstate(all="ignore")``: the sum may
    overflow.
    """
    for a in arrays:
        total = a.sum()
        if total - total != 0.0 and not np.isfinite(a).all():
            return False
    return True


def _first_bad(*arrays: np.ndarray) -> int:
    """The first index where some array holds a number that is not finite."""
    ok = np.isfinite(arrays[0])
    for a in arrays[1:]:
        ok &= np.isfinite(a)
    return int(np.argmin(ok))


class Optimizer:
    """Shared parts: the checked parameters, ``zero_grad`` and the refusal.

    ``params`` is a list (any iterable) of distinct Values, or the
    :class:`~autograd.compiler.flat.FlatParameters` of a compiled loss.
    Subclasses implement :meth:`step`.

    Example:
        >>> import nn
        >>> nn.SGD([], lr=0.1)
        Traceback (most recent call last):
        ...
        ValueError: SGD: params is empty; pass model.parameters()
    """

    params: list[Value] | FlatParameters

    def __init__(self, params: Params) -> None:
        where = type(self).__name__
        if isinstance(params, FlatParameters):
            self.params = params
            self._store: ValueStore | ArrayStore = ArrayStore(params)
            return
        if isinstance(params, Value):
            raise TypeError(f"{where}: params must be a list of Values, e.g. [w], not one Value")
        try:
            params = list(params)
        except TypeError:
            raise TypeError(f"{where}: params must be a list of Values (or a compiled loss's "
                            f"flat parameters, f.flat()), got {type(params).__name__}") from None
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
        self._store = ValueStore(params, f"{where}.step")

    def zero_grad(self) -> None:
        """Set every parameter's gradient to 0.0.

        Example:
            >>> from autograd import Value
            >>> import nn
            >>> w = Value(2.0); opt = nn.SGD([w], lr=0.1)
            >>> (w * w).backward(); opt.zero_grad(); w.grad
            0.0
        """
        self._store.zero_grad()

    def step(self) -> None:
        """Update every parameter once from its gradient (all or nothing).

        Example:
            >>> from autograd import Value
            >>> import nn
            >>> w = Value(1.0); opt = nn.SGD([w], lr=0.5)
            >>> w.grad = 1.0; opt.step(); w.data
            0.5
        """
        raise NotImplementedError(f"{type(self).__name__} must implement step()")

    def _refuse(self, data: np.ndarray, grad: np.ndarray, i: int, why: str, fix: str) -> ValueError:
        """The error for a step whose result for parameter ``i`` is not finite.

        The step's results are checked, not its inputs (one check instead of
        two on the hot path): a non-finite gradient or parameter always makes
        a non-finite result, so the cause is looked for only here, gradients
        first.
        """
        where, name = f"{type(self).__name__}.step", self._store.name
        if not np.isfinite(grad).all():
            j = _first_bad(grad)
            return ValueError(f"{where}: {name(j, 'grad')} is {float(grad[j])!r}; {_UNCHANGED}")
        if not math.isfinite(data[i]):
            return ValueError(f"{where}: {name(i, 'data')} is {float(data[i])!r}; a parameter that is not "
                              "finite cannot be stepped (its update is inf or NaN): set it to a finite "
                              f"value, e.g. with load_state_dict, or re-initialise the model; {_UNCHANGED}")
        return ValueError(f"{where}: {why} for {name(i)} (data {float(data[i])!r}, grad {float(grad[i])!r}) "
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

    def __init__(self, params: Params, lr: float, momentum: float = 0.0,
                 weight_decay: float = 0.0) -> None:
        where = "SGD"
        self.lr = _number(lr, "lr", where, lambda x: x > 0, "a finite number > 0")
        self.momentum = _number(momentum, "momentum", where, lambda x: x >= 0, "a finite number >= 0")
        self.weight_decay = _number(weight_decay, "weight_decay", where, lambda x: x >= 0,
                                    "a finite number >= 0")
        super().__init__(params)
        self._buf: np.ndarray | None = None

    def step(self) -> None:
        """Update every parameter once from its gradient (all or nothing).

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
        lr, mom, wd = self.lr, self.momentum, self.weight_decay
        data, grad = self._store.read()
        buf = None
        # The same operations, in the same order, as the rule above written
        # with Python floats: numpy's float64 arithmetic rounds them alike.
        with np.errstate(all="ignore"):           # an overflow is refused below, silently
            g = grad + wd * data if wd else grad
            if mom:
                old = self._buf
                buf = g.copy() if old is None else mom * old + g
                g = buf
            new = data - lr * g
            # Every value that passes to the next step is checked before any is
            # written: ``new`` is finite only if the gradients, the parameters,
            # the decayed gradients and the buffer it was computed from are.
            ok = _all_finite(new)
        if not ok:
            raise self._refuse(data, grad, _first_bad(new), "the update",
                               "lower lr (or momentum, weight_decay) or scale the loss")
        if buf is not None:
            self._buf = buf
        self._store.write(new)


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

    def __init__(self, params: Params, lr: float = 1e-3,
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
        # Annotated as any shape: numpy's stubs (2.2 vs 2.4+) disagree on the
        # shape type that arithmetic on a 1-d array returns.
        self._m: npt.NDArray[np.float64] = np.zeros(len(self.params))
        self._v: npt.NDArray[np.float64] = np.zeros(len(self.params))

    def step(self) -> None:
        """Update every parameter once from its gradient (all or nothing).

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
        data, grad = self._store.read()
        b1, b2 = self.betas
        t = self.t + 1
        c1 = 1.0 - b1 ** t
        root_c2 = math.sqrt(1.0 - b2 ** t)
        lr, eps = self.lr, self.eps
        with np.errstate(all="ignore"):           # an overflow is refused below, silently
            m = b1 * self._m + (1.0 - b1) * grad
            v = b2 * self._v + (1.0 - b2) * grad * grad
            # sqrt(v) / sqrt(c2), not sqrt(v / c2): v / c2 overflows for
            # gradients above about 1e154 (then sqrt is inf and the update a
            # silent 0).  And lr times the ratio, which stays near 1, rather
            # than (lr * m) / ...: no overflow in between for a large lr.
            new = data - lr * ((m / c1) / (np.sqrt(v) / root_c2 + eps))
            # v can overflow while the update stays finite (m / sqrt(inf) is 0):
            # check the moments too, or Adam would stop moving that parameter
            # for good, silently.
            ok = _all_finite(new, v, m)
        if not ok:
            i = _first_bad(new, v, m)
            if not math.isfinite(v[i]) and math.isfinite(data[i]):
                raise self._refuse(data, grad, i, "the second moment (grad squared)", "scale the loss down")
            raise self._refuse(data, grad, i, "the update", "lower lr or scale the loss")
        self.t, self._m, self._v = t, m, v
        self._store.write(new)
