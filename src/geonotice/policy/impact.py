"""What a change to the rules does to readers: the data behind ``geonotice diff``.

Two validated rules versions are compared notice by notice, on what readers experience: who gets
the notice (regions, after jurisdictions, includes and excepts are resolved; unknown and
anonymous readers), on which pages (path patterns, excepted paths, hosts, content types), what it
says (text per language), where and in which order, and when it is in force. Metadata lawyers
keep for themselves (owner, last reviewed) is not an impact.
"""

from __future__ import annotations

import datetime as dt
import json
import subprocess
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from geonotice.errors import ConfigError, RulesError
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
class NoticeImpact:
    """How one notice changed for readers. ``status`` is ``added``, ``removed`` or ``changed``."""

    id: str
    status: str
    title: str = ""
    regions_gained: tuple[str, ...] = ()
    regions_lost: tuple[str, ...] = ()
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
    texts_changed: tuple[str, ...] = ()
    settings: tuple[tuple[str, Moved], ...] = ()  # from, until, placement, priority, default language

    def lines(self) -> list[str]:
        """The impact in short phrases, one per aspect that changed."""
        out = []
        for label, values in (
            ("regions gained", self.regions_gained),
            ("regions lost", self.regions_lost),
            ("jurisdictions gained", self.jurisdictions_gained),
            ("jurisdictions lost", self.jurisdictions_lost),
            ("pages newly covered", self.pages_added),
            ("pages no longer covered", self.pages_removed),
            ("hosts added", self.hosts_added),
            ("hosts removed", self.hosts_removed),
            ("content types added", self.content_types_added),
            ("content types removed", self.content_types_removed),
            ("text added", self.texts_added),
            ("text removed", self.texts_removed),
            ("text changed", self.texts_changed),
        ):
            if values:
                out.append(f"{label}: {', '.join(values)}")
        out += [f"{name}: {moved.old} -> {moved.new}" for name, moved in self.settings]
        return out


@dataclass(frozen=True, slots=True)
class Impact:
    """Every reader-visible difference between two rules versions."""

    old: str
    new: str
    notices: tuple[NoticeImpact, ...] = ()
    page_languages: tuple[tuple[str, Moved], ...] = field(default=())  # prefix -> language

    @property
    def has_impact(self) -> bool:
        return bool(self.notices or self.page_languages)


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
    """What changes for readers going from ``old`` to ``new``: pure, no I/O."""
    old_engine, new_engine = Engine(old), Engine(new)
    # A draft is never shown to readers: whatever happens to it changes nothing for them.
    old_notices = {n.id: n for n in old.notices if not n.draft}
    new_notices = {n.id: n for n in new.notices if not n.draft}
    impacts: list[NoticeImpact] = []
    for notice_id in dict.fromkeys([*old_notices, *new_notices]):
        before, after = old_notices.get(notice_id), new_notices.get(notice_id)
        if before is None:
            assert after is not None
            impacts.append(_whole(after, "added", _coverage(new_engine, after)))
        elif after is None:
            impacts.append(_whole(before, "removed", _coverage(old_engine, before)))
        else:
            change = _changed(before, after, _coverage(old_engine, before), _coverage(new_engine, after))
            if change.lines():
                impacts.append(change)
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


def _whole(notice: Notice, status: str, who: _Who) -> NoticeImpact:
    # Everything about a notice that comes or goes, on the gained side or the lost side.
    aspects: dict[tuple[str, str], tuple[str, ...]] = {
        ("regions_gained", "regions_lost"): tuple(sorted(who.included))
        + tuple(f"except {code}" for code in sorted(who.excluded)),
        ("jurisdictions_gained", "jurisdictions_lost"): tuple(sorted(who.jurisdictions)),
        ("pages_added", "pages_removed"): _pages(notice),
        ("hosts_added", "hosts_removed"): notice.pages.hosts,
        ("texts_added", "texts_removed"): tuple(notice.texts),
    }
    side = 0 if status == "added" else 1
    fields: dict[str, Any] = {names[side]: values for names, values in aspects.items()}
    return NoticeImpact(notice.id, status, notice.title, **fields)


def _pages(notice: Notice) -> tuple[str, ...]:
    return notice.pages.paths + tuple(f"except {glob}" for glob in notice.pages.exclude_paths)


def _changed(before: Notice, after: Notice, was: _Who, now: _Who) -> NoticeImpact:
    # An `except` added to a jurisdiction takes readers away: it is a lost region, and the reverse.
    gained = sorted(now.included - was.included) + [
        f"{c} (no longer excepted)" for c in sorted(was.excluded - now.excluded)
    ]
    lost = sorted(was.included - now.included) + [
        f"{c} (now excepted)" for c in sorted(now.excluded - was.excluded)
    ]
    old_pages, new_pages = before.pages, after.pages
    settings = [
        (name, Moved(_show(old), _show(new)))
        for name, old, new in (
            ("from", before.window.start, after.window.start),
            ("until", before.window.end, after.window.end),
            ("placement", before.placement, after.placement),
            ("priority", before.priority, after.priority),
            ("default language", before.default_language, after.default_language),
        )
        if old != new
    ]
    return NoticeImpact(
        after.id,
        "changed",
        after.title,
        regions_gained=tuple(gained),
        regions_lost=tuple(lost),
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
            language
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
        return value.kind.value if value.target is None else f"{value.kind.value} {value.target}"
    return str(value)


# -- formatting ------------------------------------------------------------------------------------------


def format_text(impact: Impact) -> str:
    out = [f"Impact of {impact.old} -> {impact.new}:"]
    if not impact.has_impact:
        return out[0] + " none: no reader sees anything different"
    for notice in impact.notices:
        out.append(f"notice {notice.id}: {notice.status}")
        out += [f"  {line}" for line in notice.lines()]
    for prefix, moved in impact.page_languages:
        out.append(f"page language of {prefix}: {moved.old} -> {moved.new}")
    out.append(_summary(impact))
    return "\n".join(out)


def format_markdown(impact: Impact) -> str:
    """A table to paste into a pull-request review."""
    out = [f"### Reader impact: `{impact.old}` → `{impact.new}`", ""]
    if not impact.has_impact:
        out.append("No reader sees anything different.")
        return "\n".join(out) + "\n"
    if impact.notices:
        out += [
            "| Notice | Change | Regions gained | Regions lost | Pages | Text | Other |",
            "|---|---|---|---|---|---|---|",
        ]
        for n in impact.notices:
            pages = _cells(
                ("+", n.pages_added),
                ("−", n.pages_removed),
                ("+host ", n.hosts_added),
                ("−host ", n.hosts_removed),
            )
            text = _cells(("+", n.texts_added), ("−", n.texts_removed), ("changed ", n.texts_changed))
            other = "<br>".join(f"{name}: {m.old} → {m.new}" for name, m in n.settings)
            other_types = _cells(("+", n.content_types_added), ("−", n.content_types_removed))
            other = "<br>".join(part for part in (other, other_types) if part)
            gained, lost = _md(", ".join(n.regions_gained)), _md(", ".join(n.regions_lost))
            out.append(f"| `{n.id}` | {n.status} | {gained} | {lost} | {pages} | {text} | {other} |")
    if impact.page_languages:
        out += ["", "| Page prefix | Language before | Language after |", "|---|---|---|"]
        out += [f"| `{prefix}` | {m.old} | {m.new} |" for prefix, m in impact.page_languages]
    out += ["", _summary(impact)]
    return "\n".join(out) + "\n"


def format_json(impact: Impact) -> str:
    document = {
        "old": impact.old,
        "new": impact.new,
        "impact": impact.has_impact,
        "notices": [
            {
                **{k: v for k, v in asdict(n).items() if k != "settings"},
                "settings": {k: asdict(m) for k, m in n.settings},
            }
            for n in impact.notices
        ],
        "page_languages": {prefix: asdict(m) for prefix, m in impact.page_languages},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _cells(*groups: tuple[str, tuple[str, ...]]) -> str:
    return "<br>".join(_md(f"{sign}{item}") for sign, items in groups for item in items)


def _md(text: str) -> str:
    return text.replace("|", "\\|").replace("*", "\\*")


def _summary(impact: Impact) -> str:
    counts = {
        status: sum(n.status == status for n in impact.notices) for status in ("changed", "added", "removed")
    }
    parts = [
        f"{count} notice{'' if count == 1 else 's'} {status}" for status, count in counts.items() if count
    ]
    if impact.page_languages:
        parts.append(f"{len(impact.page_languages)} page language(s) changed")
    return ", ".join(parts)
