"""Helpers for the injector tests: notices and decisions built directly, and a raw ASGI driver.

httpx buffers whole responses, so tests that must see messages as they leave (streaming) use
``drive``, which records every message the responder sends.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from geonotice.rules.model import Decision, Notice, PageMatch, Placement, PlacementKind

BODY_START = Placement(PlacementKind.BODY_START)
RU_TEXT = "<p>Reading, sharing or liking this outlet can be punished in Russia.</p>"
RU_TEXT_RU = "<p>Чтение и распространение материалов этого издания может повлечь наказание.</p>"


def make_notice(
    notice_id: str = "ru-undesirable-organization",
    *,
    placement: Placement = BODY_START,
    texts: dict[str, str] | None = None,
    default_language: str = "en",
    content_types: tuple[str, ...] = ("text/html", "application/json"),
) -> Notice:
    return Notice(
        id=notice_id,
        jurisdictions=("russia",),
        texts=texts if texts is not None else {"en": RU_TEXT, "ru": RU_TEXT_RU},
        default_language=default_language,
        placement=placement,
        pages=PageMatch(paths=("/a/**",), content_types=content_types),
    )


def make_decision(*notices: Notice, page_language: str | None = None) -> Decision:
    return Decision(notices=notices or (make_notice(),), page_language=page_language)


def http_scope(
    path: str = "/a/story/1.html", *, method: str = "GET", headers: Sequence[tuple[bytes, bytes]] = ()
) -> Scope:
    return {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": method,
        "scheme": "http",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": list(headers),
        "client": ("192.0.2.1", 50000),
        "server": ("testserver", 80),
    }


def html_app(
    chunks: Sequence[bytes],
    *,
    status: int = 200,
    headers: Sequence[tuple[bytes, bytes]] = ((b"content-type", b"text/html; charset=utf-8"),),
    content_length: bool = True,
) -> ASGIApp:
    """An app that sends ``chunks`` as separate body messages, and records the scope it saw."""

    async def app(scope: Scope, receive: Receive, send: Send) -> None:
        app.seen_scope = scope  # type: ignore[attr-defined]
        raw = list(headers)
        if content_length:
            raw.append((b"content-length", str(sum(map(len, chunks))).encode()))
        await send({"type": "http.response.start", "status": status, "headers": raw})
        if not chunks:
            await send({"type": "http.response.body", "body": b"", "more_body": False})
        for index, chunk in enumerate(chunks):
            await send({"type": "http.response.body", "body": chunk, "more_body": index < len(chunks) - 1})

    return app


@dataclass
class Recorded:
    messages: list[Message] = field(default_factory=list)

    @property
    def start(self) -> Message:
        return next(m for m in self.messages if m["type"] == "http.response.start")

    @property
    def headers(self) -> dict[str, str]:
        joined: dict[str, str] = {}
        for key, value in self.start["headers"]:
            name = key.decode("latin-1").lower()
            joined[name] = (
                f"{joined[name]}, {value.decode('latin-1')}" if name in joined else value.decode("latin-1")
            )
        return joined

    def header_list(self, name: str) -> list[str]:
        return [v.decode("latin-1") for k, v in self.start["headers"] if k.decode("latin-1").lower() == name]

    @property
    def body(self) -> bytes:
        return b"".join(m.get("body", b"") for m in self.messages if m["type"] == "http.response.body")


async def _receive() -> Message:
    return {"type": "http.request", "body": b"", "more_body": False}


def drive(app: ASGIApp, scope: Scope | None = None, receive: Receive = _receive) -> Recorded:
    """Runs ``app`` on one request and records every message it sends."""
    recorded = Recorded()

    async def send(message: Message) -> None:
        recorded.messages.append(message)

    asyncio.run(app(scope or http_scope(), receive, send))
    return recorded


async def aiter_chunks(chunks: Sequence[bytes]) -> AsyncIterator[bytes]:
    for chunk in chunks:
        yield chunk


Wrap = Callable[[ASGIApp], Callable[[Scope, Receive, Send], Awaitable[None]]]
