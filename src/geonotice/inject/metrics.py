"""Where the responder reports what became of the notices: a small interface and its default.

The responder calls ``NoticeMetrics.notices_served`` once per group of notices that share an
outcome, for every response it rewrites or meant to. Anything with that method can receive the
reports (a Prometheus exporter, a StatsD client); ``PlacementCounts``, the default, counts them in
this process. Reports carry notice ids, outcomes and reason codes only: nothing about the reader.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Protocol

from geonotice.inject.outcomes import MissReason, PlacementOutcome

__all__ = ["NoticeMetrics", "PlacementCounts"]


class NoticeMetrics(Protocol):
    """Receives the outcome of each response's notices. Called on the event loop's thread."""

    def notices_served(
        self, notice_ids: Sequence[str], outcome: PlacementOutcome, reason: MissReason | None
    ) -> None:
        """The notices ``notice_ids`` of one response went out with ``outcome`` (``reason`` is
        ``None`` for ``PLACED``). Must be quick and must not raise: it runs on the request path."""


_Key = tuple[str, PlacementOutcome, "MissReason | None"]


class PlacementCounts:
    """The default ``NoticeMetrics``: counts per notice id, outcome and reason, in this process.

    Each worker process counts its own responses. Counting is plain arithmetic on the event
    loop's thread; ``snapshot()`` may be read from anywhere.
    """

    def __init__(self) -> None:
        self._counts: Counter[_Key] = Counter()

    def notices_served(
        self, notice_ids: Sequence[str], outcome: PlacementOutcome, reason: MissReason | None
    ) -> None:
        counts = self._counts
        for notice_id in notice_ids:
            counts[notice_id, outcome, reason] += 1

    def count(
        self,
        *,
        notice_id: str | None = None,
        outcome: PlacementOutcome | None = None,
        reason: MissReason | None = None,
    ) -> int:
        """How many notices were served, of one id, outcome or reason when given (all by default)."""
        return sum(
            n
            for (i, o, r), n in list(self._counts.items())
            if (notice_id is None or i == notice_id)
            and (outcome is None or o is outcome)
            and (reason is None or r is reason)
        )

    def snapshot(self) -> list[dict[str, object]]:
        """The counts as plain rows, for a metrics system or a health endpoint::

        [{"notice": "ru-...", "outcome": "end-of-body", "reason": "no-placement-point", "count": 3}]
        """
        return [
            {"notice": i, "outcome": o.value, "reason": r.value if r else None, "count": n}
            for (i, o, r), n in sorted(list(self._counts.items()), key=lambda row: _sort_key(row[0]))
        ]

    def reset(self) -> None:
        self._counts.clear()


def _sort_key(key: _Key) -> tuple[str, str, str]:
    notice_id, outcome, reason = key
    return notice_id, outcome.value, reason.value if reason else ""
