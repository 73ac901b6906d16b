"""The rules format, version 1, declared once as data.

The validator reads ``FILE_FIELDS`` to know which keys exist, which are required and what type
each value has; ``json_schema()`` turns the same tables into a JSON Schema for editors; and
``docs_reference()`` renders them as the reference tables of ``docs/rules.md`` (a test keeps the
document in step). ``CODES`` lists every problem the checker reports, with a failing and a
passing example, the way yamllint documents each rule.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

VERSION = 1

ALLOWED_TAGS = ("p", "a", "strong", "em", "br")
LINK_SCHEMES = ("http", "https", "mailto")
CONTENT_TYPES = ("text/html", "application/json")
SIMPLE_PLACEMENTS = ("start-of-body", "end-of-body", "start-of-article")
TARGETED_PLACEMENTS = ("element", "marker")  # written as a mapping: {element: notice-slot}

SLUG_PATTERN = r"[a-z0-9]+(?:-[a-z0-9]+)*"
LANGUAGE_PATTERN = r"[a-z]{2,3}(?:-[A-Za-z0-9]{2,8})*"
REGION_PATTERN = r"[A-Z]{2}(?:-[A-Z0-9]{1,3})?"
ELEMENT_ID_PATTERN = r"[A-Za-z][A-Za-z0-9_:.-]*"


@dataclass(frozen=True, slots=True)
class Field:
    """One key of the format: its name as written, the type of its value, and what it means.

    ``type`` names a value checker in ``validate.py`` and a JSON Schema fragment here, so a new
    type is added in both places. ``fields`` describes the keys of nested mappings.
    """

    key: str
    type: str
    help: str
    required: bool = False
    default: str = ""
    fields: tuple[Field, ...] = ()


JURISDICTION_FIELDS = (
    Field("description", "text", "What this jurisdiction is, in words, for the people who read the rules."),
    Field(
        "regions",
        "regions",
        "Countries (ISO 3166-1 alpha-2, `RU`) and subdivisions (ISO 3166-2, `UA-43`) it covers.",
    ),
    Field("includes", "jurisdiction-names", "Other jurisdictions whose regions it also covers."),
    Field("except", "regions", "Regions it does not cover, even when `regions` or `includes` name them."),
)

PAGES_FIELDS = (
    Field(
        "paths",
        "globs",
        "Which pages: path patterns. `*` is any text within one path segment, `**` any text across "
        "segments, `?` one character, `{en,ru}` one of the choices.",
        default='`["/**"]` (every page)',
    ),
    Field("except", "globs", "Pages left out, even when `paths` covers them."),
    Field("hosts", "hosts", "Only on these host names (`news.example`, `*.example`).", default="every host"),
    Field(
        "content types",
        "content-types",
        "`text/html` (pages) and/or `application/json` (API answers get a `legal_notices` field).",
        default="`[text/html]`",
    ),
)

NOTICE_FIELDS = (
    Field("id", "slug", "A unique name for the notice: lower-case words joined by `-`.", required=True),
    Field("title", "text", "A short human title, for the people who read the rules and reports."),
    Field(
        "applies to",
        "jurisdiction-names",
        "The jurisdictions whose readers get the notice.",
        default="nobody (only `readers`)",
    ),
    Field(
        "text",
        "html-by-language",
        "The notice text per language (`en`, `ru`, `pt-BR`), in a small HTML subset: "
        "`<p>`, `<a href>`, `<strong>`, `<em>`, `<br>`.",
        required=True,
    ),
    Field(
        "default language",
        "language",
        "The language shown when the page's language has no text.",
        required=True,
    ),
    Field(
        "placement",
        "placement",
        "Where on the page: `start-of-body`, `end-of-body`, `start-of-article`, "
        "`{element: ID}` (inside the element with that id, at its start) or `{marker: NAME}` "
        "(in place of the comment `<!-- geonotice: NAME -->`).",
        default="`start-of-body`",
    ),
    Field("pages", "section", "Which pages get the notice.", default="every HTML page", fields=PAGES_FIELDS),
    Field("from", "moment", "First day (or UTC time) the notice is in force.", default="always"),
    Field(
        "until",
        "moment",
        "The day (or UTC time) it stops: the notice is not shown from then on.",
        default="never",
    ),
    Field("priority", "integer", "Order when several notices apply: higher comes first.", default="`0`"),
    Field("legal basis", "text", "The law or decision that requires the notice."),
    Field("owner", "text", "Who is responsible for the notice (a person or a team)."),
    Field("last reviewed", "date", "When a lawyer last confirmed the notice (a date)."),
    Field("reference", "url", "A link to the decision, register entry or memo."),
)

READERS_FIELDS = (
    Field(
        "unknown",
        "notice-ids",
        "Notices for readers whose location cannot be determined.",
        default="`[]` (nothing)",
    ),
    Field(
        "anonymous",
        "notice-ids",
        "Notices for readers on an anonymity network such as Tor.",
        default="`[]` (nothing)",
    ),
)

FILE_FIELDS = (
    Field("version", "integer", "The format version: `1`.", required=True),
    Field(
        "jurisdictions",
        "named-sections",
        "Named sets of regions, by name.",
        fields=JURISDICTION_FIELDS,
    ),
    Field("notices", "section-list", "The notices, one list item each.", fields=NOTICE_FIELDS),
    Field("readers", "section", "What readers without a known region get.", fields=READERS_FIELDS),
    Field(
        "page languages",
        "prefix-languages",
        'The language of the pages under a path prefix (`"/ru/": ru`), to choose the notice text.',
    ),
)


@dataclass(frozen=True, slots=True)
class Code:
    """A kind of problem: its level, what it means, and a failing and a passing YAML example."""

    code: str
    level: str
    summary: str
    fail: str
    ok: str


CODES = (
    Code(
        "syntax",
        "error",
        "The file is not valid YAML (or not UTF-8).",
        "regions: [RU, UA-43",
        "regions: [RU, UA-43]",
    ),
    Code(
        "too-large", "error", "The file is over the size limit (1 MB).", "(a 2 MB file)", "(a few kilobytes)"
    ),
    Code("too-deep", "error", "Lists and mappings nest too deeply.", "a: [[[[[[...]]]]]]", "a: [b]"),
    Code(
        "yaml-alias",
        "error",
        "Anchors and aliases (`&x`, `*x`) are refused.",
        "regions: *russia",
        "regions: [RU]",
    ),
    Code(
        "yaml-tag",
        "error",
        "Tags (`!!str`, `!!python/...`) are refused.",
        "regions: [!!str NO]",
        'regions: ["NO"]',
    ),
    Code(
        "duplicate-key",
        "error",
        "A key appears twice in one mapping; YAML would silently keep only the last.",
        "text:\n  en: <p>A</p>\n  en: <p>B</p>",
        "text:\n  en: <p>A</p>\n  ru: <p>Б</p>",
    ),
    Code(
        "invalid-value",
        "error",
        "A value has the shape of a date but is not one.",
        "from: 2024-13-01",
        "from: 2024-12-01",
    ),
    Code("version", "error", "The file does not say `version: 1`.", "version: 2", "version: 1"),
    Code(
        "unknown-key",
        "error",
        "A key the format does not have.",
        "default_language: en",
        "default language: en",
    ),
    Code(
        "missing-key",
        "error",
        "A required key is missing.",
        "- id: x\n  text: {en: <p>A</p>}",
        "- id: x\n  text: {en: <p>A</p>}\n  default language: en",
    ),
    Code(
        "wrong-type",
        "error",
        "A value of the wrong kind (a list where text is expected...).",
        "priority: high",
        "priority: 10",
    ),
    Code(
        "quote-it",
        "error",
        "YAML read a code as something else (`NO` is false, `2024-01-01` a date): quote it.",
        "regions: [NO]",
        'regions: ["NO"]',
    ),
    Code(
        "invalid-region",
        "error",
        "Not an ISO 3166 country or subdivision code.",
        "regions: [UA-99]",
        "regions: [UA-09]",
    ),
    Code(
        "invalid-name",
        "error",
        "An id or jurisdiction name that is not lower-case words joined by `-`.",
        "id: RU Notice",
        "id: ru-notice",
    ),
    Code(
        "invalid-language",
        "error",
        "Not a language tag like `en`, `ru` or `pt-BR`.",
        "default language: English",
        "default language: en",
    ),
    Code(
        "invalid-date",
        "error",
        "Not a date (`2024-01-01`) or a UTC time (`2024-01-01T12:00:00Z`).",
        "from: 1 May 2024",
        "from: 2024-05-01",
    ),
    Code(
        "invalid-url",
        "error",
        "The reference is not an http(s) link.",
        "reference: www.example.org",
        "reference: https://www.example.org",
    ),
    Code(
        "invalid-placement",
        "error",
        "Not one of the placements.",
        "placement: top",
        "placement: start-of-body",
    ),
    Code(
        "invalid-content-type",
        "error",
        "A content type geonotice cannot add notices to.",
        "content types: [text/plain]",
        "content types: [text/html]",
    ),
    Code(
        "invalid-host",
        "error",
        "Not a host name pattern.",
        "hosts: [https://news.example/]",
        "hosts: [news.example]",
    ),
    Code(
        "duplicate-id",
        "error",
        "Two notices or two jurisdictions with the same name, in any files.",
        "- id: a\n...\n- id: a",
        "- id: a\n...\n- id: b",
    ),
    Code(
        "duplicate-setting",
        "error",
        "`readers` or `page languages` given in more than one file.",
        "(readers: in two files)",
        "(readers: in one file)",
    ),
    Code(
        "undefined-jurisdiction",
        "error",
        "A jurisdiction name that is not defined.",
        "applies to: [rusia]",
        "applies to: [russia]",
    ),
    Code(
        "undefined-notice",
        "error",
        "A notice id that is not defined.",
        "unknown: [no-such-notice]",
        "unknown: [ru-undesirable-organization]",
    ),
    Code(
        "include-cycle",
        "error",
        "Jurisdictions that include each other in a circle.",
        "a: {includes: [b]}\nb: {includes: [a]}",
        "a: {includes: [b]}\nb: {regions: [RU]}",
    ),
    Code(
        "empty-jurisdiction",
        "error",
        "A jurisdiction with no regions and no includes.",
        "russia: {description: Russia}",
        "russia: {regions: [RU]}",
    ),
    Code(
        "missing-default-text",
        "error",
        "No text in the notice's default language.",
        "text: {ru: <p>Б</p>}\ndefault language: en",
        "text: {en: <p>A</p>, ru: <p>Б</p>}\ndefault language: en",
    ),
    Code("empty-text", "error", "A text that is empty.", 'text: {en: ""}', "text: {en: <p>A</p>}"),
    Code(
        "disallowed-html",
        "error",
        "HTML outside the allowed subset (tags, attributes, link targets); nothing is silently removed.",
        'en: <p onclick="x()">A</p><img src=x>',
        'en: <p>A <a href="https://example.org">link</a></p>',
    ),
    Code(
        "window-order",
        "error",
        "`until` is not after `from`: the notice would never be in force.",
        "from: 2024-05-01\nuntil: 2024-01-01",
        "from: 2024-01-01\nuntil: 2024-05-01",
    ),
    Code(
        "dead-glob",
        "error",
        "A path pattern that can never match a page path.",
        'paths: ["a/**", "/a/?page=2"]',
        'paths: ["/a/**"]',
    ),
    Code(
        "not-found",
        "error",
        "The rules path does not exist or cannot be read.",
        "geonotice check rulez/",
        "geonotice check rules/",
    ),
    Code(
        "no-rules",
        "error",
        "A rules directory with no `*.yaml` file.",
        "(an empty directory)",
        "(rules/main.yaml)",
    ),
    Code(
        "expired",
        "warning",
        "The notice's `until` has passed: it is no longer shown.",
        "until: 2020-01-01",
        "(no until, or a future one)",
    ),
    Code(
        "not-yet-reviewed",
        "warning",
        "`last reviewed` is in the future.",
        "last reviewed: 2999-01-01",
        "last reviewed: 2025-01-15",
    ),
    Code(
        "review-overdue",
        "warning",
        "`last reviewed` is more than a year ago.",
        "last reviewed: 2019-01-01",
        "(a date within the last year)",
    ),
    Code(
        "unused-jurisdiction",
        "warning",
        "A jurisdiction no notice uses.",
        "(defined, never in applies to)",
        "applies to: [russia]",
    ),
    Code(
        "unused-notice",
        "warning",
        "A notice that applies to nobody and is not in `readers`.",
        "(no applies to)",
        "applies to: [russia]",
    ),
    Code(
        "exclude-outside",
        "warning",
        "An `except` region that is not inside the jurisdiction anyway.",
        "regions: [UA]\nexcept: [DE-BE]",
        "regions: [UA]\nexcept: [UA-43]",
    ),
    Code(
        "ignored-file",
        "warning",
        "A file in the rules directory that is not read (only `*.yaml` is).",
        "rules/extra.yml",
        "rules/extra.yaml",
    ),
    Code("empty-file", "warning", "A rules file with nothing in it.", "(an empty file)", "version: 1"),
)

CODES_BY_NAME = {code.code: code for code in CODES}


def all_keys(fields: tuple[Field, ...]) -> tuple[str, ...]:
    return tuple(field.key for field in fields)


# JSON Schema fragments per value type: what editors use to complete and underline while typing.
def _fragment(field: Field) -> dict[str, Any]:
    def listed(item: dict[str, Any]) -> dict[str, Any]:
        # One value is accepted where a list is expected: `regions: RU` reads as `[RU]`.
        return {"anyOf": [item, {"type": "array", "items": item}]}

    slug = {"type": "string", "pattern": f"^{SLUG_PATTERN}$"}
    language = {"type": "string", "pattern": f"^{LANGUAGE_PATTERN}$"}
    moment = {
        "type": "string",
        "pattern": r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]00:?00))?$",
    }
    match field.type:
        case "integer":
            result: dict[str, Any] = {"type": "integer"}
        case "text":
            result = {"type": "string"}
        case "slug":
            result = slug
        case "language":
            result = language
        case "date":
            result = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
        case "moment":
            result = moment
        case "url":
            result = {"type": "string", "pattern": "^https?://"}
        case "regions":
            result = listed({"type": "string", "pattern": f"^{REGION_PATTERN}$"})
        case "jurisdiction-names" | "notice-ids":
            result = listed(slug)
        case "globs":
            result = listed({"type": "string", "pattern": "^/"})
        case "hosts":
            result = listed({"type": "string"})
        case "content-types":
            result = listed({"enum": list(CONTENT_TYPES)})
        case "html-by-language":
            result = {
                "type": "object",
                "propertyNames": language,
                "additionalProperties": {"type": "string", "minLength": 1},
                "minProperties": 1,
            }
        case "placement":
            result = {
                "anyOf": [
                    {"enum": list(SIMPLE_PLACEMENTS)},
                    *(
                        {
                            "type": "object",
                            "properties": {name: {"type": "string"}},
                            "required": [name],
                            "additionalProperties": False,
                        }
                        for name in TARGETED_PLACEMENTS
                    ),
                ]
            }
        case "prefix-languages":
            result = {"type": "object", "propertyNames": {"pattern": "^/"}, "additionalProperties": language}
        case "section":
            result = _object(field.fields)
        case "named-sections":
            result = {"type": "object", "propertyNames": slug, "additionalProperties": _object(field.fields)}
        case "section-list":
            result = {"type": "array", "items": _object(field.fields)}
        case _:  # pragma: no cover - a type added to the tables but not here
            raise AssertionError(f"no JSON Schema for field type {field.type!r}")
    if field.key == "version":
        result = {"const": VERSION}
    return {"description": field.help, **result}


def _object(fields: tuple[Field, ...]) -> dict[str, Any]:
    return {
        "type": "object",
        "properties": {field.key: _fragment(field) for field in fields},
        "required": [field.key for field in fields if field.required],
        "additionalProperties": False,
    }


def json_schema() -> dict[str, Any]:
    """A JSON Schema (draft 2020-12) of one rules file, for editors such as VS Code's YAML extension."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://geonotice.invalid/schema/rules-v1.json",
        "title": "geonotice rules, version 1",
        **_object(FILE_FIELDS),
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"


def _table(fields: tuple[Field, ...]) -> list[str]:
    lines = ["| Key | Required | Default | Meaning |", "|---|---|---|---|"]
    for field in fields:
        required = "yes" if field.required else "no"
        lines.append(f"| `{field.key}` | {required} | {field.default or '-'} | {field.help} |")
    return lines


def docs_reference() -> str:
    """The reference tables of ``docs/rules.md``: keys per section, then problem codes."""
    out: list[str] = []
    for title, fields in (
        ("A rules file", FILE_FIELDS),
        ("A jurisdiction", JURISDICTION_FIELDS),
        ("A notice", NOTICE_FIELDS),
        ("A notice's `pages`", PAGES_FIELDS),
        ("`readers`", READERS_FIELDS),
    ):
        out += [f"#### {title}", "", *_table(fields), ""]
    out += ["#### Problems", ""]
    for code in CODES:
        out += [
            f"##### `{code.code}` ({code.level})",
            "",
            code.summary,
            "",
            "FAIL:",
            "```yaml",
            code.fail,
            "```",
            "PASS:",
            "```yaml",
            code.ok,
            "```",
            "",
        ]
    return "\n".join(out)
