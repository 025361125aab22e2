"""The code style and the typed API are enforced here, so the README's test
command (which CI runs) fails on a lint error or a type error."""
import os
import shutil
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _tool(name):
    if shutil.which(name) is None and subprocess.run(
            [sys.executable, "-m", name, "--version"], capture_output=True).returncode != 0:
        pytest.skip(f"{name} is not installed: pip install -e '.[test]' installs it")
    return [sys.executable, "-m", name]


def test_ruff_check_is_clean():
    r = subprocess.run(_tool("ruff") + ["check", "."], cwd=ROOT, capture_output=True, text=True)
    assert r.returncode == 0, r.stdout + r.stderr
