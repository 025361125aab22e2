"""Every example in README.md and in the docs pages below runs as written.

* A ```python block is a script: it runs in a fresh interpreter, in an empty
  temporary folder, with this repository first on PYTHONPATH, and must exit 0.
  A ```text block right after it is the output it must print, exactly.
* A ```python block that starts with ``>>>`` is a REPL excerpt: it runs as a
  doctest, in a fresh namespace, in an empty temporary folder.
* Every relative link and picture points at a file that exists, and every
  ``#anchor`` at a heading of the page it names.
* The committed pictures under docs/images/ still show what ``draw_dot``
  draws today (python -m docs.images.make redraws them).
"""
from __future__ import annotations

import doctest
import importlib.util
import os
import pathlib
import re
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
# Every page a reader can open: the README and all of docs/.
PAGES = ["README.md"] + sorted(f"docs/{p.name}" for p in (ROOT / "docs").glob("*.md"))
# Pages that other branches are writing at the same time; a link to one of them
# is checked once the page exists.
PENDING = {"docs/engine.md", "docs/compiler.md", "docs/pictures.md", "docs/nn.md",
           "docs/file-format.md"}

FENCE = re.compile(r"^```(\w*)\n(.*?)^```\n", re.S | re.M)


def _blocks(page):
    """(language, code, line number, expected output or None) for every fenced block."""
    text = (ROOT / page).read_text(encoding="utf-8")
    found = [(m.group(1), m.group(2), text.count("\n", 0, m.start()) + 2, m.start(), m.end())
             for m in FENCE.finditer(text)]
    out = []
    for i, (lang, code, line, _, end) in enumerate(found):
        expected = None
        if i + 1 < len(found) and found[i + 1][0] == "text" and text[end:found[i + 1][3]].strip() == "":
            expected = found[i + 1][1]
        out.append((lang, code, line, expected))
    return out


def _cases(kind):
    cases = []
    for page in PAGES:
        for lang, code, line, expected in _blocks(page):
            if lang != "python":
                continue
            is_repl = code.lstrip().startswith(">>>")
            if (kind == "repl") == is_repl:
                cases.append(pytest.param(page, line, code, expected, id=f"{page}:{line}"))
    return cases


def _env():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT)] + ([env["PYTHONPATH"]] if env.get("PYTHONPATH") else []))
    env["MPLBACKEND"] = "Agg"
    return env


def _renderer_missing():
    from autograd import RendererNotFound, find_renderer
    try:
        find_renderer()
    except RendererNotFound:
        return True
    return False


@pytest.mark.parametrize("page,line,code,expected", _cases("script"))
def test_python_block_runs_as_written(page, line, code, expected, tmp_path):
    r = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, env=_env(),
                       capture_output=True, text=True, timeout=300)
    if r.returncode != 0 and "RendererNotFound" in r.stderr and _renderer_missing():
        pytest.skip("this block draws a picture: apt-get install graphviz, or pip install graphviz-pure")
    assert r.returncode == 0, f"{page}, the python block at line {line} failed:\n{r.stderr}"
    if expected is not None:
        assert r.stdout == expected, (
            f"{page}, the python block at line {line} printed\n{r.stdout}\n"
            f"but the text block after it says\n{expected}")


@pytest.mark.parametrize("page,line,code,expected", _cases("repl"))
def test_repl_excerpt_passes_as_a_doctest(page, line, code, expected, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    test = doctest.DocTestParser().get_doctest(code, {}, f"{page}:{line}", page, line - 1)
    assert test.examples, f"{page}:{line}: a block starting with >>> holds no example"
    report: list[str] = []
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS)
    runner.run(test, out=report.append)
    assert runner.failures == 0, "".join(report)


def test_the_blocks_are_found():
    # Guards the parser itself: the README has scripts with checked output and a REPL excerpt.
    scripts, repls = _cases("script"), _cases("repl")
    readme = [p for p in scripts if p.values[0] == "README.md"]
    assert len(readme) >= 4 and any(p.values[3] is not None for p in readme)
    assert any(p.values[0] == "README.md" for p in repls)
    assert any(p.values[0] == "docs/neuron-gradient.md" for p in scripts)


# --- links -----------------------------------------------------------------

LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)\)")


def _slug(heading):
    # GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
    text = heading.strip().lower().replace("`", "")
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", "-")


def _anchors(path):
    text = path.read_text(encoding="utf-8")
    text = FENCE.sub("", text)
    return {_slug(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, re.M)}


def _links(page):
    text = FENCE.sub("", (ROOT / page).read_text(encoding="utf-8"))
    text = re.sub(r"`[^`\n]*`", "", text)      # code spans are not links
    return [m.group(1) for m in LINK.finditer(text)]


@pytest.mark.parametrize("page", PAGES)
def test_links_point_at_files_and_headings_that_exist(page):
    here = (ROOT / page).parent
    broken = []
    for link in _links(page):
        if re.match(r"[a-z]+:", link):
            continue                                   # http(s), mailto: not checked offline
        target, _, anchor = link.partition("#")
        path = (here / target).resolve() if target else ROOT / page
        rel = path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)
        if not path.exists():
            if rel not in PENDING:
                broken.append(f"{link}: no file {rel}")
            continue
        if anchor and path.suffix == ".md" and anchor not in _anchors(path):
            broken.append(f"{link}: no heading #{anchor} in {rel}")
    assert not broken, f"{page}: broken links:\n" + "\n".join(broken)


def test_readme_gives_the_command_that_ci_runs():
    command = 'python -m pip install -e ".[test,render,demos,bench]" && python -m pytest'
    assert command in (ROOT / "README.md").read_text(encoding="utf-8")
    assert command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_readme_stays_short():
    # The README teaches first; depth belongs in docs/ (issue: about 300 lines at most).
    lines = (ROOT / "README.md").read_text(encoding="utf-8").count("\n")
    assert lines <= 320, f"README.md has {lines} lines: move depth into a docs/ page"


# --- the committed pictures ----------------------------------------------------

def _make():
    spec = importlib.util.spec_from_file_location("docs_images_make", ROOT / "docs" / "images" / "make.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _texts(svg):
    """The words a picture shows, in order (layout coordinates differ between renderers)."""
    return re.findall(r"<text[^>]*>([^<]*)</text>", svg)


def test_picture_maker_docstring_examples():
    result = doctest.testmod(_make(), optionflags=doctest.ELLIPSIS)
    assert result.attempted and result.failed == 0


@pytest.mark.parametrize("name", sorted(_make().PICTURES))
def test_committed_picture_shows_what_the_engine_draws(name):
    if _renderer_missing():
        pytest.skip("redrawing the pictures needs a renderer: apt-get install graphviz, "
                    "or pip install graphviz-pure")
    committed = (ROOT / "docs" / "images" / name).read_text(encoding="utf-8")
    fresh = _make().svg_of(name)
    assert _texts(committed), f"docs/images/{name} shows no text"
    assert _texts(fresh) == _texts(committed), (
        f"docs/images/{name} is out of date: run python -m docs.images.make")
