"""A database replaced in any way is loaded whole or refused, and no lookup ever touches a file
that shrank: rename, copy over, truncate-and-write, delete-and-recreate, symlink swap.

Each way runs in a child process (``scenario`` below): before the database was copied aside, a
lookup after ``cp new.mmdb city.mmdb`` died of SIGBUS, which would take pytest down with it.
Here a crash is an exit status, and the test says which way and which step caused it.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from geonotice.errors import GeoIPDatabaseError
from geonotice.locate import Locator, snapshot
from geonotice.locate.geoip import GeoIPDatabase
from geonotice.locate.snapshot import private_copy
from geonotice.region import UNKNOWN, Region
from support.geodb import city_record, reader_records, write_database
from support.readers import READERS, READERS_V6

from .helpers import http_scope

if TYPE_CHECKING:
    from conftest import MakeDatabase

TESTS = Path(__file__).resolve().parents[1]
RU_MOW = Region("RU", ("RU-MOW",))
DE_BE = Region("DE", ("DE-BE",))

# A way of replacing ``path`` by the bytes ``new``, as a generator: it yields a name at each
# moment a lookup could fall in the middle (the file empty, half written, missing).
Way = Callable[[Path, bytes], Iterator[str]]


def rename(path: Path, new: bytes) -> Iterator[str]:
    staged = path.with_name(path.name + ".new")
    staged.write_bytes(new)
    yield "staged next to it"
    os.replace(staged, path)


def copy_over(path: Path, new: bytes) -> Iterator[str]:
    # What ``cp new.mmdb city.mmdb`` does: same inode, truncated, then written.
    source = path.with_name("source.mmdb")
    source.write_bytes(new)
    yield "source ready"
    shutil.copyfile(source, path)


def truncate_and_write(path: Path, new: bytes) -> Iterator[str]:
    with open(path, "r+b") as file:
        file.truncate(0)
        file.flush()
        yield "truncated"
        file.write(new[: len(new) // 2])
        file.flush()
        yield "half written"
        file.write(new[len(new) // 2 :])


def delete_and_recreate(path: Path, new: bytes) -> Iterator[str]:
    path.unlink()
    yield "deleted"
    with open(path, "wb") as file:
        file.write(new[:100])
        file.flush()
        yield "recreated, partly written"
        file.write(new[100:])


def symlink_swap(path: Path, new: bytes) -> Iterator[str]:
    # ``path`` is a link to a versioned file, re-pointed atomically (as a Kubernetes volume is).
    target = path.with_name("v2.mmdb")
    target.write_bytes(new)
    yield "new version beside"
    link = path.with_name("link.new")
    link.symlink_to(target.name)
    os.replace(link, path)


WAYS: dict[str, Way] = {
    "rename": rename,
    "copy-over": copy_over,
    "truncate-and-write": truncate_and_write,
    "delete-and-recreate": delete_and_recreate,
    "symlink-swap": symlink_swap,
}


def _addresses() -> list[str]:
    """Every address of the test networks, IPv4 and IPv6, so that lookups touch every page."""
    found = [f"192.0.2.{i}" for i in range(256)] + [f"198.51.100.{i}" for i in range(256)]
    return found + [f"2001:db8:{i:x}::{j}" for i in range(1, 14) for j in (1, 99)]


def scenario(way_name: str, path_text: str, new_text: str, out_text: str) -> None:
    """The child process: serve lookups through every step of one way of replacing the file,
    checking for changes at each step, and write down what each step answered."""
    path, new = Path(path_text), Path(new_text).read_bytes()
    locator = Locator(geoip_db=path, cache_size=4)  # a tiny cache: lookups reach the file
    steps: list[dict[str, object]] = []

    def regions() -> list[str]:
        return sorted({str(locator.locate(http_scope(address))) for address in _addresses()})

    def record(step: str) -> None:
        before = regions()
        seen = locator.check_now()
        steps.append({"step": step, "before_check": before, "after_check": regions(), "seen": seen})

    record("before")
    for step in WAYS[way_name](path, new):
        record(step)
    record("done")
    Path(out_text).write_text(json.dumps(steps))


def run_scenario(way: str, path: Path, new: Path, tmp_path: Path) -> list[dict[str, object]]:
    out = tmp_path / "steps.json"
    code = (
        "import sys; from locate.test_database_replacement import scenario; "
        f"scenario({way!r}, {str(path)!r}, {str(new)!r}, {str(out)!r})"
    )
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")])}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120)
    if done.returncode < 0:
        pytest.fail(f"{way}: the process died of {signal.Signals(-done.returncode).name}\n{done.stderr}")
    assert done.returncode == 0, done.stderr
    steps: list[dict[str, object]] = json.loads(out.read_text())
    return steps


@pytest.fixture
def databases(make_db: MakeDatabase) -> tuple[Path, Path]:
    """The database in service (Moscow is in Moscow) and its next release (Moscow in Berlin)."""
    current = make_db(reader_records(), name="city.mmdb")
    berlin = city_record("DE", ["BE"], "Berlin")
    following = make_db([("192.0.2.0/24", berlin), ("2001:db8::/32", berlin)], name="next.mmdb")
    return current, following


@pytest.mark.parametrize("way", sorted(WAYS))
def test_every_way_of_replacing_the_database_is_loaded_whole_or_refused(
    way: str, databases: tuple[Path, Path], tmp_path: Path
) -> None:
    current, following = databases
    path = current
    if way == "symlink-swap":
        path = tmp_path / "GeoLite2-City.mmdb"
        current.rename(tmp_path / "v1.mmdb")
        path.symlink_to("v1.mmdb")
    steps = run_scenario(way, path, following, tmp_path)
    # Until the new file is whole, the old database answers, whatever the check saw; then the
    # new one alone answers.
    old = steps[0]["before_check"]
    assert "RU-MOW" in old and "UA-43" in old  # type: ignore[operator]
    for step in steps[:-1]:
        assert step["before_check"] == step["after_check"] == old, step
    assert steps[-1]["before_check"] == old
    assert steps[-1]["after_check"] == sorted({"DE-BE", str(UNKNOWN)})


def test_lookups_survive_the_file_being_truncated_under_them(
    databases: tuple[Path, Path], tmp_path: Path
) -> None:
    # The bare crash of the issue: no check in between, just a truncation and fresh lookups.
    current, _ = databases
    code = (
        "import sys; from geonotice.locate import Locator; "
        f"locator = Locator(geoip_db={str(current)!r}, cache_size=4); "
        f"open({str(current)!r}, 'r+b').truncate(0); "
        "print(sorted({str(locator.locate_address(f'192.0.2.{i}')) for i in range(256)}))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, f"exit status {done.returncode}: {done.stderr}"
    assert "RU-MOW" in done.stdout


## Refusals: said once, tried again


def test_a_refusal_is_logged_once_and_the_file_tried_again(
    databases: tuple[Path, Path], caplog: pytest.LogCaptureFixture
) -> None:
    current, following = databases
    locator = Locator(geoip_db=current, reload_interval=0.01)
    current.write_bytes(b"not yet")
    with caplog.at_level(logging.DEBUG, logger="geonotice.locate"):
        for _ in range(3):
            locator.check_now()
    errors = [r for r in caplog.records if r.levelno == logging.ERROR]
    assert len(errors) == 1
    assert "previous one keeps serving" in errors[0].getMessage()
    assert locator.locate_address(READERS["moscow"]) == RU_MOW
    # Written whole now: taken on the next check, without any other sign of change needed.
    current.write_bytes(following.read_bytes())
    locator.check_now()
    assert locator.locate_address(READERS_V6["moscow"]) == DE_BE


def test_a_file_that_changes_while_it_is_checked_waits_for_the_next_check(
    databases: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    current, following = databases
    locator = Locator(geoip_db=current)
    signatures = iter(range(1000))
    watcher = locator._watcher
    assert watcher is not None
    monkeypatch.setattr(watcher, "_signature", lambda: next(signatures))  # never the same twice
    current.write_bytes(following.read_bytes())
    assert locator.check_now() is False
    assert locator.locate_address(READERS["moscow"]) == RU_MOW


def test_a_copy_caught_mid_write_is_refused(
    databases: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    current, _ = databases
    real_copy = shutil.copyfileobj

    def copy_while_written(source: object, target: object, length: int = 0) -> None:
        real_copy(source, target, length)  # type: ignore[arg-type]
        with open(current, "ab") as file:  # the writer was still at it
            file.write(b"more")

    monkeypatch.setattr(snapshot.shutil, "copyfileobj", copy_while_written)
    with pytest.raises(GeoIPDatabaseError, match="changed while it was being read"):
        GeoIPDatabase.open(current)


def test_the_private_copy_leaves_nothing_behind(databases: tuple[Path, Path], tmp_path: Path) -> None:
    current, _ = databases
    private = tmp_path / "private"
    private.mkdir()
    with private_copy(current, str(private)) as snapshot:
        assert snapshot.path.read_bytes() == current.read_bytes()
        assert snapshot.path.stat().st_mode & 0o077 == 0
        assert snapshot.source.size == current.stat().st_size
    assert list(private.iterdir()) == []


def test_a_database_path_that_is_not_a_file_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "city.mmdb"
    os.mkfifo(fifo)
    writer = os.open(fifo, os.O_RDWR)  # so that opening it to read does not wait for one
    try:
        with pytest.raises(GeoIPDatabaseError, match="not a regular file"):
            GeoIPDatabase.open(fifo)
    finally:
        os.close(writer)


def test_the_database_written_by_the_tests_is_sound(tmp_path: Path) -> None:
    write_database(tmp_path / "x.mmdb", reader_records())
    Locator(geoip_db=tmp_path / "x.mmdb")
