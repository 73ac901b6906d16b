"""What finding a page's charset costs, and how much of a page is held to find it.

    python benchmarks/bench_charset.py [--rounds 5] [--requests 2000]

The ~100 KB article page (``_pages.article_page``) served through ``NoticeResponder`` to a reader
who gets the Russian notice, in-process, in 64 KiB body messages (as Starlette streams a file),
the page being:

* utf-8, Content-Type: ``charset=utf-8`` in the header (what frameworks send): the baseline;
* windows-1251, Content-Type: the same page in windows-1251, declared in the header;
* meta, undeclared header: ``<meta charset="utf-8">`` in the page's head is found by the prescan;
* no declaration: no charset anywhere, the first 1,024 bytes prescanned and checked as UTF-8;
* utf-16: a UTF-16LE page with a byte order mark, transcoded for the scan and back.

Reported: median µs per response and the ratio to the baseline, and, streaming the page in
100-byte messages, how many of the app's bytes had been sent when the first byte left (the hold).
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import time
from pathlib import Path

from starlette.types import Message, Receive, Scope, Send

sys.path.insert(0, str(Path(__file__).parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from _pages import article_page  # noqa: E402

from geonotice.inject.metrics import PlacementCounts  # noqa: E402
from geonotice.inject.responder import NoticeResponder  # noqa: E402
from geonotice.rules.model import Decision, Notice, PageMatch, Placement, PlacementKind  # noqa: E402

TEXT = "<p>Российские власти признали это издание «нежелательной организацией».</p>"
NOTICE = Notice(
    id="ru-undesirable-organization",
    jurisdictions=("russia",),
    texts={"ru": TEXT},
    default_language="ru",
    placement=Placement(PlacementKind.ARTICLE_START),
    pages=PageMatch(paths=("/a/**",)),
)
DECISION = Decision(notices=(NOTICE,), page_language=None)
SCOPE: Scope = {"type": "http", "method": "GET", "path": "/a/x/1.html", "headers": []}


def pages() -> dict[str, tuple[bytes, bytes]]:
    utf8 = article_page()
    bare = utf8.replace(b'<meta charset="utf-8">\n', b"")
    return {
        "utf-8, Content-Type": (utf8, b"text/html; charset=utf-8"),
        "windows-1251, Content-Type": (bare.decode().encode("cp1251"), b"text/html; charset=windows-1251"),
        "meta, undeclared header": (utf8, b"text/html"),
        "no declaration": (bare, b"text/html"),
        "utf-16 with BOM": (b"\xff\xfe" + bare.decode().encode("utf-16-le"), b"text/html"),
    }


def app_for(body: bytes, content_type: bytes, chunk: int):  # type: ignore[no-untyped-def]
    chunks = [body[i : i + chunk] for i in range(0, len(body), chunk)]

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", content_type)]}
        )
        for index, part in enumerate(chunks):
            await send({"type": "http.response.body", "body": part, "more_body": index < len(chunks) - 1})

    return app, chunks


async def _receive() -> Message:
    return {"type": "http.request"}


async def serve_many(app, count: int) -> float:  # type: ignore[no-untyped-def]
    sent: list[Message] = []

    async def send(message: Message) -> None:
        sent.append(message)

    metrics = PlacementCounts()
    began = time.perf_counter()
    for _ in range(count):
        await NoticeResponder(app, DECISION, metrics=metrics)(SCOPE, _receive, send)
        sent.clear()
    return (time.perf_counter() - began) / count


async def held_bytes(body: bytes, content_type: bytes) -> int:
    app, chunks = app_for(body, content_type, 100)
    produced = 0
    first: list[int] = []

    async def counting(scope: Scope, receive: Receive, send: Send) -> None:
        async def count(message: Message) -> None:
            nonlocal produced
            produced += len(message.get("body", b""))
            await send(message)

        await app(scope, receive, count)

    async def send(message: Message) -> None:
        if message["type"] == "http.response.body" and message.get("body") and not first:
            first.append(produced)

    await NoticeResponder(counting, DECISION, metrics=PlacementCounts())(SCOPE, _receive, send)
    return first[0]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--requests", type=int, default=2000)
    args = parser.parse_args()
    cases = pages()
    apps = {name: app_for(body, ctype, 64 * 1024)[0] for name, (body, ctype) in cases.items()}
    times: dict[str, list[float]] = {name: [] for name in cases}
    for _ in range(args.rounds):  # interleaved: drift on a shared machine hits every case alike
        for name, app in apps.items():
            times[name].append(asyncio.run(serve_many(app, args.requests)))
    base = statistics.median(times["utf-8, Content-Type"])
    print(f"{'page':30} {'us/response':>12} {'x utf-8':>8} {'held before first byte':>24}")
    for name, (body, ctype) in cases.items():
        median = statistics.median(times[name])
        held = asyncio.run(held_bytes(body, ctype))
        print(f"{name:30} {median * 1e6:12.1f} {median / base:8.2f} {held:>20} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main())
