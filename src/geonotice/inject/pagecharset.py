"""Holding the start of a page until its charset is known, and the notice written in that charset.

``CharsetSniffer`` decides, from the ``Content-Type`` and as few of the page's first bytes as it
takes, how a page is read and how its notices are written (``PageText``), or that it must be
left untouched (``Untouched``, with the reason counted and logged by the responder):

* a byte order mark, or else a ``charset`` in ``Content-Type``, decides at once (from the first
  three bytes: the mark wins, as in browsers);
* otherwise the page is held until its first ``<meta>`` naming a charset, or 1,024 bytes, or its
  end, whichever comes first (the prescan browsers run, ``charset.prescan``). An XHTML page is
  held only until its XML declaration is complete, and is UTF-8 without one;
* a page that declares nothing is left untouched if its first bytes are not UTF-8 (a legacy page
  whose charset the browser will guess, and so might a notice's), and otherwise gets its notice
  in ASCII, every other character a numeric character reference: right in UTF-8 and in every
  ASCII-compatible charset a browser could guess.

The hold is bounded: 1,024 decoded bytes, and 64 KiB of the app's bytes (a compressed stream
that yields nothing for that long is not worth more); a page that declares its charset in
``Content-Type``, as every framework does by default, is held for three bytes at most.

UTF-16 pages cannot be scanned as they are (their markup is not ASCII bytes): ``PageText``
transcodes them to UTF-8 for the scan and back, losslessly (lone surrogates and a trailing odd
byte survive), so their notices land where they belong.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass
from typing import Any

from geonotice.inject.charset import (
    PRESCAN_BYTES,
    UTF8,
    Charset,
    bom_charset,
    prescan,
    xml_declaration_charset,
)
from geonotice.inject.outcomes import MissReason

__all__ = ["HOLD_LIMIT", "CharsetSniffer", "PageText", "Untouched"]

#: Most bytes of the app's body (before content decoding) held while the charset is unknown.
HOLD_LIMIT = 64 * 1024
_BOM_BYTES = 3


@dataclass(frozen=True, slots=True)
class Untouched:
    """The page is left as it is: why, for the log and the metrics."""

    reason: MissReason
    detail: str


class PageText:
    """How one page is read for the scan and how its notices are written.

    ``scan`` turns the page's bytes into what the scanner reads (the bytes themselves, or UTF-8
    for a UTF-16 page); ``unscan`` turns the scanner's output back; ``fragment`` turns a notice's
    UTF-8 markup into bytes for the scanner's stream: in the page's charset with numeric
    character references for what it cannot hold, or pure ASCII when the page declares nothing.
    """

    def __init__(self, charset: Charset, *, declared: bool, source: str) -> None:
        self.charset = charset
        self.declared = declared
        self.source = source
        self._transcode = not charset.ascii_compatible
        # The scanner's stream of a UTF-16 page is UTF-8; a page that declares nothing gets ASCII.
        codec = charset.codec or "utf-8"
        self._fragment_codec = "utf-8" if self._transcode else codec if declared else "ascii"
        if self._transcode:
            assert charset.codec is not None
            self._decoder: Any = codecs.getincrementaldecoder(charset.codec)("surrogatepass")
            self._encoder: Any = codecs.getincrementalencoder(charset.codec)("surrogatepass")
            self._utf8: Any = codecs.getincrementaldecoder("utf-8")("surrogatepass")

    def scan(self, data: bytes) -> bytes:
        if not self._transcode:
            return data
        return bytes(self._decoder.decode(data, False).encode("utf-8", "surrogatepass"))

    def unscan(self, data: bytes, final: bool = False) -> bytes:
        if not self._transcode:
            return data
        out = bytes(self._encoder.encode(self._utf8.decode(data, final), final))
        if final:
            # A trailing odd byte of a UTF-16 page is not a character: it goes out as it came.
            out += bytes(self._decoder.getstate()[0])
        return out

    def fragment(self, markup: bytes) -> bytes:
        if self._fragment_codec == "utf-8":
            return markup
        return markup.decode("utf-8").encode(self._fragment_codec, "xmlcharrefreplace")


class CharsetSniffer:
    """Decides how a page is read from its first bytes (see the module docstring).

    ``declared`` is the encoding the ``Content-Type`` names, if any; ``xml`` says the page is
    XHTML. ``feed`` takes the page's bytes (content-decoded) as they come and returns ``None``
    while it needs more, then the decision.
    """

    def __init__(self, declared: Charset | None, *, xml: bool = False) -> None:
        self.declared = declared
        self.xml = xml
        self.prefix = b""

    def feed(self, data: bytes, final: bool, *, force: bool = False) -> PageText | Untouched | None:
        """``final``: the body ended with ``data``; ``force``: decide now with what there is."""
        prefix = self.prefix = self.prefix + data
        if len(prefix) < _BOM_BYTES and not (final or force) and _could_be_bom(prefix):
            return None
        marked = bom_charset(prefix)
        if marked is not None:
            return _page(marked[0], "byte order mark")
        if self.declared is not None:
            return _page(self.declared, "Content-Type")
        complete = final or force or len(prefix) >= PRESCAN_BYTES
        if self.xml:
            if not complete and b">" not in prefix and prefix.startswith(b"<?xml"[: len(prefix)]):
                return None
            found = xml_declaration_charset(prefix)
            return _page(found or UTF8, "XML declaration" if found else "XML default")
        found = prescan(prefix)
        if found is not None:
            return _page(found, "<meta>")
        if not complete:
            return None
        try:
            codecs.getincrementaldecoder("utf-8")().decode(prefix[:PRESCAN_BYTES], final)
        except UnicodeDecodeError:
            return Untouched(
                MissReason.UNKNOWN_CHARSET,
                "the page declares no charset (in Content-Type or a <meta> in its first 1024 bytes) "
                "and is not UTF-8: a notice could be unreadable in the charset the browser guesses",
            )
        return PageText(UTF8, declared=False, source="undeclared")


def _could_be_bom(prefix: bytes) -> bool:
    return any(mark.startswith(prefix) for mark in (b"\xef\xbb\xbf", b"\xfe\xff", b"\xff\xfe"))


def _page(charset: Charset, source: str) -> PageText | Untouched:
    if charset.codec is None:
        return Untouched(
            MissReason.UNSUPPORTED_CHARSET, f"notices cannot be written in the page's charset {charset.name}"
        )
    return PageText(charset, declared=True, source=source)
