"""Benchmark of the injector: scanner throughput, compressed path, per-request overhead, memory.

Run: ``python benchmarks/bench_scanner.py`` (about a minute), or ``--corpus`` for the throughput
on every page of the corpus (``benchmarks/corpus``) and placement only. Prints medians; the baselines
(``bytes.find``, a naive whole-buffer ``bytes.replace``, zlib level 6) run in the same process so
the ratios hold on any machine.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import gzip
import json
import random
import resource
import statistics
import time
import tracemalloc
import zlib
from collections.abc import Awaitable, Callable

import brotli
import corpus
from _pages import article_page as template_page
from starlette.types import Message, Receive, Scope, Send

from geonotice.inject import walker
from geonotice.inject.encoding import decoder_for, encoder_for
from geonotice.inject.headers import CachePolicy
from geonotice.inject.responder import CacheHeadersResponder, NoticeResponder
from geonotice.inject.scanner import PageRewriter
from geonotice.rules.model import Decision, Notice, PageMatch, Placement, PlacementKind

FRAGMENT = b'<aside class="geonotice-notice" data-notice-id="n" lang="en" role="note"><p>Notice.</p></aside>'


def article_page(size: int = 100_000) -> bytes:
    """A news article page: head with meta, JSON-LD and CSS, navigation, article, footer."""
    head = [b'<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n<title>A story</title>\n']
    for i in range(25):
        head.append(
            b'<meta property="og:tag%d" content="Value %d, with &quot;quotes&quot; &amp; more">\n' % (i, i)
        )
    head.append(b"<style>" + b".nav a:hover>span{color:#c00}.story p{margin:0 0 1em}\n" * 60 + b"</style>\n")
    head.append(
        b'<script type="application/ld+json">{"@type":"NewsArticle","headline":"A <b>story</b>"}</script>\n'
    )
    head.append(b"<script>window.dataLayer=[];if(a<b&&c>d){track('</div>')}</script>\n</head>\n")
    nav = [b'<body class="article-page">\n<header><nav class="nav">\n']
    for i in range(120):
        nav.append(
            b'<a class="nav__link" href="/section/%d" data-track=\'{"pos":%d}\'><span>Section %d</span></a>\n'
            % (i, i, i)
        )
    nav.append(
        b'</nav></header>\n<main id="content"><article class="story" data-id="42">\n<h1>Headline</h1>\n'
    )
    words = (
        b"the of government said report minister region court law media outlet readers sharing liking "
        b"comment fine prison undesirable organization journalists published according sources officials"
    ).split()
    chooser = random.Random(42)

    def paragraph() -> bytes:
        text = b" ".join(chooser.choice(words) for _ in range(40))
        link = b'<a href="/a/story-%d/%d.html">%s</a>' % (
            chooser.randrange(999),
            chooser.randrange(10**6),
            words[3],
        )
        return (
            b"<p>" + text[:120] + b" " + link + b" <em>" + text[120:140] + b"</em>" + text[140:] + b".</p>\n"
        )

    footer = (
        b"</article></main>\n<footer>"
        + b'<div class="f"><a href="/about">About</a></div>\n' * 80
        + b"</footer>\n"
    )
    end = b'<script src="/app.js" defer></script>\n</body>\n</html>\n'
    body = b"".join(head) + b"".join(nav)
    while len(body) + len(footer) + len(end) < size:
        body += paragraph() + (b"<!-- ad slot -->\n" if chooser.random() < 0.2 else b"")
    return body + footer + end


def median_seconds(fn: Callable[[], object], repeat: int = 60) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def rewrite(page: bytes, placement: Placement, chunk: int = 16_384) -> bytes:
    rewriter = PageRewriter([placement], lambda p, lang: FRAGMENT)
    out = [rewriter.feed(page[i : i + chunk]) for i in range(0, len(page), chunk)]
    out.append(rewriter.close())
    return b"".join(out)


def bench_scanner(page: bytes, name: str) -> None:
    print(f"scanner, {name}, {len(page) / 1000:.0f} KB in 16 KiB chunks (median of 60)")
    rows = [
        ("bytes.find('</body>')", lambda: page.find(b"</body>")),
        ("naive bytes.replace, whole buffer", lambda: page.replace(b"</body>", FRAGMENT + b"</body>", 1)),
        ("PageRewriter end-of-body", lambda: rewrite(page, Placement(PlacementKind.BODY_END))),
        ("PageRewriter start-of-article", lambda: rewrite(page, Placement(PlacementKind.ARTICLE_START))),
        ("PageRewriter start-of-body", lambda: rewrite(page, Placement(PlacementKind.BODY_START))),
    ]
    base = None
    for name, fn in rows:
        seconds = median_seconds(fn)
        base = base or seconds
        print(
            f"  {name:38s} {seconds * 1e6:9.1f} µs {len(page) / seconds / 1e9:7.2f} GB/s"
            f"  x{seconds / base:6.1f}"
        )


def bench_compressed(page: bytes) -> None:
    print("compressed path, added time per page (decode + scan + re-encode, minus scan alone)")
    scan = median_seconds(lambda: rewrite(page, Placement(PlacementKind.BODY_END)), 30)
    level6 = median_seconds(lambda: zlib.compress(page, 6), 30)
    print(f"  baseline: zlib level 6 re-encode      {level6 * 1e3:7.2f} ms")
    for name, original in (("gzip", gzip.compress(page)), ("br", brotli.compress(page))):

        def run(name: str = name, original: bytes = original) -> bytes:
            decoder = decoder_for(name)
            assert decoder is not None
            rewriter = PageRewriter([Placement(PlacementKind.BODY_END)], lambda p, lang: FRAGMENT)
            encoder = None
            out = []
            for i in range(0, len(original), 16_384):
                data = rewriter.feed(decoder.decode(original[i : i + 16_384]))
                encoder = encoder or encoder_for(name, decoder)
                assert encoder is not None
                out.append(encoder.encode(data))
            assert encoder is not None
            out.append(encoder.encode(rewriter.feed(decoder.flush()) + rewriter.close()) + encoder.finish())
            return b"".join(out)

        total = median_seconds(run, 30)
        print(f"  {name:4s} total {total * 1e3:7.2f} ms, added by codecs {(total - scan) * 1e3:7.2f} ms")


def bench_requests() -> None:
    print("responder, in-process time per request (median of 2000)")
    for kind in (PlacementKind.BODY_END, PlacementKind.ARTICLE_START):
        notice = Notice(
            id="n",
            jurisdictions=("j",),
            texts={"en": "<p>Notice.</p>", "ru": "<p>Уведомление.</p>"},
            default_language="en",
            placement=Placement(kind),
            pages=PageMatch(),
        )
        decision = Decision(notices=(notice,))
        for page in (article_page(30_000), article_page(100_000)):
            policy = CachePolicy(private=True)
            bare, without, with_notice = asyncio.run(_per_request(page, decision, policy))
            print(
                f"  {kind.value:16s} {len(page) / 1000:5.0f} KB: bare app {bare * 1e6:7.1f} µs,"
                f" no notice +{(without - bare) * 1e6:6.1f} µs,"
                f" with notice +{(with_notice - bare) * 1e6:7.1f} µs"
            )


async def _per_request(page: bytes, decision: Decision, policy: CachePolicy) -> tuple[float, float, float]:
    chunks = [page[i : i + 16_384] for i in range(0, len(page), 16_384)]
    scope: Scope = {
        "type": "http",
        "method": "GET",
        "path": "/a/x.html",
        "headers": [(b"accept-language", b"ru")],
    }

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        await send(
            {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"text/html")]}
        )
        for index, chunk in enumerate(chunks):
            await send({"type": "http.response.body", "body": chunk, "more_body": index < len(chunks) - 1})

    async def receive() -> Message:
        return {"type": "http.request"}

    async def send(message: Message) -> None:
        return None

    async def measure(make: Callable[[], Awaitable[None]], n: int = 2000) -> float:
        times = []
        for _ in range(n):
            start = time.perf_counter()
            await make()
            times.append(time.perf_counter() - start)
        return statistics.median(times)

    bare = await measure(lambda: app(scope, receive, send))
    without = await measure(lambda: CacheHeadersResponder(app, policy)(scope, receive, send))
    with_notice = await measure(
        lambda: NoticeResponder(app, decision, languages=("ru",), cache=policy)(scope, receive, send)
    )
    return bare, without, with_notice


def bench_memory() -> None:
    chunk = b"<p>" + b"lorem ipsum dolor sit amet " * 2400 + b"</p>\n"
    count = 50 * 1024 * 1024 // len(chunk)
    rewriter = PageRewriter([Placement(PlacementKind.BODY_END)], lambda p, lang: FRAGMENT)
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    start = time.perf_counter()
    sent = len(rewriter.feed(b"<html><body>"))
    for _ in range(count):
        sent += len(rewriter.feed(chunk))
    sent += len(rewriter.feed(b"</body></html>")) + len(rewriter.close())
    elapsed = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"50 MB streamed page in {len(chunk) // 1024} KiB chunks: {sent / 1e6:.1f} MB out in {elapsed:.2f} s"
        f" ({sent / elapsed / 1e9:.2f} GB/s), tracemalloc peak {peak / 1024:.0f} KiB,"
        f" peak RSS {rss_after / 1024:.0f} MiB (grew {max(0, rss_after - rss_before) / 1024:.1f} MiB)"
    )


CORPUS_PLACEMENTS = {
    "body start": Placement(PlacementKind.BODY_START),
    "article": Placement(PlacementKind.ARTICLE_START),
    "#article-body": Placement(PlacementKind.ELEMENT, "article-body"),
    "marker": Placement(PlacementKind.MARKER, "legal-notices"),
    "body end": Placement(PlacementKind.BODY_END),
}


def bench_corpus(rounds: int = 40) -> dict[str, dict[str, float]]:
    """Bytes per second through ``PageRewriter`` in 16 KiB chunks, per page and placement, beside
    the one copy any insertion costs (``b"".join`` of the page around a fragment). Each round
    times every column once, so a burst of load from elsewhere touches all columns alike; the
    figure is the median over the rounds."""
    pages = [("template", template_page())] + [(page.name, page.data) for page in corpus.pages()]
    print(f"scanner on the corpus: GB/s through PageRewriter in 16 KiB chunks (median of {rounds} rounds)")
    header = "".join(f"{label:>14}" for label in ("copy", *CORPUS_PLACEMENTS))
    print(f"  {'page':<14} {'KB':>5}{header}")
    results: dict[str, dict[str, float]] = {}
    for name, data in pages:
        half = len(data) // 2
        runs: dict[str, Callable[[], object]] = {
            "copy": functools.partial(b"".join, (data[:half], FRAGMENT, data[half:]))
        }
        for label, placement in CORPUS_PLACEMENTS.items():
            if placement.kind is PlacementKind.MARKER and b"<!-- geonotice: legal-notices -->" not in data:
                continue
            out = rewrite(data, placement)
            assert out.count(FRAGMENT) == 1 and len(out) == len(data) + len(FRAGMENT)
            runs[label] = functools.partial(rewrite, data, placement)
        samples: dict[str, list[float]] = {label: [] for label in runs}
        for _ in range(rounds):
            for label, run in runs.items():
                start = time.perf_counter()
                run()
                samples[label].append(time.perf_counter() - start)
        row = results[name] = {
            label: len(data) / statistics.median(times) for label, times in samples.items()
        }
        cells = "".join(
            f"{row[label] / 1e9:>14.2f}" if label in row else f"{'-':>14}"
            for label in ("copy", *CORPUS_PLACEMENTS)
        )
        print(f"  {name:<14} {len(data) / 1000:>5.0f}{cells}")
    return results


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", action="store_true", help="only the corpus table")
    parser.add_argument(
        "--json", action="store_true", help="with --corpus: print the table as JSON (bytes/s)"
    )
    parser.add_argument(
        "--walk",
        choices=("current", "python", "compiled", "both"),
        default="current",
        help="with --corpus: which tokenizer walk (both: one table each, the compiled one first)",
    )
    parser.add_argument("--rounds", type=int, default=40, help="with --corpus: rounds per page")
    parser.add_argument("--memory", action="store_true", help="only the 50 MB streamed page")
    args = parser.parse_args(argv)
    if args.memory:
        print(f"tokenizer walk: {walker.current.name}")
        bench_memory()
        return
    if args.corpus:
        walks = {"current": [walker.current], "python": [walker.PYTHON], "compiled": [walker.COMPILED]}.get(
            args.walk, [walker.COMPILED, walker.PYTHON]
        )
        tables = {}
        for chosen in walks:
            if chosen is None:
                raise SystemExit("the compiled walk is not built")
            walker.current = chosen
            print(f"tokenizer walk: {chosen.name}")
            tables[chosen.name] = bench_corpus(args.rounds)
        if args.json:
            print(json.dumps(tables, indent=2))
        return
    page = article_page()
    assert rewrite(page, Placement(PlacementKind.BODY_END)).count(FRAGMENT) == 1
    bench_scanner(page, "generated article page")
    # The end-to-end benchmark's page: a template around many identical paragraphs, few events.
    bench_scanner(template_page(), "bench_middleware's template page")
    bench_corpus()
    bench_compressed(page)
    bench_requests()
    bench_memory()


if __name__ == "__main__":
    main()
