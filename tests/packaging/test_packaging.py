"""The distribution a user installs: name, runtime dependencies, extras, and
the packages inside the wheel."""
import configparser
import os
import subprocess
import sys
import zipfile

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def test_pyproject_holds_the_build_system_and_tool_settings_only():
    # The metadata lives in setup.cfg, once; pyproject.toml says how to build
    # and configures the tools (ruff, mypy), never the package itself.
    with open(os.path.join(ROOT, "pyproject.toml")) as f:
        tables = [line.strip() for line in f if line.lstrip().startswith("[")]
    assert tables[0] == "[build-system]"
    assert all(t.lstrip("[").startswith("tool.") for t in tables[1:]), tables


def test_runtime_dependencies_are_numpy_graphviz_and_a_renderer_only():
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(ROOT, "setup.cfg"))
    reqs = [r.strip() for r in cfg["options"]["install_requires"].split("\n") if r.strip()]
    assert sorted(r.split(">")[0].split("=")[0] for r in reqs) == ["graphviz", "graphviz-pure", "numpy"]
    assert cfg["metadata"]["name"] == "chaingrad"


@pytest.mark.slow
def test_wheel_contains_the_packages_and_declares_dependencies(tmp_path):
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps",
                        "-q", "-w", str(tmp_path), ROOT], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    (wheel,) = [p for p in tmp_path.iterdir() if p.suffix == ".whl"]
    assert wheel.name.startswith("chaingrad-")
    with zipfile.ZipFile(wheel) as z:
        names = z.namelist()
        meta = z.read(next(n for n in names if n.endswith("METADATA"))).decode()
    tops = {n.split("/")[0] for n in names if not n.startswith("chaingrad-")}
    assert tops == {"autograd", "nn"}, tops
    for path in ("autograd/primitives.py", "autograd/engine.py", "autograd/viz/dot.py",
                 "autograd/compiler/compiled.py", "autograd/py.typed", "nn/py.typed"):
        assert path in names, path
    assert not any(n.startswith("tests/") for n in names)
    requires = [line for line in meta.splitlines() if line.startswith("Requires-Dist:")]
    runtime = sorted(line.split()[1].split(">")[0] for line in requires if "extra ==" not in line)
    assert runtime == ["graphviz", "graphviz-pure", "numpy"]
    for extra in ("test", "render", "demos", "bench"):
        assert f"Provides-Extra: {extra}" in meta
