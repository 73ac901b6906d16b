"""How long one notice decision takes: ``python benchmarks/bench_engine.py``.

Measures ``Engine.evaluate`` (median per decision, in microseconds) on the shipped rules and on a
generated set of 500 notices over 200 jurisdictions, for repeated pages (the usual case: the
page cache hits) and for never-seen pages (every page pattern is matched afresh). A naive engine
that scans every notice and walks the jurisdictions on each request runs on the same requests, as
the baseline the index is measured against.
"""

from __future__ import annotations

import datetime as dt
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import pycountry

from geonotice.region import UNKNOWN, Region, region_from_code
from geonotice.rules import Engine, Ruleset, check_sources, load_rules
from geonotice.rules.globs import compile_globs, compile_hosts
from geonotice.rules.model import Decision, Notice

ROOT = Path(__file__).resolve().parents[1]
AT = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)
BATCH = 200
BATCHES = 150

Request = tuple[Region, str, str | None]


class NaiveEngine:
    """The obvious implementation: every notice, every jurisdiction, every pattern, per request."""

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self.notices = sorted(ruleset.notices, key=lambda n: (-n.priority, n.id))
        # Patterns are compiled once even here: the baseline is a scan, not a strawman.
        self.patterns = {
            n.id: (
                compile_globs(n.pages.paths),
                compile_globs(n.pages.exclude_paths),
                compile_hosts(n.pages.hosts),
            )
            for n in self.notices
        }

    def _in(self, name: str, codes: tuple[str, ...]) -> bool:
        jurisdiction = self.ruleset.jurisdictions[name]
        if any(code in jurisdiction.excludes for code in codes):
            return False
        return any(code in jurisdiction.regions for code in codes) or any(
            self._in(included, codes) for included in jurisdiction.includes
        )

    def _page(self, notice: Notice, path: str, host: str | None) -> bool:
        paths, excludes, hosts = self.patterns[notice.id]
        if hosts is not None and (host is None or not hosts.fullmatch(host)):
            return False
        return (
            paths is not None and bool(paths.fullmatch(path)) and not (excludes and excludes.fullmatch(path))
        )

    def evaluate(
        self, region: Region, path: str, host: str | None = None, at: dt.datetime | None = None
    ) -> Decision:
        chosen = []
        for notice in self.notices:
            if region.country is None:
                applies = notice.id in self.ruleset.unknown_readers
            else:
                applies = any(self._in(name, region.codes) for name in notice.jurisdictions)
            if applies and self._page(notice, path, host) and notice.window.contains(at or AT):
                chosen.append(notice)
        return Decision(tuple(chosen))


def generated_rules(seed: int = 7, notices: int = 500, jurisdictions: int = 200) -> str:
    """A large but plausible rules file: jurisdictions of countries and subdivisions, some built
    from others with exceptions, notices on a handful of page sets, some with date windows."""
    rng = random.Random(seed)
    countries = sorted(c.alpha_2 for c in pycountry.countries)
    subdivisions = sorted(s.code for s in pycountry.subdivisions)
    lines = ["version: 1", "jurisdictions:"]
    names = [f"j{i:03d}" for i in range(jurisdictions)]
    for i, name in enumerate(names):
        regions = rng.sample(countries, rng.randint(1, 4)) + rng.sample(subdivisions, rng.randint(0, 6))
        lines += [f"  {name}:", f"    regions: [{', '.join(repr(r) for r in regions)}]"]
        if i > 10 and rng.random() < 0.2:
            lines.append(f"    includes: [{', '.join(rng.sample(names[:i], 2))}]")
        if rng.random() < 0.2:
            country = regions[0]
            inside = [s for s in subdivisions if s.startswith(country + "-")]
            if inside:
                lines.append(f"    except: [{rng.choice(inside)!r}]")
    page_sets = [
        '["/a/**", "/??/a/**"]',
        '["/a/**"]',
        '["/news/**", "/??/news/**"]',
        '["/opinion/*/*.html"]',
        '["/{en,ru,uk}/a/**"]',
        '["/live/**"]',
        '["/**"]',
    ]
    lines.append("notices:")
    for i in range(notices):
        applies = rng.sample(names, rng.randint(1, 3))
        lines += [
            f"  - id: notice-{i:03d}",
            f"    applies to: [{', '.join(applies)}]",
            '    text: {en: "<p>Notice.</p>", ru: "<p>Уведомление.</p>"}',
            "    default language: en",
            f"    pages: {{paths: {rng.choice(page_sets)}}}",
            f"    priority: {rng.randint(0, 100)}",
        ]
        if rng.random() < 0.3:
            lines += ["    from: 2024-01-01", "    until: 2030-01-01"]
    return "\n".join(lines) + "\n"


def requests(ruleset: Ruleset, *, fresh_paths: bool, seed: int = 11) -> list[Request]:
    rng = random.Random(seed)
    codes = sorted({code for j in ruleset.jurisdictions.values() for code in j.regions})
    readers = [region_from_code(c) for c in ["RU-MOW", "UA-43", "UA-40", "UA-30", "DE-BE", "US-NY", "BY"]]
    readers += [region_from_code(rng.choice(codes)) for _ in range(50)] + [UNKNOWN]
    pages = [f"/a/story-{n}/{n}.html" for n in range(500)] + [f"/ru/a/story-{n}/{n}.html" for n in range(300)]
    pages += ["/", "/static/site.css", "/static/app.js", "/news/today", "/opinion/x/y.html"]
    result = []
    for number in range(BATCH * BATCHES):
        path = f"/a/unique-{number}/{number}.html" if fresh_paths else rng.choice(pages)
        result.append((rng.choice(readers), path, "news.example"))
    return result


def median_us(evaluate: Callable[..., Decision], batch: Sequence[Request]) -> float:
    per_batch = []
    for start in range(0, len(batch), BATCH):
        chunk = batch[start : start + BATCH]
        began = time.perf_counter_ns()
        for region, path, host in chunk:
            evaluate(region, path, host, AT)
        per_batch.append((time.perf_counter_ns() - began) / len(chunk) / 1000)
    return statistics.median(per_batch)


def measure(label: str, ruleset: Ruleset) -> None:
    began = time.perf_counter()
    engine = Engine(ruleset)
    compile_ms = (time.perf_counter() - began) * 1000
    naive = NaiveEngine(ruleset)
    for fresh in (False, True):
        batch = requests(ruleset, fresh_paths=fresh)
        # The same answers, or the comparison means nothing.
        for region, path, host in batch[:500]:
            assert (
                engine.evaluate(region, path, host, AT).notices
                == naive.evaluate(region, path, host, AT).notices
            )
        indexed = median_us(engine.evaluate, batch)
        scanned = median_us(naive.evaluate, batch[: BATCH * 8])
        kind = "new page every request" if fresh else "repeated pages"
        print(
            f"{label:<36} {kind:<24} median {indexed:7.2f} µs   naive scan {scanned:9.2f} µs"
            f"   ({scanned / indexed:6.1f}x)"
        )
    print(
        f"{'':<36} compile {compile_ms:.1f} ms, {len(ruleset.notices)} notices, "
        f"{len(ruleset.jurisdictions)} jurisdictions"
    )


def main() -> int:
    print(
        f"Python {sys.version.split()[0]}; each figure is the median per decision "
        f"over {BATCHES} batches of {BATCH} decisions"
    )
    measure("shipped rules (rules/)", load_rules(ROOT / "rules"))
    began = time.perf_counter()
    generated, problems = check_sources([("generated.yaml", generated_rules())], now=AT)
    check_ms = (time.perf_counter() - began) * 1000
    if generated is None:
        print("\n".join(str(p) for p in problems if p.level == "error"))
        return 1
    print(f"(generated rules checked in {check_ms:.0f} ms)")
    measure("generated (500 notices, 200 juris.)", generated)
    return 0


if __name__ == "__main__":
    sys.exit(main())
