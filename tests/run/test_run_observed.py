"""``geonotice run`` observed for real: uvicorn with two workers, their metrics added up on
``--metrics-port`` and checked by promtool, the evidence record they share, a rules change seen
everywhere, a record that names no reader, a crash that loses at most the open window, and a
disk that fills up."""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from geonotice.cli import main
from geonotice.demo import DEMO_DATABASE
from support.polling import wait_until
from support.readers import READERS, READERS_V6

if TYPE_CHECKING:
    from conftest import Launcher, Served

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules"
DEMO_DB = DEMO_DATABASE
PATH = "/a/harbour-cranes-fall-silent/7.html"
MOSCOW = READERS["moscow"]
NOTICE = "ru-undesirable-organization"
# The settings that are checked before serving, for the tests of bad options.
CHECKED_RUN = [
    "run",
    "starlette_news:app",
    "--app-dir",
    "examples",
    "--rules",
    str(RULES),
    "--geoip-db",
    str(DEMO_DB),
]
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) ReaderTwelve/77.0 UniqueAgentMarker"


def copy_rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    rules.mkdir()
    for source in RULES.glob("*.yaml"):
        (rules / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    return rules


def start(
    launcher: Launcher, tmp_path: Path, *extra: str, workers: int = 2, env: dict[str, str] | None = None
) -> Served:
    args = [
        "run", "starlette_news:app", "--app-dir", "examples", "--port", "0", "--workers", str(workers),
        "--rules", str(tmp_path / "rules"), "--geoip-db", str(DEMO_DB), "--trusted-proxy", "127.0.0.1",
        "--metrics-port", "0", "--reload-interval", "0.2", *extra,
    ]  # fmt: skip
    return launcher.start(args, env=env, ready="/metrics")


def both_started(served: Served) -> None:
    """Wait for both workers: the parent prints its addresses before it starts them."""
    wait_until(
        lambda: served.log.read_text().count("Application startup complete.") == 2,
        "the two workers did not start",
        timeout=30,
    )


def metrics_url(served: Served) -> str:
    return next(word for word in served.printed.split() if word.endswith("/metrics"))


def scrape(served: Served) -> tuple[str, dict[str, float]]:
    """The exposition, and its samples by name and labels (``name{a="b"}``)."""
    text = httpx.get(metrics_url(served), timeout=10).text
    values = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            labels = ",".join(f'{k}="{v}"' for k, v in sorted(sample.labels.items()))
            values[f"{sample.name}{{{labels}}}"] = sample.value
    return text, values


def total(values: dict[str, float], name: str, **labels: str) -> float:
    wanted = [f'{k}="{v}"' for k, v in labels.items()]
    return sum(v for key, v in values.items() if key.startswith(name + "{") and all(w in key for w in wanted))


def read_record(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def served_notice(http: httpx.Client, address: str = MOSCOW) -> httpx.Response:
    # A new connection per request, so that both workers take some.
    response = http.get(
        PATH, headers={"x-forwarded-for": address, "connection": "close", "user-agent": USER_AGENT}
    )
    assert response.status_code == 200
    return response


def test_two_workers_count_together_and_promtool_accepts_the_exposition(
    launcher: Launcher, tmp_path: Path
) -> None:
    copy_rules(tmp_path)
    directory = tmp_path / "prometheus"
    directory.mkdir()
    (directory / "counter_1.db").write_bytes(b"stale values of an earlier run")
    served = start(launcher, tmp_path, env={"PROMETHEUS_MULTIPROC_DIR": str(directory)})
    sent = 0
    with served.client() as http:

        def both_workers_served() -> bool:
            nonlocal sent
            for _ in range(10):
                served_notice(http)
                sent += 1
            return len(list(directory.glob("counter_*.db"))) == 2

        wait_until(both_workers_served, "one worker took every request", timeout=30, interval=0)
    text, values = wait_until(
        lambda: (s := scrape(served)) and total(s[1], "geonotice_covered_responses_total") == sent and s,
        "the workers did not publish every count",  # they publish once a second
        timeout=10,
    )
    assert total(values, "geonotice_notices_served_total", notice=NOTICE, outcome="placed") == sent
    assert total(values, "geonotice_covered_responses_total", source="database", notices="yes") == sent
    timed = total(values, "geonotice_added_duration_seconds_count")
    assert 2 <= timed <= sent // 8 + 2  # each worker times its first and one in 8 after it
    if shutil.which("promtool") is None and os.environ.get("CI"):
        pytest.fail("promtool is missing: scripts/setup --with-system-packages installs Debian's prometheus")
    if shutil.which("promtool") is not None:
        checked = subprocess.run(["promtool", "check", "metrics"], input=text, capture_output=True, text=True)
        assert checked.returncode == 0, checked.stdout + checked.stderr


def test_a_rules_change_reaches_the_metrics_the_evidence_record_and_the_header(
    launcher: Launcher, tmp_path: Path
) -> None:
    rules = copy_rules(tmp_path)
    record = tmp_path / "evidence.jsonl"
    served = start(launcher, tmp_path, "--evidence-log", str(record))
    both_started(served)  # a worker that starts after the edit loads the new rules as its first
    with served.client() as http:
        before = served_notice(http).headers["legal-notices-version"]
        belarus = rules / "20-belarus.yaml"
        edited = belarus.read_text(encoding="utf-8").replace("title: Warning", "title: A warning", 1)
        staged = rules / "20-belarus.yaml.new"
        staged.write_text(edited, encoding="utf-8")
        staged.replace(belarus)
        after = wait_until(
            lambda: (v := served_notice(http).headers["legal-notices-version"]) != before and v,
            "the new rules version did not reach the header",
            timeout=20,
        )
        wait_until(
            lambda: scrape(served)[1].get('geonotice_rules_reloads_total{result="applied"}') == 2,
            "both workers did not apply the new version",
            timeout=20,
        )
        staged.write_text("version: 1\nnotices: [oops\n", encoding="utf-8")
        staged.replace(rules / "30-broken.yaml")
        _, values = wait_until(
            lambda: (
                (s := scrape(served))[1].get('geonotice_rules_reloads_total{result="refused"}') == 2 and s
            ),
            "both workers did not count the refused version",
            timeout=20,
        )
    assert values[f'geonotice_rules_info{{digest="{_digest(values, after)}",version="{after}"}}'] == 1
    assert values[f'geonotice_rules_info{{digest="{_digest(values, before)}",version="{before}"}}'] == 0
    assert values['geonotice_rules_reloads_total{result="applied"}'] == 2  # once in each worker
    lines = wait_until(
        lambda: (r := read_record(record)) and any(line.get("event") == "refused" for line in r) and r,
        "the refused version did not reach the evidence record",
        timeout=20,
    )
    live = {line["version"] for line in lines if line["record"] == "rules" and line["event"] == "live"}
    assert live == {before, after}
    refused = [line for line in lines if line["record"] == "rules" and line["event"] == "refused"]
    assert refused[0]["validator"]["errors"] >= 1
    assert "30-broken.yaml" in {Path(f["path"]).name for f in refused[0]["files"]}


def _digest(values: dict[str, float], version: str) -> str:
    key = next(k for k in values if k.startswith("geonotice_rules_info{") and f'version="{version}"' in k)
    return key.split('digest="', 1)[1].split('"', 1)[0]


def test_the_evidence_record_names_no_address_no_user_agent_and_no_request_time(
    launcher: Launcher, tmp_path: Path
) -> None:
    copy_rules(tmp_path)
    record = tmp_path / "evidence.jsonl"
    served = start(launcher, tmp_path, "--evidence-log", str(record))
    addresses = [*READERS.values(), *READERS_V6.values()] + [f"203.0.113.{n}" for n in range(1, 41)]
    with served.client() as http:
        for address in addresses:
            http.get(
                PATH, headers={"x-forwarded-for": address, "user-agent": USER_AGENT, "cookie": "reader=4711"}
            )
    served.process.send_signal(signal.SIGTERM)
    served.process.wait(30)
    raw = record.read_text(encoding="utf-8")
    assert '"record": "counts"' in raw
    for address in addresses:
        assert address not in raw, address
    for secret in (USER_AGENT, "UniqueAgentMarker", "reader=4711", PATH, "harbour-cranes"):
        assert secret not in raw
    for line in read_record(record):
        if line["record"] in ("counts", "window"):
            assert set(line) <= {"record", "window", "seconds", "rules", "notice", "jurisdiction", "outcome",
                                 "reason", "count", "recorded"}  # fmt: skip
            moment = time.strptime(line["window"], "%Y-%m-%dT%H:%M:%SZ")
            assert (moment.tm_hour, moment.tm_min, moment.tm_sec) == (moment.tm_hour, 0, 0), "hours only"


def _kill_everything(served: Served) -> None:
    """SIGKILL the workers, then the supervisor: a crash, with nothing flushed."""
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(served.process.pid)], capture_output=True, text=True
    ).stdout.split()
    for pid in children:
        os.kill(int(pid), signal.SIGKILL)
    served.process.kill()
    served.process.wait(10)


def test_killing_the_server_mid_window_loses_at_most_that_window(launcher: Launcher, tmp_path: Path) -> None:
    copy_rules(tmp_path)
    record = tmp_path / "evidence.jsonl"
    window = 4
    served = start(launcher, tmp_path, "--evidence-log", str(record), "--evidence-window", str(window))

    def at_window_start() -> bool:
        return time.time() % window < 0.3

    def counted() -> list[dict[str, Any]]:
        lines = read_record(record) if record.exists() else []
        return [line for line in lines if line["record"] == "counts"]

    with served.client() as http:
        wait_until(at_window_start, "no window began", timeout=3 * window, interval=0.01)
        for _ in range(6):
            served_notice(http)
        # Each worker appends its own lines when the window ends, a moment apart under load:
        # wait for every one of them.
        written = wait_until(
            lambda: (lines := counted()) and sum(line["count"] for line in lines) == 6 and lines,
            "the ended window was not written whole",
            timeout=3 * window + 10,
        )
        wait_until(at_window_start, "no window began", timeout=3 * window, interval=0.01)
        opened = int(time.time()) // window
        for _ in range(4):
            served_notice(http)
        _kill_everything(served)
        killed = int(time.time()) // window
    lines = read_record(record)  # every line whole
    counts = [line for line in lines if line["record"] == "counts"]
    if killed == opened:
        assert sum(line["count"] for line in counts) == 6, "the ended window is whole, the open one lost"
        assert {line["window"] for line in counts} == {line["window"] for line in written}
    else:
        # A machine so slow that the window ended among the last requests: that window's share
        # of them may have been written before the kill, the rest was open and is lost.
        assert 6 <= sum(line["count"] for line in counts) <= 10


def test_an_unwritable_evidence_record_is_refused_before_serving(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([*CHECKED_RUN, "--evidence-log", str(tmp_path / "no-such-directory" / "evidence.jsonl")])
    err = capsys.readouterr().err
    assert code == 2
    assert err == (
        f"Error: --evidence-log: cannot write to {tmp_path}/no-such-directory/evidence.jsonl: "
        f"{tmp_path}/no-such-directory is not a directory\n"
    )


@pytest.fixture
def tiny_disk(tmp_path: Path) -> Any:
    """A 64 KiB tmpfs mounted in the test's directory, where the machine lets us mount one."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a small file system here (not root); the in-process test uses a seam")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_disk_that_fills_up_is_logged_and_counted_and_readers_are_served(
    launcher: Launcher, tmp_path: Path, tiny_disk: Path
) -> None:
    copy_rules(tmp_path)
    record = tiny_disk / "evidence.jsonl"
    served = start(launcher, tmp_path, "--evidence-log", str(record), "--evidence-window", "1", workers=1)
    wait_until(
        lambda: record.exists() and record.stat().st_size > 0, "nothing was written at start", timeout=10
    )
    filler = tiny_disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        while os.write(fd, b"\0" * 512):
            pass
    except OSError:  # the disk is full
        pass
    finally:
        os.close(fd)
    sent = 0
    with served.client() as http:

        def failed_and_counted() -> bool:
            # Requests go on, and each window's lines need more room, until the last partly
            # filled page of the record is full too.
            nonlocal sent
            served_notice(http)
            sent += 1
            return scrape(served)[1].get("geonotice_evidence_write_errors_total{}", 0) >= 1

        wait_until(failed_and_counted, "the failed write was not counted", timeout=60, interval=0.2)
        assert "cannot be written: No space left on device" in served.log.read_text()
        for _ in range(5):
            served_notice(http)  # readers are served as usual
        sent += 5
        filler.unlink()
        wait_until(
            lambda: "is written again" in served.log.read_text(),
            "the held lines were not written",
            timeout=15,
        )
        served.process.send_signal(signal.SIGTERM)
        served.process.wait(30)
    assert sum(line["count"] for line in read_record(record) if line["record"] == "counts") == sent


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--evidence-window", "7"], "--evidence-window: 7 does not divide a day into whole windows"),
        (["--evidence-window", "0"], "--evidence-window: 0 is out of range: it must be from 1 to 86400"),
        (
            ["--version-header", "Rules Version"],
            "--version-header: 'Rules Version' is not an HTTP header name",
        ),
        (["--metrics-port", "70000"], "--metrics-port: 70000 is out of range: it must be from 0 to 65535"),
    ],
)
def test_run_names_the_observing_option_at_fault(
    extra: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main([*CHECKED_RUN, *extra])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"Error: {expected}") and err.count("\n") == 1


def test_a_metrics_port_that_is_taken_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main([*CHECKED_RUN, "--port", "0", "--metrics-port", str(port)])
    err = capsys.readouterr().err
    assert code == 2
    assert err == f"Error: --metrics-port: cannot listen on 127.0.0.1:{port}: Address already in use\n"
