from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from geonotice.demo import DEMO_DATABASE
from geonotice.policy.cases import PolicyFile, load_cases

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
DEMO_DB = DEMO_DATABASE
HERE = Path(__file__).resolve().parent

ARTICLE = "/a/printers-turn-away-independent-papers/1042.html"


@pytest.fixture
def write_cases(tmp_path: Path) -> Callable[[str], Path]:
    """Write a case file (YAML text) into a temporary folder and return its path."""

    def write(text: str, name: str = "cases.policy.yaml") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write


@pytest.fixture
def cases_from() -> Callable[[str], PolicyFile]:
    def load(text: str) -> PolicyFile:
        return load_cases(text, "cases.policy.yaml", base=HERE)

    return load


@pytest.fixture
def newsapp_on_path(monkeypatch: pytest.MonkeyPatch) -> str:
    """Make ``newsapp:app`` importable, as ``--app newsapp:app`` needs."""
    monkeypatch.syspath_prepend(str(HERE))
    return "newsapp:app"
