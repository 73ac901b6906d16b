"""Fault injection: the database and the rules rewritten in every way while a real server is
under load. Zero failed requests, zero crashed workers, zero wrong decisions.

``geonotice run`` serves a small news app with two worker processes, in a subprocess, so that a
worker killed by SIGBUS (what a database rewritten in place used to do) is seen in the server's
log and as failed requests, not felt by pytest. A few threads request an article for readers in
Moscow, Crimea, Minsk, Berlin and New York, a few hundred requests in all, while the database and
a rules file are replaced, each in turn, by renaming, copying over, truncating and writing,
deleting and re-creating, and swapping a symlink, several times.

The two database versions, and the two rules versions, agree on every reader requested (they
differ elsewhere: more networks, other build dates, a notice's title), so the right decision
never depends on which version answered: any other decision came from a file caught half-way,
which must never be loaded. The database's in-between states last 150 ms (long enough to be seen
and refused); the rules file's last 10 ms, as a ``cp`` or a deploy script leaves them (the
watcher acts only on a change that has settled).
"""

from __future__ import annotations

import ipaddress
import random
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from support.geodb import city_record, reader_records, write_database
from support.polling import wait_until

if TYPE_CHECKING:
    from conftest import Launcher

REPO = Path(__file__).resolve().parents[2]
ARTICLE = "/a/harbour-cranes-fall-silent/7.html"
REQUESTS = 300
# Where readers are, one /8 each in both database versions: every request comes from an address
# in a /24 not seen before, so that it is looked up in the database, not answered by a cache.
READERS_AT = {
    "moscow": ("5.0.0.0/8", city_record("RU", ["MOW"], "Moscow")),
    "crimea": ("91.0.0.0/8", city_record("UA", ["43"], "Simferopol")),
    "minsk": ("31.0.0.0/8", city_record("BY", ["HM"], "Minsk")),
    "berlin": ("46.0.0.0/8", city_record("DE", ["BE"], "Berlin")),
    "new-york": ("8.0.0.0/8", city_record("US", ["NY"], "New York")),
}
EXPECTED = {  # reader -> the notices their page must carry, in every version of both files
    "moscow": ["ru-undesirable-organization"],
    "crimea": ["ru-undesirable-organization"],
    "minsk": ["by-extremist-materials"],
    "berlin": [],
    "new-york": [],
}
APP = """
import logging

logging.basicConfig(level=logging.INFO, format="%(process)d %(levelname)s %(name)s: %(message)s")
PAGE = (
    b'<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Cranes</title></head>'
    b"<body><main><article><h1>Harbour cranes fall silent</h1><p>The story.</p></article></main>"
    b"</body></html>"
)


async def app(scope, receive, send):
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            await send({"type": message["type"] + ".complete"})
            if message["type"] == "lifespan.shutdown":
                return
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", b"%d" % len(PAGE))]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": PAGE})
"""

# A way of replacing ``path`` with ``new``; ``pause`` is how long each in-between state lasts.
Way = Callable[[Path, bytes, Path, float], None]


def rename(path: Path, new: bytes, spare: Path, pause: float) -> None:
    staged = path.with_name(path.name + ".new")
    staged.write_bytes(new)
    time.sleep(pause)
    staged.replace(path)


def copy_over(path: Path, new: bytes, spare: Path, pause: float) -> None:
    source = spare / "source"
    source.write_bytes(new)
    shutil.copyfile(source, path)  # truncates, then writes, the same inode


def truncate_and_write(path: Path, new: bytes, spare: Path, pause: float) -> None:
    with open(path, "r+b") as file:
        file.truncate(0)
        file.flush()
        time.sleep(pause)
        file.write(new[: len(new) // 2])
        file.flush()
        time.sleep(pause)
        file.write(new[len(new) // 2 :])


def delete_and_recreate(path: Path, new: bytes, spare: Path, pause: float) -> None:
    path.unlink()
    time.sleep(pause)
    path.write_bytes(new)


def symlink_swap(path: Path, new: bytes, spare: Path, pause: float) -> None:
    target = spare / f"version-{time.monotonic_ns()}"
    target.write_bytes(new)
    link = path.with_name(path.name + ".link")
    link.symlink_to(target)
    link.replace(path)


WAYS: list[Way] = [rename, copy_over, truncate_and_write, delete_and_recreate, symlink_swap]


def databases(directory: Path) -> tuple[bytes, bytes]:
    """Two releases that place every requested reader alike, and differ otherwise."""
    readers = list(READERS_AT.values())
    first = write_database(directory / "first.mmdb", readers, build_epoch=int(time.time()) - 86400)
    extra = [*reader_records(), ("203.0.113.0/24", city_record("GB", ["ENG", "LND"], "London"))]
    second = write_database(directory / "second.mmdb", readers + extra)
    return first.read_bytes(), second.read_bytes()


def rules_versions() -> tuple[bytes, bytes]:
    """Two versions of the Russia rules file that differ only in a notice's title."""
    first = (REPO / "rules" / "10-russia.yaml").read_bytes()
    second = first.replace(b"title: Warning about", b"title: A warning about", 1)
    assert second != first
    return first, second


@pytest.fixture
def site(tmp_path: Path) -> Iterator[dict[str, Path]]:
    (tmp_path / "faultapp.py").write_text(APP)
    rules = tmp_path / "rules"
    shutil.copytree(REPO / "rules", rules, ignore=shutil.ignore_patterns("policy"))
    spare = tmp_path / "spare"
    spare.mkdir()
    database = tmp_path / "GeoLite2-City.mmdb"
    database.write_bytes(databases(spare)[0])
    yield {"dir": tmp_path, "rules": rules, "database": database, "spare": spare}


@pytest.mark.slow
def test_no_request_fails_and_no_decision_is_wrong_while_every_file_is_rewritten_every_way(
    site: dict[str, Path], launcher: Launcher
) -> None:
    served = launcher.start(
        [
            "run",
            "faultapp:app",
            "--app-dir", str(site["dir"]),
            "--rules", str(site["rules"]),
            "--geoip-db", str(site["database"]),
            "--trusted-proxy", "127.0.0.1",
            "--reload-interval", "0.05",
            "--workers", "2",
            "--port", "0",
        ]
    )  # fmt: skip
    # Both workers up before anything changes: a change made before a worker opens the files
    # is no replacement to that worker.
    wait_until(
        lambda: served.log.read_text().count("Application startup complete") >= 2,
        "the workers did not start",
        timeout=60,
    )
    database_versions = databases(site["spare"])
    rules_file = site["rules"] / "10-russia.yaml"
    rules = rules_versions()
    failures: list[str] = []
    wrong: list[str] = []
    count = 0
    lock = threading.Lock()
    done = threading.Event()

    def load(readers: list[str], seed: int) -> None:
        nonlocal count
        fresh = random.Random(seed)
        with httpx.Client(base_url=served.url, timeout=10) as client:
            turn = 0
            while not done.is_set():
                reader = readers[turn % len(readers)]
                turn += 1
                network = ipaddress.ip_network(READERS_AT[reader][0])
                address = str(network[fresh.randrange(1, network.num_addresses - 1)])
                try:
                    response = client.get(ARTICLE, headers={"x-forwarded-for": address})
                except httpx.HTTPError as error:
                    with lock:
                        failures.append(f"{reader}: {error!r}")
                    continue
                with lock:
                    count += 1
                    if response.status_code != 200:
                        failures.append(f"{reader}: status {response.status_code}")
                        continue
                    notices = [n for n in response.headers.get("legal-notices", "").split(", ") if n]
                    shown = [n for n in EXPECTED[reader] if response.text.count(f'data-notice-id="{n}"') == 1]
                    if (
                        notices != EXPECTED[reader]
                        or shown != EXPECTED[reader]
                        or (not EXPECTED[reader] and "<aside" in response.text)
                    ):
                        wrong.append(f"{reader}: header {notices}, body shows {shown}")
                time.sleep(0.02)

    readers = list(EXPECTED)
    threads = [threading.Thread(target=load, args=(readers[i:] + readers[:i], i)) for i in range(3)]
    for thread in threads:
        thread.start()
    try:
        # Every way twice, each time to the other version, so that each is a real change, which
        # both workers take up before the next begins (however slow the machine).
        for step, way in enumerate(WAYS * 2, start=1):
            way(site["database"], database_versions[step % 2], site["spare"], 0.15)
            wait_until(
                lambda step=step: served.log.read_text().count("GeoIP database replaced") >= 2 * step,
                f"both workers did not take up database change {step} ({way.__name__})",
                timeout=30,
            )
            way(rules_file, rules[step % 2], site["spare"], 0.01)
            wait_until(
                lambda step=step: served.log.read_text().count("reloaded: rules version") >= 2 * step,
                f"both workers did not take up rules change {step} ({way.__name__})",
                timeout=30,
            )
        time.sleep(1.0)  # the last versions serve for a while
        wait_until(lambda: count >= REQUESTS, "the load did not reach its requests", timeout=60)
    finally:
        done.set()
        for thread in threads:
            thread.join(timeout=30)

    log = served.log.read_text()
    assert served.process.poll() is None, f"the server stopped:\n{log[-3000:]}"
    assert failures == [], failures[:10]
    assert wrong == [], wrong[:10]
    assert count >= REQUESTS, count
    assert "died" not in log and "Traceback" not in log, log[-3000:]
    # The run proves something only if the files were really replaced, and half-written ones
    # were seen and refused, under the requests.
    assert log.count("GeoIP database replaced") >= 2 * 10, log[-3000:]  # two workers
    assert log.count("GeoIP database not replaced") >= 2 * 2, log[-3000:]
    assert log.count("reloaded: rules version") >= 2 * 10, log[-3000:]
