"""Deciding, per request, which notices a reader gets: rules compiled once into indexes.

A decision runs on every request, so nothing here scans the rules. At construction the engine
flattens every jurisdiction into *terms* (a region code plus the codes that cancel it, so
"UA except UA-43" is the term ``UA`` minus ``{UA-43}``), indexes the notices by those codes, and
compiles each distinct page pattern once. A decision is then two bounded-cache lookups (reader's
region → candidate notices, page → matching page patterns), an intersection and a date check.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass

from geonotice.region import Region
from geonotice.rules.globs import compile_globs, compile_hosts
from geonotice.rules.model import NO_NOTICES, Decision, LanguageRule, Notice, PageMatch, Ruleset, Window
from geonotice.rules.moments import format_moment, utc

# Bounds on the per-engine caches: the keys come from requests, so an attacker choosing paths must
# not grow memory. A full cache is simply emptied; refilling costs one miss per key.
REGION_CACHE_SIZE = 4096
PAGE_CACHE_SIZE = 8192

_Term = tuple[str, frozenset[str]]  # a region code, and the codes that cancel it
_Page = tuple[frozenset[int], str | None, frozenset[str]]  # page matches, language, media types


@dataclass(frozen=True, slots=True)
class Reason:
    """One step of an explanation: ``aspect`` is ``readers``, ``jurisdiction``, ``path``, ``host``
    or ``window``; ``ok`` says whether this aspect lets the notice apply."""

    aspect: str
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
class _CompiledPages:
    paths: re.Pattern[str] | None
    excludes: re.Pattern[str] | None
    hosts: re.Pattern[str] | None


def _normalize_host(host: str) -> str:
    host = host.strip().lower()
    if host.startswith("["):  # [2001:db8::1]:8443
        return host[: host.find("]") + 1] if "]" in host else host
    return host.partition(":")[0].rstrip(".")


class Engine:
    """The compiled form of a ``Ruleset``: decisions without scanning the rules.

    Engines are immutable once built and safe to share between threads and tasks; a new rules
    version gets a new engine (see ``RulesHolder``).
    """

    def __init__(self, ruleset: Ruleset) -> None:
        self.ruleset = ruleset
        self._notices: tuple[Notice, ...] = tuple(sorted(ruleset.notices, key=lambda n: (-n.priority, n.id)))
        self._windows: tuple[Window | None, ...] = tuple(
            None if n.window.start is None and n.window.end is None else n.window for n in self._notices
        )
        self._term_cache: dict[str, tuple[_Term, ...]] = {}
        index: dict[str, list[tuple[int, frozenset[str]]]] = {}
        for position, notice in enumerate(self._notices):
            for name in notice.jurisdictions:
                for code, cancels in self.terms(name):
                    index.setdefault(code, []).append((position, cancels))
        self._index = {code: tuple(entries) for code, entries in index.items()}
        positions = {notice.id: position for position, notice in enumerate(self._notices)}
        self._unknown = tuple(sorted(positions[i] for i in set(ruleset.unknown_readers) if i in positions))
        self._anonymous = tuple(
            sorted(positions[i] for i in set(ruleset.anonymous_readers) if i in positions)
        )
        page_ids: dict[PageMatch, int] = {}
        self._page_of = tuple(page_ids.setdefault(n.pages, len(page_ids)) for n in self._notices)
        self._pages = tuple(
            _CompiledPages(compile_globs(p.paths), compile_globs(p.exclude_paths), compile_hosts(p.hosts))
            for p in page_ids
        )
        self._languages: tuple[LanguageRule, ...] = tuple(
            sorted(ruleset.page_languages, key=lambda rule: -len(rule.prefix))
        )
        self._region_cache: dict[Region, tuple[int, ...]] = {}
        self._page_types = tuple(frozenset(p.content_types) for p in page_ids)
        self._page_cache: dict[tuple[str, str | None], _Page] = {}

    # -- compiling ---------------------------------------------------------------------------------

    def terms(self, jurisdiction: str) -> tuple[_Term, ...]:
        """The jurisdiction flattened: a reader is in it when one term's code is among the reader's
        codes and none of that term's cancelling codes is. An outer ``except`` cancels every term
        coming from an included jurisdiction, whose own excepts apply to its terms only."""
        cached = self._term_cache.get(jurisdiction)
        if cached is not None:
            return cached
        self._term_cache[jurisdiction] = ()  # a cycle (impossible once validated) ends here
        definition = self.ruleset.jurisdictions.get(jurisdiction)
        if definition is None:
            return ()
        cancels = frozenset(definition.excludes)
        terms = [(code, cancels) for code in definition.regions]
        for included in definition.includes:
            terms += [(code, inner | cancels) for code, inner in self.terms(included)]
        result = tuple(dict.fromkeys(terms))
        self._term_cache[jurisdiction] = result
        return result

    def _candidates(self, region: Region) -> tuple[int, ...]:
        found: set[int] = set()
        if region.anonymous:
            found.update(self._anonymous)
        elif region.country is None:
            found.update(self._unknown)
        codes = region.codes
        for code in codes:
            for position, cancels in self._index.get(code, ()):
                if cancels.isdisjoint(codes):
                    found.add(position)
        result = tuple(sorted(found))
        if len(self._region_cache) >= REGION_CACHE_SIZE:
            self._region_cache.clear()
        self._region_cache[region] = result
        return result

    def _page(self, path: str, host: str | None) -> _Page:
        normalized = None if host is None else _normalize_host(host)
        matched = frozenset(
            page_id
            for page_id, compiled in enumerate(self._pages)
            if _page_matches(compiled, path, normalized)
        )
        language = None
        for rule in self._languages:
            if path.startswith(rule.prefix) or path == rule.prefix[:-1]:
                language = rule.language
                break
        media_types = frozenset().union(*(self._page_types[page_id] for page_id in matched))
        result = (matched, language, media_types)
        if len(self._page_cache) >= PAGE_CACHE_SIZE:
            self._page_cache.clear()
        self._page_cache[(path, host)] = result
        return result

    # -- deciding ----------------------------------------------------------------------------------

    def evaluate(
        self,
        region: Region,
        path: str,
        host: str | None = None,
        at: dt.datetime | None = None,
        *,
        language: str | None = None,
    ) -> Decision:
        """The notices a reader in ``region`` gets on the page at ``path``.

        Args:
            region: where the reader is; an unknown region gets the rules' ``readers.unknown``
                notices and an anonymous one ``readers.anonymous``.
            path: the request path, without query string (the ASGI ``scope["path"]``).
            host: the request's host name (a port is ignored); ``None`` matches only notices
                that name no hosts.
            at: the moment of the request (default now); a naive time is taken as UTC.
            language: the page's language when the caller knows it; otherwise the rules'
                ``page languages`` prefixes decide ``Decision.page_language``.

        Returns:
            The applicable notices, higher priority first, then by id; each notice carries all its
            texts (``Decision.texts`` picks the language). Content types are filtered later with
            ``Decision.for_media_type``.

        Raises:
            Nothing for any request input: a decision is a pure lookup.
        """
        candidates = self._region_cache.get(region)
        if candidates is None:
            candidates = self._candidates(region)
        page = self._page_cache.get((path, host))
        if page is None:
            page = self._page(path, host)
        matched, page_language, _ = page
        if language is not None:
            page_language = language
        if not candidates or not matched:
            return NO_NOTICES if page_language is None else Decision((), page_language)
        chosen = []
        when: dt.datetime | None = at
        for position in candidates:
            if self._page_of[position] not in matched:
                continue
            window = self._windows[position]
            if window is not None:
                if when is None or when.tzinfo is None:
                    when = utc(when)
                if not window.contains(when):
                    continue
            chosen.append(self._notices[position])
        return Decision(tuple(chosen), page_language)

    def covers(self, path: str, host: str | None = None) -> bool:
        """Whether any notice, for any reader at any time, could apply to this page.

        Pages no notice covers (assets, the home page) can be passed through untouched and
        without per-reader cache headers.
        """
        page = self._page_cache.get((path, host))
        if page is None:
            page = self._page(path, host)
        return bool(page[0])

    def covered_media_types(self, path: str, host: str | None = None) -> frozenset[str]:
        """The media types some notice, for some reader, could change on this page; empty when
        no notice covers it.

        Every reader's response of these types needs the cache-safety headers, whether or not
        this reader gets a notice: a shared cache must not hand it to a reader who does.
        """
        page = self._page_cache.get((path, host))
        if page is None:
            page = self._page(path, host)
        return page[2]

    def page_language(self, path: str) -> str | None:
        """The language the rules' ``page languages`` give the page at ``path``, if any."""
        page = self._page_cache.get((path, None))
        return (page if page is not None else self._page(path, None))[1]

    # -- explaining --------------------------------------------------------------------------------

    def explain(
        self, region: Region, path: str, host: str | None = None, at: dt.datetime | None = None
    ) -> Explanation:
        """Why each notice of the ruleset applies or not to this reader and page: plain data for
        ``geonotice explain`` and for tests. Agrees with ``evaluate`` on what applies."""
        when = utc(at)
        normalized = None if host is None else _normalize_host(host)
        items = tuple(self._explain_notice(n, region, path, normalized, when) for n in self._notices)
        language = self._page(path, host)[1]
        return Explanation(region, path, host, when, language, items)

    def _explain_notice(
        self, notice: Notice, region: Region, path: str, host: str | None, at: dt.datetime
    ) -> NoticeExplanation:
        reasons: list[Reason] = []
        who_ok, jurisdiction, code, excluded_by = self._explain_reader(notice, region, reasons)
        path_glob = _first_match(notice.pages.paths, path)
        excluded_glob = _first_match(notice.pages.exclude_paths, path)
        if path_glob is None:
            reasons.append(Reason("path", False, f"{path} matches none of {', '.join(notice.pages.paths)}"))
        elif excluded_glob is not None:
            reasons.append(
                Reason("path", False, f"{path} matches {path_glob} but is excepted by {excluded_glob}")
            )
        else:
            reasons.append(Reason("path", True, f"{path} matches {path_glob}"))
        path_ok = path_glob is not None and excluded_glob is None
        host_ok = True
        if notice.pages.hosts:
            pattern = compile_hosts(notice.pages.hosts)
            host_ok = host is not None and pattern is not None and pattern.fullmatch(host) is not None
            shown = "no host" if host is None else host
            verb = "is" if host_ok else "is not"
            reasons.append(Reason("host", host_ok, f"{shown} {verb} one of {', '.join(notice.pages.hosts)}"))
        window_ok = notice.window.contains(at)
        reasons.append(Reason("window", window_ok, _window_detail(notice.window, at)))
        return NoticeExplanation(
            notice=notice,
            applies=who_ok and path_ok and host_ok and window_ok,
            reasons=tuple(reasons),
            jurisdiction=jurisdiction,
            region_code=code,
            excluded_by=excluded_by,
            path_glob=path_glob,
            excluded_glob=excluded_glob,
        )

    def _explain_reader(
        self, notice: Notice, region: Region, reasons: list[Reason]
    ) -> tuple[bool, str | None, str | None, str | None]:
        if region.anonymous or region.country is None:
            which = "anonymous" if region.anonymous else "unknown"
            listed = notice.id in (
                self.ruleset.anonymous_readers if region.anonymous else self.ruleset.unknown_readers
            )
            state = "listed" if listed else "not listed"
            reasons.append(
                Reason("readers", listed, f"the reader is {which}; the notice is {state} in readers.{which}")
            )
            if listed or region.country is None:
                return listed, None, None, None
        codes = region.codes
        excluded_by = None
        for name in notice.jurisdictions:
            for code, cancels in self.terms(name):
                if code not in codes:
                    continue
                cancelled = next((c for c in codes if c in cancels), None)
                if cancelled is None:
                    reasons.append(Reason("jurisdiction", True, f"{region} is in {name} (through {code})"))
                    return True, name, code, None
                excluded_by = excluded_by or cancelled
        if excluded_by is not None:
            detail = f"{region} is excepted from {', '.join(notice.jurisdictions)} by {excluded_by}"
        elif notice.jurisdictions:
            detail = f"{region} is in none of {', '.join(notice.jurisdictions)}"
        else:
            detail = "the notice applies to no jurisdiction"
        reasons.append(Reason("jurisdiction", False, detail))
        return False, None, None, excluded_by


def _page_matches(compiled: _CompiledPages, path: str, host: str | None) -> bool:
    if compiled.hosts is not None and (host is None or not compiled.hosts.fullmatch(host)):
        return False
    if compiled.paths is None or not compiled.paths.fullmatch(path):
        return False
    return compiled.excludes is None or not compiled.excludes.fullmatch(path)


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
