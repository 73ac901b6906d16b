"""Every problem ``geonotice check`` reports, each with a failing and a passing rules file.

``CATALOGUE`` is the list ``docs/rules.md`` documents, in its order: the toolkit's YAML and key
problems first, then the rules' own. A new check names a code defined here (with its examples) and
listed in ``CATALOGUE``; ``tests/rules/test_rules_docs.py`` runs both examples through the checker.
Examples in parentheses describe what YAML cannot show; that test sets each of them up by hand.
"""

from __future__ import annotations

from geonotice.yamlcheck import codes as yaml_codes
from geonotice.yamlcheck.problems import ProblemCode


def _notice(*extra: str, notice_id: str = "warning") -> str:
    """A small valid notice, with ``extra`` lines added to it."""
    lines = [f"  - id: {notice_id}", "    text: {en: <p>Read this.</p>}", "    default language: en"]
    return "\n".join(["version: 1", "notices:", *lines, *(f"    {line}" for line in extra)]) + "\n"


def _jurisdictions(*lines: str, notice: str = "") -> str:
    """A file with these jurisdiction lines, and a notice applying to ``notice`` if given."""
    text = "\n".join(["version: 1", "jurisdictions:", *(f"  {line}" for line in lines)]) + "\n"
    if notice:
        text += _notice(f"applies to: [{notice}]").removeprefix("version: 1\n")
    return text


VERSION = ProblemCode(
    "version", "error", "The file does not say `version: 1`.", "version: 2\n", "version: 1\n"
)

# -- values --------------------------------------------------------------------------------------------
INVALID_REGION = ProblemCode(
    "invalid-region",
    "error",
    "Not an ISO 3166 country or subdivision code.",
    _jurisdictions("crimea: {regions: [UA-99]}"),
    _jurisdictions("crimea: {regions: [UA-43]}"),
)
INVALID_NAME = ProblemCode(
    "invalid-name",
    "error",
    "An id or jurisdiction name that is not lower-case words joined by `-`.",
    _notice(notice_id="RU Notice"),
    _notice(notice_id="ru-notice"),
)
INVALID_LANGUAGE = ProblemCode(
    "invalid-language",
    "error",
    "Not a language tag like `en`, `ru` or `pt-BR`.",
    _notice().replace("default language: en", "default language: English"),
    _notice(),
)
INVALID_DATE = ProblemCode(
    "invalid-date",
    "error",
    "Not a date (`2024-01-01`) or a UTC time (`2024-01-01T12:00:00Z`).",
    _notice("from: 1 May 2024"),
    _notice("from: 2024-05-01"),
)
INVALID_URL = ProblemCode(
    "invalid-url",
    "error",
    "The reference is not an http(s) link.",
    _notice("reference: www.example.org"),
    _notice("reference: https://www.example.org"),
)
INVALID_PLACEMENT = ProblemCode(
    "invalid-placement",
    "error",
    "Not one of the placements.",
    _notice("placement: top"),
    _notice("placement: start-of-body"),
)
INVALID_STATUS = ProblemCode(
    "invalid-status",
    "error",
    "A status other than `live` or `draft`.",
    _notice("status: review"),
    _notice("status: draft"),
)
INVALID_CONTENT_TYPE = ProblemCode(
    "invalid-content-type",
    "error",
    "A content type geonotice cannot add notices to.",
    _notice("pages: {content types: [text/plain]}"),
    _notice("pages: {content types: [text/html]}"),
)
INVALID_HOST = ProblemCode(
    "invalid-host",
    "error",
    "Not a host name pattern.",
    _notice('pages: {hosts: ["https://news.example/"]}'),
    _notice("pages: {hosts: [news.example]}"),
)
EMPTY_TEXT = ProblemCode(
    "empty-text", "error", "A text that is empty.", _notice().replace("<p>Read this.</p>", '""'), _notice()
)
DISALLOWED_HTML = ProblemCode(
    "disallowed-html",
    "error",
    "HTML outside the allowed subset (tags, attributes, link targets); nothing is silently removed.",
    _notice().replace("<p>Read this.</p>", '<p onclick="x()">Read this.</p><img src=x>'),
    _notice().replace("<p>Read this.</p>", '<p>Read <a href="https://example.org">this</a>.</p>'),
)
UNBALANCED_HTML = ProblemCode(
    "unbalanced-html",
    "error",
    "HTML that does not close what it opens, in order: an unclosed `<strong>` makes the rest of "
    "the notice bold. The message shows what readers would get.",
    _notice().replace("<p>Read this.</p>", "<p><strong>Read</p> this.</strong>"),
    _notice().replace("<p>Read this.</p>", "<p><strong>Read</strong> this.</p>"),
)
CHANGED_HTML = ProblemCode(
    "changed-html",
    "error",
    "HTML that the cleaning every served notice goes through would change: the message shows "
    "what readers would get instead.",
    _notice().replace(
        "<p>Read this.</p>",
        '<p><a href="https://news.example/safety">Read <a href="https://news.example">us</a></a>.</p>',
    ),
    _notice().replace("<p>Read this.</p>", '<p><a href="https://news.example/safety">Read us</a>.</p>'),
)
DEAD_GLOB = ProblemCode(
    "dead-glob",
    "error",
    "A path pattern that can never match a page path.",
    _notice('pages: {paths: ["a/**", "/a/?page=2"]}'),
    _notice('pages: {paths: ["/a/**"]}'),
)

# -- one notice or jurisdiction ------------------------------------------------------------------------
EMPTY_JURISDICTION = ProblemCode(
    "empty-jurisdiction",
    "error",
    "A jurisdiction with no regions and no includes.",
    _jurisdictions("russia: {description: Russia}"),
    _jurisdictions("russia: {description: Russia, regions: [RU]}"),
)
MISSING_DEFAULT_TEXT = ProblemCode(
    "missing-default-text",
    "error",
    "No text in the notice's default language.",
    _notice().replace("{en: <p>Read this.</p>}", "{ru: <p>Прочтите.</p>}"),
    _notice().replace("{en: <p>Read this.</p>}", "{en: <p>Read this.</p>, ru: <p>Прочтите.</p>}"),
)
WINDOW_ORDER = ProblemCode(
    "window-order",
    "error",
    "`until` is not after `from`: the notice would never be in force.",
    _notice("from: 2024-05-01", "until: 2024-01-01"),
    _notice("from: 2024-01-01", "until: 2099-01-01"),
)
EXPIRED = ProblemCode(
    "expired",
    "warning",
    "The notice's `until` has passed: it is no longer shown.",
    _notice("until: 2020-01-01"),
    _notice("until: 2099-01-01"),
)
NOT_YET_REVIEWED = ProblemCode(
    "not-yet-reviewed",
    "warning",
    "`last reviewed` is in the future.",
    _notice("last reviewed: 2999-01-01"),
    _notice("last reviewed: 2025-01-15"),
)
REVIEW_OVERDUE = ProblemCode(
    "review-overdue",
    "warning",
    "`last reviewed` is more than a year ago.",
    _notice("last reviewed: 2019-01-01"),
    "(last reviewed: a date within the last year)",
)

# -- across notices, jurisdictions and files -----------------------------------------------------------
DUPLICATE_ID = ProblemCode(
    "duplicate-id",
    "error",
    "Two notices or two jurisdictions with the same name, in any files.",
    _notice(notice_id="a") + _notice(notice_id="a").removeprefix("version: 1\nnotices:\n"),
    _notice(notice_id="a") + _notice(notice_id="b").removeprefix("version: 1\nnotices:\n"),
)
DUPLICATE_SETTING = ProblemCode(
    "duplicate-setting",
    "error",
    "`readers` or `page languages` given in more than one file.",
    "(readers: in two files)",
    "(readers: in one file)",
)
UNDEFINED_JURISDICTION = ProblemCode(
    "undefined-jurisdiction",
    "error",
    "A jurisdiction name that is not defined.",
    _jurisdictions("russia: {regions: [RU]}", notice="rusia"),
    _jurisdictions("russia: {regions: [RU]}", notice="russia"),
)
UNDEFINED_NOTICE = ProblemCode(
    "undefined-notice",
    "error",
    "A notice id that is not defined.",
    _notice() + "readers:\n  unknown: [no-such-notice]\n",
    _notice() + "readers:\n  unknown: [warning]\n",
)
INCLUDE_CYCLE = ProblemCode(
    "include-cycle",
    "error",
    "Jurisdictions that include each other in a circle.",
    _jurisdictions("a: {includes: [b]}", "b: {includes: [a]}", notice="a"),
    _jurisdictions("a: {includes: [b]}", "b: {regions: [RU]}", notice="a"),
)
UNUSED_JURISDICTION = ProblemCode(
    "unused-jurisdiction",
    "warning",
    "A jurisdiction no notice uses.",
    _jurisdictions("russia: {regions: [RU]}"),
    _jurisdictions("russia: {regions: [RU]}", notice="russia"),
)
UNUSED_NOTICE = ProblemCode(
    "unused-notice",
    "warning",
    "A notice that applies to nobody and is not in `readers`.",
    _notice(),
    _notice() + "readers:\n  unknown: [warning]\n",
)
EXCLUDE_OUTSIDE = ProblemCode(
    "exclude-outside",
    "warning",
    "An `except` region that is not inside the jurisdiction anyway.",
    _jurisdictions("ukraine: {regions: [UA], except: [DE-BE]}", notice="ukraine"),
    _jurisdictions("ukraine: {regions: [UA], except: [UA-43]}", notice="ukraine"),
)

UNTRANSLATED = ProblemCode(
    "untranslated",
    "warning",
    "A notice covers pages whose language (`page languages`) it has no text in: their readers "
    "would be shown another language. Add the text (or, for a notice the law requires in one "
    "language, say `single language: true`).",
    _notice('pages: {paths: ["/uk/**"]}') + 'page languages:\n  "/uk/": uk\nreaders:\n  unknown: [warning]\n',
    _notice('pages: {paths: ["/uk/**"]}').replace(
        "{en: <p>Read this.</p>}", "{en: <p>Read this.</p>, uk: <p>Прочитайте це.</p>}"
    )
    + 'page languages:\n  "/uk/": uk\nreaders:\n  unknown: [warning]\n',
)
SINGLE_LANGUAGE = ProblemCode(
    "single-language",
    "error",
    "A notice with `single language: true` and texts in other languages, which would never be shown.",
    _notice("single language: true").replace(
        "{en: <p>Read this.</p>}", "{en: <p>Read this.</p>, uk: <p>Прочитайте це.</p>}"
    ),
    _notice("single language: true"),
)

# -- files ---------------------------------------------------------------------------------------------
NOT_FOUND = ProblemCode(
    "not-found",
    "error",
    "The rules path does not exist or cannot be read.",
    "(geonotice check rulez/, a folder that does not exist)",
    "(geonotice check rules/)",
)
NO_RULES = ProblemCode(
    "no-rules",
    "error",
    "A rules directory with no `*.yaml` file.",
    "(an empty directory)",
    "(a directory with rules/main.yaml)",
)
UNREADABLE = ProblemCode(
    "unreadable",
    "error",
    "A rules file that cannot be read: a symbolic link to nothing or to itself, a directory, a "
    "pipe, or no permission. Its notices would be lost.",
    "(rules/10-russia.yaml, a link to a file that was deleted)",
    "(rules/10-russia.yaml, a file)",
)
IGNORED_FILE = ProblemCode(
    "ignored-file",
    "error",
    "A file in the rules directory whose name is a near miss of `.yaml` (`.yml`, `.YAML`, "
    "`.yaml.txt`): it is not read, so its notices would never be shown.",
    "(rules/extra.yml)",
    "(rules/extra.yaml)",
)
EMPTY_FILE = ProblemCode(
    "empty-file",
    "error",
    "A rules file with no rules in it, as a deploy that failed half way leaves one: its notices "
    "would vanish. Write at least `version: 1`, or delete the file.",
    "# nothing here yet\n",
    "version: 1\n",
)

CATALOGUE: tuple[ProblemCode, ...] = (
    *yaml_codes.LOADER_CODES,
    VERSION,
    *yaml_codes.WALKER_CODES,
    INVALID_REGION,
    INVALID_NAME,
    INVALID_LANGUAGE,
    INVALID_DATE,
    INVALID_URL,
    INVALID_PLACEMENT,
    INVALID_STATUS,
    INVALID_CONTENT_TYPE,
    INVALID_HOST,
    DUPLICATE_ID,
    DUPLICATE_SETTING,
    UNDEFINED_JURISDICTION,
    UNDEFINED_NOTICE,
    INCLUDE_CYCLE,
    EMPTY_JURISDICTION,
    MISSING_DEFAULT_TEXT,
    SINGLE_LANGUAGE,
    EMPTY_TEXT,
    DISALLOWED_HTML,
    UNBALANCED_HTML,
    CHANGED_HTML,
    WINDOW_ORDER,
    DEAD_GLOB,
    NOT_FOUND,
    NO_RULES,
    UNREADABLE,
    IGNORED_FILE,
    EMPTY_FILE,
    EXPIRED,
    NOT_YET_REVIEWED,
    REVIEW_OVERDUE,
    UNUSED_JURISDICTION,
    UNUSED_NOTICE,
    EXCLUDE_OUTSIDE,
    UNTRANSLATED,
)
