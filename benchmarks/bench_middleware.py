"""The middleware end to end: the same ~100 KB article page served

  bare      the app alone
  silent    wrapped, for readers who get no notice (Berlin)
  notice    wrapped, for readers who get a notice (Moscow)
  naive     a BaseHTTPMiddleware that looks the reader up with geoip2, buffers the body and
            does bytes.replace: what a first attempt looks like

both in-process through the ASGI interface and over a real uvicorn server (one worker) loaded by
wrk on loopback. Over uvicorn there is one more:

  nginx-sub-filter  the bare app behind a real nginx (one worker) whose sub_filter writes the
                    same notice after the same <article ...> start tag, for every reader: it
                    looks nobody up, so it is an upper bound for a proxy that substitutes

 Variants are measured in interleaved rounds, side by side, and reported as medians
and ratios to bare, because a shared machine's speed drifts from minute to minute.

Readers come from pools of 10,000 distinct addresses spread over a generated database, so the
figures include real lookups; ``--single`` repeats one address instead (what a cache sees).

    python benchmarks/bench_middleware.py                # both parts
    python benchmarks/bench_middleware.py --in-process   # no server, no wrk
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gzip
import os
import re
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import geoip2.database
import httpx
from starlette.applications import Starlette
from starlette.middleware.base import BaseHTTPMiddleware, RequestResponseEndpoint
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Scope

sys.path.insert(0, str(Path(__file__).parent))
# Test databases are written by tests/support/geodb.py, since mmdb-writer is a dev dependency.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from _pages import article_page  # noqa: E402

from geonotice import GeoNoticeMiddleware  # noqa: E402
from support.edgeservers import NGINX, running_nginx  # noqa: E402
from support.geodb import city_record, write_database  # noqa: E402
from support.polling import wait_until  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
PATH = "/a/court-watch/1187.html"
POOL_SIZE = 10_000
VARIANTS = ("bare", "silent", "notice", "naive")
SUB_FILTER = "nginx-sub-filter"  # over uvicorn only: nginx in front of the bare app


# -- the world: a database with many networks, and pools of readers in it ---------------------


def build_database(path: Path) -> dict[str, list[str]]:
    """20,000 /24 networks alternating Russia and Germany; returns one address per network."""
    records = []
    pools: dict[str, list[str]] = {"RU": [], "DE": []}
    for n in range(2 * POOL_SIZE):
        network = f"{11 + n // 65536}.{(n // 256) % 256}.{n % 256}.0/24"
        country, subdivision = ("RU", "MOW") if n % 2 == 0 else ("DE", "BE")
        records.append((network, city_record(country, [subdivision])))
        pools[country].append(network.replace(".0/24", f".{1 + n % 250}"))
    write_database(path, records, database_type="GeoIP2-City")
    return pools


# -- the apps ----------------------------------------------------------------------------------


def bare_app(page: bytes) -> Starlette:
    gz = gzip.compress(page, 6)

    async def article(request: Request) -> Response:
        return Response(page, media_type="text/html; charset=utf-8")

    async def article_gzip(request: Request) -> Response:
        return Response(gz, media_type="text/html; charset=utf-8", headers={"content-encoding": "gzip"})

    return Starlette(routes=[Route(PATH, article), Route("/gz" + PATH, article_gzip)])


class NaiveNotices(BaseHTTPMiddleware):
    """The straightforward way: geoip2 model objects, a buffered body, bytes.replace."""

    def __init__(self, app: ASGIApp, db: Path) -> None:
        super().__init__(app)
        self.reader = geoip2.database.Reader(str(db))

    async def dispatch(self, request: Request, call_next: RequestResponseEndpoint) -> Response:
        ip = request.headers.get("x-forwarded-for", request.client.host if request.client else "")
        try:
            country = self.reader.city(ip.split(",")[-1].strip()).country.iso_code
        except Exception:
            country = None
        response = await call_next(request)
        body = b"".join([chunk async for chunk in response.body_iterator])  # type: ignore[attr-defined]
        if country == "RU" and request.url.path.startswith("/a/"):
            notice = b'<aside class="geonotice-notice" role="note"><p>Warning.</p></aside>'
            body = body.replace(b"<article", notice + b"<article", 1)
        headers = dict(response.headers)
        headers.pop("content-length", None)
        return Response(body, status_code=response.status_code, headers=headers)


def make_app(variant: str, db: Path, page: bytes, *, trusted: tuple[str, ...] = ()) -> ASGIApp:
    app = bare_app(page)
    if variant == "naive":
        return NaiveNotices(app, db)
    if variant in ("silent", "notice"):
        return GeoNoticeMiddleware(app, rules=RULES, geoip_db=db, trusted_proxies=trusted)
    return app


# -- in-process --------------------------------------------------------------------------------


async def one_request(app: ASGIApp, path: str, ip: str) -> int:
    scope: Scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(b"host", b"news.example"), (b"accept-encoding", b"gzip")],
        "client": (ip, 50000),
        "server": ("127.0.0.1", 8000),
    }
    size = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal size
        if message["type"] == "http.response.body":
            size += len(message.get("body", b""))

    await app(scope, receive, send)
    return size


def in_process(db: Path, pools: dict[str, list[str]], page: bytes, *, single: bool, rounds: int) -> None:
    apps = {variant: make_app(variant, db, page) for variant in VARIANTS}
    reader_pool = {"bare": pools["RU"], "silent": pools["DE"], "notice": pools["RU"], "naive": pools["RU"]}
    per_round = 2000

    async def measure(app: ASGIApp, path: str, pool: list[str]) -> list[float]:
        times = []
        for i in range(per_round):
            ip = pool[0] if single else pool[i % len(pool)]
            start = time.perf_counter_ns()
            await one_request(app, path, ip)
            times.append((time.perf_counter_ns() - start) / 1000)
        return times

    async def run() -> dict[str, list[float]]:
        samples: dict[str, list[float]] = {}
        cases = [(v, PATH) for v in VARIANTS] + [("bare-gzip", "/gz" + PATH), ("notice-gzip", "/gz" + PATH)]
        for _ in range(rounds):
            for name, path in cases:
                variant = name.split("-")[0]
                samples.setdefault(name, []).extend(await measure(apps[variant], path, reader_pool[variant]))
        return samples

    samples = asyncio.run(run())
    medians = {name: statistics.median(times) for name, times in samples.items()}
    print(f"\nIn-process, one request through the ASGI interface ({'one address' if single else 'pool'}):")
    print(f"  {'variant':<12} {'median µs':>10} {'added µs':>10} {'ratio to bare':>14}")
    for name, median in medians.items():
        bare = medians["bare-gzip" if name.endswith("gzip") else "bare"]
        print(f"  {name:<12} {median:>10.1f} {median - bare:>10.1f} {bare / median:>14.3f}")


# -- nginx + sub_filter ------------------------------------------------------------------------

SUB_FILTER_LOCATION = """
            # sub_filter sees the bytes as they arrive: the app must not compress them.
            proxy_set_header Accept-Encoding "";
            # sub_filter_types: text/html, always included (naming it draws a warning)
            sub_filter_once on;
            sub_filter {match} {replacement};
"""


def sub_filter_missing() -> str | None:
    """Why nginx with its sub module cannot run here, or ``None`` when it can."""
    if not os.access(NGINX, os.X_OK):
        return "nginx is not installed (Debian: apt-get install nginx)"
    built = subprocess.run([NGINX, "-V"], capture_output=True, text=True, timeout=10, check=False)
    if "--with-http_sub_module" not in built.stderr:
        return "nginx was built without --with-http_sub_module"
    return None


def noticed_page(db: Path, page: bytes, ip: str) -> bytes:
    """The page geonotice serves the reader at ``ip`` (in process)."""
    app = GeoNoticeMiddleware(bare_app(page), rules=RULES, geoip_db=db)

    async def fetch() -> bytes:
        transport = httpx.ASGITransport(app=app, client=(ip, 50000))
        async with httpx.AsyncClient(transport=transport, base_url="http://news.example") as client:
            return (await client.get(PATH)).raise_for_status().content

    try:
        return asyncio.run(fetch())
    finally:
        app.close()


def notice_substitution(page: bytes, noticed: bytes) -> tuple[bytes, bytes]:
    """What sub_filter must find in ``page`` and what to put in its place to serve ``noticed``:
    the whole ``<article ...>`` start tag geonotice wrote after, then that tag and the notice.

    sub_filter matches a fixed string, so a generic ``<article`` would do only where the first
    such string is the article's tag; the whole tag places the notice where geonotice does.

    Raises:
        RuntimeError: ``noticed`` is not ``page`` with one insertion right after a start tag of
            ``<article``.
    """
    differs = next((i for i, (a, b) in enumerate(zip(page, noticed, strict=False)) if a != b), len(page))
    start = noticed.rfind(b"<article", 0, differs)
    end = page.find(b">", start) + 1
    notice = noticed[end : end + len(noticed) - len(page)]
    if start < 0 or not 0 < end <= differs or noticed != page[:end] + notice + page[end:]:
        raise RuntimeError("geonotice's page is not the bare page with a notice after <article ...>")
    return page[start:end], page[start:end] + notice


def nginx_string(value: bytes) -> str:
    """``value`` as one single-quoted nginx argument.

    Raises:
        ValueError: it holds ``$``, which sub_filter would read as a variable and nginx cannot escape.
    """
    text = value.decode()
    if "$" in text:
        raise ValueError(f"sub_filter cannot write a literal $: {text!r}")
    return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"


def sub_filter_location(match: bytes, replacement: bytes) -> str:
    """The location lines that make nginx replace ``match`` once with ``replacement``."""
    return SUB_FILTER_LOCATION.format(match=nginx_string(match), replacement=nginx_string(replacement))


# -- over uvicorn ------------------------------------------------------------------------------

WRK_SCRIPT = """
local addresses = {}
for line in io.lines("%s") do addresses[#addresses + 1] = line end
local i = math.random(#addresses)
request = function()
  i = i %% #addresses + 1
  return wrk.format(nil, nil, {["X-Forwarded-For"] = addresses[i]})
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def page_named(name: str) -> bytes:
    """The page served: the template page, or a page of the corpus (``benchmarks/corpus``)."""
    if name == "template":
        return article_page()
    import corpus

    return corpus.page(name).data


def serve(variant: str, db: Path, port: int, page: str) -> None:
    import uvicorn

    app = make_app(variant, db, page_named(page), trusted=("127.0.0.1",))
    # geonotice reads X-Forwarded-For itself; uvicorn's own proxy handling would rewrite the
    # client first (and geonotice would warn), as docs/deployment.md says to turn it off.
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False, proxy_headers=False)


def wrk_run(port: int, script: Path, seconds: int) -> tuple[float, float, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t1",
            "-c16",
            f"-d{seconds}s",
            "--latency",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}{PATH}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]

    def latency(label: str) -> float:
        value, unit = re.search(rf"{label}%\s+([\d.]+)(us|ms|s)", out).groups()  # type: ignore[union-attr]
        return float(value) * {"us": 1, "ms": 1000, "s": 1_000_000}[unit]

    return rps, latency("50"), latency("99")


@contextlib.contextmanager
def uvicorn_server(variant: str, db: Path, page: str) -> Iterator[int]:
    """``variant`` served by uvicorn in a process of its own; yields its port."""
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, __file__, "--serve", variant, "--db", str(db), "--port", str(port), "--page", page]
    )
    try:
        _wait_for(port)
        yield port
    finally:
        server.terminate()
        server.wait(timeout=10)


@contextlib.contextmanager
def nginx_sub_filter(db: Path, page: str, directory: Path, location: str, expected: bytes) -> Iterator[int]:
    """The bare app behind nginx with ``location``; yields nginx's port once it serves ``expected``.

    Raises:
        RuntimeError: nginx did not start, or served another page.
    """
    with (
        uvicorn_server("bare", db, page) as origin,
        running_nginx(
            directory, http="", location=location, origin=f"127.0.0.1:{origin}", geoip2=False, cache=False
        ) as nginx,
    ):
        with urllib.request.urlopen(nginx.url + PATH, timeout=10) as response:
            if response.read() != expected:
                raise RuntimeError("nginx's sub_filter did not serve the page geonotice serves")
        yield int(nginx.url.rsplit(":", 1)[1])


def over_uvicorn(
    db: Path, pools: dict[str, list[str]], workdir: Path, *, single: bool, rounds: int, page: str
) -> None:
    if shutil.which("wrk") is None:
        print("\nOver uvicorn: skipped, wrk is not installed (Debian: apt-get install wrk)")
        return
    scripts = {}
    for name, pool in (("RU", pools["RU"]), ("DE", pools["DE"])):
        pool_file = workdir / f"pool-{name}.txt"
        pool_file.write_text("\n".join(pool[:1] if single else pool) + "\n")
        script = workdir / f"pool-{name}.lua"
        script.write_text(WRK_SCRIPT % pool_file)
        scripts[name] = script
    reader = {"bare": "RU", "silent": "DE", "notice": "RU", "naive": "RU", SUB_FILTER: "RU"}
    variants = VARIANTS
    missing = sub_filter_missing()
    if missing is None:
        variants += (SUB_FILTER,)
        bare = page_named(page)
        noticed = noticed_page(db, bare, pools["RU"][0])
        location = sub_filter_location(*notice_substitution(bare, noticed))
        (workdir / "nginx").mkdir()
    else:
        print(f"\n{SUB_FILTER}: skipped, {missing}")
    results: dict[str, list[tuple[float, float, float]]] = {v: [] for v in variants}
    for _ in range(rounds):
        for variant in variants:
            with contextlib.ExitStack() as stack:
                if variant == SUB_FILTER:
                    port = stack.enter_context(
                        nginx_sub_filter(db, page, workdir / "nginx", location, noticed)
                    )
                else:
                    port = stack.enter_context(uvicorn_server(variant, db, page))
                wrk_run(port, scripts[reader[variant]], 1)  # warm-up
                results[variant].append(wrk_run(port, scripts[reader[variant]], 4))
    readers = "one address" if single else "pool"
    print(f"\nOver uvicorn (1 worker), wrk -t1 -c16 ({readers}), medians of {rounds} rounds:")
    print(f"  {'variant':<16} {'req/s':>9} {'p50 µs':>8} {'p99 µs':>8} {'ratio to bare':>14}")
    bare_rps = statistics.median(r[0] for r in results["bare"])
    for variant, runs in results.items():
        rps = statistics.median(r[0] for r in runs)
        p50 = statistics.median(r[1] for r in runs)
        p99 = statistics.median(r[2] for r in runs)
        print(f"  {variant:<16} {rps:>9.0f} {p50:>8.0f} {p99:>8.0f} {rps / bare_rps:>14.3f}")


def _wait_for(port: int) -> None:
    wait_until(lambda: _accepts(port), f"server on port {port} did not start", timeout=20, interval=0.05)


def _accepts(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.2):
            return True
    except OSError:
        return False


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--in-process", action="store_true", help="skip the uvicorn part")
    parser.add_argument("--single", action="store_true", help="one repeated address instead of a pool")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--page",
        default="template",
        help="the page served: template (default) or a corpus page, e.g. wordpress",
    )
    parser.add_argument("--serve", choices=VARIANTS, help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.db, args.port, args.page)
        return
    with tempfile.TemporaryDirectory() as tmp:
        workdir = Path(tmp)
        db = workdir / "bench-city.mmdb"
        pools = build_database(db)
        page = page_named(args.page)
        print(
            f"page: {len(page):,} bytes; database: {2 * POOL_SIZE:,} networks; pools of {POOL_SIZE:,} readers"
        )
        in_process(db, pools, page, single=args.single, rounds=args.rounds)
        if not args.in_process:
            over_uvicorn(db, pools, workdir, single=args.single, rounds=args.rounds, page=args.page)
    os._exit(0)  # the middleware's watcher threads are daemons; don't wait on interpreter teardown


if __name__ == "__main__":
    main()
