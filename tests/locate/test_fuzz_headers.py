"""Fuzzing what the locator reads from a request: the peer, X-Forwarded-For, Forwarded and a CDN's
geo headers, made by hypothesis from pieces attackers use (padding, quotes, commas, odd nodes,
v4-mapped and IPv6 spellings) and from raw bytes.

Properties: ``locate`` never raises and ``explain`` agrees with it; a peer that is not a trusted
proxy is placed by its own address, whatever it sends; behind a trusted proxy, the hop the proxy
appended decides, whatever the reader put in front of it (``X-Forwarded-For`` and ``Forwarded``
alike, however long the reader's part).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geonotice.locate import Locator
from geonotice.region import Region
from support.geodb import reader_records, write_database
from support.readers import READERS, READERS_V6

from .helpers import http_scope

TRUSTED = ["10.0.0.0/8", "fd00::/8", "::ffff:192.168.7.0/120"]
PROXIES = ["10.0.0.1", "10.200.3.4", "fd00::17", "192.168.7.9", "::ffff:10.0.0.2"]
ADDRESSES = [*READERS.values(), *READERS_V6.values(), "203.0.113.7", "127.0.0.1", "8.8.8.8"]
FUZZ = settings(
    max_examples=200,
    deadline=timedelta(seconds=2),
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)


@pytest.fixture(scope="module")
def locators(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Locator]]:
    path = write_database(tmp_path_factory.mktemp("fuzz") / "city.mmdb", reader_records())
    made = {
        header: Locator(
            geoip_db=path, trusted_proxies=TRUSTED, geo_headers="cloudflare", forwarded_header=header
        )
        for header in ("X-Forwarded-For", "Forwarded")
    }
    yield made


def node(address: str) -> st.SearchStrategy[str]:
    """The ways a proxy may write ``address`` in a Forwarded element."""
    if ":" in address:
        return st.sampled_from(
            [f'for="[{address}]"', f'for="[{address}]:4711"', f'For="[{address.upper()}]"']
        )
    return st.sampled_from([f"for={address}", f'for="{address}:80"', f"FOR={address};proto=https"])


JUNK_PIECES = st.sampled_from(
    [",", ", ", '"', "'", ";", "=", "for=", 'for="', "[", "]", ":", "unknown", "_hidden", " ", "\t",
     "by=", "proto=http", "\\", "for=10.0.0.1", "for=[fd00::1]", "::ffff:", "%eth0", "0" * 50, "ü"]
)  # fmt: skip
JUNK = st.one_of(
    st.lists(st.one_of(JUNK_PIECES, st.sampled_from(ADDRESSES)), max_size=30).map("".join),
    st.text(st.characters(max_codepoint=0xFF), max_size=200),  # header bytes, read as latin-1
    st.integers(0, 3000).map(lambda n: ", ".join(["198.51.100.21"] * n)),  # padding past the limits
)


@FUZZ
@given(
    peer=st.one_of(st.sampled_from(ADDRESSES + PROXIES), st.text(max_size=20)),  # any text: a server bug
    headers=st.lists(
        st.tuples(
            st.sampled_from(["X-Forwarded-For", "Forwarded", "CF-IPCountry", "CF-Region-Code", "X-Other"]),
            st.one_of(JUNK, st.binary(max_size=100).map(lambda b: b.decode("latin-1"))),
        ),
        max_size=6,
    ),
)
def test_locate_never_raises_and_explain_agrees(
    locators: dict[str, Locator], peer: str, headers: list[tuple[str, str]]
) -> None:
    for locator in locators.values():
        scope = http_scope(peer, headers)
        region = locator.locate(scope)
        assert isinstance(region, Region)
        assert locator.explain(scope).region == region


@FUZZ
@given(
    peer=st.sampled_from(ADDRESSES),
    headers=st.lists(
        st.tuples(st.sampled_from(["X-Forwarded-For", "Forwarded", "CF-IPCountry", "CF-Region-Code"]), JUNK),
        max_size=5,
    ),
)
def test_an_untrusted_peer_is_placed_by_its_own_address_whatever_it_sends(
    locators: dict[str, Locator], peer: str, headers: list[tuple[str, str]]
) -> None:
    for locator in locators.values():
        assert locator.locate(http_scope(peer, headers)) == locator.locate_address(peer)


@FUZZ
@given(
    data=st.data(),
    reader=st.sampled_from(ADDRESSES),
    junk=JUNK,
    proxies=st.lists(st.sampled_from(PROXIES), max_size=3),
)
def test_behind_trusted_proxies_the_hop_they_appended_decides_whatever_the_reader_sent(
    locators: dict[str, Locator], data: st.DataObject, reader: str, junk: str, proxies: list[str]
) -> None:
    # The reader sends ``junk`` as their own forwarding header; the first proxy appends the
    # reader's address as it saw it, each further proxy the one before it.
    xff = ", ".join([junk, reader, *proxies[:-1]]) if proxies else f"{junk}, {reader}"
    peer = proxies[-1] if proxies else "10.0.0.1"
    elements = [data.draw(node(reader))] + [data.draw(node(p)) for p in proxies[:-1]]
    forwarded = ", ".join([junk, *elements])
    expected = locators["X-Forwarded-For"].locate_address(reader)
    assert locators["X-Forwarded-For"].locate(http_scope(peer, [("X-Forwarded-For", xff)])) == expected
    assert locators["Forwarded"].locate(http_scope(peer, [("Forwarded", forwarded)])) == expected


def test_the_database_of_the_fuzzing_places_its_readers(locators: dict[str, Locator]) -> None:
    assert locators["Forwarded"].locate_address(READERS["crimea"]) == Region("UA", ("UA-43",))
    assert Path(str(locators["Forwarded"].database.path)).exists()  # type: ignore[union-attr]
