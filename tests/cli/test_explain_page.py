"""``geonotice explain --page`` / ``--app``: where on a page each notice shown goes, and why there."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geonotice.cli import main

ROOT = Path(__file__).resolve().parents[2]
RULES = str(ROOT / "rules")
NEWSAPP_DIR = str(ROOT / "tests" / "policy")

Capture = pytest.CaptureFixture[str]

PAGE = """<!doctype html>
<html lang="en"><head><title>A story</title><script>var s = "<article>";</script></head>
<body>
<header><a href="/">The Ledger</a></header>
<!-- <article> in a comment -->
<article class="story">
<h1>Court adjourns hearing again</h1>
</article>
</body></html>
"""


def explain(page: Path, *extra: str) -> None:
    args = ["explain", RULES, "--region", "UA-43", "--url", "/a/story/1.html", "--at", "2025-01-01"]
    assert main([*args, "--page", str(page), *extra]) == 0


def test_the_page_says_where_each_notice_shown_goes_and_what_decided_it(
    tmp_path: Path, capsys: Capture
) -> None:
    page = tmp_path / "story.html"
    page.write_text(PAGE)
    explain(page)
    out = capsys.readouterr().out.splitlines()
    at = out.index(f"Placement on {page} ({len(PAGE)} bytes):")
    assert out[at + 1 :] == [
        "  ru-undesirable-organization (start-of-article): placed at line 6, column 24",
        '      decided by: <article class="story"> at line 6, column 1',
    ]


def test_a_page_without_the_spot_says_where_the_notice_falls_back(tmp_path: Path, capsys: Capture) -> None:
    page = tmp_path / "front.html"
    page.write_text("<html><body>\n<p>No article here.</p>\n</body></html>\n")
    explain(page, "--format", "json")
    document = json.loads(capsys.readouterr().out)
    assert document["scanner"] in ("compiled", "python")
    (placement,) = document["placements"]
    assert placement == {
        "id": "ru-undesirable-organization",
        "placement": "start-of-article",
        "outcome": "end-of-body",
        "offset": 37,
        "line": 3,
        "column": 1,
        "decided_by": {"markup": "</body>", "line": 3, "column": 1},
    }


def test_the_page_can_come_from_the_app(capsys: Capture) -> None:
    url = "/a/printers-turn-away-independent-papers/1042.html"
    args = ["explain", RULES, "--region", "RU", "--url", url, "--at", "2025-01-01"]
    assert main([*args, "--app", "newsapp:app", "--app-dir", NEWSAPP_DIR]) == 0
    out = capsys.readouterr().out.splitlines()
    at = out.index(next(line for line in out if line.startswith("Placement on the page newsapp:app serves")))
    assert out[at + 1 :] == [
        "  ru-undesirable-organization (start-of-article): placed at line 6, column 10",
        "      decided by: <article> at line 6, column 1",
    ]


def test_page_and_app_are_one_or_the_other(tmp_path: Path, capsys: Capture) -> None:
    page = tmp_path / "story.html"
    page.write_text(PAGE)
    args = ["explain", RULES, "--region", "RU", "--url", "/a/x", "--page", str(page), "--app", "newsapp:app"]
    assert main(args) == 2
    assert "give the page as --page or as --app, not both" in capsys.readouterr().err


def test_an_app_that_fails_is_reported_in_one_line(capsys: Capture) -> None:
    args = ["explain", RULES, "--region", "RU", "--url", "/api/articles/1", "--app", "newsapp:app"]
    assert main([*args, "--app-dir", NEWSAPP_DIR]) == 2
    assert "Invalid value for '--app': GET /api/articles/1 answered 200 with application/json" in (
        capsys.readouterr().err
    )
