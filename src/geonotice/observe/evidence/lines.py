"""The lines of the evidence record: JSON documents, one per line, each with a ``record`` kind.

``counts``: how many notices went out in one window (an hour by default), per rules version,
notice, jurisdiction, outcome and reason. Only the window's start is written, never the time of
a request::

    {"record": "counts", "window": "2026-01-15T14:00:00Z", "seconds": 3600,
     "rules": "<sha-256>", "notice": "ru-undesirable-organization",
     "jurisdiction": "russia-and-occupied-ukraine", "outcome": "placed", "reason": null,
     "count": 412}

``window``: a worker process recorded during this window, in whole or in ``part`` (it started
or stopped within it), whether or not any reader came; gaps between windows mean no record::

    {"record": "window", "window": "2026-01-15T14:00:00Z", "seconds": 3600, "recorded": "whole"}

``rules``: a rules version went ``live`` or was ``refused`` (with the validator's result). A
live version carries what the evidence query needs to read the counts later: each
jurisdiction flattened into terms (a region code and the codes that cancel it) and each
notice's jurisdictions::

    {"record": "rules", "event": "live", "at": "2026-01-15T09:00:03Z", "version": "3f2a1b9c0d1e",
     "digest": "<sha-256>", "files": [{"path": "10-russia.yaml", "digest": "<sha-256>"}],
     "validator": {"errors": 0, "warnings": 0, "messages": []},
     "jurisdictions": {"russia-and-occupied-ukraine": [["RU", []], ["UA-43", []]]},
     "notices": {"ru-undesirable-organization": ["russia-and-occupied-ukraine"]},
     "readers": {"unknown": [], "anonymous": []}}

``variants``: the edge's table of a rules version (``geonotice edge-config``), written when the
first reader an edge placed by it is counted: readers the edge placed are counted under their
variant (``"jurisdiction": "variant:v1-ae7ae3"``), and this table tells which regions that is.

``geoip``: a GeoIP database went ``live`` or was ``refused``: its kind, build date and SHA-256.

The times of ``rules`` and ``geoip`` lines are those of the operator's changes, not of readers.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from geonotice.rules import Engine, Problem, RulesFile
from geonotice.rules.variants import VariantTable

__all__ = [
    "CountKey",
    "RecordLines",
    "counts_line",
    "format_moment",
    "geoip_line",
    "parse_moment",
    "read_lines",
    "rules_line",
    "window_line",
]

# (rules digest, notice id, jurisdiction, outcome, reason code or None)
CountKey = tuple[str, str, str, str, "str | None"]

MAX_MESSAGES = 20


def format_moment(seconds: float) -> str:
    return dt.datetime.fromtimestamp(int(seconds), dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_moment(text: str) -> dt.datetime:
    """A moment written by ``format_moment``, as an aware UTC datetime.

    Raises:
        ValueError: it is not one.
    """
    return dt.datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)


def _dumps(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, separators=(", ", ": "))


def counts_line(window: int, seconds: int, key: CountKey, count: int) -> str:
    rules, notice, jurisdiction, outcome, reason = key
    return _dumps(
        {
            "record": "counts",
            "window": format_moment(window),
            "seconds": seconds,
            "rules": rules,
            "notice": notice,
            "jurisdiction": jurisdiction,
            "outcome": outcome,
            "reason": reason,
            "count": count,
        }
    )


def window_line(window: int, seconds: int, *, whole: bool) -> str:
    return _dumps(
        {
            "record": "window",
            "window": format_moment(window),
            "seconds": seconds,
            "recorded": "whole" if whole else "part",
        }
    )


def _validator(problems: Sequence[Problem]) -> dict[str, Any]:
    errors = sum(1 for p in problems if p.is_error)
    return {
        "errors": errors,
        "warnings": len(problems) - errors,
        "messages": [str(p) for p in problems[:MAX_MESSAGES]],
    }


def _files(files: Iterable[RulesFile]) -> list[dict[str, str]]:
    return [{"path": f.path, "digest": f.digest} for f in files]


def rules_line(
    at: float,
    *,
    engine: Engine | None = None,
    refused: tuple[str, Sequence[RulesFile]] | None = None,
    problems: Sequence[Problem] = (),
) -> str:
    """A ``rules`` line: ``engine``'s version went live, or the version whose digest and files
    are ``refused`` did not validate (``problems`` say why)."""
    document: dict[str, Any] = {"record": "rules", "at": format_moment(at)}
    if engine is not None:
        ruleset = engine.ruleset
        document.update(
            event="live",
            version=ruleset.version,
            digest=ruleset.digest,
            files=_files(ruleset.files),
            validator=_validator(problems),
            jurisdictions={
                name: [[code, sorted(cancels)] for code, cancels in engine.terms(name)]
                for name in sorted(ruleset.jurisdictions)
            },
            notices={notice.id: list(notice.jurisdictions) for notice in engine.notices},
            readers={"unknown": list(ruleset.unknown_readers), "anonymous": list(ruleset.anonymous_readers)},
        )
    elif refused is not None:
        digest, files = refused
        document.update(
            event="refused",
            version=digest[:12],
            digest=digest,
            files=_files(files),
            validator=_validator(problems),
        )
    return _dumps(document)


def variants_line(at: float, engine: Engine, table: VariantTable) -> str:
    """A ``variants`` line: the edge's table of ``engine``'s rules, to read ``variant:`` counts."""
    return _dumps(
        {
            "record": "variants",
            "at": format_moment(at),
            "rules": engine.ruleset.digest,
            "tag": table.tag,
            "names": [variant.name for variant in table.variants],
            "default": table.default.name,
            "unknown": table.unknown.name,
            "anonymous": table.anonymous.name,
            "countries": dict(sorted(table.countries.items())),
            "subdivisions": dict(sorted(table.subdivisions.items())),
            "needs_subdivision": sorted(table.needs_subdivision),
        }
    )


def geoip_line(
    at: float, *, event: str, path: str, kind: str | None, built: dt.datetime | None, digest: str | None
) -> str:
    return _dumps(
        {
            "record": "geoip",
            "event": event,
            "at": format_moment(at),
            "path": path,
            "type": kind,
            "built": built.strftime("%Y-%m-%d") if built is not None else None,
            "digest": digest,
        }
    )


@dataclass
class RecordLines:
    """The documents of a record, by kind, in the order written; ``skipped`` counts the lines
    that are not such documents (a line cut by a crash in an older version, an edit by hand)."""

    files: list[Path]
    counts: list[dict[str, Any]] = field(default_factory=list)
    windows: list[dict[str, Any]] = field(default_factory=list)
    rules: list[dict[str, Any]] = field(default_factory=list)
    variants: list[dict[str, Any]] = field(default_factory=list)
    geoip: list[dict[str, Any]] = field(default_factory=list)
    skipped: int = 0
    lines: int = 0


def _documents(paths: Iterable[Path]) -> Iterator[dict[str, Any] | None]:
    for path in paths:
        with path.open("rb") as file:
            for raw in file:
                try:
                    document = json.loads(raw)
                except ValueError:
                    yield None
                    continue
                yield document if isinstance(document, dict) else None


def read_lines(paths: Sequence[Path]) -> RecordLines:
    """Every document of the record files ``paths`` (oldest first).

    Raises:
        OSError: a file cannot be read.
    """
    record = RecordLines(list(paths))
    kinds = {
        "counts": record.counts,
        "window": record.windows,
        "rules": record.rules,
        "variants": record.variants,
        "geoip": record.geoip,
    }
    for document in _documents(paths):
        record.lines += 1
        bucket = kinds.get(str(document.get("record"))) if document is not None else None
        if bucket is None or document is None:
            record.skipped += 1
            continue
        bucket.append(document)
    return record
