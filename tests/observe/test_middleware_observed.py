"""The middleware observed in-process: life cycle, the version header, the metrics it reports
(promtool checks their exposition), and an evidence record whose disk fails."""

from __future__ import annotations

import asyncio
import errno
import json
import logging
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from prometheus_client import CollectorRegistry, generate_latest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.types import Message

from geonotice import GeoNoticeMiddleware, metrics_app
from geonotice.cli import main
from geonotice.inject.metrics import PlacementCounts
from geonotice.rules import load_rules
from geonotice.rules.variants import variants_of
from support.readers import READERS, UNMAPPED_V4

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules"
ARTICLE = "/a/court-adjourns/1187.html"
PAGE = b'<!doctype html><html lang="en"><body><article><p>First paragraph.</p></article></body></html>'


async def article(request: Request) -> Response:
    return HTMLResponse(PAGE)


def news_app() -> Starlette:
    return Starlette(
        routes=[
            Route("/a/{slug}/{id}.html", article),
            Route("/static/site.css", lambda r: PlainTextResponse("body{}", media_type="text/css")),
            Route("/", lambda r: HTMLResponse(PAGE)),
        ]
    )


def geonotice_threads() -> set[str]:
    return {t.name for t in threading.enumerate() if t.name.startswith("geonotice-")}


def get(
    app: GeoNoticeMiddleware, path: str, ip: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app, client=(ip, 51000))
        async with httpx.AsyncClient(transport=transport, base_url="http://news.example") as client:
            return await client.get(path, headers=headers)

    return asyncio.run(go())


def samples(
    app: GeoNoticeMiddleware, registry: CollectorRegistry, name: str
) -> dict[tuple[tuple[str, str], ...], float]:
    """The samples of ``name`` once ``app`` has published what it counted."""
    if app.observer is not None:
        app.observer.publish()
    return {
        tuple(sorted(sample.labels.items())): sample.value
        for family in registry.collect()
        for sample in family.samples
        if sample.name == name
    }


@pytest.fixture
def registry() -> CollectorRegistry:
    return CollectorRegistry()


@pytest.fixture
def observed(city_db: Path, registry: CollectorRegistry, tmp_path: Path) -> Iterator[GeoNoticeMiddleware]:
    app = GeoNoticeMiddleware(
        news_app(),
        rules=RULES,
        geoip_db=city_db,
        metrics_registry=registry,
        evidence_log=tmp_path / "evidence.jsonl",
    )
    yield app
    app.close()


# -- life cycle --------------------------------------------------------------------------------


def test_constructing_the_middleware_starts_nothing_and_writes_nothing(
    observed: GeoNoticeMiddleware, tmp_path: Path
) -> None:
    assert not observed.running
    assert geonotice_threads() == set()
    assert list(tmp_path.glob("evidence*")) == []


def test_without_lifespan_events_the_first_request_starts_the_watchers(observed: GeoNoticeMiddleware) -> None:
    get(observed, "/static/site.css", READERS["berlin"])
    assert observed.running
    assert {"geonotice-rules", "geonotice-geoip", "geonotice-evidence"} <= geonotice_threads()
    observed.close()
    assert geonotice_threads() == set()


def test_lifespan_startup_starts_and_shutdown_stops_and_writes_the_evidence(
    observed: GeoNoticeMiddleware, tmp_path: Path
) -> None:
    seen: list[tuple[str, bool]] = []
    record = tmp_path / "evidence.jsonl"

    def kinds() -> list[str]:
        if not record.exists():
            return []
        return [json.loads(line)["record"] for line in record.read_text().splitlines()]

    async def lifespan() -> None:
        messages = iter(("lifespan.startup", "lifespan.shutdown"))

        async def receive() -> Message:
            if seen:
                # The writer thread appends the startup's lines when it wakes: wait for them, so
                # that what startup wrote and what shutdown wrote are each proven (a server under
                # load may wake the writer only after shutdown began).
                deadline = asyncio.get_running_loop().time() + 30
                while kinds() != ["rules", "geoip"]:
                    assert asyncio.get_running_loop().time() < deadline, f"startup wrote {kinds()}"
                    await asyncio.sleep(0.02)
            return {"type": next(messages)}

        async def send(message: Message) -> None:
            seen.append((message["type"], observed.running))

        await observed({"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}, receive, send)

    asyncio.run(lifespan())
    assert seen == [("lifespan.startup.complete", True), ("lifespan.shutdown.complete", False)]
    assert geonotice_threads() == set()
    assert kinds() == ["rules", "geoip", "window"]


def test_a_closed_middleware_starts_again(observed: GeoNoticeMiddleware) -> None:
    for _ in range(2):
        assert get(observed, ARTICLE, READERS["moscow"]).status_code == 200
        assert "geonotice-rules" in geonotice_threads()
        observed.close()
        assert geonotice_threads() == set()


# -- the rules version header ------------------------------------------------------------------


def test_covered_pages_name_the_rules_version_for_every_reader(observed: GeoNoticeMiddleware) -> None:
    version = observed.rules.ruleset.version
    moscow = get(observed, ARTICLE, READERS["moscow"])
    berlin = get(observed, ARTICLE, READERS["berlin"])
    assert moscow.headers["legal-notices-version"] == version
    assert berlin.headers["legal-notices-version"] == version
    assert "legal-notices" not in berlin.headers
    assert "legal-notices-version" not in get(observed, "/static/site.css", READERS["moscow"]).headers


@pytest.mark.parametrize(
    ("setting", "header"), [("X-Rules-Version", "x-rules-version"), ("off", None), ("", None)]
)
def test_the_version_header_can_be_renamed_or_turned_off(
    city_db: Path, setting: str, header: str | None
) -> None:
    app = GeoNoticeMiddleware(
        news_app(), rules=RULES, geoip_db=city_db, version_header=setting, metrics_registry=None
    )
    try:
        response = get(app, ARTICLE, READERS["moscow"])
    finally:
        app.close()
    assert "legal-notices-version" not in response.headers
    if header is not None:
        assert response.headers[header] == app.rules.ruleset.version


def test_the_apps_own_version_header_gives_way_to_the_rules_version(city_db: Path) -> None:
    async def stale(request: Request) -> Response:
        return HTMLResponse(PAGE, headers={"legal-notices-version": "0123456789ab"})

    app = GeoNoticeMiddleware(
        Starlette(routes=[Route("/a/{slug}/{id}.html", stale)]),
        rules=RULES,
        geoip_db=city_db,
        metrics_registry=None,
    )
    try:
        response = get(app, ARTICLE, READERS["berlin"])
    finally:
        app.close()
    assert response.headers.get_list("legal-notices-version") == [app.rules.ruleset.version]


# -- metrics ----------------------------------------------------------------------------------


def test_notices_are_counted_by_notice_jurisdiction_and_outcome(
    observed: GeoNoticeMiddleware, registry: CollectorRegistry
) -> None:
    for reader in ("moscow", "crimea", "minsk", "berlin"):
        assert get(observed, ARTICLE, READERS[reader]).status_code == 200
    assert samples(observed, registry, "geonotice_notices_served_total") == {
        (
            ("jurisdiction", "russia-and-occupied-ukraine"),
            ("notice", "ru-undesirable-organization"),
            ("outcome", "placed"),
            ("reason", "none"),
        ): 2.0,
        (
            ("jurisdiction", "belarus"),
            ("notice", "by-extremist-materials"),
            ("outcome", "placed"),
            ("reason", "none"),
        ): 1.0,
    }
    assert samples(observed, registry, "geonotice_covered_responses_total") == {
        (("notices", "yes"), ("source", "database")): 3.0,
        (("notices", "no"), ("source", "database")): 1.0,
    }
    count = samples(observed, registry, "geonotice_added_duration_seconds_count")
    assert count == {(("notices", "yes"),): 1.0, (("notices", "no"),): 1.0}  # one in 8 with notices is timed
    assert isinstance(observed.settings.metrics, PlacementCounts)
    assert observed.settings.metrics.count() == 3, "the application's own NoticeMetrics still hears"


def test_covered_responses_are_counted_by_the_source_of_the_region(
    city_db: Path, registry: CollectorRegistry
) -> None:
    app = GeoNoticeMiddleware(
        news_app(),
        rules=RULES,
        geoip_db=city_db,
        geo_headers="cloudflare",
        trusted_proxies=["10.0.0.0/8"],
        metrics_registry=registry,
    )
    try:
        get(app, ARTICLE, READERS["berlin"])  # a direct reader: the database
        get(app, ARTICLE, "10.0.0.1", {"cf-ipcountry": "RU"})  # the CDN's header
        get(app, ARTICLE, "10.0.0.1", {"cf-ipcountry": "T1"})  # Tor, as Cloudflare reports it
        get(
            app, ARTICLE, "10.0.0.1", {"cf-ipcountry": "XX", "x-forwarded-for": READERS["minsk"]}
        )  # no header
        get(app, ARTICLE, UNMAPPED_V4)
    finally:
        app.close()
    by_source: dict[str, float] = {}
    for labels, value in samples(app, registry, "geonotice_covered_responses_total").items():
        source = dict(labels)["source"]
        by_source[source] = by_source.get(source, 0) + value
    assert by_source == {"database": 2.0, "cdn-header": 1.0, "anonymous": 1.0, "unknown": 1.0}


def test_the_rules_version_and_the_database_date_are_exposed(
    observed: GeoNoticeMiddleware, registry: CollectorRegistry
) -> None:
    get(observed, ARTICLE, READERS["moscow"])
    ruleset = observed.rules.ruleset
    assert samples(observed, registry, "geonotice_rules_info") == {
        (("digest", ruleset.digest), ("version", ruleset.version)): 1.0
    }
    database = observed.locator.database
    assert database is not None
    assert samples(observed, registry, "geonotice_geoip_database_build_timestamp_seconds") == {
        (): database.build_date.timestamp()
    }


@pytest.mark.skipif(shutil.which("promtool") is None, reason="promtool (Debian: prometheus) is not installed")
def test_promtool_accepts_the_exposition_of_metrics_app(city_db: Path) -> None:
    app = GeoNoticeMiddleware(news_app(), rules=RULES, geoip_db=city_db)  # geonotice's own registry
    site = Starlette(routes=[Mount("/metrics", app=metrics_app), Mount("/", app=app)])
    try:
        for reader in ("moscow", "crimea", "berlin", "minsk"):
            get(app, ARTICLE, READERS[reader])
        assert app.observer is not None
        app.observer.publish()

        async def scrape() -> httpx.Response:
            transport = httpx.ASGITransport(app=site)
            async with httpx.AsyncClient(transport=transport, base_url="http://news.example") as client:
                return await client.get("/metrics/")

        response = asyncio.run(scrape())
    finally:
        app.close()
    assert response.status_code == 200
    assert "geonotice_notices_served_total{" in response.text
    checked = subprocess.run(
        ["promtool", "check", "metrics"], input=response.text, capture_output=True, text=True, timeout=30
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_an_applications_own_registry_receives_the_metrics(
    observed: GeoNoticeMiddleware, registry: CollectorRegistry
) -> None:
    get(observed, ARTICLE, READERS["moscow"])
    assert observed.observer is not None
    observed.observer.publish()
    assert b"geonotice_notices_served_total{jurisdiction=" in generate_latest(registry)


# -- the evidence record when the disk fails ---------------------------------------------------


def test_a_full_disk_is_logged_and_counted_and_never_fails_a_request(
    observed: GeoNoticeMiddleware,
    registry: CollectorRegistry,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    get(observed, ARTICLE, READERS["moscow"])  # starts; the first lines are written
    evidence = observed.observer.evidence if observed.observer is not None else None
    assert evidence is not None
    evidence.flush()
    before = (tmp_path / "evidence.jsonl").read_bytes()

    def disk_full(fd: int, data: bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    evidence.file.appender = disk_full
    with caplog.at_level(logging.ERROR, logger="geonotice.evidence"):
        for _ in range(5):
            assert get(observed, ARTICLE, READERS["moscow"]).status_code == 200
        observed.close()  # writes the open window: it fails
    assert (tmp_path / "evidence.jsonl").read_bytes() == before
    assert samples(observed, registry, "geonotice_evidence_write_errors_total") == {(): 1.0}
    assert any("cannot be written: No space left on device" in r.getMessage() for r in caplog.records)


# -- readers an edge placed in a variant -------------------------------------------------------


def test_readers_an_edge_placed_are_counted_under_their_variant_and_answered_through_its_table(
    city_db: Path, registry: CollectorRegistry, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    table = variants_of(load_rules(RULES))
    russia = next(v.name for v in table.variants if "ru-undesirable-organization" in v.notices)
    record = tmp_path / "evidence.jsonl"
    app = GeoNoticeMiddleware(
        news_app(), rules=RULES, geoip_db=city_db, trusted_proxies=["10.0.0.0/8"],
        variant_header="Geonotice-Variant", metrics_registry=registry, evidence_log=record,
    )  # fmt: skip
    try:
        for _ in range(3):
            response = get(app, ARTICLE, "10.0.0.7", {"geonotice-variant": russia})
            assert response.headers["legal-notices-version"] == app.rules.ruleset.version
        get(app, ARTICLE, READERS["moscow"])  # a direct reader, located by the database
    finally:
        app.close()
    assert samples(app, registry, "geonotice_notices_served_total") == {
        (("jurisdiction", f"variant:{russia}"), ("notice", "ru-undesirable-organization"),
         ("outcome", "placed"), ("reason", "none")): 3.0,
        (("jurisdiction", "russia-and-occupied-ukraine"), ("notice", "ru-undesirable-organization"),
         ("outcome", "placed"), ("reason", "none")): 1.0,
    }  # fmt: skip
    sources = {
        dict(k)["source"]: v for k, v in samples(app, registry, "geonotice_covered_responses_total").items()
    }
    assert sources == {"variant-header": 3.0, "database": 1.0}
    lines = [json.loads(line) for line in (tmp_path / "evidence.jsonl").read_text().splitlines()]
    (written,) = [line for line in lines if line["record"] == "variants"]
    assert russia in written["names"] and written["subdivisions"]["UA-43"] == russia

    def shown(region: str) -> int:
        period = ["--from", "2000-01-01", "--to", "2100-01-01", "--format", "json"]
        code = main(
            ["evidence", str(record), "--notice", "ru-undesirable-organization", "--region", region, *period]
        )
        assert code == 0
        return int(json.loads(capsys.readouterr().out)["counts"]["shown"])

    assert shown("UA-43") == 4  # three through the edge's variant, one through the jurisdiction
    assert shown("DE") == 0


def test_the_edges_variants_that_fall_back_are_counted_by_reason(
    city_db: Path, registry: CollectorRegistry
) -> None:
    app = GeoNoticeMiddleware(
        news_app(), rules=RULES, geoip_db=city_db, trusted_proxies=["10.0.0.0/8"],
        variant_header="Geonotice-Variant", metrics_registry=registry,
    )  # fmt: skip
    try:
        get(
            app, ARTICLE, "10.0.0.7", {"geonotice-variant": "v1-000000", "x-forwarded-for": READERS["moscow"]}
        )
        get(app, ARTICLE, "10.0.0.7", {"x-forwarded-for": READERS["moscow"]})
    finally:
        app.close()
    assert samples(app, registry, "geonotice_variant_fallbacks_total") == {
        (("reason", "stale"),): 1.0,
        (("reason", "missing"),): 1.0,
    }
