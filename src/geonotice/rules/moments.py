"""Moments as the rules and their tools handle them: aware datetimes, printed in UTC.

The rules format knows one zone, UTC (``from: 2025-01-01`` is midnight UTC), so a naive datetime
handed to the engine or a tool is taken as UTC too, and every message prints UTC.
"""

from __future__ import annotations

import datetime as dt


def now() -> dt.datetime:
    """The current moment, aware, in UTC: the one clock of the rules and their tools, so that
    "expired", "review overdue" and the variants of today all read the same time (and a test that
    must not age pins this one function)."""
    return dt.datetime.now(dt.UTC)


def utc(at: dt.datetime | None = None) -> dt.datetime:
    """``at`` as an aware datetime: the current time (``now()``) for ``None``, UTC for a naive
    one; an aware one is returned as it is (comparisons between aware datetimes need no zone)."""
    if at is None:
        return now()
    if at.tzinfo is None:
        return at.replace(tzinfo=dt.UTC)
    return at


def format_timestamp(at: dt.datetime) -> str:
    """``2025-01-31T12:00:00Z``: the moment in UTC, to the second."""
    return utc(at).astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def format_moment(at: dt.datetime) -> str:
    """As lawyers write it in the rules: ``2025-01-31`` for midnight UTC, else the timestamp."""
    moment = utc(at).astimezone(dt.UTC)
    return moment.date().isoformat() if moment.time() == dt.time() else format_timestamp(moment)
