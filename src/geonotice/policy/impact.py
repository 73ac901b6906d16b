"""What a change to the rules does to readers: the data behind ``geonotice diff``.

Two validated rules versions are compared notice by notice, on what readers experience: who gets
the notice (regions, after jurisdictions, includes and excepts are resolved; unknown and
anonymous readers), on which pages (path patterns, excepted paths, hosts, content types), what it
says (text per language, as a word diff), where, how and in which order, and when it is in force.
A notice that comes or goes is described whole. Metadata lawyers keep for themselves (owner, last
reviewed) is not an impact, and neither is a draft, which no reader sees: drafts are listed apart.

Regions are kept as codes; ``lines`` and the formatters of ``impact_formats.py`` show each with
its place name (``UA-40 (Sevastopol)``).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geonotice.errors import ConfigError, RulesError
from geonotice.policy.shown import plain_text
from geonotice.policy.worddiff import Piece, WordDiff, word_diff
from geonotice.region import named
from geonotice.rules import Engine, check_rules, check_sources
from geonotice.rules.files import is_rules_file_name
from geonotice.rules.model import Notice, Placement, Ruleset
from geonotice.rules.moments import format_moment


@dataclass(frozen=True, slots=True)
class Moved:
    """A setting that changed: its old and new value, as written."""

    old: str
    new: str


@dataclass(frozen=True, slots=True)
class TextChange:
    """A notice's text in one language, before and after (HTML as written)."""

    language: str
    old: str
    new: str

    @property
    def diff(self) -> WordDiff:
        return word_diff(self.old, self.new)


@dataclass(frozen=True, slots=True)
class Whole:
    """Everything readers get of a notice that comes or goes: who, where, when, how, what."""

    regions: tuple[str, ...]  # codes, and "(unknown readers)" / "(anonymous readers)"
    excepted: tuple[str, ...]  # codes cut out of the regions by an `except`
    jurisdictions: tuple[str, ...]
    pages: tuple[str, ...]
    excepted_pages: tuple[str, ...]
    hosts: tuple[str, ...]
    content_types: tuple[str, ...]
    start: str  # "always", a date or a UTC time
    end: str  # "never", or the first moment it is no longer shown
    placement: str
    priority: int
    default_language: str
    style: str
    texts: tuple[tuple[str, str], ...]  # (language, HTML)


# What a notice's status does for readers: a draft is never shown, so it has no reader impact.
ADDED, REMOVED, CHANGED = "added", "removed", "changed"
DRAFT_ADDED, DRAFT_REMOVED, DRAFT_CHANGED = "draft added", "draft removed", "draft changed"
_IMPACTFUL = (ADDED, REMOVED, CHANGED)


@dataclass(frozen=True, slots=True)
class NoticeImpact:
    """How one notice changed for readers. ``status`` is ``added``, ``removed`` or ``changed``, or
    for a notice that is a draft on both sides (no reader sees it) ``draft added``, ``draft
    removed`` or ``draft changed``. An added or removed notice comes ``whole``; ``note`` says when
    it was, or now is, a draft."""

    id: str
    status: str
    title: str = ""
    regions_gained: tuple[str, ...] = ()  # codes
    regions_lost: tuple[str, ...] = ()
    no_longer_excepted: tuple[str, ...] = ()  # an `except` removed: these readers gain it
    now_excepted: tuple[str, ...] = ()  # an `except` added: these readers lose it
    jurisdictions_gained: tuple[str, ...] = ()
    jurisdictions_lost: tuple[str, ...] = ()
    pages_added: tuple[str, ...] = ()  # path patterns now covered
    pages_removed: tuple[str, ...] = ()  # path patterns no longer covered
    hosts_added: tuple[str, ...] = ()
    hosts_removed: tuple[str, ...] = ()
    content_types_added: tuple[str, ...] = ()
    content_types_removed: tuple[str, ...] = ()
    texts_added: tuple[str, ...] = ()  # languages
    texts_removed: tuple[str, ...] = ()
    texts_changed: tuple[TextChange, ...] = ()
    settings: tuple[tuple[str, Moved], ...] = ()  # from, until, placement, priority, default language, style
    whole: Whole | None = None
    note: str = ""

    @property
    def has_impact(self) -> bool:
        return self.status in _IMPACTFUL

    def lines(self) -> list[str]:
        """The impact in short phrases, one per aspect that changed (regions with their names)."""
        if self.whole is not None:
            return whole_lines(self.whole)
        out = []
        gained = [named(code) for code in self.regions_gained]
        gained += [f"{named(code)}, no longer excepted" for code in self.no_longer_excepted]
        lost = [named(code) for code in self.regions_lost]
        lost += [f"{named(code)}, now excepted" for code in self.now_excepted]
        for label, values, separator in (
            ("regions gained", gained, "; "),
            ("regions lost", lost, "; "),
            ("jurisdictions gained", self.jurisdictions_gained, ", "),
            ("jurisdictions lost", self.jurisdictions_lost, ", "),
            ("pages newly covered", self.pages_added, ", "),
            ("pages no longer covered", self.pages_removed, ", "),
            ("hosts added", self.hosts_added, ", "),
            ("hosts removed", self.hosts_removed, ", "),
            ("content types added", self.content_types_added, ", "),
            ("content types removed", self.content_types_removed, ", "),
            ("text added", self.texts_added, ", "),
            ("text removed", self.texts_removed, ", "),
        ):
            if values:
                out.append(f"{label}: {separator.join(values)}")
        for change in self.texts_changed:
            diff = change.diff
            what = "markup" if diff.markup else "text"
            out.append(f"{what} changed ({change.language}): {terminal_diff(diff.shortened(_CONTEXT_WORDS))}")
        out += [f"{name}: {moved.old} -> {moved.new}" for name, moved in self.settings]
        return out


@dataclass(frozen=True, slots=True)
class Impact:
    """Every reader-visible difference between two rules versions, and the drafts that changed."""

    old: str
    new: str
    notices: tuple[NoticeImpact, ...] = ()
    page_languages: tuple[tuple[str, Moved], ...] = field(default=())  # prefix -> language

    @property
    def has_impact(self) -> bool:
        return bool(self.page_languages) or any(n.has_impact for n in self.notices)


_CONTEXT_WORDS = 6  # words kept around each change in a terminal's word diff


def terminal_diff(pieces: Iterable[Piece]) -> str:
    shown = {"same": "{}", "removed": "[-{}-]", "added": "{{+{}+}}"}
    return " ".join(shown[piece.kind].format(piece.text) for piece in pieces)


def whole_lines(whole: Whole) -> list[str]:
    lines = [f"regions: {'; '.join(named(code) for code in whole.regions) or '(none)'}"]
    if whole.excepted:
        lines.append(f"except: {'; '.join(named(code) for code in whole.excepted)}")
    lines.append(f"jurisdictions: {', '.join(whole.jurisdictions) or '(none)'}")
    lines.append(f"pages: {', '.join(whole.pages)}")
    if whole.excepted_pages:
        lines.append(f"except pages: {', '.join(whole.excepted_pages)}")
    if whole.hosts:
        lines.append(f"hosts: {', '.join(whole.hosts)}")
    lines.append(f"content types: {', '.join(whole.content_types)}")
    lines.append(f"in force: {in_force(whole)}")
    lines.append(f"placement: {whole.placement}")
    lines.append(f"priority: {whole.priority}")
    if whole.style:
        lines.append(f"style: {whole.style}")
    lines.append(f"default language: {whole.default_language}")
    lines += [f"text ({language}): {plain_text(html)}" for language, html in whole.texts]
    return lines


def in_force(whole: Whole) -> str:
    start = "always" if whole.start == "always" else f"from {whole.start}"
    end = "with no end" if whole.end == "never" else f"until {whole.end} (exclusive)"
    return f"{start}, {end}"


# -- loading ---------------------------------------------------------------------------------------------


def load_version(path: str | Path, *, git_rev: str | None = None) -> Ruleset:
    """The rules at ``path``, from the working tree or, with ``git_rev``, as committed at that revision.

    Raises:
        RulesError: that version of the rules does not validate.
        ConfigError: ``path`` is outside a git repository, the revision is unknown, or the path did
            not exist at that revision.
    """
    if git_rev is None:
        ruleset, problems = check_rules(path)
    else:
        ruleset, problems = check_sources(_git_sources(Path(path), git_rev))
    if ruleset is None:
        raise RulesError(problems)
    return ruleset


def _git(cwd: Path, *args: str) -> str:
    try:
        done = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, check=False)
    except OSError as error:
        raise ConfigError(f"--git needs the git command: {error.strerror}") from None
    if done.returncode != 0:
        raise ConfigError(
            done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"git {args[0]} failed"
        )
    return done.stdout


def _git_sources(path: Path, rev: str) -> list[tuple[str, str]]:
    where = path if path.is_dir() else path.parent
    if not where.exists():
        raise ConfigError(f"{path}: no such directory to find the git repository from")
    try:
        top = Path(_git(where, "rev-parse", "--show-toplevel").strip())
    except ConfigError:
        raise ConfigError(f"--git: {path} is not inside a git repository") from None
    try:
        _git(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
    except ConfigError:
        raise ConfigError(f"--git: unknown revision {rev!r}") from None
    relative = path.resolve().relative_to(top.resolve()).as_posix()
    listing = _git(top, "ls-tree", "--name-only", rev, "--", relative).split()
    if not listing:
        raise ConfigError(f"--git: {relative} does not exist at {rev}")
    if listing == [relative] and _git(top, "cat-file", "-t", f"{rev}:{relative}").strip() == "blob":
        names = [relative]
    else:
        names = sorted(
            name
            for name in _git(top, "ls-tree", "--name-only", rev, f"{relative}/").split()
            if is_rules_file_name(name.rsplit("/", 1)[-1])
        )
    return [(f"{rev}:{name}", _git(top, "show", f"{rev}:{name}")) for name in names]


# -- comparing -------------------------------------------------------------------------------------------


def compare(old: Ruleset, new: Ruleset, *, old_name: str = "old", new_name: str = "new") -> Impact:
    """What changes for readers going from ``old`` to ``new``: pure, no I/O.

    Drafts are compared too, but as drafts: a draft no reader sees changes nothing for readers,
    while a draft that goes live is an added notice, and a live notice made a draft a removed one.
    """
    engines = (Engine(old, include_drafts=True), Engine(new, include_drafts=True))
    old_notices = {n.id: n for n in old.notices}
    new_notices = {n.id: n for n in new.notices}
    impacts: list[NoticeImpact] = []
    for notice_id in dict.fromkeys([*old_notices, *new_notices]):
        before, after = old_notices.get(notice_id), new_notices.get(notice_id)
        live_before = before is not None and not before.draft
        live_after = after is not None and not after.draft
        if after is not None and not live_before and (live_after or before is None):
            note = "it was a draft" if before is not None else ""
            status = ADDED if live_after else DRAFT_ADDED
            impacts.append(_whole(after, status, _coverage(engines[1], after), note))
        elif before is not None and not live_after and (live_before or after is None):
            note = "it is now a draft" if after is not None else ""
            status = REMOVED if live_before else DRAFT_REMOVED
            impacts.append(_whole(before, status, _coverage(engines[0], before), note))
        elif before is not None and after is not None:
            change = _changed(before, after, _coverage(engines[0], before), _coverage(engines[1], after))
            if change.lines():
                impacts.append(dataclasses.replace(change, status=CHANGED if live_after else DRAFT_CHANGED))
    old_languages = {rule.prefix: rule.language for rule in old.page_languages}
    new_languages = {rule.prefix: rule.language for rule in new.page_languages}
    languages = tuple(
        (prefix, Moved(old_languages.get(prefix, "(none)"), new_languages.get(prefix, "(none)")))
        for prefix in sorted({*old_languages, *new_languages})
        if old_languages.get(prefix) != new_languages.get(prefix)
    )
    return Impact(old_name, new_name, tuple(impacts), languages)


@dataclass(frozen=True, slots=True)
class _Who:
    included: frozenset[str]
    excluded: frozenset[str]
    jurisdictions: frozenset[str]


def _coverage(engine: Engine, notice: Notice) -> _Who:
    included: set[str] = set()
    excluded: set[str] = set()
    for name in notice.jurisdictions:
        for code, cancels in engine.terms(name):
            included.add(code)
            excluded.update(cancels)
    ruleset = engine.ruleset
    if notice.id in ruleset.unknown_readers:
        included.add("(unknown readers)")
    if notice.id in ruleset.anonymous_readers:
        included.add("(anonymous readers)")
    return _Who(frozenset(included), frozenset(excluded), frozenset(notice.jurisdictions))


def _whole(notice: Notice, status: str, who: _Who, note: str) -> NoticeImpact:
    pages = notice.pages
    whole = Whole(
        regions=tuple(sorted(who.included)),
        excepted=tuple(sorted(who.excluded)),
        jurisdictions=notice.jurisdictions,
        pages=pages.paths,
        excepted_pages=pages.exclude_paths,
        hosts=pages.hosts,
        content_types=pages.content_types,
        start=_show(notice.window.start) if notice.window.start else "always",
        end=_show(notice.window.end) if notice.window.end else "never",
        placement=_show(notice.placement),
        priority=notice.priority,
        default_language=notice.default_language,
        style=notice.style,
        texts=tuple(notice.texts.items()),
    )
    # The flat fields say the same for tools that read only them (``--format json``).
    side = 0 if status in (ADDED, DRAFT_ADDED) else 1
    aspects: dict[tuple[str, str], tuple[str, ...]] = {
        ("regions_gained", "regions_lost"): whole.regions,
        ("jurisdictions_gained", "jurisdictions_lost"): whole.jurisdictions,
        ("pages_added", "pages_removed"): whole.pages,
        ("hosts_added", "hosts_removed"): whole.hosts,
        ("texts_added", "texts_removed"): tuple(notice.texts),
    }
    fields: dict[str, Any] = {names[side]: values for names, values in aspects.items()}
    return NoticeImpact(notice.id, status, notice.title, **fields, whole=whole, note=note)


def _changed(before: Notice, after: Notice, was: _Who, now: _Who) -> NoticeImpact:
    old_pages, new_pages = before.pages, after.pages
    settings = [
        (name, Moved(_show(old), _show(new)))
        for name, old, new in (
            ("from", before.window.start, after.window.start),
            ("until", before.window.end, after.window.end),
            ("placement", before.placement, after.placement),
            ("priority", before.priority, after.priority),
            ("default language", before.default_language, after.default_language),
            ("style", before.style or None, after.style or None),
        )
        if old != new
    ]
    return NoticeImpact(
        after.id,
        CHANGED,
        after.title,
        regions_gained=tuple(sorted(now.included - was.included)),
        regions_lost=tuple(sorted(was.included - now.included)),
        # An `except` added to a jurisdiction takes readers away, one removed gives them back.
        no_longer_excepted=tuple(sorted(was.excluded - now.excluded)),
        now_excepted=tuple(sorted(now.excluded - was.excluded)),
        jurisdictions_gained=_added(was.jurisdictions, now.jurisdictions),
        jurisdictions_lost=_added(now.jurisdictions, was.jurisdictions),
        # A new `except` pattern uncovers pages, so it counts with the patterns removed.
        pages_added=_added(old_pages.paths, new_pages.paths)
        + tuple(f"except {g} (removed)" for g in _added(new_pages.exclude_paths, old_pages.exclude_paths)),
        pages_removed=_added(new_pages.paths, old_pages.paths)
        + tuple(f"except {g}" for g in _added(old_pages.exclude_paths, new_pages.exclude_paths)),
        hosts_added=_host_change(old_pages.hosts, new_pages.hosts),
        hosts_removed=_host_change(new_pages.hosts, old_pages.hosts),
        content_types_added=_added(old_pages.content_types, new_pages.content_types),
        content_types_removed=_added(new_pages.content_types, old_pages.content_types),
        texts_added=_added(before.texts, after.texts),
        texts_removed=_added(after.texts, before.texts),
        texts_changed=tuple(
            TextChange(language, before.texts[language], after.texts[language])
            for language in after.texts
            if language in before.texts
            and " ".join(before.texts[language].split()) != " ".join(after.texts[language].split())
        ),
        settings=tuple(settings),
    )


def _added(old: Iterable[str], new: Iterable[str]) -> tuple[str, ...]:
    known = set(old)
    return tuple(item for item in new if item not in known)


def _host_change(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
    # No hosts means every host; going from every host to a list narrows, which _added alone misses.
    if not old and new:
        return tuple(f"only {host}" for host in new)
    if old and not new:
        return ("every host",)
    return _added(old, new)


def _show(value: object) -> str:
    if value is None:
        return "(none)"
    if isinstance(value, dt.datetime):
        return format_moment(value)
    if isinstance(value, Placement):
        return value.describe()
    return str(value)
