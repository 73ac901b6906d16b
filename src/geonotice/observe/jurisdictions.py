"""Which jurisdiction gave a reader each notice: the unit the evidence record counts in.

The record never says where a reader was, only through which of a notice's jurisdictions the
rules gave it to them (the first of the notice's jurisdictions, in the rules' order, that holds
the reader's region), or that it went to readers whose region is unknown or who arrive through
an anonymity network. A jurisdiction is the rules' own unit: "russia-and-occupied-ukraine"
covers millions of readers, so a count per hour and jurisdiction says nothing about any of them.

``holds`` is the one membership test, shared by the hot path (``attribute``, with the engine's
compiled terms) and by ``geonotice evidence`` (with the terms the record kept for each version).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from typing import Any

from geonotice.region import Region
from geonotice.rules import Engine

__all__ = ["ANONYMOUS_READERS", "UNKNOWN_READERS", "VARIANT_PREFIX", "attribute", "holds", "in_variant"]

# Not valid jurisdiction names (those are lower-case slugs), so they cannot be confused with one.
UNKNOWN_READERS = "readers:unknown"
ANONYMOUS_READERS = "readers:anonymous"
# Readers an edge placed in a variant are counted under its name (``variant:v1-ae7ae3``): the
# edge's table, kept in the record, tells which regions that is.
VARIANT_PREFIX = "variant:"


def holds(terms: Iterable[tuple[str, Collection[str]]], codes: Collection[str]) -> bool:
    """Whether a jurisdiction flattened to ``terms`` (code, cancelling codes) holds a reader in
    the region with ``codes`` (``Region.codes``): as ``Engine.terms`` defines it."""
    return any(code in codes and not any(c in codes for c in cancels) for code, cancels in terms)


def attribute(engine: Engine, region: Region) -> dict[str, str]:
    """For each notice a reader in ``region`` can get under ``engine``, the jurisdiction that
    gives it to them (or ``UNKNOWN_READERS``/``ANONYMOUS_READERS``); by notice id."""
    found: dict[str, str] = {}
    ruleset = engine.ruleset
    if region.anonymous:
        found.update(dict.fromkeys(ruleset.anonymous_readers, ANONYMOUS_READERS))
    elif region.country is None:
        found.update(dict.fromkeys(ruleset.unknown_readers, UNKNOWN_READERS))
    codes = region.codes
    if codes:
        for notice in engine.notices:
            if notice.id in found:
                continue
            for name in notice.jurisdictions:
                if holds(engine.terms(name), codes):
                    found[notice.id] = name
                    break
    return found


def in_variant(table: Mapping[str, Any], name: str, region: Region) -> bool | None:
    """Whether an edge with ``table`` (a ``variants`` line of the record) places readers of
    ``region`` in the variant ``name``, as ``VariantTable.variant_of`` does; ``None`` when it
    cannot tell them (a country whose subdivisions differ): some of its readers may be."""
    if region.anonymous:
        return bool(table.get("anonymous") == name)
    if region.country is None:
        return bool(table.get("unknown") == name)
    subdivisions: Mapping[str, str] = table.get("subdivisions") or {}
    for subdivision in reversed(region.subdivisions):
        if subdivision in subdivisions:
            return subdivisions[subdivision] == name
    if not region.subdivisions and region.country in (table.get("needs_subdivision") or ()):
        return None
    countries: Mapping[str, str] = table.get("countries") or {}
    return bool(countries.get(region.country, table.get("default")) == name)
