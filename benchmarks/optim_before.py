"""The optimizers as they were before the array path: a faithful baseline.

``nn.SGD.step`` and ``nn.Adam.step`` as of commit ``ff33284`` (the last
before this round), kept here so that workload (e) times today's
optimizers against them side by side, in one run: one Python step per
parameter, reading ``.grad`` and ``.data`` through ``float()`` and writing
``.data`` inside ``no_grad``, with the same all-or-nothing check (the error
path is left out: the benchmark never takes it).  Only the timed step is
copied; construction and checks of hyperparameters are not.

Example:
    >>> from autograd import Value
    >>> w = Value(1.0); w.grad = 2.0
    >>> SGD([w], lr=0.25).step(); w.data
    0.5
"""
import math

from autograd import no_grad

_float = float


def _all_finite(*columns):
    for col in columns:
        total = sum(col)
        if total - total != 0.0 and not all(map(math.isfinite, col)):
            return False
    return True


class SGD:
    """The step of the former ``nn.SGD`` (momentum and weight decay included)."""

    def __init__(self, params, lr, momentum=0.0, weight_decay=0.0):
        self.params, self.lr, self.momentum, self.weight_decay = list(params), lr, momentum, weight_decay
        self._buf = None

    def step(self):
        lr, mom, wd, params = self.lr, self.momentum, self.weight_decay, self.params
        buf = None
        with no_grad():
            if not (mom or wd):
                new = [_float(p.data) - lr * _float(p.grad) for p in params]
            else:
                grads = ([_float(p.grad) + wd * _float(p.data) for p in params] if wd
                         else [_float(p.grad) for p in params])
                if mom:
                    old = self._buf
                    buf = grads if old is None else [mom * b + g for b, g in zip(old, grads)]
                    grads = buf
                new = [_float(p.data) - lr * g for p, g in zip(params, grads)]
            if not _all_finite(new):
                raise ValueError("SGD.step: a result is not finite")
            if buf is not None:
                self._buf = buf
            for p, x in zip(params, new):
                p.data = x


class Adam:
    """The step of the former ``nn.Adam``."""

    def __init__(self, params, lr=1e-3, betas=(0.9, 0.999), eps=1e-8):
        self.params, self.lr, self.betas, self.eps = list(params), lr, betas, eps
        self.t = 0
        self._m = [0.0] * len(self.params)
        self._v = [0.0] * len(self.params)

    def step(self):
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
            new = [_float(p.data) - lr * ((mi / c1) / (sqrt(vi) / root_c2 + eps))
                   for p, mi, vi in zip(params, m, v)]
            if not _all_finite(new, v, m):
                raise ValueError("Adam.step: a result is not finite")
            self.t, self._m, self._v = t, m, v
            for p, x in zip(params, new):
                p.data = x
