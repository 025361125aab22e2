"""Turning DOT into SVG or PNG: finding a renderer, running it, Jupyter display.

Two renderers work: Graphviz's own ``dot`` program, and ``graphviz-pure``, a
self-contained port of ``dot`` that ``pip install chaingrad`` brings along on
the platforms it ships wheels for (Linux, macOS and Windows, on x86-64 and
ARM64; it installs under its own name, never as ``dot``).  Lookup order:
``dot`` on PATH, ``graphviz-pure`` on PATH, then ``graphviz-pure`` in the
running interpreter's scripts folder, where pip put it even when that
environment is not activated.

Every way of drawing goes through that lookup: :func:`render`, and the
picture's own ``render()``, ``view()`` and ``pipe()`` (same arguments and
results as the ``graphviz`` package's), so ``draw_dot(z).render("gout")``
writes ``gout.svg`` with no system Graphviz installed.

Example:
    >>> from autograd import Value, draw_dot
    >>> from autograd.viz.rendering import find_renderer, render
    >>> x = Value(2.0, label="x")
    >>> svg = render(draw_dot(x * x))          # doctest: +SKIP
    >>> svg.startswith("<?xml")                # doctest: +SKIP
    True
"""
from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Sequence
from typing import Any

import graphviz

__all__ = ["find_renderer", "render", "render_many", "RendererNotFound", "RenderFailed",
           "Picture", "quiet_stderr"]

_NAMES = ("dot", "graphviz-pure")
_TEXT_FORMATS = {"svg", "dot", "canon", "plain", "xdot", "json"}

NO_RENDERER = (
    "no graph renderer found. pip install graphviz-pure gives one (a wheel for "
    "Linux, macOS and Windows on x86-64 and ARM64; pip install chaingrad brings it "
    "there), or install Graphviz's dot program (apt-get install graphviz, brew "
    "install graphviz, winget install graphviz or conda install graphviz). "
    "Without one, autograd.to_text(root) shows the graph as text.")


class RendererNotFound(graphviz.ExecutableNotFound):
    """Neither ``dot`` nor ``graphviz-pure`` could be found (the message says
    how to get one).  A ``RuntimeError``, and a ``graphviz.ExecutableNotFound``
    so code written for the graphviz package catches it too.

    Example:
        >>> import graphviz
        >>> from autograd.viz.rendering import RendererNotFound
        >>> issubclass(RendererNotFound, (RuntimeError, graphviz.ExecutableNotFound))
        True
    """

    def __init__(self, message: str) -> None:
        RuntimeError.__init__(self, message)


class RenderFailed(graphviz.CalledProcessError, RuntimeError):
    """The renderer ran and failed (bad DOT, or a format it cannot write).
    A ``graphviz.CalledProcessError`` (as the graphviz package raises) and a
    ``RuntimeError``; the message carries the renderer's own words.

    Example:
        >>> from autograd.viz.rendering import RenderFailed
        >>> str(RenderFailed(1, ["dot", "-Tsvg"], b"", b"syntax error", "dot -Tsvg failed"))
        'dot -Tsvg failed'
    """

    def __init__(self, returncode: int, cmd: Any, output: bytes, stderr: bytes,
                 message: str) -> None:
        super().__init__(returncode, cmd, output, stderr)
        self.message = message

    def __str__(self) -> str:
        return self.message


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


def find_renderer(renderer: str | os.PathLike[str] | None = None) -> str:
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


# graphviz-pure knows the widths of ASCII characters only and says so, once
# per other character it meets: "Warning: no value for width of non-ASCII
# character 194" for the "·" of a label.  The pictures reserve the room such
# text needs themselves, so the note is noise to whoever reads stderr.
_WIDTH_NOTE = re.compile(r"^Warning: (?:Warning: )?no value for width of non-ASCII character "
                         r"\d+\. Falling back to width of space character\r?(?:\n|$)", re.M)


def quiet_stderr(text: str) -> str:
    """A renderer's stderr without graphviz-pure's notes on the width of
    non-ASCII characters (every other line kept).

    Example:
        >>> note = ("Warning: Warning: no value for width of non-ASCII character 194. "
        ...         "Falling back to width of space character")
        >>> quiet_stderr(note + chr(10) + "Warning: real"), quiet_stderr(note)
        ('Warning: real', '')
    """
    return _WIDTH_NOTE.sub("", text)


def _run(exe, args, data, what, quiet=True, cwd=None):
    """Run the renderer; its stdout as bytes, or :class:`RenderFailed`."""
    cmd = [exe, *args]
    proc = subprocess.run(cmd, input=data, capture_output=True, check=False, cwd=cwd)
    if proc.returncode != 0:
        err = quiet_stderr(proc.stderr.decode("utf-8", "replace")).strip()
        msg = f"{what}: {exe} {' '.join(args)} failed (exit {proc.returncode}): {err}"
        if "graphviz-pure" in os.path.basename(exe) and "not recognized" in err:
            msg += (" (graphviz-pure writes svg, png, jpg and the text formats but no pdf; "
                    "for pdf install Graphviz's dot: apt-get install graphviz or brew install "
                    "graphviz)")
        raise RenderFailed(proc.returncode, cmd, proc.stdout, proc.stderr, msg)
    if not quiet and proc.stderr:
        text = quiet_stderr(proc.stderr.decode("utf-8", "replace"))
        if text:
            sys.stderr.write(text)
    return proc.stdout


def _check_format(format, what):
    if not isinstance(format, str) or not format.isidentifier():
        raise ValueError(f"{what}: format must be a name such as 'svg' or 'png', got {format!r}")


def _source(graph, what):
    if isinstance(graph, str):
        return graph
    if isinstance(getattr(graph, "source", None), str):
        return graph.source
    raise TypeError(f"{what}: graph must be a graphviz graph (draw_dot's picture) or DOT "
                    f"source text, got {type(graph).__name__} {graph!r}")


def render(graph: Any, format: str = "svg",
           renderer: str | os.PathLike[str] | None = None) -> str | bytes:
    """Lay out ``graph`` (a ``graphviz`` graph or DOT source) and return the
    picture: ``str`` for text formats (svg), ``bytes`` otherwise (png).

    Example:
        >>> from autograd import Value, draw_dot, render
        >>> x = Value(2.0, label="x")
        >>> "<svg" in render(draw_dot(x * x))     # doctest: +SKIP
        True
    """
    source = _source(graph, "render")
    _check_format(format, "render")      # bad arguments first, before any lookup
    exe = find_renderer(renderer)
    out = _run(exe, [f"-T{format}"], source.encode("utf-8"), "render")
    return out.decode("utf-8") if format in _TEXT_FORMATS else out


def render_many(graphs: Sequence[Any], renderer: str | os.PathLike[str] | None = None) -> list[str]:
    """SVGs of several graphs from ONE renderer run (both renderers read any
    number of graphs from one input): a page of frames renders in one process
    instead of one per frame.

    Example:
        >>> from autograd.viz.rendering import render_many
        >>> svgs = render_many(["digraph { a }", "digraph { b -> c }"])   # doctest: +SKIP
        >>> [s.count('class="node"') for s in svgs]                        # doctest: +SKIP
        [1, 2]
    """
    sources = [_source(g, "render_many") for g in graphs]
    if not sources:
        return []
    exe = find_renderer(renderer)
    text = _run(exe, ["-Tsvg"], "\n".join(sources).encode("utf-8"), "render_many").decode("utf-8")
    parts = ["<?xml" + p for p in text.split("<?xml")[1:]]
    if len(parts) != len(sources):
        raise RuntimeError(f"render_many: {exe} returned {len(parts)} pictures for "
                           f"{len(sources)} graphs")
    return parts


class Picture(graphviz.Digraph):
    """A ``graphviz.Digraph`` that draws with whichever renderer is installed:
    its ``render()``, ``view()`` and ``pipe()`` take the graphviz package's
    arguments and return what it returns, but run ``dot`` or ``graphviz-pure``
    as :func:`find_renderer` finds them.  In Jupyter it shows itself as SVG,
    or as the text tree when there is no renderer (a picture instead of a
    traceback).

    Example:
        >>> from autograd import Value, draw_dot
        >>> from autograd.viz.rendering import Picture
        >>> pic = draw_dot(Value(1.0, label="x").exp())
        >>> isinstance(pic, Picture), pic.source.startswith("digraph"), pic.format
        (True, True, 'svg')
    """

    # A callable giving the text-tree fallback; set by the functions that draw.
    _fallback_text = None

    def svg(self, renderer: str | os.PathLike[str] | None = None) -> str:
        """The picture as an SVG string (see :func:`render`).

        Example:
            >>> from autograd import Value, draw_dot
            >>> draw_dot(Value(1.0)).svg().count('class="node"')   # doctest: +SKIP
            1
        """
        svg = render(self, "svg", renderer)
        assert isinstance(svg, str)
        return svg

    def _flags(self, format, renderer, formatter, neato_no_op, engine, what):
        fmt = self.format if format is None else format
        _check_format(fmt, what)
        if fmt not in graphviz.FORMATS:
            raise ValueError(f"{what}: unknown format {fmt!r}; one of graphviz.FORMATS, "
                             "such as 'svg', 'png' or 'pdf'")
        eng = self.engine if engine is None else engine
        if eng not in graphviz.ENGINES:
            raise ValueError(f"{what}: unknown engine {eng!r}; one of graphviz.ENGINES")
        if formatter is not None and renderer is None:
            raise graphviz.RequiredArgumentError(f"{what}: formatter given without renderer")
        out = ":".join(p for p in (fmt, renderer, formatter) if p is not None)
        flags = [f"-K{eng}", f"-T{out}"]
        if neato_no_op:
            flags.append(f"-n{int(neato_no_op):d}")
        return fmt, flags

    def pipe(self, format: str | None = None, renderer: str | None = None,
             formatter: str | None = None, neato_no_op: bool | int | None = None,
             quiet: bool = False, *, engine: str | None = None,
             encoding: str | None = None) -> bytes | str:
        """The rendered picture as bytes (a ``str`` when ``encoding`` is given),
        as ``graphviz.Digraph.pipe``; ``renderer``/``formatter`` are Graphviz's
        output plug-ins (``"cairo"``), not the program.

        Example:
            >>> from autograd import Value, draw_dot
            >>> draw_dot(Value(1.0)).pipe(format="png")[:4]        # doctest: +SKIP
            b'\\x89PNG'
        """
        _, flags = self._flags(format, renderer, formatter, neato_no_op, engine, "pipe")
        exe = find_renderer()
        out = _run(exe, flags, self.source.encode(self.encoding), "pipe", quiet)
        return out if encoding is None else out.decode(encoding)

    def render(self, filename: str | os.PathLike[str] | None = None,
               directory: str | os.PathLike[str] | None = None, view: bool = False,
               cleanup: bool = False, format: str | None = None, renderer: str | None = None,
               formatter: str | None = None, neato_no_op: bool | int | None = None,
               quiet: bool = False, quiet_view: bool = False, *,
               outfile: str | os.PathLike[str] | None = None, engine: str | None = None,
               raise_if_result_exists: bool = False, overwrite_source: bool = False) -> str:
        """Save the DOT source to ``filename`` and render it next to it, as
        ``graphviz.Digraph.render``: returns the rendered file's path
        (``filename + "." + format``, or ``outfile``).  Nothing is written when
        no renderer is found.

        Example:
            >>> import os, tempfile
            >>> from autograd import Value, draw_dot
            >>> path = draw_dot(Value(1.0)).render(os.path.join(tempfile.mkdtemp(), "gout"))  # doctest: +SKIP
            >>> path.endswith("gout.svg"), os.path.exists(path)     # doctest: +SKIP
            (True, True)
        """
        if raise_if_result_exists and overwrite_source:
            raise ValueError("render: overwrite_source cannot be combined with "
                             "raise_if_result_exists")
        if outfile is not None:
            outfile = os.fspath(outfile)
            suffix = os.path.splitext(outfile)[1][1:].lower()
            if format is None:
                format = suffix if suffix in graphviz.FORMATS else None
            if directory is None:
                outfile = os.path.join(self.directory, outfile)
            if filename is None:
                filename = os.path.splitext(outfile)[0] + ".gv"
        fmt, flags = self._flags(format, renderer, formatter, neato_no_op, engine, "render")
        exe = find_renderer()       # before writing anything
        filepath = os.fspath(self.save(filename, directory=directory, skip_existing=None))
        if outfile is None:
            outfile = filepath + "." + ".".join(
                p for p in (formatter, renderer, fmt) if p is not None)
        elif not overwrite_source and os.path.abspath(outfile) == os.path.abspath(filepath):
            raise ValueError(f"render: outfile {outfile!r} must be different from the source "
                             "file (pass overwrite_source=True to override)")
        if raise_if_result_exists and os.path.exists(outfile):
            raise graphviz.FileExistsError(f"output file exists: {outfile!r}")
        # Run from the source's folder, as graphviz does, so relative image
        # paths inside the DOT resolve the same way.
        folder = os.path.dirname(filepath) or None
        _run(exe, [*flags, "-o", os.path.abspath(outfile), os.path.abspath(filepath)], None,
             "render", quiet, cwd=folder)
        if cleanup:
            os.remove(filepath)
        if view or quiet_view:
            graphviz.view(outfile, quiet=quiet_view)
        return os.fspath(outfile)

    def view(self, filename: str | os.PathLike[str] | None = None,
             directory: str | os.PathLike[str] | None = None, cleanup: bool = False,
             quiet: bool = False, quiet_view: bool = False) -> str:
        """Render (see :meth:`render`) and open the result in the system's
        viewer, as ``graphviz.Digraph.view``; returns the rendered file's path.

        Example:
            >>> from autograd import Value, draw_dot
            >>> draw_dot(Value(1.0)).view("gout")          # doctest: +SKIP
            'gout.svg'
        """
        return self.render(filename, directory, view=True, cleanup=cleanup, quiet=quiet,
                           quiet_view=quiet_view)

    def _repr_mimebundle_(self, include=None, exclude=None, **_):
        try:
            svg = self.svg()
        except RendererNotFound:
            text = self._fallback_text() if self._fallback_text else self.source
            return {"text/plain": text + "\n\n(" + NO_RENDERER + ")"}
        return {"image/svg+xml": svg}
