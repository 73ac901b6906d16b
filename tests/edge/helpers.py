"""What the nginx and Varnish tests check the same way: a round of reads, and a rules change."""

from __future__ import annotations

import shutil
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from starlette.types import ASGIApp

from geonotice import GeoNoticeMiddleware
from geonotice.region import Region
from geonotice.rules import Engine, load_rules
from geonotice.rules.variants import UNDECIDED, VariantTable, variants_of
from support.edgeorigin import NewsOrigin, notices_shown
from support.edgeservers import missing_edge_software
from support.polling import wait_until
from support.serving import serving

#: An article, an article in Russian and an API answer (which only Belarus's notice covers).
PATHS = ("/a/court-adjourns/1187.html", "/ru/a/sud-otlozhil/1188.html", "/api/articles/1189")


@dataclass(frozen=True)
class Visit:
    """A reader as the edge sees them (``headers``), where they are, and their variant."""

    key: str
    region: Region
    variant: str
    headers: Mapping[str, str] = field(default_factory=dict)


def media_type(path: str) -> str:
    return "application/json" if path.startswith("/api/") else "text/html"


def check_round(client: httpx.Client, visits: Iterable[Visit], expected: Engine, *, cached: bool) -> None:
    """Every reader reads every page and gets exactly the notices ``expected`` gives them; with
    ``cached``, every page of a variant comes from the cache, and a reader the edge cannot
    place always gets a private page from the origin.

    Raises:
        AssertionError: naming the reader and the page.
    """
    for visit in visits:
        for path in PATHS:
            response = client.get(path, headers=dict(visit.headers))
            assert response.status_code == 200
            decision = expected.evaluate(visit.region, path).for_media_type(media_type(path))
            assert notices_shown(response) == tuple(n.id for n in decision), f"{visit.key} on {path}"
            assert response.headers["x-geonotice-variant"] == visit.variant, visit.key
            if visit.variant == UNDECIDED:
                assert response.headers["cache-control"].startswith("private")
                assert response.headers["x-cache"] == "MISS"
            elif cached:
                assert response.headers["x-cache"] == "HIT", f"{visit.key} on {path}"


def rules_adding_kyiv(rules: Path, directory: Path) -> Path:
    """A copy of the shipped ``rules`` in ``directory`` in which legal added Kyiv to the notice
    for Russia and occupied Ukraine: Kyiv's readers change variant."""
    shutil.copytree(rules, directory)
    russia = directory / "10-russia.yaml"
    text = russia.read_text(encoding="utf-8")
    russia.write_text(text.replace("      - UA-65  # Kherson oblast\n", "      - UA-65\n      - UA-30\n"))
    assert Engine(load_rules(directory)).evaluate(Region("UA", ("UA-30",)), PATHS[0]).notices
    return directory


def deploy_rules(source: Path, rules: Path) -> None:
    """Copy the rules files of ``source`` over those the origin serves from ``rules``."""
    for path in source.glob("*.yaml"):
        shutil.copy(path, rules / path.name)


Visits = Callable[[VariantTable], list[Visit]]


def check_every_reader(
    client: httpx.Client, visits: Visits, engine: Engine, hits: Counter[tuple[str, str]]
) -> int:
    """Two rounds of every reader on every page (the second from the cache), and exactly one
    request per variant and page reaching the origin; returns the number of cached copies."""
    table = variants_of(engine.ruleset)
    assert len(visits(table)) >= 30
    check_round(client, visits(table), engine, cached=False)
    check_round(client, visits(table), engine, cached=True)
    variants = {visit.variant for visit in visits(table)} - {UNDECIDED}
    assert variants == {v.name for v in table.variants}
    for path in PATHS:
        for name in variants:
            assert hits[path, name] == 1, (path, name)
    return len(variants) * len(PATHS)


def check_rules_change(
    client: httpx.Client,
    visits: Visits,
    middleware: GeoNoticeMiddleware,
    rules: Path,
    directory: Path,
    deploy_table: Callable[[Path], None],
) -> None:
    """Legal adds Kyiv; the table is deployed first, then the rules, as docs/caching.md says.

    Before, every reader's page is made and then cached under the old rules. Between the two
    deployments, the origin knows none of the new names and serves every covered page private,
    by the rules it still has. Afterwards every reader gets the new rules' notices, Kyiv's
    included, though copies of their old variant are still in the cache.
    """
    old = middleware.rules.engine
    check_round(client, visits(variants_of(old.ruleset)), old, cached=False)
    check_round(client, visits(variants_of(old.ruleset)), old, cached=True)
    new_rules = rules_adding_kyiv(rules, directory)
    new = Engine(load_rules(new_rules))
    new_table = variants_of(new.ruleset)
    deploy_table(new_rules)
    for visit in visits(new_table):
        response = client.get(PATHS[0], headers=dict(visit.headers))
        assert notices_shown(response) == tuple(n.id for n in old.evaluate(visit.region, PATHS[0]).notices)
        assert response.headers["cache-control"].startswith("private"), visit.key
        assert response.headers["x-cache"] == "MISS"
    deploy_rules(new_rules, rules)
    wait_until(lambda: middleware.rules.version > 1, "the origin did not reload the rules")
    check_round(client, visits(new_table), new, cached=False)
    check_round(client, visits(new_table), new, cached=True)


def origin_middleware(app: ASGIApp, rules: Path, **locating: Any) -> GeoNoticeMiddleware:
    """The middleware as the edge tests run it: believing variants from the loopback edge, and
    re-reading the rules every tenth of a second; ``locating`` says how it locates by itself."""
    return GeoNoticeMiddleware(
        app,
        rules=rules,
        trusted_proxies=["127.0.0.1"],
        variant_header="Geonotice-Variant",
        reload_interval=0.1,
        **locating,
    )


@dataclass(frozen=True)
class ServedOrigin:
    """A news origin wrapped in the middleware and served on loopback, with its own rules copy."""

    rules: Path
    origin: NewsOrigin
    middleware: GeoNoticeMiddleware
    url: str


@contextmanager
def served_origin(directory: Path, shipped_rules: Path, **locating: Any) -> Iterator[ServedOrigin]:
    """The origin an edge goes in front of, serving a copy of ``shipped_rules`` in ``directory``
    (so a test may change them); fails, not skips, when the edge software is missing."""
    problem = missing_edge_software()
    if problem is not None:
        pytest.fail(problem)
    rules = directory / "rules"
    shutil.copytree(shipped_rules, rules)
    origin = NewsOrigin()
    middleware = origin_middleware(origin.app, rules, **locating)
    try:
        with serving(middleware) as url:
            yield ServedOrigin(rules, origin, middleware, url)
    finally:
        middleware.close()
