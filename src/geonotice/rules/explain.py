"""Why each notice applies or not to one reader on one page: ``Engine.evaluate`` told in words.

This is the engine's twin. ``evaluate`` answers from indexes built for speed; this module walks
each notice as the rules state it (its jurisdictions through their terms, its path globs one by
one, its hosts, its window) and says at each step what it found. It never answers a request, so
it may be slow; it must agree with ``evaluate`` on what applies, which a property test checks
over random readers, pages and times (tests/rules/test_rules_engine.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from geonotice.place_names import place_name
from geonotice.region import Region, named, named_region
from geonotice.rules.globs import compile_globs, compile_hosts, normalize_host
from geonotice.rules.model import Notice, Window
from geonotice.rules.moments import format_moment, utc

if TYPE_CHECKING:
    from geonotice.rules.engine import Engine


class Aspect(StrEnum):
    """What one reason is about: each must be ``ok`` for a notice to apply."""

    READERS = "readers"  # an unknown or anonymous reader, and the rules' readers lists
    JURISDICTION = "jurisdiction"
    PATH = "path"
    HOST = "host"
    WINDOW = "window"


@dataclass(frozen=True, slots=True)
class Reason:
    """One step of an explanation; ``ok`` says whether this aspect lets the notice apply."""

    aspect: Aspect
    ok: bool
    detail: str


@dataclass(frozen=True, slots=True)
class NoticeExplanation:
    """Why one notice does or does not apply to one reader on one page."""

    notice: Notice
    applies: bool
    reasons: tuple[Reason, ...]
    jurisdiction: str | None = None  # the jurisdiction that matched
    region_code: str | None = None  # the reader's code that matched it
    excluded_by: str | None = None  # the `except` code that cancelled a match, if any
    path_glob: str | None = None  # the path pattern that matched
    excluded_glob: str | None = None  # the `pages.except` pattern that cancelled it


@dataclass(frozen=True, slots=True)
class Explanation:
    """Every notice of a ruleset, in display order, with the reasons it applies or not."""

    region: Region
    path: str
    host: str | None
    at: dt.datetime
    page_language: str | None
    notices: tuple[NoticeExplanation, ...]

    @property
    def applied(self) -> tuple[Notice, ...]:
        return tuple(item.notice for item in self.notices if item.applies)


@dataclass(frozen=True, slots=True)
class _ReaderFinding:
    ok: bool
    jurisdiction: str | None = None
    code: str | None = None
    excluded_by: str | None = None


def explain_decision(
    engine: Engine, region: Region, path: str, host: str | None = None, at: dt.datetime | None = None
) -> Explanation:
    """Why each notice of ``engine``'s rules applies or not to a reader in ``region`` on the page
    at ``path`` and ``host``, at ``at`` (default now, naive taken as UTC), as ``evaluate`` takes
    them. Raises nothing for any request input."""
    when = utc(at)
    normalized = None if host is None else normalize_host(host)
    items = tuple(_explain_notice(engine, n, region, path, normalized, when) for n in engine.notices)
    return Explanation(region, path, host, when, engine.page_language(path), items)


def _explain_notice(
    engine: Engine, notice: Notice, region: Region, path: str, host: str | None, at: dt.datetime
) -> NoticeExplanation:
    reasons: list[Reason] = []
    reader = _explain_reader(engine, notice, region, reasons)
    path_glob = _first_match(notice.pages.paths, path)
    excluded_glob = _first_match(notice.pages.exclude_paths, path)
    if path_glob is None:
        reasons.append(Reason(Aspect.PATH, False, f"{path} matches none of {', '.join(notice.pages.paths)}"))
    elif excluded_glob is not None:
        reasons.append(
            Reason(Aspect.PATH, False, f"{path} matches {path_glob} but is excepted by {excluded_glob}")
        )
    else:
        reasons.append(Reason(Aspect.PATH, True, f"{path} matches {path_glob}"))
    path_ok = path_glob is not None and excluded_glob is None
    host_ok = True
    if notice.pages.hosts:
        pattern = compile_hosts(notice.pages.hosts)
        host_ok = host is not None and pattern is not None and pattern.fullmatch(host) is not None
        shown = "no host" if host is None else host
        verb = "is" if host_ok else "is not"
        reasons.append(Reason(Aspect.HOST, host_ok, f"{shown} {verb} one of {', '.join(notice.pages.hosts)}"))
    window_ok = notice.window.contains(at)
    reasons.append(Reason(Aspect.WINDOW, window_ok, _window_detail(notice.window, at)))
    return NoticeExplanation(
        notice=notice,
        applies=reader.ok and path_ok and host_ok and window_ok,
        reasons=tuple(reasons),
        jurisdiction=reader.jurisdiction,
        region_code=reader.code,
        excluded_by=reader.excluded_by,
        path_glob=path_glob,
        excluded_glob=excluded_glob,
    )


def _explain_reader(engine: Engine, notice: Notice, region: Region, reasons: list[Reason]) -> _ReaderFinding:
    if region.anonymous or region.country is None:
        which = "anonymous" if region.anonymous else "unknown"
        readers = engine.ruleset.anonymous_readers if region.anonymous else engine.ruleset.unknown_readers
        listed = notice.id in readers
        state = "listed" if listed else "not listed"
        reasons.append(
            Reason(Aspect.READERS, listed, f"the reader is {which}; the notice is {state} in readers.{which}")
        )
        if listed or region.country is None:
            return _ReaderFinding(listed)
    codes = region.codes
    excluded_by = None
    for name in notice.jurisdictions:
        for code, cancels in engine.terms(name):
            if code not in codes:
                continue
            cancelled = next((c for c in codes if c in cancels), None)
            if cancelled is None:
                through = code if code == str(region) else f"{code}, {place_name(code) or code}"
                detail = f"{named_region(region)} is in {name} (through {through})"
                reasons.append(Reason(Aspect.JURISDICTION, True, detail))
                return _ReaderFinding(True, name, code)
            excluded_by = excluded_by or cancelled
    if excluded_by is not None:
        names = ", ".join(notice.jurisdictions)
        detail = f"{named_region(region)} is excepted from {names} by {named(excluded_by)}"
    elif notice.jurisdictions:
        detail = f"{named_region(region)} is in none of {', '.join(notice.jurisdictions)}"
    else:
        detail = "the notice applies to no jurisdiction"
    reasons.append(Reason(Aspect.JURISDICTION, False, detail))
    return _ReaderFinding(False, excluded_by=excluded_by)


def _first_match(globs: Iterable[str], path: str) -> str | None:
    for glob in globs:
        pattern = compile_globs([glob])
        if pattern is not None and pattern.fullmatch(path):
            return glob
    return None


def _window_detail(window: Window, at: dt.datetime) -> str:
    now = format_moment(at)
    if window.start is not None and at < window.start:
        return f"not yet in force at {now}: from {format_moment(window.start)}"
    if window.end is not None and at >= window.end:
        return f"no longer in force at {now}: until {format_moment(window.end)} (exclusive)"
    start = f"from {format_moment(window.start)}" if window.start else "from always"
    end = f"until {format_moment(window.end)} (exclusive)" if window.end else "with no end"
    return f"in force at {now}: {start}, {end}"
