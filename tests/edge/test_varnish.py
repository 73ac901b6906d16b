"""Real Varnish in front of the middleware, with the generated VCL, the region given by a CDN.

varnishd (Debian's) runs from a working directory of the test's own, with no jail, on a port of
its choosing. Readers arrive with Cloudflare's geo headers, as the CDN in front would send them;
the same checks as for nginx: the right notices for everyone, one object per variant and URL,
and no copy made under the old rules after a rules change.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from geonotice import GeoNoticeMiddleware
from geonotice.edge import EdgeOptions, edge_config, variant_for_geo
from geonotice.locate import PRESETS
from geonotice.region import ANONYMOUS, UNKNOWN, Region
from geonotice.rules import load_rules
from geonotice.rules.variants import UNDECIDED, VariantTable, variants_of
from support.edgeorigin import NewsOrigin, notices_shown
from support.edgeservers import Varnish, running_varnish
from support.polling import wait_until
from support.world import world_readers

from .conftest import RULES
from .helpers import PATHS, Visit, check_every_reader, check_rules_change, served_origin

CLOUDFLARE = PRESETS["cloudflare"]

MAIN = """vcl 4.1;
backend default {{ .host = "127.0.0.1"; .port = "{port}"; }}
include "{include}";
sub vcl_deliver {{
    if (obj.hits > 0) {{ set resp.http.X-Cache = "HIT"; }} else {{ set resp.http.X-Cache = "MISS"; }}
    set resp.http.X-Geonotice-Variant = req.http.Geonotice-Variant;
}}
"""

# What the CDN says of each reader (country and region headers) and where that places them:
# every region of the shipped jurisdictions, Kyiv, Minsk, Berlin, New York, readers the CDN
# cannot place or sees on Tor, and other spellings of the same codes.
NAMED = [
    ("moscow", "RU", "MOW", Region("RU", ("RU-MOW",))),
    ("russia", "RU", None, Region("RU")),
    *[(f"ua-{c}", "UA", c, Region("UA", (f"UA-{c}",))) for c in ("43", "40", "14", "09", "23", "65")],
    ("kyiv", "UA", "30", Region("UA", ("UA-30",))),
    ("crimea-prefixed", "ua", "UA-43", Region("UA", ("UA-43",))),
    ("ukraine", "UA", None, Region("UA")),
    ("minsk", "BY", "HM", Region("BY", ("BY-HM",))),
    ("berlin", "DE", "BE", Region("DE", ("DE-BE",))),
    ("new-york", "US", "NY", Region("US", ("US-NY",))),
    ("unknown", "XX", None, UNKNOWN),
    ("no-headers", None, None, UNKNOWN),
    ("tor", "T1", None, ANONYMOUS),
]


def visits(table: VariantTable) -> list[Visit]:
    """35 readers as Varnish sees them: by Cloudflare's headers (and 20 more countries)."""
    others = [r for r in world_readers() if r.country not in ("RU", "UA", "BY")][::10][:20]
    described = NAMED + [(r.key, r.country, r.subdivision or None, r.region) for r in others]
    found = []
    for key, country, region, where in described:
        headers = {
            name: value for name, value in (("cf-ipcountry", country), ("cf-region-code", region)) if value
        }
        variant = variant_for_geo(table, country, region, anonymous_values=CLOUDFLARE.anonymous_values)
        found.append(Visit(key, where, variant, headers))
    return found


def vcl(rules: Path, trusted: tuple[str, ...] = ("127.0.0.1",)) -> str:
    options = EdgeOptions(geo_headers=CLOUDFLARE, trusted_proxies=trusted)
    return edge_config(variants_of(load_rules(rules)), "varnish", options)


class Edge:
    """Varnish in front of a news origin wrapped in the middleware, which serves ``rules``."""

    def __init__(
        self, varnish: Varnish, origin: NewsOrigin, middleware: GeoNoticeMiddleware, rules: Path
    ) -> None:
        self.varnish, self.origin, self.middleware, self.rules = varnish, origin, middleware, rules
        self.client = httpx.Client(base_url=varnish.url, timeout=10)
        self.deployed = 0

    def deploy_table(self, rules: Path, trusted: tuple[str, ...] = ("127.0.0.1",)) -> None:
        """Write the VCL for ``rules`` and load the main VCL again (varnishadm vcl.load, vcl.use)."""
        main = self.varnish.workdir.parent / "main.vcl"
        (main.parent / "geonotice.vcl").write_text(vcl(rules, trusted))
        self.deployed += 1
        self.varnish.admin("vcl.load", f"table{self.deployed}", str(main))
        self.varnish.admin("vcl.use", f"table{self.deployed}")


@pytest.fixture
def edge(tmp_path: Path) -> Iterator[Edge]:
    with served_origin(tmp_path, RULES, geo_headers="cloudflare") as served:
        (tmp_path / "geonotice.vcl").write_text(vcl(served.rules))
        main = tmp_path / "main.vcl"
        port = served.url.rsplit(":", 1)[1]
        main.write_text(MAIN.format(port=port, include=tmp_path / "geonotice.vcl"))
        with running_varnish(tmp_path, main) as varnish:
            found = Edge(varnish, served.origin, served.middleware, served.rules)
            yield found
            found.client.close()


def test_every_reader_gets_their_notices_and_varnish_keeps_one_object_per_variant_and_url(edge: Edge) -> None:
    copies = check_every_reader(edge.client, visits, edge.middleware.rules.engine, edge.origin.hits)
    # One object per cached copy, and per URL one hit-for-miss marker: the undecided reader's
    # private page, which Varnish remembers not to store (and not to make others wait for).
    objects = copies + len(PATHS)
    wait_until(
        lambda: edge.varnish.counter("MAIN.n_object") == objects, f"varnish holds not {objects} objects"
    )


def test_geo_headers_from_a_client_varnish_does_not_trust_are_not_believed(edge: Edge) -> None:
    edge.deploy_table(edge.rules, trusted=("192.0.2.0/24",))
    table = variants_of(edge.middleware.rules.ruleset)
    headers = {"cf-ipcountry": "RU", "geonotice-variant": table.default.name}
    response = edge.client.get(PATHS[0], headers=headers)
    assert response.headers["x-geonotice-variant"] == UNDECIDED
    assert response.headers["cache-control"].startswith("private")
    assert notices_shown(response) == ("ru-undesirable-organization",)  # the origin does trust Varnish


def test_after_a_rules_change_no_reader_gets_an_object_made_under_the_old_rules(
    edge: Edge, tmp_path: Path
) -> None:
    check_rules_change(edge.client, visits, edge.middleware, edge.rules, tmp_path / "new", edge.deploy_table)
