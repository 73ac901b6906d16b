"""Every error and warning of ``geonotice check``, each at the exact line and column of the
offending YAML node, and all of them in one run."""

# The case tables read best one case per line, YAML included, so long lines are allowed here.
# ruff: noqa: E501

from __future__ import annotations

import pytest
from rules_harness import NOW, Check, run_check

# A valid file; each case changes one thing. Line numbers below refer to this layout.
VALID = """\
version: 1
jurisdictions:
  russia:
    regions: [RU]
notices:
  - id: warning
    applies to: [russia]
    text:
      en: <p>A</p>
    default language: en
"""


def variant(old: str, new: str) -> str:
    assert old in VALID
    return VALID.replace(old, new)


def located(problems: list) -> list[tuple[int, int, str, str]]:
    return [(p.line, p.column, p.level, p.code.name) for p in problems]


def test_valid_file_has_no_problems(check: Check) -> None:
    assert check(VALID) == []


CASES = [
    # (case, yaml, line, column, level, code, message part)
    ("yaml syntax", variant("[RU]", "[RU"), 4, 14, "error", "syntax", "the '[' here is never closed"),
    (
        "unknown key with did you mean",
        variant("default language", "default_language"),
        10,
        5,
        "error",
        "unknown-key",
        "notice 'warning': unknown key 'default_language' (did you mean 'default language'?)",
    ),
    (
        "misspelt key",
        variant("    regions:", "    regons:"),
        4,
        5,
        "error",
        "unknown-key",
        "jurisdiction 'russia': unknown key 'regons' (did you mean 'regions'?)",
    ),
    (
        "unknown subdivision",
        variant("[RU]", "[RU, UA-43, UA-99]"),
        4,
        26,
        "error",
        "invalid-region",
        "jurisdiction 'russia': regions[2]: unknown region 'UA-99': Ukraine has no subdivision with that code",
    ),
    (
        "unknown country",
        variant("[RU]", "[XX]"),
        4,
        15,
        "error",
        "invalid-region",
        "unknown country code 'XX'",
    ),
    (
        "lower-case region",
        variant("[RU]", "[ru]"),
        4,
        15,
        "error",
        "invalid-region",
        "capitals: write 'RU' (Russia)",
    ),
    (
        "Norway read as false",
        variant("[RU]", "[RU, NO]"),
        4,
        19,
        "error",
        "quote-it",
        'regions[1]: YAML read NO as the boolean false; write it in quotes ("NO")',
    ),
    (
        "date where a region goes",
        variant("[RU]", "[2024-01-01]"),
        4,
        15,
        "error",
        "quote-it",
        "the date 2024-01-01",
    ),
    (
        "undefined jurisdiction",
        variant("[russia]", "[rusia]"),
        7,
        18,
        "error",
        "undefined-jurisdiction",
        "notice 'warning': applies to[0]: no jurisdiction is called 'rusia' (did you mean 'russia'?)",
    ),
    (
        "no text in the default language",
        variant("default language: en", "default language: ru"),
        9,
        7,
        "error",
        "missing-default-text",
        "no text in the default language 'ru' (texts given: en)",
    ),
    (
        "disallowed tag",
        variant("<p>A</p>", "<p>A<img src=x></p>"),
        9,
        11,
        "error",
        "disallowed-html",
        "notice 'warning': text.en: tag <img> is not allowed",
    ),
    (
        "disallowed attribute",
        variant("<p>A</p>", '<p class="x">A</p>'),
        9,
        11,
        "error",
        "disallowed-html",
        "attribute 'class' on <p> is not allowed",
    ),
    (
        "script link",
        variant("<p>A</p>", '<p><a href="javascript:x()">A</a></p>'),
        9,
        11,
        "error",
        "disallowed-html",
        "link target 'javascript:x()' is not allowed",
    ),
    (
        "until before from",
        variant("default language: en", "default language: en\n    from: 2025-05-01\n    until: 2025-01-01"),
        12,
        12,
        "error",
        "window-order",
        "until 2025-01-01 is not after from 2025-05-01",
    ),
    (
        "glob not starting with a slash",
        variant("default language: en", 'default language: en\n    pages: {paths: ["a/**"]}'),
        11,
        21,
        "error",
        "dead-glob",
        "pages.paths[0]: 'a/**' can never match: page paths start with '/' (did you mean '/a/**'?)",
    ),
    (
        "glob with a query string",
        variant(
            "default language: en", 'default language: en\n    pages:\n      paths: ["/a/**", "/a?page=2"]'
        ),
        12,
        24,
        "error",
        "dead-glob",
        "query strings",
    ),
    (
        "empty glob",
        variant("default language: en", 'default language: en\n    pages: {paths: [""]}'),
        11,
        21,
        "error",
        "dead-glob",
        "an empty path pattern matches no page",
    ),
    (
        "glob with a fragment",
        variant("default language: en", 'default language: en\n    pages: {paths: ["/a#top"]}'),
        11,
        21,
        "error",
        "dead-glob",
        "fragments",
    ),
    (
        "glob with a double slash",
        variant("default language: en", 'default language: en\n    pages: {except: ["/a//b"]}'),
        11,
        22,
        "error",
        "dead-glob",
        "pages.except[0]",
    ),
    (
        "expired notice",
        variant("default language: en", "default language: en\n    until: 2026-01-01"),
        11,
        12,
        "warning",
        "expired",
        "expired on 2026-01-01",
    ),
    (
        "review older than a year",
        variant("default language: en", "default language: en\n    last reviewed: 2025-05-31"),
        11,
        20,
        "warning",
        "review-overdue",
        "last reviewed on 2025-05-31, more than a year ago",
    ),
    (
        "unused jurisdiction",
        variant("notices:", "  belarus:\n    regions: [BY]\nnotices:"),
        5,
        3,
        "warning",
        "unused-jurisdiction",
        "jurisdiction 'belarus' is not used by any notice",
    ),
    (
        "missing version",
        variant("version: 1\n", "vrsion: 1\n"),
        1,
        1,
        "error",
        "unknown-key",
        "(did you mean 'version'?)",
    ),
    ("wrong version", variant("version: 1", "version: 2"), 1, 10, "error", "version", "version 2 is unknown"),
    (
        "missing required key",
        variant("    default language: en\n", ""),
        6,
        5,
        "error",
        "missing-key",
        "notice 'warning': missing key 'default language'",
    ),
    (
        "priority not a number",
        variant("default language: en", "default language: en\n    priority: high"),
        11,
        15,
        "error",
        "wrong-type",
        "expected a whole number",
    ),
    (
        "bad id",
        variant("id: warning", "id: Warning Notice"),
        6,
        9,
        "error",
        "invalid-name",
        "(did you mean 'warning-notice'?)",
    ),
    (
        "bad language tag",
        variant("en: <p>A</p>", "english: <p>A</p>"),
        9,
        7,
        "error",
        "invalid-language",
        "'english' is not a language tag",
    ),
    (
        "bad placement",
        variant("default language: en", "default language: en\n    placement: top"),
        11,
        16,
        "error",
        "invalid-placement",
        "unknown placement 'top'",
    ),
    (
        "naive time",
        variant("default language: en", "default language: en\n    from: 2025-01-01T10:00:00"),
        11,
        11,
        "error",
        "invalid-date",
        "ending it in Z",
    ),
    (
        "non-UTC time",
        variant("default language: en", "default language: en\n    from: 2025-01-01T10:00:00+03:00"),
        11,
        11,
        "error",
        "invalid-date",
        "in UTC",
    ),
    (
        "bad reference",
        variant("default language: en", "default language: en\n    reference: www.example.org"),
        11,
        16,
        "error",
        "invalid-url",
        "https://",
    ),
    (
        "bad content type",
        variant("default language: en", "default language: en\n    pages: {content types: [text/plain]}"),
        11,
        29,
        "error",
        "invalid-content-type",
        "'text/plain'",
    ),
    (
        "bad host",
        variant(
            "default language: en", "default language: en\n    pages: {hosts: ['https://news.example/']}"
        ),
        11,
        21,
        "error",
        "invalid-host",
        "host name only",
    ),
    (
        "empty text",
        variant("en: <p>A</p>", 'en: ""\n      ru: <p>Б</p>'),
        9,
        11,
        "error",
        "empty-text",
        "text.en: the text is empty",
    ),
    (
        "empty jurisdiction",
        variant("    regions: [RU]", "    description: Russia"),
        3,
        3,
        "error",
        "empty-jurisdiction",
        "give its regions",
    ),
    (
        "exclude outside the jurisdiction",
        variant("regions: [RU]", "regions: [RU]\n    except: [DE-BE]"),
        5,
        14,
        "warning",
        "exclude-outside",
        "except[0]: DE-BE is not inside it anyway",
    ),
    (
        "notice for nobody",
        variant("    applies to: [russia]\n", ""),
        6,
        5,
        "warning",
        "unused-notice",
        "applies to nobody",
    ),
    (
        "review in the future",
        variant("default language: en", "default language: en\n    last reviewed: 2027-01-01"),
        11,
        20,
        "warning",
        "not-yet-reviewed",
        "in the future",
    ),
    (
        "invalid date shape",
        variant("default language: en", "default language: en\n    from: 2025-13-01"),
        11,
        11,
        "error",
        "invalid-value",
        "month must be in 1..12",
    ),
    (
        "text in words",
        variant("default language: en", "default language: en\n    from: 1 May 2025"),
        11,
        11,
        "error",
        "invalid-date",
        "expected a date",
    ),
    ("not a mapping", "- just\n- a list\n", 1, 1, "error", "wrong-type", "a rules file is a mapping"),
]


@pytest.mark.parametrize(
    ("text", "line", "column", "level", "code", "message"),
    [pytest.param(*case[1:], id=case[0]) for case in CASES],
)
def test_problem_is_reported_at_the_offending_node(
    check: Check, text: str, line: int, column: int, level: str, code: str, message: str
) -> None:
    problems = check(text)
    assert (line, column, level, code) in located(problems), [str(p) for p in problems]
    found = next(p for p in problems if (p.line, p.column, p.code.name) == (line, column, code))
    assert message in found.message
    assert str(found).startswith(f"a.yaml:{line}:{column}: {level}: ")


def test_an_error_means_no_ruleset_but_a_warning_does_not() -> None:
    ruleset, problems = run_check(variant("[RU]", "[UA-99]"))
    assert ruleset is None and problems
    ruleset, problems = run_check(
        variant("default language: en", "default language: en\n    until: 2026-01-01")
    )
    assert ruleset is not None and [p.level for p in problems] == ["warning"]


def test_every_problem_comes_out_in_one_run(check: Check) -> None:
    text = """\
    version: 1
    jurisdictions:
      russia:
        regions: [RU, NO, UA-99]
        exept: [UA-43]
    notices:
      - id: a
        applies to: [russia, nowhere]
        text: {ru: <b>x</b>}
        default language: en
        from: 2025-05-01
        until: 2025-01-01
        pages: {paths: [no-slash]}
    """
    assert [(p.line, p.code.name) for p in check(text)] == [
        (4, "quote-it"),
        (4, "invalid-region"),
        (5, "unknown-key"),
        (8, "undefined-jurisdiction"),
        (9, "missing-default-text"),
        (9, "disallowed-html"),
        (12, "window-order"),
        (13, "dead-glob"),
    ]


def test_a_date_boundary_review_exactly_a_year_ago_is_not_overdue(check: Check) -> None:
    text = variant(
        "default language: en", f"default language: en\n    last reviewed: {NOW.date().replace(year=2025)}"
    )
    assert check(text) == []


def test_until_equal_to_from_is_an_empty_window(check: Check) -> None:
    text = variant(
        "default language: en", "default language: en\n    from: 2025-01-01\n    until: 2025-01-01"
    )
    assert [p.code.name for p in check(text)] == ["window-order"]


def test_a_jurisdiction_used_only_through_includes_counts_as_used(check: Check) -> None:
    text = variant("notices:", "  wider:\n    includes: [russia]\nnotices:").replace(
        "[russia]\n    text", "[wider]\n    text"
    )
    assert check(text) == []


def test_include_cycles_are_errors(check: Check) -> None:
    text = variant("notices:", "  a:\n    includes: [b]\n  b:\n    includes: [a]\nnotices:").replace(
        "applies to: [russia]", "applies to: [russia, a]"
    )
    problems = check(text)
    assert [(p.line, p.column, p.code.name) for p in problems] == [(8, 16, "include-cycle")]
    assert "a → b → a" in problems[0].message


def test_undefined_include_is_an_error(check: Check) -> None:
    text = variant("regions: [RU]", "regions: [RU]\n    includes: [belarus]")
    assert [(p.line, p.column, p.code.name) for p in check(text)] == [(5, 16, "undefined-jurisdiction")]


def test_undefined_notice_for_unknown_readers_is_an_error(check: Check) -> None:
    text = VALID + "readers:\n  unknown: [warnin]\n"
    problems = check(text)
    assert [(p.line, p.column, p.code.name) for p in problems] == [(12, 13, "undefined-notice")]
    assert (
        "readers.unknown[0]: no notice has the id 'warnin' (did you mean 'warning'?)" in problems[0].message
    )


def test_ids_are_unique_across_files(check: Check) -> None:
    other = (
        "version: 1\nnotices:\n  - id: warning\n    applies to: [russia]\n    text: {en: <p>B</p>}\n"
        "    default language: en\n"
    )
    problems = check(VALID, other)
    assert [str(p) for p in problems] == [
        "b.yaml:3:9: error: notice id 'warning' is already used at a.yaml:6"
    ]


def test_jurisdiction_names_are_unique_across_files(check: Check) -> None:
    other = "version: 1\njurisdictions:\n  russia:\n    regions: [BY]\n"
    assert [str(p) for p in check(VALID, other)] == [
        "b.yaml:3:3: error: jurisdiction 'russia' is already defined at a.yaml:3"
    ]


def test_references_resolve_across_files(check: Check) -> None:
    places = "version: 1\njurisdictions:\n  russia:\n    regions: [RU]\n"
    notices = VALID.replace("jurisdictions:\n  russia:\n    regions: [RU]\n", "")
    assert check(places, notices) == []


def test_readers_may_be_set_in_one_file_only(check: Check) -> None:
    readers = "version: 1\nreaders:\n  unknown: []\n"
    assert [str(p) for p in check(readers, readers)] == [
        "b.yaml:2:1: error: 'readers' is already given in a.yaml:2"
    ]


def test_duplicate_keys_are_errors_not_last_one_wins(check: Check) -> None:
    text = variant("en: <p>A</p>", "en: <p>A</p>\n      en: <p>B</p>")
    assert [str(p) for p in check(text)] == [
        "a.yaml:10:7: error: duplicate key 'en' (first given on line 9): YAML would keep only one; "
        "delete one of the two, or merge them"
    ]


def test_one_value_is_accepted_where_a_list_is_expected(load) -> None:  # type: ignore[no-untyped-def]
    ruleset = load(variant("[RU]", "RU").replace("[russia]", "russia"))
    assert ruleset.jurisdictions["russia"].regions == ("RU",)
    assert ruleset.notices[0].jurisdictions == ("russia",)


def test_norwegian_language_key_is_not_a_boolean(load) -> None:  # type: ignore[no-untyped-def]
    ruleset = load(variant("en: <p>A</p>", 'en: <p>A</p>\n      no: "<p>Norsk</p>"'))
    assert set(ruleset.notices[0].texts) == {"en", "no"}


def test_an_emptied_file_is_an_error_as_a_failed_deploy_leaves_it(check: Check) -> None:
    assert [str(p) for p in check(VALID, "")] == [
        "b.yaml:1:1: error: the file is empty, as a deploy that failed half way leaves it: put its "
        "rules back, or delete the file"
    ]
    assert [str(p) for p in check(VALID, "# to come\n")] == [
        "b.yaml:1:1: error: the file has no rules in it, only comments: write at least 'version: 1', "
        "or delete the file"
    ]


@pytest.mark.parametrize(
    "hostile",
    [
        "a: !!python/object/apply:os.system [echo hi]\n",
        "a: &x [1]\nb: [*x, *x, *x]\n",
        "[" * 5000,
        "\x00\x01",
        "{a: 1, a: 1}",
        "version: 1\nnotices: [[[[]]]]\n",
        "version: 1\njurisdictions: [1, 2]\nnotices: {a: 1}\nreaders: 5\npage languages: [x]\n",
        "version: 1\nnotices:\n  - 42\n  - {id: x, text: 5, default language: [en], placement: {element: 1}}\n",
        "version: 1\njurisdictions:\n  x: 5\n  y: {regions: {a: 1}}\n",
        "? [complex]\n: key\n",
        "--- a\n--- b\n",
    ],
)
def test_hostile_or_broken_input_gives_problems_never_a_traceback(check: Check, hostile: str) -> None:
    problems = check(hostile)
    assert problems and all(p.level == "error" for p in problems[:1])


def test_problems_sort_by_place_and_print_like_a_compiler(check: Check) -> None:
    problems = check(variant("[RU]", "[UA-99, XX]"))
    assert [str(p) for p in problems] == sorted(str(p) for p in problems)
    assert str(problems[0]).startswith(
        "a.yaml:4:15: error: jurisdiction 'russia': regions[0]: unknown region 'UA-99'"
    )
