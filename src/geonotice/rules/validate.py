"""From loaded YAML to a ``Ruleset``, collecting every problem on the way.

Checking runs in two passes. The first walks each file against the tables in ``schema.py``: keys
(with "did you mean"), required keys, and each value by its declared type; it never stops at the
first problem. The second looks across files: duplicate names, references, include cycles, unused
jurisdictions, dates. A ``Ruleset`` comes out only when no error was found; warnings never block.
Messages carry cfgv-style breadcrumbs on one line: ``notice 'x': pages.paths[1]: ...``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from geonotice.region import region_code_problem
from geonotice.rules import schema
from geonotice.rules.globs import glob_problem, host_problem
from geonotice.rules.html import html_problems
from geonotice.rules.model import (
    Jurisdiction,
    LanguageRule,
    Notice,
    NoticeMetadata,
    PageMatch,
    Placement,
    PlacementKind,
    Ruleset,
    Window,
)
from geonotice.rules.problems import Level, Problem, has_errors
from geonotice.rules.yamlsafe import (
    Marked,
    MarkedKey,
    MarkedMapping,
    MarkedScalar,
    MarkedSequence,
    describe,
    load_marked,
)

_SLUG = re.compile(schema.SLUG_PATTERN)
_LANGUAGE = re.compile(schema.LANGUAGE_PATTERN)
_ELEMENT_ID = re.compile(schema.ELEMENT_ID_PATTERN)
_REVIEW_PERIOD = dt.timedelta(days=365)
_DEFAULT_PAGES = PageMatch()
_DEFAULT_PLACEMENT = Placement(PlacementKind.BODY_START)


class _Positioned(Protocol):
    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...


class _Invalid:
    """A value that failed its check (and was reported); builders skip it."""


INVALID: Any = _Invalid()


@dataclass(frozen=True, slots=True)
class _Ref:
    """A name written somewhere (an include, an ``applies to`` entry), kept with its place."""

    name: str
    path: str
    node: Marked


@dataclass(slots=True)
class _Section:
    """A checked mapping: parsed values by key, plus the node for positions."""

    path: str
    node: MarkedMapping
    values: dict[str, Any] = field(default_factory=dict)

    def get(self, key: str, default: Any = None) -> Any:
        value = self.values.get(key, default)
        return default if value is INVALID else value


@dataclass(slots=True)
class _JurisdictionDraft:
    name: str
    path: str
    key: MarkedKey
    section: _Section
    regions: list[tuple[str, Marked]]
    includes: list[_Ref]
    excludes: list[tuple[str, Marked]]


@dataclass(slots=True)
class _NoticeDraft:
    notice: Notice
    path: str
    section: _Section
    applies_to: list[_Ref]


def _did_you_mean(word: str, candidates: Iterable[str]) -> str:
    candidates = sorted(candidates)
    normalized = word.replace("_", " ").replace("-", " ").strip().lower()
    for candidate in candidates:
        if candidate.replace("-", " ") == normalized:
            return f" (did you mean {candidate!r}?)"
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


class _Checker:
    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.problems: list[Problem] = []
        self.jurisdictions: dict[str, _JurisdictionDraft] = {}
        self.notices: dict[str, _NoticeDraft] = {}
        self.readers: dict[str, list[_Ref]] = {}
        self.readers_source: tuple[str, int] | None = None
        self.page_languages: list[LanguageRule] = []
        self.page_languages_source: tuple[str, int] | None = None
        self._value_checkers: dict[str, Callable[[str, Marked, str], Any]] = {
            "integer": self._integer,
            "text": self._text,
            "slug": self._slug,
            "language": self._language,
            "date": self._date,
            "moment": self._moment,
            "url": self._url,
            "regions": self._regions,
            "jurisdiction-names": self._names,
            "notice-ids": self._names,
            "globs": self._globs,
            "hosts": self._hosts,
            "content-types": self._content_types,
            "html-by-language": self._texts,
            "placement": self._placement,
            "prefix-languages": self._prefix_languages,
        }

    # -- reporting ---------------------------------------------------------------------------------

    def report(self, path: str, at: _Positioned, code: str, message: str, level: Level = "error") -> None:
        self.problems.append(Problem(path, at.line, at.column, level, message, code))

    # -- pass 1: one file against the tables -------------------------------------------------------

    def check_file(self, path: str, root: Marked | None) -> None:
        if root is None:
            self.problems.append(Problem(path, 1, 1, "warning", "the file is empty", "empty-file"))
            return
        if not isinstance(root, MarkedMapping):
            self.report(
                path,
                root,
                "wrong-type",
                f"a rules file is a mapping (version:, notices: ...), not {describe(root)}",
            )
            return
        top = self.section(path, root, schema.FILE_FIELDS, "")
        if "version" not in top.values:
            return  # reported as missing; without a version the rest may be another format
        version_node = root.get("version")
        if top.values["version"] is not INVALID and top.values["version"] != schema.VERSION and version_node:
            self.report(
                path,
                version_node,
                "version",
                f"this is rules format version {schema.VERSION}; version {top.values['version']} is unknown",
            )
            return
        for key, sub in top.get("jurisdictions", []):
            self.add_jurisdiction(path, key, sub)
        for sub in top.get("notices", []):
            self.add_notice(path, sub)
        readers = top.get("readers")
        if readers is not None:
            if self.readers_source is not None:
                self.duplicate_setting(path, root, "readers", self.readers_source)
            else:
                self.readers_source = (path, root.key("readers").line)  # type: ignore[union-attr]
                for which in ("unknown", "anonymous"):
                    self.readers[which] = readers.get(which, [])
        languages = top.get("page languages")
        if languages is not None:
            if self.page_languages_source is not None:
                self.duplicate_setting(path, root, "page languages", self.page_languages_source)
            else:
                self.page_languages_source = (path, root.key("page languages").line)  # type: ignore[union-attr]
                self.page_languages = languages

    def duplicate_setting(self, path: str, root: MarkedMapping, key: str, first: tuple[str, int]) -> None:
        node = root.key(key)
        assert node is not None  # the key was just read from this mapping
        self.report(path, node, "duplicate-setting", f"{key!r} is already given in {first[0]}:{first[1]}")

    def section(
        self, path: str, node: MarkedMapping, fields: tuple[schema.Field, ...], where: str
    ) -> _Section:
        """Check a mapping's keys against ``fields`` and each value by its type."""
        result = _Section(path, node)
        known = {f.key: f for f in fields}
        prefix = f"{where}: " if where else ""
        for key, value in node.entries:
            spec = known.get(key.name)
            if spec is None:
                hint = _did_you_mean(key.name, known) or f" (expected one of: {', '.join(known)})"
                self.report(path, key, "unknown-key", f"{prefix}unknown key {key.name!r}{hint}")
                continue
            result.values[key.name] = self.value(path, spec, value, _join(where, key.name))
        for spec in fields:
            if spec.required and spec.key not in result.values:
                self.report(path, node, "missing-key", f"{prefix}missing key {spec.key!r}: {spec.help}")
        return result

    def value(self, path: str, spec: schema.Field, node: Marked, where: str) -> Any:
        if spec.type == "section":
            if isinstance(node, MarkedScalar) and node.value is None:
                return _Section(path, MarkedMapping((), node.line, node.column))
            mapping = self.mapping(path, node, where)
            return INVALID if mapping is None else self.section(path, mapping, spec.fields, where)
        if spec.type == "named-sections":
            mapping = self.mapping(path, node, where, allow_empty=True)
            if mapping is None:
                return INVALID
            named = []
            for key, value in mapping.entries:
                inner = self.mapping(path, value, f"{where} {key.name!r}", allow_empty=True)
                if inner is not None:
                    named.append((key, inner))
            return named
        if spec.type == "section-list":
            items = self.sequence(path, node, where)
            return [
                inner
                for index, item in enumerate(items)
                if (inner := self.mapping(path, item, f"{where}[{index}]")) is not None
            ]
        return self._value_checkers[spec.type](path, node, where)

    def mapping(
        self, path: str, node: Marked, where: str, *, allow_empty: bool = False
    ) -> MarkedMapping | None:
        if isinstance(node, MarkedMapping):
            return node
        if allow_empty and isinstance(node, MarkedScalar) and node.value is None:
            return MarkedMapping((), node.line, node.column)
        self.report(
            path, node, "wrong-type", f"{where}: expected a mapping (key: value lines), got {describe(node)}"
        )
        return None

    def sequence(self, path: str, node: Marked, where: str) -> tuple[Marked, ...]:
        """A list; one value stands for a list of one, and an empty value for an empty list."""
        if isinstance(node, MarkedSequence):
            return node.items
        if isinstance(node, MarkedScalar):
            return () if node.value is None else (node,)
        self.report(path, node, "wrong-type", f"{where}: expected a list, got {describe(node)}")
        return ()

    def string(self, path: str, node: Marked, where: str, what: str) -> str | None:
        """A text value; what YAML turned into a boolean, number or date is reported with "quote it"."""
        if isinstance(node, MarkedScalar):
            if isinstance(node.value, str):
                return node.value
            if node.value is None:
                self.report(path, node, "wrong-type", f"{where}: no value given; expected {what}")
                return None
            self.report(
                path,
                node,
                "quote-it",
                f"{where}: YAML read {node.text} as {describe(node).split(' (')[0]}; "
                f'write it in quotes ("{node.text}") if you mean the text',
            )
            return None
        self.report(path, node, "wrong-type", f"{where}: expected {what}, got {describe(node)}")
        return None

    # -- value checkers, one per type in schema.py -------------------------------------------------

    def _integer(self, path: str, node: Marked, where: str) -> Any:
        if (
            isinstance(node, MarkedScalar)
            and isinstance(node.value, int)
            and not isinstance(node.value, bool)
        ):
            return node.value
        self.report(path, node, "wrong-type", f"{where}: expected a whole number, got {describe(node)}")
        return INVALID

    def _text(self, path: str, node: Marked, where: str) -> Any:
        text = self.string(path, node, where, "text")
        return INVALID if text is None else text

    def _slug(self, path: str, node: Marked, where: str) -> Any:
        text = self.string(path, node, where, "a name like 'ru-undesirable-organization'")
        if text is None:
            return INVALID
        if not _SLUG.fullmatch(text):
            self.report(path, node, "invalid-name", f"{where}: {_slug_problem(text)}")
            return INVALID
        return text

    def _language(self, path: str, node: Marked, where: str) -> Any:
        text = self.string(path, node, where, "a language tag like 'en'")
        if text is None:
            return INVALID
        if not _LANGUAGE.fullmatch(text):
            self.report(path, node, "invalid-language", f"{where}: {_language_problem(text)}")
            return INVALID
        return text

    def _date(self, path: str, node: Marked, where: str) -> Any:
        if isinstance(node, MarkedScalar):
            if isinstance(node.value, dt.date) and not isinstance(node.value, dt.datetime):
                return node.value
            if isinstance(node.value, str):
                try:
                    return dt.date.fromisoformat(node.value.strip())
                except ValueError:
                    pass
        self.report(
            path, node, "invalid-date", f"{where}: expected a date like 2025-01-31, got {describe(node)}"
        )
        return INVALID

    def _moment(self, path: str, node: Marked, where: str) -> Any:
        value: object = node.value if isinstance(node, MarkedScalar) else None
        if isinstance(value, str):
            text = value.strip()
            try:
                value = dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
            except ValueError:
                value = None
        if isinstance(value, dt.datetime):
            offset = value.utcoffset()
            if offset is None:
                self.report(
                    path,
                    node,
                    "invalid-date",
                    f"{where}: say the time is UTC by ending it in Z ({node_text(node)}Z)",
                )
                return INVALID
            if offset:
                self.report(
                    path,
                    node,
                    "invalid-date",
                    f"{where}: give the time in UTC, ending in Z, not with offset {offset}",
                )
                return INVALID
            return value.astimezone(dt.UTC)
        if isinstance(value, dt.date):
            return dt.datetime.combine(value, dt.time(), dt.UTC)
        self.report(
            path,
            node,
            "invalid-date",
            f"{where}: expected a date (2025-01-31) or a UTC time (2025-01-31T12:00:00Z), "
            f"got {describe(node)}",
        )
        return INVALID

    def _url(self, path: str, node: Marked, where: str) -> Any:
        text = self.string(path, node, where, "a link")
        if text is None:
            return INVALID
        if not re.match(r"https?://[^\s/]+", text):
            self.report(
                path, node, "invalid-url", f"{where}: expected a link starting with https://, got {text!r}"
            )
            return INVALID
        return text

    def _regions(self, path: str, node: Marked, where: str) -> Any:
        regions = []
        for index, item in enumerate(self.sequence(path, node, where)):
            code = self.string(path, item, f"{where}[{index}]", "a region code like 'RU' or 'UA-43'")
            if code is None:
                continue
            problem = region_code_problem(code)
            if problem is not None:
                self.report(path, item, "invalid-region", f"{where}[{index}]: {problem}")
                continue
            regions.append((code, item))
        return regions

    def _names(self, path: str, node: Marked, where: str) -> Any:
        names = []
        for index, item in enumerate(self.sequence(path, node, where)):
            name = self._slug(path, item, f"{where}[{index}]")
            if name is not INVALID:
                names.append(_Ref(name, path, item))
        return names

    def _globs(self, path: str, node: Marked, where: str) -> Any:
        globs = []
        for index, item in enumerate(self.sequence(path, node, where)):
            glob = self.string(path, item, f"{where}[{index}]", "a path pattern like '/a/**'")
            if glob is None:
                continue
            problem = glob_problem(glob)
            if problem is not None:
                self.report(path, item, "dead-glob", f"{where}[{index}]: {glob!r} can never match: {problem}")
                continue
            globs.append(glob)
        return globs

    def _hosts(self, path: str, node: Marked, where: str) -> Any:
        hosts = []
        for index, item in enumerate(self.sequence(path, node, where)):
            host = self.string(path, item, f"{where}[{index}]", "a host name")
            if host is None:
                continue
            problem = host_problem(host)
            if problem is not None:
                self.report(path, item, "invalid-host", f"{where}[{index}]: {problem}")
                continue
            hosts.append(host.lower())
        return hosts

    def _content_types(self, path: str, node: Marked, where: str) -> Any:
        types = []
        for index, item in enumerate(self.sequence(path, node, where)):
            media = self.string(path, item, f"{where}[{index}]", "a content type")
            if media is None:
                continue
            if media not in schema.CONTENT_TYPES:
                hint = (
                    _did_you_mean(media, schema.CONTENT_TYPES)
                    or f" (expected {' or '.join(schema.CONTENT_TYPES)})"
                )
                self.report(
                    path,
                    item,
                    "invalid-content-type",
                    f"{where}[{index}]: unknown content type {media!r}{hint}",
                )
                continue
            types.append(media)
        return types

    def _texts(self, path: str, node: Marked, where: str) -> Any:
        mapping = self.mapping(path, node, where)
        if mapping is None:
            return INVALID
        texts: dict[str, str] = {}
        for key, value in mapping.entries:
            here = _join(where, key.name)
            if not _LANGUAGE.fullmatch(key.name):
                self.report(path, key, "invalid-language", f"{here}: {_language_problem(key.name)}")
                continue
            text = self.string(path, value, here, "HTML text")
            if text is None:
                continue
            if not text.strip():
                self.report(path, value, "empty-text", f"{here}: the text is empty")
                continue
            for problem in html_problems(text):
                self.report(path, value, "disallowed-html", f"{here}: {problem}")
            texts[key.name] = text
        return texts

    def _placement(self, path: str, node: Marked, where: str) -> Any:
        choices = ", ".join(
            [*schema.SIMPLE_PLACEMENTS, *(f"{{{k}: ...}}" for k in schema.TARGETED_PLACEMENTS)]
        )
        if isinstance(node, MarkedScalar) and isinstance(node.value, str):
            if node.value in schema.SIMPLE_PLACEMENTS:
                return Placement(PlacementKind(node.value))
            hint = _did_you_mean(node.value, [*schema.SIMPLE_PLACEMENTS, *schema.TARGETED_PLACEMENTS])
            self.report(
                path,
                node,
                "invalid-placement",
                f"{where}: unknown placement {node.value!r}{hint}; expected {choices}",
            )
            return INVALID
        if isinstance(node, MarkedMapping) and len(node.entries) == 1:
            key, value = node.entries[0]
            if key.name in schema.TARGETED_PLACEMENTS:
                target = self.string(path, value, _join(where, key.name), "an element id or marker name")
                if target is None:
                    return INVALID
                pattern = _ELEMENT_ID if key.name == "element" else _SLUG
                if not pattern.fullmatch(target):
                    what = (
                        "an element id" if key.name == "element" else "a marker name (lower-case words and -)"
                    )
                    self.report(
                        path,
                        value,
                        "invalid-placement",
                        f"{_join(where, key.name)}: {target!r} is not {what}",
                    )
                    return INVALID
                return Placement(PlacementKind(key.name), target)
        self.report(
            path, node, "invalid-placement", f"{where}: expected one of {choices}, got {describe(node)}"
        )
        return INVALID

    def _prefix_languages(self, path: str, node: Marked, where: str) -> Any:
        mapping = self.mapping(path, node, where, allow_empty=True)
        if mapping is None:
            return INVALID
        rules = []
        for key, value in mapping.entries:
            here = f"{where} {key.name!r}"
            if not key.name.startswith("/"):
                self.report(path, key, "dead-glob", f"{here}: a path prefix starts with '/' (like '/ru/')")
                continue
            language = self._language(path, value, here)
            if language is not INVALID:
                prefix = key.name if key.name.endswith("/") else key.name + "/"
                rules.append(LanguageRule(prefix, language))
        return rules

    # -- building drafts -----------------------------------------------------------------------------

    def add_jurisdiction(self, path: str, key: MarkedKey, node: MarkedMapping) -> None:
        where = f"jurisdiction {key.name!r}"
        if not _SLUG.fullmatch(key.name):
            self.report(path, key, "invalid-name", f"{where}: {_slug_problem(key.name)}")
        section = self.section(path, node, schema.JURISDICTION_FIELDS, where)
        first = self.jurisdictions.get(key.name)
        if first is not None:
            self.report(
                path, key, "duplicate-id", f"{where} is already defined at {first.path}:{first.key.line}"
            )
            return
        regions, includes, excludes = (
            section.get("regions", []),
            section.get("includes", []),
            section.get("except", []),
        )
        if _blank(node.get("regions")) and _blank(node.get("includes")):
            self.report(path, key, "empty-jurisdiction", f"{where}: give its regions (or includes)")
        self.jurisdictions[key.name] = _JurisdictionDraft(
            key.name, path, key, section, regions, includes, excludes
        )

    def add_notice(self, path: str, node: MarkedMapping) -> None:
        id_node = node.get("id")
        given_id = (
            id_node.value if isinstance(id_node, MarkedScalar) and isinstance(id_node.value, str) else None
        )
        where = f"notice {given_id!r}" if given_id else f"notice at line {node.line}"
        section = self.section(path, node, schema.NOTICE_FIELDS, where)
        notice_id = section.get("id")
        texts = section.get("text", {})
        language = section.get("default language")
        text_node = node.get("text")
        text_ok = text_node is not None and section.values.get("text") is not INVALID
        if text_node is not None and text_ok and language is not None and language not in texts:
            have = ", ".join(texts) or "none"
            self.report(
                path,
                text_node,
                "missing-default-text",
                f"{where}: text: no text in the default language {language!r} (texts given: {have})",
            )
        window = Window(section.get("from"), section.get("until"))
        if window.start and window.end and window.end <= window.start:
            until = node.get("until")
            assert until is not None
            self.report(
                path,
                until,
                "window-order",
                f"{where}: until {_day(window.end)} is not after from {_day(window.start)}: "
                "it would never be shown",
            )
        elif window.end is not None and window.end <= self.now:
            until = node.get("until")
            assert until is not None
            self.report(
                path,
                until,
                "expired",
                f"{where}: expired on {_day(window.end)}; it is no longer shown",
                "warning",
            )
        reviewed = section.get("last reviewed")
        if reviewed is not None:
            at = node.get("last reviewed")
            assert at is not None
            today = self.now.date()
            if reviewed > today:
                self.report(
                    path,
                    at,
                    "not-yet-reviewed",
                    f"{where}: last reviewed {reviewed} is in the future",
                    "warning",
                )
            elif today - reviewed > _REVIEW_PERIOD:
                self.report(
                    path,
                    at,
                    "review-overdue",
                    f"{where}: last reviewed on {reviewed}, more than a year ago: have a lawyer review it",
                    "warning",
                )
        if notice_id is None:
            return
        first = self.notices.get(notice_id)
        if first is not None:
            assert id_node is not None
            self.report(
                path,
                id_node,
                "duplicate-id",
                f"notice id {notice_id!r} is already used at {first.notice.source}",
            )
            return
        pages_section: _Section | None = section.get("pages")
        pages = PageMatch()
        if pages_section is not None:
            pages = PageMatch(
                paths=tuple(pages_section.get("paths", _DEFAULT_PAGES.paths)),
                exclude_paths=tuple(pages_section.get("except", ())),
                hosts=tuple(pages_section.get("hosts", ())),
                content_types=tuple(pages_section.get("content types", _DEFAULT_PAGES.content_types)),
            )
        applies_to: list[_Ref] = section.get("applies to", [])
        notice = Notice(
            id=notice_id,
            jurisdictions=tuple(dict.fromkeys(ref.name for ref in applies_to)),
            texts=texts or {},
            default_language=language or "",
            title=section.get("title", ""),
            placement=section.get("placement", _DEFAULT_PLACEMENT),
            pages=pages,
            window=window,
            priority=section.get("priority", 0),
            metadata=NoticeMetadata(
                legal_basis=section.get("legal basis", ""),
                owner=section.get("owner", ""),
                last_reviewed=reviewed,
                reference_url=section.get("reference", ""),
            ),
            source=f"{path}:{node.line}",
        )
        self.notices[notice_id] = _NoticeDraft(notice, path, section, applies_to)

    # -- pass 2: across files --------------------------------------------------------------------

    def cross_check(self) -> None:
        names = self.jurisdictions
        for draft in names.values():
            for index, ref in enumerate(draft.includes):
                if ref.name not in names:
                    self.report(
                        ref.path,
                        ref.node,
                        "undefined-jurisdiction",
                        f"jurisdiction {draft.name!r}: includes[{index}]: "
                        f"no jurisdiction is called {ref.name!r}{_did_you_mean(ref.name, names)}",
                    )
        self.check_cycles()
        for draft in names.values():
            positives = self.positive_codes(draft.name, set())
            for index, (code, node) in enumerate(draft.excludes):
                if not any(_overlaps(code, p) for p in positives):
                    self.report(
                        draft.path,
                        node,
                        "exclude-outside",
                        f"jurisdiction {draft.name!r}: except[{index}]: {code} is not inside it anyway",
                        "warning",
                    )
        referenced: set[str] = set()
        for notice_draft in self.notices.values():
            for index, ref in enumerate(notice_draft.applies_to):
                if ref.name not in names:
                    self.report(
                        ref.path,
                        ref.node,
                        "undefined-jurisdiction",
                        f"notice {notice_draft.notice.id!r}: applies to[{index}]: no jurisdiction is called "
                        f"{ref.name!r}{_did_you_mean(ref.name, names)}",
                    )
                else:
                    referenced.add(ref.name)
        for which, refs in self.readers.items():
            for index, ref in enumerate(refs):
                if ref.name not in self.notices:
                    self.report(
                        ref.path,
                        ref.node,
                        "undefined-notice",
                        f"readers.{which}[{index}]: no notice has the id {ref.name!r}"
                        f"{_did_you_mean(ref.name, self.notices)}",
                    )
        used = self.closure(referenced)
        for draft in names.values():
            if draft.name not in used:
                self.report(
                    draft.path,
                    draft.key,
                    "unused-jurisdiction",
                    f"jurisdiction {draft.name!r} is not used by any notice",
                    "warning",
                )
        for_readers = {ref.name for refs in self.readers.values() for ref in refs}
        for notice_draft in self.notices.values():
            if not notice_draft.applies_to and notice_draft.notice.id not in for_readers:
                self.report(
                    notice_draft.path,
                    notice_draft.section.node,
                    "unused-notice",
                    f"notice {notice_draft.notice.id!r} applies to nobody: "
                    "give 'applies to' or list it in readers",
                    "warning",
                )

    def check_cycles(self) -> None:
        state: dict[str, int] = {}  # 1 = on the current path, 2 = done

        def visit(name: str, trail: list[str]) -> None:
            state[name] = 1
            for index, ref in enumerate(self.jurisdictions[name].includes):
                if ref.name not in self.jurisdictions:
                    continue
                if state.get(ref.name) == 1:
                    circle = " → ".join([*trail[trail.index(ref.name) :], ref.name])
                    self.report(
                        ref.path,
                        ref.node,
                        "include-cycle",
                        f"jurisdiction {name!r}: includes[{index}]: "
                        f"jurisdictions include each other: {circle}",
                    )
                    ref_cycle = self.jurisdictions[name].includes
                    ref_cycle[index] = dataclasses.replace(ref, name="")  # cut the cycle for later passes
                elif state.get(ref.name) is None:
                    visit(ref.name, [*trail, ref.name])
            state[name] = 2

        for name in self.jurisdictions:
            if name not in state:
                visit(name, [name])

    def positive_codes(self, name: str, seen: set[str]) -> set[str]:
        draft = self.jurisdictions.get(name)
        if draft is None or name in seen:
            return set()
        seen.add(name)
        codes = {code for code, _ in draft.regions}
        for ref in draft.includes:
            codes |= self.positive_codes(ref.name, seen)
        return codes

    def closure(self, names: set[str]) -> set[str]:
        result: set[str] = set()
        pending = list(names)
        while pending:
            name = pending.pop()
            if name in result or name not in self.jurisdictions:
                continue
            result.add(name)
            pending.extend(ref.name for ref in self.jurisdictions[name].includes)
        return result

    def ruleset(self, sources: Sequence[str]) -> Ruleset:
        jurisdictions = {
            name: Jurisdiction(
                name=name,
                regions=tuple(dict.fromkeys(code for code, _ in draft.regions)),
                includes=tuple(dict.fromkeys(ref.name for ref in draft.includes)),
                excludes=tuple(dict.fromkeys(code for code, _ in draft.excludes)),
                description=draft.section.get("description", ""),
                source=f"{draft.path}:{draft.key.line}",
            )
            for name, draft in self.jurisdictions.items()
        }
        return Ruleset(
            jurisdictions=jurisdictions,
            notices=tuple(draft.notice for draft in self.notices.values()),
            unknown_readers=tuple(dict.fromkeys(ref.name for ref in self.readers.get("unknown", []))),
            anonymous_readers=tuple(dict.fromkeys(ref.name for ref in self.readers.get("anonymous", []))),
            page_languages=tuple(sorted(self.page_languages, key=lambda rule: -len(rule.prefix))),
            sources=tuple(sources),
        )


def _join(where: str, key: str) -> str:
    if not where:
        return key
    return f"{where}: {key}" if where.endswith("'") else f"{where}.{key}"


def _blank(node: Marked | None) -> bool:
    if node is None:
        return True
    if isinstance(node, MarkedScalar):
        return node.value is None
    return not (node.items if isinstance(node, MarkedSequence) else node.entries)


def _overlaps(excluded: str, included: str) -> bool:
    return excluded == included or excluded.startswith(included + "-") or included.startswith(excluded + "-")


def _day(moment: dt.datetime) -> str:
    return moment.date().isoformat() if moment.time() == dt.time() else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def node_text(node: Marked) -> str:
    return node.text if isinstance(node, MarkedScalar) else ""


def _slug_problem(text: str) -> str:
    suggestion = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    hint = f" (did you mean {suggestion!r}?)" if suggestion and _SLUG.fullmatch(suggestion) else ""
    return f"{text!r} is not a valid name: use lower-case letters, digits and '-'{hint}"


def _language_problem(text: str) -> str:
    return f"{text!r} is not a language tag like 'en', 'ru' or 'pt-BR'"


def check_sources(
    sources: Sequence[tuple[str, bytes | str]], *, now: dt.datetime | None = None
) -> tuple[Ruleset | None, list[Problem]]:
    """Check rules given as ``(display path, content)`` pairs, read in order as one rules version.

    Used for files on disk and for rules from elsewhere (a git revision, a test). Returns the
    ruleset (``None`` if any error was found) and every problem, sorted. Never raises for bad input.
    ``now`` (an aware datetime, default the current time) dates the expiry and review warnings.
    """
    now = now or dt.datetime.now(dt.UTC)
    checker = _Checker(now)
    for path, content in sources:
        root, problems = load_marked(content, path)
        checker.problems.extend(problems)
        if root is not None or not problems:
            checker.check_file(path, root)
    checker.cross_check()
    problems = sorted(set(checker.problems))
    if has_errors(problems):
        return None, problems
    return checker.ruleset([path for path, _ in sources]), problems
