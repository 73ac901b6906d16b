"""Noticing that the ASGI server resolved the forwarding headers before geonotice did.

uvicorn (unless started with ``--no-proxy-headers``) replaces the connection's address with one
taken from ``X-Forwarded-For`` whenever the peer is in ``FORWARDED_ALLOW_IPS`` (by default this
machine; ``*`` in many container guides). geonotice then never sees the proxy: its own
``trusted_proxies`` stop deciding whose headers are believed, and with ``*`` any reader can choose
their address, and so their notices.

The rewrite leaves a trace in the scope: the ASGI ``client`` becomes one of the hops of the header
it came from, with the hop's port, or port 0 when the hop has none (uvicorn does exactly this).
A real connection's address is never a hop of its own forwarding header with the same port, so a
match is evidence, and ordinary readers, even ones behind their own proxies that add
``X-Forwarded-For``, never cause a warning. What the scope cannot show is in docs/locating.md.

The check is cheap and bounded: requests whose client port is 0 (how uvicorn marks an address
taken from a header without a port) are checked until the warning is given; others only among
the first ``FULL_CHECKS`` covered requests, which is where a set-up's rewrites show first. After
the one warning nothing is checked again.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Mapping

from starlette.types import Scope

from geonotice.locate.forwarded import Address, Hop, parse_node
from geonotice.locate.proxies import TrustedProxies
from geonotice.locate.request import FORWARDED, FORWARDING_NAMES, XFF, collect, hops

logger = logging.getLogger("geonotice.locate")

#: Covered requests checked whatever their client port, before only port-0 ones are.
FULL_CHECKS = 1000

# uvicorn reads X-Forwarded-For; other servers and middleware may read Forwarded.
_HEADERS = (XFF, FORWARDED)
_WANTED = frozenset(_HEADERS)
# A node's port: after the bracket of an IPv6 address, or after the one colon of an IPv4 one.
_PORT = re.compile(r"(?:\]|^[^:\[]*):([0-9]{1,5})$")


class ServerProxyCheck:
    """Logs one warning, per middleware, when the server rewrote the client from a forwarding header.

    ``trusted`` are geonotice's own trusted proxies (a peer among them is read by geonotice
    itself, so there is nothing to notice). ``environ`` is where uvicorn reads
    ``FORWARDED_ALLOW_IPS``; ``*`` there names the worst case in the warning.
    """

    def __init__(self, trusted: TrustedProxies, *, environ: Mapping[str, str] = os.environ) -> None:
        self._trusted = trusted
        self._server_trusts_all = environ.get("FORWARDED_ALLOW_IPS", "").strip() == "*"
        self._full_checks = FULL_CHECKS
        self.warned = False

    def check(self, scope: Scope) -> None:
        """Look at one HTTP request's scope; never raises, whatever the scope holds."""
        if self.warned:
            return
        try:
            host, port = scope["client"]
        except (KeyError, TypeError, ValueError):
            return
        if port != 0:
            if self._full_checks <= 0:
                return
            self._full_checks -= 1
        values = collect(scope, _WANTED)
        if not values:  # most requests: no forwarding header, nothing rewritten from one
            return
        # As the locator reads a hop: a v4-mapped address is the IPv4 one.
        peer = parse_node(host).address if isinstance(host, str) else None
        if peer is None or self._trusted.trusts(peer):
            return
        for key in _HEADERS:
            lines = values.get(key)
            found = hops(key, lines) if lines else None
            if not found:
                continue
            index = _hop_of(peer, port, found)
            if index is None:
                continue
            # The server chose the leftmost of several hops: the one the reader's own client
            # may have written, which only a server trusting every address would believe.
            trusts_all = self._server_trusts_all or (index == 0 and len(found) > 1)
            self.warned = True
            has_trusted = bool(self._trusted)
            logger.warning(warning(FORWARDING_NAMES[key], trusts_all=trusts_all, has_trusted=has_trusted))
            return


def warning(header: str, *, trusts_all: bool, has_trusted: bool) -> str:
    """The warning's text; it names no address, neither the reader's nor a proxy's."""
    who = "geonotice's trusted_proxies" if has_trusted else "geonotice"
    text = (
        f"the server replaced the client address with one from {header} before geonotice saw the "
        f"request (uvicorn does unless started with --no-proxy-headers), so the server, not {who}, "
        "decides whose forwarding headers are believed"
    )
    if trusts_all:
        text += (
            "; and it believes them from anyone (as FORWARDED_ALLOW_IPS=* makes it), so any reader "
            "can choose their address, and so their notices"
        )
    return (
        f"{text}. Fix: serve with 'uvicorn --no-proxy-headers' (or 'geonotice run', which does) and "
        "list your proxies in trusted_proxies; see docs/locating.md"
    )


def _hop_of(peer: Address, port: int, found: list[Hop]) -> int | None:
    """The index of the hop the client was taken from: same address, and same port (0 for none)."""
    for index, hop in enumerate(found):
        if hop.address == peer and _port_of(hop.text) == port:
            return index
    return None


def _port_of(node: str) -> int:
    match = _PORT.search(node.strip())
    return int(match.group(1)) if match else 0
