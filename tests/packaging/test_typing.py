"""What a user's type checker sees once chaingrad is installed as the README
says: mypy, run on a small program in an empty folder outside the repository
with the interpreter chaingrad is installed in, finds ``autograd`` and ``nn``;
every public name has its real type (the lazily loaded picture functions
included, never ``Any``); and the README's own training loop passes
``mypy --strict``.  The truth the revealed types are checked against is the
run-time signature of each function (``inspect.signature``)."""
import importlib.metadata
import inspect
import os
import pathlib
import re
import subprocess
import sys
import textwrap

import pytest

import autograd
import nn

ROOT = pathlib.Path(__file__).resolve().parent.parent.parent

USER_PROGRAM = '''
import numpy as np

import autograd
import nn
from autograd import Value

model = nn.MLP(2, [4, 1], rng=0)
reveal_type(model([0.5, -1.0]))                      # one output: a Value
model([0.5, -1.0]).backward()
several: nn.MLP[list[Value]] = nn.MLP(2, [4, 3], rng=0)
reveal_type(several([0.5, -1.0]))                    # several outputs, said once
loss = nn.cross_entropy(several([0.5, -1.0]), 2) + nn.hinge([model([1.0, 2.0])], [1.0])
reveal_type(loss)
reveal_type(Value(np.float32(0.5)) * np.int64(2) + np.float64(1.0))
'''

# The expression on each reveal_type line above, and the type mypy must give it.
EXPECTED = {
    "model([0.5, -1.0])": "autograd.engine.Value",
    "several([0.5, -1.0])": "builtins.list[autograd.engine.Value]",
    "loss": "autograd.engine.Value",
    "Value(np.float32(0.5)) * np.int64(2) + np.float64(1.0)": "autograd.engine.Value",
}


def _public_names():
    return [("autograd", n) for n in autograd.__all__] + [("nn", n) for n in nn.__all__]


def _readme_training_loop():
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    blocks = re.findall(r"^```python\n(.*?)^```\n", text, re.S | re.M)
    (loop,) = [b for b in blocks if "nn.hinge(" in b and "model(x)" in b]
    return loop


def _params(revealed):
    """The parameter names of a revealed ``def [T] (a: int, *, b: str =) -> R``."""
    text = revealed[len("def "):]
    if text.startswith("["):                      # a generic's type variables first
        depth = 0
        for i, ch in enumerate(text):
            depth += (ch == "[") - (ch == "]")
            if depth == 0:
                text = text[i + 1:].lstrip()
                break
    assert text.startswith("("), revealed
    depth, part, parts = 0, "", []
    for ch in text[1:]:
        if ch in "([":
            depth += 1
        elif ch in ")]":
            if depth == 0:
                break
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(part)
            part = ""
            continue
        part += ch
    parts.append(part)
    names = [p.strip().split(":")[0].lstrip("*") for p in parts]
    return [n for n in names if n and n not in ("/", "*")]


@pytest.fixture(scope="module")
def revealed(tmp_path_factory):
    try:
        importlib.metadata.distribution("chaingrad")
    except importlib.metadata.PackageNotFoundError:
        pytest.skip('chaingrad is not installed: python -m pip install -e ".[test]"')
    folder = tmp_path_factory.mktemp("user_project")
    reveals = "\n".join(f"reveal_type({pkg}.{name})" for pkg, name in _public_names())
    (folder / "user_program.py").write_text(textwrap.dedent(USER_PROGRAM) + reveals + "\n")
    (folder / "readme_loop.py").write_text(_readme_training_loop())
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "MYPYPATH")}
    r = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-pretty",
                        "user_program.py", "readme_loop.py"],
                       cwd=folder, env=env, capture_output=True, text=True, timeout=600)
    errors = [line for line in r.stdout.splitlines() if ": error:" in line]
    assert not errors, "mypy --strict on a user's program:\n" + r.stdout + r.stderr
    program = (folder / "user_program.py").read_text().splitlines()
    found = {}
    for m in re.finditer(r"^user_program\.py:(\d+): note: Revealed type is \"(.*)\"$", r.stdout, re.M):
        line = program[int(m.group(1)) - 1]
        expr = re.match(r"reveal_type\((.*)\)\s*(#.*)?$", line).group(1)
        found[expr] = m.group(2)
    return found


def test_mypy_finds_the_packages_and_the_readme_loop_passes_strict(revealed):
    # The fixture asserts that mypy --strict reported no error (an
    # import-not-found included) for the user's program and the README's loop.
    assert len(revealed) == len(EXPECTED) + len(_public_names()), sorted(revealed)


def test_model_calls_losses_and_numpy_scalars_have_their_types(revealed):
    got = {expr: revealed[expr].replace("builtins.list", "list") for expr in EXPECTED}
    want = {expr: t.replace("builtins.list", "list") for expr, t in EXPECTED.items()}
    assert got == want


@pytest.mark.parametrize("pkg,name", _public_names())
def test_every_public_name_has_its_real_type(revealed, pkg, name):
    seen = revealed[f"{pkg}.{name}"]
    assert seen != "Any" and not seen.startswith("Any"), f"{pkg}.{name} is {seen} to a type checker"
    obj = getattr(sys.modules[pkg], name)
    if not callable(obj) or seen.startswith("Overload("):
        return
    if inspect.isclass(obj):
        # The class itself reveals as its constructor, returning an instance.
        assert re.search(rf"-> {re.escape(obj.__module__)}\.{obj.__qualname__}(\[.*\])?$", seen), seen
    try:
        runtime = [p.name for p in inspect.signature(obj).parameters.values()]
    except ValueError:
        return                   # an exception class with Exception's own constructor
    assert _params(seen) == runtime, f"{pkg}.{name}: mypy sees {seen}"


def test_importing_the_packages_loads_no_picture_code():
    # The pictures' names reach type checkers through TYPE_CHECKING imports;
    # at run time they still load on first use (graphviz costs more than the engine).
    code = ("import sys, autograd, nn; print(sorted(m for m in sys.modules if m.startswith("
            "('graphviz', 'autograd.viz.dot', 'autograd.viz.rendering', 'autograd.viz.stepping'))))")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 0, r.stderr
    assert r.stdout.strip() == "[]"
