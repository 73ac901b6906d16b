"""Reloading while serving: valid edits replace the rules atomically, invalid ones are logged and
rejected, and the last good version keeps serving."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path

import pytest

from geonotice.errors import RulesError
from geonotice.region import region_from_code
from geonotice.rules import Engine, RulesHolder, load_rules
from support.polling import wait_until

RULES = """\
version: 1
jurisdictions:
  russia:
    regions: [RU]
notices:
  - id: {notice_id}
    applies to: [russia]
    text: {{en: <p>A</p>}}
    default language: en
"""
MOSCOW = region_from_code("RU-MOW")


def write(path: Path, notice_id: str) -> None:
    # Write then rename, as editors and deployment tools do, so a reader never sees half a file.
    temporary = path.with_suffix(".tmp")
    temporary.write_text(RULES.format(notice_id=notice_id))
    os.replace(temporary, path)


def served(holder: RulesHolder) -> list[str]:
    return [n.id for n in holder.engine.evaluate(MOSCOW, "/a/x").notices]


@pytest.fixture
def rules_dir(tmp_path: Path) -> Path:
    directory = tmp_path / "rules"
    directory.mkdir()
    write(directory / "main.yaml", "first")
    return directory


def test_invalid_rules_at_start_up_raise_with_every_problem(tmp_path: Path) -> None:
    (tmp_path / "bad.yaml").write_text("version: 1\njurisdictions:\n  a: {regions: [UA-99, XX]}\n")
    with pytest.raises(RulesError) as raised:
        RulesHolder(tmp_path)
    assert [p.code.name for p in raised.value.problems if p.level == "error"] == [
        "invalid-region",
        "invalid-region",
    ]


def test_a_valid_edit_is_served_without_a_restart(rules_dir: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="geonotice.rules")
    with RulesHolder(rules_dir, interval=0.05) as holder:
        assert served(holder) == ["first"]
        write(rules_dir / "main.yaml", "second")
        wait_until(lambda: served(holder) == ["second"], "the edit was not served")
    assert holder.version == 2
    digest = holder.ruleset.version
    assert any(f"reloaded: rules version {digest}, 1 notice(s)" in r.getMessage() for r in caplog.records)


def test_an_invalid_edit_is_logged_and_the_last_good_version_keeps_serving(
    rules_dir: Path, caplog: pytest.LogCaptureFixture
) -> None:
    holder = RulesHolder(rules_dir, interval=60)
    good = holder.ruleset.version
    (rules_dir / "main.yaml").write_text(RULES.format(notice_id="second").replace("[RU]", "[RU, UA-99]"))
    assert holder.check_now() is True
    assert served(holder) == ["first"]
    assert holder.version == 1
    errors = [r.getMessage() for r in caplog.records if r.levelno == logging.ERROR]
    expected = f"rules at {rules_dir} not reloaded: 1 error(s); still serving rules version {good}"
    assert errors[0].startswith(expected)
    assert errors[1] == str(holder.problems[0])
    assert errors[1].startswith(f"{rules_dir / 'main.yaml'}:4:19: error: jurisdiction 'russia': regions[1]: ")
    # Fixed again: served.
    write(rules_dir / "main.yaml", "third")
    assert holder.check_now() is True
    assert served(holder) == ["third"]


def test_added_and_removed_files_count(rules_dir: Path) -> None:
    holder = RulesHolder(rules_dir, interval=60)
    extra = rules_dir / "extra.yaml"
    extra.write_text(RULES.format(notice_id="extra").replace("russia", "russia2"))
    assert holder.check_now()
    assert served(holder) == ["extra", "first"]
    extra.unlink()
    assert holder.check_now()
    assert served(holder) == ["first"]
    assert not holder.check_now()  # nothing changed since


def test_swapping_a_symlinked_directory_is_noticed(tmp_path: Path) -> None:
    # The way a Kubernetes ConfigMap volume updates: the files are links through ..data, and
    # ..data is atomically re-pointed at a new hidden directory.
    mounted = tmp_path / "mounted"
    mounted.mkdir()
    for version in ("..v1", "..v2"):
        (mounted / version).mkdir()
        write(mounted / version / "main.yaml", f"notice-{version[2:]}")
    (mounted / "..data").symlink_to("..v1")
    (mounted / "main.yaml").symlink_to("..data/main.yaml")
    holder = RulesHolder(mounted, interval=60)
    assert served(holder) == ["notice-v1"]  # hidden entries are not read twice
    (mounted / "..data.new").symlink_to("..v2")
    os.replace(mounted / "..data.new", mounted / "..data")
    assert holder.check_now()
    assert served(holder) == ["notice-v2"]


def test_requests_during_reloads_always_get_a_whole_version(rules_dir: Path) -> None:
    holder = RulesHolder(rules_dir, interval=0.01)
    seen: set[tuple[str, ...]] = set()
    failures: list[BaseException] = []
    stop = threading.Event()

    def serve() -> None:
        try:
            while not stop.is_set():
                engine = holder.engine  # one read per request
                seen.add(tuple(n.id for n in engine.evaluate(MOSCOW, "/a/x").notices))
        except BaseException as error:  # pragma: no cover - reported below
            failures.append(error)

    with holder:
        thread = threading.Thread(target=serve)
        thread.start()
        try:
            for number in range(5):
                write(rules_dir / "main.yaml", f"edit-{number}")
                time.sleep(0.05)
            # The requests themselves must meet the last version, or no reload happened under them.
            wait_until(lambda: ("edit-4",) in seen or failures, "no request was answered by the last edit")
        finally:
            stop.set()
            thread.join()
    assert not failures
    assert seen <= {("first",), *((f"edit-{n}",) for n in range(5))}


def test_a_given_ruleset_is_served_and_not_watched(rules_dir: Path) -> None:
    holder = RulesHolder(load_rules(rules_dir))
    holder.start()
    assert isinstance(holder.engine, Engine) and served(holder) == ["first"]
    assert holder.reload() is False and holder.check_now() is False
    holder.stop()


def test_each_rules_version_has_a_digest_of_its_files(rules_dir: Path, tmp_path: Path) -> None:
    first = RulesHolder(rules_dir, interval=60).ruleset
    assert len(first.digest) == 64 and first.version == first.digest[:12]
    assert [Path(f.path).name for f in first.files] == ["main.yaml"]
    # The same files elsewhere are the same version; an edit is a new one.
    moved = tmp_path / "elsewhere"
    moved.mkdir()
    (moved / "main.yaml").write_bytes((rules_dir / "main.yaml").read_bytes())
    assert RulesHolder(moved, interval=60).ruleset.digest == first.digest
    write(rules_dir / "main.yaml", "second")
    assert RulesHolder(rules_dir, interval=60).ruleset.digest != first.digest
