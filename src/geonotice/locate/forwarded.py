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

#: How much of a joined forwarding header is read, from the right: its last 8192 characters and
#: its last 64 hops. No honest chain of proxies comes near either. The limits bound the work a
#: request can cause, and they cut on the left, the reader's side: every proxy appends its hop on
#: the right, so the hops our trusted proxies wrote are always kept, whatever a reader sent ahead
#: of them (issue: a padded header used to be ignored whole, and its reader became "unknown").
MAX_HEADER_LENGTH = 8192
MAX_HOPS = 64
#: The text of the hop that stands for the dropped left part of a cut header.
DROPPED = "(the left part of the header, cut)"


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


def _rightmost(name: str, value: str) -> tuple[list[str], bool]:
    """The comma-separated items of ``value`` within the limits, from the right, and whether any
    were dropped. The window's first item, cut in the middle, is dropped too."""
    cut = False
    if len(value) > MAX_HEADER_LENGTH:
        logger.debug("%s: %d characters, only the last %d read", name, len(value), MAX_HEADER_LENGTH)
        value = value[-MAX_HEADER_LENGTH:]
        comma = value.find(",")
        value = "" if comma < 0 else value[comma + 1 :]
        cut = True
    items = [item for item in value.split(",") if item and not item.isspace()]
    if len(items) > MAX_HOPS:
        logger.debug("%s: %d hops, only the last %d read", name, len(items), MAX_HOPS)
        items = items[-MAX_HOPS:]
        cut = True
    return items, cut


def _with_cut(hops: list[Hop], cut: bool) -> list[Hop]:
    # The dropped part becomes one hop without an address: a walk that gets that far (every hop
    # kept is a trusted proxy) stops there, with the reader's address unknown.
    return [Hop(DROPPED, None), *hops] if cut else hops


def parse_x_forwarded_for(value: str) -> list[Hop]:
    """The hops of an ``X-Forwarded-For`` value (repeated header lines already joined with ``,``).

    Empty items (``", , 192.0.2.1"``) are skipped: they come from sloppy joins, not from proxies.
    Beyond ``MAX_HEADER_LENGTH`` or ``MAX_HOPS`` only the rightmost part is read, and a ``DROPPED``
    hop stands first for the rest.
    """
    items, cut = _rightmost("X-Forwarded-For", value)
    return _with_cut([parse_node(item) for item in items], cut)


def parse_forwarded(value: str) -> list[Hop]:
    """The ``for=`` hops of a ``Forwarded`` value (repeated lines joined with ``,``), in order.

    An element with bad syntax, no ``for=``, or ``for=`` twice still counts as a hop, without an
    address, so that a walk from the right stops there. Limits as for ``parse_x_forwarded_for``.

    NOTE: elements are split at every comma, even one inside a quoted string. RFC 7239 allows
    commas there, but no node, host, protocol or ``by`` value a proxy writes has one, while a
    reader who opens a quote on the left could otherwise make it swallow the elements our
    proxies appended. A quoted comma thus gives address-less hops, never an address.
    """
    items, cut = _rightmost("Forwarded", value)
    hops = [hop for hop in map(_parse_element, items) if hop is not None]
    return _with_cut(hops, cut)


def _parse_element(element: str) -> Hop | None:
    """The hop of one element (no commas in it); ``None`` for an empty one."""
    text = element.strip()
    node: str | None = None
    seen_for = pairs = 0
    pos, end = 0, len(text)
    while pos < end:
        if text[pos] == ";":
            pos = _OWS.match(text, pos + 1).end()  # type: ignore[union-attr]  # [ \t]* always matches
            continue
        match = _FORWARDED_PAIR.match(text, pos)
        if match is None:
            # NOTE: as falcon does, bad syntax ends the element. It is kept as an address-less
            # hop: dropping it would let the walk step over a proxy we cannot read.
            break
        pairs += 1
        name, raw = match.group(1), match.group(2)
        if name.lower() == "for":
            seen_for += 1
            node = _QUOTED_PAIR_RE.sub(r"\1", raw[1:-1]) if raw.startswith('"') else raw
        pos = _OWS.match(text, match.end()).end()  # type: ignore[union-attr]
        if pos < end and text[pos] != ";":
            break
    else:
        if pairs == 0:
            return None
        if seen_for == 1 and node is not None:
            return parse_node(node)
    # NOTE: RFC 7239 section 4 forbids a parameter twice in one element; we refuse to guess.
    logger.debug("Forwarded element without a usable for= node: %r", text)
    return Hop(text, None)
