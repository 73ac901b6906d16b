"""One rules file's tree, walked against ``schema.py``: jurisdictions and notices as drafts.

Each file is checked on its own here (keys, types, dates, duplicate names); what needs every file
at once (references, cycles, unused definitions) is ``crossref.py``'s job. The walker checks every
key and value against the tables; this module turns the walked sections into the model's values
and adds the checks that tie several keys together (a window's order, the default text).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from geonotice.rules import codes, schema
from geonotice.rules.model import (
    LanguageRule,
    Notice,
    NoticeMetadata,
    PageMatch,
    Placement,
    PlacementKind,
    Window,
)
from geonotice.rules.moments import format_moment
from geonotice.rules.shapes import Ref, slug_problem
from geonotice.rules.vocabulary import DRAFT, VERSION
from geonotice.yamlcheck import INVALID, Section, Walker
from geonotice.yamlcheck.loader import Marked, MarkedKey, MarkedMapping, MarkedScalar, MarkedSequence
from geonotice.yamlcheck.problems import START, Positioned, Problem, ProblemCode

_REVIEW_PERIOD = dt.timedelta(days=365)
_DEFAULT_PAGES = PageMatch()
_DEFAULT_PLACEMENT = Placement(PlacementKind.BODY_START)


@dataclass(slots=True)
class JurisdictionDraft:
    name: str
    path: str
    key: MarkedKey
    section: Section
    regions: list[tuple[str, Marked]]
    includes: list[Ref]
    excludes: list[tuple[str, Marked]]


@dataclass(slots=True)
class NoticeDraft:
    notice: Notice
    path: str
    section: Section
    applies_to: list[Ref]


class FileChecker:
    """Walks rules files one at a time, collecting drafts and problems."""

    def __init__(self, now: dt.datetime) -> None:
        self.now = now
        self.problems: list[Problem] = []
        self.jurisdictions: dict[str, JurisdictionDraft] = {}
        self.notices: dict[str, NoticeDraft] = {}
        self.readers: dict[str, list[Ref]] = {}
        self.page_languages: list[LanguageRule] = []
        self.setting_sources: dict[str, tuple[str, int]] = {}  # key -> (path, line) where given

    def report(self, path: str, at: Positioned, code: ProblemCode, message: str) -> None:
        self.problems.append(Problem.at(path, at, code, message))

    def check_file(self, path: str, root: Marked | None, *, blank: bool = False) -> None:
        """Walk one loaded file; ``blank`` says it has no bytes but white space."""
        if root is None:
            message = (
                "the file is empty, as a deploy that failed half way leaves it: put its rules "
                "back, or delete the file"
                if blank
                else "the file has no rules in it, only comments: write at least 'version: 1', "
                "or delete the file"
            )
            self.report(path, START, codes.EMPTY_FILE, message)
            return
        walker = Walker(path, self.problems)
        mapping = walker.root(root, "a rules file is a mapping (version:, notices: ...)")
        if mapping is None:
            return
        version = mapping.get("version")
        if version is None or _other_version(version):
            # Without version 1 the rest may be another format: say which keys are unknown, no more.
            walker.keys(mapping, schema.FILE_FIELDS, "")
            if isinstance(version, MarkedScalar):
                self.report(
                    path,
                    version,
                    codes.VERSION,
                    f"this is rules format version {VERSION}; version {version.value} is unknown",
                )
            return
        top = walker.section(mapping, schema.FILE_FIELDS, "")
        for key, jurisdiction in top.get("jurisdictions", []):
            self.add_jurisdiction(path, key, jurisdiction)
        for notice in top.get("notices", []):
            self.add_notice(path, notice)
        # Settings for the whole rules version may be given once, in any one file.
        for key in ("readers", "page languages"):
            value = top.get(key)
            if value is None:
                continue
            first = self.setting_sources.get(key)
            if first is not None:
                self.duplicate_setting(path, mapping, key, first)
                continue
            self.setting_sources[key] = (path, mapping.key(key).line)  # type: ignore[union-attr]
            if key == "readers":
                self.readers = {which: value.get(which, []) for which in ("unknown", "anonymous")}
            else:
                self.page_languages = value

    def duplicate_setting(self, path: str, root: MarkedMapping, key: str, first: tuple[str, int]) -> None:
        node = root.key(key)
        assert node is not None  # the key was just read from this mapping
        message = f"{key!r} is already given in {first[0]}:{first[1]}"
        self.report(path, node, codes.DUPLICATE_SETTING, message)

    def add_jurisdiction(self, path: str, key: MarkedKey, section: Section) -> None:
        where, node = section.where, section.node
        if slug_problem(key.name) is not None:
            self.report(path, key, codes.INVALID_NAME, f"{where}: {slug_problem(key.name)}")
        first = self.jurisdictions.get(key.name)
        if first is not None:
            message = f"{where} is already defined at {first.path}:{first.key.line}"
            self.report(path, key, codes.DUPLICATE_ID, message)
            return
        regions, includes, excludes = (
            section.get("regions", []),
            section.get("includes", []),
            section.get("except", []),
        )
        if _blank(node.get("regions")) and _blank(node.get("includes")):
            self.report(path, key, codes.EMPTY_JURISDICTION, f"{where}: give its regions (or includes)")
        self.jurisdictions[key.name] = JurisdictionDraft(
            key.name, path, key, section, regions, includes, excludes
        )

    def add_notice(self, path: str, section: Section) -> None:
        where, node = section.where, section.node
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
                codes.MISSING_DEFAULT_TEXT,
                f"{where}: text: no text in the default language {language!r} (texts given: {have})",
            )
        others = [other for other in texts if other != language]
        if section.get("single language", False) and language in texts and others:
            self.report(
                path,
                node.get("single language") or node,
                codes.SINGLE_LANGUAGE,
                f"{where}: single language: the notice is shown in {language!r} on every page, so its "
                f"{', '.join(repr(o) for o in others)} text would never be shown: delete "
                f"{'it' if len(others) == 1 else 'them'}, or delete 'single language'",
            )
        window = Window(section.get("from"), section.get("until"))
        if window.start and window.end and window.end <= window.start:
            until = node.get("until")
            assert until is not None
            self.report(
                path,
                until,
                codes.WINDOW_ORDER,
                f"{where}: until {format_moment(window.end)} is not after "
                f"from {format_moment(window.start)}: it would never be shown",
            )
        elif window.end is not None and window.end <= self.now:
            until = node.get("until")
            assert until is not None
            message = f"{where}: expired on {format_moment(window.end)}; it is no longer shown"
            self.report(path, until, codes.EXPIRED, message)
        reviewed = section.get("last reviewed")
        if reviewed is not None:
            at = node.get("last reviewed")
            assert at is not None
            today = self.now.date()
            if reviewed > today:
                message = f"{where}: last reviewed {reviewed} is in the future"
                self.report(path, at, codes.NOT_YET_REVIEWED, message)
            elif today - reviewed > _REVIEW_PERIOD:
                self.report(
                    path,
                    at,
                    codes.REVIEW_OVERDUE,
                    f"{where}: last reviewed on {reviewed}, more than a year ago: have a lawyer review it",
                )
        if notice_id is None:
            return
        first = self.notices.get(notice_id)
        if first is not None:
            id_node = node.get("id")
            assert id_node is not None
            message = f"notice id {notice_id!r} is already used at {first.notice.source}"
            self.report(path, id_node, codes.DUPLICATE_ID, message)
            return
        pages_section: Section | None = section.get("pages")
        pages = PageMatch()
        if pages_section is not None:
            pages = PageMatch(
                paths=tuple(pages_section.get("paths", _DEFAULT_PAGES.paths)),
                exclude_paths=tuple(pages_section.get("except", ())),
                hosts=tuple(pages_section.get("hosts", ())),
                content_types=tuple(pages_section.get("content types", _DEFAULT_PAGES.content_types)),
            )
        applies_to: list[Ref] = section.get("applies to", [])
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
            style=section.get("style", ""),
            draft=section.get("status") == DRAFT,
        )
        self.notices[notice_id] = NoticeDraft(notice, path, section, applies_to)


def _other_version(node: Marked) -> bool:
    """Whether ``node`` is a whole number other than this format's version."""
    if not isinstance(node, MarkedScalar) or isinstance(node.value, bool):
        return False
    return isinstance(node.value, int) and node.value != VERSION


def _blank(node: Marked | None) -> bool:
    if node is None:
        return True
    if isinstance(node, MarkedScalar):
        return node.value is None
    return not (node.items if isinstance(node, MarkedSequence) else node.entries)
