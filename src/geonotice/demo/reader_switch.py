"""The demo's reader switch: lets a visitor on this machine read the demo site as a reader elsewhere.

A demo visitor is on loopback, which has no country, so they would never see a notice. The demo
site's "read as a reader in Moscow" links set a cookie; :class:`ReaderSwitch`, wrapped *outside*
the middleware, turns that cookie into an ``X-Forwarded-For`` of an address the demo database
places in Moscow, and the demo's middleware trusts loopback as a proxy. This exists in the demo
alone: the middleware itself never lets a client choose its location.
"""

from __future__ import annotations

import ipaddress
import json
from collections.abc import Mapping
from dataclasses import dataclass
from http.cookies import CookieError, SimpleCookie
from importlib import resources
from typing import Any

from starlette.types import ASGIApp, Receive, Scope, Send

COOKIE_NAME = "geonotice_demo_reader"

# Headers the switch replaces, so a cookie and a hand-written forwarding header never mix.
_FORWARDING_HEADERS = frozenset({b"x-forwarded-for", b"forwarded"})


@dataclass(frozen=True, slots=True)
class DemoReader:
    """A reader the demo can pretend to be: ``key`` appears in URLs and the cookie, ``region`` is
    the most precise code the demo database gives the address (``UA-43``)."""

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
        entries = json.loads(text)["readers"]
        return tuple(_reader(entry) for entry in entries)
    except (OSError, ValueError, KeyError, TypeError, IndexError) as error:
        raise ValueError(f"demo readers.json cannot be used: {error!r}") from error


def _reader(entry: Mapping[str, Any]) -> DemoReader:
    key = str(entry["name"])
    network = ipaddress.ip_network(entry["ipv4"])
    # Any host of the reader's network will do; the fifth reads less like a network address.
    address = str(network[min(5, network.num_addresses - 1)])
    country = str(entry["country"])
    subdivisions = entry.get("subdivisions") or []
    region = f"{country}-{subdivisions[-1][0]}" if subdivisions else country
    return DemoReader(key=key, label=key.replace("-", " ").title(), region=region, address=address)


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
