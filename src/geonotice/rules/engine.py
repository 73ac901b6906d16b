"""Deciding, per request, which notices a reader gets: rules compiled once into indexes.

A decision runs on every request, so nothing here scans the rules. At construction the engine
flattens every jurisdiction into *terms* (a region code plus the codes that cancel it, so
"UA except UA-43" is the term ``UA`` minus ``{UA-43}``), indexes the notices by those codes, and
compiles each distinct page pattern once. A decision is then two bounded-cache lookups (reader's
region → candidate notices, page → matching page patterns), an intersection and a date check.

``explain`` tells the same decision in words. It cannot reuse the index without slowing every
request, so it is a twin kept in ``explain.py``: it walks each notice's jurisdictions, globs and
window as the rules state them, and a property test proves the two agree on what applies.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import NamedTuple

from geonotice.region import Region
from geonotice.rules.explain import Explanation, explain_decision
from geonotice.rules.globs import compile_globs, compile_hosts, normalize_host
from geonotice.rules.model import NO_NOTICES, Decision, LanguageRule, Notice, PageMatch, Ruleset, Window
from geonotice.rules.moments import utc

# Bounds on the per-engine caches: the keys come from requests, so an attacker choosing paths must
# not grow memory. A full cache is simply emptied; refilling costs one miss per key.
REGION_CACHE_SIZE = 4096
PAGE_CACHE_SIZE = 8192


class Term(NamedTuple):
    """One way into a jurisdiction: a reader is in it when ``code`` is among the reader's codes
    and none of ``cancels`` is."""

    code: str
    cancels: frozenset[str]


# Not frozen, and not a NamedTuple: every request reads one of these, and slot reads are as cheap
# as unpacking a plain tuple, where a NamedTuple's are not; a frozen dataclass costs twice as much
# to build, once per page not seen recently. Nothing writes to one once the engine cached it.
@dataclass(slots=True)
class _Page:
    """What the engine knows of one page (path and host), whoever reads it."""

    matched: frozenset[int]  # the ids of the page patterns that match it
    language: str | None  # from the rules' page languages
    media_types: frozenset[str]  # the content types some notice covers on it


@dataclass(frozen=True, slots=True)
class _CompiledPages:
    paths: re.Pattern[str] | None
    excludes: re.Pattern[str] | None
    hosts: re.Pattern[str] | None


class Engine:
    """The compiled form of a ``Ruleset``: decisions without scanning the rules.

    Engines are immutable once built and safe to share between threads and tasks; a new rules
    version gets a new engine (see ``RulesHolder``).

    Draft notices (``status: draft``) are left out, so the engine that answers requests never
    serves one; ``include_drafts=True`` builds the engine a review uses instead (``geonotice test
    --include-drafts``, ``geonotice explain``), which decides as if the drafts were live.
    """

    def __init__(self, ruleset: Ruleset, *, include_drafts: bool = False) -> None:
        self.ruleset = ruleset
        self.include_drafts = include_drafts
        kept = [notice for notice in ruleset.notices if include_drafts or not notice.draft]
        #: Every notice it decides with (drafts only if included), in display order: higher
        #: priority first, then by id.
        self.notices: tuple[Notice, ...] = tuple(sorted(kept, key=lambda n: (-n.priority, n.id)))
        self._windows: tuple[Window | None, ...] = tuple(
            None if n.window.start is None and n.window.end is None else n.window for n in self.notices
        )
        self._term_cache: dict[str, tuple[Term, ...]] = {}
        index: dict[str, list[tuple[int, frozenset[str]]]] = {}
        for position, notice in enumerate(self.notices):
            for name in notice.jurisdictions:
                for code, cancels in self.terms(name):
                    index.setdefault(code, []).append((position, cancels))
        self._index = {code: tuple(entries) for code, entries in index.items()}
        positions = {notice.id: position for position, notice in enumerate(self.notices)}
        self._unknown = tuple(sorted(positions[i] for i in set(ruleset.unknown_readers) if i in positions))
        self._anonymous = tuple(
            sorted(positions[i] for i in set(ruleset.anonymous_readers) if i in positions)
        )
        page_ids: dict[PageMatch, int] = {}
        self._page_of = tuple(page_ids.setdefault(n.pages, len(page_ids)) for n in self.notices)
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

    def terms(self, jurisdiction: str) -> tuple[Term, ...]:
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
        terms = [Term(code, cancels) for code in definition.regions]
        for included in definition.includes:
            terms += [Term(code, inner | cancels) for code, inner in self.terms(included)]
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
        normalized = None if host is None else normalize_host(host)
        # Lists, not generators: this runs for every page not seen recently (bench_engine.py).
        pages = enumerate(self._pages)
        matched = frozenset(
            [page_id for page_id, compiled in pages if _page_matches(compiled, path, normalized)]
        )
        media_types = frozenset().union(*[self._page_types[page_id] for page_id in matched])
        result = _Page(matched, self.page_language(path), media_types)
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
        matched = page.matched
        page_language = page.language
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
            chosen.append(self.notices[position])
        return Decision(tuple(chosen), page_language)

    def covered_media_types(self, path: str, host: str | None = None) -> frozenset[str]:
        """The media types some notice, for some reader, could change on this page; empty when
        no notice covers it.

        Every reader's response of these types needs the cache-safety headers, whether or not
        this reader gets a notice: a shared cache must not hand it to a reader who does.
        """
        page = self._page_cache.get((path, host))
        if page is None:
            page = self._page(path, host)
        return page.media_types

    def page_language(self, path: str) -> str | None:
        """The language the rules' ``page languages`` give the page at ``path``, if any: the
        longest prefix wins."""
        for rule in self._languages:
            if path.startswith(rule.prefix) or path == rule.prefix[:-1]:
                return rule.language
        return None

    def explain(
        self, region: Region, path: str, host: str | None = None, at: dt.datetime | None = None
    ) -> Explanation:
        """Why each notice of the ruleset applies or not to this reader and page: ``evaluate``
        told in words (``geonotice.rules.explain``), for ``geonotice explain`` and for failing
        policy cases. It agrees with ``evaluate`` on what applies."""
        return explain_decision(self, region, path, host, at)


def _page_matches(compiled: _CompiledPages, path: str, host: str | None) -> bool:
    if compiled.hosts is not None and (host is None or not compiled.hosts.fullmatch(host)):
        return False
    if compiled.paths is None or not compiled.paths.fullmatch(path):
        return False
    return compiled.excludes is None or not compiled.excludes.fullmatch(path)
