"""``Module``: the parameter bookkeeping every model shares.

A module owns some parameters (Values) directly and some child modules, each
under a name.  Everything else is derived from those two lists:

* :meth:`Module.named_modules` yields ``("", model)``, then every descendant
  under its dotted path (``"layers.0"``, ``"layers.0.neurons.3"``), parents
  before children, in a stable order;
* :meth:`Module.named_parameters` yields each parameter under its module's
  path plus its own name (``"layers.0.neurons.3.w.1"``,
  ``"layers.0.neurons.3.b"``).  The names depend only on the architecture, so
  they are stable across runs, processes and save files; the graph pictures
  group nodes into neuron and layer boxes by them.

Example:
    >>> from nn import MLP
    >>> model = MLP(2, [3, 1], rng=0)
    >>> [name for name, _ in model.named_modules()][:3]
    ['', 'layers.0', 'layers.0.neurons.0']
    >>> [name for name, _ in model.named_parameters()][:3]
    ['layers.0.neurons.0.w.0', 'layers.0.neurons.0.w.1', 'layers.0.neurons.0.b']
    >>> len(model.parameters())
    13
"""
from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Iterable, Iterator, Mapping
from typing import TypeVar

import numpy as np

from autograd import Value

from .io import PathLike

M = TypeVar("M", bound="Module")

__all__ = ["Module"]


class Module:
    """Base class: parameters, names, gradients reset, state and files.

    Subclasses describe themselves with three small methods:
    ``_own_parameters()`` (``(name, Value)`` pairs), ``_children()``
    (``(name, Module)`` pairs) and ``_describe()`` (the constructor call that
    rebuilds the architecture, e.g. ``"MLP(nin=2, nouts=[16, 1], ...)"``).

    Example:
        >>> from nn import Neuron
        >>> n = Neuron(2, rng=0)
        >>> [name for name, _ in n.named_parameters()]
        ['w.0', 'w.1', 'b']
    """

    def _own_parameters(self) -> Iterable[tuple[str, Value]]:
        return ()

    def _children(self) -> Iterable[tuple[str, Module]]:
        return ()

    def _describe(self) -> str:
        return type(self).__name__ + "()"

    def __repr__(self) -> str:
        return self._describe()

    def named_modules(self) -> Iterator[tuple[str, Module]]:
        """``(dotted_name, module)`` for this module (name ``""``) and every
        descendant, parents before children, in declaration order.

        Example:
            >>> from nn import Layer
            >>> [name for name, _ in Layer(2, 2, rng=0).named_modules()]
            ['', 'neurons.0', 'neurons.1']
        """
        stack: list[tuple[str, Module]] = [("", self)]
        while stack:
            prefix, module = stack.pop()
            yield prefix, module
            children = list(module._children())
            for name, child in reversed(children):
                stack.append((f"{prefix}.{name}" if prefix else name, child))

    def named_parameters(self) -> Iterator[tuple[str, Value]]:
        """``(dotted_name, Value)`` for every parameter, in a stable order.

        Example:
            >>> from nn import Neuron
            >>> [(name, p.data) for name, p in Neuron(1, rng=0).named_parameters()][1]
            ('b', 0.0)
        """
        for prefix, module in self.named_modules():
            for name, p in module._own_parameters():
                yield (f"{prefix}.{name}" if prefix else name), p

    def parameters(self) -> list[Value]:
        """Every parameter Value, as a list (the order of :meth:`named_parameters`).

        Example:
            >>> from nn import Neuron
            >>> len(Neuron(3, rng=0).parameters())
            4
        """
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Set every parameter's ``.grad`` to 0.0 (backward accumulates).

        Example:
            >>> from nn import Neuron
            >>> n = Neuron(2, rng=0); n([1.0, 2.0]).backward(); n.zero_grad()
            >>> [p.grad for p in n.parameters()]
            [0.0, 0.0, 0.0]
        """
        for p in self.parameters():
            p.grad = 0.0

    def state_dict(self) -> dict[str, float]:
        """``{name: float}``: every parameter's value under its dotted name.

        Example:
            >>> from nn import Neuron
            >>> n = Neuron(2, rng=0)
            >>> list(n.state_dict())
            ['w.0', 'w.1', 'b']
        """
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, object]) -> None:
        """Set every parameter from ``state`` (``{name: number}``).

        All or nothing: a missing or unexpected name, or an entry that is not
        one real number (a list or an array with more than one element is
        wrongly shaped: every parameter is a scalar), is a ``ValueError`` /
        ``TypeError`` naming the entries, and no parameter changes.

        Example:
            >>> from nn import Neuron
            >>> n = Neuron(2, rng=0)
            >>> n.load_state_dict({"w.0": 1.0, "w.1": -1.0, "b": 0.5})
            >>> [p.data for p in n.parameters()]
            [1.0, -1.0, 0.5]
            >>> n.load_state_dict({"w.0": 1.0, "b": 0.5})
            Traceback (most recent call last):
            ...
            ValueError: Neuron(nin=2, activation='leaky_relu', alpha=0.01).load_state_dict: missing ['w.1']
        """
        where = f"{self._describe()}.load_state_dict"
        if not hasattr(state, "keys") or not hasattr(state, "__getitem__"):
            raise TypeError(f"{where}: expected a dict of name -> number, got {type(state).__name__}")
        params = dict(self.named_parameters())
        missing = [k for k in params if k not in state]
        extra = [k for k in state.keys() if k not in params]
        if missing or extra:
            parts = []
            if missing:
                parts.append(f"missing {_some(missing)}")
            if extra:
                parts.append(f"unexpected {_some(extra)}")
            raise ValueError(f"{where}: " + "; ".join(parts))
        values = {name: _scalar(state[name], f"{where}: entry {name!r}") for name in params}
        for name, p in params.items():
            p.data = values[name]

    def save(self, path: PathLike) -> None:
        """Write the parameters to ``path`` (text format, see :mod:`nn.io`), atomically.

        ``path`` is a new path or a regular file (a symlink is followed);
        anything else there is refused, as is a parameter name or
        description the format cannot carry (see :func:`nn.io.save`).

        Example:
            >>> import os, tempfile
            >>> from nn import MLP
            >>> a, b = MLP(2, [4, 1], rng=0), MLP(2, [4, 1], rng=1)
            >>> path = os.path.join(tempfile.mkdtemp(), "model.txt")
            >>> a.save(path); _ = b.load(path)
            >>> a.state_dict() == b.state_dict()
            True
        """
        from .io import save
        save(self, path)

    def load(self: M, path: PathLike) -> M:
        """Read parameters written by :meth:`save` into this model; returns the model.

        The file must describe the same architecture; any problem (missing,
        truncated, corrupt or foreign file) is an error and the model is
        left unchanged.

        Example:
            >>> import os, tempfile
            >>> from nn import MLP, Neuron
            >>> path = os.path.join(tempfile.mkdtemp(), "n.txt")
            >>> Neuron(2, rng=0).save(path)
            >>> Neuron(2, rng=1).load(path).state_dict() == Neuron(2, rng=0).state_dict()
            True
            >>> MLP(2, [1], rng=0).load(path)        # doctest: +ELLIPSIS
            Traceback (most recent call last):
            ...
            nn.io.ModelFileError: load(...): the file holds Neuron(nin=2, ...), but this model is MLP(...)
        """
        from .io import load
        return load(self, path)


def _some(names: list[str], limit: int = 5) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    more = f", ... ({len(names)} in all)" if len(names) > limit else ""
    return f"[{shown}{more}]"


def _scalar(x: object, what: str) -> float:
    """One real, non-NaN number as a float; anything else is refused by name."""
    if isinstance(x, Value):
        x = x.data
    if isinstance(x, np.ndarray):
        if x.shape != ():
            raise ValueError(f"{what} has shape {x.shape}; every parameter is a scalar")
        x = x[()]
    if isinstance(x, (bool, np.bool_)) or not isinstance(x, numbers.Real):
        if isinstance(x, (list, tuple)):
            raise ValueError(f"{what} is a {type(x).__name__} of length {len(x)}; "
                             "every parameter is a scalar")
        raise TypeError(f"{what} must be a real number, got {type(x).__name__} {x!r}")
    try:
        f = float(x)
    except OverflowError:
        f = math.inf        # an int or Fraction beyond the float range: refused just below
    if math.isnan(f):
        raise ValueError(f"{what} is NaN")
    if math.isinf(f) and not (isinstance(x, (float, np.floating)) and np.isinf(x)):
        raise ValueError(f"{what} is {_magnitude(x)}, too large for a float "
                         f"(at most {sys.float_info.max:.3g})")
    return f


def _magnitude(x: numbers.Real) -> str:
    """A short text for a number too large for a float.

    ``repr`` of a 400-digit int is 400 characters (and beyond 4300 digits
    Python refuses to write it at all), so an int or a fraction is shown by
    its size: ``about 1e+400 (an int of 401 digits)``.
    """
    if isinstance(x, numbers.Rational):
        num, den = abs(int(x.numerator)), int(x.denominator)
        e10 = math.log10(num) - math.log10(den)          # exact enough for huge ints, unlike float(x)
        exp = math.floor(e10)
        sign = "-" if x < 0 else ""
        kind = f"an int of {exp + 1} digits" if den == 1 else f"a {type(x).__name__}"
        return f"about {sign}{10 ** (e10 - exp):.3g}e+{exp} ({kind})"
    text = repr(x)
    return text if len(text) <= 40 else text[:30] + "..."
