"""chaingrad's scalar reverse-mode autograd engine.

To learn how it works, read the table (``autograd/primitives.py``), then the
plain engine (``autograd/plain.py``: ``from autograd.plain import Value``),
then this package's fast one (``autograd/engine.py``); docs/engine.md is the
reference.

Example:
    >>> from autograd import Value
    >>> x = Value(2.0, label="x"); y = Value(-3.0, label="y")
    >>> z = (x * y + x.exp()).tanh()
    >>> z.backward()
    >>> round(x.grad, 6), round(y.grad, 6)
    (0.967244, 0.440753)
"""
from __future__ import annotations

import os as _os
from typing import TYPE_CHECKING
from typing import Any as _Any

_here = _os.path.dirname(__file__)
# HIPS autograd (PyPI "autograd") uses the same import name.  If pip put both
# into one folder, their files sit beside ours and nothing works reliably.
if any(_os.path.exists(_os.path.join(_here, f)) for f in ("tracer.py", "core.py", "wrap_util.py")):
    raise ImportError(
        f"The 'autograd' package in {_here} mixes chaingrad with HIPS autograd "
        "(PyPI 'autograd'): both use the import name 'autograd'. Install chaingrad "
        "in its own virtual environment: python -m venv .venv && . .venv/bin/activate "
        "&& pip install chaingrad")

__chaingrad__ = True

from .compiler import Compiled, TracingError, compile  # noqa: E402
from .engine import Value, apply, dot, is_grad_enabled, sum, topological_order  # noqa: E402
from .explanation import explain  # noqa: E402
from .functional import GradcheckError, enable_grad, grad, gradcheck, no_grad  # noqa: E402
from .primitives import PRIMITIVES, Primitive, register  # noqa: E402

# A plain graphviz.Digraph (the micrograd lecture's own picture code) renders
# with graphviz-pure where Graphviz's dot is missing; graphviz itself is not
# imported here (docs/pictures.md, "The lecture's own picture code").
from .viz import graphviz_fallback as _graphviz_fallback  # noqa: E402

_graphviz_fallback.install()

__all__ = [
    "Value", "grad", "no_grad", "enable_grad", "gradcheck", "GradcheckError",
    "sum", "dot", "apply", "is_grad_enabled", "topological_order", "explain",
    "PRIMITIVES", "Primitive", "register", "compile", "Compiled", "TracingError",
    "draw_dot", "to_text", "backward_frames", "stepper", "render", "find_renderer",
    "RendererNotFound",
]

# Pictures load lazily: importing graphviz costs more than the whole engine.
# A type checker reads these imports instead, so a user's mypy sees the real
# signatures (through __getattr__ they would all be Any).
if TYPE_CHECKING:
    from .viz import RendererNotFound, backward_frames, draw_dot, find_renderer, render, stepper, to_text

_VIZ = {"draw_dot", "to_text", "backward_frames", "stepper", "render", "find_renderer",
        "RendererNotFound"}

_HIPS_NAMES = {"elementwise_grad", "jacobian", "hessian", "value_and_grad", "make_vjp",
               "make_jvp", "holomorphic_grad", "grad_named", "hessian_tensor_product",
               "checkpoint", "primitive", "defvjp", "deriv", "multigrad_dict"}

# Hidden from type checkers too: to them a module __getattr__ makes every
# unknown name (a typo, a HIPS name) a silent Any instead of an error.
if not TYPE_CHECKING:
    def __getattr__(name: str) -> _Any:
        if name in _VIZ:
            import importlib
            obj = globals()[name] = getattr(importlib.import_module(".viz", __name__), name)
            return obj
        if name in _HIPS_NAMES:
            raise ImportError(
                f"autograd.{name} is HIPS autograd's; this 'autograd' is chaingrad's "
                "(both use the import name). Use HIPS autograd in a separate virtual "
                "environment; see chaingrad's README, 'Name clash with HIPS autograd'.")
        raise AttributeError(f"module 'autograd' (chaingrad) has no attribute {name!r}")
