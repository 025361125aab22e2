"""The micrograd lecture's own picture code, from ``pip install`` alone.

The lecture draws graphs with its own ``trace``/``draw_dot`` helpers, which
build a plain ``graphviz.Digraph``.  The ``graphviz`` package renders by
running Graphviz's ``dot`` program; without it, every display and
``.render()`` fails with ``ExecutableNotFound``.  chaingrad brings
``graphviz-pure`` (a self-contained port of ``dot``) instead, so once
``autograd`` is imported this module lets the ``graphviz`` package use it:

* only when a command would run ``dot`` and no ``dot`` is on PATH, and
  ``graphviz-pure`` is found (:func:`~autograd.viz.rendering.find_renderer`'s
  lookup); with a system ``dot`` nothing changes;
* by wrapping one function, ``graphviz.backend.execute.run_check``, which the
  package runs for every ``pipe()``, ``render()`` and Jupyter display; the
  command's first word becomes graphviz-pure's path, the rest is unchanged;
* without importing ``graphviz`` itself (it costs more than the engine):
  when ``graphviz`` is already imported it is wrapped at once, otherwise a
  light import hook wraps it when it is first imported, and then removes
  itself.

graphviz-pure's notes about non-ASCII characters whose width it guesses are
left out of what reaches stderr (see :mod:`.rendering`).

Turn it off with the environment variable ``CHAINGRAD_GRAPHVIZ_FALLBACK=0``
before ``import autograd``, or :func:`uninstall` at any time.

Example:
    >>> from autograd.viz import graphviz_fallback
    >>> graphviz_fallback.install()        # what import autograd does
    >>> graphviz_fallback.installed()
    True
"""
from __future__ import annotations

import os
import sys
from typing import Any

__all__ = ["install", "uninstall", "installed", "ENV"]

#: Set to "0" to keep the graphviz package as it is.
ENV = "CHAINGRAD_GRAPHVIZ_FALLBACK"
_MODULE = "graphviz.backend.execute"
_state: dict[str, Any] = {"original": None, "hook": None}


def _pure():
    from .rendering import _which
    return _which("graphviz-pure")


def _wrapped(original):
    def run_check(cmd, *args, **kwargs):
        import shutil
        cmd = list(cmd)
        if (not cmd or os.fspath(cmd[0]) != "dot" or shutil.which("dot") is not None):
            return original(cmd, *args, **kwargs)
        pure = _pure()
        if pure is None:
            return original(cmd, *args, **kwargs)
        cmd[0] = pure
        quiet = kwargs.get("quiet", False)
        if not kwargs.get("capture_output"):
            return original(cmd, *args, **kwargs)
        kwargs["quiet"] = True
        proc = original(cmd, *args, **kwargs)
        if not quiet and proc.stderr:
            from .rendering import quiet_stderr
            err = proc.stderr
            text = err.decode("utf-8", "replace") if isinstance(err, bytes) else err
            text = quiet_stderr(text)
            if text:
                sys.stderr.write(text)
                sys.stderr.flush()
        return proc

    run_check.__wrapped__ = original      # type: ignore[attr-defined]
    run_check.__doc__ = original.__doc__
    return run_check


def _patch(module):
    if _state["original"] is None:
        _state["original"] = module.run_check
        module.run_check = _wrapped(module.run_check)
    _drop_hook()


class _Loader:
    """The real loader of ``graphviz.backend.execute``, which wraps
    ``run_check`` once the module has run."""

    def __init__(self, loader):
        self._loader = loader

    def create_module(self, spec):
        return self._loader.create_module(spec)

    def exec_module(self, module):
        self._loader.exec_module(module)
        _patch(module)

    def __getattr__(self, name):
        return getattr(self._loader, name)


class _Hook:
    """A ``sys.meta_path`` finder that answers for one module only."""

    def find_spec(self, fullname, path=None, target=None):
        if fullname != _MODULE:
            return None
        for finder in sys.meta_path:
            if finder is self or not hasattr(finder, "find_spec"):
                continue
            spec = finder.find_spec(fullname, path, target)
            if spec is not None:
                if spec.loader is not None:
                    spec.loader = _Loader(spec.loader)  # type: ignore[assignment]
                return spec
        return None


def _drop_hook():
    hook = _state["hook"]
    if hook is not None:
        _state["hook"] = None
        if hook in sys.meta_path:
            sys.meta_path.remove(hook)


def install() -> None:
    """Let a plain ``graphviz.Digraph`` render with graphviz-pure where no
    ``dot`` is installed (see the module doc).  Does nothing when the
    environment sets ``CHAINGRAD_GRAPHVIZ_FALLBACK=0``; calling it again does
    nothing more.

    Example:
        >>> from autograd.viz.graphviz_fallback import install, installed
        >>> install(); installed()
        True
    """
    if os.environ.get(ENV, "1").strip() == "0" or installed():
        return
    module = sys.modules.get(_MODULE)
    if module is not None:
        _patch(module)
        return
    _state["hook"] = _Hook()
    sys.meta_path.insert(0, _state["hook"])


def installed() -> bool:
    """True when the graphviz package is wrapped, or will be on its import.

    Example:
        >>> from autograd.viz.graphviz_fallback import installed
        >>> isinstance(installed(), bool)
        True
    """
    return _state["original"] is not None or _state["hook"] is not None


def uninstall() -> None:
    """Give the graphviz package back its own ``run_check`` (and drop the
    import hook): plain Digraphs then need Graphviz's ``dot`` again.

    Example:
        >>> from autograd.viz.graphviz_fallback import install, installed, uninstall
        >>> uninstall(); installed()
        False
        >>> install()
    """
    _drop_hook()
    original = _state["original"]
    if original is not None:
        module = sys.modules.get(_MODULE)
        if module is not None:
            module.run_check = original  # type: ignore[attr-defined]
        _state["original"] = None
