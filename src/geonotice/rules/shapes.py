"""What a text value in the rules may look like: names, language tags, regions, paths, hosts.

The scalar and list types of ``schema.py`` that differ only in what text they accept are rows of
``TEXT_RULES`` and ``LIST_RULES`` here, each a description (for "expected ..." messages), a
problem code and a function saying what is wrong with a text; the policy-case loader reuses the
same functions, so both formats answer a mistake with the same words.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from geonotice.region import region_code_problem
from geonotice.rules import schema
from geonotice.rules.globs import glob_problem, host_problem
from geonotice.rules.yamlsafe import Marked

SLUG = re.compile(schema.SLUG_PATTERN)
LANGUAGE = re.compile(schema.LANGUAGE_PATTERN)
# A reader's language as a browser may send it: the rules write tags in lower case, readers need not.
READER_LANGUAGE = re.compile(r"[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*")


@dataclass(frozen=True, slots=True)
class Ref:
    """A name written somewhere (an include, an ``applies to`` entry), kept with its place."""

    name: str
    path: str
    node: Marked


@dataclass(frozen=True, slots=True)
class TextRule:
    """A text value with a shape: what to call it when it is missing, and what is wrong with it."""

    what: str
    code: str
    problem: Callable[[str], str | None]


@dataclass(frozen=True, slots=True)
class ListRule:
    """A list of text values, each checked by ``item``; ``keep`` is what the builders get per item."""

    item: TextRule
    keep: Callable[[str, Marked, str], Any] = lambda text, node, path: text


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the candidate ``word`` was probably meant to be, else ``""``.

    Spelling a key with ``_`` or ``-`` for a space (``default_language``) is the commonest slip.
    """
    candidates = sorted(candidates)
    normalized = word.replace("_", " ").replace("-", " ").strip().lower()
    for candidate in candidates:
        if candidate.replace("-", " ") == normalized:
            return f" (did you mean {candidate!r}?)"
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


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


def join(where: str, key: str) -> str:
    """The breadcrumb of ``key`` inside ``where``: ``notice 'x': pages``, ``pages.paths``."""
    if not where:
        return key
    return f"{where}: {key}" if where.endswith("'") else f"{where}.{key}"


def _glob_problem(glob: str) -> str | None:
    problem = glob_problem(glob)
    return None if problem is None else f"{glob!r} can never match: {problem}"


def _content_type_problem(media: str) -> str | None:
    if media in schema.CONTENT_TYPES:
        return None
    hint = did_you_mean(media, schema.CONTENT_TYPES) or f" (expected {' or '.join(schema.CONTENT_TYPES)})"
    return f"unknown content type {media!r}{hint}"


def _url_problem(text: str) -> str | None:
    if re.match(r"https?://[^\s/]+", text):
        return None
    return f"expected a link starting with https://, got {text!r}"


NAME = TextRule("a name like 'ru-undesirable-organization'", "invalid-name", slug_problem)
LANGUAGE_TAG = TextRule("a language tag like 'en'", "invalid-language", language_problem)

TEXT_RULES = {
    "text": TextRule("text", "", lambda text: None),
    "slug": NAME,
    "language": LANGUAGE_TAG,
    "url": TextRule("a link", "invalid-url", _url_problem),
}

LIST_RULES = {
    "regions": ListRule(
        TextRule("a region code like 'RU' or 'UA-43'", "invalid-region", region_code_problem),
        keep=lambda code, node, path: (code, node),
    ),
    "jurisdiction-names": ListRule(NAME, keep=lambda name, node, path: Ref(name, path, node)),
    "notice-ids": ListRule(NAME, keep=lambda name, node, path: Ref(name, path, node)),
    "globs": ListRule(TextRule("a path pattern like '/a/**'", "dead-glob", _glob_problem)),
    "hosts": ListRule(
        TextRule("a host name", "invalid-host", host_problem), keep=lambda host, node, path: host.lower()
    ),
    "content-types": ListRule(TextRule("a content type", "invalid-content-type", _content_type_problem)),
}
