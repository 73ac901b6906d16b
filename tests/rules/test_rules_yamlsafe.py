"""The defensive YAML loader: marks on every value, and refusals instead of surprises."""

# The case table reads best one case per line, so long lines are allowed here.
# ruff: noqa: E501

from __future__ import annotations

import datetime as dt

import pytest

from geonotice.yamlcheck.loader import (
    MarkedMapping,
    MarkedScalar,
    MarkedSequence,
    describe,
    load_marked,
    to_plain,
)


def problems_of(text: str | bytes, **options: int) -> list[str]:
    return [
        f"{p.line}:{p.column}: {p.code.name}: {p.message}" for p in load_marked(text, "f.yaml", **options)[1]
    ]


def test_every_node_knows_its_line_and_column() -> None:
    root, problems = load_marked("a:\n  b: [x, 'y']\n  c: {d: 1}\n", "f.yaml")
    assert problems == [] and isinstance(root, MarkedMapping)
    b = root.get("a").get("b")  # type: ignore[union-attr]
    assert isinstance(b, MarkedSequence) and (b.line, b.column) == (2, 6)
    y = b.items[1]
    assert isinstance(y, MarkedScalar) and (y.line, y.column, y.value, y.quoted) == (2, 10, "y", True)
    key = root.get("a").key("c")  # type: ignore[union-attr]
    assert key is not None and (key.line, key.column) == (3, 3)
    assert to_plain(root) == {"a": {"b": ["x", "y"], "c": {"d": 1}}}


def test_yaml_1_1_conversions_are_visible_not_hidden() -> None:
    root, _ = load_marked("[NO, on, 2024-01-01, '2024-01-01', 010]", "f.yaml")
    assert isinstance(root, MarkedSequence)
    assert [describe(item) for item in root.items] == [
        "the boolean false (YAML reads unquoted NO that way)",
        "the boolean true (YAML reads unquoted on that way)",
        "the date 2024-01-01",
        "the text '2024-01-01'",
        "the integer 8 (YAML reads unquoted 010 that way)",
    ]


def test_keys_stay_as_written() -> None:
    root, _ = load_marked("no: norsk\nyes: 1\n2024-01-01: x\n", "f.yaml")
    assert isinstance(root, MarkedMapping)
    assert [key.name for key, _ in root.entries] == ["no", "yes", "2024-01-01"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a: 1\nb: 2\na: 3\n",
            [
                "3:1: duplicate-key: duplicate key 'a' (first given on line 1): YAML would keep only one; "
                "delete one of the two, or merge them"
            ],
        ),
        ("a: &x 1\n", ["1:4: yaml-alias: anchors (&x) are not allowed: write each value out"]),
        (
            "a: &x 1\nb: *x\n",
            [
                "1:4: yaml-alias: anchors (&x) are not allowed: write each value out",
                "2:4: yaml-alias: aliases (*x) are not allowed: write the value out",
            ],
        ),
        (
            "a: !!python/name:os.system x\n",
            ["1:4: yaml-tag: tags (!!python/name:os.system) are not allowed: quote the value instead"],
        ),
        (
            "a: !!str NO\n",
            ["1:4: yaml-tag: tags (!!str) are not allowed: quote the value instead"],
        ),
        ("a: [1,\n", ["1:4: syntax: the '[' here is never closed: end the list with ']' on this line"]),
        (
            "a: b: c\n",
            [
                "1:4: syntax: the text after 'a:' contains ': ', which YAML reads as the start of another "
                'key: put the whole text in quotes: a: "b: c"'
            ],
        ),
        (
            "a: 1\n---\nb: 2\n",
            [
                "2:1: syntax: '---' starts a second document, and a file holds one: delete this line "
                "(or the lines after it)"
            ],
        ),
        (
            "a:\n\tb: 1\n",
            [
                "2:1: syntax: this line is indented with a tab; YAML indents with spaces only: "
                "replace the tab with spaces"
            ],
        ),
        ("a: \x07\n", ["1:4: syntax: an invisible control character ('\\x07') is here: delete it"]),
        (
            "x: 2024-02-30\n",
            [
                "1:4: invalid-value: '2024-02-30' looks like a date but is not one (day is out of range "
                'for month): write a real date, year-month-day, or put the text in quotes ("...")'
            ],
        ),
    ],
)
def test_refusals_and_syntax_errors_are_located_problems(text: str, expected: list[str]) -> None:
    assert problems_of(text) == expected


def test_invalid_utf8_is_located() -> None:
    assert problems_of(b"a: 1\nb: \xff\n") == [
        "2:4: syntax: the file is not UTF-8 text from here on (saved in another encoding, such as "
        "Windows-1251?): save it as UTF-8"
    ]


def test_a_byte_order_mark_is_fine() -> None:
    assert load_marked("\ufeffa: 1\n".encode(), "f.yaml") == (load_marked("a: 1\n", "f.yaml")[0], [])


def test_files_over_the_size_limit_are_refused_before_parsing() -> None:
    assert problems_of("a: " + "x" * 100, max_bytes=50) == [
        "1:1: too-large: file is 103 bytes, over the limit of 50"
    ]


def test_deep_nesting_is_refused_without_a_recursion_error() -> None:
    assert problems_of("[" * 100_000)[0].startswith("1:33: too-deep: nested more than 32 levels deep")


def test_an_empty_document_is_none_without_problems() -> None:
    assert load_marked("", "f.yaml") == (None, [])
    assert load_marked("# only a comment\n", "f.yaml") == (None, [])


def test_timestamps_keep_their_zone() -> None:
    root, _ = load_marked("t: 2025-01-01T10:00:00Z\n", "f.yaml")
    assert isinstance(root, MarkedMapping)
    value = root.get("t")
    assert isinstance(value, MarkedScalar) and value.value == dt.datetime(2025, 1, 1, 10, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "a:\n  b [RU]\n  c: 1\n",
            "2:3: 'b [RU]' has no colon after its key: write 'b: [RU]'",
        ),
        (
            "a:\n  b: [x]\n   c: 2\n",
            "3:4: this line is indented by 3 spaces, which matches no line above it: indent it by 2 "
            "(like 'b:' on line 2) or 0 (like 'a:' on line 1)",
        ),
        (
            "a:\n  b: 1\n   c: 2\n",
            "3:4: this line is indented by 3 spaces, more than 'b:' on line 2, which already has its "
            "value: indent it by 2, like 'b:'",
        ),
        (
            "a: “Warning”: x\n",
            "1:4: curly quotes (“) are not quotes to YAML (a word processor typed them): type straight "
            'quotes (") instead',
        ),
        ('a: "open\nb: 1\n', '1:4: the quote (") that starts here is never closed: end the text with "'),
        ("a:\n  -b\n  - c\n", "2:3: a list item needs a space after its dash: write '- b'"),
        (
            "a:\n\u00a0\u00a0b: 1\n",
            "2:1: this line is indented with non-breaking spaces (pasted from a web page or a word "
            "processor), which YAML does not read as indentation: retype them as ordinary spaces",
        ),
        ("a: @x\n", "1:4: a value cannot start with '@' in YAML: put it in quotes: a: \"@x\""),
    ],
)
def test_syntax_errors_are_told_in_plain_words_with_what_to_type(text: str, expected: str) -> None:
    (problem,) = load_marked(text, "f.yaml")[1]
    assert f"{problem.line}:{problem.column}: {problem.message}" == expected


def test_a_key_without_its_colon_is_written_out_whole_when_the_format_knows_it() -> None:
    (problem,) = load_marked(
        "notice:\n  default language en\n  id: a\n", "f.yaml", keys={"default language"}
    )[1]
    assert problem.message == "'default language en' has no colon after its key: write 'default language: en'"
