"""The evidence recorder: windows counted in memory and written whole when they end, appends
that are whole or absent, a failing disk that costs no request, rotation, and the start-up check."""

from __future__ import annotations

import errno
import json
import logging
import os
import threading
from pathlib import Path
from typing import Any

import pytest

from geonotice.errors import ConfigError
from geonotice.observe.evidence import EvidenceRecorder
from geonotice.observe.evidence.files import EvidenceFile, record_files, write_all
from support.polling import wait_until

KEY = ("d" * 64, "ru-undesirable-organization", "russia-and-occupied-ukraine", "placed", None)
MISS = ("d" * 64, "ru-undesirable-organization", "russia-and-occupied-ukraine", "not-placed", "pathsend")
HOUR = 1_767_225_600  # 2026-01-01T00:00:00Z


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def documents(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for file in record_files(path) for line in file.read_text().splitlines()]


def counts(path: Path) -> list[dict[str, Any]]:
    return [d for d in documents(path) if d["record"] == "counts"]


def test_a_window_is_written_once_it_has_ended_and_never_while_it_fills(tmp_path: Path) -> None:
    clock = Clock(HOUR + 600)
    recorder = EvidenceRecorder(tmp_path / "evidence.jsonl", clock=clock)
    recorder.start()
    for _ in range(3):
        recorder.count(KEY)
    recorder.count(MISS)
    clock.now = HOUR + 3599
    recorder.flush()
    assert counts(tmp_path / "evidence.jsonl") == []
    clock.now = HOUR + 3600 + 5  # the next window: the first is due
    recorder.count(KEY)
    recorder.flush()
    written = counts(tmp_path / "evidence.jsonl")
    windows = [d for d in documents(tmp_path / "evidence.jsonl") if d["record"] == "window"]
    recorder.close()
    assert [(d["window"], d["outcome"], d["reason"], d["count"]) for d in written] == [
        ("2026-01-01T00:00:00Z", "not-placed", "pathsend", 1),
        ("2026-01-01T00:00:00Z", "placed", None, 3),
    ]
    assert all(d["seconds"] == 3600 and set(d) >= {"rules", "notice", "jurisdiction"} for d in written)
    assert windows == [
        {"record": "window", "window": "2026-01-01T00:00:00Z", "seconds": 3600, "recorded": "part"}
    ]


def test_closing_writes_the_open_window_as_a_part(tmp_path: Path) -> None:
    clock = Clock(HOUR + 10)
    recorder = EvidenceRecorder(tmp_path / "evidence.jsonl", clock=clock)
    recorder.start()
    recorder.count(KEY)
    clock.now = HOUR + 20
    recorder.close()
    assert [d["count"] for d in counts(tmp_path / "evidence.jsonl")] == [1]
    assert documents(tmp_path / "evidence.jsonl")[0]["recorded"] == "part"


def test_windows_without_readers_are_recorded_so_gaps_mean_no_record(tmp_path: Path) -> None:
    clock = Clock(HOUR + 10)
    recorder = EvidenceRecorder(tmp_path / "evidence.jsonl", clock=clock, window=60)
    recorder.start()
    for minute in range(1, 4):
        clock.now = HOUR + 60 * minute + 1
        recorder.flush()
    windows = [(d["window"], d["recorded"]) for d in documents(tmp_path / "evidence.jsonl")]
    recorder.close()
    assert windows == [
        ("2026-01-01T00:00:00Z", "part"),
        ("2026-01-01T00:01:00Z", "whole"),
        ("2026-01-01T00:02:00Z", "whole"),
    ]


def test_the_writer_thread_writes_an_ended_window_within_the_flush_interval(tmp_path: Path) -> None:
    recorder = EvidenceRecorder(tmp_path / "evidence.jsonl", window=1, flush_interval=0.2)
    recorder.start()
    try:
        recorder.count(KEY)
        wait_until(
            lambda: counts(tmp_path / "evidence.jsonl"), "the ended window was not written", timeout=15
        )
    finally:
        recorder.close()


def test_a_disk_that_fails_costs_no_count_and_the_lines_are_written_when_it_recovers(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    failing = True

    def append(fd: int, data: bytes) -> None:
        if failing:  # half the bytes make it, then the disk is full: as a real write fails
            os.write(fd, data[: len(data) // 2])
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        write_all(fd, data)

    clock = Clock(HOUR + 10)
    path = tmp_path / "evidence.jsonl"
    recorder = EvidenceRecorder(path, clock=clock, appender=append)
    errors: list[None] = []
    recorder.on_error = lambda: errors.append(None)
    recorder.start()
    recorder.count(KEY)
    with caplog.at_level(logging.ERROR, logger="geonotice.evidence"):
        for moment in (HOUR + 3601, HOUR + 3660, HOUR + 3720):
            clock.now = moment
            recorder.count(KEY)  # requests go on counting
            recorder.flush()
    assert path.read_bytes() == b"", "a failed append leaves no partial line"
    assert len(errors) == 3
    assert [r.getMessage() for r in caplog.records if "cannot be written" in r.getMessage()] == [
        f"evidence record {path} cannot be written: No space left on device; 2 line(s) kept to write "
        "later; readers are served as usual"
    ], "logged once per outage, not at every attempt"
    failing = False
    clock.now = HOUR + 7201
    recorder.flush()
    assert sum(d["count"] for d in counts(path)) == 4
    recorder.close()


def test_appends_of_several_workers_never_interleave(tmp_path: Path) -> None:
    path = tmp_path / "evidence.jsonl"
    files = [EvidenceFile(path, max_bytes=4096) for _ in range(4)]
    line = json.dumps({"record": "window", "pad": "x" * 300})

    def write(file: EvidenceFile) -> None:
        for _ in range(50):
            file.append([line] * 5)

    threads = [threading.Thread(target=write, args=(f,)) for f in files]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    names = [p.name for p in record_files(path)]
    assert len(names) > 10 and names[-1] == "evidence.jsonl" and names[0] == "evidence.jsonl.1"
    assert all(p.stat().st_size <= 4096 for p in record_files(path))
    assert len(documents(path)) == 4 * 50 * 5


@pytest.mark.parametrize(
    ("where", "reason"),
    [
        ("missing/evidence.jsonl", "missing is not a directory"),
        ("a-file/evidence.jsonl", "a-file is not a directory"),
        ("a-directory", "is a directory; give the path of a file"),
    ],
)
def test_an_unwritable_record_is_refused_at_construction(tmp_path: Path, where: str, reason: str) -> None:
    (tmp_path / "a-file").write_text("")
    (tmp_path / "a-directory").mkdir()
    with pytest.raises(ConfigError) as raised:
        EvidenceRecorder(tmp_path / where)
    assert raised.value.setting == "evidence_log"
    assert reason in str(raised.value)
    assert "\n" not in str(raised.value)


def test_the_check_leaves_nothing_behind(tmp_path: Path) -> None:
    EvidenceRecorder(tmp_path / "evidence.jsonl")
    assert list(tmp_path.iterdir()) == []
