"""Counters of what the injector did, for the people who operate the site.

A notice that could not be placed as the rules ask must be visible to operators: each such page
is logged (warning, logger ``geonotice.inject``) and counted here. Counting is plain integer
arithmetic on the event loop's thread; read ``snapshot()`` from anywhere.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass

from geonotice.rules.model import Placement

__all__ = ["METRICS", "InjectMetrics", "PlacementMiss", "logger"]

logger = logging.getLogger("geonotice.inject")


@dataclass(frozen=True, slots=True)
class PlacementMiss:
    """Notices of one response that were not placed where the rules asked.

    ``outcome`` is ``"end-of-body"`` or ``"end-of-document"`` (placed at the fallback) or
    ``"not-placed"`` (the page went out without them); ``reason`` says why.
    """

    path: str
    notice_ids: tuple[str, ...]
    requested: Placement | None
    outcome: str
    reason: str


class InjectMetrics:
    """Counts of changed responses, fallback placements, and notices not placed (by reason)."""

    def __init__(self) -> None:
        self.injected = 0
        self.fallback_placed = 0
        self.not_placed: Counter[str] = Counter()

    def snapshot(self) -> dict[str, object]:
        """A copy of the counters: ``{"injected": n, "fallback_placed": n, "not_placed": {...}}``."""
        return {
            "injected": self.injected,
            "fallback_placed": self.fallback_placed,
            "not_placed": dict(self.not_placed),
        }

    def reset(self) -> None:
        self.injected = 0
        self.fallback_placed = 0
        self.not_placed.clear()


METRICS = InjectMetrics()
"""The process-wide counters used unless a responder is given its own."""
