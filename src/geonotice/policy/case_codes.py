"""The problems particular to policy-case files, each with a failing and a passing case file.

A case file is read by the same loader and walker as the rules, so it can also have the YAML and
key problems of ``geonotice.yamlcheck.codes`` (``syntax``, ``duplicate-key``, ``unknown-key``,
``missing-key``, ``wrong-type``...), which ``docs/rules.md`` documents. ``CATALOGUE`` is the list
``docs/policy-tests.md`` documents; ``tests/policy/test_case_docs.py`` runs every example.
"""

from __future__ import annotations

from geonotice.yamlcheck.problems import ProblemCode


def _case(
    reader: str = "UA-43",
    *extra: str,
    name: str = "a reader in Crimea is warned",
    expect: str = "{includes: [ru-undesirable-organization]}",
) -> str:
    """A file with one case (the first line of ``cases:`` included), with ``extra`` lines added."""
    lines = [f"  - name: {name}", f"    reader: {reader}", "    url: /a/story.html"]
    lines += [f"    {line}" for line in extra] + [f"    expect: {expect}"]
    return "\n".join(["cases:", *lines]) + "\n"


def _two_cases(first: str, second: str) -> str:
    return _case(name=first) + _case(name=second).removeprefix("cases:\n")


EMPTY_FILE = ProblemCode(
    "empty-file", "error", "A case file with nothing in it.", "# cases to come\n", _case()
)
UNREADABLE = ProblemCode(
    "unreadable",
    "error",
    "The case file cannot be read (a folder, or no permission).",
    "(a case file geonotice may not read)",
    "(a readable case file)",
)
DUPLICATE_CASE = ProblemCode(
    "duplicate-case",
    "error",
    "Two cases with the same name in one file.",
    _two_cases("a reader in Crimea is warned", "a reader in Crimea is warned"),
    _two_cases("a reader in Crimea is warned", "a reader in Sevastopol is warned"),
)
INVALID_READER = ProblemCode(
    "invalid-reader",
    "error",
    "A reader given by none, or more than one, of `region`, `ip` and `headers`.",
    _case("{region: UA-43, ip: 192.0.2.17}"),
    _case("{region: UA-43}"),
)
INVALID_REGION = ProblemCode(
    "invalid-region",
    "error",
    "Not an ISO 3166 country or subdivision code.",
    _case("UA-99"),
    _case("UA-43"),
)
INVALID_IP = ProblemCode(
    "invalid-ip", "error", "Not an IP address.", _case("{ip: 192.0.2}"), _case("{ip: 192.0.2.17}")
)
UNKNOWN_CDN = ProblemCode(
    "unknown-cdn",
    "error",
    "Geo headers no known CDN sends, or a CDN geonotice does not know, without `cdn:` naming the headers.",
    _case("{headers: {X-Where: UA, X-Where-Region: '43'}}"),
    _case("{headers: {X-Where: UA, X-Where-Region: '43'}, cdn: {country: X-Where, region: X-Where-Region}}"),
)
INVALID_CDN = ProblemCode(
    "invalid-cdn",
    "error",
    "A `cdn:` whose header names are not valid HTTP header names.",
    _case("{headers: {X-Where: UA}, cdn: {country: X Where}}"),
    _case("{headers: {X-Where: UA}, cdn: {country: X-Where}}"),
)
INVALID_URL = ProblemCode(
    "invalid-url",
    "error",
    "A `url` that is neither a path starting with `/` nor an http(s) link.",
    _case().replace("url: /a/story.html", "url: a/story.html"),
    _case().replace("url: /a/story.html", "url: https://news.example/a/story.html"),
)
INVALID_LANGUAGE = ProblemCode(
    "invalid-language",
    "error",
    "A reader's language that is not a language tag like `en`, `ru` or `pt-BR`.",
    _case("UA-43", "language: Russian!"),
    _case("UA-43", "language: ru"),
)
INVALID_DATE = ProblemCode(
    "invalid-date",
    "error",
    "Not a date (`2025-01-31`) or a time with its zone (`2025-01-31T12:00:00Z`).",
    _case("UA-43", "date: next tuesday"),
    _case("UA-43", "date: 2025-01-31"),
)
UNKNOWN_NOTICE = ProblemCode(
    "unknown-notice",
    "error",
    "A notice id the rules under test do not have; the case fails.",
    _case(expect="{includes: [ru-undesirable-organisation]}"),
    _case(expect="{includes: [ru-undesirable-organization]}"),
)

INVALID_PLACED = ProblemCode(
    "invalid-placed",
    "error",
    'A `placed` that is not a placement (`end-of-article`, `after "p.byline"`...), or whose '
    "selector is outside the supported subset.",
    _case(expect="{includes: [ru-undesirable-organization], placed: below the headline}"),
    _case(expect="{includes: [ru-undesirable-organization], placed: after-headline}"),
)

CATALOGUE: tuple[ProblemCode, ...] = (
    EMPTY_FILE,
    UNREADABLE,
    DUPLICATE_CASE,
    INVALID_READER,
    INVALID_REGION,
    INVALID_IP,
    UNKNOWN_CDN,
    INVALID_CDN,
    INVALID_URL,
    INVALID_LANGUAGE,
    INVALID_DATE,
    UNKNOWN_NOTICE,
    INVALID_PLACED,
)
