"""``Observer``: what one middleware tells the metrics and the evidence record, and when.

On the request path it counts each covered response by the source of the reader's region, times
what geonotice added to it, and hands the responder a ``NoticeMetrics`` sink for the notices:
one sink per reader region and rules version, made once and reused (``sink``), which knows the
jurisdiction that gave each notice, so reporting a notice is a dict lookup and two increments.
The metrics are counted in plain integers and published by a thread (``publish.py``).

Off the request path it follows the rules and the database: when it starts (ASGI lifespan
startup, or the first request) and after each change the file watchers handle (a listener on
each, called on the watcher's thread), it records the version now served, or the one refused, in
the metrics and the evidence record.
"""

from __future__ import annotations

import hashlib
import os
import time
from collections.abc import Sequence
from pathlib import Path

from prometheus_client import CollectorRegistry
from starlette.types import Scope

from geonotice.edge.origin import VariantFallbacks
from geonotice.inject.metrics import NoticeMetrics
from geonotice.inject.outcomes import MissReason, PlacementOutcome
from geonotice.locate import GeoIPDatabase, Locator
from geonotice.locate.snapshot import FileIdentity
from geonotice.observe.evidence.lines import CountKey, geoip_line, rules_line, variants_line
from geonotice.observe.evidence.recorder import EvidenceRecorder
from geonotice.observe.families import ADDED_SECONDS_BUCKETS, Families, families_for
from geonotice.observe.jurisdictions import VARIANT_PREFIX, attribute
from geonotice.observe.publish import Cell, HistogramCell, Publisher
from geonotice.observe.sources import VARIANT_LABEL, RegionSources
from geonotice.region import Region
from geonotice.rules import Engine, RulesHolder
from geonotice.rules.files import rules_files
from geonotice.rules.model import RulesFile, digest_files
from geonotice.rules.moments import utc
from geonotice.rules.variants import Variant, variants_of

__all__ = ["Observer"]

SINK_CACHE_SIZE = 4096
TIME_ONE_IN = 8  # responses with notices whose added time is measured: one in this many
NO_JURISDICTION = "none"  # a notice reported for a reader the rules did not give it to (never expected)


_SlotKey = tuple[str, PlacementOutcome, "MissReason | None"]
_Slot = tuple["Cell | None", CountKey]


class _Sink:
    """The ``NoticeMetrics`` of the readers of one region under one rules version."""

    __slots__ = ("_digest", "_evidence", "_forward", "_jurisdictions", "_observer", "_slots")

    def __init__(
        self,
        digest: str,
        jurisdictions: dict[str, str],
        observer: Observer,
        evidence: EvidenceRecorder | None,
        forward: NoticeMetrics | None,
    ) -> None:
        self._digest = digest
        self._jurisdictions = jurisdictions
        self._observer = observer
        self._evidence = evidence
        self._forward = forward
        self._slots: dict[_SlotKey, _Slot] = {}

    def notices_served(
        self, notice_ids: Sequence[str], outcome: PlacementOutcome, reason: MissReason | None
    ) -> None:
        slots = self._slots
        evidence = self._evidence
        for notice_id in notice_ids:
            slot = slots.get((notice_id, outcome, reason))
            if slot is None:
                slot = self._slot(notice_id, outcome, reason)
            cell, key = slot
            if cell is not None:
                cell.value += 1
            if evidence is not None:
                evidence.count(key)
        if self._forward is not None:
            self._forward.notices_served(notice_ids, outcome, reason)

    def _slot(self, notice_id: str, outcome: PlacementOutcome, reason: MissReason | None) -> _Slot:
        jurisdiction = self._jurisdictions.get(notice_id, NO_JURISDICTION)
        reason_code = reason.value if reason is not None else None
        labels = (notice_id, jurisdiction, outcome.value, reason_code or "none")
        slot = (
            self._observer.served_cell(labels),
            (self._digest, notice_id, jurisdiction, outcome.value, reason_code),
        )
        self._slots[(notice_id, outcome, reason)] = slot
        return slot


class Observer:
    """Reports one middleware's work to Prometheus (``registry``), the evidence record
    (``evidence``) and the application's own ``NoticeMetrics`` (``forward``), any of them
    optional. Construction only stores; ``start`` begins, ``close`` ends."""

    def __init__(
        self,
        *,
        registry: CollectorRegistry | None,
        evidence: EvidenceRecorder | None,
        forward: NoticeMetrics | None,
    ) -> None:
        self.registry = registry
        self.evidence = evidence
        self.forward = forward
        self.families: Families | None = None
        self._sources: RegionSources | None = None
        self._rules: RulesHolder | None = None
        self._locator: Locator | None = None
        self._engine: Engine | None = None  # the one the sinks were made for
        self._sinks: dict[Region | str, _Sink] = {}
        self._publisher = Publisher()
        self._served: dict[tuple[str, ...], Cell] = {}
        self._responses: dict[tuple[str, bool], Cell] = {}
        self._added: dict[bool, HistogramCell] = {}
        self._tick = 0
        self._tables_recorded: set[tuple[str, str]] = set()
        self._recorded_engine: Engine | None = None
        self._recorded_database: GeoIPDatabase | None = None

    # -- life cycle ---------------------------------------------------------------------------

    def start(
        self,
        rules: RulesHolder,
        locator: Locator,
        sources: RegionSources,
        fallbacks: VariantFallbacks | None = None,
    ) -> None:
        """Begin: make the metric families, record what is served now, follow the reloads (and
        the edge's variant ``fallbacks``, counted by the variant header)."""
        if self.registry is not None and self.families is None:
            self.families = families_for(self.registry)
            if fallbacks is not None:
                self._publisher.follow(fallbacks.snapshot, self.families.variant_fallbacks)
        if self.families is not None:
            self._publisher.start()
        self._sources = sources
        self._rules, self._locator = rules, locator
        if self.evidence is not None:
            if self.families is not None:
                self.evidence.on_written = self.families.evidence_lines.inc
                self.evidence.on_error = self.families.evidence_errors.inc
            self.evidence.start()
        self._rules_checked()
        self._database_checked()
        rules.add_listener(self._rules_checked)
        locator.add_listener(self._database_checked)

    def close(self) -> None:
        """Stop following reloads and write the evidence that is due (the open window too)."""
        if self._rules is not None:
            self._rules.remove_listener(self._rules_checked)
        if self._locator is not None:
            self._locator.remove_listener(self._database_checked)
        if self.evidence is not None:
            self.evidence.close()
        self._publisher.close()

    def publish(self) -> None:
        """Publish the counts of the request path to Prometheus now rather than within the
        second (a test about to read the registry)."""
        self._publisher.publish()

    # -- the request path ---------------------------------------------------------------------

    def sink(self, engine: Engine, region: Region, variant: Variant | None = None) -> NoticeMetrics:
        """Where the responder of a reader in ``region`` reports, under ``engine``; a reader an
        edge placed in ``variant`` is counted under the variant's name, not a jurisdiction."""
        if engine is not self._engine:
            self._engine, self._sinks = engine, {}
        key: Region | str = region if variant is None else variant.name
        sink = self._sinks.get(key)
        if sink is None:
            if len(self._sinks) >= SINK_CACHE_SIZE:
                self._sinks = {}
            if variant is None:
                jurisdictions = attribute(engine, region)
            else:
                jurisdictions = dict.fromkeys(variant.notices, VARIANT_PREFIX + variant.name)
                self._record_variants(engine, variant)
            sink = _Sink(engine.ruleset.digest, jurisdictions, self, self.evidence, self.forward)
            self._sinks[key] = sink
        return sink

    def _record_variants(self, engine: Engine, variant: Variant) -> None:
        """Put the table of ``variant`` in the evidence record, once per table: the query needs
        it to tell which regions a variant's counts are of."""
        if self.evidence is None:
            return
        tag = (engine.ruleset.digest, variant.name.split("-", 1)[-1])
        if tag in self._tables_recorded:
            return
        self._tables_recorded.add(tag)
        now = time.time()
        self.evidence.record(
            lambda: variants_line(now, engine, variants_of(engine.ruleset, utc(None), engine=engine))
        )

    def time_this_one(self) -> bool:
        """Whether to time this response with notices (one in ``TIME_ONE_IN``, the first included)."""
        self._tick += 1
        return self._tick % TIME_ONE_IN == 1

    def response(
        self,
        scope: Scope,
        region: Region,
        with_notices: bool,
        added_seconds: float | None,
        variant: Variant | None = None,
    ) -> None:
        """A covered response went out: count it by the source of the region (the edge's
        ``variant``, when it placed the reader), and record what geonotice added to it
        (``None``: not timed)."""
        families = self.families
        if families is None or self._sources is None:
            return
        source = VARIANT_LABEL if variant is not None else self._sources.label(scope, region)
        cell = self._responses.get((source, with_notices))
        if cell is None:
            child = families.covered_responses.labels(source, "yes" if with_notices else "no")
            cell = self._responses[(source, with_notices)] = self._publisher.counter(child)
        cell.value += 1
        if added_seconds is None:
            return
        added = self._added.get(with_notices)
        if added is None:
            histogram = families.added_seconds.labels("yes" if with_notices else "no")
            added = self._added[with_notices] = self._publisher.histogram(histogram, ADDED_SECONDS_BUCKETS)
        added.observe(added_seconds)

    def served_cell(self, labels: tuple[str, str, str, str]) -> Cell | None:
        """The cell of ``geonotice_notices_served_total`` with these labels (made once)."""
        if self.families is None:
            return None
        cell = self._served.get(labels)
        if cell is None:
            cell = self._served[labels] = self._publisher.counter(
                self.families.notices_served.labels(*labels)
            )
        return cell

    # -- reloads, on the watcher threads ------------------------------------------------------

    def _rules_checked(self) -> None:
        holder = self._rules
        if holder is None:
            return
        engine = holder.engine
        now = time.time()
        if engine is self._recorded_engine:  # the files changed and the new version was refused
            if self.families is not None:
                self.families.rules_reloads.labels("refused").inc()
            if self.evidence is not None and holder.path is not None:
                path, problems = holder.path, holder.problems
                self.evidence.record(lambda: rules_line(now, refused=_digest_now(path), problems=problems))
            return
        first = self._recorded_engine is None
        previous, self._recorded_engine = self._recorded_engine, engine
        ruleset = engine.ruleset
        if previous is not None and previous.ruleset.digest == ruleset.digest:
            return  # the directory changed, the rules did not (a file staged beside them)
        families = self.families
        if families is not None:
            if not first:
                families.rules_reloads.labels("applied").inc()
            if previous is not None and previous.ruleset.digest != ruleset.digest:
                families.rules_info.labels(previous.ruleset.version, previous.ruleset.digest).set(0)
            families.rules_info.labels(ruleset.version, ruleset.digest).set(1)
            families.rules_loaded.set(now)
        if self.evidence is not None:
            self.evidence.record(lambda: rules_line(now, engine=engine))

    def _database_checked(self) -> None:
        locator = self._locator
        database = locator.database if locator is not None else None
        if locator is None or database is None:
            return
        now = time.time()
        if database is self._recorded_database:
            if self.families is not None:
                self.families.geoip_reloads.labels("refused").inc()
            if self.evidence is not None:
                path = str(database.path)
                self.evidence.record(
                    lambda: geoip_line(
                        now,
                        event="refused",
                        path=path,
                        kind=None,
                        built=None,
                        digest=_file_digest(Path(path)),
                    )
                )
            return
        first = self._recorded_database is None
        self._recorded_database = database
        if self.families is not None:
            if not first:
                self.families.geoip_reloads.labels("applied").inc()
            self.families.geoip_build.set(database.build_date.timestamp())
        if self.evidence is not None:
            self.evidence.record(
                lambda: geoip_line(
                    now,
                    event="live",
                    path=str(database.path),
                    kind=database.database_type,
                    built=database.build_date,
                    digest=_file_digest(database.path, database.source),
                )
            )


def _digest_now(path: Path) -> tuple[str, list[RulesFile]]:
    """The digest and files of the rules at ``path`` as they are on disk now (a refused version)."""
    sources = []
    for file in rules_files(path):
        try:
            sources.append((str(file), file.read_bytes()))
        except OSError:
            continue
    digest, files = digest_files(sources)
    return digest, list(files)


def _file_digest(path: Path, source: FileIdentity | None = None) -> str | None:
    """The SHA-256 of the file at ``path``; ``None`` when it cannot be read, or is no longer the
    file ``source`` describes (replaced or rewritten since it was opened)."""
    try:
        with path.open("rb") as file:
            if source is not None and FileIdentity.of(os.fstat(file.fileno())) != source:
                return None
            return hashlib.file_digest(file, "sha256").hexdigest()
    except OSError:
        return None
