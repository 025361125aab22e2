"""HIPS autograd (PyPI 'autograd') shares our import name: every way the two can
collide gives an ImportError that says what happened and how to fix it."""
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def run(code, path):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(path))
    return subprocess.run([sys.executable, "-c", textwrap.dedent(code)], capture_output=True,
                          text=True, env=env, cwd=path[0])


def fake_hips(tmp_path):
    pkg = tmp_path / "autograd"
    pkg.mkdir()
    (pkg / "__init__.py").write_text("from .core import grad\n")
    (pkg / "core.py").write_text("def grad(fun):\n    return fun\n")
    (pkg / "tracer.py").write_text("")
    return tmp_path


def test_nn_explains_when_hips_autograd_shadows_ours(tmp_path):
    hips = fake_hips(tmp_path)
    r = run("import nn", [str(hips), ROOT])
    assert r.returncode == 1
    assert "ImportError" in r.stderr and "HIPS autograd" in r.stderr
    assert "virtual environment" in r.stderr


def test_ours_explains_when_hips_files_share_its_folder(tmp_path):
    import shutil
    mixed = tmp_path / "site"
    shutil.copytree(os.path.join(ROOT, "autograd"), mixed / "autograd")
    (mixed / "autograd" / "tracer.py").write_text("")
    r = run("import autograd", [str(mixed)])
    assert r.returncode == 1
    assert "mixes chaingrad with HIPS autograd" in r.stderr and "virtual environment" in r.stderr


@pytest.mark.parametrize("stmt", ["import autograd.numpy as np",
                                  "from autograd import elementwise_grad"])
def test_hips_code_explains_when_ours_shadows_theirs(stmt):
    r = run(stmt, [ROOT])
    assert r.returncode == 1
    assert "ImportError" in r.stderr and "HIPS autograd" in r.stderr
    assert "separate virtual environment" in r.stderr


def test_ours_imports_cleanly():
    r = run("import autograd, nn; print(autograd.__chaingrad__)", [ROOT])
    assert r.returncode == 0 and r.stdout.strip() == "True", r.stderr
