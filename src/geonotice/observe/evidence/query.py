"""``answer``: were readers in a region shown a notice over a period, under which rules versions,
and how often was it not placed? What ``geonotice evidence`` prints, as data.

The record counts per jurisdiction (or per variant, for readers an edge placed), never per
region, so the question is answered through the rules: for each counts line, the rules version
that decided it (its digest is on the line) says, from the jurisdictions that version defined
(kept in its ``rules`` line), whether the line's jurisdiction holds the region asked about. The
counts that answer are those of every jurisdiction holding the region: readers in the region
are among them, and the record cannot say how many, by design. For a country, jurisdictions
that hold only some of its subdivisions are counted apart ("part of the region"). Counts under
a variant name are read the same way, through the edge's table the record kept (``variants``).

Windows are whole: a window is in the period when it overlaps it. The ``window`` lines tell the
windows some worker recorded; a window with no such line had no record (the server was down, or
crashed before the window ended), which is not the same as a window without readers.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geonotice.observe.evidence.files import record_files
from geonotice.observe.evidence.lines import RecordLines, parse_moment, read_lines
from geonotice.observe.jurisdictions import VARIANT_PREFIX, holds, in_variant
from geonotice.region import Region

__all__ = ["Answer", "Tally", "VersionAnswer", "answer"]


@dataclass
class Tally:
    """How often a notice went out: at its place, at a fallback (still shown, lower on the page),
    or not at all; fallbacks by outcome, misses by reason code."""

    placed: int = 0
    fallback: Counter[str] = field(default_factory=Counter)
    not_placed: Counter[str] = field(default_factory=Counter)

    @property
    def shown(self) -> int:
        return self.placed + sum(self.fallback.values())

    @property
    def missed(self) -> int:
        return sum(self.not_placed.values())

    def add(self, outcome: str, reason: str | None, count: int) -> None:
        if outcome == "placed":
            self.placed += count
        elif outcome == "not-placed":
            self.not_placed[reason or "unknown"] += count
        else:
            self.fallback[outcome] += count

    def as_json(self) -> dict[str, Any]:
        return {
            "shown": self.shown,
            "placed": self.placed,
            "fallback": dict(sorted(self.fallback.items())),
            "not_placed": self.missed,
            "not_placed_by_reason": dict(sorted(self.not_placed.items())),
        }


@dataclass
class VersionAnswer:
    """A rules version live during the period, or that decided counts in it."""

    version: str
    digest: str
    live_from: dt.datetime | None
    live_until: dt.datetime | None  # None: still live at the end of the record
    files: list[dict[str, str]]
    defined: bool  # the record holds its jurisdictions (its ``rules`` line was read)
    holding: tuple[str, ...] = ()  # of the notice's jurisdictions, those holding the region
    partly: tuple[str, ...] = ()  # those holding part of it (subdivisions of a country)
    notice_known: bool = False  # the version has the notice
    tally: Tally = field(default_factory=Tally)

    @property
    def applies(self) -> bool:
        return bool(self.holding)


@dataclass
class Answer:
    notice: str
    region: str
    start: dt.datetime
    end: dt.datetime
    files: list[Path]
    lines: int
    skipped: int
    versions: list[VersionAnswer]
    whole: Tally  # readers in jurisdictions holding the region
    partly: Tally  # readers in jurisdictions holding part of it
    undetermined: Tally  # counts of versions the record does not define
    days: dict[dt.date, Tally]
    first_shown: dt.datetime | None
    last_shown: dt.datetime | None
    window_seconds: int | None
    windows_expected: int
    windows_recorded: int
    missing: list[tuple[dt.datetime, dt.datetime]]
    databases: list[dict[str, Any]]
    refused: list[dict[str, Any]]


def _moment(text: object) -> dt.datetime | None:
    try:
        return parse_moment(str(text))
    except ValueError:
        return None


def _live_intervals(record: RecordLines) -> list[tuple[str, dt.datetime, dt.datetime | None]]:
    """(digest, from, until) of each stretch a version was live, from the ``rules`` lines in
    time order (every worker writes its own; consecutive lines of one version merge)."""
    events = sorted(
        (at, str(line.get("digest")))
        for line in record.rules
        if line.get("event") == "live" and (at := _moment(line.get("at"))) is not None
    )
    stretches: list[tuple[str, dt.datetime, dt.datetime | None]] = []
    for at, digest in events:
        if stretches and stretches[-1][0] == digest:
            continue
        if stretches:
            previous = stretches[-1]
            stretches[-1] = (previous[0], previous[1], at)
        stretches.append((digest, at, None))
    return stretches


def _classify(
    definition: dict[str, Any], notice: str, region: Region
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Of ``notice``'s jurisdictions under a version, those holding ``region``, and those holding
    only part of it (a country asked about, a jurisdiction of some of its subdivisions)."""
    jurisdictions = definition.get("jurisdictions") or {}
    names = (definition.get("notices") or {}).get(notice) or []
    codes = region.codes
    holding, partly = [], []
    for name in names:
        terms = [(str(code), [str(c) for c in cancels]) for code, cancels in jurisdictions.get(name, [])]
        if holds(terms, codes):
            holding.append(name)
        elif not region.subdivisions and any(code.startswith(f"{region.country}-") for code, _ in terms):
            partly.append(name)
    return tuple(holding), tuple(partly)


_UNDETERMINED = "undetermined"


def _variant_holds(
    tables: dict[tuple[str, str], dict[str, Any]], digest: str, jurisdiction: str, region: Region
) -> bool | None | str:
    """For a count of readers an edge placed (``variant:NAME``): whether they are readers of
    ``region`` (``True``), some of them may be (``None``), or not (``False``), by the edge's
    table in the record; ``_UNDETERMINED`` without the table. ``False`` for other counts."""
    if not jurisdiction.startswith(VARIANT_PREFIX):
        return False
    name = jurisdiction[len(VARIANT_PREFIX) :]
    table = tables.get((digest, name))
    if table is None:
        return _UNDETERMINED
    return in_variant(table, name, region)


def answer(
    path: Path, *, notice: str, region_code: str, region: Region, start: dt.datetime, end: dt.datetime
) -> Answer:
    """Answer the question of the module docstring from the record at ``path`` (and its rotated
    files), for windows overlapping ``[start, end)``.

    Raises:
        FileNotFoundError: there is no record at ``path``.
        OSError: a file of the record cannot be read.
    """
    files = record_files(path)
    if not files:
        raise FileNotFoundError(f"no evidence record at {path}")
    record = read_lines(files)
    definitions: dict[str, dict[str, Any]] = {}
    for line in record.rules:
        if line.get("event") == "live":
            definitions.setdefault(str(line.get("digest")), line)

    tables: dict[tuple[str, str], dict[str, Any]] = {}
    for line in record.variants:
        for name in line.get("names") or ():
            tables.setdefault((str(line.get("rules")), str(name)), line)
    versions: dict[str, VersionAnswer] = {}

    def version_of(
        digest: str, live_from: dt.datetime | None, live_until: dt.datetime | None
    ) -> VersionAnswer:
        found = versions.get(digest)
        if found is None:
            definition = definitions.get(digest)
            holding, partly = _classify(definition, notice, region) if definition else ((), ())
            found = VersionAnswer(
                version=digest[:12],
                digest=digest,
                live_from=live_from,
                live_until=live_until,
                files=list(definition.get("files") or []) if definition else [],
                defined=definition is not None,
                holding=holding,
                partly=partly,
                notice_known=bool(definition and notice in (definition.get("notices") or {})),
            )
            versions[digest] = found
        return found

    for digest, live_from, live_until in _live_intervals(record):
        if live_from < end and (live_until is None or live_until > start):
            version_of(digest, live_from, live_until)

    whole, partly, undetermined = Tally(), Tally(), Tally()
    days: dict[dt.date, Tally] = {}
    shown_windows: list[dt.datetime] = []
    for line in record.counts:
        window = _moment(line.get("window"))
        seconds = line.get("seconds")
        if line.get("notice") != notice or window is None or not isinstance(seconds, int):
            continue
        if not (window < end and window + dt.timedelta(seconds=seconds) > start):
            continue
        count = line.get("count")
        if not isinstance(count, int):
            continue
        version = version_of(str(line.get("rules")), None, None)
        outcome, reason = str(line.get("outcome")), line.get("reason")
        jurisdiction = line.get("jurisdiction")
        if not version.defined:
            undetermined.add(outcome, reason, count)
            continue
        where = _variant_holds(tables, version.digest, str(jurisdiction), region)
        if where is _UNDETERMINED:
            undetermined.add(outcome, reason, count)
            continue
        if jurisdiction in version.holding or where is True:
            tally = whole
            days.setdefault(window.date(), Tally()).add(outcome, reason, count)
            version.tally.add(outcome, reason, count)
            if outcome != "not-placed":
                shown_windows.append(window)
        elif jurisdiction in version.partly or where is None:
            tally = partly
        else:
            continue
        tally.add(outcome, reason, count)

    seconds_seen = {w.get("seconds") for w in record.windows if isinstance(w.get("seconds"), int)}
    window_seconds = max(seconds_seen) if seconds_seen else None  # type: ignore[type-var]
    recorded: set[dt.datetime] = set()
    for line in record.windows:
        window = _moment(line.get("window"))
        seconds = line.get("seconds")
        if (
            window is not None
            and isinstance(seconds, int)
            and window < end
            and window + dt.timedelta(seconds=seconds) > start
        ):
            recorded.add(window)
    expected, missing = _coverage(start, end, window_seconds, recorded)

    databases = [line for line in record.geoip if (at := _moment(line.get("at"))) is not None and at < end]
    # The database live when the period began is the last one to go live before it.
    before = [d for d in databases if d.get("event") == "live" and (_moment(d.get("at")) or end) <= start]
    databases = before[-1:] + [d for d in databases if (_moment(d.get("at")) or start) > start]
    # Every worker records the same database: keep the first line of each run of one.
    databases = [
        d
        for i, d in enumerate(databases)
        if i == 0
        or (d.get("event"), d.get("digest"))
        != (databases[i - 1].get("event"), databases[i - 1].get("digest"))
    ]
    refused = [
        line
        for line in record.rules
        if line.get("event") == "refused"
        and (at := _moment(line.get("at"))) is not None
        and start <= at < end
    ]
    return Answer(
        notice=notice,
        region=region_code,
        start=start,
        end=end,
        files=files,
        lines=record.lines,
        skipped=record.skipped,
        versions=sorted(versions.values(), key=lambda v: (v.live_from is None, v.live_from or start)),
        whole=whole,
        partly=partly,
        undetermined=undetermined,
        days=dict(sorted(days.items())),
        first_shown=min(shown_windows, default=None),
        last_shown=max(shown_windows, default=None),
        window_seconds=window_seconds,
        windows_expected=expected,
        windows_recorded=len(recorded),
        missing=missing,
        databases=databases,
        refused=refused,
    )


def _coverage(
    start: dt.datetime, end: dt.datetime, seconds: int | None, recorded: set[dt.datetime]
) -> tuple[int, list[tuple[dt.datetime, dt.datetime]]]:
    """How many windows the period spans, and the stretches of them without a record."""
    if seconds is None:
        return 0, [(start, end)]
    step = dt.timedelta(seconds=seconds)
    epoch = int(start.timestamp())
    window = dt.datetime.fromtimestamp(epoch - epoch % seconds, dt.UTC)
    expected = 0
    missing: list[tuple[dt.datetime, dt.datetime]] = []
    while window < end:
        expected += 1
        if window not in recorded:
            if missing and missing[-1][1] == window:
                missing[-1] = (missing[-1][0], window + step)
            else:
                missing.append((window, window + step))
        window += step
    return expected, missing
