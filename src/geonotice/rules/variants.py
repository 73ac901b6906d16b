"""Variants: the classes of readers whom every notice treats the same, and the edge's table of them.

A shared cache (a CDN, nginx, Varnish) keeps one copy of a page per cache key. Keyed on the URL
alone it must not store covered pages; keyed on the reader's country and subdivision it keeps
hundreds of copies of each. Yet the rules only ever tell readers apart by the notices they get,
so readers whom every notice treats the same can share one copy: a *variant*. With the shipped
rules there are three (Russia and occupied Ukraine; Belarus; everyone else).

Two regions are treated the same at every moment when the same notices apply to them through
their jurisdictions (and the ``readers`` lists, for unknown and anonymous readers): a window
belongs to a notice, not to a region, so it never splits a class. The classes are computed from
the notices whose window has not ended at ``at``, future start dates included. The table is then
correct for as long as its rules version serves, and the smallest there is until the next window
end (``VariantTable.next_end``), after which a smaller one exists. Pages and hosts play no part:
a variant is a class of readers, and a page only decides which variants look different.

An edge sees a country and at most one subdivision, so the table maps the subdivision first
(where it differs from its country: a subdivision listed alone, or ``except``), then the country,
then the default. Where the edge cannot know the answer, because the rules name a subdivision
*inside* the one it sees or it sees none in a country whose subdivisions differ, the table says
``UNDECIDED`` and the origin decides from its own lookup, without shared caching.

Every name carries its rules version (``v1-1a2b3c``: variant 1 of the version starting ``1a2b3c``),
so the origin recognizes a table made from other rules (``KnownVariants``). A table made after a
window ended has its own names (``v1-1a2b3c-e1``): the origin accepts them only once that window
has ended for it too.
"""

from __future__ import annotations

import bisect
import datetime as dt
import functools
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import NamedTuple

import pycountry

from geonotice.region import ANONYMOUS, UNKNOWN, Region
from geonotice.rules.engine import Engine
from geonotice.rules.model import Ruleset
from geonotice.rules.moments import utc

__all__ = [
    "MAX_NAME_LENGTH",
    "UNDECIDED",
    "KnownVariants",
    "Variant",
    "VariantName",
    "VariantTable",
    "parse_name",
    "variants_of",
]

#: What the edge sends for a reader it cannot place in a variant: the origin decides, privately.
UNDECIDED = "undecided"
#: Longer header values are refused unread (a name is at most ``v999-123abc-e9999``).
MAX_NAME_LENGTH = 24
_NAME = re.compile(r"v(0|[1-9][0-9]{0,2})-([0-9a-f]{6})(?:-e([1-9][0-9]{0,3}))?")
# Stands for every country the rules do not name: ZZ is no ISO 3166 country, so no rule names it.
_ELSEWHERE = Region("ZZ")


@dataclass(frozen=True, slots=True)
class Variant:
    """One class of readers: its name, the notices its readers get (when a page and the date
    allow), and where its readers are, as the edge's table maps them.

    ``countries`` and ``subdivisions`` are the table's entries that lead here; the default
    variant also takes every country and subdivision the table does not list. ``representative``
    is one region of the class: deciding for it decides for every reader of the variant.
    """

    name: str
    notices: tuple[str, ...]
    representative: Region
    countries: tuple[str, ...] = ()
    subdivisions: tuple[str, ...] = ()
    default: bool = False
    unknown: bool = False
    anonymous: bool = False


@dataclass(frozen=True, slots=True)
class VariantTable:
    """The variants of one rules version at one moment, and how an edge finds a reader's.

    ``countries`` maps the countries whose readers are not in the default variant;
    ``subdivisions`` maps the subdivisions whose readers are not in their country's variant
    (to a name or ``UNDECIDED``). In a country of ``needs_subdivision``, a reader whose
    subdivision the edge does not know is ``UNDECIDED``. ``next_end`` is the first window end
    after ``at`` (the notices ``ending`` then), when a smaller table exists.
    """

    rules_version: str
    tag: str
    at: dt.datetime
    variants: tuple[Variant, ...]
    countries: Mapping[str, str]
    subdivisions: Mapping[str, str]
    needs_subdivision: frozenset[str]
    next_end: dt.datetime | None = None
    ending: tuple[str, ...] = ()
    _by_name: Mapping[str, Variant] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_name", MappingProxyType({v.name: v for v in self.variants}))

    @property
    def default(self) -> Variant:
        return self.variants[0]

    @property
    def unknown(self) -> Variant:
        return next(v for v in self.variants if v.unknown)

    @property
    def anonymous(self) -> Variant:
        return next(v for v in self.variants if v.anonymous)

    def named(self, name: str) -> Variant | None:
        return self._by_name.get(name)

    def variant_for(
        self, country: str | None, subdivision: str | None = None, *, anonymous: bool = False
    ) -> str:
        """The name an edge sends for a reader it places in ``country`` and ``subdivision``
        (ISO 3166-2, ``UA-43``), or ``UNDECIDED``: what every generated config computes."""
        if anonymous:
            return self.anonymous.name
        if not country:
            return self.unknown.name
        if subdivision:
            found = self.subdivisions.get(subdivision)
            if found is not None:
                return found
        elif country in self.needs_subdivision:
            return UNDECIDED
        return self.countries.get(country, self.default.name)

    def variant_of(self, region: Region) -> str:
        """The name for a located reader: its most specific subdivision the table lists decides
        (an edge that sees a less specific one may send ``UNDECIDED`` instead)."""
        for subdivision in reversed(region.subdivisions):
            if subdivision in self.subdivisions:
                return self.variant_for(region.country, subdivision)
        first = region.subdivisions[0] if region.subdivisions else None
        return self.variant_for(region.country, first, anonymous=region.anonymous)


def variants_of(
    ruleset: Ruleset, at: dt.datetime | None = None, *, engine: Engine | None = None
) -> VariantTable:
    """The variants of ``ruleset`` at ``at`` (default now; naive is UTC). Pure; raises nothing."""
    at = utc(at)
    engine = engine or Engine(ruleset)
    ends = _ends(ruleset)
    epoch = bisect.bisect_right(ends, at)
    live = [p for p, n in enumerate(engine.notices) if n.window.end is None or n.window.end > at]
    tag = ruleset.version[:6] + (f"-e{epoch}" if epoch else "")
    signature = _Signature(engine, live)

    # Every place the edge may report that the rules can tell apart, with the notices it gets.
    places: dict[str, frozenset[int]] = {"": signature.of(_ELSEWHERE)}
    places["(unknown)"] = signature.of(UNKNOWN)
    places["(anonymous)"] = signature.of(ANONYMOUS)
    named = signature.codes()
    undecided: set[str] = set()
    for country in sorted({code[:2] for code in named}):
        places[country] = signature.of(Region(country))
    for code in sorted(_neighbourhood(named)):
        if any(_is_inside(other, code) for other in named):
            undecided.add(code)
        else:
            places[code] = signature.of(Region(code[:2], (*_ancestors(code), code)))

    # Classes: the default one first, then by the notices they get, in display order.
    classes = sorted(set(places.values()) - {places[""]}, key=sorted)
    numbers = {places[""]: 0} | {notices: i for i, notices in enumerate(classes, start=1)}
    names = {notices: f"v{number}-{tag}" for notices, number in numbers.items()}
    country_names = {c: names[places[c]] for c in places if len(c) == 2 and places[c] != places[""]}
    subdivision_names: dict[str, str] = {}
    for code in sorted(undecided | {c for c in places if "-" in c}):
        name = UNDECIDED if code in undecided else names[places[code]]
        if name != country_names.get(code[:2], names[places[""]]):
            subdivision_names[code] = name
    variants = tuple(
        _variant(name, notices, engine, places, country_names, subdivision_names)
        for notices, name in sorted(names.items(), key=lambda item: numbers[item[0]])
    )
    later = [end for end in ends if end > at]
    next_end = later[0] if later else None
    ending = tuple(n.id for n in engine.notices if next_end is not None and n.window.end == next_end)
    return VariantTable(
        rules_version=ruleset.version,
        tag=tag,
        at=at,
        variants=variants,
        countries=MappingProxyType(country_names),
        subdivisions=MappingProxyType(subdivision_names),
        needs_subdivision=frozenset(code[:2] for code in subdivision_names),
        next_end=next_end,
        ending=ending,
    )


def _variant(
    name: str,
    notices: frozenset[int],
    engine: Engine,
    places: Mapping[str, frozenset[int]],
    countries: Mapping[str, str],
    subdivisions: Mapping[str, str],
) -> Variant:
    members = [place for place, got in places.items() if got == notices]
    representative = _region_of(members[0])
    return Variant(
        name=name,
        notices=tuple(engine.notices[i].id for i in sorted(notices)),
        representative=representative,
        countries=tuple(c for c, n in countries.items() if n == name),
        subdivisions=tuple(c for c, n in subdivisions.items() if n == name),
        default="" in members,
        unknown="(unknown)" in members,
        anonymous="(anonymous)" in members,
    )


def _region_of(place: str) -> Region:
    if place == "":
        return _ELSEWHERE
    if place == "(unknown)":
        return UNKNOWN
    if place == "(anonymous)":
        return ANONYMOUS
    if "-" not in place:
        return Region(place)
    return Region(place[:2], (*_ancestors(place), place))


class _Signature:
    """Which of the live notices (positions in the engine's display order) apply to a region
    through their jurisdictions or the readers lists."""

    def __init__(self, engine: Engine, live: Iterable[int]) -> None:
        live = sorted(live)
        self._terms = [(p, engine.terms(name)) for p in live for name in engine.notices[p].jurisdictions]
        ids = {engine.notices[p].id: p for p in live}
        ruleset = engine.ruleset
        self._unknown = frozenset(ids[i] for i in ruleset.unknown_readers if i in ids)
        self._anonymous = frozenset(ids[i] for i in ruleset.anonymous_readers if i in ids)

    def of(self, region: Region) -> frozenset[int]:
        if region.anonymous:
            return self._anonymous
        if region.country is None:
            return self._unknown
        codes = region.codes
        return frozenset(
            position
            for position, terms in self._terms
            if any(code in codes and cancels.isdisjoint(codes) for code, cancels in terms)
        )

    def codes(self) -> frozenset[str]:
        """Every region code a live notice's jurisdictions name, as a region or an exception."""
        return frozenset(c for _, terms in self._terms for code, cancels in terms for c in (code, *cancels))


def _ends(ruleset: Ruleset) -> list[dt.datetime]:
    return sorted({n.window.end for n in ruleset.notices if n.window.end is not None})


# -- the ISO 3166-2 hierarchy: a reader in GB-LND is in GB-ENG too ------------------------------


@functools.cache
def _parents() -> Mapping[str, str]:
    return {s.code: s.parent_code for s in pycountry.subdivisions if getattr(s, "parent_code", None)}


@functools.cache
def _children() -> Mapping[str, tuple[str, ...]]:
    children: dict[str, list[str]] = {}
    for child, parent in _parents().items():
        children.setdefault(parent, []).append(child)
    return {parent: tuple(sorted(found)) for parent, found in children.items()}


def _ancestors(code: str) -> tuple[str, ...]:
    """The subdivisions ``code`` lies in, largest first (``GB-LND`` → ``("GB-ENG",)``)."""
    chain: list[str] = []
    parent = _parents().get(code)
    while parent is not None and parent not in chain:
        chain.insert(0, parent)
        parent = _parents().get(parent)
    return tuple(chain)


def _descendants(code: str) -> list[str]:
    found: list[str] = []
    for child in _children().get(code, ()):
        found += [child, *_descendants(child)]
    return found


def _is_inside(code: str, outer: str) -> bool:
    return outer in _ancestors(code)


def _neighbourhood(named: Iterable[str]) -> set[str]:
    """The subdivisions an edge may report whose readers the rules may treat apart from their
    country: those named, the ones they lie in, and the ones inside them."""
    found: set[str] = set()
    for code in named:
        if "-" in code:
            found.update((code, *_ancestors(code), *_descendants(code)))
    return found


# -- the names the origin accepts -----------------------------------------------------------------


class VariantName(NamedTuple):
    """A variant name taken apart: ``v1-1a2b3c-e2`` is number 1, version ``1a2b3c``, epoch 2."""

    number: int
    version: str
    epoch: int


def parse_name(value: str) -> VariantName | None:
    """The parts of a variant name, or ``None`` when ``value`` does not have its shape."""
    if len(value) > MAX_NAME_LENGTH:
        return None
    match = _NAME.fullmatch(value)
    if match is None:
        return None
    return VariantName(int(match.group(1)), match.group(2), int(match.group(3) or 0))


class KnownVariants:
    """The variant names the origin believes under one rules version, and what each stands for.

    A name is believed when it is of this rules version and of a table made at a moment whose
    notices include every notice still in force now: a table made before a window ended is
    finer than needed and still right, one made after it (a window that has not ended here yet)
    could merge readers that still get different notices. Tables are computed when first needed.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.version = engine.ruleset.version[:6]
        self._ends = _ends(engine.ruleset)
        self._tables: dict[int, VariantTable] = {}

    def epoch(self, at: dt.datetime) -> int:
        """How many window ends have passed at ``at`` (aware)."""
        return bisect.bisect_right(self._ends, at) if self._ends else 0

    def table(self, epoch: int) -> VariantTable:
        """The table of ``epoch`` (0: before any window ended)."""
        found = self._tables.get(epoch)
        if found is None:
            moment = self._ends[epoch - 1] if epoch else dt.datetime.min.replace(tzinfo=dt.UTC)
            found = self._tables[epoch] = variants_of(self.engine.ruleset, moment, engine=self.engine)
        return found
