"""The kinds of value of the policy-case format: texts (a number is fine as text), notice ids, the
page, the reader's language and the date, each a ``ValueType`` (its check and its JSON Schema).

``case_readers.py`` has the reader, ``case_format.py`` the tables that use them both.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from urllib.parse import unquote, urlsplit

from geonotice.policy import case_codes
from geonotice.rules.shapes import READER_LANGUAGE, Ref, as_moment, language_problem
from geonotice.rules.vocabulary import SLUG_PATTERN
from geonotice.yamlcheck import codes as yaml_codes
from geonotice.yamlcheck.fields import INVALID, JsonSchema, ValueType, fixed
from geonotice.yamlcheck.loader import Marked, MarkedScalar, MarkedSequence, describe
from geonotice.yamlcheck.walker import Walker

NO_NOTICES = ("none", "None", "nothing")


def page_of(url: str) -> tuple[str, str | None] | None:
    """``(path, host)`` of a path or an http(s) link; ``None`` when it is neither (or does not
    parse: ``http://[::1`` makes ``urlsplit`` raise)."""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
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


def case_text(walker: Walker, node: Marked, where: str) -> Any:
    """The check of a text in a case: ``plain_text``, else reported (a boolean or date: "quote it")."""
    text = plain_text(node)
    if text is None:
        hint = " (quote it)" if isinstance(node, MarkedScalar) else ""
        walker.report(node, yaml_codes.WRONG_TYPE, f"{where}: expected text, got {describe(node)}{hint}")
        return INVALID
    return text


def _texts_of(walker: Walker, node: Marked, where: str) -> list[tuple[str, Marked]]:
    """Each text of a list, or the one text given alone, with its node."""
    if not isinstance(node, MarkedSequence):
        text = case_text(walker, node, where)
        return [] if text is INVALID else [(text, node)]
    found = []
    for index, item in enumerate(node.items):
        text = case_text(walker, item, f"{where}[{index}]")
        if text is not INVALID:
            found.append((text, item))
    return found


def _listed(item: JsonSchema) -> JsonSchema:
    return {"anyOf": [item, {"type": "array", "items": item}]}


_SLUG = {"type": "string", "pattern": f"^{SLUG_PATTERN}$"}

TEXT = ValueType(case_text, fixed({"type": ["string", "number"]}))
TEXTS = ValueType(
    lambda walker, node, where: [text for text, _ in _texts_of(walker, node, where)],
    fixed(_listed({"type": "string"})),
)
FILE_PATH = ValueType(case_text, fixed({"type": "string"}))


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
    url = case_text(walker, node, where)
    if url is INVALID:
        return INVALID
    page = page_of(url)
    if page is None:
        message = f"{where}: expected a path starting with / or an http(s) link, got {url!r}"
        walker.report(node, case_codes.INVALID_URL, message)
        return INVALID
    return url, *page


def _language(walker: Walker, node: Marked, where: str) -> Any:
    text = case_text(walker, node, where)
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
