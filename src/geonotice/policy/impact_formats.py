"""How ``geonotice diff`` shows an ``Impact``: for a terminal, as a pull-request comment
(GitHub-flavoured Markdown), and as JSON for tools.

The Markdown is meant to be pasted as it is: a section per notice, added and removed notices whole
with each text quoted, changed wording with ``<del>``/``<ins>``, changes to drafts folded under a
``<details>`` line, and whatever Markdown would read as markup escaped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import asdict

from geonotice.place_names import place_name
from geonotice.policy.impact import (
    ADDED,
    CHANGED,
    DRAFT_ADDED,
    DRAFT_CHANGED,
    DRAFT_REMOVED,
    REMOVED,
    Impact,
    NoticeImpact,
    in_force,
)
from geonotice.policy.shown import plain_text
from geonotice.policy.worddiff import WordDiff
from geonotice.region import named

__all__ = ["format_json", "format_markdown", "format_text"]


def format_text(impact: Impact) -> str:
    """The impact for a terminal: each notice and what changed, drafts last, then a summary."""
    head = f"Impact of {impact.old} -> {impact.new}:"
    out = [head if impact.has_impact else f"{head} none: no reader sees anything different"]
    for notice in _ordered(impact):
        status = notice.status + (f" ({notice.note})" if notice.note else "")
        if not notice.has_impact:
            status += ": no reader sees a draft"
        out.append(f"notice {notice.id}: {status}")
        out += [f"  {line}" for line in notice.lines()]
    for prefix, moved in impact.page_languages:
        out.append(f"page language of {prefix}: {moved.old} -> {moved.new}")
    if impact.notices or impact.page_languages:
        out.append(_summary(impact))
    return "\n".join(out)


def format_markdown(impact: Impact) -> str:
    """The impact as a pull-request comment (GitHub-flavoured Markdown): a section per notice,
    added and removed notices whole, changed wording as a word diff, drafts folded away."""
    out = [f"### Reader impact: `{_code(impact.old)}` → `{_code(impact.new)}`", ""]
    if not impact.has_impact:
        out.append("No reader sees anything different.")
    else:
        out.append(f"**Readers would see something different:** {_summary(impact, impact_only=True)}.")
    live = [n for n in _ordered(impact) if n.has_impact]
    drafts = [n for n in _ordered(impact) if not n.has_impact]
    for notice in live:
        out += ["", *_md_notice(notice)]
    if impact.page_languages:
        out += ["", "#### Page languages", "", "| Pages under | Language before | Language after |"]
        out += ["|---|---|---|"]
        out += [f"| `{_code(prefix)}` | {_md(m.old)} | {_md(m.new)} |" for prefix, m in impact.page_languages]
    if drafts:
        count = len(drafts)
        summary = (
            f"Drafts, never shown to readers: {count} changed"
            if count > 1
            else "A draft, never shown to readers"
        )
        out += ["", "<details>", f"<summary>{summary}</summary>"]
        for notice in drafts:
            out += ["", *_md_notice(notice)]
        out += ["", "</details>"]
    return "\n".join(out) + "\n"


def format_json(impact: Impact) -> str:
    """The impact for tools: every field, region codes with their names."""
    codes = {code for n in impact.notices for code in _codes(n)}
    document = {
        "old": impact.old,
        "new": impact.new,
        "impact": impact.has_impact,
        "notices": [
            {
                **{k: v for k, v in asdict(n).items() if k not in ("settings", "texts_changed")},
                "impact": n.has_impact,
                "texts_changed": {c.language: {"old": c.old, "new": c.new} for c in n.texts_changed},
                "settings": {k: asdict(m) for k, m in n.settings},
            }
            for n in impact.notices
        ],
        "page_languages": {prefix: asdict(m) for prefix, m in impact.page_languages},
        "region_names": {code: place_name(code) for code in sorted(codes) if place_name(code)},
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _ordered(impact: Impact) -> list[NoticeImpact]:
    # What readers will see first, then the drafts.
    return sorted(impact.notices, key=lambda n: not n.has_impact)


def _codes(notice: NoticeImpact) -> list[str]:
    found = [*notice.regions_gained, *notice.regions_lost, *notice.no_longer_excepted, *notice.now_excepted]
    if notice.whole is not None:
        found += [*notice.whole.regions, *notice.whole.excepted]
    return found


def _md_notice(notice: NoticeImpact) -> list[str]:
    status = notice.status + (f" ({notice.note})" if notice.note else "")
    out = [f"#### `{_code(notice.id)}`: {status}"]
    if notice.title:
        out += ["", f"*{_md(notice.title)}*"]
    out.append("")
    if notice.whole is not None:
        whole = notice.whole
        items = [
            ("Regions", _md_regions(whole.regions) or "(none)"),
            ("Except", _md_regions(whole.excepted)),
            ("Jurisdictions", ", ".join(f"`{_code(j)}`" for j in whole.jurisdictions) or "(none)"),
            ("Pages", _md_codes(whole.pages)),
            ("Except pages", _md_codes(whole.excepted_pages)),
            ("Hosts", _md_codes(whole.hosts)),
            ("Content types", _md_codes(whole.content_types)),
            ("In force", _md(in_force(whole))),
            ("Placement", f"`{whole.placement}`"),
            ("Priority", str(whole.priority)),
            ("Style", f"`{whole.style}`" if whole.style else ""),
            ("Default language", f"`{whole.default_language}`"),
        ]
        out += [f"- **{label}:** {value}" for label, value in items if value]
        for language, html in whole.texts:
            out += ["", f"**Text ({language}):**", "", f"> {_md(plain_text(html))}"]
        return out
    gained = [_md(named(c)) for c in notice.regions_gained]
    gained += [f"{_md(named(c))}, no longer excepted" for c in notice.no_longer_excepted]
    lost = [_md(named(c)) for c in notice.regions_lost]
    lost += [f"{_md(named(c))}, now excepted" for c in notice.now_excepted]
    items = [
        ("Regions gained", "; ".join(gained)),
        ("Regions lost", "; ".join(lost)),
        ("Jurisdictions gained", _md_codes(notice.jurisdictions_gained)),
        ("Jurisdictions lost", _md_codes(notice.jurisdictions_lost)),
        ("Pages newly covered", _md_codes(notice.pages_added)),
        ("Pages no longer covered", _md_codes(notice.pages_removed)),
        ("Hosts added", _md_codes(notice.hosts_added)),
        ("Hosts removed", _md_codes(notice.hosts_removed)),
        ("Content types added", _md_codes(notice.content_types_added)),
        ("Content types removed", _md_codes(notice.content_types_removed)),
        ("Text added", _md_codes(notice.texts_added)),
        ("Text removed", _md_codes(notice.texts_removed)),
        *((name.capitalize(), f"{_md(m.old)} → {_md(m.new)}") for name, m in notice.settings),
    ]
    out += [f"- **{label}:** {value}" for label, value in items if value]
    for change in notice.texts_changed:
        diff = change.diff
        what = "Markup" if diff.markup else "Text"
        out += ["", f"**{what} changed ({change.language}):**", "", f"> {_md_diff(diff)}"]
    return out


def _md_regions(codes: Iterable[str]) -> str:
    return "; ".join(_md(named(code)) for code in codes)


def _md_codes(values: Iterable[str]) -> str:
    return ", ".join(f"`{_code(value)}`" for value in values)


def _md_diff(diff: WordDiff) -> str:
    shown = {"same": "{}", "removed": "<del>{}</del>", "added": "<ins>{}</ins>"}
    return " ".join(shown[piece.kind].format(_md(piece.text)) for piece in diff.pieces)


_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~#])")


def _md(text: str) -> str:
    """Text as Markdown shows it literally: HTML escaped, Markdown's own characters escaped."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return _MD_SPECIAL.sub(r"\\\1", escaped)


def _code(text: str) -> str:
    return text.replace("`", "'")  # inside `...`, only a backquote would end it early


def _summary(impact: Impact, *, impact_only: bool = False) -> str:
    statuses = (CHANGED, ADDED, REMOVED) + (
        () if impact_only else (DRAFT_CHANGED, DRAFT_ADDED, DRAFT_REMOVED)
    )
    parts = []
    for status in statuses:
        count = sum(n.status == status for n in impact.notices)
        if count:
            noun, verb = status.split(" ") if " " in status else ("notice", status)
            parts.append(f"{count} {noun}{'' if count == 1 else 's'} {verb}")
    if impact.page_languages:
        count = len(impact.page_languages)
        parts.append(f"{count} page language{'' if count == 1 else 's'} changed")
    return ", ".join(parts)
