"""The notice markup inserted into pages, and the reader's ``Accept-Language`` preferences.

Each notice becomes one ``<aside class="geonotice-notice" data-notice-id="ID" lang="LL" role="note">``
(plus ``dir="rtl"`` for right-to-left languages) around its text. There is no inline script or
style, so a strict Content-Security-Policy never blocks it; sites style it through the classes
``geonotice-notice`` and ``geonotice-notice--ID``, and ``geonotice-style-NAME`` for a notice whose
rules give it ``style: NAME`` (a label that must be twice the size of the text, say).

Notice texts were validated against the allowed HTML subset when the rules loaded. They are
sanitized again here with the same allow-list, as defence in depth: a text that reaches readers
of a banned outlet must never carry markup that the rules' authors did not intend. The result is
cached per notice, language and text, since rendering runs on every covered request.
"""

from __future__ import annotations

import functools
import html
import re
from collections.abc import Sequence
from html.parser import HTMLParser

from geonotice.rules.html import served_html
from geonotice.rules.languages import notice_language
from geonotice.rules.model import Notice
from geonotice.rules.vocabulary import STYLE_CLASS_PREFIX

__all__ = ["RTL_LANGUAGES", "as_xhtml", "notice_text", "parse_accept_language", "render_notices"]

# Primary language subtags written right to left (CLDR character order "right-to-left").
RTL_LANGUAGES = frozenset(
    {
        "ar",
        "arc",
        "ckb",
        "dv",
        "fa",
        "he",
        "iw",
        "ks",
        "ku-arab",
        "lrc",
        "mzn",
        "ps",
        "sd",
        "syr",
        "ug",
        "ur",
        "yi",
    }
)
_RTL_SCRIPTS = frozenset({"arab", "hebr", "thaa", "syrc", "nkoo", "adlm", "rohg"})

_MAX_ACCEPT_LANGUAGE = 1024  # longer headers are cut: no reader needs more, and parsing stays cheap
_MAX_LANGUAGES = 16
# RFC 4647 language range, as RFC 9110 section 12.5.4 uses it in Accept-Language ("*" excluded).
_LANGUAGE_RANGE = re.compile(r"[A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*")
_QVALUE = re.compile(r"q=(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)", re.I)


def is_rtl(language: str) -> bool:
    """Whether text in ``language`` (a BCP 47 tag) runs right to left."""
    parts = language.lower().split("-")
    if any(part in _RTL_SCRIPTS for part in parts[1:]):
        return True
    return parts[0] in RTL_LANGUAGES


def _clean(text: str) -> str:
    return served_html(text)  # the cleaning ``geonotice check`` compares each text with


@functools.lru_cache(maxsize=4096)
def _aside(notice_id: str, language: str, text: str, style: str = "") -> bytes:
    escaped_id = html.escape(notice_id, quote=True)
    direction = ' dir="rtl"' if is_rtl(language) else ""
    styled = f" {STYLE_CLASS_PREFIX}{html.escape(style, quote=True)}" if style else ""
    classes = f"geonotice-notice geonotice-notice--{escaped_id}{styled}"
    return (
        f'<aside class="{classes}" data-notice-id="{escaped_id}"'
        f' lang="{html.escape(language, quote=True)}"{direction} role="note">{_clean(text)}</aside>'
    ).encode()


def notice_text(notice: Notice, language: str) -> str:
    """The sanitized HTML text of ``notice`` in ``language`` (as ``notice_language`` chose it)."""
    return _clean(notice.texts.get(language, ""))


# Rendered markup by the notices' identity and the languages: each entry holds its notices, so no
# id is reused while it lives. Bounded: cleared when full.
_RENDERED: dict[tuple[tuple[int, ...], tuple[str, ...]], tuple[Sequence[Notice], bytes]] = {}
_MAX_RENDERED = 1024


def render_notices(notices: Sequence[Notice], languages: Sequence[str]) -> bytes:
    """The markup of ``notices``, in order, each in the language ``notice_language`` chooses
    for ``languages`` (preferences best first, as ``language_preferences`` orders them)."""
    key = (tuple([id(notice) for notice in notices]), tuple(languages))
    found = _RENDERED.get(key)
    if found is not None:
        return found[1]
    parts = []
    for notice in notices:
        language = notice_language(notice, languages)
        parts.append(_aside(notice.id, language, notice.texts.get(language, ""), notice.style))
    markup = b"".join(parts)
    if len(_RENDERED) >= _MAX_RENDERED:
        _RENDERED.clear()
    _RENDERED[key] = (tuple(notices), markup)
    return markup


@functools.lru_cache(maxsize=1024)
def as_xhtml(markup: bytes) -> bytes:
    """Notice markup (UTF-8, as ``render_notices`` makes it) re-written as well-formed XML, for
    XHTML pages, where one error in the markup stops the whole page from showing: ``<br>``
    becomes ``<br/>``, and HTML's named references (``&nbsp;``, which XML does not know) become
    the characters they stand for."""
    writer = _XmlWriter()
    writer.feed(markup.decode("utf-8"))
    writer.close()
    return "".join(writer.out).encode("utf-8")


class _XmlWriter(HTMLParser):
    """Re-writes sanitized HTML as XML. Comments, doctypes and processing instructions are
    dropped (the sanitizer leaves none); references are resolved, then ``&``, ``<`` and ``>``
    (and ``"`` in attribute values) escaped again."""

    _VOID = frozenset({"br", "hr", "img", "wbr"})

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        written = "".join(f' {name}="{html.escape(value or name, quote=True)}"' for name, value in attrs)
        self.out.append(f"<{tag}{written}{'/' if tag in self._VOID else ''}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in self._VOID:
            self.out.append(f"</{tag}>")

    def handle_endtag(self, tag: str) -> None:
        if tag not in self._VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(html.escape(data, quote=False))


def parse_accept_language(header: str | None) -> tuple[str, ...]:
    """The language ranges of an ``Accept-Language`` header, best first (RFC 9110, section 12.5.4).

    Garbage never raises: malformed members are skipped, ``q=0`` ranges and ``*`` are dropped,
    and a header longer than 1 KiB is cut. Equal q-values keep the header's order.
    """
    if not header:
        return ()
    return _parse_accept_language(header[:_MAX_ACCEPT_LANGUAGE])


@functools.lru_cache(maxsize=1024)
def _parse_accept_language(header: str) -> tuple[str, ...]:
    ranked: list[tuple[float, int, str]] = []
    for index, member in enumerate(header.split(",")):
        language, _, params = member.partition(";")
        language = language.strip()
        if not _LANGUAGE_RANGE.fullmatch(language):
            continue
        quality = 1.0
        params = params.strip()
        if params:
            match = _QVALUE.fullmatch(params.replace(" ", ""))
            if match is None:
                continue
            quality = float(match.group(1))
        if quality > 0:
            ranked.append((-quality, index, language))
    ranked.sort()
    seen: dict[str, None] = {}
    for _, _, language in ranked:
        seen.setdefault(language, None)
        if len(seen) == _MAX_LANGUAGES:
            break
    return tuple(seen)
