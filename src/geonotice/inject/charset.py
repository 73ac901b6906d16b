"""Which charset a page is in, found the way browsers find it.

A notice spliced into a page must be in the page's charset, or the readers it is for see
mojibake (a windows-1251 Russian page with a UTF-8 notice). Browsers decide, in this order
(WHATWG HTML, "determining the character encoding"): a byte order mark; the ``charset`` of the
``Content-Type`` header; a ``<meta charset>`` or ``<meta http-equiv="Content-Type">`` in the
first 1,024 bytes, found by the "prescan" algorithm implemented here; otherwise a guess from the
reader's locale or the page's bytes. Labels are read with the Encoding Standard's table, so
``latin1`` and ``ascii`` are windows-1252, as in every browser. XHTML pages follow the XML rules
instead: BOM, ``Content-Type``, the ``<?xml ... encoding="..."?>`` declaration, else UTF-8.

Everything here is sans-IO and never raises on page bytes.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

__all__ = [
    "PRESCAN_BYTES",
    "UTF8",
    "Charset",
    "bom_charset",
    "charset_for_label",
    "content_type_charset",
    "prescan",
    "xml_declaration_charset",
]

#: How much of a page the prescan reads (and so, at most, how much is held to read it).
PRESCAN_BYTES = 1024


@dataclass(frozen=True, slots=True)
class Charset:
    """An encoding of the Encoding Standard. ``codec`` is the Python codec that writes it, or
    ``None`` when notices cannot be written in it (``ISO-2022-JP`` is stateful, ``replacement``
    shows nothing, ``x-user-defined`` has no codec). ``ascii_compatible``: markup is bytes as in
    ASCII, so the page can be scanned as it is (UTF-16 cannot)."""

    name: str
    codec: str | None
    ascii_compatible: bool = True


# The Encoding Standard's encodings and their labels (https://encoding.spec.whatwg.org/#names-and-labels).
_TABLE: tuple[tuple[str, str | None, str], ...] = (
    ("UTF-8", "utf-8", "unicode-1-1-utf-8 unicode11utf8 unicode20utf8 utf-8 utf8 x-unicode20utf8"),
    ("IBM866", "cp866", "866 cp866 csibm866 ibm866"),
    ("ISO-8859-2", "iso8859_2", "csisolatin2 iso-8859-2 iso-ir-101 iso8859-2 iso88592 iso_8859-2 "
     "iso_8859-2:1987 l2 latin2"),
    ("ISO-8859-3", "iso8859_3", "csisolatin3 iso-8859-3 iso-ir-109 iso8859-3 iso88593 iso_8859-3 "
     "iso_8859-3:1988 l3 latin3"),
    ("ISO-8859-4", "iso8859_4", "csisolatin4 iso-8859-4 iso-ir-110 iso8859-4 iso88594 iso_8859-4 "
     "iso_8859-4:1988 l4 latin4"),
    ("ISO-8859-5", "iso8859_5", "csisolatincyrillic cyrillic iso-8859-5 iso-ir-144 iso8859-5 iso88595 "
     "iso_8859-5 iso_8859-5:1988"),
    ("ISO-8859-6", "iso8859_6", "arabic asmo-708 csiso88596e csiso88596i csisolatinarabic ecma-114 "
     "iso-8859-6 iso-8859-6-e iso-8859-6-i iso-ir-127 iso8859-6 iso88596 iso_8859-6 iso_8859-6:1987"),
    ("ISO-8859-7", "iso8859_7", "csisolatingreek ecma-118 elot_928 greek greek8 iso-8859-7 iso-ir-126 "
     "iso8859-7 iso88597 iso_8859-7 iso_8859-7:1987 sun_eu_greek"),
    ("ISO-8859-8", "iso8859_8", "csiso88598e csisolatinhebrew hebrew iso-8859-8 iso-8859-8-e iso-ir-138 "
     "iso8859-8 iso88598 iso_8859-8 iso_8859-8:1988 visual"),
    ("ISO-8859-8-I", "iso8859_8", "csiso88598i iso-8859-8-i logical"),
    ("ISO-8859-10", "iso8859_10", "csisolatin6 iso-8859-10 iso-ir-157 iso8859-10 iso885910 l6 latin6"),
    ("ISO-8859-13", "iso8859_13", "iso-8859-13 iso8859-13 iso885913"),
    ("ISO-8859-14", "iso8859_14", "iso-8859-14 iso8859-14 iso885914"),
    ("ISO-8859-15", "iso8859_15", "csisolatin9 iso-8859-15 iso8859-15 iso885915 iso_8859-15 l9"),
    ("ISO-8859-16", "iso8859_16", "iso-8859-16"),
    ("KOI8-R", "koi8_r", "cskoi8r koi koi8 koi8-r koi8_r"),
    ("KOI8-U", "koi8_u", "koi8-ru koi8-u"),
    ("macintosh", "mac_roman", "csmacintosh mac macintosh x-mac-roman"),
    ("windows-874", "cp874", "dos-874 iso-8859-11 iso8859-11 iso885911 tis-620 windows-874"),
    ("windows-1250", "cp1250", "cp1250 windows-1250 x-cp1250"),
    ("windows-1251", "cp1251", "cp1251 windows-1251 x-cp1251"),
    ("windows-1252", "cp1252", "ansi_x3.4-1968 ascii cp1252 cp819 csisolatin1 ibm819 iso-8859-1 "
     "iso-ir-100 iso8859-1 iso88591 iso_8859-1 iso_8859-1:1987 l1 latin1 us-ascii windows-1252 x-cp1252"),
    ("windows-1253", "cp1253", "cp1253 windows-1253 x-cp1253"),
    ("windows-1254", "cp1254", "cp1254 csisolatin5 iso-8859-9 iso-ir-148 iso8859-9 iso88599 iso_8859-9 "
     "iso_8859-9:1989 l5 latin5 windows-1254 x-cp1254"),
    ("windows-1255", "cp1255", "cp1255 windows-1255 x-cp1255"),
    ("windows-1256", "cp1256", "cp1256 windows-1256 x-cp1256"),
    ("windows-1257", "cp1257", "cp1257 windows-1257 x-cp1257"),
    ("windows-1258", "cp1258", "cp1258 windows-1258 x-cp1258"),
    ("x-mac-cyrillic", "mac_cyrillic", "x-mac-cyrillic x-mac-ukrainian"),
    ("GBK", "gbk", "chinese csgb2312 csiso58gb231280 gb2312 gb_2312 gb_2312-80 gbk iso-ir-58 x-gbk"),
    ("gb18030", "gb18030", "gb18030"),
    ("Big5", "big5hkscs", "big5 big5-hkscs cn-big5 csbig5 x-x-big5"),
    ("EUC-JP", "euc_jp", "cseucpkdfmtjapanese euc-jp x-euc-jp"),
    ("ISO-2022-JP", None, "csiso2022jp iso-2022-jp"),
    ("Shift_JIS", "cp932", "csshiftjis ms932 ms_kanji shift-jis shift_jis sjis windows-31j x-sjis"),
    ("EUC-KR", "cp949", "cseuckr csksc56011987 euc-kr iso-ir-149 korean ks_c_5601-1987 ks_c_5601-1989 "
     "ksc5601 ksc_5601 windows-949"),
    ("replacement", None, "csiso2022kr hz-gb-2312 iso-2022-cn iso-2022-cn-ext iso-2022-kr replacement"),
    ("UTF-16BE", "utf-16-be", "unicodefffe utf-16be"),
    ("UTF-16LE", "utf-16-le", "csunicode iso-10646-ucs-2 ucs-2 unicode unicodefeff utf-16 utf-16le"),
    ("x-user-defined", None, "x-user-defined"),
)  # fmt: skip

_NOT_ASCII_COMPATIBLE = frozenset({"UTF-16BE", "UTF-16LE", "ISO-2022-JP", "replacement"})
_ENCODINGS = {name: Charset(name, codec, name not in _NOT_ASCII_COMPATIBLE) for name, codec, _ in _TABLE}
_LABELS = {label: _ENCODINGS[name] for name, _, labels in _TABLE for label in labels.split()}
UTF8 = _ENCODINGS["UTF-8"]
_BOMS = (
    (b"\xef\xbb\xbf", UTF8),
    (b"\xfe\xff", _ENCODINGS["UTF-16BE"]),
    (b"\xff\xfe", _ENCODINGS["UTF-16LE"]),
)
_ASCII_WHITESPACE = "\t\n\f\r "


def charset_for_label(label: str | bytes) -> Charset | None:
    """The Encoding Standard's "get an encoding": the encoding a label names, or ``None``."""
    if isinstance(label, bytes):
        label = label.decode("latin-1")
    return _LABELS.get(label.strip(_ASCII_WHITESPACE).lower())


def bom_charset(prefix: bytes) -> tuple[Charset, int] | None:
    """The encoding a byte order mark at the start of ``prefix`` names, and the mark's length."""
    for mark, charset in _BOMS:
        if prefix.startswith(mark):
            return charset, len(mark)
    return None


# RFC 9110 section 5.6.6 parameters, with a quoted value (quoted-pairs kept simple: "\x" is x).
_PARAMETER = re.compile(r';[ \t]*([!#$%&\'*+.^_`|~0-9A-Za-z-]+)=("(?:[^"\\]|\\.)*"|[^;]*)')


@functools.lru_cache(maxsize=256)  # an app sends a handful of distinct Content-Type values
def content_type_charset(content_type: str | None) -> Charset | None:
    """The encoding of the first ``charset`` parameter of a ``Content-Type`` value; ``None`` when
    there is none or it names no encoding (browsers then ignore it)."""
    if not content_type or ";" not in content_type:
        return None
    for match in _PARAMETER.finditer(content_type):
        if match.group(1).lower() == "charset":
            value = match.group(2).strip(_ASCII_WHITESPACE)
            if value.startswith('"'):
                value = re.sub(r"\\(.)", r"\1", value[1:-1])
            return charset_for_label(value)
    return None


_XML_DECLARATION = re.compile(
    rb"<\?xml[\t\n\r ]+version[\t\n\r ]*=[\t\n\r ]*[\"'][^\"']*[\"'][\t\n\r ]+encoding[\t\n\r ]*=[\t\n\r ]*"
    rb"[\"']([A-Za-z][A-Za-z0-9._-]*)[\"']"
)


def xml_declaration_charset(prefix: bytes) -> Charset | None:
    """The encoding an XML declaration at the very start of ``prefix`` names, if any."""
    match = _XML_DECLARATION.match(prefix)
    return charset_for_label(match.group(1)) if match else None


# -- the prescan (WHATWG HTML, "prescan a byte stream to determine its encoding") -------------------

_SPACE = b"\t\n\x0c\r "
_SPACE_OR_SLASH = b"\t\n\x0c\r /"
_DELIMITERS = frozenset(bytes([b]) for b in _SPACE_OR_SLASH)
_META = re.compile(rb"<meta[\t\n\x0c\r /]", re.I)
_CHARSET_IN_CONTENT = re.compile(r"charset", re.I)
_TAG_NAME = re.compile(rb"[^\t\n\x0c\r >]*")


class _OutOfBytes(Exception):
    """The prefix ended inside a construct: the prescan fails (the spec's "abort ... failure")."""


def prescan(prefix: bytes) -> Charset | None:
    """The encoding named by the first usable ``<meta>`` in the first ``PRESCAN_BYTES`` bytes, as
    browsers find it (comments and other tags' attributes skipped); ``None`` when there is none."""
    data = prefix[:PRESCAN_BYTES]
    if not _META.search(data):  # the usual page without <meta charset> costs one search
        return None
    try:
        return _Prescan(data).run()
    except _OutOfBytes:
        return None


class _Prescan:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def run(self) -> Charset | None:
        data = self.data
        while True:
            self.pos = data.find(b"<", self.pos)
            if self.pos < 0:
                return None
            if data.startswith(b"<!--", self.pos):
                end = data.find(b"-->", self.pos + 2)
                if end < 0:
                    return None
                self.pos = end + 3
                continue
            at = self.pos
            if (
                data[at : at + 5].lower() == b"<meta"
                and at + 5 < len(data)
                and data[at + 5] in _SPACE_OR_SLASH
            ):
                self.pos += 5
                found = self.meta()
                if found is not None:
                    return found
                continue
            after = data[self.pos + 1 : self.pos + 2]
            after_slash = data[self.pos + 2 : self.pos + 3] if after == b"/" else b""
            if after.isalpha() or (after == b"/" and after_slash.isalpha()):
                # A tag: skip its name, then its attributes (a ">" in a quoted value is no end).
                self.pos = _TAG_NAME.match(data, self.pos).end()  # type: ignore[union-attr]
                while self.attribute() is not None:
                    pass
            elif after in (b"!", b"/", b"?"):
                end = data.find(b">", self.pos)
                if end < 0:
                    return None
                self.pos = end
            self.pos += 1

    def meta(self) -> Charset | None:
        """After ``<meta`` and its delimiter: the encoding it declares, or ``None``."""
        names: set[bytes] = set()
        got_pragma = False
        need_pragma: bool | None = None
        charset: Charset | None = None
        while True:
            attribute = self.attribute()
            if attribute is None:
                break
            name, value = attribute
            if name in names:
                continue
            names.add(name)
            if name == b"http-equiv":
                got_pragma = got_pragma or value == b"content-type"
            elif name == b"content" and charset is None:
                found = _charset_from_content(value.decode("latin-1"))
                if found is not None:
                    charset, need_pragma = found, True
            elif name == b"charset":
                charset, need_pragma = charset_for_label(value), False
        if need_pragma is None or (need_pragma and not got_pragma) or charset is None:
            return None
        if charset.name in ("UTF-16BE", "UTF-16LE"):
            return UTF8  # a page the prescan could read as ASCII is not UTF-16, whatever it says
        if charset.name == "x-user-defined":
            return _ENCODINGS["windows-1252"]
        return charset

    def attribute(self) -> tuple[bytes, bytes] | None:
        """The spec's "get an attribute": the next attribute's name and value (lowercased), or
        ``None`` at the end of the tag. One regex match instead of the spec's byte-by-byte steps."""
        match = _ATTRIBUTE.match(self.data, self.pos)
        assert match is not None  # every alternative can match; the empty one means no bytes
        self.pos = match.end()
        if match["end"] is not None:
            self.pos -= 1  # left at the ">", as the spec leaves it
            return None
        name = match["name"]
        if name is None or match["open"] is not None:
            raise _OutOfBytes  # the data ended before the tag did
        quoted = match["double"] if match["double"] is not None else match["single"]
        if quoted is None and self.pos >= len(self.data):
            raise _OutOfBytes  # a name or bare value running to the end may go on
        value = quoted if quoted is not None else match["bare"] or b""
        return name.lower(), value.lower()


# The spec's "get an attribute", whose every step is a class of bytes: skip spaces and slashes;
# a ">" ends the tag; a name runs to "=", a space, "/" or ">" (its first byte may be "=");
# spaces, "=", spaces, then a quoted value, nothing before ">", or a bare value to a space or ">".
_ATTRIBUTE = re.compile(
    rb"[\t\n\x0c\r /]*(?:(?P<end>>)|(?P<name>[^\t\n\x0c\r />][^\t\n\x0c\r /=>]*)"
    rb"(?:[\t\n\x0c\r ]*=[\t\n\x0c\r ]*(?:\"(?P<double>[^\"]*)\"|'(?P<single>[^']*)'|(?=>)"
    rb"|(?P<bare>[^\t\n\x0c\r >\"'][^\t\n\x0c\r >]*)|(?P<open>[\"']|\Z)))?)?"
)


def _charset_from_content(content: str) -> Charset | None:
    """The spec's "extracting a character encoding from a meta element" (``content="...;
    charset=X"``)."""
    position = 0
    while True:
        match = _CHARSET_IN_CONTENT.search(content, position)
        if match is None:
            return None
        position = match.end()
        while position < len(content) and content[position] in _ASCII_WHITESPACE:
            position += 1
        if position >= len(content) or content[position] != "=":
            continue
        position += 1
        while position < len(content) and content[position] in _ASCII_WHITESPACE:
            position += 1
        if position >= len(content):
            return None
        first = content[position]
        if first in "\"'":
            end = content.find(first, position + 1)
            return None if end < 0 else charset_for_label(content[position + 1 : end])
        end = position
        while end < len(content) and content[end] not in _ASCII_WHITESPACE + ";":
            end += 1
        return charset_for_label(content[position:end])
