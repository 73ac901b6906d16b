"""Rules files that cannot be read never vanish silently: ``check`` names them, start-up fails, and
a running server logs them and keeps serving the last good version."""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from pathlib import Path

import pytest

from geonotice.cli import main
from geonotice.errors import RulesError
from geonotice.region import region_from_code
from geonotice.rules import RulesHolder, check_rules
from geonotice.rules.files import near_miss

RULES = """\
version: 1
jurisdictions:
  russia: {regions: [RU]}
notices:
  - id: warning
    applies to: [russia]
    text: {en: <p>A</p>}
    default language: en
"""
MOSCOW = region_from_code("RU-MOW")

Break = Callable[[Path], None]


def dangling(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.with_name("deleted.yaml"))


def loop(path: Path) -> None:
    path.unlink()
    path.symlink_to(path.name)


def directory(path: Path) -> None:
    path.unlink()
    path.mkdir()


def emptied(path: Path) -> None:
    path.write_bytes(b"")  # truncated in place, as a copy that failed half way leaves it


def pipe(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


BREAKS: dict[str, tuple[Break, str]] = {
    "dangling symlink": (
        dangling,
        "error: this is a symbolic link to '{folder}/deleted.yaml', which does not exist: "
        "point the link at the rules file, or delete the link",
    ),
    "symlink loop": (
        loop,
        "error: this is a symbolic link that leads back to itself: point the link at the rules file, "
        "or delete the link",
    ),
    "directory": (
        directory,
        "error: this is a directory, not a file: rules are read only from the folder itself; move its "
        "files up, or rename it so its name does not end in '.yaml'",
    ),
    "emptied": (
        emptied,
        "error: the file is empty, as a deploy that failed half way leaves it: put its rules back, or "
        "delete the file",
    ),
    "named pipe": (
        pipe,
        "error: this is not a regular file (a pipe, a socket or a device): put the file here",
    ),
}


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    rules.mkdir()
    (rules / "00-settings.yaml").write_text("version: 1\n")
    (rules / "10-russia.yaml").write_text(RULES)
    return rules


@pytest.mark.parametrize("how", BREAKS, ids=str)
def test_check_names_a_rules_file_that_cannot_be_read(
    folder: Path, how: str, capsys: pytest.CaptureFixture[str]
) -> None:
    breaking, message = BREAKS[how]
    breaking(folder / "10-russia.yaml")
    assert main(["check", str(folder)]) == 1
    assert capsys.readouterr().out.splitlines() == [
        f"{folder}/10-russia.yaml:1:1: {message.format(folder=folder)}",
        f"{folder}: 1 error, 0 warnings",
    ]


@pytest.mark.parametrize("how", BREAKS, ids=str)
def test_start_up_fails_on_a_rules_file_that_cannot_be_read(folder: Path, how: str) -> None:
    BREAKS[how][0](folder / "10-russia.yaml")
    with pytest.raises(RulesError) as raised:
        RulesHolder(folder, interval=60)
    assert [str(p).split(": ", 1)[0] for p in raised.value.problems] == [f"{folder}/10-russia.yaml:1:1"]


@pytest.mark.parametrize("how", BREAKS, ids=str)
def test_a_running_server_logs_it_and_keeps_the_last_good_version(
    folder: Path, how: str, caplog: pytest.LogCaptureFixture
) -> None:
    holder = RulesHolder(folder, interval=60)
    good = holder.ruleset.version
    BREAKS[how][0](folder / "10-russia.yaml")
    assert holder.check_now()
    assert [n.id for n in holder.engine.evaluate(MOSCOW, "/a/x").notices] == ["warning"]
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    assert errors[0] == f"rules at {folder} not reloaded: 1 error(s); still serving rules version {good}"
    assert errors[1].startswith(f"{folder}/10-russia.yaml:1:1: error: ")


def test_a_folder_whose_only_file_is_empty_fails_check_and_start_up(tmp_path: Path) -> None:
    (tmp_path / "rules.yaml").write_bytes(b"")
    ruleset, problems = check_rules(tmp_path)
    assert ruleset is None and [p.code.name for p in problems] == ["empty-file"]
    with pytest.raises(RulesError):
        RulesHolder(tmp_path, interval=60)


def test_a_file_that_cannot_be_read_hides_no_follow_on_noise(folder: Path) -> None:
    # The notices of 20-more.yaml use a jurisdiction of the unreadable file: saying it is
    # undefined would send the reader after the wrong problem.
    (folder / "20-more.yaml").write_text(
        "version: 1\nnotices:\n  - {id: more, applies to: [russia], text: {en: x}, default language: en}\n"
    )
    dangling(folder / "10-russia.yaml")
    assert [p.code.name for p in check_rules(folder)[1]] == ["unreadable"]


@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("rules.yml", "rules.yaml"),
        ("rules.YAML", "rules.yaml"),
        ("rules.Yaml", "rules.yaml"),
        ("rules.yaml.txt", "rules.yaml"),
        ("rules.yml.txt", "rules.yaml"),
        ("rules.ymal", "rules.yaml"),
        ("rules.yaml ", "rules.yaml"),
        ("rules.yamll", "rules.yaml"),
        ("russia.policy.yml", "russia.policy.yaml"),
        ("rules.yaml", None),
        ("rules.yaml.bak", None),
        ("rules.yaml~", None),
        (".rules.yml", None),
        ("README.md", None),
        ("notes.txt", None),
        ("rules.json", None),
    ],
)
def test_near_miss_names_are_told_apart_from_other_files(name: str, meant: str | None) -> None:
    assert near_miss(name) == meant


def test_a_near_miss_name_is_an_error_that_says_what_to_rename_it(
    folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (folder / "20-belarus.yml").write_text("version: 1\n")
    (folder / "README.md").write_text("Rules of the newsroom.\n")
    assert main(["check", str(folder)]) == 1
    assert capsys.readouterr().out.splitlines()[0] == (
        f"{folder}/20-belarus.yml:1:1: error: this file is not read: rules files end in '.yaml'; "
        "rename it '20-belarus.yaml' to be read"
    )
