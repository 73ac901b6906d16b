"""``geonotice evidence`` output: an ``Answer`` as text for people, or as JSON for an archive."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from geonotice.observe.evidence.query import Answer, Tally, VersionAnswer

__all__ = ["format_json", "format_text"]


def _when(moment: dt.datetime | None) -> str | None:
    return None if moment is None else moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _tally_lines(tally: Tally, indent: str) -> list[str]:
    fallback = ", ".join(f"{name}: {n:,}" for name, n in sorted(tally.fallback.items()))
    missed = ", ".join(f"{name}: {n:,}" for name, n in sorted(tally.not_placed.items()))
    return [
        f"{indent}shown where the rules ask: {tally.placed:,}",
        f"{indent}shown at a fallback place: {sum(tally.fallback.values()):,}"
        + (f" ({fallback})" if fallback else ""),
        f"{indent}not shown:                 {tally.missed:,}" + (f" ({missed})" if missed else ""),
    ]


def _version_verdict(version: VersionAnswer, answer: Answer) -> str:
    if not version.defined:
        return "its definition is not in the record (a rotated file missing?): counts undetermined"
    if not version.notice_known:
        return f"this version has no notice {answer.notice!r}"
    if version.holding:
        return f"{answer.region} is in {', '.join(version.holding)}: the notice applies there"
    if version.partly:
        return (
            f"part of {answer.region} is in {', '.join(version.partly)}: the notice applies to that part only"
        )
    return f"the notice does not apply to {answer.region} under this version"


def format_text(answer: Answer) -> str:
    rotated = len(answer.files) - 1
    out = [
        f"Notice {answer.notice} for readers in {answer.region}, "
        f"from {_when(answer.start)} to {_when(answer.end)} (UTC, end excluded)",
        f"Record: {answer.files[-1]}"
        + (f" and {rotated} rotated file(s)" if rotated else "")
        + f"; {answer.lines:,} line(s)"
        + (f", {answer.skipped} unreadable and skipped" if answer.skipped else ""),
        "",
        "Rules versions:",
    ]
    if not answer.versions:
        out.append("  none live in the period, by the record")
    for version in answer.versions:
        live = (
            f"live from {_when(version.live_from)}" if version.live_from else "live before the record's lines"
        )
        if version.live_until is not None:
            live += f" until {_when(version.live_until)}"
        out.append(f"  {version.version}  {live}")
        out.append(f"      {_version_verdict(version, answer)}")
        if version.defined and version.holding:
            out.append(f"      shown {version.tally.shown:,}, not shown {version.tally.missed:,}")
    out += [
        "",
        f"Readers in the jurisdiction(s) holding {answer.region} "
        "(counted per jurisdiction, never per region):",
    ]
    out += _tally_lines(answer.whole, "  ")
    if answer.first_shown is not None:
        out.append(
            f"  first shown in the window of {_when(answer.first_shown)}, "
            f"last in that of {_when(answer.last_shown)}"
        )
    else:
        out.append("  not shown in any window of the period")
    if answer.partly.shown or answer.partly.missed:
        out += ["", f"Readers in jurisdiction(s) holding part of {answer.region}:"]
        out += _tally_lines(answer.partly, "  ")
    if answer.undetermined.shown or answer.undetermined.missed:
        out += ["", "Counts under rules versions the record does not define (cannot be placed):"]
        out += _tally_lines(answer.undetermined, "  ")
    out += ["", "Recording:"]
    if answer.window_seconds is None:
        out.append("  no window in the record")
    else:
        out.append(
            f"  {answer.windows_recorded:,} of {answer.windows_expected:,} windows of "
            f"{answer.window_seconds} s recorded by at least one worker"
        )
        for begin, stop in answer.missing[:20]:
            out.append(f"  no record from {_when(begin)} to {_when(stop)}")
        if len(answer.missing) > 20:
            out.append(f"  ... and {len(answer.missing) - 20} more gaps (see --format json)")
    if answer.refused:
        out += ["", "Rules versions refused in the period (the version before kept serving):"]
        for line in answer.refused:
            errors = (line.get("validator") or {}).get("errors", "?")
            out.append(f"  {line.get('version')} at {line.get('at')}: {errors} error(s)")
    out += ["", "GeoIP databases:"]
    if not answer.databases:
        out.append("  none recorded (readers located by CDN headers only, or the record starts later)")
    for line in answer.databases:
        out.append(
            f"  {line.get('event')} at {line.get('at')}: {line.get('type') or '?'} "
            f"built {line.get('built') or '?'}, sha256 {line.get('digest') or '?'}"
        )
    return "\n".join(out)


def format_json(answer: Answer) -> str:
    document: dict[str, Any] = {
        "notice": answer.notice,
        "region": answer.region,
        "from": _when(answer.start),
        "to": _when(answer.end),
        "record": {"files": [str(p) for p in answer.files], "lines": answer.lines, "skipped": answer.skipped},
        "rules_versions": [
            {
                "version": v.version,
                "digest": v.digest,
                "live_from": _when(v.live_from),
                "live_until": _when(v.live_until),
                "defined": v.defined,
                "notice_in_version": v.notice_known,
                "applies": v.applies,
                "jurisdictions": list(v.holding),
                "jurisdictions_holding_part": list(v.partly),
                "files": v.files,
                "counts": v.tally.as_json(),
            }
            for v in answer.versions
        ],
        "counts": answer.whole.as_json(),
        "counts_part_of_region": answer.partly.as_json(),
        "counts_undetermined": answer.undetermined.as_json(),
        "first_shown_window": _when(answer.first_shown),
        "last_shown_window": _when(answer.last_shown),
        "days": {day.isoformat(): tally.as_json() for day, tally in answer.days.items()},
        "recording": {
            "window_seconds": answer.window_seconds,
            "windows": answer.windows_expected,
            "windows_recorded": answer.windows_recorded,
            "missing": [{"from": _when(a), "to": _when(b)} for a, b in answer.missing],
        },
        "refused_rules_versions": answer.refused,
        "geoip_databases": answer.databases,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
