"""Every python block of docs/engine.md runs as written, and its shown output is right.

A block with ``>>>`` lines is a doctest (the output printed under each line
must match); any other python block must simply run.  Each block runs on its
own, in a fresh namespace, as a reader would paste it.
"""
import doctest
import pathlib
import re

import pytest

DOC = pathlib.Path(__file__).resolve().parents[2] / "docs" / "engine.md"
BLOCKS = re.findall(r"```python\n(.*?)```", DOC.read_text(), flags=re.S)


def test_the_page_has_python_blocks():
    assert len(BLOCKS) >= 10


@pytest.mark.parametrize("i", range(len(BLOCKS)))
def test_block_runs_as_written(i):
    block = BLOCKS[i]
    if ">>>" not in block:
        exec(compile(block, f"{DOC.name} block {i}", "exec"), {})
        return
    test = doctest.DocTestParser().get_doctest(block, {}, f"{DOC.name}[{i}]", str(DOC), 0)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"block {i} of {DOC.name} failed (see the output above)"
