"""Real nginx with proxy_cache in front of the middleware, keyed on the generated variant table.

nginx (Debian's, with libnginx-mod-http-geoip2) reads the same test database as the origin and
runs from a directory of the test's own. Readers from every region of the shipped jurisdictions,
Kyiv, Minsk, Berlin, New York, unknown addresses, IPv6 addresses and 20 more countries come
through it; each must get exactly the notices the rules give them, on every round; the cache
must hold one copy per variant and URL; and after a rules change (table first, then rules, as
docs/caching.md says), no reader may get a copy made under the old rules.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from geonotice import GeoNoticeMiddleware
from geonotice.edge import EdgeOptions, edge_config
from geonotice.rules import load_rules
from geonotice.rules.variants import VariantTable, variants_of
from support.edgeorigin import NewsOrigin, notices_shown
from support.edgeservers import Nginx, running_nginx
from support.polling import wait_until
from support.world import Reader, demo_readers, world_readers, write_world_database

from .conftest import RULES
from .helpers import PATHS, Visit, check_every_reader, check_rules_change, served_origin

LOCATION = """
            proxy_cache_key "$scheme$proxy_host$request_uri $geonotice_variant";
            proxy_set_header Geonotice-Variant $geonotice_variant;
            proxy_set_header X-Forwarded-For $remote_addr;
            add_header X-Geonotice-Variant $geonotice_variant always;
"""


def readers() -> list[Reader]:
    """36 readers: the demo's (IPv4 and IPv6), unknown ones, Ukraine without a subdivision, and
    one region from each of 20 more countries."""
    world = world_readers()
    ukraine_without = next(r for r in world if r.region.country == "UA" and not r.region.subdivisions)
    others = [r for r in world if r.region.country not in ("RU", "UA", "BY")][::10][:20]
    return [*demo_readers(), ukraine_without, *others]


def visits(table: VariantTable) -> list[Visit]:
    """The readers as nginx sees them: by their address, which the load balancer in front
    passes in X-Forwarded-For (the realip module)."""
    return [
        Visit(r.key, r.region, table.variant_of(r.region), {"x-forwarded-for": r.address}) for r in readers()
    ]


def include(rules: Path, database: Path) -> str:
    """The generated include, plus realip: the test client stands for the load balancer."""
    config = edge_config(variants_of(load_rules(rules)), "nginx", EdgeOptions(geoip_db=str(database)))
    return config + "set_real_ip_from 127.0.0.1;\nreal_ip_header X-Forwarded-For;\n"


class Edge:
    """nginx in front of a news origin wrapped in the middleware, which serves ``rules``."""

    def __init__(
        self, nginx: Nginx, origin: NewsOrigin, middleware: GeoNoticeMiddleware, rules: Path
    ) -> None:
        self.nginx, self.origin, self.middleware, self.rules = nginx, origin, middleware, rules
        self.client = httpx.Client(base_url=nginx.url, timeout=10)

    def deploy_table(self, rules: Path) -> None:
        """Write the include for ``rules`` and reload nginx; returns once it serves the table."""
        database = self.middleware.locator.database
        assert database is not None
        (self.nginx.directory / "geonotice.conf").write_text(include(rules, database.path))
        self.nginx.reload()
        tag = variants_of(load_rules(rules)).tag
        kyiv = {"x-forwarded-for": next(r for r in demo_readers() if r.key == "kyiv").address}
        wait_until(
            lambda: self.client.get(PATHS[0], headers=kyiv).headers["x-geonotice-variant"].endswith(tag),
            "nginx did not load the new table",
        )


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_world_database(tmp_path_factory.mktemp("geo") / "GeoLite2-City.mmdb")


@pytest.fixture
def edge(tmp_path: Path, database: Path) -> Iterator[Edge]:
    with served_origin(tmp_path, RULES, geoip_db=database) as served:
        directory = tmp_path / "nginx"
        directory.mkdir()
        (directory / "geonotice.conf").write_text(include(served.rules, database))
        http = f"    include {directory}/geonotice.conf;"
        origin = served.url.removeprefix("http://")
        with running_nginx(directory, http=http, location=LOCATION, origin=origin) as nginx:
            found = Edge(nginx, served.origin, served.middleware, served.rules)
            yield found
            found.client.close()


def test_every_reader_gets_their_notices_and_the_cache_holds_one_copy_per_variant_and_url(edge: Edge) -> None:
    copies = check_every_reader(edge.client, visits, edge.middleware.rules.engine, edge.origin.hits)
    wait_until(
        lambda: edge.nginx.cached_copies() == copies, "nginx did not store one copy per variant and URL"
    )


def test_a_reader_cannot_choose_their_variant_through_nginx(edge: Edge) -> None:
    moscow = next(r for r in demo_readers() if r.key == "moscow")
    table = variants_of(edge.middleware.rules.ruleset)
    headers = {"x-forwarded-for": moscow.address, "geonotice-variant": table.default.name}
    assert notices_shown(edge.client.get(PATHS[0], headers=headers)) == ("ru-undesirable-organization",)
    assert edge.middleware.variant_fallbacks is not None and edge.middleware.variant_fallbacks.count() == 0


def test_after_a_rules_change_no_reader_gets_a_copy_made_under_the_old_rules(
    edge: Edge, tmp_path: Path
) -> None:
    check_rules_change(edge.client, visits, edge.middleware, edge.rules, tmp_path / "new", edge.deploy_table)
