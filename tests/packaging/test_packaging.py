"""The distribution a user installs: name, runtime dependencies, extras, the
Pythons it supports (the same range everywhere it is named), the source
distribution (the whole project, so its tests run from it), the packages
inside the wheel, and the description a package index shows."""
import configparser
import os
import re
import shutil
import subprocess
import sys
import tarfile
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


def _cfg():
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(ROOT, "setup.cfg"))
    return cfg


def _read(path):
    with open(os.path.join(ROOT, path), encoding="utf-8") as f:
        return f.read()


def test_the_supported_pythons_are_one_range_everywhere():
    cfg = _cfg()
    requires = cfg["options"]["python_requires"].strip()
    oldest = int(re.fullmatch(r">=3\.(\d+)", requires).group(1))
    listed = sorted(int(m) for m in re.findall(r"Programming Language :: Python :: 3\.(\d+)",
                                                 cfg["metadata"]["classifiers"]))
    assert listed, "setup.cfg's classifiers name no Python 3.x version"
    # The classifiers name each supported minor version, from python_requires up, no gaps.
    assert listed == list(range(oldest, listed[-1] + 1)), (requires, listed)
    assert sys.version_info >= (3, oldest), "this interpreter is older than python_requires"
    pyproject = _read("pyproject.toml")
    assert f'target-version = "py3{oldest}"' in pyproject       # ruff
    assert f'python_version = "3.{oldest}"' in pyproject        # mypy
    top = " ".join(_read("README.md").split("```")[0].split())      # the text before the first command
    assert f"Python 3.{oldest} or newer" in top, "the README's first lines name the oldest Python"


def _project_files():
    """Every file of the project: what git tracks, or in an unpacked sdist
    (no .git), every file but the sdist's own metadata and local caches."""
    if os.path.exists(os.path.join(ROOT, ".git")) and shutil.which("git"):
        r = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True)
        assert r.returncode == 0, r.stderr
        return sorted(f for f in r.stdout.split("\0") if f and os.path.isfile(os.path.join(ROOT, f)))
    skip = {".venv", "build", "dist", "out", "__pycache__", ".pytest_cache", ".mypy_cache",
            ".ruff_cache", ".hypothesis", ".ipynb_checkpoints", "PKG-INFO"}
    found = []
    for folder, dirs, files in os.walk(ROOT):
        dirs[:] = [d for d in dirs if d not in skip and not d.endswith(".egg-info")]
        found += [os.path.relpath(os.path.join(folder, f), ROOT).replace(os.sep, "/")
                  for f in files if f not in skip and not f.endswith(".pyc")]
    return sorted(found)


@pytest.fixture(scope="module")
def sdist_and_wheel(tmp_path_factory):
    """The sdist built from a copy of the project's files, and the wheel pip
    builds from that sdist (as for a user with no wheel for their platform)."""
    tmp = tmp_path_factory.mktemp("dist")
    files = _project_files()
    for f in files:
        os.makedirs(tmp / "src" / os.path.dirname(f), exist_ok=True)
        shutil.copy2(os.path.join(ROOT, f), tmp / "src" / f)
    # The build backend that pyproject.toml names, in a folder of its own.
    r = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--target",
                        str(tmp / "backend"), "setuptools>=61"], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    env = dict(os.environ, PYTHONPATH=str(tmp / "backend"))
    r = subprocess.run([sys.executable, "-c", "import sys, setuptools.build_meta as b; "
                        "print(b.build_sdist(sys.argv[1]))", str(tmp / "sdist")],
                       cwd=tmp / "src", env=env, capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    sdist = tmp / "sdist" / r.stdout.split()[-1]
    r = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                        str(tmp / "wheel"), str(sdist)], capture_output=True, text=True)
    assert r.returncode == 0, r.stderr
    (wheel,) = (tmp / "wheel").glob("*.whl")
    return files, sdist, wheel


@pytest.mark.slow
def test_sdist_holds_the_whole_project(sdist_and_wheel):
    # So the README's test command runs from an unpacked sdist: the tests,
    # conftest.py, the docs and notebooks they read, the demos they run.
    files, sdist, _ = sdist_and_wheel
    with tarfile.open(sdist) as t:
        names = {n.split("/", 1)[1] for n in t.getnames() if "/" in n}
    missing = [f for f in files if f not in names]
    assert not missing, f"the sdist lacks {missing}"
    assert {"tests/conftest.py", "MANIFEST.in", ".ci/run"} <= names
    assert not [n for n in names if n.endswith(".pyc") or "__pycache__" in n]


@pytest.mark.slow
def test_wheel_contains_the_packages_and_declares_dependencies(sdist_and_wheel):
    _, _, wheel = sdist_and_wheel
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
    assert f"Requires-Python: {_cfg()['options']['python_requires'].strip()}" in meta
    # The long description is the page written for a package index.
    description = meta.split("\n\n", 1)[1]
    assert description.strip() == _read("docs/package-description.md").strip()


def test_package_index_description_has_no_relative_links():
    # A package index shows the description away from the repository (which
    # has no public address), so a relative link or picture would be broken.
    source = _cfg()["metadata"]["long_description"].strip()
    assert source.startswith("file:"), source
    text = re.sub(r"^```.*?^```\n", "", _read(source[len("file:"):].strip()), flags=re.S | re.M)
    links = re.findall(r"!?\[[^\]]*\]\(([^)\s]+)", text) + re.findall(r"(?:src|href)=[\"']([^\"']+)", text)
    relative = [link for link in links if not re.match(r"[a-z]+://", link)]
    assert not relative, f"{source}: links that only work inside the repository: {relative}"
