"""A stale database is a warning once a day, across every process on the machine, for as long
as it stays stale: not once per worker at start-up and then never again."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from geonotice.locate import Locator, staleness
from support.geodb import reader_records

if TYPE_CHECKING:
    from conftest import MakeDatabase

OLD = 1_600_000_000  # September 2020


def warnings_in(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "geonotice.locate.staleness"]


@pytest.fixture
def old_db(make_db: MakeDatabase) -> Path:
    return make_db(reader_records(), build_epoch=OLD)


def test_workers_sharing_a_stale_database_warn_once_between_them(
    old_db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="geonotice.locate.staleness")
    workers = [Locator(geoip_db=old_db) for _ in range(4)]  # each as if in its own process
    assert len(warnings_in(caplog)) == 1
    assert "days old" in warnings_in(caplog)[0]
    assert str(old_db) in warnings_in(caplog)[0]
    for worker in workers:
        worker._remind()  # the watcher's ticks
    assert len(warnings_in(caplog)) == 1


def test_the_warning_comes_again_the_next_day(old_db: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="geonotice.locate.staleness")
    locator = Locator(geoip_db=old_db)
    locator._remind()
    assert len(warnings_in(caplog)) == 1
    # A day later (the marker says so, and this process's own wait is over).
    for marker in staleness.MARKER_DIR.iterdir():  # type: ignore[union-attr]
        marker.write_text(repr(float(marker.read_text()) - staleness.EVERY.total_seconds() - 1))
    locator._staleness._next_look = 0.0
    locator._remind()
    assert len(warnings_in(caplog)) == 2


def test_a_fresh_database_gives_no_warning(make_db: MakeDatabase, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.WARNING, logger="geonotice.locate.staleness")
    locator = Locator(geoip_db=make_db(reader_records()))
    locator._remind()
    assert warnings_in(caplog) == []


def test_a_process_that_lowered_the_logger_claims_nothing(
    old_db: Path, caplog: pytest.LogCaptureFixture
) -> None:
    # The demo lowers the logger while it opens its fictional database; that must not silence
    # the warning for a process that did not.
    quiet = logging.getLogger("geonotice.locate.staleness")
    quiet.setLevel(logging.ERROR)
    try:
        Locator(geoip_db=old_db)
    finally:
        quiet.setLevel(logging.NOTSET)
    caplog.set_level(logging.WARNING, logger="geonotice.locate.staleness")
    Locator(geoip_db=old_db)
    assert len(warnings_in(caplog)) == 1


def test_without_a_usable_marker_directory_each_process_warns(
    old_db: Path, tmp_path: Path, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    not_a_directory = tmp_path / "file"
    not_a_directory.write_text("")
    monkeypatch.setattr(staleness, "MARKER_DIR", not_a_directory)
    caplog.set_level(logging.WARNING, logger="geonotice.locate.staleness")
    Locator(geoip_db=old_db)
    Locator(geoip_db=old_db)
    assert len(warnings_in(caplog)) == 2


@pytest.mark.skipif(not hasattr(os, "getuid"), reason="POSIX users")
def test_the_default_marker_directory_must_be_private(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(staleness, "MARKER_DIR", None)
    monkeypatch.setattr(staleness.tempfile, "gettempdir", lambda: str(tmp_path))
    made = staleness._marker_dir()
    assert made == tmp_path / f"geonotice-{os.getuid()}"
    assert made.stat().st_mode & 0o777 == 0o700
    made.chmod(0o777)  # others could forge or plant markers
    assert staleness._marker_dir() is None
    made.rmdir()
    (tmp_path / "elsewhere").mkdir(mode=0o700)
    made.symlink_to(tmp_path / "elsewhere")
    assert staleness._marker_dir() is None
