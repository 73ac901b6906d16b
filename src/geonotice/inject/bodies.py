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

from geonotice.inject.encoding import Encoder, decoder_for, encoder_for
from geonotice.inject.fragment import notice_text, render_notices
from geonotice.inject.outcomes import MissReason, PlacementOutcome
from geonotice.inject.scanner import PageRewriter
from geonotice.rules.languages import notice_language
from geonotice.rules.model import Notice, Placement

if TYPE_CHECKING:
    from geonotice.inject.responder import NoticeResponder

__all__ = ["HtmlBody", "JsonBody"]

logger = logging.getLogger("geonotice.inject")


class HtmlBody:
    """Streams a page through the rewriter: each chunk is decoded, scanned and re-encoded.

    The held start message goes out with the first output, so a page of one body message keeps
    an exact ``Content-Length`` and a streamed page loses it. A body that does not decode in its
    declared encoding passes through unchanged if nothing has been sent yet, and is an error
    (logged, raised) if it breaks mid-stream.
    """

    def __init__(self, notices: Sequence[Notice], preferences: Sequence[str], encoding: str | None) -> None:
        self.encoding = encoding
        self.decoder = decoder_for(encoding)
        self.encoder: Encoder | None = None
        groups: dict[Placement, list[Notice]] = {}
        for notice in notices:
            groups.setdefault(notice.placement, []).append(notice)

        def render(placement: Placement, page_language: str | None) -> bytes:
            languages = (page_language, *preferences) if page_language else preferences
            return render_notices(groups[placement], languages)

        self.groups = groups
        self.rewriter = PageRewriter(list(groups), render)

    async def send_body(self, responder: NoticeResponder, message: Message) -> None:
        body: bytes = message.get("body", b"")
        more_body: bool = message.get("more_body", False)
        assert self.decoder is not None
        try:
            decoded = self.decoder.decode(body)
            if not more_body:
                decoded += self.decoder.flush()
        except ValueError as exc:
            if responder.held is None:
                logger.error("cannot decode the body of %s mid-stream: %s", responder.path, exc)
                raise
            responder.report(
                responder.notices, PlacementOutcome.NOT_PLACED, MissReason.CORRUPT_ENCODING, str(exc)
            )
            await responder.release()
            await responder.send(message)
            return
        out = self.rewriter.feed(decoded)
        if not more_body:
            out += self.rewriter.close()
        if self.encoder is None:
            self.encoder = encoder_for(self.encoding, self.decoder)
            assert self.encoder is not None
        encoded = self.encoder.encode(out)
        if not more_body:
            encoded += self.encoder.finish()
        if responder.held is not None:
            await responder.send(responder.changed_start(None if more_body else len(encoded)))
        if encoded or not more_body:
            await responder.send({"type": "http.response.body", "body": encoded, "more_body": more_body})
        if not more_body:
            self._report(responder)

    def _report(self, responder: NoticeResponder) -> None:
        rewriter, report = self.rewriter, responder.report
        if not rewriter.fallbacks and not rewriter.unplaced:  # the common case: all as asked
            report(responder.notices, PlacementOutcome.PLACED)
            return
        placed = [notice for placement in rewriter.placed for notice in self.groups[placement]]
        if placed:
            report(placed, PlacementOutcome.PLACED)
        for placement in rewriter.fallbacks:
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
        if changed is None:
            await responder.release()
            await responder.send({"type": "http.response.body", "body": original, "more_body": False})
            return
        await responder.send(responder.changed_start(len(changed)))
        responder.report(responder.notices, PlacementOutcome.PLACED)
        await responder.send({"type": "http.response.body", "body": changed, "more_body": False})

    def _with_notices(
        self, original: bytes, notices: Sequence[Notice], preferences: Sequence[str]
    ) -> bytes | None:
        """The body with ``"legal_notices"`` added after the object's last member, or ``None``."""
        decoder = decoder_for(self.encoding)
        try:
            assert decoder is not None
            text = decoder.decode(original) + decoder.flush()
            value = json.loads(text)
        except (ValueError, UnicodeDecodeError):
            return None  # not JSON after all: not ours to fix
        if not isinstance(value, dict) or "legal_notices" in value:
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
