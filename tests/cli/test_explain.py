"""``geonotice explain``: where the reader is placed, why each notice applies or not, what is shown."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geonotice.cli import main
from geonotice.demo import DEMO_DATABASE

ROOT = Path(__file__).resolve().parents[2]
RULES = str(ROOT / "rules")
DEMO_DB = str(DEMO_DATABASE)
ARTICLE = "https://news.example/ru/a/printers-turn-away-independent-papers/1042.html"

Capture = pytest.CaptureFixture[str]


def test_a_reader_by_address_is_placed_and_each_notice_explained(capsys: Capture) -> None:
    code = main(
        [
            "explain",
            RULES,
            "--ip",
            "192.0.2.17",
            "--geoip-db",
            DEMO_DB,
            "--url",
            ARTICLE,
            "--at",
            "2025-01-01",
        ]
    )
    lines = capsys.readouterr().out.splitlines()
    assert code == 0
    assert lines[0] == "Reader: UA-43 (Autonomous Republic of Crimea), in UA (Ukraine)"
    assert lines[1].startswith(
        "  placed by: database (192.0.2.17 is in 192.0.2.16/28 (Simferopol, Crimea, Ukraine)"
    )
    assert lines[2:8] == [
        "  address: 192.0.2.17",
        f"Page: {ARTICLE}",
        "  path: /ru/a/printers-turn-away-independent-papers/1042.html, host: news.example",
        "  page language: ru",
        "  reader language: (none given)",
        "  at: 2025-01-01T00:00:00Z",
    ]
    assert (
        "  ru-undesirable-organization: APPLIES - "
        'Warning about the "undesirable organization" status in Russia' in lines
    )
    assert (
        "      ok  jurisdiction: UA-43 (Autonomous Republic of Crimea) is in russia-and-occupied-ukraine "
        "(through UA-43)" in lines
    )
    assert "      NO  jurisdiction: UA-43 (Autonomous Republic of Crimea) is in none of belarus" in lines
    assert "Shown: 1 notice:" in lines
    assert "  ru-undesirable-organization in ru (the page's language, ru):" in lines
    shown = lines[lines.index("  ru-undesirable-organization in ru (the page's language, ru):") + 1]
    assert shown.startswith("      Предупреждение для читателей в России")


def test_a_date_before_the_notice_explains_the_window(capsys: Capture) -> None:
    assert main(["explain", RULES, "--region", "BY", "--url", "/a/x/1.html", "--at", "2023-02-28"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "      NO  window: not yet in force at 2023-02-28: from 2023-03-01" in lines
    assert lines[-1] == "Shown: 0 notices"


def test_the_language_fallback_is_explained(capsys: Capture) -> None:
    args = ["explain", RULES, "--region", "BY", "--url", "/a/x/1.html", "--at", "2025-01-01"]
    assert main([*args, "--lang", "de-DE,fr;q=0.5"]) == 0
    assert (
        "  by-extremist-materials in ru (the notice's default language: "
        "no de-DE text (the reader's language); no fr text (the reader's language)):"
    ) in capsys.readouterr().out.splitlines()


def test_lang_takes_what_a_browser_sends_as_accept_language(capsys: Capture) -> None:
    args = ["explain", RULES, "--region", "BY", "--url", "/a/x/1.html", "--at", "2025-01-01"]
    assert main([*args, "--lang", "de-DE,de;q=0.9,be;q=0.5"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "  reader language: de-DE,de;q=0.9,be;q=0.5" in out
    assert "  by-extremist-materials in be (the reader's language, be):" in out


@pytest.mark.parametrize(
    ("typed", "placed"),
    [
        ("ua-43", "given as 'ua-43', taken as UA-43 (Autonomous Republic of Crimea)"),
        ("Sevastopol", "given as 'Sevastopol', taken as UA-40 (Sevastopol)"),
        ("sevastopol", "given as 'sevastopol', taken as UA-40 (Sevastopol)"),
        ("UA-40", "given as UA-40"),
        ("Crimea", "given as 'Crimea', taken as UA-43 (Autonomous Republic of Crimea)"),
        ("Minsk", "given as 'Minsk', taken as BY-HM (Minsk)"),
    ],
)
def test_region_takes_a_code_in_any_case_or_a_place_name_and_says_which_code(
    capsys: Capture, typed: str, placed: str
) -> None:
    assert main(["explain", RULES, "--region", typed, "--url", "/a/x/1.html"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == f"  placed by: region ({placed})"


def test_a_draft_is_explained_as_a_draft_and_never_shown(capsys: Capture) -> None:
    assert main(["explain", RULES, "--region", "RU-MOW", "--url", "/a/x/1.html"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert (
        "  ru-foreign-agent-label: DRAFT (never shown to readers), would apply - "
        'The "foreign agent" label Russia requires under the headline of every article'
    ) in lines
    shown = lines[lines.index("Shown: 1 notice:") + 1]
    assert shown.startswith("  ru-undesirable-organization in en")
    assert lines[-1] == (
        "Not shown, as drafts (status: draft), though they would apply: ru-foreign-agent-label"
    )


def test_a_reader_by_cdn_header(capsys: Capture) -> None:
    assert (
        main(["explain", RULES, "--header", "CF-IPCountry: RU", "--url", "/a/x/1.html", "--format", "json"])
        == 0
    )
    document = json.loads(capsys.readouterr().out)
    assert document["reader"]["region"] == "RU"
    assert document["reader"]["source"] == "header"
    assert "CF-IPCountry: RU" in document["reader"]["detail"]
    assert [n["id"] for n in document["shown"]] == ["ru-undesirable-organization"]
    assert document["shown"][0]["language"] == "en"
    assert document["notices"][0]["reasons"][0] == {
        "aspect": "jurisdiction",
        "ok": True,
        "detail": "RU (Russia) is in russia-and-occupied-ukraine (through RU)",
    }


def test_an_unknown_reader_gets_the_readers_unknown_reason(capsys: Capture) -> None:
    assert main(["explain", RULES, "--ip", "203.0.113.9", "--geoip-db", DEMO_DB, "--url", "/a/x/1.html"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("Reader: unknown\n")
    assert "      NO  readers: the reader is unknown; the notice is not listed in readers.unknown" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--ip", "1.2.3", "--geoip-db", DEMO_DB],
            "Error: Invalid value for '--ip': '1.2.3' is not an IP address",
        ),
        (
            ["--region", "UA-99"],
            "Error: Invalid value for '--region': unknown region 'UA-99': Ukraine has no subdivision "
            "with that code (see its codes with: geonotice regions UA)",
        ),
        (
            ["--region", "Georgia"],
            "Error: Invalid value for '--region': 'Georgia' names several places: write 'GE' (Georgia) "
            "or 'US-GA' (Georgia, United States)",
        ),
        (
            ["--region", "RU", "--at", "2025-02-30"],
            "Error: Invalid value for '--at': '2025-02-30': expected a date (2025-01-31) "
            "or a time with its zone (2025-01-31T12:00:00Z)",
        ),
        (
            ["--region", "RU", "--at", "2025-01-01T10:00"],
            "Error: Invalid value for '--at': '2025-01-01T10:00': "
            "give the time with its zone, e.g. 2025-01-31T12:00:00Z",
        ),
        (
            ["--region", "RU", "--lang", "english!"],
            "Error: Invalid value for '--lang': 'english!' is not a language tag",
        ),
        (
            ["--header", "CF-IPCountry"],
            "Error: Invalid value for '--header': 'CF-IPCountry' is not NAME:VALUE",
        ),
        (["--header", "X-Where:RU"], "Error: Invalid value for '--header': no CDN preset sends X-Where"),
    ],
)
def test_bad_arguments_get_a_one_line_error_and_exit_2(
    capsys: Capture, args: list[str], message: str
) -> None:
    assert main(["explain", RULES, "--url", "/a/x/1.html", *args]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith(message)
    assert len(err.splitlines()) == 1


def test_a_bad_url_is_a_usage_error(capsys: Capture) -> None:
    assert main(["explain", RULES, "--region", "RU", "--url", "a/x"]) == 2
    assert (
        "Invalid value for '--url': 'a/x' is not a path starting with / or an http(s) link"
        in capsys.readouterr().err
    )


@pytest.mark.parametrize(
    "args",
    [[], ["--region", "RU", "--ip", "192.0.2.1"], ["--ip", "192.0.2.1"]],
    ids=["no reader", "two readers", "ip without database"],
)
def test_the_reader_must_be_given_one_way(capsys: Capture, args: list[str]) -> None:
    assert main(["explain", RULES, "--url", "/a/x/1.html", *args]) == 2


def test_rules_that_do_not_load_are_a_settings_error(capsys: Capture, tmp_path: Path) -> None:
    rules = tmp_path / "rules.yaml"
    rules.write_text("version: 1\nnotices: [{id: x}]\n")
    assert main(["explain", str(rules), "--region", "RU", "--url", "/"]) == 2
    assert "error(s) in the rules" in capsys.readouterr().err
