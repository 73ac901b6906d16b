"""The demo's reader switch: lets a visitor on this machine read the demo site as a reader elsewhere.

A demo visitor is on loopback, which has no country, so they would never see a notice. The demo
site's "read as a reader in Moscow" links set a cookie; :class:`ReaderSwitch`, wrapped *outside*
the middleware, turns that cookie into an ``X-Forwarded-For`` of an address the demo database
places in Moscow, and the demo's middleware trusts loopback as a proxy. This exists in the demo
alone: the middleware itself never lets a client choose its location.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from importlib import resources

from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE_NAME = "geonotice_demo_reader"

# Headers the switch replaces, so a cookie and a hand-written forwarding header never mix.
_FORWARDING_HEADERS = frozenset({b"x-forwarded-for", b"forwarded"})


@dataclass(frozen=True, slots=True)
class DemoReader:
    """A reader the demo can pretend to be: ``key`` appears in URLs and the cookie."""

    key: str
    label: str
    region: str
    address: str


def load_demo_readers() -> tuple[DemoReader, ...]:
    """The readers of the demo database, from its plan ``readers.json``, in the plan's order.

    Read at run time so the demo's addresses cannot drift from the database they are looked up in.

    Raises:
        ValueError: ``readers.json`` is missing or does not have the expected shape.
    """
    try:
        text = resources.files("geonotice.demo").joinpath("readers.json").read_text(encoding="utf-8")
        data = json.loads(text)
    except (OSError, json.JSONDecodeError) as error:
        raise ValueError(f"demo readers.json cannot be read: {error}") from error
    entries = data.get("readers", data) if isinstance(data, dict) else data
    if isinstance(entries, dict):
        entries = [{"key": key, **value} for key, value in entries.items()]
    if not isinstance(entries, list):
        raise ValueError("demo readers.json: expected a list of readers")
    return tuple(_reader(entry) for entry in entries)


def _reader(entry: object) -> DemoReader:
    if not isinstance(entry, Mapping):
        raise ValueError(f"demo readers.json: expected an object per reader, got {entry!r}")
    label = str(entry.get("label") or entry.get("name") or entry.get("city") or "")
    key = str(entry.get("key") or entry.get("id") or label).strip().lower().replace(" ", "-")
    address = entry.get("ipv4") or entry.get("address") or entry.get("ip")
    region = entry.get("region") or entry.get("expected_region") or entry.get("country") or ""
    if not key or not isinstance(address, str):
        raise ValueError(f"demo readers.json: reader without a key or an address: {entry!r}")
    return DemoReader(key=key, label=label or key.title(), region=str(region), address=address)


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
