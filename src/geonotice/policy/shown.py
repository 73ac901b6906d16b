"""What a reader is shown, as plain data both the engine run and the end-to-end run produce.

The engine run picks each notice's language as the injector does for a page whose language it
only knows from the rules; the end-to-end run reads the notices back out of the rendered page.
Comparing the two against the same expectation is what makes an ``--app`` run meaningful.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from html.parser import HTMLParser

from geonotice.region import Region
from geonotice.rules import Engine
from geonotice.rules.languages import language_preferences, notice_language
from geonotice.rules.model import Notice

NOTICE_CLASS = "geonotice-notice"
_INLINE = frozenset({"a", "strong", "em", "b", "i", "span", "code", "small"})


@dataclass(frozen=True, slots=True)
class Shown:
    """One notice as the reader gets it: its id, the language chosen, and its text without tags."""

    id: str
    language: str
    text: str


def shown_by_engine(
    engine: Engine,
    region: Region,
    path: str,
    host: str | None,
    at: dt.datetime | None,
    language: str | None,
) -> tuple[Shown, ...]:
    """The notices the rules give this reader at ``path`` (whatever the response's content type),
    each in the language it would be shown in on a page without its own ``<html lang>``."""
    decision = engine.evaluate(region, path, host, at)
    accepted = (language,) if language else ()
    preferences = language_preferences(page_language=decision.page_language, accepted=accepted)
    return tuple(_shown(notice, notice_language(notice, preferences)) for notice in decision.notices)


def _shown(notice: Notice, language: str) -> Shown:
    return Shown(notice.id, language, plain_text(notice.texts.get(language, "")))


def plain_text(html: str) -> str:
    """The words of an HTML fragment: tags dropped, entities decoded, white space collapsed."""
    parser = _Text()
    parser.feed(html)
    parser.close()
    return " ".join("".join(parser.parts).split())


def notices_in_page(html: str) -> tuple[Shown, ...]:
    """The geonotice notices in a rendered page (``<aside class="geonotice-notice" ...>``), in order."""
    parser = _Asides()
    parser.feed(html)
    parser.close()
    return tuple(
        Shown(id_, language, " ".join("".join(parts).split())) for id_, language, parts in parser.found
    )


class _Text(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_data(self, data: str) -> None:
        self.parts.append(data)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in _INLINE:
            self.parts.append(" ")  # <p>a</p><p>b</p> reads "a b", not "ab"

    def handle_endtag(self, tag: str) -> None:
        if tag not in _INLINE:
            self.parts.append(" ")  # but "<a>read us</a>." reads "read us.", not "read us ."


class _Asides(HTMLParser):
    """Collects the text inside each notice aside; nested asides inside a notice are counted so the
    notice ends at its own end tag."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, str, list[str]]] = []
        self._depth = 0  # aside nesting inside the current notice; 0 = outside any notice

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._depth:
            self.found[-1][2].append(" ")
            if tag == "aside":
                self._depth += 1
            return
        values = dict(attrs)
        if tag == "aside" and NOTICE_CLASS in (values.get("class") or "").split():
            self.found.append((values.get("data-notice-id") or "", values.get("lang") or "", []))
            self._depth = 1

    def handle_endtag(self, tag: str) -> None:
        if not self._depth:
            return
        self.found[-1][2].append(" ")
        if tag == "aside":
            self._depth -= 1

    def handle_data(self, data: str) -> None:
        if self._depth:
            self.found[-1][2].append(data)
