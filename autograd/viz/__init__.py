"""Pictures of a computation graph: the graph, its text tree, backprop step by step.

* :func:`draw_dot` (:mod:`.dot`): a Graphviz picture, every arrow labelled
  with its local derivative;
* :func:`to_text` (:mod:`.text`): the same graph as an indented tree;
* :func:`backward_frames` (:mod:`.frames`): one picture per backward step,
  every frame with the same layout;
* :func:`stepper` (:mod:`.stepping`): those frames with previous/next
  buttons and the arrow keys, inline in a notebook or saved as a page;
* :func:`render`, :func:`find_renderer` (:mod:`.rendering`): DOT to SVG/PNG
  with Graphviz's ``dot`` or the pip-installed ``graphviz-pure``;
* :mod:`.labels` and :mod:`.clusters`: numbers, colours and escaping, and the
  neuron/layer boxes of ``draw_dot(..., module=model)``;
* :mod:`.batch` and :mod:`.sizes`: a loss over a batch drawn as one term,
  and the picture's size estimated before rendering (the size guard).

Everything here reads the graph and the table of primitives; nothing writes
a ``.grad``.  ``autograd`` re-exports these names and loads this package only
when one is first used (importing graphviz costs more than the engine).

Example:
    >>> from autograd import Value
    >>> from autograd.viz import to_text
    >>> print(to_text(Value(2.0, label="x") * 3.0))
    #1 = #0 * 3  data=6  grad=0
      [∂ 3] #0 x  data=2  grad=0
"""
from .dot import draw_dot
from .frames import backward_frames
from .rendering import Picture, RendererNotFound, find_renderer, render
from .stepping import Stepper, stepper
from .text import to_text

__all__ = ["draw_dot", "to_text", "backward_frames", "stepper", "Stepper", "render",
           "find_renderer", "RendererNotFound", "Picture"]
