"""The WHATWG prescan written step by step, byte by byte, as the spec words it: the reference the
fast prescan of ``geonotice.inject.charset`` (regex matches instead of byte loops) must agree
with (tests/inject/test_charset.py, over hypothesis-made pages)."""

from __future__ import annotations

from geonotice.inject.charset import Charset, charset_for_label
from geonotice.inject.charset import _charset_from_content as charset_from_content

SPACE = b"\t\n\x0c\r "


class OutOfBytes(Exception):
    pass


def reference_prescan(data: bytes) -> str | None:
    """The name of the encoding the prescan finds in ``data[:1024]``, or ``None``."""
    try:
        found = _Prescan(data[:1024]).run()
    except OutOfBytes:
        return None
    return None if found is None else found.name


class _Prescan:
    def __init__(self, data: bytes) -> None:
        self.data = data
        self.pos = 0

    def byte(self) -> int:
        if self.pos >= len(self.data):
            raise OutOfBytes
        return self.data[self.pos]

    def starts(self, text: bytes) -> bool:
        return self.data[self.pos : self.pos + len(text)].lower() == text

    def run(self) -> Charset | None:
        while self.pos < len(self.data):
            if self.starts(b"<!--"):
                end = self.data.find(b"-->", self.pos + 2)
                if end < 0:
                    raise OutOfBytes
                self.pos = end + 2
            elif self.starts(b"<meta") and self.data[self.pos + 5 : self.pos + 6] in [
                bytes([b]) for b in SPACE + b"/"
            ]:
                self.pos += 5
                found = self.meta()
                if found is not None:
                    return found
            elif self.byte() == 0x3C and (
                self.data[self.pos + 1 : self.pos + 2].isalpha()
                or (
                    self.data[self.pos + 1 : self.pos + 2] == b"/"
                    and self.data[self.pos + 2 : self.pos + 3].isalpha()
                )
            ):
                while self.byte() not in SPACE + b">":
                    self.pos += 1
                while self.attribute() is not None:
                    pass
            elif self.starts(b"<!") or self.starts(b"</") or self.starts(b"<?"):
                while self.byte() != 0x3E:
                    self.pos += 1
            self.pos += 1
        return None

    def meta(self) -> Charset | None:
        names: list[bytes] = []
        got_pragma, need_pragma, charset = False, None, None
        while (attribute := self.attribute()) is not None:
            name, value = attribute
            if name in names:
                continue
            names.append(name)
            if name == b"http-equiv" and value == b"content-type":
                got_pragma = True
            elif name == b"content":
                found = charset_from_content(value.decode("latin-1"))
                if found is not None and charset is None:
                    charset, need_pragma = found, True
            elif name == b"charset":
                charset, need_pragma = charset_for_label(value), False
        if need_pragma is None or (need_pragma and not got_pragma) or charset is None:
            return None
        if charset.name in ("UTF-16BE", "UTF-16LE"):
            return charset_for_label("utf-8")
        if charset.name == "x-user-defined":
            return charset_for_label("windows-1252")
        return charset

    def attribute(self) -> tuple[bytes, bytes] | None:
        while self.byte() in SPACE + b"/":
            self.pos += 1
        if self.byte() == 0x3E:
            return None
        name, value = bytearray(), bytearray()
        while True:
            b = self.byte()
            if b == 0x3D and name:
                self.pos += 1
                break
            if b in SPACE:
                while self.byte() in SPACE:
                    self.pos += 1
                if self.byte() != 0x3D:
                    return bytes(name), b""
                self.pos += 1
                break
            if b in b"/>":
                return bytes(name), b""
            name += bytes([b]).lower()
            self.pos += 1
        while self.byte() in SPACE:
            self.pos += 1
        b = self.byte()
        if b in b"\"'":
            while True:
                self.pos += 1
                c = self.byte()
                if c == b:
                    self.pos += 1
                    return bytes(name), bytes(value)
                value += bytes([c]).lower()
        if b == 0x3E:
            return bytes(name), b""
        while True:
            c = self.byte()
            if c in SPACE or c == 0x3E:
                return bytes(name), bytes(value)
            value += bytes([c]).lower()
            self.pos += 1
