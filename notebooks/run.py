"""Re-execute the notebooks and save them with their outputs.

    python -m notebooks.run                       # every notebook in this folder
    python -m notebooks.run 02-train-an-mlp       # some of them, by name
    python -m notebooks.run --retime 03           # also save new timings (see below)

The notebooks are committed with their outputs, so that their numbers and
pictures read on a code host without running anything.  After changing a
notebook, or code whose output a notebook shows, run this from the repository
root and commit the result: ``tests/notebooks/`` re-executes every notebook
and fails when a cell errs, when a committed cell has no output, or when a
fresh run prints something other than what is committed.

A cell tagged ``timing`` (cell metadata ``"tags": ["timing"]``) measures
speed, so its numbers differ on every run.  It is checked for its text with
the numbers left out, and a re-run keeps its committed output as long as that
text is unchanged, so that re-running an unchanged notebook leaves git clean;
``--retime`` saves the new measurement instead.

Needs the ``test`` extra (``nbclient``, ``nbformat``, ``ipykernel``) and, for
the graph pictures, Graphviz's ``dot`` or ``graphviz-pure``.
"""
from __future__ import annotations

import hashlib
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
NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?")
# autograd.stepper gives each stepper a random id (so that two on one page do
# not interfere); saved, it becomes one derived from the notebook and position.
STEPPER_ID = re.compile(r"cg-stepper-[0-9a-f]{12}\b")
TIMING_TAG = "timing"


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


def is_timing(cell) -> bool:
    """Whether ``cell`` is tagged ``timing``: it prints measured times, which differ on every run.

    Example:
        >>> from nbformat import v4
        >>> is_timing(v4.new_code_cell("x", metadata={"tags": ["timing"]})), is_timing(v4.new_code_cell("x"))
        (True, False)
    """
    return TIMING_TAG in cell.get("metadata", {}).get("tags", [])


def shown_text(cell) -> str:
    """What a code cell shows as text: its stdout and every text/plain result,
    joined, without memory addresses (stderr is left out).

    Example:
        >>> from nbformat import v4
        >>> cell = v4.new_code_cell("x")
        >>> cell.outputs = [v4.new_output("stream", name="stdout", text="x is 1\\n"),
        ...                 v4.new_output("execute_result", {"text/plain": "<X at 0x7f00>"})]
        >>> shown_text(cell)
        'x is 1\\n<X>\\n'
    """
    parts = []
    for out in cell.outputs:
        if out.output_type == "stream" and out.name == "stdout":
            parts.append(out.text)
        elif out.output_type in ("execute_result", "display_data"):
            parts.append(ADDRESS.sub("", out.data.get("text/plain", "")) + "\n")
    return "".join(parts)


def same_shape(committed: str, fresh: str) -> bool:
    """Equal text once every number is left out: a timing cell's check.

    Example:
        >>> same_shape("plain 2.1 ms, 2.3x", "plain 1.9 ms, 2.5x"), same_shape("2.3x", "2.3 s")
        (True, False)
    """
    return NUMBER.sub("#", committed) == NUMBER.sub("#", fresh)


def tidy(nb, name: str = "") -> None:
    """Make saved outputs independent of timing and memory layout, so that
    re-running an unchanged notebook changes nothing in git: a cell's printed
    chunks become one output per stream, ``<... at 0x7f...>`` addresses go,
    and each stepper's random id becomes one derived from ``name`` (the
    notebook's file name) and its place in the notebook.

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
        >>> def saved(uid):               # a stepper's output, as one run gives it, once tidied
        ...     cell = v4.new_code_cell("stepper(L)")
        ...     cell.outputs = [v4.new_output("display_data", {
        ...         "text/html": f'<div id="{uid}"><svg id="{uid}-p0-a">', "text/plain": "<Stepper>"})]
        ...     tidy(v4.new_notebook(cells=[cell]), "01.ipynb")
        ...     return cell.outputs[0].data["text/html"]
        >>> first, second = saved("cg-stepper-0123456789ab"), saved("cg-stepper-ba9876543210")
        >>> first == second, "0123456789ab" in first, first.count(first[9:32])
        (True, False, 2)
    """
    ids: dict[str, str] = {}

    def stable(match: re.Match) -> str:
        if match.group() not in ids:
            digest = hashlib.sha256(f"{name}:{len(ids)}".encode()).hexdigest()
            ids[match.group()] = "cg-stepper-" + digest[:12]
        return ids[match.group()]

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
            if "data" in out and "text/html" in out.data:
                out.data["text/html"] = STEPPER_ID.sub(stable, out.data["text/html"])
            merged.append(out)
        cell.outputs = merged


def keep_timings(committed, fresh) -> list[int]:
    """Give ``fresh``'s timing cells ``committed``'s outputs where the cell's
    source is the same and it shows the same text but for its numbers;
    returns the indices of the timing cells whose fresh output is kept
    because that text changed (they need a look).

    Example:
        >>> from nbformat import v4
        >>> def nb(ms):
        ...     cell = v4.new_code_cell("time it", metadata={"tags": ["timing"]})
        ...     cell.outputs = [v4.new_output("stream", name="stdout", text=f"{ms} ms\\n")]
        ...     return v4.new_notebook(cells=[cell])
        >>> old, new = nb(2.5), nb(2.7)
        >>> keep_timings(old, new), new.cells[0].outputs[0].text
        ([], '2.5 ms\\n')
    """
    changed = []
    for i, (old, new) in enumerate(zip(committed.cells, fresh.cells)):
        if new.cell_type != "code" or not is_timing(new):
            continue
        if (old.cell_type == "code" and old.source == new.source
                and same_shape(shown_text(old), shown_text(new))):
            new.outputs = old.outputs
        else:
            changed.append(i)
    return changed


def main(argv: list[str] | None = None) -> None:
    """Execute the notebooks named in ``argv`` (all by default) and save them
    in place; ``--retime`` also saves the timing cells' new measurements."""
    import nbformat

    args = sys.argv[1:] if argv is None else list(argv)
    retime = "--retime" in args
    names = [a for a in args if a != "--retime"]
    paths = notebooks(names)
    if not paths:
        raise SystemExit(f"no notebook in {HERE} matches {names}")
    for path in paths:
        committed = nbformat.read(str(path), as_version=4)
        nb, seconds = execute(path)
        tidy(nb, path.name)
        note = ""
        if not retime:
            changed = keep_timings(committed, nb)
            if changed:
                note = f" (timing cells {changed} are new or print other text: their new output is saved)"
        nbformat.write(nb, str(path))
        print(f"{path.relative_to(ROOT)}: executed in {seconds:.1f} s and saved{note}")


if __name__ == "__main__":
    main()
