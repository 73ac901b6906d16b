"""Counting on the request path in plain integers, published to Prometheus from a thread.

A prometheus-client counter takes a lock on every ``inc`` (about 0.5 µs here, more in
multiprocess mode, where each ``inc`` also writes a memory-mapped file), and a histogram's
``observe`` takes two and searches its buckets: together they doubled what geonotice adds to a
page for a reader without notices (benchmarks/bench_middleware.py). So the request path adds to
``Cell``s, slotted objects it alone writes, and a ``Publisher`` thread adds the growth of each
cell to its Prometheus child every second (and once more when it stops). Prometheus scrapes every
15 s or more, so a second's delay is invisible.

Cells are written by the event loop's thread. Were two threads to serve requests through one
middleware at once, an increment could rarely be lost, which a metric tolerates; the evidence
record, which must be exact, counts under its own lock instead.
"""

from __future__ import annotations

import logging
import threading
from bisect import bisect_left
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from prometheus_client.metrics import Counter, Histogram

__all__ = ["Cell", "HistogramCell", "Publisher"]

logger = logging.getLogger("geonotice.metrics")

PUBLISH_INTERVAL = 1.0


class Cell:
    """A count the request path adds to: ``cell.value += 1``."""

    __slots__ = ("value",)

    def __init__(self) -> None:
        self.value = 0


class HistogramCell:
    """Observations the request path records with ``observe``, in the buckets of a histogram."""

    __slots__ = ("bounds", "buckets", "sum")

    def __init__(self, bounds: Sequence[float]) -> None:
        self.bounds = tuple(bounds)
        self.buckets = [0] * (len(self.bounds) + 1)  # the last one is +Inf
        self.sum = 0.0

    def observe(self, value: float) -> None:
        self.buckets[bisect_left(self.bounds, value)] += 1
        self.sum += value


class Publisher:
    """Adds the growth of each registered cell to its Prometheus child, on a daemon thread."""

    def __init__(self, interval: float = PUBLISH_INTERVAL) -> None:
        self.interval = interval
        self._counters: list[tuple[Counter, Cell, list[int]]] = []
        self._histograms: list[tuple[Histogram, HistogramCell, list[float]]] = []
        self._followed: list[tuple[Callable[[], Mapping[str, int]], Counter, dict[str, int]]] = []
        self._lock = threading.Lock()  # one publication at a time
        self._stopped = threading.Event()
        self._thread: threading.Thread | None = None

    def counter(self, child: Counter) -> Cell:
        cell = Cell()
        self._counters.append((child, cell, [0]))
        return cell

    def histogram(self, child: Histogram, bounds: Sequence[float]) -> HistogramCell:
        cell = HistogramCell(bounds)
        self._histograms.append((child, cell, [0] * (len(cell.buckets) + 1)))
        return cell

    def follow(self, read: Callable[[], Mapping[str, int]], family: Counter) -> None:
        """Publish the growth of counts that another part keeps (``read()``: by label value) to
        ``family``, a counter with one label."""
        self._followed.append((read, family, {}))

    def publish(self) -> None:
        """Add what the cells counted since the last publication."""
        with self._lock:
            for read, family, published in list(self._followed):
                for label, value in read().items():
                    if value != published.get(label, 0):
                        family.labels(label).inc(value - published.get(label, 0))
                        published[label] = value
            for counter, cell, last in list(self._counters):
                value = cell.value
                if value != last[0]:
                    counter.inc(value - last[0])
                    last[0] = value
            for histogram, observed, seen in list(self._histograms):
                _add(histogram, observed, seen)

    def start(self) -> None:
        if self._thread is None:
            self._stopped.clear()
            self._thread = threading.Thread(target=self._run, name="geonotice-metrics", daemon=True)
            self._thread.start()

    def close(self) -> None:
        thread, self._thread = self._thread, None
        if thread is not None:
            self._stopped.set()
            thread.join(timeout=5)
        self.publish()

    def _run(self) -> None:
        while not self._stopped.wait(self.interval):
            try:
                self.publish()
            except Exception:  # a publisher that dies would freeze the metrics silently
                logger.exception("publishing the metrics failed")


def _add(histogram: Any, observed: HistogramCell, seen: list[float]) -> None:
    """Add a histogram cell's growth to a prometheus-client histogram child.

    prometheus-client offers no way to add many observations at once: its child keeps one value
    per bucket (not cumulative; the exposition adds them up) in ``_buckets`` and the sum in
    ``_sum``, as it has since its first releases; tests/observe check the result against
    ``observe``.
    """
    buckets = observed.buckets
    for index, count in enumerate(buckets):
        if count != seen[index]:
            histogram._buckets[index].inc(count - seen[index])
            seen[index] = count
    total = observed.sum
    if total != seen[-1]:
        histogram._sum.inc(total - seen[-1])
        seen[-1] = total
