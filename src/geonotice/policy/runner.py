"""Running policy cases: against the rules engine, and optionally end to end through the middleware.

Each case is located the way production would locate that reader (the region as given, the
address through a real GeoIP database, the CDN headers through the real locator), decided by the
real engine, and compared with what the case expects. With an app, the same reader then requests
the page through ``GeoNoticeMiddleware`` around that app, in process, and the rendered page is
checked too: the notice must be in the body with the expected id and text.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from starlette.types import ASGIApp

from geonotice.locate import Locator
from geonotice.policy.cases import PolicyCase, PolicyFile, check_against
from geonotice.policy.endtoend import Fetched, Middlewares
from geonotice.policy.harness import PROXY, SetUps
from geonotice.policy.placed import check_placed
from geonotice.policy.report import CaseResult, Coverage, Outcome, TestReport
from geonotice.policy.shown import Shown, shown_by_engine
from geonotice.policy.wrappers import AppSlot
from geonotice.region import ANONYMOUS, UNKNOWN, Region, named_region
from geonotice.rules import Engine
from geonotice.rules.model import Ruleset
from geonotice.rules.moments import format_moment
from geonotice.yamlcheck.problems import errors_in


@dataclass(slots=True)
class _Located:
    region: Region | None
    problem: str = ""


@dataclass(slots=True)
class _Run:
    """State shared by the cases of one run: locators and middlewares are built once per set-up.

    ``engine`` decides as the site does (drafts left out, unless the whole run includes them);
    ``drafts`` is built when a case file asks for its drafts (``include-drafts: true``).
    """

    engine: Engine
    geoip_db: Path | None
    app: ASGIApp | AppSlot | None
    locators: SetUps[Locator] = field(default_factory=SetUps)
    shown: set[str] = field(default_factory=set)
    regions: list[Region] = field(default_factory=list)
    drafts: Engine | None = None

    def engine_for(self, policy: PolicyFile) -> Engine:
        if not policy.include_drafts or self.engine.include_drafts:
            return self.engine
        if self.drafts is None:
            self.drafts = Engine(self.engine.ruleset, include_drafts=True)
        return self.drafts


def run_policy(
    ruleset: Ruleset | Engine,
    files: Sequence[PolicyFile],
    *,
    geoip_db: str | Path | None = None,
    app: ASGIApp | AppSlot | None = None,
    require_coverage: bool = False,
    include_drafts: bool = False,
) -> TestReport:
    """Run every case of ``files`` and report.

    Args:
        ruleset: the rules under test (or an engine already built from them).
        files: loaded case files; their problems are reported as failures, never raised.
        geoip_db: the database for readers given by address, unless a case file names its own.
        app: an ASGI app; when given, each case also runs end to end through the middleware. An
            app that has a ``GeoNoticeMiddleware`` at its top has it replaced by the run's
            (``geonotice.policy.wrappers``).
        require_coverage: make gaps in coverage fail the run (``TestReport.failed``).
        include_drafts: decide every case as if the draft notices were live (a file can ask
            for its own cases with ``include-drafts: true``).

    Returns:
        The report; nothing in the cases makes this raise.

    Raises:
        ConfigError: ``app`` has a ``GeoNoticeMiddleware`` of its own that cannot be replaced.
    """
    if isinstance(ruleset, Engine):
        ruleset = ruleset.ruleset if include_drafts and not ruleset.include_drafts else ruleset
    engine = ruleset if isinstance(ruleset, Engine) else Engine(ruleset, include_drafts=include_drafts)
    run = _Run(engine, Path(geoip_db) if geoip_db is not None else None, app)
    results: list[CaseResult] = []
    with _closing(run) as middlewares:
        for policy in files:
            results.extend(_run_file(run, policy, middlewares))
    coverage = _coverage(engine, run)
    return TestReport(tuple(results), coverage, require_coverage)


def run_case(engine: Engine, case: PolicyCase, *, geoip_db: str | Path | None = None) -> CaseResult:
    """One case against the engine alone (what the pytest plugin runs per item)."""
    run = _Run(engine, Path(geoip_db) if geoip_db is not None else None, None)
    return _run_case(run, case, None)


def file_failure(policy: PolicyFile, ruleset: Ruleset | None = None) -> CaseResult | None:
    """The failure standing for a case file's own problems, if it has any."""
    errors = errors_in(policy.problems)
    if not errors:
        return None
    return CaseResult(
        policy.path,
        "(cases that did not load)",
        errors[0].line,
        Outcome.FAILED,
        tuple(f"{p}  [{p.code}]" for p in errors),
    )


def _run_file(run: _Run, policy: PolicyFile, middlewares: Middlewares | None) -> Iterator[CaseResult]:
    broken = file_failure(policy)
    if broken is not None:
        yield broken
    unknown_ids = check_against(policy, run.engine.ruleset)
    engine = run.engine_for(policy)
    for case in policy.cases:
        problems = unknown_ids.get(case.name)
        if problems:
            yield CaseResult(
                case.file, case.name, case.line, Outcome.FAILED, tuple(f"{p}  [{p.code}]" for p in problems)
            )
            continue
        yield _run_case(run, case, middlewares, engine)


def _run_case(
    run: _Run, case: PolicyCase, middlewares: Middlewares | None, engine: Engine | None = None
) -> CaseResult:
    started = time.perf_counter()
    engine = engine or run.engine
    located = _locate(run, case)
    if located.region is None:
        return CaseResult(case.file, case.name, case.line, Outcome.FAILED, (located.problem,))
    run.regions.append(located.region)
    region = located.region
    shown = shown_by_engine(engine, region, case.path, case.host, case.at, case.language)
    run.shown.update(item.id for item in shown)
    mismatches = _compare(case, shown)
    messages = [mismatch.message for mismatch in mismatches]
    who = f"{case.reader.describe()}, placed in {named_region(region)}"
    page = case.url + (f", on {format_moment(case.at)}" if case.at else "")
    headline = ""
    if mismatches:
        first = mismatches[0]
        headline = f"expected {first.expected}, got {first.got}: {who}, on {page}"
        messages = [
            f"reader: {who}",
            f"page: {page}",
            *messages,
            *_drafts_left_out(engine, case),
            *_why(engine, case, region, shown),
        ]
    notes: list[str] = []
    drafts = [n.id for n in engine.notices if n.draft]
    if middlewares is not None and not messages and drafts:
        # The middleware never serves a draft: the page cannot show what this case expects.
        notes.append(f"end to end: not run, since drafts ({', '.join(drafts)}) are never served")
    elif middlewares is not None and not messages:
        e2e = middlewares.fetch(case, region)
        if e2e.error:
            messages = [f"end to end: {e2e.error}"]
            headline = f"end to end: {e2e.error}"
        else:
            mismatch = _compare(case, e2e.shown) + _placed(case, e2e)
            if mismatch:
                messages = [
                    f"end to end: GET {case.url} through the middleware (status {e2e.status}) did not match",
                    *(f"end to end: {m.message}" for m in mismatch),
                ]
                first = mismatch[0]
                headline = f"end to end: expected {first.expected}, got {first.got}: {who}, on {page}"
            notes.append(f"end to end: status {e2e.status}, Legal-Notices: {e2e.header or '(none)'}")
    elif case.expect.placed is not None and not messages:
        notes.append("placed: not checked; it is checked end to end, with --app")
    outcome = Outcome.FAILED if messages else Outcome.PASSED
    return CaseResult(
        case.file,
        case.name,
        case.line,
        outcome,
        tuple(messages),
        tuple(notes),
        tuple(item.id for item in shown),
        time.perf_counter() - started,
        headline,
    )


def _drafts_left_out(engine: Engine, case: PolicyCase) -> list[str]:
    """Why a notice the case names was not shown, when that is because it is a draft."""
    if engine.include_drafts:
        return []
    named = {*case.expect.includes, *(case.expect.notices or ())}
    drafts = [n.id for n in engine.ruleset.notices if n.draft and n.id in named]
    return [
        f"note: {notice_id} is a draft (status: draft), never shown to readers: to test it, add "
        "'include-drafts: true' to this case file, or run with --include-drafts"
        for notice_id in drafts
    ]


# -- locating ------------------------------------------------------------------------------------------


def _locate(run: _Run, case: PolicyCase) -> _Located:
    reader = case.reader
    if reader.kind == "region":
        return _Located(reader.region)
    if reader.kind == "unknown":
        return _Located(UNKNOWN)
    if reader.kind == "anonymous":
        return _Located(ANONYMOUS)
    if reader.kind == "ip":
        db = reader.geoip_db or run.geoip_db
        if db is None:
            return _Located(
                None,
                f"reader {reader.ip} needs a GeoIP database: add geoip-db: to the case file, or --geoip-db",
            )
        by_address = run.locators.get(("db", db), lambda: Locator(geoip_db=db))
        if by_address.value is None:
            return _Located(None, by_address.problem)
        return _Located(by_address.value.locate_address(reader.ip))
    cdn = reader.cdn
    assert cdn is not None  # a headers reader always has one
    by_headers = run.locators.get(
        ("cdn", cdn), lambda: Locator(geo_headers=cdn, trusted_proxies=PROXY.trusted_proxies)
    )
    if by_headers.value is None:
        return _Located(None, by_headers.problem)
    return _Located(by_headers.value.locate(PROXY.scope(reader.headers)))


# -- comparing -------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Mismatch:
    """One expectation that did not hold: the line a person reads, and its two sides for the
    one-line summary CI shows (``expected X, got Y``)."""

    message: str
    expected: str
    got: str


def _compare(case: PolicyCase, shown: Sequence[Shown]) -> list[_Mismatch]:
    """What differs between the case's expectation and what the reader got; empty when it holds."""
    expect = case.expect
    ids = [item.id for item in shown]
    got = ", ".join(ids) if ids else "no notices"
    found = []
    if expect.notices is not None and sorted(set(ids)) != sorted(set(expect.notices)):
        wanted = ", ".join(expect.notices) if expect.notices else "no notices"
        found.append(_Mismatch(f"expected exactly: {wanted}; got: {got}", f"exactly {wanted}", got))
    missing = [i for i in expect.includes if i not in ids]
    if missing:
        wanted = ", ".join(expect.includes)
        found.append(_Mismatch(f"expected at least: {wanted}; got: {got}", f"at least {wanted}", got))
    present = [i for i in expect.excludes if i in ids]
    if present:
        unwanted = ", ".join(present)
        found.append(_Mismatch(f"expected not to see: {unwanted}; got: {got}", f"not {unwanted}", got))
    if expect.text_contains:
        if not shown:
            phrases = ", ".join(repr(p) for p in expect.text_contains)
            message = f"expected notice text containing {phrases}; got no notices"
            found.append(_Mismatch(message, f"text {phrases}", got))
        else:
            for phrase in expect.text_contains:
                if not any(_normal(phrase) in _normal(item.text) for item in shown):
                    texts = "; ".join(f"{item.id} [{item.language}]: {item.text!r}" for item in shown)
                    message = f"expected text containing {phrase!r}; got {texts}"
                    found.append(_Mismatch(message, f"text {phrase!r}", texts))
    if expect.language is not None:
        other = [item for item in shown if item.language.lower() != expect.language.lower()]
        if other or not shown:
            got_languages = ", ".join(f"{item.id} in {item.language}" for item in shown) or "no notices"
            found.append(
                _Mismatch(
                    f"expected notices in {expect.language}; got {got_languages}",
                    f"notices in {expect.language}",
                    got_languages,
                )
            )
    return found


def _placed(case: PolicyCase, e2e: Fetched) -> list[_Mismatch]:
    """Where the notices sit in the page served, against the case's ``placed``."""
    expected = case.expect.placed
    if expected is None:
        return []
    wanted = f"the notices {expected.describe()}"
    if not e2e.page:
        return [_Mismatch(f"expected {wanted}; the response is not an HTML page", wanted, "no HTML page")]
    named = case.expect.includes or case.expect.notices or tuple(item.id for item in e2e.shown)
    return [
        _Mismatch(message, wanted, "them elsewhere") for message in check_placed(e2e.page, named, expected)
    ]


def _normal(text: str) -> str:
    # Phrases match whatever the line breaks and capitals of the legal text: lawyers quote wording.
    return " ".join(text.split()).casefold()


def _why(engine: Engine, case: PolicyCase, region: Region, shown: Sequence[Shown]) -> list[str]:
    """The engine's reasons for each notice the case is about, so a failure explains itself."""
    named = {*case.expect.includes, *case.expect.excludes, *(case.expect.notices or ())}
    named |= {item.id for item in shown}
    explanation = engine.explain(region, case.path, case.host, case.at)
    lines = []
    for item in explanation.notices:
        if item.notice.id not in named:
            continue
        verdict = "applies" if item.applies else "does not apply"
        reasons = "; ".join(f"{r.aspect}: {r.detail}" for r in item.reasons if item.applies or not r.ok)
        lines.append(f"why: {item.notice.id} {verdict}: {reasons}")
    return lines


# -- coverage ----------------------------------------------------------------------------------------------


def _coverage(engine: Engine, run: _Run) -> Coverage:
    ruleset = engine.ruleset
    # Drafts count only in runs that test them: the site never shows one.
    considered = {n.id for e in (engine, run.drafts) if e is not None for n in e.notices}
    notices = tuple(n.id for n in ruleset.notices if n.id in considered and n.id not in run.shown)
    reached: set[str] = set()
    codes_seen: set[str] = set()
    for region in set(run.regions):
        codes = region.codes
        codes_seen.update(codes)
        for name in ruleset.jurisdictions:
            if any(code in codes and cancels.isdisjoint(codes) for code, cancels in engine.terms(name)):
                reached.add(name)
    jurisdictions = tuple(name for name in ruleset.jurisdictions if name not in reached)
    wanted: dict[str, None] = {}
    for jurisdiction in ruleset.jurisdictions.values():
        wanted.update(dict.fromkeys(jurisdiction.regions))
        wanted.update(dict.fromkeys(jurisdiction.excludes))
    regions = [code for code in wanted if code not in codes_seen]
    if ruleset.unknown_readers and UNKNOWN not in run.regions:
        regions.append("(unknown readers)")
    if ruleset.anonymous_readers and ANONYMOUS not in run.regions:
        regions.append("(anonymous readers)")
    return Coverage(notices, jurisdictions, tuple(regions))


# -- end to end --------------------------------------------------------------------------------------------


@contextlib.contextmanager
def _closing(run: _Run) -> Iterator[Middlewares | None]:
    if run.app is None:
        yield None
        return
    middlewares = Middlewares(run.app, run.engine.ruleset, run.geoip_db)
    try:
        yield middlewares
    finally:
        middlewares.close()
