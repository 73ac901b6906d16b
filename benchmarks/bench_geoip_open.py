"""What opening a GeoIP database costs, and the memory it holds, now that the file is copied aside.

    python benchmarks/bench_geoip_open.py [--networks 200000] [--places 5000] [--lookups 200000]

Builds a GeoIP2-City-shaped database of distinct /24 networks spread over the IPv4 space (one
of ``--places`` records each, names in eight languages), then, each in a fresh process:

* ``mapped``: what geonotice did before, ``maxminddb.open_database`` on the file itself;
* ``copied``: ``GeoIPDatabase.open``: a private copy of the file, mapped, and the probe that
  decodes records sampled across the tree;
* ``memory``: maxminddb's ``MODE_MEMORY`` (its pure-Python reader over the file's bytes), the
  other way to be safe from a file rewritten in place.

For each: the time to open, the lookup cost (fresh addresses), and the process's resident memory
after opening and after the lookups, split as Linux counts it (``RssFile``: pages of mapped files,
shared with every process mapping the same file; ``RssAnon``: private memory; ``RssShmem``: a
copy kept on tmpfs). Linux only (it reads /proc/self/status).
"""

from __future__ import annotations

import argparse
import ipaddress
import json
import random
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

LANGUAGES = ("de", "en", "es", "fr", "ja", "pt-BR", "ru", "zh-CN")


def build(path: Path, networks: int, places: int, seed: int) -> list[str]:
    from support.geodb import city_record, write_database

    rnd = random.Random(seed)
    starts: set[int] = set()
    while len(starts) < networks:
        starts.add(rnd.randrange(1 << 24, 223 << 24) & ~0xFF)
    records = []
    for i, start in enumerate(sorted(starts)):
        record = city_record("DE", ["BE"], f"Town {i % places}", continent="EU")
        for part in [record["country"], record["city"], *record.get("subdivisions", [])]:
            part["names"] = {lang: f"{part['names']['en']} ({lang})" for lang in LANGUAGES}
        records.append((str(ipaddress.IPv4Network((start, 24))), record))
    write_database(path, records, database_type="GeoLite2-City", languages=LANGUAGES)
    return [str(ipaddress.IPv4Address(start + rnd.randrange(1, 255))) for start in starts]


def memory() -> dict[str, int]:
    fields = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _, value = line.partition(":")
        if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem"):
            fields[key] = int(value.split()[0]) // 1024  # MiB
    return fields


def measure(mode: str, path: str, addresses_file: str) -> None:
    """In the child: open one way, look up, print JSON."""
    import maxminddb

    from geonotice.locate.geoip import GeoIPDatabase

    addresses = json.loads(Path(addresses_file).read_text())
    start_memory = memory()
    began = time.perf_counter()
    if mode == "mapped":
        get = maxminddb.open_database(path, maxminddb.MODE_MMAP_EXT).get
    elif mode == "memory":
        get = maxminddb.open_database(path, maxminddb.MODE_MEMORY).get
    else:
        get = GeoIPDatabase.open(path)._reader.get
    opened = time.perf_counter() - began
    after_open = memory()
    began = time.perf_counter()
    for address in addresses:
        get(address)
    per_lookup = (time.perf_counter() - began) / len(addresses)
    print(
        json.dumps(
            {
                "open_ms": opened * 1000,
                "lookup_us": per_lookup * 1e6,
                "start": start_memory,
                "opened": after_open,
                "looked_up": memory(),
            }
        )
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--networks", type=int, default=200_000)
    parser.add_argument("--places", type=int, default=5_000)
    parser.add_argument("--lookups", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        measure(*args.child)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench-city.mmdb"
        began = time.perf_counter()
        addresses = build(path, args.networks, args.places, args.seed)
        print(
            f"database: {args.networks} networks, {args.places} places, "
            f"{path.stat().st_size / 2**20:.1f} MiB, built in {time.perf_counter() - began:.0f} s"
        )
        chosen = random.Random(args.seed).choices(addresses, k=args.lookups)
        addresses_file = Path(tmp) / "addresses.json"
        addresses_file.write_text(json.dumps(chosen))
        print(f"{'':8} {'open ms':>8} {'lookup us':>10}   resident MiB after open / after lookups")
        for mode in ("mapped", "copied", "memory"):
            out = subprocess.run(
                [sys.executable, __file__, "--child", mode, str(path), str(addresses_file)],
                capture_output=True,
                text=True,
                check=True,
            ).stdout
            row = json.loads(out)
            base = row["start"]

            def grown(at: dict[str, int], base: dict[str, int] = base) -> str:
                return " ".join(f"{k[3:] if k != 'VmRSS' else 'total'} +{at[k] - base[k]}" for k in at)

            print(f"{mode:8} {row['open_ms']:8.1f} {row['lookup_us']:10.2f}   {grown(row['opened'])}")
            print(f"{'':30}{grown(row['looked_up'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
