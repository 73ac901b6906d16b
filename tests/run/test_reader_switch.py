"""The demo-only reader switch: a cookie becomes the X-Forwarded-For of a demo database address."""

from __future__ import annotations

import httpx
import pytest
from starlette.types import Message, Receive, Scope, Send

from geonotice.demo.reader_switch import COOKIE_NAME, ReaderSwitch
from support.readers import DEMO_READERS, READERS

pytestmark = pytest.mark.anyio

MOSCOW, BERLIN = READERS["moscow"].encode(), READERS["berlin"].encode()


class Recorder:
    """An ASGI app that records the scope it was called with."""

    def __init__(self) -> None:
        self.scopes: list[Scope] = []

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scopes.append(scope)
        if scope["type"] == "http":
            await send({"type": "http.response.start", "status": 204, "headers": []})
            await send({"type": "http.response.body", "body": b""})

    def forwarding(self) -> list[tuple[bytes, bytes]]:
        headers = self.scopes[-1]["headers"]
        return [(name, value) for name, value in headers if name in (b"x-forwarded-for", b"forwarded")]


async def request(headers: dict[str, str]) -> Recorder:
    recorder = Recorder()
    transport = httpx.ASGITransport(
        app=ReaderSwitch(recorder, readers=DEMO_READERS), client=("127.0.0.1", 50000)
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
        await http.get("/", headers=headers)
    return recorder


async def test_the_reader_cookie_becomes_x_forwarded_for() -> None:
    recorder = await request({"cookie": f"{COOKIE_NAME}=moscow"})
    assert recorder.forwarding() == [(b"x-forwarded-for", MOSCOW)]


async def test_the_cookie_replaces_any_forwarding_header_the_client_sent() -> None:
    cookie = f"theme=dark; {COOKIE_NAME}=berlin"
    recorder = await request({"cookie": cookie, "x-forwarded-for": "1.2.3.4", "forwarded": "for=5.6.7.8"})
    assert recorder.forwarding() == [(b"x-forwarded-for", BERLIN)]


async def test_without_the_cookie_forwarding_headers_pass_untouched() -> None:
    recorder = await request({"x-forwarded-for": "203.0.113.10", "cookie": "theme=dark"})
    assert recorder.forwarding() == [(b"x-forwarded-for", b"203.0.113.10")]


@pytest.mark.parametrize("cookie", [f"{COOKIE_NAME}=atlantis", f'{COOKIE_NAME}="unterminated', "\x00garbage"])
async def test_unknown_or_malformed_cookies_choose_nobody(cookie: str) -> None:
    recorder = await request({"cookie": cookie})
    assert recorder.forwarding() == []


async def test_non_http_scopes_pass_through() -> None:
    recorder = Recorder()
    switch = ReaderSwitch(recorder, readers=DEMO_READERS)
    scope: Scope = {"type": "lifespan"}

    async def receive() -> Message:
        return {"type": "lifespan.startup"}

    async def send(message: Message) -> None:
        pass

    await switch(scope, receive, send)
    assert recorder.scopes == [scope]
