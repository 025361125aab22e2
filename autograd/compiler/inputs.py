"""Reading a compiled call's arguments: numbers and 1-D batches of real numbers.

Each argument becomes a float64 array, of shape ``()`` for a number or
``(B,)`` for a batch.  What eager's ``Value(...)`` refuses is refused here by
name, with the argument and the example: complex numbers (numpy would drop
the imaginary part), strings (numpy would parse ``"1.5"``), dates and
times, ``None`` (numpy would make it NaN), Values, ints too large for a
float, and numpy masked arrays (numpy would drop the mask).  Bools and ints are numbers, as in eager.

Example:
    >>> from autograd.compiler.inputs import read_input
    >>> read_input("x", [1, 2.5, True]).tolist()
    [1.0, 2.5, 1.0]
    >>> read_input("x", ["1.5"])
    Traceback (most recent call last):
    ...
    TypeError: compile: input x[0] must be a real number, got str '1.5'; convert it first, e.g. float('1.5')
"""
from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ..engine import Value
from ..registry import short_repr

__all__ = ["read_input"]

_FLOAT64 = np.dtype(float)
_NUMBER_KINDS = "biuf"      # bool, int, unsigned int, float: converted as they are
_KIND_NAMES = {"c": "complex", "U": "str", "S": "bytes", "M": "datetime64",
               "m": "timedelta64", "V": "structured"}


def _refuse(where: str, x: Any) -> TypeError:
    if isinstance(x, (np.complexfloating, np.str_, np.bytes_)):
        x = x.item()                 # shown as Python shows it: (1+2j), '1.5'
    if isinstance(x, Value):
        hint = ("; pass numbers: the compiled function makes its own Values "
                "(value_and_grad gives the derivatives with respect to its inputs)")
    elif isinstance(x, complex):
        hint = "; pass the real part (.real) if that is what you mean"
    elif isinstance(x, (str, bytes)):
        hint = f"; convert it first, e.g. float({x!r})"
    else:
        hint = ""
    return TypeError(f"compile: input {where} must be a real number, got "
                     f"{type(x).__name__} {short_repr(x)}{hint}")


def _real(where: str, x: Any) -> float:
    """One element of an object array, as eager's ``Value(x)`` would take it."""
    if isinstance(x, (numbers.Real, np.bool_)) and not isinstance(x, Value):
        try:
            return float(x)
        except OverflowError:
            raise OverflowError(f"compile: input {where} = {short_repr(x)} is too large "
                                "for a float (about 1.8e308 at most)") from None
    raise _refuse(where, x)


def _refuse_masked(name: str, a: Any) -> None:
    """A numpy masked array, or the masked value, refused by name.

    ``np.asarray`` drops a masked array's mask (the masked examples would be
    computed from whatever data lies under it), and turns ``np.ma.masked``
    in a list into NaN with a warning.  Which number a masked example should
    be is the caller's choice: ``.filled(value)``, or ``.compressed()`` to
    drop those examples."""
    hint = (f"; its mask would be ignored: pass {name}.filled(value) to say what the masked "
            f"examples hold, or {name}.compressed() to leave them out")
    if a is np.ma.masked:
        raise TypeError(f"compile: input {name} is a numpy masked value{hint}")
    if isinstance(a, np.ma.MaskedArray):
        raise TypeError(f"compile: input {name} is a numpy masked array{hint}")
    if type(a) is list or type(a) is tuple:
        masked = np.ma.masked
        for b, x in enumerate(a):
            if x is masked:
                raise TypeError(f"compile: input {name}[{b}] is a numpy masked value; a mask "
                                "cannot be read as a number: put there the number that "
                                "example should hold (for a masked array m, m.filled(value))")


def read_input(name: str, a: Any) -> np.ndarray:
    """``a`` as a float64 array of shape ``()`` or ``(B,)``; anything else
    (a non-real element, a 2-D array) is refused naming ``name`` and the
    example.  NaN is left for the caller to refuse.

    Example:
        >>> from autograd.compiler.inputs import read_input
        >>> read_input("x", 3).shape, read_input("y", [10 ** 20, -2]).tolist()
        ((), [1e+20, -2.0])
    """
    if type(a) is np.ndarray and a.dtype is _FLOAT64:
        arr = a                      # the common case: nothing to convert or check
    else:
        _refuse_masked(name, a)
        try:
            arr = np.asarray(a)
        except (TypeError, ValueError) as e:
            raise TypeError(f"compile: input {name} must be a number or a 1-D batch of real "
                            f"numbers, got {type(a).__name__} {short_repr(a)}") from e
        kind = arr.dtype.kind
        if kind in _NUMBER_KINDS:
            # float128 beyond float64's range becomes inf, as float() makes it.
            with np.errstate(over="ignore"):
                arr = arr.astype(float)
        elif kind == "O":
            if arr.ndim == 0:
                arr = np.array(_real(name, arr.item()))
            elif arr.ndim == 1:
                arr = np.array([_real(f"{name}[{b}]", x) for b, x in enumerate(arr)])
        else:
            if arr.size == 0:
                raise TypeError(f"compile: input {name} must hold real numbers, got an "
                                f"array of {_KIND_NAMES.get(kind, str(arr.dtype))}")
            if arr.ndim == 0:
                raise _refuse(name, arr[()])
            raise _refuse(f"{name}[0]", arr.flat[0])
    if arr.ndim > 1:
        raise ValueError(f"compile: input {name} must be a number or a 1-D batch, "
                         f"got shape {arr.shape}")
    return arr
