"""The notebooks run, check their own numbers, and are committed as they run.

Each notebook executes top to bottom in a fresh kernel (nbclient + ipykernel);
any cell that raises fails the test, and the notebooks' cells assert their
numbers against independent truth (hand-derived values, finite differences,
``nn.NumpyNeuron``).  The committed copy must have the outputs of a fresh run:
every code cell has an output, none is an error, and the text each cell shows
equals what it shows now (numbers within 1e-6 relative, so that the last bits
of a float may differ between machines; in a cell tagged ``timing``, which
measures speed, the text with its numbers left out).  ``python -m notebooks.run``
re-executes and saves them.
"""
from __future__ import annotations

import copy
import doctest
import importlib.util
import pathlib

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FOLDER = ROOT / "notebooks"
NOTEBOOKS = sorted(p.name for p in FOLDER.glob("*.ipynb"))
# Every notebook runs in seconds; a minute means something is badly wrong.
BUDGET_SECONDS = 60

HOW = 'the notebook tests need nbformat, nbclient and ipykernel: pip install -e ".[test]"'
nbformat = pytest.importorskip("nbformat", reason=HOW)
pytest.importorskip("nbclient", reason=HOW)
pytest.importorskip("ipykernel", reason=HOW)


def _runner():
    spec = importlib.util.spec_from_file_location("notebooks_run", FOLDER / "run.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# The runner's own reading of a cell (stdout and text results, addresses
# left out) and its timing rules: the test compares what the runner saves.
RUN = _runner()
NUMBER, shown_text, same_shape, is_timing = RUN.NUMBER, RUN.shown_text, RUN.same_shape, RUN.is_timing


def _code_cells(nb):
    return [c for c in nb.cells if c.cell_type == "code"]


def _same_text(committed, fresh):
    """Equal text, and numbers equal within 1e-6 relative."""
    if NUMBER.sub("#", committed) != NUMBER.sub("#", fresh):
        return False
    for a, b in zip(NUMBER.findall(committed), NUMBER.findall(fresh)):
        x, y = float(a), float(b)
        if abs(x - y) > 1e-6 * max(abs(x), abs(y)) + 1e-12:
            return False
    return True


def test_there_are_three_notebooks():
    assert NOTEBOOKS[:3] == ["01-backprop-by-hand.ipynb", "02-train-an-mlp.ipynb",
                             "03-inside-the-engine.ipynb"], NOTEBOOKS


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook_carries_its_outputs(name):
    nb = nbformat.read(str(FOLDER / name), as_version=4)
    problems = []
    for i, cell in enumerate(_code_cells(nb)):
        first = cell.source.splitlines()[0] if cell.source else ""
        if not cell.outputs:
            problems.append(f"code cell {i} ({first!r}) has no output")
        for out in cell.outputs:
            if out.output_type == "error" or (out.output_type == "stream" and out.name == "stderr"):
                problems.append(f"code cell {i} ({first!r}) shows an error or a warning")
    assert not problems, (f"notebooks/{name}: " + "; ".join(problems)
                          + ". Run python -m notebooks.run and commit the result.")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_notebook_executes_and_shows_what_is_committed(name):
    from autograd import RendererNotFound, find_renderer
    try:
        find_renderer()
    except RendererNotFound:
        pytest.skip("the notebooks draw graphs: apt-get install graphviz, or pip install graphviz-pure")
    committed = nbformat.read(str(FOLDER / name), as_version=4)
    # A notebook that plots needs the demos extra; without it, say so instead of failing.
    if any("matplotlib" in c.source for c in committed.cells if c.cell_type == "code") \
            and importlib.util.find_spec("matplotlib") is None:
        pytest.skip(f"notebooks/{name} plots with matplotlib: pip install -e '.[demos]'")
    # A cell that raises (a failed assert included) raises CellExecutionError here.
    fresh, seconds = RUN.execute(FOLDER / name)
    assert seconds < BUDGET_SECONDS, f"notebooks/{name} took {seconds:.0f} s"
    old, new = _code_cells(committed), _code_cells(fresh)
    assert [c.source for c in old] == [c.source for c in new]
    stale = [i for i, (a, b) in enumerate(zip(old, new))
             if not (same_shape if is_timing(b) else _same_text)(shown_text(a), shown_text(b))]
    assert not stale, (
        f"notebooks/{name}: code cells {stale} show other text than the committed outputs, e.g.\n"
        f"committed: {shown_text(old[stale[0]])!r}\nnow:       {shown_text(new[stale[0]])!r}\n"
        "Run python -m notebooks.run and commit the result.")


@pytest.mark.parametrize("name", NOTEBOOKS)
def test_committed_notebook_is_tidy(name):
    # What notebooks.run saves is tidied (no memory address, no random stepper
    # id), so re-running an unchanged notebook leaves git clean.
    committed = nbformat.read(str(FOLDER / name), as_version=4)
    tidied = copy.deepcopy(committed)
    RUN.tidy(tidied, name)
    assert tidied == committed, (f"notebooks/{name} was saved without notebooks.run's tidy: "
                                 "run python -m notebooks.run and commit the result.")


def test_a_failing_cell_fails_the_run(tmp_path):
    # The executor itself must not swallow errors: a notebook whose cell asserts falsely fails.
    from nbclient.exceptions import CellExecutionError
    from nbformat import v4

    nb = v4.new_notebook()
    nb.cells = [v4.new_code_cell("x = 1"), v4.new_code_cell("assert x == 2, 'wrong on purpose'")]
    path = tmp_path / "broken.ipynb"
    nbformat.write(nb, str(path))
    with pytest.raises(CellExecutionError, match="wrong on purpose"):
        RUN.execute(path)


def test_output_comparison_has_teeth():
    assert _same_text("loss 0.3323\n", "loss 0.33230000001\n")
    assert not _same_text("loss 0.3323\n", "loss 0.3324\n")
    assert not _same_text("accuracy 100%\n", "accuracy 99%\n")
    assert not _same_text("engine [1. 2.]\n", "closed [1. 2.]\n")
    assert same_shape("plain 2.10 ms, fast 0.47 ms: 4.5x\n", "plain 1.90 ms, fast 0.52 ms: 3.7x\n")
    assert not same_shape("fast 0.47 ms: 4.5x\n", "fast 0.47 s: 4.5x\n")


def test_runner_docstring_examples():
    result = doctest.testmod(RUN, optionflags=doctest.ELLIPSIS)
    assert result.attempted and result.failed == 0
