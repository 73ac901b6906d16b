"""The kinds of value the rules format has, each a ``ValueType``: how it is checked and how JSON
Schema describes it, in one place.

Texts with a shape (names, regions, paths...) are made from the ``TextRule`` values of
``shapes.py``; the kinds with structure (dates, placements, texts per language) have a check
function here. A new kind is one more ``ValueType`` here, named by a field in ``schema.py``.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from geonotice.rules import codes
from geonotice.rules.html import html_problems
from geonotice.rules.model import LanguageRule, Placement, PlacementKind
from geonotice.rules.shapes import (
    ANY_TEXT,
    CONTENT_TYPE,
    GLOB,
    HOST,
    LANGUAGE_TAG,
    NAME,
    REGION,
    SLUG,
    STYLE,
    URL,
    Ref,
    as_moment,
    language_problem,
)
from geonotice.rules.vocabulary import (
    CONTENT_TYPES,
    ELEMENT_ID_PATTERN,
    LANGUAGE_PATTERN,
    REGION_PATTERN,
    SIMPLE_PLACEMENTS,
    SLUG_PATTERN,
    STATUSES,
    TARGETED_PLACEMENTS,
    VERSION,
)
from geonotice.yamlcheck import INVALID, ValueType, Walker
from geonotice.yamlcheck import codes as yaml_codes
from geonotice.yamlcheck.fields import fixed
from geonotice.yamlcheck.hints import choice_hint, did_you_mean
from geonotice.yamlcheck.loader import Marked, MarkedMapping, MarkedScalar, describe
from geonotice.yamlcheck.values import INTEGER, check_text, text, text_list
from geonotice.yamlcheck.walker import join

_ELEMENT_ID = re.compile(ELEMENT_ID_PATTERN)

_SLUG_SCHEMA = {"type": "string", "pattern": f"^{SLUG_PATTERN}$"}
_LANGUAGE_SCHEMA = {"type": "string", "pattern": f"^{LANGUAGE_PATTERN}$"}


def _ref(name: str, node: Marked, path: str) -> Ref:
    return Ref(name, path, node)


def _region(code: str, node: Marked, path: str) -> tuple[str, Marked]:
    return code, node


# -- texts and lists of texts ---------------------------------------------------------------------------

VERSION_NUMBER = ValueType(INTEGER.check, fixed({"const": VERSION}))
TEXT = text(ANY_TEXT, {"type": "string"})
SLUG_NAME = text(NAME, _SLUG_SCHEMA)
LANGUAGE = text(LANGUAGE_TAG, _LANGUAGE_SCHEMA)
LINK = text(URL, {"type": "string", "pattern": "^https?://"})
REGIONS = text_list(REGION, {"type": "string", "pattern": f"^{REGION_PATTERN}$"}, keep=_region)
NAMES = text_list(NAME, _SLUG_SCHEMA, keep=_ref)
GLOBS = text_list(GLOB, {"type": "string", "pattern": "^/"})
HOSTS = text_list(HOST, {"type": "string"}, keep=lambda host, node, path: host.lower())
MEDIA_TYPES = text_list(CONTENT_TYPE, {"enum": list(CONTENT_TYPES)})


STYLE_NAME = text(STYLE, _SLUG_SCHEMA)


# -- choices ----------------------------------------------------------------------------------------------


def _boolean(walker: Walker, node: Marked, where: str) -> Any:
    if isinstance(node, MarkedScalar) and isinstance(node.value, bool):
        return node.value
    walker.report(node, yaml_codes.WRONG_TYPE, f"{where}: expected true or false, got {describe(node)}")
    return INVALID


def _status(walker: Walker, node: Marked, where: str) -> Any:
    status = walker.string(node, where, "live or draft")
    if status is None:
        return INVALID
    if status not in STATUSES:
        hint = choice_hint(status, STATUSES)
        walker.report(node, codes.INVALID_STATUS, f"{where}: unknown status {status!r}{hint}")
        return INVALID
    return status


BOOLEAN = ValueType(_boolean, fixed({"type": "boolean"}))
STATUS = ValueType(_status, fixed({"enum": list(STATUSES)}))


# -- dates ------------------------------------------------------------------------------------------------


def _date(walker: Walker, node: Marked, where: str) -> Any:
    if isinstance(node, MarkedScalar):
        if isinstance(node.value, dt.date) and not isinstance(node.value, dt.datetime):
            return node.value
        if isinstance(node.value, str):
            try:
                return dt.date.fromisoformat(node.value.strip())
            except ValueError:
                pass
    walker.report(node, codes.INVALID_DATE, f"{where}: expected a date like 2025-01-31, got {describe(node)}")
    return INVALID


def _moment(walker: Walker, node: Marked, where: str) -> Any:
    value = as_moment(node.value) if isinstance(node, MarkedScalar) else None
    if isinstance(value, dt.datetime):
        offset = value.utcoffset()
        if offset is None or offset:
            written = node.text if isinstance(node, MarkedScalar) else ""
            fix = (
                f"say the time is UTC by ending it in Z ({written}Z)"
                if offset is None
                else f"give the time in UTC, ending in Z, not with offset {offset}"
            )
            walker.report(node, codes.INVALID_DATE, f"{where}: {fix}")
            return INVALID
        return value.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), dt.UTC)
    walker.report(
        node,
        codes.INVALID_DATE,
        f"{where}: expected a date (2025-01-31) or a UTC time (2025-01-31T12:00:00Z), got {describe(node)}",
    )
    return INVALID


DATE = ValueType(_date, fixed({"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}))
MOMENT = ValueType(
    _moment,
    fixed(
        {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]00:?00))?$"}
    ),
)


# -- notice texts -----------------------------------------------------------------------------------------


def _texts(walker: Walker, node: Marked, where: str) -> Any:
    mapping = walker.mapping(node, where)
    if mapping is None:
        return INVALID
    texts: dict[str, str] = {}
    for key, value in mapping.entries:
        here = join(where, key.name)
        problem = language_problem(key.name)
        if problem is not None:
            walker.report(key, codes.INVALID_LANGUAGE, f"{here}: {problem}")
            continue
        html = walker.string(value, here, "HTML text")
        if html is None:
            continue
        if not html.strip():
            walker.report(value, codes.EMPTY_TEXT, f"{here}: the text is empty")
            continue
        for code, problem in html_problems(html):
            walker.report(value, code, f"{here}: {problem}")
        texts[key.name] = html
    return texts


HTML_BY_LANGUAGE = ValueType(
    _texts,
    fixed(
        {
            "type": "object",
            "propertyNames": _LANGUAGE_SCHEMA,
            "additionalProperties": {"type": "string", "minLength": 1},
            "minProperties": 1,
        }
    ),
)


# -- placements -------------------------------------------------------------------------------------------


def _placement(walker: Walker, node: Marked, where: str) -> Any:
    choices = ", ".join([*SIMPLE_PLACEMENTS, *(f"{{{k}: ...}}" for k in TARGETED_PLACEMENTS)])
    if isinstance(node, MarkedScalar) and isinstance(node.value, str):
        if node.value in SIMPLE_PLACEMENTS:
            return Placement(PlacementKind(node.value))
        hint = did_you_mean(node.value, [*SIMPLE_PLACEMENTS, *TARGETED_PLACEMENTS])
        walker.report(
            node,
            codes.INVALID_PLACEMENT,
            f"{where}: unknown placement {node.value!r}{hint}; expected {choices}",
        )
        return INVALID
    if isinstance(node, MarkedMapping) and len(node.entries) == 1:
        key, value = node.entries[0]
        if key.name in TARGETED_PLACEMENTS:
            here = join(where, key.name)
            target = walker.string(value, here, "an element id or marker name")
            if target is None:
                return INVALID
            pattern = _ELEMENT_ID if key.name == PlacementKind.ELEMENT else SLUG
            if not pattern.fullmatch(target):
                what = (
                    "an element id"
                    if key.name == PlacementKind.ELEMENT
                    else "a marker name (lower-case words and -)"
                )
                walker.report(value, codes.INVALID_PLACEMENT, f"{here}: {target!r} is not {what}")
                return INVALID
            return Placement(PlacementKind(key.name), target)
    walker.report(node, codes.INVALID_PLACEMENT, f"{where}: expected one of {choices}, got {describe(node)}")
    return INVALID


PLACEMENT = ValueType(
    _placement,
    fixed(
        {
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
    ),
)


# -- page languages ---------------------------------------------------------------------------------------


def _prefix_languages(walker: Walker, node: Marked, where: str) -> Any:
    mapping = walker.mapping(node, where, none_ok=True)
    if mapping is None:
        return INVALID
    rules = []
    for key, value in mapping.entries:
        here = f"{where} {key.name!r}"
        if not key.name.startswith("/"):
            walker.report(key, codes.DEAD_GLOB, f"{here}: a path prefix starts with '/' (like '/ru/')")
            continue
        language = check_text(walker, value, here, LANGUAGE_TAG)
        if language is not INVALID:
            prefix = key.name if key.name.endswith("/") else key.name + "/"
            rules.append(LanguageRule(prefix, language))
    return rules


PREFIX_LANGUAGES = ValueType(
    _prefix_languages,
    fixed({"type": "object", "propertyNames": {"pattern": "^/"}, "additionalProperties": _LANGUAGE_SCHEMA}),
)
