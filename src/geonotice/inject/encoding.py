"""Small stream codecs for ``Content-Encoding``: decode a compressed page, re-encode it after the change.

The responder composes one decoder, the scanner and one encoder; the scanner never knows about
compression (one state machine for every encoding: the lesson of brotli-asgi, which copied gzip's
and lost its later fixes). Re-encoding uses fast settings (zlib level 3, brotli quality 4): the
page is compressed once more on every request of a reader who gets a notice, and level 6 would
cost about three times as much for a few percent of size. Readers without notices pay nothing:
their responses are never decoded.

Supported: ``identity``, ``gzip`` (and ``x-gzip``), ``deflate`` (zlib-wrapped as RFC 9110 says,
or raw as some servers send it), and ``br`` when the ``brotli`` package is installed. Anything
else, including several stacked encodings, is unsupported: such responses pass through untouched.
"""

from __future__ import annotations

import zlib
from typing import Any, Protocol

try:  # optional: the "brotli" extra
    import brotli as _brotli
except ImportError:  # pragma: no cover - depends on the installation
    _brotli = None

__all__ = ["Decoder", "Encoder", "decoder_for", "encoder_for", "supported"]

ZLIB_LEVEL = 3
BROTLI_QUALITY = 4


class Decoder(Protocol):
    def decode(self, data: bytes) -> bytes:
        """Decoded bytes for ``data``; raises ``ValueError`` on corrupt input."""
        ...

    def flush(self) -> bytes: ...

    @property
    def complete(self) -> bool:
        """Whether the stream has reached its end (after the last ``decode`` and ``flush``):
        a gzip, deflate or brotli stream cut short decodes without an error, only shorter."""
        ...


class Encoder(Protocol):
    def encode(self, data: bytes) -> bytes:
        """Encoded bytes for ``data``, flushed so that a streamed page is not held back."""
        ...

    def finish(self) -> bytes: ...


def _normalize(content_encoding: str | None) -> str:
    return (content_encoding or "identity").strip().lower() or "identity"


def supported(content_encoding: str | None) -> bool:
    """Whether responses with this ``Content-Encoding`` value can be changed."""
    if content_encoding is None:  # most pages: asked on every rewritten response
        return True
    name = _normalize(content_encoding)
    if name == "br":
        return _brotli is not None
    return name in ("identity", "gzip", "x-gzip", "deflate")


class _Identity:
    """Keeps no state: one instance serves every response."""

    complete = True

    def decode(self, data: bytes) -> bytes:
        return data

    def encode(self, data: bytes) -> bytes:
        return data

    def flush(self) -> bytes:
        return b""

    def finish(self) -> bytes:
        return b""


class _ZlibDecoder:
    """gzip (``wbits=31``, several members allowed) or deflate (zlib-wrapped or raw, detected)."""

    def __init__(self, gzip: bool) -> None:
        self._gzip = gzip
        self._wbits = 31 if gzip else 0  # 0 for deflate: decided on the first two bytes
        self._inflate: Any = zlib.decompressobj(31) if gzip else None
        self._head = b""
        self.raw_deflate = False

    def decode(self, data: bytes) -> bytes:
        if self._inflate is None:
            self._head += data
            if len(self._head) < 2:
                return b""
            data, self._head = self._head, b""
            cmf, flg = data[0], data[1]
            # RFC 1950 section 2.2: a zlib header has CM=8 and a check value making it divisible by 31.
            zlib_wrapped = cmf & 0x0F == 8 and (cmf << 8 | flg) % 31 == 0
            self.raw_deflate = not zlib_wrapped
            self._inflate = zlib.decompressobj(15 if zlib_wrapped else -15)
        try:
            out = self._inflate.decompress(data)
            while self._gzip and self._inflate.eof and self._inflate.unused_data:
                rest = self._inflate.unused_data
                self._inflate = zlib.decompressobj(31)
                out += self._inflate.decompress(rest)
        except zlib.error as exc:
            raise ValueError(f"corrupt {'gzip' if self._gzip else 'deflate'} data: {exc}") from exc
        return bytes(out)

    def flush(self) -> bytes:
        if self._inflate is None:
            return b""
        try:
            return bytes(self._inflate.flush())
        except zlib.error as exc:
            raise ValueError(f"corrupt compressed data: {exc}") from exc

    @property
    def complete(self) -> bool:
        return self._inflate is not None and bool(self._inflate.eof)


class _ZlibEncoder:
    def __init__(self, wbits: int) -> None:
        self._deflate = zlib.compressobj(ZLIB_LEVEL, zlib.DEFLATED, wbits)

    def encode(self, data: bytes) -> bytes:
        if not data:
            return b""
        return self._deflate.compress(data) + self._deflate.flush(zlib.Z_SYNC_FLUSH)

    def finish(self) -> bytes:
        return self._deflate.flush(zlib.Z_FINISH)


class _BrotliDecoder:
    def __init__(self) -> None:
        assert _brotli is not None
        self._inflate = _brotli.Decompressor()

    def decode(self, data: bytes) -> bytes:
        try:
            return bytes(self._inflate.process(data))
        except _brotli.error as exc:
            raise ValueError(f"corrupt brotli data: {exc}") from exc

    def flush(self) -> bytes:
        return b""

    @property
    def complete(self) -> bool:
        return bool(self._inflate.is_finished())


class _BrotliEncoder:
    def __init__(self) -> None:
        assert _brotli is not None
        self._deflate = _brotli.Compressor(quality=BROTLI_QUALITY)

    def encode(self, data: bytes) -> bytes:
        if not data:
            return b""
        return bytes(self._deflate.process(data) + self._deflate.flush())

    def finish(self) -> bytes:
        return bytes(self._deflate.finish())


_IDENTITY = _Identity()


def decoder_for(content_encoding: str | None) -> Decoder | None:
    """A fresh decoder for this ``Content-Encoding``, or ``None`` if it is not supported."""
    if content_encoding is None:  # most pages: one of these per rewritten response
        return _IDENTITY
    name = _normalize(content_encoding)
    if name == "identity":
        return _IDENTITY
    if name in ("gzip", "x-gzip"):
        return _ZlibDecoder(gzip=True)
    if name == "deflate":
        return _ZlibDecoder(gzip=False)
    if name == "br" and _brotli is not None:
        return _BrotliDecoder()
    return None


def encoder_for(content_encoding: str | None, decoder: Decoder | None = None) -> Encoder | None:
    """A fresh encoder producing the same encoding, or ``None`` if it is not supported.

    Given the decoder of the same response, a raw deflate stream is re-encoded raw, so that the
    client that accepted the original accepts the change too.
    """
    if content_encoding is None:
        return _IDENTITY
    name = _normalize(content_encoding)
    if name == "identity":
        return _IDENTITY
    if name in ("gzip", "x-gzip"):
        return _ZlibEncoder(31)
    if name == "deflate":
        raw = isinstance(decoder, _ZlibDecoder) and decoder.raw_deflate
        return _ZlibEncoder(-15 if raw else 15)
    if name == "br" and _brotli is not None:
        return _BrotliEncoder()
    return None
