"""The policy-case format, declared once as data: the keys of a case file, a case and its
expectations, each naming the kind of its value (``case_values.py``, ``case_readers.py``).

The tables are walked by the same ``Walker`` as the rules (``cases.py`` builds ``PolicyFile``
values from the walked sections); ``CASES_FORMAT`` renders them for
editors and for ``docs/policy-tests.md``. A new key is a ``Field`` row here, read in ``cases.py``;
a new kind of value is a ``ValueType`` in ``case_values.py``; a new problem is a code in
``case_codes.py``.
"""

from __future__ import annotations

from geonotice.policy import case_codes
from geonotice.policy.case_readers import CDN_FIELDS, READER, READER_FIELDS
from geonotice.policy.case_values import (
    EXACT_NOTICE_IDS,
    FILE_PATH,
    LANGUAGE,
    MOMENT,
    NOTICE_IDS,
    PAGE,
    PLACED,
    TEXT,
    TEXTS,
    plain_text,
)
from geonotice.rules.values import BOOLEAN
from geonotice.yamlcheck.fields import Field
from geonotice.yamlcheck.fileformat import FileFormat
from geonotice.yamlcheck.loader import MarkedMapping
from geonotice.yamlcheck.values import items, section

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
    Field(
        "placed",
        PLACED,
        "Where the notice lands on the page, checked end to end (`geonotice test --app`): a placement "
        "as the rules write it (`end-of-article`, `after-headline`, `{selector: p.byline, position: "
        'after}`) or a position and a selector (`after "p.byline"`). It holds for the notices named in '
        "`notices` or `includes`, else for every notice shown; white space between is ignored.",
    ),
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
        "include-drafts",
        BOOLEAN,
        "`true` when the cases test notices under review (`status: draft`): they are decided as if "
        "the drafts were live. The site never shows a draft.",
        default="`false`",
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


CASES_FORMAT = FileFormat(
    schema_id="https://geonotice.invalid/schema/policy-cases-v1.json",
    title="geonotice policy cases",
    sections=(
        ("A case file", FILE_FIELDS),
        ("A case", CASE_FIELDS),
        ("A reader written as a mapping", READER_FIELDS),
        ("A reader's `cdn` written as a mapping", CDN_FIELDS),
        ("`expect`", EXPECT_FIELDS),
    ),
    codes=case_codes.CATALOGUE,
    codes_intro=(
        "A case file is read like a rules file, so it can also have the YAML and key problems "
        "listed in [the rules reference](rules.md#problems) (`syntax`, `duplicate-key`, "
        "`unknown-key`, `missing-key`, `wrong-type`...). These are particular to case files:"
    ),
)
