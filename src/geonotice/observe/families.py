"""geonotice's Prometheus metrics: every family, its name, help and labels, declared once.

Names follow the conventions of ``starlette-exporter`` and of the OpenTelemetry HTTP semantic
conventions as Prometheus spells them: a ``geonotice_`` prefix, ``_total`` for counters,
``_seconds`` for durations and timestamps, ``_info`` for a gauge whose labels carry the value.
Every label has a handful of values fixed by the rules or by this code (notice ids,
jurisdiction names, outcome and reason codes, region sources); none carries a path, an address,
a user agent or anything else a reader sends.

The families of one registry are made once per process and shared by every middleware that
reports into it (``families_for``), since a registry refuses a second family of the same name.
Under ``PROMETHEUS_MULTIPROC_DIR`` (several worker processes, see ``exposition.py``) every value
goes to the worker's file in that directory; gauges say there how the workers' values combine.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

__all__ = ["ADDED_SECONDS_BUCKETS", "Families", "families_for"]

# geonotice adds from about 2 µs (a reader without notices) to a few ms (a large gzip page).
ADDED_SECONDS_BUCKETS = (
    0.00001,
    0.000025,
    0.00005,
    0.0001,
    0.00025,
    0.0005,
    0.001,
    0.0025,
    0.005,
    0.01,
    0.025,
    0.1,
)


@dataclass(frozen=True, slots=True)
class Families:
    """The metric families of one registry."""

    notices_served: Counter
    covered_responses: Counter
    added_seconds: Histogram
    rules_info: Gauge
    rules_loaded: Gauge
    rules_reloads: Counter
    geoip_build: Gauge
    geoip_reloads: Counter
    evidence_lines: Counter
    evidence_errors: Counter
    variant_fallbacks: Counter


def _make(registry: CollectorRegistry) -> Families:
    return Families(
        notices_served=Counter(
            "geonotice_notices_served_total",
            "Notices that went out with a covered response, by notice, the jurisdiction that gave "
            "it to the reader, and where it went: placed, a fallback (end-of-body, "
            "end-of-document) or not-placed, with the reason code.",
            ["notice", "jurisdiction", "outcome", "reason"],
            registry=registry,
        ),
        covered_responses=Counter(
            "geonotice_covered_responses_total",
            "Responses of pages some notice covers, by where the reader's region came from "
            "(database, cdn-header, variant-header, unknown, anonymous) and whether the reader "
            "got notices.",
            ["source", "notices"],
            registry=registry,
        ),
        added_seconds=Histogram(
            "geonotice_added_duration_seconds",
            "Time geonotice added to a covered response: locating the reader, deciding, and "
            "rewriting the response, without the application's own time or the network's. Every "
            "response without notices; one in 8 with notices (timing a rewrite costs µs).",
            ["notices"],
            buckets=ADDED_SECONDS_BUCKETS,
            registry=registry,
        ),
        rules_info=Gauge(
            "geonotice_rules_info",
            "The rules version being served (1) and those served before (0): version is the "
            "first 12 hex digits of digest, a SHA-256 of the rules files.",
            ["version", "digest"],
            registry=registry,
            multiprocess_mode="livemax",
        ),
        rules_loaded=Gauge(
            "geonotice_rules_loaded_timestamp_seconds",
            "When the rules version being served went live (Unix time).",
            registry=registry,
            multiprocess_mode="livemax",
        ),
        rules_reloads=Counter(
            "geonotice_rules_reloads_total",
            "Changes of the rules files: applied (a new version went live) or refused (it did "
            "not validate; the previous version keeps serving).",
            ["result"],
            registry=registry,
        ),
        geoip_build=Gauge(
            "geonotice_geoip_database_build_timestamp_seconds",
            "When the GeoIP database being served was built (Unix time); the oldest among the "
            "workers. Its age is time() minus this.",
            registry=registry,
            multiprocess_mode="livemin",
        ),
        geoip_reloads=Counter(
            "geonotice_geoip_reloads_total",
            "Changes of the GeoIP database file: applied or refused (unreadable; the previous "
            "database keeps serving).",
            ["result"],
            registry=registry,
        ),
        evidence_lines=Counter(
            "geonotice_evidence_lines_written_total",
            "Lines appended to the evidence record.",
            registry=registry,
        ),
        evidence_errors=Counter(
            "geonotice_evidence_write_errors_total",
            "Failed attempts to append to the evidence record (a full disk, a removed "
            "directory); the lines are kept and written at the next attempt that succeeds.",
            registry=registry,
        ),
        variant_fallbacks=Counter(
            "geonotice_variant_fallbacks_total",
            "Requests to covered pages not served by the variant an edge sent (variant_header), by "
            "reason: missing, undecided, malformed, stale (the edge's table is of other rules), "
            "unknown, untrusted; the origin located the reader and served the page private.",
            ["reason"],
            registry=registry,
        ),
    )


_BY_REGISTRY: dict[int, tuple[CollectorRegistry, Families]] = {}
_LOCK = threading.Lock()


def families_for(registry: CollectorRegistry) -> Families:
    """The families in ``registry``, made on first use and shared afterwards."""
    with _LOCK:
        found = _BY_REGISTRY.get(id(registry))
        if found is None or found[0] is not registry:
            found = (registry, _make(registry))
            _BY_REGISTRY[id(registry)] = found
        return found[1]
