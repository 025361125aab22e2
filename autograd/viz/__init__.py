"""Pictures of a computation graph: the graph, its text tree, backprop step by step.

* :func:`draw_dot` (:mod:`.dot`): a Graphviz picture, every arrow labelled
  with its local derivative;
* :func:`to_text` (:mod:`.text`): the same graph as an indented tree;
* :func:`backward_frames` (:mod:`.frames`): one picture per backward step,
  every frame with the same layout;
* :func:`stepper` (:mod:`.stepping`): those steps with previous/next
  buttons and the arrow keys, inline in a notebook or saved as a page;
* :func:`render`, :func:`find_renderer` (:mod:`.rendering`): DOT to SVG/PNG
  with Graphviz's ``dot`` or the pip-installed ``graphviz-pure``;
* :mod:`.graphviz_fallback`: a plain ``graphviz.Digraph`` (the micrograd
  lecture's picture code) renders with ``graphviz-pure`` too;
* :mod:`.labels` and :mod:`.clusters`: numbers, colours and escaping, and the
  neuron/layer boxes of ``draw_dot(..., module=model)``;
* :mod:`.expand`: a ``dot`` drawn as the lecture's separate ``*`` and ``+``;
* :mod:`.batch` and :mod:`.sizes`: a loss over a batch drawn as one term,
  and the picture's size estimated before rendering (the size guard).

Everything here reads the graph and the table of primitives; nothing writes
a ``.grad``.  The names below load on first use, as ``autograd``'s do
(importing graphviz costs more than the engine), so ``import autograd``
stays light while it installs :mod:`.graphviz_fallback`.

Example:
    >>> from autograd import Value
    >>> from autograd.viz import to_text
    >>> print(to_text(Value(2.0, label="x") * 3.0))
    #1 = #0 * 3  data=6  grad=0
      [∂ 3] #0 x  data=2  grad=0
"""
from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .dot import draw_dot
    from .frames import backward_frames
    from .rendering import Picture, RendererNotFound, find_renderer, render
    from .stepping import Stepper, stepper
    from .text import to_text

__all__ = ["draw_dot", "to_text", "backward_frames", "stepper", "Stepper", "render",
           "find_renderer", "RendererNotFound", "Picture"]

_WHERE = {"draw_dot": ".dot", "to_text": ".text", "backward_frames": ".frames",
          "stepper": ".stepping", "Stepper": ".stepping", "render": ".rendering",
          "find_renderer": ".rendering", "RendererNotFound": ".rendering",
          "Picture": ".rendering"}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        obj = globals()[name] = getattr(importlib.import_module(_WHERE[name], __name__), name)
        return obj
    raise AttributeError(f"module 'autograd.viz' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
