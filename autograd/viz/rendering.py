"""Turning DOT into SVG or PNG: finding a renderer, running it, Jupyter display.

Two renderers work: Graphviz's own ``dot`` program, and the ``graphviz-pure``
program that ``pip install "chaingrad[render]"`` installs (a self-contained
port of ``dot``; it installs under its own name, never as ``dot``).  Lookup
order: ``dot`` on PATH, ``graphviz-pure`` on PATH, then ``graphviz-pure`` in
the running interpreter's scripts folder, where pip put it even when that
environment is not activated.

Example:
    >>> from autograd import Value, draw_dot
    >>> from autograd.viz.rendering import find_renderer, render
    >>> x = Value(2.0, label="x")
    >>> svg = render(draw_dot(x * x))          # doctest: +SKIP
    >>> svg.startswith("<?xml")                # doctest: +SKIP
    True
"""
import os
import shutil
import subprocess
import sys
import sysconfig

import graphviz

__all__ = ["find_renderer", "render", "RendererNotFound", "Picture"]

_NAMES = ("dot", "graphviz-pure")
_TEXT_FORMATS = {"svg", "dot", "canon", "plain", "xdot", "json"}

NO_RENDERER = (
    "no graph renderer found: install Graphviz's dot program "
    "(apt-get install graphviz, or brew install graphviz) or the pip-installable "
    "renderer graphviz-pure (pip install \"chaingrad[render]\"). "
    "Without one, autograd.to_text(root) shows the graph as text.")


class RendererNotFound(RuntimeError):
    """Neither ``dot`` nor ``graphviz-pure`` could be found (the message says how to get one)."""


def _script_dirs():
    # Where pip puts console programs for this interpreter, activated or not.
    dirs = [sysconfig.get_path("scripts"), os.path.dirname(os.path.abspath(sys.executable))]
    return [d for i, d in enumerate(dirs) if d and d not in dirs[:i]]


def _which(name):
    found = shutil.which(name)
    if found:
        return found
    for d in _script_dirs():
        found = shutil.which(name, path=d)
        if found:
            return found
    return None


def find_renderer(renderer=None):
    """Path of the program that will render, or raise :class:`RendererNotFound`.

    ``renderer`` may be ``None`` (``dot``, else ``graphviz-pure``), one of the
    names ``"dot"`` / ``"graphviz-pure"`` (only that one), or a path to either.

    Example:
        >>> from autograd.viz.rendering import find_renderer
        >>> find_renderer("no-such-renderer")
        Traceback (most recent call last):
        ...
        ValueError: find_renderer: renderer must be None, 'dot', 'graphviz-pure' or a path to ...
    """
    if renderer is None:
        for name in _NAMES:
            found = _which(name)
            if found:
                return found
        raise RendererNotFound(NO_RENDERER)
    if not isinstance(renderer, (str, os.PathLike)):
        raise TypeError(f"find_renderer: renderer must be a name or a path, got {renderer!r}")
    renderer = os.fspath(renderer)
    if renderer in _NAMES:
        found = _which(renderer)
        if found:
            return found
        raise RendererNotFound(f"renderer {renderer!r} not found; " + NO_RENDERER)
    if os.sep in renderer or (os.altsep and os.altsep in renderer):
        if os.path.isfile(renderer) and os.access(renderer, os.X_OK):
            return renderer
        raise RendererNotFound(f"renderer {renderer!r} is not an executable file; " + NO_RENDERER)
    raise ValueError("find_renderer: renderer must be None, 'dot', 'graphviz-pure' or a path "
                     f"to one of them, got {renderer!r}")


def render(graph, format="svg", renderer=None):
    """Lay out ``graph`` (a ``graphviz`` graph or DOT source) and return the
    picture: ``str`` for text formats (svg), ``bytes`` otherwise (png).

    Example:
        >>> from autograd import Value, draw_dot, render
        >>> x = Value(2.0, label="x")
        >>> "<svg" in render(draw_dot(x * x))     # doctest: +SKIP
        True
    """
    if not isinstance(graph, str) and not isinstance(getattr(graph, "source", None), str):
        raise TypeError(f"render: graph must be a graphviz graph (draw_dot's picture) or DOT "
                        f"source text, got {type(graph).__name__} {graph!r}")
    exe = find_renderer(renderer)
    source = graph if isinstance(graph, str) else graph.source
    if not isinstance(format, str) or not format.isidentifier():
        raise ValueError(f"render: format must be a name such as 'svg' or 'png', got {format!r}")
    proc = subprocess.run([exe, f"-T{format}"], input=source.encode("utf-8"),
                          capture_output=True, check=False)
    if proc.returncode != 0:
        err = proc.stderr.decode("utf-8", "replace").strip()
        raise RuntimeError(f"render: {exe} -T{format} failed (exit {proc.returncode}): {err}")
    return proc.stdout.decode("utf-8") if format in _TEXT_FORMATS else proc.stdout


class Picture(graphviz.Digraph):
    """A ``graphviz.Digraph`` that displays itself with whichever renderer is
    installed, and as the text tree when there is none (so a notebook shows the
    graph instead of a traceback).

    Example:
        >>> from autograd import Value, draw_dot
        >>> from autograd.viz.rendering import Picture
        >>> pic = draw_dot(Value(1.0, label="x").exp())
        >>> isinstance(pic, Picture), pic.source.startswith("digraph")
        (True, True)
    """

    # A callable giving the text-tree fallback; set by the functions that draw.
    _fallback_text = None

    def svg(self, renderer=None):
        """The picture as an SVG string (see :func:`render`)."""
        return render(self, "svg", renderer)

    def _repr_mimebundle_(self, include=None, exclude=None, **_):
        try:
            svg = self.svg()
        except RendererNotFound:
            text = self._fallback_text() if self._fallback_text else self.source
            return {"text/plain": text + "\n\n(" + NO_RENDERER + ")"}
        return {"image/svg+xml": svg}
