"""The policy-case format, declared once as data: its keys, the kinds of their values, and the
readers, pages and dates those values stand for.

The tables below are walked by the same ``Walker`` as the rules (``cases.py`` builds ``PolicyFile``
values from the walked sections); ``json_schema()`` and ``docs_reference()`` render them for
editors and for ``docs/policy-tests.md``. A new key is a ``Field`` row here, read in ``cases.py``;
a new kind of value is a ``ValueType`` here; a new problem is a code in ``case_codes.py``.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal
from urllib.parse import unquote, urlsplit

from geonotice.errors import ConfigError
from geonotice.locate.cdn import PRESETS, GeoHeaders
from geonotice.policy import case_codes
from geonotice.region import Region, region_from_code
from geonotice.rules.shapes import READER_LANGUAGE, Ref, as_moment, language_problem
from geonotice.rules.vocabulary import REGION_PATTERN, SLUG_PATTERN
from geonotice.yamlcheck import codes as yaml_codes
from geonotice.yamlcheck.fields import (
    INVALID,
    Field,
    JsonSchema,
    ValueType,
    document_schema,
    fixed,
    object_schema,
    schema_text,
)
from geonotice.yamlcheck.hints import choice_hint
from geonotice.yamlcheck.loader import Marked, MarkedMapping, MarkedScalar, MarkedSequence, describe
from geonotice.yamlcheck.reference import render
from geonotice.yamlcheck.values import items, section
from geonotice.yamlcheck.walker import Walker, join

SPECIAL_READERS = ("unknown", "anonymous")
NO_NOTICES = ("none", "None", "nothing")

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
            return f"a reader in {self.code}"
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


def page_of(url: str) -> tuple[str, str | None] | None:
    """``(path, host)`` of a path or an http(s) link; ``None`` when it is neither."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme:
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        return unquote(parts.path) or "/", parts.hostname
    if not url.startswith("/") or url.startswith("//"):
        return None
    return unquote(parts.path) or "/", None


def moment_of(value: object) -> dt.datetime:
    """A case's date as an aware UTC datetime: a date means its first moment, UTC.

    Raises:
        ValueError: not a date (2025-01-31) or a time with a zone (2025-01-31T12:00:00Z).
    """
    value = as_moment(value)
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            raise ValueError("give the time with its zone, e.g. 2025-01-31T12:00:00Z")
        return value.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), dt.UTC)
    raise ValueError("expected a date (2025-01-31) or a time with its zone (2025-01-31T12:00:00Z)")


# -- texts ------------------------------------------------------------------------------------------------


def plain_text(node: Marked | None) -> str | None:
    """What a case reads as text: a string, or a number as written (a phrase "2019"); else ``None``."""
    if not isinstance(node, MarkedScalar) or node.value is None:
        return None
    if isinstance(node.value, str):
        return node.value
    return None if isinstance(node.value, bool | dt.date) else node.text


def _text(walker: Walker, node: Marked, where: str) -> Any:
    text = plain_text(node)
    if text is None:
        hint = " (quote it)" if isinstance(node, MarkedScalar) else ""
        walker.report(node, yaml_codes.WRONG_TYPE, f"{where}: expected text, got {describe(node)}{hint}")
        return INVALID
    return text


def _texts_of(walker: Walker, node: Marked, where: str) -> list[tuple[str, Marked]]:
    """Each text of a list, or the one text given alone, with its node."""
    if not isinstance(node, MarkedSequence):
        text = _text(walker, node, where)
        return [] if text is INVALID else [(text, node)]
    found = []
    for index, item in enumerate(node.items):
        text = _text(walker, item, f"{where}[{index}]")
        if text is not INVALID:
            found.append((text, item))
    return found


def _listed(item: JsonSchema) -> JsonSchema:
    return {"anyOf": [item, {"type": "array", "items": item}]}


_SLUG = {"type": "string", "pattern": f"^{SLUG_PATTERN}$"}

TEXT = ValueType(_text, fixed({"type": ["string", "number"]}))
TEXTS = ValueType(
    lambda walker, node, where: [text for text, _ in _texts_of(walker, node, where)],
    fixed(_listed({"type": "string"})),
)
FILE_PATH = ValueType(_text, fixed({"type": "string"}))


def _ids(walker: Walker, node: Marked, where: str) -> Any:
    return [Ref(text, walker.path, item) for text, item in _texts_of(walker, node, where)]


def _exact_ids(walker: Walker, node: Marked, where: str) -> Any:
    if isinstance(node, MarkedScalar) and node.value in NO_NOTICES:
        return []
    if isinstance(node, MarkedScalar) and node.value is None:
        message = f"{where}: empty; write 'none' for no notices, or list the ids"
        walker.report(node, yaml_codes.WRONG_TYPE, message)
        return INVALID
    return _ids(walker, node, where)


NOTICE_IDS = ValueType(_ids, fixed(_listed(_SLUG)))
EXACT_NOTICE_IDS = ValueType(
    _exact_ids, fixed({"anyOf": [{"enum": list(NO_NOTICES)}, *_listed(_SLUG)["anyOf"]]})
)


# -- the page, the reader's language and the date -----------------------------------------------------


def _url(walker: Walker, node: Marked, where: str) -> Any:
    url = _text(walker, node, where)
    if url is INVALID:
        return INVALID
    page = page_of(url)
    if page is None:
        message = f"{where}: expected a path starting with / or an http(s) link, got {url!r}"
        walker.report(node, case_codes.INVALID_URL, message)
        return INVALID
    return url, *page


def _language(walker: Walker, node: Marked, where: str) -> Any:
    text = _text(walker, node, where)
    if text is INVALID:
        return INVALID
    if not READER_LANGUAGE.fullmatch(text.strip()):
        walker.report(
            node, case_codes.INVALID_LANGUAGE, f"{where}: {language_problem(text, READER_LANGUAGE)}"
        )
        return INVALID
    return text.strip()


def _date(walker: Walker, node: Marked, where: str) -> Any:
    try:
        return moment_of(node.value if isinstance(node, MarkedScalar) else None)
    except ValueError as error:
        walker.report(node, case_codes.INVALID_DATE, f"{where}: {error}, got {describe(node)}")
        return INVALID


PAGE = ValueType(_url, fixed({"type": "string", "pattern": "^(/|https?://)"}))
LANGUAGE = ValueType(_language, fixed({"type": "string", "pattern": f"^{READER_LANGUAGE.pattern}$"}))
MOMENT = ValueType(
    _date,
    fixed(
        {
            "type": "string",
            "pattern": r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$",
        }
    ),
)


# -- readers ----------------------------------------------------------------------------------------------


def _region_reader(walker: Walker, node: Marked, where: str) -> Any:
    text = _text(walker, node, where)
    if text is INVALID:
        return INVALID
    try:
        region = region_from_code(text)
    except ValueError as error:
        walker.report(node, case_codes.INVALID_REGION, f"{where}: {error}")
        return INVALID
    return Reader("region", region=region, code=text.strip())


def _ip(walker: Walker, node: Marked, where: str) -> Any:
    text = _text(walker, node, where)
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
        text = _text(walker, value, join(where, key.name))
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
    text = _text(walker, node, where)
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


# -- the tables -------------------------------------------------------------------------------------------

EXPECT_FIELDS = (
    Field(
        "notices",
        EXACT_NOTICE_IDS,
        "The reader gets exactly these notices, in any order; `none` (or `[]`) means no notice at all.",
    ),
    Field("includes", NOTICE_IDS, "The reader gets at least these notices."),
    Field("excludes", NOTICE_IDS, "The reader does not get these notices."),
    Field(
        "text-contains",
        TEXTS,
        "Each phrase (one, or a list) appears in the text of a notice shown, ignoring capitals and "
        "line breaks.",
    ),
    Field("language", LANGUAGE, "Every notice shown is in this language (and at least one is shown)."),
)

CASE_FIELDS = (
    Field(
        "name",
        TEXT,
        "What the case checks, as a sentence, unique in the file. It is the test's name in reports.",
        required=True,
        missing="say what the case checks, in a sentence",
    ),
    Field("description", TEXT, "More words, if the name is not enough."),
    Field(
        "reader",
        READER,
        "Who reads the page: a region code (`UA-43`), `unknown`, `anonymous`, or a mapping (below).",
        required=True,
        missing="give region:, ip:, headers:, or unknown",
    ),
    Field(
        "url",
        PAGE,
        "The page: a path (`/a/story/1.html`) or a link (`https://news.example/a/story/1.html`); a "
        "link's host counts for notices limited to some hosts.",
        required=True,
        missing="the page, as a path (/a/story) or a link",
    ),
    Field(
        "language",
        LANGUAGE,
        "The reader's preferred language (what their browser sends as `Accept-Language`).",
    ),
    Field(
        "date",
        MOMENT,
        "When the reader reads: `2025-01-31` (midnight UTC) or `2025-01-31T12:00:00Z`.",
        default="now",
    ),
    Field(
        "expect",
        section(EXPECT_FIELDS, what="notices:, includes:, excludes:, text-contains:", allow_empty=False),
        "What must hold (below).",
        required=True,
        missing="say what must hold (notices:, includes:, ...)",
    ),
)


def case_label(node: MarkedMapping, index: int) -> str:
    """How messages name a case: by its name when it has one, else by its place in the list."""
    name = plain_text(node.get("name"))
    return f"case {name!r}" if name is not None else f"cases[{index}]"


FILE_FIELDS = (
    Field("description", TEXT, "What the cases in this file are about, in a sentence or two."),
    Field(
        "rules",
        FILE_PATH,
        "The rules file or directory these cases test, relative to this file. Used by the pytest "
        "plugin; `geonotice test` takes the rules on its command line instead.",
    ),
    Field(
        "geoip-db",
        FILE_PATH,
        "A MaxMind-format database for readers given by address, relative to this file.",
    ),
    Field(
        "cases",
        items(
            CASE_FIELDS,
            label=case_label,
            item_what="a case (name:, reader:, url:, expect:)",
            list_what="a list of cases",
        ),
        "The cases, one list item each.",
        required=True,
        missing="the list of cases this file checks",
    ),
)


def json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of one policy-case file, for editors."""
    return document_schema(
        "https://geonotice.invalid/schema/policy-cases-v1.json", "geonotice policy cases", FILE_FIELDS
    )


def json_schema_text() -> str:
    return schema_text(json_schema())


def docs_reference() -> str:
    """The reference of ``docs/policy-tests.md``: keys per section, then the case files' own problems."""
    return render(
        (
            ("A case file", FILE_FIELDS),
            ("A case", CASE_FIELDS),
            ("A reader written as a mapping", READER_FIELDS),
            ("A reader's `cdn` written as a mapping", CDN_FIELDS),
            ("`expect`", EXPECT_FIELDS),
        ),
        case_codes.CATALOGUE,
        codes_intro=(
            "A case file is read like a rules file, so it can also have the YAML and key problems "
            "listed in [the rules reference](rules.md#problems) (`syntax`, `duplicate-key`, "
            "`unknown-key`, `missing-key`, `wrong-type`...). These are particular to case files:"
        ),
    )
