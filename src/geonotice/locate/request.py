"""What the locator reads from a request: the peer's address and the header lines it may believe.

Shared by ``Locator.locate`` and its twin in ``explain.py``, so that both read a request the same
way, however malformed: nothing here raises for anything a client or server sends.
"""

from __future__ import annotations

import logging

from starlette.types import Scope

from geonotice.locate.forwarded import Hop, parse_forwarded, parse_x_forwarded_for

logger = logging.getLogger("geonotice.locate")

XFF = b"x-forwarded-for"
FORWARDED = b"forwarded"
#: The forwarding headers, as ASGI servers name them, and as people write them.
FORWARDING_NAMES = {XFF: "X-Forwarded-For", FORWARDED: "Forwarded"}

HeaderLines = dict[bytes, list[bytes]]


def peer_of(scope: Scope) -> str | None:
    """The address the connection comes from (the ASGI ``client``), if the scope has a usable one."""
    try:
        client = scope.get("client")
        peer = client[0] if client else None
    except (TypeError, IndexError, KeyError):
        return None
    return peer if isinstance(peer, str) else None


def collect(scope: Scope, wanted: frozenset[bytes]) -> HeaderLines:
    """The wanted headers, every line of each, in order: ``dict(scope["headers"])`` would keep
    only the last ``X-Forwarded-For`` line, and the reader's address is in the first."""
    values: HeaderLines = {}
    try:
        for name, value in scope.get("headers") or ():
            if name in wanted:
                values.setdefault(name, []).append(bytes(value))
    except (TypeError, ValueError):
        logger.debug("request headers are not a list of (name, value) pairs; ignored")
    return values


def hops(key: bytes, lines: list[bytes]) -> list[Hop]:
    """The hops of the forwarding header ``key`` (all its lines joined), its rightmost part only
    when it is very long (``forwarded.MAX_HEADER_LENGTH``)."""
    joined = ",".join(line.decode("latin-1") for line in lines)
    return parse_x_forwarded_for(joined) if key == XFF else parse_forwarded(joined)
