"""``geonotice demo`` from an installed wheel: the package carries everything the demo needs
(its rules, database, readers and articles), with no source checkout to fall back on."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from geonotice.demo.site import load_articles, showcase_articles
from support.readers import READERS

if TYPE_CHECKING:
    from conftest import Launcher

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[2]
# What a build reads from a checkout: pyproject.toml names the readme and the licence, and the
# package's demo/rules links to the repository's rules/.
BUILD_INPUTS = ("pyproject.toml", "README.md", "LICENSE", "src", "rules")
NOTICE = re.compile(r'<aside\b[^>]*\bdata-notice-id="ru-undesirable-organization"')
# Prints where an environment's packages are installed.
_PACKAGES = "import sysconfig; print(sysconfig.get_path('purelib'))"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtual environment with the wheel installed; returns its ``geonotice`` program."""
    work = tmp_path_factory.mktemp("wheel")
    wheel = _build_wheel(work)
    venv = work / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)])
    python = venv / "bin" / "python"
    # --no-deps, then the dependencies already installed here, through a path entry: the path is
    # added as is, without running the .pth files in it, so the editable checkout install that
    # lives there stays out of sight.
    venv_packages = Path(_run([str(python), "-c", _PACKAGES]).strip())
    (venv_packages / "dependencies.pth").write_text(_run([sys.executable, "-c", _PACKAGES]))
    pip = [sys.executable, "-m", "pip", "--python", str(python)]
    _run([*pip, "install", "--quiet", "--no-deps", str(wheel)])
    return venv / "bin" / "geonotice"


def test_the_demo_runs_from_an_installed_wheel_with_its_shipped_rules(
    installed: Path, launcher: Launcher, tmp_path: Path
) -> None:
    served = launcher.start(["demo", "--port", "0"], ready="Ctrl+C", program=installed, cwd=tmp_path)
    rules = re.search(r"^Rules: (\S+) ", served.printed, re.MULTILINE)
    assert rules is not None, served.printed
    assert Path(rules[1]).is_relative_to(installed.parents[1]), "the rules come from the installed package"
    russian, _ = showcase_articles(load_articles())
    with served.client() as http:
        page = http.get(russian.path, headers={"x-forwarded-for": READERS["moscow"]})
    assert page.status_code == 200
    assert page.headers["legal-notices"] == "ru-undesirable-organization"
    assert NOTICE.search(page.text) is not None
    assert "days old" not in served.log.read_text(), "the demo's fictional database is not called stale"


def _build_wheel(work: Path) -> Path:
    # Built from a copy: a build in the checkout would leave build/ and egg-info behind.
    source = work / "source"
    source.mkdir()
    for name in BUILD_INPUTS:
        if (REPO / name).is_dir():
            ignore = shutil.ignore_patterns("__pycache__", "*.egg-info")
            shutil.copytree(REPO / name, source / name, symlinks=True, ignore=ignore)
        else:
            shutil.copy2(REPO / name, source / name)
    dist = work / "dist"
    # No build isolation: the dev set-up has the build backend, and the test needs no network.
    command = [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "--no-build-isolation"]
    _run([*command, "--wheel-dir", str(dist), str(source)])
    (wheel,) = dist.glob("geonotice-*.whl")
    return wheel


def _run(command: list[str]) -> str:
    environment = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PIP_REQUIRE_VIRTUALENV")}
    done = subprocess.run(command, capture_output=True, text=True, env=environment, timeout=300)
    assert done.returncode == 0, f"{' '.join(command)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout
