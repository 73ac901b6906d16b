"""The reader's address behind proxies: believed only from trusted peers, walked from the right."""

from __future__ import annotations

from pathlib import Path

import pytest

from geonotice.errors import ConfigError
from geonotice.locate import Locator, TrustedProxies
from geonotice.locate.forwarded import MAX_HEADER_LENGTH, MAX_HOPS
from geonotice.region import UNKNOWN, Region
from support.readers import READERS, READERS_V6

from .helpers import http_scope

MOSCOW, CRIMEA, BERLIN = READERS["moscow"], READERS["crimea"], READERS["berlin"]
TRUSTED = ["10.0.0.0/8", "172.16.0.1", "fd00::/8"]


@pytest.fixture
def locator(city_db: Path) -> Locator:
    return Locator(geoip_db=city_db, trusted_proxies=TRUSTED)


@pytest.fixture
def rfc7239_locator(city_db: Path) -> Locator:
    return Locator(geoip_db=city_db, trusted_proxies=TRUSTED, forwarded_header="Forwarded")


## Trusted proxies setting


@pytest.mark.parametrize(
    ("entries", "inside", "outside"),
    [
        (["10.0.0.0/8"], ["10.0.0.1", "10.255.255.255"], ["11.0.0.1", "192.0.2.1", "::1"]),
        (["192.0.2.7"], ["192.0.2.7"], ["192.0.2.8"]),
        (["2001:db8::/32"], ["2001:db8::1", "2001:DB8:0:0::5"], ["2001:db9::1", "192.0.2.1"]),
        (["2001:db8::1"], ["2001:0db8:0000::0001"], ["2001:db8::2"]),
        ("10.0.0.0/8, 2001:db8::/32", ["10.1.1.1", "2001:db8::9"], ["192.0.2.1"]),
        (["", " 10.0.0.1 "], ["10.0.0.1"], ["10.0.0.2"]),
        ([], [], ["10.0.0.1"]),
    ],
)
def test_trusted_proxies_hold_addresses_and_networks(
    entries: list[str] | str, inside: list[str], outside: list[str]
) -> None:
    trusted = TrustedProxies(entries)
    for host in inside:
        assert trusted.trusts_peer(host), host
    for host in outside:
        assert not trusted.trusts_peer(host), host


def test_a_v4_mapped_peer_is_compared_as_ipv4() -> None:
    assert TrustedProxies(["10.0.0.0/8"]).trusts_peer("::ffff:10.0.0.1")


@pytest.mark.parametrize(
    ("entry", "normalized"),
    [
        ("::ffff:127.0.0.1", "127.0.0.1"),
        ("::FFFF:7f00:1", "127.0.0.1"),
        ("::ffff:10.0.0.0/104", "10.0.0.0/8"),
    ],
)
def test_a_v4_mapped_entry_trusts_the_ipv4_proxy_however_the_peer_is_written(
    entry: str, normalized: str
) -> None:
    # The server may report the proxy as 127.0.0.1 or, on a dual-stack socket, as
    # ::ffff:127.0.0.1; both are compared as IPv4, so the entry is read as IPv4 too.
    trusted = TrustedProxies([entry])
    assert trusted.entries == (normalized,)
    inside = "127.0.0.1" if normalized == "127.0.0.1" else "10.9.8.7"
    assert trusted.trusts_peer(inside)
    assert trusted.trusts_peer("::ffff:" + inside)
    assert not trusted.trusts_peer("192.0.2.1")


@pytest.mark.parametrize(
    ("entry", "words"),
    [
        ("10.0.0.1/8", "host bits set; did you mean '10.0.0.0/8'"),
        ("2001:db8::1/32", "did you mean '2001:db8::/32'"),
        ("10.0.0.0/33", "not an IP network"),
        ("not-an-address", "not an IP address"),
        ("*", "not an IP address"),
        ("localhost", "not an IP address"),
        ("10.0.0.256", "not an IP address"),
        ("unix:/run/proxy.sock", "is not an IP"),
    ],
)
def test_a_malformed_trusted_proxy_is_a_startup_error_never_reinterpreted(entry: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        TrustedProxies(["192.0.2.1", entry])
    assert words in str(caught.value)
    assert repr(entry) in str(caught.value)


def test_the_locator_refuses_a_malformed_trusted_proxy_at_construction(city_db: Path) -> None:
    with pytest.raises(ConfigError, match="trusted_proxies"):
        Locator(geoip_db=city_db, trusted_proxies=["10.0.0.1/8"])


def test_non_string_entries_are_refused() -> None:
    with pytest.raises(ConfigError, match="expected strings"):
        TrustedProxies([10])  # type: ignore[list-item]


## X-Forwarded-For truth table: (peer, header lines, the reader's address)


@pytest.mark.parametrize(
    ("peer", "lines", "address"),
    [
        # Untrusted peers: the header is the client's own writing, and ignored.
        (BERLIN, [MOSCOW], BERLIN),
        (BERLIN, [f"{MOSCOW}, 10.0.0.1"], BERLIN),
        ("10.0.0.1", [], "10.0.0.1"),
        # A trusted peer: walk from the right to the first address that is not a trusted proxy.
        ("10.0.0.1", [MOSCOW], MOSCOW),
        ("10.0.0.1", [f"{MOSCOW}, 10.0.0.2"], MOSCOW),
        ("10.0.0.1", [f"{MOSCOW},10.0.0.2,172.16.0.1"], MOSCOW),
        ("10.0.0.1", [f"{CRIMEA}, {MOSCOW}"], MOSCOW),  # the left entry was spoofed
        ("10.0.0.1", [f"{CRIMEA}, {MOSCOW}, 10.9.9.9"], MOSCOW),
        ("10.0.0.1", [f"{MOSCOW}, 172.16.0.2"], "172.16.0.2"),  # not trusted: stops there
        ("10.0.0.1", ["10.0.0.3, 10.0.0.2"], "10.0.0.3"),  # every hop trusted: leftmost
        ("10.0.0.1", [f", , {MOSCOW}, , "], MOSCOW),
        ("10.0.0.1", [f"{MOSCOW}:51234"], MOSCOW),
        ("10.0.0.1", [""], "10.0.0.1"),
        ("172.16.0.1", [MOSCOW], MOSCOW),
        # Unusable hops end the walk: what lies beyond them cannot be vouched for.
        ("10.0.0.1", [f"{MOSCOW}, unknown"], None),
        ("10.0.0.1", [f"{MOSCOW}, garbage, 10.0.0.2"], None),
        ("10.0.0.1", [f"{MOSCOW}, _hidden"], None),
        # Repeated header lines are joined in order, never only the last kept.
        ("10.0.0.1", [CRIMEA, "10.0.0.9"], CRIMEA),
        ("10.0.0.1", [f"{CRIMEA}, 10.0.0.8", "10.0.0.9"], CRIMEA),
        # IPv6 peers and hops.
        ("fd00::1", [READERS_V6["crimea"]], READERS_V6["crimea"]),
        ("fd00::1", [f"{READERS_V6['moscow']}, fd00::2"], READERS_V6["moscow"]),
        ("fd00::1", [f"[{READERS_V6['moscow']}]:4711"], READERS_V6["moscow"]),
        ("fd00::1", [f"{READERS_V6['moscow'].upper()}"], READERS_V6["moscow"]),
        ("::ffff:10.0.0.1", [MOSCOW], MOSCOW),
        ("10.0.0.1", [f"::ffff:{MOSCOW}"], MOSCOW),
        ("2001:db8:ff::1", [MOSCOW], "2001:db8:ff::1"),
    ],
)
def test_x_forwarded_for_walk(locator: Locator, peer: str, lines: list[str], address: str | None) -> None:
    scope = http_scope(peer, [("X-Forwarded-For", line) for line in lines])
    location = locator.explain(scope)
    assert location.address == address
    expected = UNKNOWN if address is None else locator.locate_address(address)
    assert location.region == expected
    assert locator.locate(scope) == expected


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored_and_explained(locator: Locator) -> None:
    scope = http_scope(BERLIN, [("X-Forwarded-For", MOSCOW)])
    assert locator.locate(scope) == Region("DE", ("DE-BE",))
    location = locator.explain(scope)
    assert f"X-Forwarded-For ignored: peer {BERLIN} is not a trusted proxy" in location.detail
    assert location.source == "database"


def test_without_trusted_proxies_forwarding_headers_are_ignored_even_from_private_peers(
    city_db: Path,
) -> None:
    locator = Locator(geoip_db=city_db)
    scope = http_scope("10.0.0.1", [("X-Forwarded-For", MOSCOW), ("Forwarded", f"for={MOSCOW}")])
    assert locator.locate(scope) is UNKNOWN
    assert locator.explain(scope).address == "10.0.0.1"


## RFC 7239 Forwarded


@pytest.mark.parametrize(
    ("peer", "lines", "address"),
    [
        ("10.0.0.1", [f"for={MOSCOW}"], MOSCOW),
        ("10.0.0.1", [f"for={MOSCOW};proto=https;by=10.0.0.1"], MOSCOW),
        ("10.0.0.1", [f'for="[{READERS_V6["crimea"]}]:4711"'], READERS_V6["crimea"]),
        ("10.0.0.1", [f"for={CRIMEA}, for={MOSCOW}"], MOSCOW),
        ("10.0.0.1", [f"for={MOSCOW}, for=10.0.0.2"], MOSCOW),
        ("10.0.0.1", [f"for={MOSCOW}", "for=10.0.0.2"], MOSCOW),
        ("10.0.0.1", [f"for={CRIMEA}", "for=10.0.0.2"], CRIMEA),
        ("10.0.0.1", [f"for={MOSCOW}, for=unknown"], None),
        ("10.0.0.1", [f"for={MOSCOW}, for=_hidden"], None),
        ("10.0.0.1", [f"for={MOSCOW}, for=_hidden", "for=10.0.0.3"], None),
        ("10.0.0.1", [f"for={MOSCOW}, garbage"], None),
        ("10.0.0.1", ["proto=https"], None),
        ("10.0.0.1", [f"for={MOSCOW};for={CRIMEA}"], None),
        ("10.0.0.1", ["for=10.0.0.7"], "10.0.0.7"),
        (BERLIN, [f"for={MOSCOW}"], BERLIN),
    ],
)
def test_forwarded_walk(rfc7239_locator: Locator, peer: str, lines: list[str], address: str | None) -> None:
    scope = http_scope(peer, [("Forwarded", line) for line in lines])
    assert rfc7239_locator.explain(scope).address == address
    expected = UNKNOWN if address is None else rfc7239_locator.locate_address(address)
    assert rfc7239_locator.locate(scope) == expected


def test_only_the_configured_forwarding_header_is_read(locator: Locator, rfc7239_locator: Locator) -> None:
    # A proxy passes a header of the other kind through untouched: the reader wrote it.
    scope = http_scope("10.0.0.1", [("Forwarded", f"for={CRIMEA}"), ("X-Forwarded-For", MOSCOW)])
    assert locator.explain(scope).address == MOSCOW
    assert "Forwarded ignored" in locator.explain(scope).detail
    assert rfc7239_locator.explain(scope).address == CRIMEA
    assert "X-Forwarded-For ignored" in rfc7239_locator.explain(scope).detail


def test_an_unknown_forwarded_header_setting_is_refused(city_db: Path) -> None:
    with pytest.raises(ConfigError, match="forwarded_header"):
        Locator(geoip_db=city_db, forwarded_header="X-Real-IP")


## Malformed and oversized headers never raise


@pytest.mark.parametrize(
    "value",
    [
        "garbage",
        ",,,,",
        "\x00\x01\x02",
        "192.0.2.1\r\nX-Injected: 1",
        "for=",
        '"' * 100,
        "[" * 100,
        "ünïcödé".encode().decode("latin-1"),
        "1" * 2000,
    ],
)
def test_malformed_forwarding_headers_give_unknown_not_errors(
    locator: Locator, rfc7239_locator: Locator, value: str
) -> None:
    for header in ("X-Forwarded-For", "Forwarded"):
        scope = http_scope("10.0.0.1", [(header, value)])
        assert locator.locate(scope) is UNKNOWN
        assert rfc7239_locator.locate(scope) is UNKNOWN


@pytest.mark.parametrize("header", ["X-Forwarded-For", "Forwarded"])
@pytest.mark.parametrize("padding", ["length", "hops"])
def test_a_reader_who_pads_the_header_is_still_placed_by_the_hops_our_proxies_wrote(
    city_db: Path, header: str, padding: str, caplog: pytest.LogCaptureFixture
) -> None:
    # The reader in Moscow sends a header of their own, padded past the limits with Berlin;
    # the trusted proxies append the address they saw (Moscow), then their own.
    locator = Locator(geoip_db=city_db, trusted_proxies=TRUSTED, forwarded_header=header)
    node = "for={}" if header == "Forwarded" else "{}"
    count = MAX_HEADER_LENGTH // len(BERLIN) if padding == "length" else MAX_HOPS * 3
    value = ", ".join([node.format(BERLIN)] * count + [node.format(MOSCOW), node.format("10.0.0.2")])
    scope = http_scope("10.0.0.1", [(header, value)])
    with caplog.at_level("DEBUG", logger="geonotice.locate"):
        assert locator.locate(scope) == Region("RU", ("RU-MOW",))
    assert "only the last" in caplog.text
    location = locator.explain(scope)
    assert location.address == MOSCOW
    assert location.region == Region("RU", ("RU-MOW",))


def test_a_cut_reached_through_trusted_hops_leaves_the_reader_unknown(locator: Locator) -> None:
    # Only if every hop kept is one of our proxies does the cut matter: the reader is beyond it.
    value = ", ".join([MOSCOW] + ["10.0.0.2"] * MAX_HOPS)
    scope = http_scope("10.0.0.1", [("X-Forwarded-For", value)])
    assert locator.locate(scope) is UNKNOWN
    location = locator.explain(scope)
    assert location.address is None
    assert "only its rightmost part was read" in location.detail


def test_an_unusable_hop_is_logged_at_debug_level(locator: Locator, caplog: pytest.LogCaptureFixture) -> None:
    scope = http_scope("10.0.0.1", [("X-Forwarded-For", f"{MOSCOW}, garbage")])
    with caplog.at_level("DEBUG", logger="geonotice.locate"):
        assert locator.locate(scope) is UNKNOWN
    assert "'garbage' has no usable address" in caplog.text


def test_as_many_hops_as_the_limit_are_all_walked(locator: Locator) -> None:
    value = ", ".join([MOSCOW] + ["10.0.0.2"] * (MAX_HOPS - 1))
    assert locator.locate(http_scope("10.0.0.1", [("X-Forwarded-For", value)])) == Region("RU", ("RU-MOW",))


@pytest.mark.parametrize(
    "scope",
    [
        {"type": "http"},
        {"type": "http", "client": None, "headers": []},
        {"type": "http", "client": ("10.0.0.1", 1), "headers": None},
        {"type": "http", "client": ("10.0.0.1", 1), "headers": [(b"x-forwarded-for",)]},
        {"type": "http", "client": ("", 0), "headers": []},
        {"type": "http", "client": (None, 0), "headers": []},
    ],
)
def test_odd_scopes_give_unknown_not_errors(locator: Locator, scope: dict) -> None:
    assert locator.locate(scope) is UNKNOWN
    assert locator.explain(scope).region is UNKNOWN
