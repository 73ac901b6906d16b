"""What geonotice costs per request, counted in CPU instructions by valgrind's callgrind.

    python benchmarks/bench_instructions.py                    # every page, every scenario (~5 min)
    python benchmarks/bench_instructions.py --pages wordpress,amp --json
    python benchmarks/bench_instructions.py --profile wordpress:notice-article   # where they go

Timings on a shared machine drift by tens of percent from minute to minute; instruction counts
do not, so small changes show. Each scenario runs in its own Python process under callgrind:

  bare               the Starlette app alone, serving the page
  no-notice          wrapped in GeoNoticeMiddleware, for a reader who gets no notice (Berlin)
  notice-article     wrapped, for a reader who gets the notice (Moscow), at the start of the article
  notice-body-start  the same notice placed at the start of the body
  notice-body-end    the same notice placed at the end of the body

on every page of the corpus (``benchmarks/corpus``) and on the small template page of
``_pages.py``. Requests go in process through the ASGI interface, on one event loop, with a
browser's request headers. Each page gets warm-up requests first (enough for Python 3.11's
specializing interpreter to settle: with 3 the first page measured cost 7% more than later
ones), then a full garbage collection; the process then calls ``os.getppid()`` and, after the
measured requests, ``os.getpgrp()``, and callgrind writes a profile part before each
(``--dump-before``): start-up, imports and warm-up are never counted. "Added" is the scenario
minus bare on the same page. The shipped rules are used, with the notice's placement changed
per scenario; every reader comes from a network not seen before (``--readers repeated`` sends
one address), so each request pays a real database lookup. Two runs give the same counts to
within about 0.1%.

Needs valgrind (Debian: ``apt-get install valgrind``) and a Python whose own functions have
symbols, as python.org, pyenv and distribution debug builds do (callgrind must find
``os_getppid``).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from types import MappingProxyType, ModuleType

import corpus
from _pages import article_page
from bench_locate import BROWSER_HEADERS
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Scope

from geonotice import GeoNoticeMiddleware

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ("bare", "no-notice", "notice-article", "notice-body-start", "notice-body-end")
PLACEMENTS = {
    "notice-article": "start-of-article",
    "notice-body-start": "start-of-body",
    "notice-body-end": "end-of-body",
}
NOTICE_ID = b'data-notice-id="ru-undesirable-organization"'
TEMPLATE = "template"  # the page of _pages.py, beside the corpus
# Readers: Moscow (the notice applies) and Berlin (it does not), one /24 network per request.
NETWORKS = 2048
COUNTRY_PREFIX = {"RU": 11, "DE": 12}


def page_bytes(name: str) -> bytes:
    return article_page() if name == TEMPLATE else corpus.page(name).data


def page_path(name: str) -> str:
    return f"/a/{name}/1187.html"


# -- the world the scenarios run in: a database and the rules ----------------------------------


def geodb() -> ModuleType:
    """The module the tests build their GeoIP databases with (tests/support/geodb.py)."""
    tests = str(Path(__file__).resolve().parent.parent / "tests")
    if tests not in sys.path:
        sys.path.insert(0, tests)
    from support import geodb as module

    return module


def reader_network(country: str, number: int) -> str:
    return f"{COUNTRY_PREFIX[country]}.{number // 256}.{number % 256}.0/24"


def reader_address(country: str, number: int) -> str:
    return reader_network(country, number).replace(".0/24", ".7")


def write_world(directory: Path) -> tuple[Path, dict[str, Path]]:
    """A City database of Moscow and Berlin networks, and one rules folder per scenario."""
    geo = geodb()
    records = []
    for country, subdivision in (("RU", "MOW"), ("DE", "BE")):
        record = geo.city_record(country, [subdivision])
        for number in range(NETWORKS):
            records.append((reader_network(country, number), record))
    db = geo.write_database(directory / "bench-city.mmdb", records, database_type="GeoIP2-City")
    rules = {}
    for scenario in SCENARIOS:
        folder = directory / f"rules-{scenario}"
        shutil.copytree(ROOT / "rules", folder, ignore=shutil.ignore_patterns("policy"))
        russia = folder / "10-russia.yaml"
        text = russia.read_text(encoding="utf-8")
        placement = PLACEMENTS.get(scenario, "start-of-article")
        line = "    placement: start-of-article"
        changed, count = re.subn(rf"(?m)^{line}$", f"    placement: {placement}", text)
        if count != 1:
            raise RuntimeError(f"{russia}: expected one 'placement: start-of-article' line, found {count}")
        russia.write_text(changed, encoding="utf-8")
        rules[scenario] = folder
    return db, rules


# -- one scenario, in the process callgrind watches ----------------------------------------------


def make_app(pages: Sequence[str]) -> Starlette:
    bodies = {name: page_bytes(name) for name in pages}

    async def article(request: Request) -> Response:
        return Response(bodies[request.path_params["page"]], media_type="text/html; charset=utf-8")

    # One route for all pages: with one route each, a page's cost would depend on its route's rank.
    return Starlette(routes=[Route(page_path("{page}"), article)])


def scope_for(path: str, client: str) -> Scope:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": BROWSER_HEADERS,
        "client": (client, 51234),
        "server": ("10.0.0.1", 8000),
    }


async def _receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


async def serve(app: ASGIApp, path: str, client: str, keep: list[bytes] | None = None) -> int:
    """One request; returns the body size (and keeps the body in ``keep`` to check it)."""
    size = 0

    async def send(message: Message) -> None:
        nonlocal size
        if message["type"] == "http.response.body":
            size += len(message.get("body", b""))
            if keep is not None:
                keep.append(message.get("body", b""))

    await app(scope_for(path, client), _receive, send)
    return size


def run_scenario(
    scenario: str,
    pages: Sequence[str],
    db: Path,
    rules: Path,
    *,
    requests: int,
    warmup: int,
    fresh: bool,
    options: Mapping[str, object] = MappingProxyType({}),
) -> None:
    """Serves every page: warm-up, then the measured requests between the two markers."""
    app: ASGIApp = make_app(pages)
    if scenario != "bare":
        # A long reload interval: the watcher threads must not wake inside a measured stretch.
        app = GeoNoticeMiddleware(app, rules=rules, geoip_db=db, reload_interval=3600, **options)
    country = "DE" if scenario == "no-notice" else "RU"
    if fresh and len(pages) * (warmup + requests) >= NETWORKS:
        raise RuntimeError(f"fresh readers: at most {NETWORKS - 1} requests in all")
    counter = iter(range(1, NETWORKS))

    def client() -> str:
        return reader_address(country, next(counter) if fresh else 0)

    async def main() -> None:
        for name in pages:
            path = page_path(name)
            body: list[bytes] = []
            await serve(app, path, client(), body)
            _check(scenario, name, b"".join(body))
            for _ in range(warmup - 1):
                await serve(app, path, client())
            addresses = [client() for _ in range(requests)]
            # What warm-up and earlier pages left on the heap is not this page's to collect: a full
            # collection over it would land in whichever measured request crosses the threshold.
            gc.collect()
            gc.freeze()
            os.getppid()  # callgrind: --dump-before=os_getppid ends the unmeasured part
            for address in addresses:
                await serve(app, path, address)
            os.getpgrp()  # callgrind: --dump-before=os_getpgrp ends the measured part
            gc.unfreeze()

    asyncio.run(main())
    if isinstance(app, GeoNoticeMiddleware):
        app.close()


def _check(scenario: str, name: str, body: bytes) -> None:
    """Raises ``RuntimeError`` unless the page came back untouched (bare, no notice) or with the
    notice once, at the landmark of its placement on corpus pages: what is measured is what the
    scenario says."""
    page = page_bytes(name)
    if scenario not in PLACEMENTS:
        if body != page:
            raise RuntimeError(f"{scenario} on {name}: the page was changed")
        return
    notices = body.count(NOTICE_ID)
    if notices != 1:
        raise RuntimeError(f"{scenario} on {name}: expected the notice once, found {notices}")
    at = body.rfind(b"<aside", 0, body.find(NOTICE_ID))
    fragment = body[at : at + len(body) - len(page)]
    if body[:at] + body[at + len(fragment) :] != page:
        raise RuntimeError(f"{scenario} on {name}: the page changed besides the notice")
    if name != TEMPLATE:
        marks = corpus.page(name).landmarks
        wanted = {
            "notice-article": marks.article_start,
            "notice-body-start": marks.body_start,
            "notice-body-end": marks.body_end,
        }[scenario]
        if at != wanted:
            raise RuntimeError(f"{scenario} on {name}: the notice is at byte {at}, not {wanted}")


# -- the parent: one callgrind process per scenario -------------------------------------------


def callgrind(
    scenario: str, pages: Sequence[str], db: Path, rules: Path, workdir: Path, args: argparse.Namespace
) -> list[Path]:
    """Runs one scenario under callgrind; returns the profile of each page's measured requests."""
    out = workdir / f"callgrind.{scenario}"
    command = [
        "valgrind",
        "--tool=callgrind",
        f"--callgrind-out-file={out}",
        # Each dump holds what ran since the previous one: the part that ends at os.getpgrp()
        # is the measured requests. (--zero-before would do for the totals, but it leaves the
        # costs of the functions on the stack in the profile, which then adds up to more.)
        "--dump-before=os_getppid",
        "--dump-before=os_getpgrp",
        "--dump-instr=no",
        "--dump-line=no",
        sys.executable,
        __file__,
        "--child",
        scenario,
        "--pages",
        ",".join(pages),
        "--db",
        str(db),
        "--rules",
        str(rules),
        "--requests",
        str(args.requests),
        "--warmup",
        str(args.warmup),
        "--readers",
        args.readers,
        "--options",
        json.dumps(args.options),
    ]
    # A fixed hash seed: dict and set layouts, and so the instruction counts, repeat exactly.
    env = {**os.environ, "PYTHONHASHSEED": "0"}
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{scenario} failed:\n{done.stderr[-3000:]}")
    dumps = sorted(workdir.glob(f"callgrind.{scenario}.*"), key=lambda p: int(p.suffix[1:]))
    if len(dumps) != 2 * len(pages):
        raise RuntimeError(
            f"{scenario}: callgrind wrote {len(dumps)} parts for {len(pages)} pages, not two each; "
            "does this Python have symbols for os_getppid and os_getpgrp?"
        )
    return dumps[1::2]


def _summary(dump: Path) -> int:
    for line in dump.read_text().splitlines():
        if line.startswith("summary:"):
            return int(line.split()[1])
    raise RuntimeError(f"{dump}: no summary line")


def measure(pages: Sequence[str], args: argparse.Namespace) -> dict[str, dict[str, float]]:
    """Instructions per request: ``{page: {scenario: count}}``."""
    results: dict[str, dict[str, float]] = {name: {} for name in pages}
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        db, rules = write_world(workdir)
        began = time.monotonic()

        def run(scenario: str) -> None:
            dumps = callgrind(scenario, pages, db, rules[scenario], workdir, args)
            for name, dump in zip(pages, dumps, strict=True):
                results[name][scenario] = _summary(dump) / args.requests
            print(f"  {scenario:<18} done after {time.monotonic() - began:5.1f} s", file=sys.stderr)

        # Instruction counts do not depend on what else the machine runs: scenarios may overlap.
        with ThreadPoolExecutor(max_workers=args.jobs) as pool:
            list(pool.map(run, SCENARIOS))
    return results


def print_table(pages: Sequence[str], results: dict[str, dict[str, float]]) -> None:
    print(
        "Instructions per request (callgrind Ir): the bare app's own, and what geonotice adds to it\n"
        f"{'page':<14} {'bytes':>9} {'head':>7} {'bare':>9} {'no notice':>10} "
        f"{'notice, article':>16} {'body start':>11} {'body end':>11}"
    )
    for name in pages:
        data = page_bytes(name)
        head = data.find(b"</head>")
        row = results[name]
        bare = row["bare"]
        added = [row[s] - bare for s in SCENARIOS[1:]]
        print(
            f"{name:<14} {len(data):>9,} {head:>7,} {bare:>9,.0f} {added[0]:>+10,.0f} "
            f"{added[1]:>+16,.0f} {added[2]:>+11,.0f} {added[3]:>+11,.0f}"
        )


def profile(target: str, args: argparse.Namespace) -> None:
    """Where one scenario's instructions go: by C function under callgrind, then by Python
    function under cProfile (time, not instructions, but it names the Python code)."""
    name, _, scenario = target.partition(":")
    if scenario not in SCENARIOS or (name != TEMPLATE and name not in corpus.NAMES):
        raise SystemExit(f"--profile PAGE:SCENARIO, with a scenario among {', '.join(SCENARIOS)}")
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        db, rules = write_world(workdir)
        dumps = {s: callgrind(s, [name], db, rules[s], workdir, args)[0] for s in ("bare", scenario)}
        costs = _self_costs(dumps[scenario])
        costs.subtract(_self_costs(dumps["bare"]))
        total = sum(costs.values())
        per_request = total / args.requests
        print(f"callgrind, {name}, {scenario} minus bare: {per_request:,.0f} instructions per request")
        print("  by kind of work:")
        groups: Counter[str] = Counter()
        for function, count in costs.items():
            groups[_kind(function)] += count
        for kind, count in groups.most_common():
            print(f"    {count / args.requests:>12,.0f} {count / total:6.1%}  {kind}")
        print("  by C function (own instructions):")
        for function, count in costs.most_common(20):
            print(f"    {count / args.requests:>12,.0f} {count / total:6.1%}  {function}")
        print(f"\ncProfile, {name}, {scenario}: 2,000 requests, Python functions by own time")
        _cprofile(scenario, name, db, rules[scenario])


def _self_costs(dump: Path) -> Counter[str]:
    """Each function's own instructions in a callgrind profile (calls to others excluded)."""
    names: dict[str, str] = {}
    costs: Counter[str] = Counter()
    function = ""
    after_call = False
    for line in dump.read_text().splitlines():
        if line.startswith(("fn=", "cfn=")):
            # "fn=(12) name" the first time, "fn=(12)" after that.
            key, _, name = line.partition("=")[2].partition(" ")
            if name:
                names[key] = name
            if line.startswith("fn="):
                function = names.get(key, key)
        elif line.startswith("calls="):
            after_call = True  # the next cost line is the call's inclusive cost
        elif line[:1].isdigit() or line[:1] in "+-*":
            # "position cost"; a position alone costs nothing.
            position_and_cost = line.split()
            if not after_call and len(position_and_cost) == 2:
                costs[function.split("'")[0]] += int(position_and_cost[1])
            after_call = False
    return costs


_KINDS = (
    ("regular expressions (re)", re.compile(r"sre_|_sre|pattern_|match_")),
    ("bytes.lower", re.compile(r"_Py_bytes_lower")),
    ("memory copies", re.compile(r"mem(cpy|move|set)|__memcpy|__memmove")),
    ("allocation and freeing", re.compile(r"alloc|_Free|free|dealloc|Malloc|Realloc|arena")),
    ("interpreter loop", re.compile(r"_PyEval_EvalFrameDefault")),
)


def _kind(function: str) -> str:
    for kind, pattern in _KINDS:
        if pattern.search(function):
            return kind
    return "other C functions (calls, attributes, dicts, ...)"


def _cprofile(scenario: str, name: str, db: Path, rules: Path) -> None:
    import cProfile
    import pstats

    app: ASGIApp = make_app([name])
    if scenario != "bare":
        app = GeoNoticeMiddleware(app, rules=rules, geoip_db=db, reload_interval=3600)
    country = "DE" if scenario == "no-notice" else "RU"
    path = page_path(name)

    async def many(count: int, offset: int) -> None:
        for number in range(count):
            await serve(app, path, reader_address(country, (offset + number) % NETWORKS))

    asyncio.run(many(20, 0))
    profiler = cProfile.Profile()
    profiler.enable()
    asyncio.run(many(2000, 20))
    profiler.disable()
    pstats.Stats(profiler).sort_stats("tottime").print_stats(18)


def _setting(text: str) -> tuple[str, object]:
    name, equals, value = text.partition("=")
    if not equals:
        raise SystemExit(f"--set {text!r}: write SETTING=JSON, e.g. metrics=null")
    return name, json.loads(value)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--pages", help=f"comma-separated, of: {TEMPLATE}, {', '.join(corpus.NAMES)}")
    parser.add_argument("--requests", type=int, default=20, help="measured requests per page")
    parser.add_argument("--warmup", type=int, default=20, help="requests per page before measuring")
    parser.add_argument("--readers", choices=("fresh", "repeated"), default="fresh")
    parser.add_argument(
        "--set",
        metavar="SETTING=JSON",
        action="append",
        default=[],
        help="a middleware setting for the measured scenarios, e.g. metrics=null (repeatable)",
    )
    parser.add_argument("--options", type=json.loads, default=None, help=argparse.SUPPRESS)
    parser.add_argument("--jobs", type=int, default=2, help="scenarios run at once")
    parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
    parser.add_argument("--profile", metavar="PAGE:SCENARIO", help="where one scenario's instructions go")
    parser.add_argument("--child", choices=SCENARIOS, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rules", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.options is None:
        args.options = dict(_setting(text) for text in args.set)
    pages = args.pages.split(",") if args.pages else [TEMPLATE, *corpus.NAMES]
    if args.child:
        run_scenario(
            args.child, pages, args.db, args.rules,
            requests=args.requests, warmup=args.warmup, fresh=args.readers == "fresh",
            options=args.options,
        )  # fmt: skip
        os._exit(0)  # the middleware's watcher threads are daemons; don't wait on teardown
    if shutil.which("valgrind") is None:
        print("valgrind is not installed (Debian: apt-get install valgrind)", file=sys.stderr)
        return 2
    if args.profile:
        profile(args.profile, args)
        return 0
    unknown = [name for name in pages if name != TEMPLATE and name not in corpus.NAMES]
    if unknown:
        parser.error(f"unknown pages: {', '.join(unknown)}")
    results = measure(pages, args)
    if args.json:
        table = {name: {"bytes": len(page_bytes(name)), **results[name]} for name in pages}
        print(json.dumps(table, indent=2))
    else:
        print_table(pages, results)
    return 0


if __name__ == "__main__":
    sys.exit(main())
