"""Which proxies to believe, and the reader's address behind them.

Forwarding headers are written by whoever sent the request, so they are only believed from an
immediate peer the operator listed in ``trusted_proxies``, and only as far as the chain of
trusted proxies goes: the hops are walked from the right (the proxy nearest to us) and the first
address that is not a trusted proxy is the reader (as uvicorn's ``get_trusted_client_host``, but
with repeated header lines joined and malformed entries refused at start-up).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterable, Sequence

from geonotice.errors import ConfigError
from geonotice.locate.forwarded import DROPPED, MAX_HEADER_LENGTH, MAX_HOPS, Address, Hop

_PEER_CACHE_SIZE = 1024
_SETTING = "trusted_proxies"  # the setting whose errors these are (``ConfigError.setting``)
_V4_MAPPED = ipaddress.IPv6Network("::ffff:0:0/96")


class TrustedProxies:
    """The ``trusted_proxies`` setting, parsed once: single addresses and networks kept apart.

    Addresses are compared as ``ipaddress`` objects because IPv6 has many spellings of one
    address (``2001:db8::1`` and ``2001:DB8:0::1``).
    """

    def __init__(self, entries: str | Iterable[str] = ()) -> None:
        """Parse the entries: ``"192.0.2.7"``, ``"10.0.0.0/8"``, ``"2001:db8::/32"``.

        A single string is split on commas, so the setting can come from an environment variable.

        Raises:
            ConfigError: an entry is not an IP address or network, or is a network written with
                host bits set (``10.0.0.1/8``), which we refuse rather than guess at.
        """
        if isinstance(entries, str):
            entries = entries.split(",")
        addresses: set[Address] = set()
        networks: list[ipaddress.IPv4Network | ipaddress.IPv6Network] = []
        for raw in entries:
            if not isinstance(raw, str):
                raise ConfigError(f"expected strings, got {raw!r}", setting=_SETTING)
            entry = raw.strip()
            if not entry:
                continue
            if "/" in entry:
                networks.append(_network(entry))
            else:
                addresses.add(_address(entry))
        self._addresses = frozenset(addresses)
        self._networks = tuple(networks)
        # The networks as integer bounds per IP version: comparing ints is several times faster
        # than ``address in network``, and this runs for every hop behind a proxy.
        self._bounds = {
            version: tuple(
                (int(n.network_address), int(n.broadcast_address)) for n in networks if n.version == version
            )
            for version in (4, 6)
        }
        self._entries = tuple(
            [str(a) for a in sorted(addresses, key=lambda a: (a.version, a))] + [str(n) for n in networks]
        )
        self._by_text: dict[str, bool] = {}

    def __bool__(self) -> bool:
        return bool(self._addresses or self._networks)

    def __contains__(self, address: object) -> bool:
        if not isinstance(address, ipaddress.IPv4Address | ipaddress.IPv6Address):
            return False
        return self.trusts(address)

    def trusts(self, address: Address) -> bool:
        """Whether ``address`` is one of the trusted proxies."""
        if address in self._addresses:
            return True
        number = int(address)
        for low, high in self._bounds[address.version]:  # noqa: SIM110 - no generator on the hot path
            if low <= number <= high:
                return True
        return False

    def __repr__(self) -> str:
        return f"TrustedProxies({list(self._entries)!r})"

    @property
    def entries(self) -> tuple[str, ...]:
        """The normalized entries, for ``explain`` and logs."""
        return self._entries

    def trusts_peer(self, host: str) -> bool:
        """Whether the ASGI ``client`` host string is a trusted proxy; cached per string, since
        the same few proxies connect over and over and parsing costs more than the lookup."""
        known = self._by_text.get(host)
        if known is None:
            address = _parse_host(host)
            known = address is not None and self.trusts(address)
            if len(self._by_text) >= _PEER_CACHE_SIZE:
                self._by_text.clear()
            self._by_text[host] = known
        return known


def _parse_host(host: str) -> Address | None:
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _address(entry: str) -> Address:
    try:
        address = ipaddress.ip_address(entry)
    except ValueError:
        raise ConfigError(
            f"{entry!r} is not an IP address or network "
            "(write addresses like '192.0.2.7' and networks like '10.0.0.0/8' or '2001:db8::/32')",
            setting=_SETTING,
        ) from None
    # NOTE: peers and hops written v4-mapped (``::ffff:127.0.0.1``, a dual-stack socket's way) are
    # compared as the IPv4 address they carry, so an entry written that way must be too, or it
    # would match nothing.
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _network(entry: str) -> ipaddress.IPv4Network | ipaddress.IPv6Network:
    try:
        network = ipaddress.ip_network(entry)
    except ValueError as error:
        try:
            loose = ipaddress.ip_network(entry, strict=False)
        except ValueError:
            raise ConfigError(
                f"{entry!r} is not an IP network ({error}); write networks like '10.0.0.0/8' or "
                "'2001:db8::/32'",
                setting=_SETTING,
            ) from None
        raise ConfigError(
            f"{entry!r} has host bits set; did you mean {str(loose)!r}?", setting=_SETTING
        ) from None
    if isinstance(network, ipaddress.IPv6Network) and network.subnet_of(_V4_MAPPED):
        # As for addresses: ``::ffff:10.0.0.0/104`` is 10.0.0.0/8.
        return ipaddress.IPv4Network((int(network.network_address) & 0xFFFFFFFF, network.prefixlen - 96))
    return network


def walk_hops(hops: Sequence[Hop], trusted: TrustedProxies) -> Hop | None:
    """The reader's hop: walking from the right, the first one that is not a trusted proxy.

    Returns ``None`` if there are no hops. A hop without an address (``unknown``, ``_hidden``,
    garbage) ends the walk and is returned as is: what lies to its left was written by someone
    we cannot vouch for. When every hop is a trusted proxy, the leftmost is the best we know.
    """
    for hop in reversed(hops):
        if hop.address is None or not trusted.trusts(hop.address):
            return hop
    return hops[0] if hops else None


def why_this_hop(hops: Sequence[Hop], hop: Hop | None, trusted: TrustedProxies) -> str:
    """A sentence saying why ``walk_hops`` chose ``hop``, for ``explain``."""
    if hop is None:
        return "no hops"
    if hop.text == DROPPED:
        return (
            f"the header is over {MAX_HEADER_LENGTH} characters or {MAX_HOPS} hops, so only its "
            "rightmost part was read, and every hop in it is a trusted proxy: the reader's address is unknown"
        )
    if hop.address is None:
        return f"hop {hop.text!r} has no usable address"
    if trusted.trusts(hop.address):
        return f"every hop is a trusted proxy; the leftmost is {hop.text}"
    return f"rightmost hop that is not a trusted proxy: {hop.text}"
