"""``geonotice evidence``: the region question answered through the rules versions the record kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geonotice.cli import main
from geonotice.observe.evidence.lines import counts_line, geoip_line, rules_line, window_line
from geonotice.rules import Engine, load_rules

RULES = Path(__file__).resolve().parents[2] / "rules"
NOTICE = "ru-undesirable-organization"
RUSSIA = "russia-and-occupied-ukraine"
HOUR = 1_767_225_600  # 2026-01-01T00:00:00Z
DAY = 86_400


@pytest.fixture
def versions(tmp_path: Path) -> tuple[Engine, Engine]:
    """The shipped rules, and a later version in which Crimea (UA-43) is no longer covered."""
    later = tmp_path / "rules"
    later.mkdir()
    for source in RULES.glob("*.yaml"):
        (later / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    russia = later / "10-russia.yaml"
    russia.write_text(
        russia.read_text(encoding="utf-8").replace("      - UA-43  #", "      #"), encoding="utf-8"
    )
    return Engine(load_rules(RULES)), Engine(load_rules(later))


@pytest.fixture
def record(tmp_path: Path, versions: tuple[Engine, Engine]) -> Path:
    """Two days of hourly windows from two workers: the first version on day one, the second
    on day two, and no record at all for hour 5 of day two (the server was down)."""
    first, second = versions
    path = tmp_path / "evidence.jsonl"
    lines = [
        rules_line(HOUR - 60, engine=first),
        geoip_line(
            HOUR - 60, event="live", path="db.mmdb", kind="GeoLite2-City", built=None, digest="ab" * 32
        ),
    ]
    for hour in range(48):
        start = HOUR + hour * 3600
        engine = first if hour < 24 else second
        if hour == 24:
            lines.append(rules_line(start - 1, engine=second))
        if hour == 29:
            continue
        for _worker in range(2):
            lines.append(window_line(start, 3600, whole=True))
            digest = engine.ruleset.digest
            lines.append(counts_line(start, 3600, (digest, NOTICE, RUSSIA, "placed", None), 10))
            lines.append(
                counts_line(start, 3600, (digest, NOTICE, RUSSIA, "end-of-body", "no-placement-point"), 1)
            )
            if hour == 3:
                lines.append(counts_line(start, 3600, (digest, NOTICE, RUSSIA, "not-placed", "pathsend"), 2))
            lines.append(
                counts_line(start, 3600, (digest, "by-extremist-materials", "belarus", "placed", None), 7)
            )
    path.write_text("".join(line + "\n" for line in lines) + '{"record": "counts", "win\n')
    return path


def first_two_days(region: str) -> list[str]:
    return ["--region", region, "--from", "2026-01-01", "--to", "2026-01-02", "--format", "json"]


def evidence(record: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["evidence", str(record), "--notice", NOTICE, *args])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_readers_in_a_region_count_only_under_the_versions_whose_jurisdiction_held_it(
    record: Path, versions: tuple[Engine, Engine], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = evidence(record, *first_two_days("UA-43"), capsys=capsys)
    assert code == 0
    answer = json.loads(out)
    first, second = versions
    assert [(v["version"], v["applies"]) for v in answer["rules_versions"]] == [
        (first.ruleset.version, True),
        (second.ruleset.version, False),
    ]
    assert answer["counts"] == {
        "shown": 24 * 2 * 11,
        "placed": 24 * 2 * 10,
        "fallback": {"end-of-body": 48},
        "not_placed": 4,
        "not_placed_by_reason": {"pathsend": 4},
    }
    assert answer["first_shown_window"] == "2026-01-01T00:00:00Z"
    assert answer["last_shown_window"] == "2026-01-01T23:00:00Z"
    assert answer["recording"]["missing"] == [{"from": "2026-01-02T05:00:00Z", "to": "2026-01-02T06:00:00Z"}]
    assert answer["recording"]["windows"] == 48 and answer["recording"]["windows_recorded"] == 47
    assert answer["record"]["skipped"] == 1  # the line a crash cut
    assert len(answer["geoip_databases"]) == 1


def test_a_country_counts_the_jurisdictions_that_hold_it_and_those_that_hold_part_of_it(
    record: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out = evidence(record, *first_two_days("RU"), capsys=capsys)
    assert json.loads(out)["counts"]["shown"] == 47 * 2 * 11
    _, out = evidence(record, *first_two_days("UA"), capsys=capsys)
    answer = json.loads(out)
    assert answer["counts"]["shown"] == 0
    assert answer["counts_part_of_region"]["shown"] == 47 * 2 * 11  # both versions hold part of Ukraine


def test_the_text_answer_names_versions_counts_and_gaps(
    record: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = evidence(
        record, "--region", "UA-43", "--from", "2026-01-02", "--to", "2026-01-02", capsys=capsys
    )
    assert code == 0
    assert out.startswith(
        f"Notice {NOTICE} for readers in UA-43, "
        "from 2026-01-02T00:00:00Z to 2026-01-03T00:00:00Z (UTC, end excluded)"
    )
    assert "the notice does not apply to UA-43 under this version" in out
    assert "  not shown in any window of the period" in out
    assert "  23 of 24 windows of 3600 s recorded by at least one worker" in out
    assert "  no record from 2026-01-02T05:00:00Z to 2026-01-02T06:00:00Z" in out
    assert "GeoLite2-City built ?" in out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--region", "XX-99", "--from", "2026-01-01", "--to", "2026-01-02"], "Invalid value for '--region'"),
        (["--region", "RU", "--from", "yesterday", "--to", "2026-01-02"], "Invalid value for '--from'"),
        (["--region", "RU", "--from", "2026-01-03", "--to", "2026-01-02"], "Invalid value for '--to'"),
    ],
)
def test_bad_arguments_are_one_line_and_exit_2(
    record: Path, args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out = evidence(record, *args, capsys=capsys)
    assert code == 2
    assert out.startswith(f"Error: {message}") and out.count("\n") == 1


def test_a_missing_record_is_an_error(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = evidence(
        tmp_path / "none.jsonl", "--region", "RU", "--from", "2026-01-01", "--to", "2026-01-02", capsys=capsys
    )
    assert code == 2
    assert out.startswith(
        "Error: Invalid value for 'PATH': cannot read the evidence record: no evidence record at"
    )
