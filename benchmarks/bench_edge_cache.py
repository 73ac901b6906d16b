"""The edge cache: how many requests reach the origin through nginx's proxy_cache, four ways.

10,000 requests for 200 article URLs (popularity following Zipf's law, as news traffic does),
from a reader mix of 3% Russia, 0.5% occupied Ukraine, 0.5% Belarus and 96% over 100 other
countries (their first subdivisions), through a real nginx with proxy_cache on loopback, in
front of the news app:

  private    today's set-up with a GeoIP database: covered pages are Cache-Control: private
  raw-geo    the edge passes the reader's country and subdivision headers and keys on them
             (what Vary on the raw geo headers amounts to): one copy per region
  variants   the edge keys on the variant from `geonotice edge-config --for nginx`
  no-geo     the same cache with no geonotice at all: the ceiling

Reported: requests that reached the origin, the hit ratio, and the copies in the cache. The
sequence of requests is seeded, so the figures repeat exactly from run to run.

    python benchmarks/bench_edge_cache.py [--requests 10000] [--urls 200]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import httpx
from starlette.types import ASGIApp

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from geonotice import GeoNoticeMiddleware  # noqa: E402
from geonotice.edge import EdgeOptions, edge_config  # noqa: E402
from geonotice.rules import load_rules  # noqa: E402
from geonotice.rules.variants import variants_of  # noqa: E402
from support.edgeorigin import NewsOrigin  # noqa: E402
from support.edgeservers import missing_edge_software, running_nginx  # noqa: E402
from support.serving import serving  # noqa: E402
from support.world import Reader, world_readers, write_world_database  # noqa: E402

RULES = Path(__file__).resolve().parent.parent / "rules"
OCCUPIED = {"UA-43", "UA-40", "UA-14", "UA-09", "UA-23", "UA-65"}
MIX = (("russia", 0.03), ("occupied", 0.005), ("belarus", 0.005), ("elsewhere", 0.96))
SCENARIOS = ("private", "raw-geo", "variants", "no-geo")

GEO = """    geoip2 {database} {{
        $geo_country country iso_code;
        $geo_subdivision subdivisions 0 iso_code;
    }}
"""
REALIP = "    set_real_ip_from 127.0.0.1;\n    real_ip_header X-Forwarded-For;\n"
LOCATIONS = {
    "private": "            proxy_set_header X-Forwarded-For $remote_addr;\n",
    "raw-geo": """            proxy_cache_key "$scheme$proxy_host$request_uri $geo_country-$geo_subdivision";
            proxy_set_header X-Geo-Country $geo_country;
            proxy_set_header X-Geo-Region $geo_subdivision;
""",
    "variants": """            proxy_cache_key "$scheme$proxy_host$request_uri $geonotice_variant";
            proxy_set_header Geonotice-Variant $geonotice_variant;
            proxy_set_header X-Forwarded-For $remote_addr;
""",
    "no-geo": "",
}


def reader_groups() -> dict[str, list[Reader]]:
    groups: dict[str, list[Reader]] = {name: [] for name, _ in MIX}
    for reader in world_readers():
        codes = set(reader.region.codes)
        if reader.country == "RU":
            groups["russia"].append(reader)
        elif codes & OCCUPIED:
            groups["occupied"].append(reader)
        elif reader.country == "BY":
            groups["belarus"].append(reader)
        elif reader.country != "UA":
            groups["elsewhere"].append(reader)
    return groups


def requests(count: int, urls: int, seed: int = 11) -> list[tuple[str, Reader]]:
    """The seeded sequence: (URL, reader) pairs."""
    rng = random.Random(seed)
    groups = reader_groups()
    names = [name for name, _ in MIX]
    weights = [share for _, share in MIX]
    paths = [f"/a/story-{n}/{n}.html" for n in range(urls)]
    popularity = [1 / (rank + 1) for rank in range(urls)]
    return [
        (rng.choices(paths, popularity)[0], rng.choice(groups[rng.choices(names, weights)[0]]))
        for _ in range(count)
    ]


def origin_for(scenario: str, origin: NewsOrigin, database: Path) -> ASGIApp:
    if scenario == "no-geo":
        return origin.app
    if scenario == "raw-geo":
        geo = "country=X-Geo-Country,region=X-Geo-Region"
        return GeoNoticeMiddleware(origin.app, rules=RULES, geo_headers=geo, trusted_proxies=["127.0.0.1"])
    variant = {"variant_header": "Geonotice-Variant"} if scenario == "variants" else {}
    return GeoNoticeMiddleware(
        origin.app, rules=RULES, geoip_db=database, trusted_proxies=["127.0.0.1"], **variant
    )


def run(scenario: str, sequence: list[tuple[str, Reader]], database: Path, work: Path) -> dict[str, float]:
    origin = NewsOrigin()
    app = origin_for(scenario, origin, database)
    directory = work / scenario
    directory.mkdir()
    http = REALIP + (GEO.format(database=database) if scenario == "raw-geo" else "")
    if scenario == "variants":
        include = directory / "geonotice.conf"
        include.write_text(
            edge_config(variants_of(load_rules(RULES)), "nginx", EdgeOptions(geoip_db=str(database)))
        )
        http += f"    include {include};\n"
    statuses: Counter[str] = Counter()
    started = time.perf_counter()
    try:
        with (
            serving(app) as url,
            running_nginx(
                directory, http=http, location=LOCATIONS[scenario], origin=url.removeprefix("http://")
            ) as nginx,
            httpx.Client(base_url=nginx.url, timeout=30) as client,
        ):
            for path, reader in sequence:
                response = client.get(path, headers={"x-forwarded-for": reader.address})
                response.raise_for_status()
                statuses[response.headers.get("x-cache", "-")] += 1
            copies = nginx.cached_copies()
    finally:
        close = getattr(app, "close", None)
        if close is not None:
            close()
    return {
        "origin": sum(origin.hits.values()),
        "hit_ratio": statuses["HIT"] / len(sequence),
        "copies": copies,
        "seconds": time.perf_counter() - started,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--urls", type=int, default=200)
    args = parser.parse_args()
    problem = missing_edge_software()
    if problem is not None:
        print(problem, file=sys.stderr)
        return 2
    sequence = requests(args.requests, args.urls)
    variants = len(variants_of(load_rules(RULES)).variants)
    regions = len({reader.region for _, reader in sequence})
    urls = len({path for path, _ in sequence})
    print(f"{args.requests} requests, {urls} distinct URLs, {regions} distinct regions, {variants} variants")
    results = {}
    with tempfile.TemporaryDirectory() as temporary:
        work = Path(temporary)
        database = write_world_database(work / "GeoLite2-City.mmdb")
        for scenario in SCENARIOS:
            results[scenario] = run(scenario, sequence, database, work)
    ceiling = results["no-geo"]["hit_ratio"]
    print()
    print("| set-up | origin requests | hit ratio | cached copies | hit ratio against no geo |")
    print("|---|---:|---:|---:|---:|")
    for scenario in SCENARIOS:
        result = results[scenario]
        gap = (result["hit_ratio"] - ceiling) * 100
        print(
            f"| {scenario} | {result['origin']:,.0f} | {result['hit_ratio']:.1%} | {result['copies']:,.0f} "
            f"| {gap:+.1f} points |"
        )
    bound = variants * urls
    print()
    print(
        f"variants: origin requests {results['variants']['origin']:,.0f} <= variants x URLs = {bound:,}: "
        f"{'met' if results['variants']['origin'] <= bound else 'MISSED'}; within 2 points of no geo: "
        f"{'met' if ceiling - results['variants']['hit_ratio'] <= 0.02 else 'MISSED'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
