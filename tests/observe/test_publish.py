"""Counts kept in plain integers on the request path reach Prometheus as ``inc`` and ``observe``
would have put them there."""

from __future__ import annotations

import random

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest

from geonotice.observe.families import ADDED_SECONDS_BUCKETS
from geonotice.observe.publish import Publisher


def test_published_cells_expose_what_inc_and_observe_would_have() -> None:
    direct, published = CollectorRegistry(), CollectorRegistry()
    values = [random.uniform(0, 0.2) for _ in range(500)] + list(ADDED_SECONDS_BUCKETS)  # bounds included
    publisher = Publisher()
    cells = []
    for registry in (direct, published):
        counter = Counter("things_total", "Things.", ["kind"], registry=registry).labels("a")
        histogram = Histogram("spent_seconds", "Spent.", buckets=ADDED_SECONDS_BUCKETS, registry=registry)
        if registry is direct:
            counter.inc(len(values))
            for value in values:
                histogram.observe(value)
        else:
            cells = [publisher.counter(counter), publisher.histogram(histogram, ADDED_SECONDS_BUCKETS)]
    count, spent = cells
    for index, value in enumerate(values):
        count.value += 1
        spent.observe(value)
        if index % 97 == 0:
            publisher.publish()  # growth is added, never counted twice
    publisher.close()

    def exposition(registry: CollectorRegistry) -> list[str]:
        lines = generate_latest(registry).decode().splitlines()
        return [line for line in lines if "_created" not in line and not line.startswith("spent_seconds_sum")]

    assert exposition(published) == exposition(direct)
    sums = [
        float(line.split()[-1])
        for registry in (direct, published)
        for line in generate_latest(registry).decode().splitlines()
        if line.startswith("spent_seconds_sum")
    ]
    assert abs(sums[0] - sums[1]) < 1e-9
