"""Notice texts are served as written: HTML that is unbalanced, or that the cleaning every served
text goes through would change, is an error showing what readers would get instead."""

# The table reads best one case per line, so long lines are allowed here.
# ruff: noqa: E501

from __future__ import annotations

import pytest

from geonotice.inject.fragment import notice_text
from geonotice.rules.html import html_problems, served_html
from geonotice.rules.model import Notice


@pytest.mark.parametrize(
    "text",
    [
        "<p>Read this.</p>",
        '<p><strong>A warning.</strong> Read <a href="https://news.example/safety">how</a>.</p>',
        '<p>Line<br>break<br/>and &amp; «quotes» "too".</p><p>Second.</p>',
        "<p><em>a <strong>b</strong></em> 1 &lt; 2</p>",
        "A text without a paragraph.",
    ],
)
def test_texts_served_as_written_pass(text: str) -> None:
    assert html_problems(text) == []


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        (
            "<p><strong>A warning for readers in Russia.</p>",
            "unbalanced-html",
            "</p> (after '…warning for readers in Russia.') closes <p> while <strong> inside it is still open: close <strong> first, </strong></p>; as written, readers would get '<p><strong>A warning for readers in Russia.</strong></p>'",
        ),
        (
            "<p>Read <em>this.</p>",
            "unbalanced-html",
            "</p> (after '<p>Read <em>this.') closes <p> while <em> inside it is still open: close <em> first, </em></p>; as written, readers would get '<p>Read <em>this.</em></p>'",
        ),
        (
            "<p>Read <strong>this.",
            "unbalanced-html",
            "<p> (at the start) is never closed: add </p> where it should end, or everything after it in the notice is part of it; as written, readers would get '<p>Read <strong>this.</strong></p>'",
        ),
        (
            "<p>One<p>Two</p>",
            "unbalanced-html",
            "<p> (after '<p>One') starts a paragraph inside a paragraph that is still open: close the first with </p> before it; as written, readers would get '<p>One</p><p>Two</p>'",
        ),
        (
            "<p>Read.</em></p>",
            "unbalanced-html",
            "</em> (after '<p>Read.') closes nothing that is open: delete it; as written, readers would get '<p>Read.</p>'",
        ),
        (
            "<p>Line</br>break</p>",
            "unbalanced-html",
            "</br> (after '<p>Line') is not a tag: write <br>; as written, readers would get '<p>Line<br>break</p>'",
        ),
        (
            '<p><a href="https://news.example/a">Read <a href="https://news.example/b">us</a></a></p>',
            "changed-html",
            'readers would not get this text as written (the cleaning every notice goes through changes it): it would be served as \'<p><a href="https://news.example/a" rel="noopener noreferrer">Read </a><a href="https://news.example/b" rel="noopener noreferrer">us</a></p>\'',
        ),
        (
            "<p><b>Read</b></p>",
            "disallowed-html",
            "tag <b> is not allowed (allowed: <p>, <a>, <strong>, <em>, <br>)",
        ),
    ],
)
def test_texts_not_served_as_written_are_errors_showing_what_would_be(
    text: str, code: str, message: str
) -> None:
    assert [(c.name, m) for c, m in html_problems(text)][:1] == [(code, message)]


def test_each_element_left_open_is_named() -> None:
    assert [m.split(" is never closed")[0] for _, m in html_problems("<p>Read <strong>this.")] == [
        "<p> (at the start)",
        "<strong> (after '<p>Read')",
    ]


def test_the_injector_serves_exactly_what_the_check_compared() -> None:
    text = '<p>Read <a href="https://news.example/safety">how</a>.</p>'
    notice = Notice("n", (), {"en": text}, "en")
    assert notice_text(notice, "en") == served_html(text)
