"""The demo's reader switch: lets a visitor on this machine read the demo site as a reader elsewhere.

A demo visitor is on loopback, which has no country, so they would never see a notice. The demo
site's "read as a reader in Moscow" links set a cookie; :class:`ReaderSwitch`, wrapped *outside*
the middleware, turns that cookie into an ``X-Forwarded-For`` of an address the demo database
places in Moscow, and the demo's middleware trusts loopback as a proxy. This exists in the demo
alone: the middleware itself never lets a client choose its location.
"""

from __future__ import annotations

from collections.abc import Mapping
from http.cookies import CookieError, SimpleCookie

from starlette.types import ASGIApp, Receive, Scope, Send

from geonotice.demo.readers import DemoReader

COOKIE_NAME = "geonotice_demo_reader"

# Headers the switch replaces, so a cookie and a hand-written forwarding header never mix.
_FORWARDING_HEADERS = frozenset({b"x-forwarded-for", b"forwarded"})


def reader_from_cookie(cookie_header: str, readers: Mapping[str, DemoReader]) -> DemoReader | None:
    """The reader a ``Cookie`` header selects, or ``None``; a malformed header selects nobody."""
    cookies: SimpleCookie = SimpleCookie()
    try:
        cookies.load(cookie_header)
    except CookieError:
        return None
    morsel = cookies.get(COOKIE_NAME)
    return readers.get(morsel.value) if morsel is not None else None


class ReaderSwitch:
    """Demo-only ASGI wrapper: a reader cookie becomes ``X-Forwarded-For: <that reader's address>``.

    Requests without the cookie pass untouched, so ``curl -H 'X-Forwarded-For: ...'`` works too.
    """

    def __init__(self, app: ASGIApp, *, readers: tuple[DemoReader, ...]) -> None:
        self.app = app
        self.readers = {reader.key: reader for reader in readers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        # Repeated Cookie lines are allowed over HTTP/2; join them the way a browser would send one.
        cookie = "; ".join(value.decode("latin-1") for name, value in scope["headers"] if name == b"cookie")
        reader = reader_from_cookie(cookie, self.readers) if cookie else None
        if reader is not None:
            headers = [(name, value) for name, value in scope["headers"] if name not in _FORWARDING_HEADERS]
            headers.append((b"x-forwarded-for", reader.address.encode("ascii")))
            scope = {**scope, "headers": headers}
        await self.app(scope, receive, send)
