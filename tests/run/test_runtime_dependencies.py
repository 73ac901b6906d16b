"""What ``scripts/demo`` and ``pip install geonotice`` install is enough: the commands never need a
development tool.

The commands run here in a Python whose imports of every development-only package (the ``dev``
extra of pyproject.toml, less the dependencies) fail, as they would in an environment that never
had them.
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path
from typing import TYPE_CHECKING

import httpx

from geonotice.demo.site import load_articles, showcase_articles
from support.readers import READERS

if TYPE_CHECKING:
    from conftest import Launcher

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules"

# Runs geonotice's command line with the development-only modules made impossible to import.
WITHOUT_DEV_TOOLS = """\
import sys
from importlib.abc import MetaPathFinder

BLOCKED = frozenset(sys.argv[1].split(","))

class DevelopmentOnly(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in BLOCKED:
            raise ModuleNotFoundError(f"No module named {name!r} (development only)", name=name)
        return None

sys.meta_path.insert(0, DevelopmentOnly())
from geonotice.cli import main
sys.exit(main(sys.argv[2:]))
"""


def development_only_modules() -> list[str]:
    """The top-level modules of the packages in the ``dev`` extra that are not dependencies."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text())["project"]

    def names(requirements: list[str]) -> set[str]:
        return {re.split(r"[<>=!~;\[ ]", r, maxsplit=1)[0].lower().replace("-", "_") for r in requirements}

    dev_only = names(project["optional-dependencies"]["dev"]) - names(project["dependencies"])
    modules = sorted(
        module
        for module, distributions in packages_distributions().items()
        if any(d.lower().replace("-", "_") in dev_only for d in distributions)
    )
    assert {"pytest", "playwright", "django", "fastapi", "mypy", "hypothesis"} <= set(modules), modules
    return modules


def without_dev_tools(*args: str) -> list[str]:
    return ["-c", WITHOUT_DEV_TOOLS, ",".join(development_only_modules()), *args]


def test_the_demo_serves_without_development_tools(launcher: Launcher, tmp_path: Path) -> None:
    served = launcher.start(
        without_dev_tools("demo", "--port", "0"), ready="Ctrl+C", program=Path(sys.executable), cwd=tmp_path
    )
    russian, _ = showcase_articles(load_articles())
    moscow = {"x-forwarded-for": READERS["moscow"]}
    page = httpx.get(served.url + russian.path[1:], headers=moscow, timeout=30)
    assert page.headers["legal-notices"] == "ru-undesirable-organization"


def test_checking_and_testing_the_rules_need_no_development_tools(tmp_path: Path) -> None:
    for args in (
        ["check", str(RULES)],
        ["test", str(RULES), str(RULES / "policy"), "--app", "geonotice.demo.site:app"],
    ):
        command = [sys.executable, *without_dev_tools(*args)]
        done = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stdout + done.stderr
