"""``stepper``: backpropagation step by step, inline in Jupyter or as a page.

``autograd.stepper(root)`` renders every frame of
:func:`~autograd.viz.frames.backward_frames` once and returns a
:class:`Stepper`.  A notebook (Jupyter, JupyterLab, VS Code) shows it inline
through ``_repr_html_``: previous/next buttons, a step counter, the left
and right arrow keys, and, when ``highlight`` is given, a checkbox that
draws the paths from those inputs to the output.  ``.save(path)`` writes
the same thing as a page of its own.  Everything is inline (SVG, style,
script): nothing is fetched, so it works offline.

Frames hold still (see :mod:`.frames`): only colours and numbers change
from one step to the next, and the highlighted frames have the same layout
as the plain ones.

Several steppers on one page do not interfere: each has its own id, and one
page-wide key handler sends the arrow keys to the stepper you last clicked
in, or, before any click, to the one most visible on the screen.  Keys typed
into an editor (a notebook cell, a text field) are left alone.  Where a host
puts each output into its own frame (Google Colab), click into the stepper
first so its frame has the keyboard.

Example:
    >>> from autograd import Value, stepper
    >>> x = Value(2.0, label="x"); y = Value(-3.0, label="y")
    >>> s = stepper(x * y + x, highlight=x)
    >>> len(s), s.steps
    (3, 2)
    >>> path = s.save("out/backprop.html")       # doctest: +SKIP
"""
from __future__ import annotations

import html
import os
import re
import secrets
from collections.abc import Sequence
from typing import Any

from ..engine import Value
from .frames import backward_frames
from .graph import is_value
from .rendering import render_many

__all__ = ["Stepper", "stepper", "page"]

_STYLE = """
.cg-stepper { font-family: Helvetica, Arial, sans-serif; color: #222; margin: 0.5em 0; }
.cg-stepper .cg-title { font-weight: bold; margin: 0.3em 0; }
.cg-stepper .cg-controls { margin: 0.4em 0; display: flex; flex-wrap: wrap; gap: 0.8em;
  align-items: center; }
.cg-stepper .cg-controls button { font-size: 1em; padding: 0.25em 0.8em; cursor: pointer; }
.cg-stepper .cg-counter { min-width: 8em; text-align: center; font-variant-numeric: tabular-nums; }
.cg-stepper .cg-keys { color: #666; font-size: 0.9em; }
.cg-stepper .cg-frame { display: none; overflow-x: auto; }
.cg-stepper .cg-frame.cg-on { display: block; }
.cg-stepper .cg-frame .cg-lit { display: none; }
.cg-stepper.cg-show-lit .cg-frame .cg-lit { display: block; }
.cg-stepper.cg-show-lit .cg-frame .cg-plain { display: none; }
.cg-stepper svg { max-width: 100%; height: auto; }
"""

# One handler per page (the first stepper installs it) sends the arrow keys
# to the stepper last clicked in, else to the one most visible.
_SCRIPT = """
(function () {
  var root = document.getElementById("%(id)s");
  if (!root || root.getAttribute("data-ready")) return;
  root.setAttribute("data-ready", "1");
  var frames = root.querySelectorAll(".cg-frame"), last = frames.length - 1, i = 0;
  var counter = root.querySelector(".cg-counter");
  var prev = root.querySelector(".cg-prev"), next = root.querySelector(".cg-next");
  function show(k) {
    i = Math.max(0, Math.min(last, k));
    for (var j = 0; j < frames.length; j++) frames[j].classList.toggle("cg-on", j === i);
    counter.textContent = "step " + i + " of " + last;
    prev.disabled = i === 0;
    next.disabled = i === last;
  }
  root.cgStep = function (d) { show(i + d); };
  prev.addEventListener("click", function () { show(i - 1); });
  next.addEventListener("click", function () { show(i + 1); });
  var box = root.querySelector("input.cg-lit");
  if (box) box.addEventListener("change", function () {
    root.classList.toggle("cg-show-lit", box.checked);
  });
  var keys = window.__chaingradStepperKeys;
  if (!keys) {
    keys = window.__chaingradStepperKeys = { active: null };
    var editing = function (t) {
      if (!t || !t.tagName) return false;
      if (t.isContentEditable || t.tagName === "TEXTAREA" || t.tagName === "SELECT") return true;
      if (t.tagName === "INPUT" && !/^(checkbox|radio|button|submit|reset)$/.test(t.type)) return true;
      return !!(t.closest && t.closest(".CodeMirror, .cm-editor, .monaco-editor"));
    };
    var visible = function (el) {
      var r = el.getBoundingClientRect();
      var w = Math.min(r.right, window.innerWidth) - Math.max(r.left, 0);
      var h = Math.min(r.bottom, window.innerHeight) - Math.max(r.top, 0);
      return w > 0 && h > 0 ? w * h : 0;
    };
    var pick = function () {
      if (keys.active && keys.active.isConnected) return keys.active;
      var best = null, most = 0, all = document.querySelectorAll(".cg-stepper");
      for (var k = 0; k < all.length; k++) {
        var a = visible(all[k]);
        if (all[k].cgStep && a > most) { best = all[k]; most = a; }
      }
      return best;
    };
    document.addEventListener("keydown", function (e) {
      if (e.key !== "ArrowLeft" && e.key !== "ArrowRight") return;
      if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || editing(e.target)) return;
      var s = pick();
      if (!s) return;
      e.preventDefault();
      s.cgStep(e.key === "ArrowRight" ? 1 : -1);
    });
  }
  root.addEventListener("pointerdown", function () { keys.active = root; }, true);
  root.addEventListener("focusin", function () { keys.active = root; });
  show(0);
})();
"""


def _inline(svg, prefix):
    """An SVG document as an element inside HTML: no XML prolog, DOCTYPE or
    comments, and its ids prefixed so that many pictures share a page."""
    svg = svg[svg.index("<svg"):].rstrip()
    svg = re.sub(r'\bid="', f'id="{prefix}', svg)
    return svg.replace('href="#', f'href="#{prefix}').replace("url(#", f"url(#{prefix}")


def _names(highlight):
    vals = [highlight] if is_value(highlight) else list(highlight)
    return ", ".join(v.label or "that input" for v in vals)


class Stepper:
    """Every backward step of a graph, rendered, ready to show inline in a
    notebook (``_repr_html_``) or to :meth:`save` as a page.  Make one with
    :func:`stepper`.  ``len(s)`` is the number of frames, ``s.steps`` the
    number of backward steps (frames less the start).

    Example:
        >>> from autograd import Value, stepper
        >>> x = Value(3.0, label="x")
        >>> s = stepper(x * x)
        >>> "cg-stepper" in s._repr_html_()
        True
    """

    def __init__(self, frames: list[dict[str, Any]], plain: list[str], lit: list[str] | None,
                 lit_names: str, title: str | None) -> None:
        self._frames = frames
        self._plain = plain
        self._lit = lit
        self._lit_names = lit_names
        self.title = title
        self.steps = len(frames) - 1

    def __len__(self) -> int:
        return len(self._frames)

    def __repr__(self) -> str:
        return f"<Stepper: {len(self)} frames{' (' + self.title + ')' if self.title else ''}>"

    def html(self) -> str:
        """The stepper as an HTML fragment (a ``<div>`` with its style and
        script inside), with an id of its own on every call, so the same
        stepper can be shown twice on one page.

        Example:
            >>> from autograd import Value, stepper
            >>> s = stepper(Value(2.0) * 3.0)
            >>> s.html() != s.html()
            True
        """
        uid = "cg-stepper-" + secrets.token_hex(6)
        parts = [f'<div class="cg-stepper" id="{uid}"><style>{_STYLE}</style>']
        if self.title:
            parts.append(f'<div class="cg-title">{html.escape(self.title)}</div>')
        last = len(self._frames) - 1
        parts.append(
            '<div class="cg-controls"><button type="button" class="cg-prev" disabled>'
            '◀ previous</button>'
            f'<span class="cg-counter">step 0 of {last}</span>'
            f'<button type="button" class="cg-next"{" disabled" if last == 0 else ""}>'
            "next ▶</button>")
        if self._lit is not None:
            parts.append('<label><input type="checkbox" class="cg-lit"> highlight the paths '
                         f"from <b>{html.escape(self._lit_names)}</b> to the output</label>")
        parts.append('<span class="cg-keys">or the ← → keys</span></div>')
        for k, meta in enumerate(self._frames):
            on = " cg-on" if k == 0 else ""
            parts.append(
                f'<div class="cg-frame{on}" data-step="{k}" data-op="{html.escape(meta["op"])}" '
                f'data-value="{html.escape(meta["value"])}">'
                f'<div class="cg-plain">{_inline(self._plain[k], f"{uid}-p{k}-")}</div>')
            if self._lit is not None:
                parts.append(f'<div class="cg-lit">{_inline(self._lit[k], f"{uid}-h{k}-")}</div>')
            parts.append("</div>")
        parts.append(f"<script>{_SCRIPT % {'id': uid}}</script></div>")
        return "\n".join(parts)

    def _repr_html_(self) -> str:
        return self.html()

    def save(self, path: str | os.PathLike[str]) -> str:
        """Write the stepper as a page of its own (no network needed to view
        it); returns the path.  Folders on the way are created.

        Example:
            >>> import os, tempfile
            >>> from autograd import Value, stepper
            >>> s = stepper(Value(2.0) * 3.0)
            >>> path = s.save(os.path.join(tempfile.mkdtemp(), "s.html"))
            >>> open(path, encoding="utf-8").read().startswith("<!DOCTYPE html>")
            True
        """
        return _write(path, page([self], "Backpropagation, step by step"))


def _write(path, text):
    path = os.fspath(path)
    folder = os.path.dirname(path)
    if folder:
        os.makedirs(folder, exist_ok=True)
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    return path


def page(steppers: Sequence[Stepper], title: str, intro: str = "") -> str:
    """A whole HTML page holding ``steppers`` under the heading ``title`` and
    the paragraph ``intro`` (plain text).

    Example:
        >>> from autograd.viz.stepping import page
        >>> page([], "Nothing yet").startswith("<!DOCTYPE html>")
        True
    """
    head = (f"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{html.escape(title)}</title>"
            "<style>body { font-family: Helvetica, Arial, sans-serif; margin: 1.5em; }"
            " .cg-intro { max-width: 60em; color: #444; }"
            " .cg-stepper { border-top: 1px solid #ccc; padding-top: 0.5em; }</style>"
            f"</head><body><h1>{html.escape(title)}</h1>")
    if intro:
        head += f'<p class="cg-intro">{html.escape(intro)}</p>'
    return head + "\n".join(s.html() for s in steppers) + "\n</body></html>\n"


def stepper(root: Value, highlight: Any = None, *, rankdir: str = "LR", digits: int = 4,
            max_nodes: int = 200, title: str | None = None,
            renderer: str | os.PathLike[str] | None = None) -> Stepper:
    """Backprop through ``root``'s graph, one rendered frame per step, as a
    :class:`Stepper` that a notebook shows inline (see the module doc).

    ``highlight``: a Value (or several) whose paths to ``root`` the checkbox
    draws bold (no checkbox without it); ``rankdir``, ``digits``,
    ``max_nodes``: as for ``backward_frames``; ``title``: a line above the
    controls; ``renderer``: ``"dot"``, ``"graphviz-pure"`` or a path (default:
    whichever is found).  All frames render in one run of the renderer.

    Example:
        >>> from autograd import Value, stepper
        >>> x = Value(0.5, label="x")
        >>> s = stepper((x * x).tanh(), highlight=x, title="tanh(x²)")
        >>> s.steps
        2
    """
    frames = list(backward_frames(root, rankdir, highlight=None, max_nodes=max_nodes,
                                  digits=digits))
    lit = (None if highlight is None else
           list(backward_frames(root, rankdir, highlight=highlight, max_nodes=max_nodes,
                                digits=digits)))
    if title is not None and not isinstance(title, str):
        raise TypeError(f"stepper: title must be a str or None, got {type(title).__name__}")
    svgs = render_many(frames + (lit or []), renderer)
    meta = [{"op": f.node.op, "value": repr(f.node.data)} for f in frames]
    return Stepper(meta, svgs[:len(frames)], None if lit is None else svgs[len(frames):],
                   "" if highlight is None else _names(highlight), title)
