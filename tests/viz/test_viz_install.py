"""graphviz-pure is an install requirement exactly where it ships wheels, so
`pip install chaingrad` draws there and installs everywhere else."""
import configparser
import os
import platform
import sys

import pytest

packaging_markers = pytest.importorskip("packaging.markers", reason="pip install packaging")

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

# The platforms of graphviz-pure 0.2.2's wheels (py3-none-*), as `pip download
# graphviz-pure --no-deps --only-binary=:all: --platform TAG` lists them; it has no sdist.
WHEELS = [("linux", "x86_64"), ("linux", "aarch64"), ("darwin", "x86_64"), ("darwin", "arm64"),
          ("win32", "AMD64"), ("win32", "ARM64")]
NO_WHEEL = [("linux", "i686"), ("linux", "armv7l"), ("linux", "ppc64le"), ("linux", "s390x"),
            ("win32", "x86"), ("freebsd13", "amd64"), ("emscripten", "wasm32")]


def _marker():
    cfg = configparser.ConfigParser()
    cfg.read(os.path.join(ROOT, "setup.cfg"))
    reqs = [r.strip() for r in cfg["options"]["install_requires"].split("\n") if r.strip()]
    (req,) = [r for r in reqs if r.startswith("graphviz-pure")]
    return packaging_markers.Marker(req.split(";", 1)[1])


@pytest.mark.parametrize("plat,machine", WHEELS)
def test_required_where_a_wheel_exists(plat, machine):
    assert _marker().evaluate({"sys_platform": plat, "platform_machine": machine})


@pytest.mark.parametrize("plat,machine", NO_WHEEL)
def test_not_required_where_none_exists(plat, machine):
    assert not _marker().evaluate({"sys_platform": plat, "platform_machine": machine})


def test_this_machine():
    assert _marker().evaluate() == ((sys.platform, platform.machine()) in WHEELS)
