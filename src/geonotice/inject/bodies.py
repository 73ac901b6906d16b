"""The body handlers of ``NoticeResponder``: one for HTML pages, one for JSON answers.

``NoticeResponder._decide`` picks one of them, once, when the start message says what the body
is; from then on it receives every body message, with the responder. A handler holds only its
own state (the page rewriter and codecs, or the buffered JSON); the responder still owns the held
start message, the headers and the reports, and the handler calls it for those. It does not keep
the responder, which keeps it: a cycle would hold each request's buffers until the next garbage
collection.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from typing import TYPE_CHECKING

from starlette.types import Message

from geonotice.inject.charset import Charset
from geonotice.inject.encoding import Encoder, decoder_for, encoder_for
from geonotice.inject.fragment import as_xhtml, notice_text, render_notices
from geonotice.inject.outcomes import MissReason, PlacementOutcome
from geonotice.inject.pagecharset import HOLD_LIMIT, CharsetSniffer, PageText, Untouched
from geonotice.inject.scanner import PageRewriter
from geonotice.rules.languages import notice_language
from geonotice.rules.model import Notice, Placement

if TYPE_CHECKING:
    from geonotice.inject.responder import NoticeResponder

__all__ = ["HtmlBody", "JsonBody"]

logger = logging.getLogger("geonotice.inject")


# The notices of a response grouped by placement, by the notices' identity (each entry holds its
# notices, so no id is reused while it lives): grouping hashes every placement, on every request.
_GROUPS: dict[tuple[int, ...], tuple[Sequence[Notice], dict[Placement, tuple[Notice, ...]]]] = {}
_MAX_GROUPS = 512


def _groups(notices: Sequence[Notice]) -> dict[Placement, tuple[Notice, ...]]:
    """``notices`` by placement, in order; the caller must not change what it gets."""
    key = tuple([id(notice) for notice in notices])
    found = _GROUPS.get(key)
    if found is not None:
        return found[1]
    lists: dict[Placement, list[Notice]] = {}
    for notice in notices:
        lists.setdefault(notice.placement, []).append(notice)
    groups = {placement: tuple(group) for placement, group in lists.items()}
    if len(_GROUPS) >= _MAX_GROUPS:
        _GROUPS.clear()
    _GROUPS[key] = (tuple(notices), groups)
    return groups


class HtmlBody:
    """Streams a page through the rewriter: each chunk is decoded, scanned and re-encoded.

    The start of the page is held until its charset is known (``pagecharset``; three bytes when
    ``Content-Type`` names it), and the notices are written in that charset; a page whose charset
    cannot be known or written is left untouched. The held start message goes out with the first
    output, so a page of one body message keeps an exact ``Content-Length`` and a streamed page
    loses it. A body that does not decode in its declared encoding, or whose compressed stream
    is cut short, passes through unchanged if nothing has been sent yet. Broken mid-stream, a
    corrupt body is an error (logged, raised), and a cut-short one is passed on cut short
    (logged): completing it would hide the app's fault from the browser.

    ``xml`` marks an XHTML page (``application/xhtml+xml``): its notices are written as XML, and
    never after the end of the document, where nothing may follow the root element.
    """

    def __init__(
        self,
        notices: Sequence[Notice],
        preferences: Sequence[str],
        encoding: str | None,
        *,
        charset: Charset | None = None,
        xml: bool = False,
    ) -> None:
        self.encoding = encoding
        self.decoder = decoder_for(encoding)
        self.encoder: Encoder | None = None
        self.sniffer = CharsetSniffer(charset, xml=xml)
        self.text: PageText | None = None  # how the page is read and written, once known
        self.held: list[bytes] = []  # the app's bytes, while the charset is not known
        self.held_size = 0
        self.xml = xml
        self.closing = False
        self.dropped: list[Placement] = []  # XHTML notices that could only go after the root
        groups = _groups(notices)

        def render(placement: Placement, page_language: str | None) -> bytes:
            if xml and self.closing:
                self.dropped.append(placement)
                return b""
            languages = (page_language, *preferences) if page_language else preferences
            markup = render_notices(groups[placement], languages)
            assert self.text is not None  # the rewriter is fed only once the charset is known
            return self.text.fragment(as_xhtml(markup) if xml else markup)

        self.groups = groups
        self.rewriter = PageRewriter(list(groups), render)

    async def send_body(self, responder: NoticeResponder, message: Message) -> None:
        body: bytes = message.get("body", b"")
        more_body: bool = message.get("more_body", False)
        assert self.decoder is not None
        if self.text is None:
            self.held.append(body)
            self.held_size += len(body)
        try:
            decoded = self.decoder.decode(body)
            if not more_body:
                decoded += self.decoder.flush()
        except ValueError as exc:
            if self.text is not None:
                logger.error("cannot decode the body of %s mid-stream: %s", responder.path, exc)
                raise
            await self._untouched(responder, more_body, MissReason.CORRUPT_ENCODING, str(exc))
            return
        cut_short = not more_body and not self.decoder.complete
        if cut_short and self.text is None:
            detail = f"the app's {self.encoding} stream ends before its end"
            await self._untouched(responder, more_body, MissReason.CORRUPT_ENCODING, detail)
            return
        if self.text is None:
            found = self.sniffer.feed(decoded, not more_body, force=self.held_size > HOLD_LIMIT)
            if found is None:
                return  # hold on: the charset is not known yet
            if isinstance(found, Untouched):
                await self._untouched(responder, more_body, found.reason, found.detail)
                return
            self.text, decoded, self.held = found, self.sniffer.prefix, []
        out = self.rewriter.feed(self.text.scan(decoded))
        if not more_body:
            self.closing = True
            out += self.rewriter.close()
        out = self.text.unscan(out, not more_body)
        if self.encoder is None:
            self.encoder = encoder_for(self.encoding, self.decoder)
            assert self.encoder is not None
        encoded = self.encoder.encode(out)
        if cut_short:
            logger.error(
                "the %s body of %s ended before its compressed stream did; passed on cut short",
                self.encoding,
                responder.path,
            )
        elif not more_body:
            encoded += self.encoder.finish()
        if responder.held is not None:
            await responder.send(responder.changed_start(None if more_body else len(encoded)))
        if encoded or not more_body:
            await responder.send({"type": "http.response.body", "body": encoded, "more_body": more_body})
        if not more_body:
            self._report(responder)

    async def _untouched(
        self, responder: NoticeResponder, more_body: bool, reason: MissReason, detail: str
    ) -> None:
        """Send the page as the app sent it, from its first byte: nothing has gone out yet."""
        responder.report(responder.notices, PlacementOutcome.NOT_PLACED, reason, detail)
        await responder.release()
        held, self.held = b"".join(self.held), []
        await responder.send({"type": "http.response.body", "body": held, "more_body": more_body})

    def _report(self, responder: NoticeResponder) -> None:
        rewriter, report = self.rewriter, responder.report
        if not rewriter.fallbacks and not rewriter.unplaced:  # the common case: all as asked
            report(responder.notices, PlacementOutcome.PLACED)
            return
        placed = [notice for placement in rewriter.placed for notice in self.groups[placement]]
        if placed:
            report(placed, PlacementOutcome.PLACED)
        for placement in rewriter.fallbacks:
            if placement in self.dropped:
                report(
                    self.groups[placement],
                    PlacementOutcome.NOT_PLACED,
                    MissReason.NO_PLACEMENT_POINT,
                    "the XHTML page has no such placement point and no </body>, and nothing may "
                    "follow its root element",
                    placement,
                )
                continue
            report(
                self.groups[placement],
                rewriter.fallback_outcome,
                MissReason.NO_PLACEMENT_POINT,
                "the page has no such placement point",
                placement,
            )
        for placement in rewriter.unplaced:
            report(
                self.groups[placement],
                PlacementOutcome.NOT_PLACED,
                MissReason.PAGE_ENDED_EARLY,
                f"the page ended inside a {rewriter.stopped_in}",
                placement,
            )


class JsonBody:
    """Buffers a JSON answer and adds a top-level ``"legal_notices"`` field to an object.

    Only the field is spliced in: every other byte of the app's JSON stays as it was. Bodies that
    are not a JSON object, already have the field, or exceed ``json_limit`` go out unchanged.
    """

    def __init__(self, encoding: str | None) -> None:
        self.encoding = encoding
        self.parts: list[bytes] = []
        self.size = 0

    async def send_body(self, responder: NoticeResponder, message: Message) -> None:
        body: bytes = message.get("body", b"")
        self.parts.append(body)
        self.size += len(body)
        if self.size > responder.json_limit:
            responder.report(
                responder.notices,
                PlacementOutcome.NOT_PLACED,
                MissReason.JSON_TOO_LARGE,
                f"JSON body larger than {responder.json_limit} bytes",
            )
            await responder.release()
            await responder.send({**message, "body": b"".join(self.parts)})
            self.parts = []
            return
        if message.get("more_body", False):
            return
        original = b"".join(self.parts)
        self.parts = []
        changed = self._with_notices(original, responder.notices, responder.preferences)
        if not isinstance(changed, bytes):
            if changed is not None:
                responder.report(responder.notices, PlacementOutcome.NOT_PLACED, *changed)
            await responder.release()
            await responder.send({"type": "http.response.body", "body": original, "more_body": False})
            return
        await responder.send(responder.changed_start(len(changed)))
        responder.report(responder.notices, PlacementOutcome.PLACED)
        await responder.send({"type": "http.response.body", "body": changed, "more_body": False})

    def _with_notices(
        self, original: bytes, notices: Sequence[Notice], preferences: Sequence[str]
    ) -> bytes | tuple[MissReason, str] | None:
        """The body with ``"legal_notices"`` added after the object's last member; else why not
        (``None`` when it has the field already: its notices are there)."""
        decoder = decoder_for(self.encoding)
        assert decoder is not None
        try:
            text = decoder.decode(original) + decoder.flush()
        except ValueError as error:
            return MissReason.CORRUPT_ENCODING, str(error)
        if not decoder.complete:
            return MissReason.CORRUPT_ENCODING, f"the app's {self.encoding} stream ends before its end"
        try:
            value = json.loads(text)
        except (ValueError, UnicodeDecodeError):
            return MissReason.UNREADABLE_JSON, "the body is not JSON"  # not ours to fix
        except RecursionError:  # json.loads recurses once per level of nesting
            return MissReason.UNREADABLE_JSON, "the JSON nests too deep to be read"
        if not isinstance(value, dict):
            return MissReason.UNREADABLE_JSON, f"the JSON is {type(value).__name__}, not an object"
        if "legal_notices" in value:
            return None
        field = [
            {"id": n.id, "language": lang, "text": notice_text(n, lang)}
            for n in notices
            for lang in [notice_language(n, preferences)]
        ]
        end = text.rstrip().rfind(b"}")
        insert = (
            (b"," if value else b"") + b'"legal_notices":' + json.dumps(field, ensure_ascii=False).encode()
        )
        spliced = text[:end] + insert + text[end:]
        encoder = encoder_for(self.encoding, decoder)
        assert encoder is not None
        return encoder.encode(spliced) + encoder.finish()
