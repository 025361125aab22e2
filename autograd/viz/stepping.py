"""``stepper``: backpropagation step by step, inline in Jupyter or as a page.

``autograd.stepper(root)`` plans every step of
:func:`~autograd.viz.frames.backward_frames` and returns a :class:`Stepper`.
A notebook (Jupyter, JupyterLab, VS Code) shows it inline through
``_repr_html_``: previous/next buttons, a step counter, the left and right
arrow keys, the step's caption in the learner's names, a legend, and, when
``highlight`` is given, a checkbox that draws the paths from those inputs to
the output.  ``.save(path)`` writes the same thing as a page of its own.
Everything is inline (SVG, style, script, data): nothing is fetched, so it
works offline.

**One picture, many steps.**  Every frame of one backward pass has the same
layout (see :mod:`.frames`): only numbers, colours and the yellow operation
change.  So the page holds the picture once, rendered at step 0, and for
each step only what changes: the gradients it updates (text and colour), the
operation it is at and its arrows' ``local × grad = passed``, and the
caption.  A small script applies those changes.  The whole loss of an MLP
then steps from one renderer run into a page a few hundred kilobytes long,
where a picture per step made tens of megabytes.  The picture is shown at
its natural size in a scrolling box that follows the step, so its text
stays readable on a laptop screen; "fit to width" shows all of it at once.
A viewer that runs no script (a code host's notebook view) shows step 0.

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
import json
import os
import re
import secrets
from collections.abc import Sequence
from typing import Any

from ..engine import Value
from .dot import legend_lines
from .frames import frame, plan_steps
from .graph import is_value
from .labels import arrow_text, grad_colour, html_text, local_derivs, num, roles
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
.cg-stepper .cg-caption { font-size: 0.95em; line-height: 1.4; margin: 0.3em 0;
  padding: 0.3em 0.5em; background: #fff8dc; border-left: 4px solid #ffd43b;
  font-variant-numeric: tabular-nums; }
.cg-stepper .cg-view { overflow: auto; max-height: 60vh; border: 1px solid #ddd; }
.cg-stepper .cg-view .cg-lit { display: none; }
.cg-stepper.cg-show-lit .cg-view .cg-lit { display: block; }
.cg-stepper.cg-show-lit .cg-view .cg-plain { display: none; }
.cg-stepper.cg-fit svg { max-width: 100%; height: auto; }
.cg-stepper .cg-legend { color: #444; font-size: 0.85em; margin: 0.4em 0; line-height: 1.4; }
"""

# One handler per page (the first stepper installs it) sends the arrow keys
# to the stepper last clicked in, else to the one most visible.  A stepper
# moves from step to step by applying each step's changes (forward: the new
# text and colour, backward: the old ones), so a step costs what it changes.
_SCRIPT = """
(function () {
  var root = document.getElementById("%(id)s");
  if (!root || root.getAttribute("data-ready")) return;
  root.setAttribute("data-ready", "1");
  var data = JSON.parse(root.querySelector("script.cg-data").textContent);
  var steps = data.steps, last = steps.length - 1, cur = 0;
  var counter = root.querySelector(".cg-counter"), caption = root.querySelector(".cg-caption");
  var prev = root.querySelector(".cg-prev"), next = root.querySelector(".cg-next");
  var view = root.querySelector(".cg-view");
  var pics = [["%(id)s-p-", root.querySelector(".cg-plain")]];
  if (root.querySelector(".cg-lit")) pics.push(["%(id)s-h-", root.querySelector(".cg-lit")]);
  var saved = {};
  function el(prefix, id) { return document.getElementById(prefix + id); }
  function keep(key, node, names) {
    if (saved[key]) return;
    var s = {text: null, attrs: {}};
    names.forEach(function (n) { s.attrs[n] = node.getAttribute(n); });
    saved[key] = s;
  }
  function polys(g) { return g ? g.getElementsByTagName("polygon") : []; }
  function fillPoly(g) {
    var ps = polys(g);
    for (var k = 0; k < ps.length; k++) if (ps[k].getAttribute("fill") !== "none") return ps[k];
    return null;
  }
  function texts(g) { return g ? g.getElementsByTagName("text") : []; }
  function setGrad(id, text, fill) {
    pics.forEach(function (p) {
      var g = el(p[0], id);
      if (!g) return;
      var t = texts(g), box = fillPoly(g);
      if (box) box.setAttribute("fill", fill);
      if (!t.length || !box) return;
      var tx = t[t.length - 1];
      if (!tx.getAttribute("data-cg")) {
        // right-aligned in its cell: the cell ends 4 pt inside the box (border 1, padding 3)
        var xs = box.getAttribute("points").split(" ").map(function (q) { return +q.split(",")[0]; });
        tx.setAttribute("text-anchor", "end");
        tx.setAttribute("x", Math.max.apply(null, xs) - 4);
        tx.setAttribute("data-cg", "1");
      }
      tx.textContent = text;
    });
  }
  var FOCUS = "#ffd43b", ARROW = "#e08a00", ARROW_TEXT = "#7a5200";
  function focus(k, on) {
    var s = steps[k];
    if (!s.focus) return;
    pics.forEach(function (p) {
      var oval = el(p[0], s.focus);
      var e = oval && oval.getElementsByTagName("ellipse")[0];
      if (e) {
        keep(p[0] + s.focus, e, ["fill"]);
        e.setAttribute("fill", on ? FOCUS : saved[p[0] + s.focus].attrs.fill);
      }
      s.arrows.forEach(function (a) {
        var g = el(p[0], a[0]);
        if (!g) return;
        var path = g.getElementsByTagName("path")[0], ps = polys(g), t = texts(g)[0];
        var head = ps[0], cell = ps.length > 1 ? ps[ps.length - 1] : null;
        [["path", path, ["stroke"]], ["head", head, ["fill", "stroke"]], ["text", t, ["fill"]]]
          .forEach(function (x) {
            if (!x[1]) return;
            var key = p[0] + a[0] + x[0];
            keep(key, x[1], x[2]);
            x[2].forEach(function (n) {
              var v = on ? (x[0] === "text" ? ARROW_TEXT : ARROW) : saved[key].attrs[n];
              if (v === null) x[1].removeAttribute(n); else x[1].setAttribute(n, v);
            });
          });
        if (t) {
          var key = p[0] + a[0] + "text";
          if (saved[key].text === null) {
            saved[key].text = t.textContent;
            if (cell) {   // centre the text in its label cell, whatever its length
              var xs = cell.getAttribute("points").split(" ").map(function (q) { return +q.split(",")[0]; });
              t.setAttribute("text-anchor", "middle");
              t.setAttribute("x", (Math.min.apply(null, xs) + Math.max.apply(null, xs)) / 2);
            }
          }
          t.textContent = on ? a[1] : saved[key].text;
        }
      });
    });
  }
  function follow(k) {
    var s = steps[k], id = s.focus || s.node;
    var shown = root.classList.contains("cg-show-lit") && pics.length > 1 ? pics[1] : pics[0];
    var target = id && el(shown[0], id);
    if (!target || !view) return;
    var v = view.getBoundingClientRect(), r = target.getBoundingClientRect();
    var margin = 40;
    if (r.left < v.left + margin || r.right > v.right - margin ||
        r.top < v.top + margin || r.bottom > v.bottom - margin) {
      view.scrollLeft += (r.left + r.right) / 2 - (v.left + v.right) / 2;
      view.scrollTop += (r.top + r.bottom) / 2 - (v.top + v.bottom) / 2;
    }
  }
  function move(k) {
    k = Math.max(0, Math.min(last, k));
    focus(cur, false);
    while (cur < k) {
      cur += 1;
      steps[cur].grads.forEach(function (c) { setGrad(c[0], c[1], c[2]); });
    }
    while (cur > k) {
      var cs = steps[cur].grads;
      for (var j = cs.length - 1; j >= 0; j--) setGrad(cs[j][0], cs[j][3], cs[j][4]);
      cur -= 1;
    }
    focus(cur, true);
    caption.innerHTML = steps[cur].caption;
    counter.textContent = "step " + cur + " of " + last;
    prev.disabled = cur === 0;
    next.disabled = cur === last;
    follow(cur);
  }
  root.cgStep = function (d) { move(cur + d); };
  root.cgShow = function (k) { move(k); };
  prev.addEventListener("click", function () { move(cur - 1); });
  next.addEventListener("click", function () { move(cur + 1); });
  var box = root.querySelector("input.cg-lit");
  if (box) box.addEventListener("change", function () {
    root.classList.toggle("cg-show-lit", box.checked);
    follow(cur);
  });
  var fit = root.querySelector("input.cg-fit");
  if (fit) fit.addEventListener("change", function () {
    root.classList.toggle("cg-fit", fit.checked);
    follow(cur);
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
  move(0);
})();
"""

STEPPER_LEGEND = (
    "yellow oval: the operation backward is at; each of its arrows reads local derivative "
    "× its grad = what it passes to that operand, which adds it to its grad so far "
    "(the caption: old + passed = new)")

# Attributes inside a tag (quoted values may hold any character but their quote).
_TAG = re.compile(r"""<(?:[^>"']|"[^"]*"|'[^']*')*>""")


def _inline(svg: str, prefix: str) -> str:
    """An SVG document as an element inside HTML: no XML prolog, DOCTYPE or
    comments, and its ids (and references to them) prefixed so that many
    pictures share a page.  Only tags are rewritten: text a label shows is
    left exactly as written (``see url(#ref)`` stays so)."""
    svg = svg[svg.index("<svg"):].rstrip()
    svg = re.sub(r"<!--.*?-->\n?", "", svg, flags=re.S)

    def fix(m):
        tag = m.group()
        tag = re.sub(r'(\sid=")', rf"\g<1>{prefix}", tag)
        return tag.replace('href="#', f'href="#{prefix}').replace("url(#", f"url(#{prefix}")

    return _TAG.sub(fix, svg)


def _names(highlight):
    vals = [highlight] if is_value(highlight) else list(highlight)
    return ", ".join(v.label or "that input" for v in vals)


class Stepper:
    """Every backward step of a graph, ready to show inline in a notebook
    (``_repr_html_``) or to :meth:`save` as a page: one rendered picture (two
    with a highlight) and each step's changes.  Make one with
    :func:`stepper`.  ``len(s)`` is the number of frames, ``s.steps`` the
    number of backward steps (frames less the start); ``s.data`` holds each
    step's changes, as the page's script reads them.

    Example:
        >>> from autograd import Value, stepper
        >>> x = Value(3.0, label="x")
        >>> s = stepper(x * x)
        >>> "cg-stepper" in s._repr_html_()
        True
    """

    def __init__(self, data: dict[str, Any], plain: str, lit: str | None, lit_names: str,
                 title: str | None, legend: list[str]) -> None:
        self.data = data
        self._plain = plain
        self._lit = lit
        self._lit_names = lit_names
        self._legend = legend
        self.title = title
        self.steps = len(data["steps"]) - 1

    def __len__(self) -> int:
        return len(self.data["steps"])

    def __repr__(self) -> str:
        return f"<Stepper: {len(self)} frames{' (' + self.title + ')' if self.title else ''}>"

    def html(self) -> str:
        """The stepper as an HTML fragment (a ``<div>`` with its style, data
        and script inside), with an id of its own on every call, so the same
        stepper can be shown twice on one page.  Without a script it shows
        step 0.

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
        last = len(self) - 1
        parts.append(
            '<div class="cg-controls"><button type="button" class="cg-prev" disabled>'
            '◀ previous</button>'
            f'<span class="cg-counter">step 0 of {last}</span>'
            f'<button type="button" class="cg-next"{" disabled" if last == 0 else ""}>'
            "next ▶</button>")
        if self._lit is not None:
            parts.append('<label><input type="checkbox" class="cg-lit"> highlight the paths '
                         f"from <b>{html.escape(self._lit_names)}</b> to the output</label>")
        parts.append('<label><input type="checkbox" class="cg-fit"> fit to width</label>'
                     '<span class="cg-keys">or the ← → keys</span></div>')
        steps = self.data["steps"]
        # As tall as the longest caption, so the picture never moves.
        lines = max(s["caption"].count("<br/>") + 1 for s in steps)
        parts.append(f'<div class="cg-caption" style="min-height: {1.4 * lines:.1f}em">'
                     f'{steps[0]["caption"]}</div>')
        parts.append(f'<div class="cg-view"><div class="cg-plain">{_inline(self._plain, uid + "-p-")}'
                     "</div>")
        if self._lit is not None:
            parts.append(f'<div class="cg-lit">{_inline(self._lit, uid + "-h-")}</div>')
        parts.append("</div>")
        parts.append('<div class="cg-legend">' + "<br/>".join(self._legend) + "</div>")
        # Data, not code: "<" is escaped so no text can end the element.
        blob = json.dumps(self.data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")
        parts.append(f'<script type="application/json" class="cg-data">{blob}</script>')
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


def _steps_data(plan, digits):
    """Each step's changes, as the page's script applies them."""
    order = plan.order
    out = []
    for step in plan.steps:
        v = order[step.node]
        item: dict[str, Any] = {
            "op": v.op, "value": repr(v.data), "node": f"v{step.node}",
            "caption": "<br/>".join(html_text(line) for line in step.caption),
            "focus": None, "arrows": [], "grads": []}
        if step.passed is not None:
            i = step.node
            item["focus"] = f"o{i}"
            parts = roles(v)
            g = step.grad
            for kk, (a, d) in enumerate(zip(v._args, local_derivs(v))):
                base = arrow_text(v, kk, d, digits, parts[kk]) if is_value(a) else None
                if base is not None:
                    item["arrows"].append(
                        [f"e{i}_{kk}", f"{base} × {num(g, digits)} = {num(step.passed[kk], digits)}"])
            for j, old, new in step.changes:
                item["grads"].append([f"v{j}", num(new, digits), grad_colour(new, plan.scale),
                                      num(old, digits), grad_colour(old, plan.scale)])
        out.append(item)
    return out


def stepper(root: Value, highlight: Any = None, *, rankdir: str = "LR", digits: int = 4,
            max_nodes: int = 200, title: str | None = None,
            renderer: str | os.PathLike[str] | None = None, module: Any = None,
            expand: bool = False) -> Stepper:
    """Backprop through ``root``'s graph, step by step, as a :class:`Stepper`
    that a notebook shows inline (see the module doc).

    ``highlight``: a Value (or several) whose paths to ``root`` the checkbox
    draws bold (no checkbox without it); ``rankdir``, ``digits``,
    ``max_nodes``, ``module``, ``expand``: as for ``backward_frames``;
    ``title``: a line above the controls; ``renderer``: ``"dot"``,
    ``"graphviz-pure"`` or a path (default: whichever is found).  The
    picture renders once (with its highlighted version, in the same run).

    Example:
        >>> from autograd import Value, stepper
        >>> x = Value(0.5, label="x")
        >>> s = stepper((x * x).tanh(), highlight=x, title="tanh(x²)")
        >>> s.steps
        2
    """
    if title is not None and not isinstance(title, str):
        raise TypeError(f"stepper: title must be a str or None, got {type(title).__name__}")
    plan = plan_steps(root, "stepper", rankdir=rankdir, highlight=highlight,
                      max_nodes=max_nodes, digits=digits, module=module, expand=expand)
    pics = [frame(plan, 0, plan.start, rankdir, digits, element_ids=True, highlight=False,
                  caption=False)]
    if highlight is not None:
        pics.append(frame(plan, 0, plan.start, rankdir, digits, element_ids=True, caption=False))
    svgs = render_many(pics, renderer)
    data = {"steps": _steps_data(plan, digits)}
    legend = legend_lines(plan.order) + [html_text(STEPPER_LEGEND)]
    return Stepper(data, svgs[0], svgs[1] if highlight is not None else None,
                   "" if highlight is None else _names(highlight), title, legend)
