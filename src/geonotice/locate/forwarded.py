"""Pure parsers for the forwarding headers: ``X-Forwarded-For`` and ``Forwarded`` (RFC 7239).

They turn header text into hops, left (the original client) to right (the proxy nearest to us),
and never raise: whatever cannot be read becomes a hop without an address, so that the walk in
``proxies`` stops there instead of trusting what lies beyond it. Nothing here decides whom to
trust; that is ``proxies``' job.

The RFC 7239 grammar is written as regexes named after its ABNF rules, as falcon's
``forwarded.py`` does; unlike falcon we also parse the ``for=`` node (RFC 7239 section 6).
"""

from __future__ import annotations

import ipaddress
import logging
import re
import socket
from typing import NamedTuple

logger = logging.getLogger("geonotice.locate")

Address = ipaddress.IPv4Address | ipaddress.IPv6Address

#: Longest joined forwarding header read, and most hops: beyond them the header is ignored.
#: No honest chain of proxies comes near either; an attacker can make headers as long as the
#: server allows, and the walk must stay cheap.
MAX_HEADER_LENGTH = 8192
MAX_HOPS = 64


class Hop(NamedTuple):
    """One proxy hop: the node as written, and its address when it has one.

    ``address`` is ``None`` for ``unknown``, obfuscated identifiers (``_hidden``) and garbage;
    ``host`` is the address as text, without port or brackets, ready for a database lookup.
    """

    text: str
    address: Address | None
    host: str | None = None


# RFC 7230 section 3.2.6 and RFC 7239 section 4.
_TCHAR = r"[!#$%&'*+.^_`|~0-9A-Za-z-]"
_TOKEN = rf"{_TCHAR}+"
_QDTEXT = r"[\t \x21\x23-\x5b\x5d-\x7e\x80-\xff]"
_QUOTED_PAIR = r"\\[\t \x21-\x7e\x80-\xff]"
_QUOTED_STRING = rf'"(?:{_QUOTED_PAIR}|{_QDTEXT})*"'
_OWS = re.compile(r"[ \t]*")
_FORWARDED_PAIR = re.compile(rf"({_TOKEN})=({_TOKEN}|{_QUOTED_STRING})")
_QUOTED_PAIR_RE = re.compile(r"\\(.)")

# RFC 7239 section 6: node = nodename [ ":" node-port ].
_OBFUSCATED = re.compile(r"_[A-Za-z0-9._-]+")
_PORT = r"(?:[0-9]{1,5}|_[A-Za-z0-9._-]+)"
_BRACKETED_V6 = re.compile(rf"\[([0-9A-Fa-f:.]+)\](?::{_PORT})?")
_V4_WITH_PORT = re.compile(rf"([0-9.]+):{_PORT}")


def parse_node(text: str) -> Hop:
    """Read one node: ``192.0.2.1``, ``192.0.2.1:80``, ``[2001:db8::1]:4711``, ``unknown``, ``_x``.

    A bare IPv6 address (no brackets) is accepted too: ``X-Forwarded-For`` writes them that way.
    """
    text = text.strip()
    # Fast path for the usual bare address: inet_pton and a packed constructor cost a third of
    # parsing the text with ipaddress (this runs for every request behind a proxy).
    try:
        return Hop(text, ipaddress.IPv4Address(socket.inet_pton(socket.AF_INET, text)), text)
    except (OSError, ValueError):
        pass
    candidate = text
    match = _BRACKETED_V6.fullmatch(text) or _V4_WITH_PORT.fullmatch(text)
    if match:
        candidate = match.group(1)
    elif text.lower() == "unknown" or _OBFUSCATED.fullmatch(text):
        return Hop(text, None)
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return Hop(text, None)
    # NOTE: a v4-mapped IPv6 address (``::ffff:192.0.2.1``) is the IPv4 client seen through a
    # dual-stack socket; comparing and looking it up as IPv4 keeps one identity per reader.
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return Hop(text, address.ipv4_mapped, str(address.ipv4_mapped))
        if address.scope_id is not None:
            return Hop(text, None)
    return Hop(text, address, str(address))


def _too_long(name: str, value: str) -> list[Hop] | None:
    logger.debug("%s ignored: %d characters, more than %d", name, len(value), MAX_HEADER_LENGTH)
    return None


def _too_many(name: str, hops: list[Hop]) -> list[Hop] | None:
    logger.debug("%s ignored: %d hops, more than %d", name, len(hops), MAX_HOPS)
    return None


def parse_x_forwarded_for(value: str) -> list[Hop] | None:
    """The hops of an ``X-Forwarded-For`` value (repeated header lines already joined with ``,``).

    Empty items (``", , 192.0.2.1"``) are skipped: they come from sloppy joins, not from proxies.
    Returns ``None`` when the header is over ``MAX_HEADER_LENGTH`` or ``MAX_HOPS``, so it is
    ignored as a whole.
    """
    if len(value) > MAX_HEADER_LENGTH:
        return _too_long("X-Forwarded-For", value)
    hops = [parse_node(item) for item in value.split(",") if item and not item.isspace()]
    return hops if len(hops) <= MAX_HOPS else _too_many("X-Forwarded-For", hops)


def parse_forwarded(value: str) -> list[Hop] | None:
    """The ``for=`` hops of a ``Forwarded`` value (repeated lines joined with ``,``), in order.

    An element with bad syntax, no ``for=``, or ``for=`` twice still counts as a hop, without an
    address, so that a walk from the right stops there. Returns ``None`` when the header is over
    ``MAX_HEADER_LENGTH`` or ``MAX_HOPS``, so it is ignored as a whole.
    """
    if len(value) > MAX_HEADER_LENGTH:
        return _too_long("Forwarded", value)
    hops: list[Hop] = []
    pos, end = 0, len(value)
    while pos < end:
        element, pos = _parse_element(value, pos)
        if element is not None:
            hops.append(element)
    return hops if len(hops) <= MAX_HOPS else _too_many("Forwarded", hops)


def _parse_element(value: str, pos: int) -> tuple[Hop | None, int]:
    """Parse one element from ``pos``; returns its hop and the position after its comma.
    Empty elements (``a, , b``) give no hop."""
    start = pos
    node: str | None = None
    seen_for = 0
    broken = False
    pairs = 0
    end = len(value)
    while True:
        pos = _OWS.match(value, pos).end()  # type: ignore[union-attr]  # [ \t]* always matches
        if pos >= end or value[pos] == ",":
            break
        if value[pos] == ";":
            pos += 1
            continue
        match = _FORWARDED_PAIR.match(value, pos)
        if match is None:
            # NOTE: as falcon does, bad syntax skips to the next comma. The element is kept as
            # an address-less hop: dropping it would let the walk step over a proxy we can't read.
            broken = True
            comma = value.find(",", pos)
            pos = end if comma < 0 else comma
            break
        pairs += 1
        name, raw = match.group(1), match.group(2)
        pos = match.end()
        if name.lower() == "for":
            seen_for += 1
            node = _QUOTED_PAIR_RE.sub(r"\1", raw[1:-1]) if raw.startswith('"') else raw
        pos = _OWS.match(value, pos).end()  # type: ignore[union-attr]
        if pos < end and value[pos] not in ",;":
            broken = True
            comma = value.find(",", pos)
            pos = end if comma < 0 else comma
            break
    text = value[start:pos].strip()
    pos += 1  # past the comma (or the end)
    if not broken and pairs == 0:
        return None, pos
    if broken or seen_for != 1 or node is None:
        # NOTE: RFC 7239 section 4 forbids a parameter twice in one element; we refuse to guess.
        logger.debug("Forwarded element without a usable for= node: %r", text)
        return Hop(text, None), pos
    return parse_node(node), pos
