"""The forwarding-header parsers: text in, hops out, never an exception."""

from __future__ import annotations

import ipaddress

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geonotice.locate.forwarded import (
    DROPPED,
    MAX_HEADER_LENGTH,
    MAX_HOPS,
    Hop,
    parse_forwarded,
    parse_node,
    parse_x_forwarded_for,
)


def addresses(hops: list | None) -> list[str | None] | None:
    if hops is None:
        return None
    return [None if hop.address is None else str(hop.address) for hop in hops]


@pytest.mark.parametrize(
    ("node", "address"),
    [
        ("192.0.2.43", "192.0.2.43"),
        (" 192.0.2.43 ", "192.0.2.43"),
        ("192.0.2.43:4711", "192.0.2.43"),
        ("192.0.2.43:_port", "192.0.2.43"),
        ("[2001:db8:cafe::17]", "2001:db8:cafe::17"),
        ("[2001:db8:cafe::17]:4711", "2001:db8:cafe::17"),
        ("[2001:DB8:CAFE:0::17]:4711", "2001:db8:cafe::17"),
        ("2001:db8::1", "2001:db8::1"),
        ("::ffff:192.0.2.1", "192.0.2.1"),
        ("[::ffff:192.0.2.1]:80", "192.0.2.1"),
        ("unknown", None),
        ("UNKNOWN", None),
        ("_hidden", None),
        ("_SEVKISEK", None),
        ("_a.b-c_d", None),
        ("fe80::1%eth0", None),
        ("[2001:db8::1", None),
        ("2001:db8::1]:80", None),
        ("192.0.2.256", None),
        ("192.0.2.1:99999999", None),
        ("example.com", None),
        ("", None),
        ("garbage", None),
        ("<script>", None),
    ],
)
def test_a_node_is_an_address_or_nothing(node: str, address: str | None) -> None:
    hop = parse_node(node)
    assert hop.text == node.strip()
    assert (None if hop.address is None else str(hop.address)) == address


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("192.0.2.1", ["192.0.2.1"]),
        ("192.0.2.1, 198.51.100.2", ["192.0.2.1", "198.51.100.2"]),
        ("192.0.2.1,198.51.100.2,203.0.113.3", ["192.0.2.1", "198.51.100.2", "203.0.113.3"]),
        (", , 9.9.9.9, , ", ["9.9.9.9"]),
        ("", []),
        ("2001:db8::1, 192.0.2.1", ["2001:db8::1", "192.0.2.1"]),
        ("[2001:db8::1]:443, 192.0.2.1:80", ["2001:db8::1", "192.0.2.1"]),
        ("unknown, 192.0.2.1", [None, "192.0.2.1"]),
        ("192.0.2.1, garbage", ["192.0.2.1", None]),
        ("1.2.3", [None]),
    ],
)
def test_x_forwarded_for_hops_read_left_to_right(value: str, expected: list[str | None]) -> None:
    assert addresses(parse_x_forwarded_for(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # RFC 7239 section 4 and 7.1 examples.
        ('for="_gazonk"', [None]),
        ('For="[2001:db8:cafe::17]:4711"', ["2001:db8:cafe::17"]),
        ("for=192.0.2.60;proto=http;by=203.0.113.43", ["192.0.2.60"]),
        ("for=192.0.2.43, for=198.51.100.17", ["192.0.2.43", "198.51.100.17"]),
        (
            "for=192.0.2.43,for=198.51.100.17;by=203.0.113.60;proto=http;host=example.com",
            ["192.0.2.43", "198.51.100.17"],
        ),
        ("for=unknown", [None]),
        ("for=_hidden, for=192.0.2.1", [None, "192.0.2.1"]),
        ('for="[2001:db8::1]"', ["2001:db8::1"]),
        ('for="192.0.2.1:8080"', ["192.0.2.1"]),
        ("FOR=192.0.2.1", ["192.0.2.1"]),
        ("for=192.0.2.1 ; proto=https", ["192.0.2.1"]),
        (" , for=192.0.2.1 , ", ["192.0.2.1"]),
        # An element that cannot be read stays in the list as a hop without address.
        ("garbage, for=192.0.2.1", [None, "192.0.2.1"]),
        ("for=192.0.2.1 trailing, for=198.51.100.1", [None, "198.51.100.1"]),
        ("by=203.0.113.43, for=192.0.2.1", [None, "192.0.2.1"]),
        ("for=192.0.2.1;for=198.51.100.1", [None]),
        # A comma in quotes splits the element (see parse_forwarded): two hops, neither an address.
        ('for="192.0.2.1, 198.51.100.1"', [None, None]),
        ("for=[2001:db8::1]", [None]),
        ('for="\\[2001:db8::1\\]"', ["2001:db8::1"]),
        ('for="unterminated', [None]),
    ],
)
def test_forwarded_gives_one_hop_per_element(value: str, expected: list[str | None]) -> None:
    assert addresses(parse_forwarded(value)) == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [("", []), (" , ", []), ("proto=https", [None]), ("by=203.0.113.43;host=example.com", [None])],
)
def test_a_forwarded_element_without_for_is_a_hop_without_address(
    value: str, expected: list[str | None]
) -> None:
    assert addresses(parse_forwarded(value)) == expected


def test_an_overlong_header_keeps_its_rightmost_hops_and_marks_the_cut() -> None:
    padding = ", ".join(["203.0.113.9"] * (MAX_HEADER_LENGTH // 10))
    value = f"{padding}, 192.0.2.1, 10.0.0.7"
    assert len(value) > MAX_HEADER_LENGTH
    hops = parse_x_forwarded_for(value)
    assert hops[0] == Hop(DROPPED, None)
    assert addresses(hops)[-2:] == ["192.0.2.1", "10.0.0.7"]
    assert sum(len(hop.text) + 2 for hop in hops[1:]) <= MAX_HEADER_LENGTH + 2
    forwarded = parse_forwarded(f"{padding.replace('203', 'for=203')}, for=192.0.2.1, for=10.0.0.7")
    assert forwarded[0] == Hop(DROPPED, None)
    assert addresses(forwarded)[-2:] == ["192.0.2.1", "10.0.0.7"]


def test_a_cut_never_keeps_half_an_item() -> None:
    # The window read starts at the "3" of "203.0.113.9": "3.0.113.9" is somebody else's address.
    value = "junk,203.0.113.9,192.0.2.1" + " " * (MAX_HEADER_LENGTH - 19)
    assert value[-MAX_HEADER_LENGTH:].startswith("3.0.113.9,")
    assert addresses(parse_x_forwarded_for(value)) == [None, "192.0.2.1"]


def test_more_hops_than_the_limit_keep_the_rightmost() -> None:
    hops = [str(ipaddress.IPv4Address(0xC0000200 + i % 256)) for i in range(MAX_HOPS + 5)]
    kept = parse_x_forwarded_for(",".join(hops))
    assert kept[0] == Hop(DROPPED, None)
    assert addresses(kept)[1:] == hops[-MAX_HOPS:]
    kept = parse_forwarded(",".join(f"for={h}" for h in hops))
    assert addresses(kept)[1:] == hops[-MAX_HOPS:]
    assert addresses(parse_x_forwarded_for(",".join(hops[:MAX_HOPS]))) == hops[:MAX_HOPS]


def test_an_open_quote_on_the_left_cannot_swallow_the_hops_appended_after_it() -> None:
    # The reader sends the first element; the proxy appends its own, quoted as RFC 7239 asks.
    reader = 'for="198.51.100.9'
    proxy = 'for="[2001:db8::17]:4711"'
    assert addresses(parse_forwarded(f"{reader}, {proxy}")) == [None, "2001:db8::17"]
    assert addresses(parse_forwarded(f'for=x;by="a, {proxy}')) == [None, "2001:db8::17"]


@given(st.text(max_size=300))
def test_parsers_never_raise_on_any_text(value: str) -> None:
    parse_x_forwarded_for(value)
    parse_forwarded(value)
    parse_node(value)


@given(st.binary(max_size=300))
def test_parsers_never_raise_on_any_header_bytes(value: bytes) -> None:
    text = value.decode("latin-1")
    parse_x_forwarded_for(text)
    parse_forwarded(text)
