"""Notice markup and Accept-Language parsing."""

from __future__ import annotations

import dataclasses

import pytest

from geonotice.inject.fragment import is_rtl, parse_accept_language, render_notices

from .helpers import make_notice


@pytest.mark.parametrize(
    ("header", "expected"),
    [
        (None, ()),
        ("", ()),
        ("ru", ("ru",)),
        ("en-US,en;q=0.9,ru;q=0.8", ("en-US", "en", "ru")),
        ("ru;q=0.5, uk;q=0.9, *;q=0.1", ("uk", "ru")),
        ("de;q=0, fr", ("fr",)),
        ("fr, de", ("fr", "de")),
        ("en;q=2, de;q=abc, ru", ("ru",)),
        ("<script>, en;;, ru", ("ru",)),
        ("x" * 5000, ()),
        (",".join(f"x{chr(97 + i)}" for i in range(26)), tuple(f"x{chr(97 + i)}" for i in range(16))),
        ("ru, ru;q=0.5", ("ru",)),
        ("pt-BR ; q = 0.7, es", ("es", "pt-BR")),
    ],
)
def test_accept_language_is_parsed_best_first_and_never_raises(
    header: str | None, expected: tuple[str, ...]
) -> None:
    assert parse_accept_language(header) == expected


def test_fragment_is_an_aside_with_id_lang_role_and_classes_and_no_script() -> None:
    html = render_notices([make_notice()], ["ru"])
    assert html.startswith(
        b'<aside class="geonotice-notice geonotice-notice--ru-undesirable-organization"'
        b' data-notice-id="ru-undesirable-organization" lang="ru" role="note"><p>'
    )
    assert html.endswith(b"</p></aside>")
    assert b"style" not in html and b"script" not in html


def test_a_notice_style_becomes_a_class_the_site_css_can_use() -> None:
    html = render_notices([dataclasses.replace(make_notice(), style="label-large")], ["ru"])
    assert html.startswith(
        b'<aside class="geonotice-notice geonotice-notice--ru-undesirable-organization'
        b' geonotice-style-label-large" data-notice-id="ru-undesirable-organization" lang="ru" role="note">'
    )


def test_texts_are_sanitized_again_as_defence_in_depth() -> None:
    notice = make_notice(
        texts={
            "en": '<p onclick="x()">Hi <a href="javascript:alert(1)">x</a><script>bad()</script>'
            '<a href="https://example.org">ok</a></p>'
        }
    )
    html = render_notices([notice], [])
    assert b"onclick" not in html and b"javascript" not in html and b"<script" not in html
    assert b'<a href="https://example.org" rel="noopener noreferrer">ok</a>' in html


@pytest.mark.parametrize(
    ("language", "rtl"),
    [
        ("ar", True),
        ("he-IL", True),
        ("fa", True),
        ("en", False),
        ("ru", False),
        ("az-Arab", True),
        ("uz-Latn", False),
    ],
)
def test_right_to_left_languages(language: str, rtl: bool) -> None:
    assert is_rtl(language) is rtl
