"""One rules file's tree, walked against ``schema.py``: jurisdictions and notices as drafts.

Each file is checked on its own here (keys, types, dates, duplicate names); what needs every file
at once (references, cycles, unused definitions) is ``crossref.py``'s job.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from geonotice.rules import schema
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
from geonotice.rules.problems import Problem
from geonotice.rules.shapes import Ref, slug_problem
from geonotice.rules.values import INVALID, Section, ValueChecker
from geonotice.rules.yamlsafe import Marked, MarkedKey, MarkedMapping, MarkedScalar, MarkedSequence, describe

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


class FileChecker(ValueChecker):
    """Walks rules files one at a time, collecting drafts and problems."""

    def __init__(self, now: dt.datetime) -> None:
        super().__init__()
        self.now = now
        self.jurisdictions: dict[str, JurisdictionDraft] = {}
        self.notices: dict[str, NoticeDraft] = {}
        self.readers: dict[str, list[Ref]] = {}
        self.page_languages: list[LanguageRule] = []
        self.setting_sources: dict[str, tuple[str, int]] = {}  # key -> (path, line) where given

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
        # Settings for the whole rules version may be given once, in any one file.
        for key in ("readers", "page languages"):
            value = top.get(key)
            if value is None:
                continue
            first = self.setting_sources.get(key)
            if first is not None:
                self.duplicate_setting(path, root, key, first)
                continue
            self.setting_sources[key] = (path, root.key(key).line)  # type: ignore[union-attr]
            if key == "readers":
                self.readers = {which: value.get(which, []) for which in ("unknown", "anonymous")}
            else:
                self.page_languages = value

    def duplicate_setting(self, path: str, root: MarkedMapping, key: str, first: tuple[str, int]) -> None:
        node = root.key(key)
        assert node is not None  # the key was just read from this mapping
        self.report(path, node, "duplicate-setting", f"{key!r} is already given in {first[0]}:{first[1]}")

    def add_jurisdiction(self, path: str, key: MarkedKey, node: MarkedMapping) -> None:
        where = f"jurisdiction {key.name!r}"
        if slug_problem(key.name) is not None:
            self.report(path, key, "invalid-name", f"{where}: {slug_problem(key.name)}")
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
        self.jurisdictions[key.name] = JurisdictionDraft(
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
                f"{where}: until {format_moment(window.end)} is not after "
                f"from {format_moment(window.start)}: it would never be shown",
            )
        elif window.end is not None and window.end <= self.now:
            until = node.get("until")
            assert until is not None
            self.report(
                path,
                until,
                "expired",
                f"{where}: expired on {format_moment(window.end)}; it is no longer shown",
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
        )
        self.notices[notice_id] = NoticeDraft(notice, path, section, applies_to)


def _blank(node: Marked | None) -> bool:
    if node is None:
        return True
    if isinstance(node, MarkedScalar):
        return node.value is None
    return not (node.items if isinstance(node, MarkedSequence) else node.entries)
