"""What a text value in the rules may look like: names, language tags, regions, paths, hosts.

Each shape is a ``TextRule``: a description (for "expected ..." messages), the problem code and a
function saying what is wrong with a text. ``values.py`` makes value types of them; the
policy-case format reuses the same functions, so both formats answer a mistake with the same words.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from geonotice.region import region_code_problem
from geonotice.rules import codes
from geonotice.rules.globs import glob_problem, host_problem
from geonotice.rules.vocabulary import CONTENT_TYPES, LANGUAGE_PATTERN, SLUG_PATTERN
from geonotice.yamlcheck.hints import did_you_mean
from geonotice.yamlcheck.loader import Marked
from geonotice.yamlcheck.values import TextRule

SLUG = re.compile(SLUG_PATTERN)
LANGUAGE = re.compile(LANGUAGE_PATTERN)
# A reader's language as a browser may send it: the rules write tags in lower case, readers need not.
READER_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True, slots=True)
class Ref:
    """A name written somewhere (an include, an ``applies to`` entry), kept with its place."""

    name: str
    path: str
    node: Marked


def slug_problem(text: str) -> str | None:
    if SLUG.fullmatch(text):
        return None
    suggestion = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    hint = f" (did you mean {suggestion!r}?)" if suggestion and SLUG.fullmatch(suggestion) else ""
    return f"{text!r} is not a valid name: use lower-case letters, digits and '-'{hint}"


def language_problem(text: str, pattern: re.Pattern[str] = LANGUAGE) -> str | None:
    if pattern.fullmatch(text):
        return None
    return f"{text!r} is not a language tag like 'en', 'ru' or 'pt-BR'"


def as_moment(value: object) -> dt.date | dt.datetime | None:
    """A date or time as YAML loaded it or as ISO text (``2025-01-31``, ``...T12:00:00Z``), else ``None``."""
    if isinstance(value, str):
        text = value.strip()
        try:
            return dt.date.fromisoformat(text) if len(text) == 10 else dt.datetime.fromisoformat(text)
        except ValueError:
            return None
    return value if isinstance(value, dt.date) else None


def _glob_problem(glob: str) -> str | None:
    problem = glob_problem(glob)
    return None if problem is None else f"{glob!r} can never match: {problem}"


def _content_type_problem(media: str) -> str | None:
    if media in CONTENT_TYPES:
        return None
    hint = did_you_mean(media, CONTENT_TYPES) or f" (expected {' or '.join(CONTENT_TYPES)})"
    return f"unknown content type {media!r}{hint}"


def _url_problem(text: str) -> str | None:
    if re.match(r"https?://[^\s/]+", text):
        return None
    return f"expected a link starting with https://, got {text!r}"


ANY_TEXT = TextRule("text", None, lambda text: None)
NAME = TextRule("a name like 'ru-undesirable-organization'", codes.INVALID_NAME, slug_problem)
STYLE = TextRule("a style name like 'label-large'", codes.INVALID_NAME, slug_problem)
LANGUAGE_TAG = TextRule("a language tag like 'en'", codes.INVALID_LANGUAGE, language_problem)
URL = TextRule("a link", codes.INVALID_URL, _url_problem)
REGION = TextRule("a region code like 'RU' or 'UA-43'", codes.INVALID_REGION, region_code_problem)
GLOB = TextRule("a path pattern like '/a/**'", codes.DEAD_GLOB, _glob_problem)
HOST = TextRule("a host name", codes.INVALID_HOST, host_problem)
CONTENT_TYPE = TextRule("a content type", codes.INVALID_CONTENT_TYPE, _content_type_problem)
