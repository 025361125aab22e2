"""The array training path: a compiled loss's parameters in one float64 array.

:func:`autograd.compile` reads every captured parameter's ``.data`` at each
call and adds its gradient into each ``.grad``: 337 Python objects visited
one by one, twice, per step of a small MLP, plus the optimizer's own visit.
At 100 examples that was about a third of a compiled training step.  Here
the parameters live in an array instead, for as long as training runs:

* ``params = f.flat()`` copies the numbers of ``f.parameters`` into
  ``params.data`` (shape ``(P,)``; ``params.values[i]`` is the Value behind
  ``params.data[i]``) and makes ``params.grad``, zeros of the same shape;
* ``params.value_and_grad(*inputs)`` runs ``f`` on the batch with the
  parameters taken from ``params.data``, **adds** the gradient of the
  batch's mean loss (``mean=False``: its sum) to ``params.grad``, and
  returns each example's loss;
* ``nn.SGD(params, ...)`` and ``nn.Adam(params, ...)`` update
  ``params.data`` in place, a few numpy calls per step;
* ``params.write_back()`` writes the numbers into the Values, so that
  ``model(x)``, ``draw_dot``, ``save`` and eager ``backward`` see the trained
  model (``params.reload()`` goes the other way, after ``model.load(...)``).

Until ``write_back``, the Values keep the numbers they had: the array is the
model while training runs.  Every guarantee of the Value path holds: a call
that would give a NaN gradient raises and changes nothing (``.grad`` is
added to only when the sum has no NaN), the optimizers refuse a non-finite
gradient, parameter or update with nothing changed, and no numpy warning
escapes.  Results equal the eager path's (tests/compiler/test_compile_flat.py:
same parameters to 1e-12 after many steps of SGD, momentum, weight decay and
Adam).

Example:
    >>> import numpy as np
    >>> import autograd, nn
    >>> model = nn.MLP(2, [8, 1], activation="relu", rng=0)
    >>> f = autograd.compile(lambda x0, x1, y: (model([x0, x1]) - y) ** 2, input_grads=False)
    >>> params = f.flat()
    >>> opt = nn.SGD(params, lr=0.1)
    >>> X, Y = np.array([[0.0, 1.0], [1.0, 0.0]]), np.array([1.0, -1.0])
    >>> for step in range(50):
    ...     opt.zero_grad()
    ...     losses = params.value_and_grad(X[:, 0], X[:, 1], Y)
    ...     opt.step()
    >>> params.write_back()                           # the model's Values take the numbers
    >>> bool(losses.mean() < 0.01), round(model([0.0, 1.0]).data, 1)
    (True, 1.0)
"""
from __future__ import annotations

import weakref
from typing import Any

import numpy as np

from ..engine import Value
from .compiled import Compiled, nan_grad_sum_error

__all__ = ["FlatParameters"]


class FlatParameters:
    """The parameters of a compiled loss in one float64 array, with their gradient.

    Made by :meth:`Compiled.flat <autograd.compiler.compiled.Compiled.flat>`.
    ``data`` and ``grad`` are float64 arrays of shape ``(P,)`` (update them in
    place: the optimizers do); ``values`` the Values behind them, in order;
    ``fn`` the compiled loss; ``mean`` whether :meth:`value_and_grad` gives
    the gradient of the batch's mean loss (True) or of its sum.  (About 90
    lines of code, half the class: the arrays, their link to the Values and
    the checked sum into ``grad`` are one job.)

    Example:
        >>> import autograd
        >>> from autograd import Value
        >>> w = Value(2.0, label="w")
        >>> params = autograd.compile(lambda x: (x * w - 1.0) ** 2).flat()
        >>> params.data, params.values == (w,)
        (array([2.]), True)
        >>> params.value_and_grad([1.0, 2.0]), params.grad    # mean of 2 (x w - 1) x
        (array([1., 9.]), array([7.]))
    """

    __slots__ = ("fn", "values", "data", "grad", "mean", "_where", "_maps")

    def __init__(self, fn: Compiled, mean: bool = True) -> None:
        if not isinstance(fn, Compiled):
            raise TypeError(f"FlatParameters: expected a compiled function (autograd.compile), "
                            f"got {type(fn).__name__}")
        if not isinstance(mean, bool):
            raise TypeError(f"FlatParameters: mean must be True or False, got {mean!r}")
        if not fn.parameters:
            raise ValueError(f"FlatParameters: {fn!r} captures no parameter Values: nothing "
                             "to train (a model's weights are captured when the function "
                             "calls the model)")
        self.fn = fn
        self.values: tuple[Value, ...] = fn.parameters
        self.mean = mean
        self.data = np.array([float(p.data) for p in self.values])
        self.grad = np.zeros(len(self.values))
        self._where = {p: i for i, p in enumerate(self.values)}
        # Other compiled functions run on these numbers (evaluate): where their
        # parameters sit in ``data``.  Weak keys: a dropped function's entry goes.
        self._maps: Any = weakref.WeakKeyDictionary()

    def __len__(self) -> int:
        return len(self.values)

    def __repr__(self) -> str:
        return (f"<FlatParameters of {self.fn!r}: {len(self)} parameters, "
                f"gradient of the batch's {'mean' if self.mean else 'sum'}>")

    # -- running the loss --------------------------------------------------------
    def value_and_grad(self, *inputs: Any) -> np.ndarray:
        """Each example's loss, shape ``(B,)``; **adds** the gradient of the
        batch's mean loss (or sum, ``mean=False``) to :attr:`grad`.

        The inputs are those of the compiled function (one array per
        argument).  The parameters are read from :attr:`data`, not from the
        Values.  An error (a domain error, a gradient sum that would be NaN)
        raises as the compiled call does, and :attr:`grad` is unchanged.

        Example:
            >>> import autograd
            >>> from autograd import Value
            >>> w = Value(1.0)
            >>> params = autograd.compile(lambda x: w * x).flat(mean=False)
            >>> params.value_and_grad([1.0, 2.0]); params.grad    # d/dw of 1 w + 2 w
            array([1., 2.])
            array([3.])
        """
        values, _, grads, finite = self.fn._run(inputs, True, self.data, self.mean)
        if finite and not np.count_nonzero(self.grad):
            # Zeroed (the usual step): the batch's finite gradient is copied in,
            # with nothing to check: 0.5 us instead of the checked sum's 2.2 us
            # (count_nonzero, not .any(): 0.37 us against 0.70 us).
            self.grad[...] = grads
        else:
            self._add(grads)
        return values

    def __call__(self, *inputs: Any) -> np.ndarray:
        """Each example's loss at the parameters in :attr:`data`; no gradient.

        Example:
            >>> import autograd
            >>> from autograd import Value
            >>> w = Value(1.0)
            >>> params = autograd.compile(lambda x: w * x).flat()
            >>> params.data[0] = 3.0
            >>> params([1.0, 2.0]), w.data                        # the Value is unchanged
            (array([3., 6.]), 1.0)
        """
        return self.fn._run(inputs, False, self.data)[0]

    def evaluate(self, fn: Compiled, *inputs: Any) -> np.ndarray:
        """Another compiled function, run on the batch with its parameters
        taken from :attr:`data` (each of its parameters must be one of
        :attr:`values`): a model's scores or a validation loss while training.

        Example:
            >>> import autograd
            >>> from autograd import Value
            >>> w = Value(1.0)
            >>> params = autograd.compile(lambda x, y: (w * x - y) ** 2).flat()
            >>> score = autograd.compile(lambda x: w * x)
            >>> params.data[0] = 2.0
            >>> params.evaluate(score, [1.0, 5.0])
            array([ 2., 10.])
        """
        if fn is self.fn:
            return self(*inputs)
        if not isinstance(fn, Compiled):
            raise TypeError(f"FlatParameters.evaluate: expected a compiled function, "
                            f"got {type(fn).__name__}")
        where = self._maps.get(fn)
        if where is None:
            where = self._maps[fn] = self._positions(fn)
        return fn._run(inputs, False, self.data[where])[0]

    def _positions(self, fn: Compiled) -> np.ndarray:
        rows = []
        for j, p in enumerate(fn.parameters):
            i = self._where.get(p)
            if i is None:
                name = repr(p.label) if p.label else f"parameters[{j}] (Value({p.data!r}))"
                raise ValueError(f"FlatParameters.evaluate: {fn!r} uses {name}, which is not "
                                 f"among these {len(self)} parameters")
            rows.append(i)
        return np.array(rows, dtype=np.intp)

    def _add(self, grads: np.ndarray) -> None:
        """``grad += grads``, or an error naming the first parameter whose sum
        would be NaN (``inf`` plus ``-inf``) and no change at all."""
        with np.errstate(all="ignore"):       # an overflow to inf is allowed, silently
            total = self.grad + grads
            check = total.sum()
        if check != check:                    # a NaN anywhere makes the sum NaN
            nan = np.isnan(total)
            if nan.any():
                i = int(np.flatnonzero(nan)[0])
                p = self.values[i]
                name = f"{p.label!r} (data[{i}])" if p.label else f"data[{i}]"
                raise nan_grad_sum_error("FlatParameters.value_and_grad", name,
                                         float(self.grad[i]), float(grads[i]))
        self.grad[...] = total

    # -- the model's Values ------------------------------------------------------
    def write_back(self) -> None:
        """Write :attr:`data` into the Values (as Python floats): after it the
        model computes, draws and saves the trained numbers.

        Example:
            >>> import autograd
            >>> from autograd import Value
            >>> w = Value(1.0)
            >>> params = autograd.compile(lambda x: w * x).flat()
            >>> params.data[0] = 0.5; params.write_back(); w.data
            0.5
        """
        for p, x in zip(self.values, self.data.tolist()):
            p.data = x

    def reload(self) -> None:
        """Read the Values' numbers into :attr:`data` again (after
        ``model.load(...)`` or ``load_state_dict``, say).

        Example:
            >>> import autograd
            >>> from autograd import Value
            >>> w = Value(1.0)
            >>> params = autograd.compile(lambda x: w * x).flat()
            >>> w.data = 4.0; params.reload(); params.data
            array([4.])
        """
        self.data[...] = [float(p.data) for p in self.values]
