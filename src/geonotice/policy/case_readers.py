"""Who reads the page in a policy case: the ``Reader`` value and the ``READER`` kind of value that
checks the ways a lawyer writes one (a region code, ``unknown``, ``anonymous``, or a mapping with
exactly one of ``region``, ``ip`` and ``headers``).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from geonotice.errors import ConfigError
from geonotice.locate.cdn import PRESETS, GeoHeaders
from geonotice.policy import case_codes
from geonotice.policy.case_values import FILE_PATH, case_text, plain_text
from geonotice.region import Region, named, region_from_code
from geonotice.rules.vocabulary import REGION_PATTERN
from geonotice.yamlcheck import codes as yaml_codes
from geonotice.yamlcheck.fields import INVALID, Field, JsonSchema, ValueType, fixed, object_schema
from geonotice.yamlcheck.hints import choice_hint
from geonotice.yamlcheck.loader import Marked, MarkedMapping, MarkedScalar, describe
from geonotice.yamlcheck.walker import Walker, join

SPECIAL_READERS = ("unknown", "anonymous")

ReaderKind = Literal["region", "ip", "headers", "unknown", "anonymous"]


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads the page, given the way a lawyer thinks of them.

    ``region`` readers are placed directly; ``ip`` readers go through a GeoIP database;
    ``headers`` readers arrive through a CDN that sends geo headers (``cdn`` says whose).
    """

    kind: ReaderKind
    region: Region | None = None
    code: str = ""  # the region code as written
    ip: str = ""
    geoip_db: Path | None = None
    headers: tuple[tuple[str, str], ...] = ()
    cdn: GeoHeaders | None = None

    def describe(self) -> str:
        if self.kind == "region":
            return f"a reader in {named(self.code)}"
        if self.kind == "ip":
            return f"a reader at {self.ip}"
        if self.kind == "headers":
            return "a reader with " + ", ".join(f"{name}: {value}" for name, value in self.headers)
        return f"an {self.kind} reader"


def infer_cdn(names: Iterable[str]) -> GeoHeaders | None:
    """The CDN preset whose country header is among ``names`` (compared case-insensitively)."""
    lowered = {name.lower() for name in names}
    for preset in PRESETS.values():
        if preset.country.lower() in lowered:
            return preset
    return None


# -- readers ----------------------------------------------------------------------------------------------


def _region_reader(walker: Walker, node: Marked, where: str) -> Any:
    text = case_text(walker, node, where)
    if text is INVALID:
        return INVALID
    try:
        region = region_from_code(text)
    except ValueError as error:
        walker.report(node, case_codes.INVALID_REGION, f"{where}: {error}")
        return INVALID
    return Reader("region", region=region, code=text.strip())


def _ip(walker: Walker, node: Marked, where: str) -> Any:
    text = case_text(walker, node, where)
    if text is INVALID:
        return INVALID
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        walker.report(node, case_codes.INVALID_IP, f"{where}: {text!r} is not an IP address")
        return INVALID


def _headers(walker: Walker, node: Marked, where: str) -> Any:
    mapping = walker.mapping(node, where, what="header: value lines", keys_needed=True)
    if mapping is None:
        return INVALID
    found = []
    for key, value in mapping.entries:
        text = case_text(walker, value, join(where, key.name))
        if text is not INVALID:
            found.append((key.name, text))
    return found


CDN_FIELDS = (
    Field(
        "country",
        FILE_PATH,
        "The header with the country code (ISO 3166-1).",
        required=True,
        missing="the header with the country code",
    ),
    Field("region", FILE_PATH, "The header with the subdivision code (ISO 3166-2), if the CDN sends one."),
)


def _cdn(walker: Walker, node: Marked, where: str) -> Any:
    if isinstance(node, MarkedMapping):
        names = walker.section(node, CDN_FIELDS, where)
        country = names.get("country")
        if country is None:
            return INVALID
        try:
            return GeoHeaders(country, names.get("region"))
        except ConfigError as error:
            walker.report(node, case_codes.INVALID_CDN, f"{where}: {error}")
            return INVALID
    text = case_text(walker, node, where)
    if text is INVALID:
        return INVALID
    preset = PRESETS.get(text.strip().lower())
    if preset is None:
        walker.report(
            node, case_codes.UNKNOWN_CDN, f"{where}: unknown CDN {text!r}{choice_hint(text, PRESETS)}"
        )
        return INVALID
    return preset


READER_FIELDS = (
    Field(
        "region",
        ValueType(_region_reader, fixed({"type": "string", "pattern": f"^{REGION_PATTERN}$"})),
        "The reader is in this country (`RU`) or subdivision (ISO 3166-2, `UA-43`).",
    ),
    Field(
        "ip",
        ValueType(_ip, fixed({"type": "string"})),
        "The reader connects from this address, placed by a GeoIP database.",
    ),
    Field(
        "geoip-db",
        FILE_PATH,
        "The database that places this reader's `ip`, relative to the case file.",
        default="the file's `geoip-db`, else `geonotice test --geoip-db`",
    ),
    Field(
        "headers",
        ValueType(
            _headers,
            fixed({"type": "object", "additionalProperties": {"type": "string"}, "minProperties": 1}),
        ),
        "The reader arrives through a CDN sending these geo headers (`CF-IPCountry: UA`).",
    ),
    Field(
        "cdn",
        ValueType(_cdn, lambda: {"anyOf": [{"enum": sorted(PRESETS)}, object_schema(CDN_FIELDS)]}),
        "Whose `headers` they are: "
        + ", ".join(f"`{name}`" for name in PRESETS)
        + ", or `{country: HEADER, region: HEADER}` for other names.",
        default="told by the header names",
    ),
)
_KINDS = ("region", "ip", "headers")


def _reader(walker: Walker, node: Marked, where: str) -> Any:
    if isinstance(node, MarkedScalar):
        text = plain_text(node)
        if text in SPECIAL_READERS:
            return Reader("unknown" if text == "unknown" else "anonymous")
        return _region_reader(walker, node, where)
    if not isinstance(node, MarkedMapping):
        message = f"{where}: expected region:, ip: or headers:, got {describe(node)}"
        walker.report(node, yaml_codes.WRONG_TYPE, message)
        return INVALID
    found = walker.section(node, READER_FIELDS, where)
    given = [kind for kind in _KINDS if found.given(kind)]
    if len(given) != 1:
        what = "none" if not given else " and ".join(given)
        message = f"{where}: give exactly one of region, ip or headers (got {what})"
        walker.report(node, case_codes.INVALID_READER, message)
        return INVALID
    if given == ["region"]:
        return found.values["region"]
    if given == ["ip"]:
        ip, own_db = found.get("ip"), found.get("geoip-db")
        return INVALID if ip is None else Reader("ip", ip=ip, geoip_db=Path(own_db) if own_db else None)
    headers = found.get("headers")
    if headers is None:
        return INVALID
    if found.given("cdn"):
        cdn = found.get("cdn")
    else:
        cdn = infer_cdn(name for name, _ in headers)
        if cdn is None:
            names = ", ".join(repr(name) for name in PRESETS)
            at = node.get("headers")
            assert at is not None
            walker.report(
                at,
                case_codes.UNKNOWN_CDN,
                f"{join(where, 'headers')}: no CDN sends {', '.join(n for n, _ in headers)}; "
                f"add cdn: with one of {names} or cdn: {{country: HEADER, region: HEADER}}",
            )
    return INVALID if cdn is None else Reader("headers", headers=tuple(headers), cdn=cdn)


def _reader_schema() -> JsonSchema:
    return {
        "anyOf": [
            {"enum": list(SPECIAL_READERS)},
            {"type": "string", "pattern": f"^{REGION_PATTERN}$"},
            # Exactly one of region, ip and headers says who the reader is.
            object_schema(READER_FIELDS, oneOf=[{"required": [kind]} for kind in _KINDS]),
        ]
    }


READER = ValueType(_reader, _reader_schema)
