"""Re-execute the notebooks and save them with their outputs.

    python -m notebooks.run                       # every notebook in this folder
    python -m notebooks.run 02-train-an-mlp       # some of them, by name

The notebooks are committed with their outputs, so that their numbers and
pictures read on a code host without running anything.  After changing a
notebook, or code whose output a notebook shows, run this from the repository
root and commit the result: ``tests/notebooks/`` re-executes every notebook
and fails when a cell errs, when a committed cell has no output, or when a
fresh run prints something other than what is committed.

Needs the ``test`` extra (``nbclient``, ``nbformat``, ``ipykernel``) and, for
the graph pictures, Graphviz's ``dot`` or ``graphviz-pure``.
"""
from __future__ import annotations

import os
import pathlib
import re
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
# Each cell must finish well within this; a notebook as a whole takes seconds.
CELL_TIMEOUT = 120
ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")


def notebooks(names: list[str] | None = None) -> list[pathlib.Path]:
    """The notebooks of this folder, in order, or those whose names start with one of ``names``.

    Example:
        >>> [p.name for p in notebooks(["01"])]
        ['01-backprop-by-hand.ipynb']
    """
    paths = sorted(HERE.glob("*.ipynb"))
    if names:
        paths = [p for p in paths if any(p.name.startswith(n) for n in names)]
    return paths


def execute(path: pathlib.Path):
    """Run every cell of the notebook at ``path`` in a fresh kernel, in this
    folder, with this repository first on the kernel's import path.

    Returns ``(notebook, seconds)``; raises ``nbclient.exceptions.CellExecutionError``
    naming the cell when one fails.  Nothing is written.
    """
    import nbclient
    import nbformat

    nb = nbformat.read(str(path), as_version=4)
    saved = {k: os.environ.get(k) for k in ("PYTHONPATH", "MPLBACKEND")}
    # The kernel inherits the environment: it must import this tree's autograd,
    # and matplotlib must use the notebook's inline backend, not a forced one.
    earlier = [saved["PYTHONPATH"]] if saved["PYTHONPATH"] else []
    os.environ["PYTHONPATH"] = os.pathsep.join([str(ROOT), *earlier])
    os.environ.pop("MPLBACKEND", None)
    try:
        start = time.perf_counter()
        client = nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, kernel_name="python3",
                                         resources={"metadata": {"path": str(HERE)}},
                                         record_timing=False)
        client.execute()
        seconds = time.perf_counter() - start
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
    return nb, seconds


def tidy(nb) -> None:
    """Make saved outputs independent of timing and memory layout, so that
    re-running an unchanged notebook changes nothing in git: a cell's printed
    chunks become one output per stream, and ``<... at 0x7f...>`` addresses go.

    Example:
        >>> from nbformat import v4
        >>> nb = v4.new_notebook()
        >>> cell = v4.new_code_cell("print(1); print(2); x")
        >>> cell.outputs = [v4.new_output("stream", name="stdout", text="1\\n"),
        ...                 v4.new_output("stream", name="stdout", text="2\\n"),
        ...                 v4.new_output("execute_result", {"text/plain": "<X at 0x7f00>"})]
        >>> nb.cells = [cell]; tidy(nb)
        >>> [o.get("text", o.get("data")) for o in nb.cells[0].outputs]
        ['1\\n2\\n', {'text/plain': '<X>'}]
    """
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        merged: list = []
        for out in cell.outputs:
            if (out.output_type == "stream" and merged and merged[-1].output_type == "stream"
                    and merged[-1].name == out.name):
                merged[-1].text += out.text
                continue
            if "data" in out and "text/plain" in out.data:
                out.data["text/plain"] = ADDRESS.sub("", out.data["text/plain"])
            merged.append(out)
        cell.outputs = merged


def main(argv: list[str] | None = None) -> None:
    """Execute the notebooks named in ``argv`` (all by default) and save them in place."""
    import nbformat

    names = sys.argv[1:] if argv is None else argv
    paths = notebooks(names)
    if not paths:
        raise SystemExit(f"no notebook in {HERE} matches {names}")
    for path in paths:
        nb, seconds = execute(path)
        tidy(nb)
        nbformat.write(nb, str(path))
        print(f"{path.relative_to(ROOT)}: executed in {seconds:.1f} s and saved")


if __name__ == "__main__":
    main()
