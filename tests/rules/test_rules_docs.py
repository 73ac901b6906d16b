"""``docs/rules.md`` stays true: its example is valid and its reference matches ``schema.py``."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from geonotice.region import region_from_code
from geonotice.rules import Engine, check_sources
from geonotice.rules.schema import CODES, CODES_BY_NAME, docs_reference

ROOT = Path(__file__).resolve().parents[2]
DOC = (ROOT / "docs" / "rules.md").read_text()
SOURCES = [ROOT / "src" / "geonotice" / "rules" / name for name in ("validate.py", "yamlsafe.py", "files.py")]


def test_the_reference_section_is_generated_from_the_schema() -> None:
    # Regenerate with: python -c "from geonotice.rules.schema import docs_reference; print(docs_reference())"
    assert docs_reference() in DOC


def test_the_complete_example_is_valid_and_decides_as_described() -> None:
    example = re.search(r"```yaml\n(.*?)```", DOC, re.DOTALL)
    assert example is not None
    ruleset, problems = check_sources(
        [("example.yaml", example.group(1))], now=dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    )
    assert ruleset is not None and problems == []
    engine = Engine(ruleset)
    at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    assert [n.id for n in engine.evaluate(region_from_code("UA-43"), "/ru/a/x/1.html", at=at).notices] == [
        "ru-undesirable-organization"
    ]
    assert [n.id for n in engine.evaluate(region_from_code("UA-30"), "/a/x", "news.example", at).notices] == [
        "ua-martial-law-reminder"
    ]


def test_every_problem_code_the_checker_reports_is_documented() -> None:
    used = set()
    for source in SOURCES:
        text = source.read_text()
        used |= set(re.findall(r'"([a-z]+(?:-[a-z]+)*)",\n', text)) & {c.code for c in CODES}
        used |= set(re.findall(r'Problem\([^)]*?"(?:error|warning)",[^)]*?"([a-z-]+)"\)', text, re.DOTALL))
        used |= set(re.findall(r'_refuse\(event, "([a-z-]+)"', text))
        used |= set(re.findall(r'_Refused\([^,]+, "([a-z-]+)"', text))
    assert used, "the code scan found nothing"
    assert used <= set(CODES_BY_NAME)
    for code in CODES:
        assert f"##### `{code.code}` ({code.level})" in DOC


def test_the_default_for_unknown_readers_is_stated() -> None:
    assert "**By default they get nothing.**" in DOC
