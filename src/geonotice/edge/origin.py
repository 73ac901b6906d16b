"""The variant header at the origin: which variant a request is of, and whether to believe it.

The edge computes the reader's variant from its own geo data and sends it (``Geonotice-Variant:
v1-1a2b3c``). The origin believes it only when the request comes from a trusted proxy (the
locator's own decision, ``TrustedProxies.trusts_peer``: a reader cannot pick a variant), the
header is sent once and has the shape of a name, and the name is a variant of the rules version
the origin serves (``KnownVariants``). A believed variant decides the notices without a lookup,
and the page may be cached by the edge under that variant.

Anything else falls back to the origin's own lookup, and the page is ``private``: never a copy
with the wrong notices in a shared cache. Each fallback is counted by reason
(``VariantFallbacks``, for the metrics), and logged once per reason, or once per variant name for
names of other rules versions and unknown names (those say which table is out of date). Header
values that are not names are never logged: they may be anything.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from collections import Counter
from enum import StrEnum

from starlette.types import Scope

from geonotice.locate import TrustedProxies
from geonotice.rules.engine import Engine
from geonotice.rules.variants import UNDECIDED, KnownVariants, Variant, VariantName, parse_name

__all__ = ["Fallback", "VariantFallbacks", "VariantHeader", "header_name"]

logger = logging.getLogger("geonotice.edge")

_HEADER_NAME = re.compile(r"[!#$%&'*+.^_`|~0-9A-Za-z-]+")  # RFC 9110 token
_MAX_LOGGED_NAMES = 256
_PARSED_CACHE_SIZE = 1024
_UNDECIDED = UNDECIDED.encode()


class Fallback(StrEnum):
    """Why a request to a covered page was not served by its variant (a metrics label value)."""

    MISSING = "missing"  # a trusted proxy sent no variant: is the edge configured?
    UNDECIDED = "undecided"  # the edge could not place the reader, and said so
    MALFORMED = "malformed"  # not a variant name, too long, or sent more than once
    STALE = "stale"  # a name of another rules version, or of a table newer than this moment
    UNKNOWN = "unknown"  # a name of this rules version that is no variant
    UNTRUSTED = "untrusted"  # sent by a peer that is not a trusted proxy: ignored


# The reasons whose log line names the variant: it says which table is out of date.
_NAMED = frozenset({Fallback.STALE, Fallback.UNKNOWN})
_WHY = {
    Fallback.MISSING: "requests from trusted proxies arrive without {header}: is the edge's table deployed?",
    Fallback.UNDECIDED: "the edge leaves some readers to the origin ({header}: undecided)",
    Fallback.MALFORMED: "a trusted proxy sent a {header} that is not one variant name; ignored",
    Fallback.UNTRUSTED: "a {header} header from a peer that is not a trusted proxy was ignored",
    Fallback.STALE: "{header}: {name} is of another rules version than the one serving, {version}: the "
    "edge's table and the origin's rules differ; deploy both from the same rules (geonotice edge-config)",
    Fallback.UNKNOWN: "{header}: {name} is no variant of rules version {version}",
}


def header_name(value: str | None) -> str | None:
    """The ``variant_header`` setting, checked: a header name, or ``None`` (off).

    Raises:
        ValueError: ``value`` is not an HTTP header name.
    """
    if value is None:
        return None
    name = str(value).strip()
    if not _HEADER_NAME.fullmatch(name):
        raise ValueError(f"{value!r} is not an HTTP header name")
    return name


class VariantFallbacks:
    """How many requests to covered pages fell back to the origin's own lookup, per reason.

    Counted on the event loop's thread. Expose ``snapshot()`` as a counter with one label,
    ``reason`` (a ``Fallback`` value): never the variant name, which comes from the request.
    """

    def __init__(self) -> None:
        self._counts: Counter[Fallback] = Counter()

    def add(self, reason: Fallback) -> None:
        self._counts[reason] += 1

    def count(self, reason: Fallback | None = None) -> int:
        """The fallbacks of one reason, or of all."""
        return self._counts[reason] if reason is not None else sum(self._counts.values())

    def snapshot(self) -> dict[str, int]:
        """Every reason with its count, zeros included: ``{"missing": 0, "stale": 3, ...}``."""
        return {reason.value: self._counts[reason] for reason in Fallback}


class VariantHeader:
    """The variant header of the requests to one middleware (configure once; share).

    ``read`` answers per request with the variant to serve, or ``None`` to fall back; the
    tables of the current rules version are computed on first use after each reload.
    """

    def __init__(self, name: str, trusted: TrustedProxies, fallbacks: VariantFallbacks | None = None) -> None:
        self.name = name
        self.fallbacks = fallbacks if fallbacks is not None else VariantFallbacks()
        self._key = name.lower().encode("latin-1")
        self._trusted = trusted
        self._known: KnownVariants | None = None
        self._parsed: dict[bytes, VariantName | None] = {}
        self._logged_reasons: set[Fallback] = set()
        self._logged_names: set[tuple[Fallback, bytes]] = set()

    def read(self, scope: Scope, engine: Engine, at: dt.datetime) -> Variant | None:
        """The variant the request is of, if it is to be believed under ``engine``'s rules at
        ``at`` (aware); ``None`` to fall back, counted and logged. Raises nothing."""
        values = [value for key, value in scope["headers"] if key == self._key]
        client = scope.get("client")
        if not (client and self._trusted.trusts_peer(client[0])):
            if values:
                self._fall_back(Fallback.UNTRUSTED)
            return None
        found = self._variant(values, engine, at)
        if isinstance(found, Fallback):
            self._fall_back(found, values[0] if found in _NAMED else b"")
            return None
        return found

    def _variant(self, values: list[bytes], engine: Engine, at: dt.datetime) -> Variant | Fallback:
        if not values:
            return Fallback.MISSING
        if len(values) > 1:
            return Fallback.MALFORMED
        if values[0] == _UNDECIDED:
            return Fallback.UNDECIDED
        parsed = self._parse(values[0])
        if parsed is None:
            return Fallback.MALFORMED
        known = self._known
        if known is None or known.engine is not engine:
            known = self._known = KnownVariants(engine)
        if parsed.version != known.version or parsed.epoch > known.epoch(at):
            return Fallback.STALE
        table = known.table(parsed.epoch)
        return table.named(f"v{parsed.number}-{table.tag}") or Fallback.UNKNOWN

    def _parse(self, value: bytes) -> VariantName | None:
        if value in self._parsed:
            return self._parsed[value]
        parsed = parse_name(value.decode("latin-1")) if len(value) <= 64 else None
        if len(self._parsed) >= _PARSED_CACHE_SIZE:
            self._parsed.clear()
        self._parsed[value] = parsed
        return parsed

    def _fall_back(self, reason: Fallback, value: bytes = b"") -> None:
        self.fallbacks.add(reason)
        if value:
            # Names are logged once each, and only so many: they come from requests.
            if (reason, value) in self._logged_names or len(self._logged_names) >= _MAX_LOGGED_NAMES:
                return
            self._logged_names.add((reason, value))
        elif reason in self._logged_reasons:
            return
        else:
            self._logged_reasons.add(reason)
        version = self._known.engine.ruleset.version if self._known is not None else ""
        message = _WHY[reason].format(header=self.name, name=value.decode("latin-1"), version=version)
        level = logging.INFO if reason is Fallback.UNDECIDED else logging.WARNING
        logger.log(level, "%s; their covered pages are served private, from the origin's own lookup", message)
