"""Locator as the middleware uses it: cache, database replacement, explain, never raising."""

from __future__ import annotations

import logging
import os
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geonotice.errors import ConfigError, GeoIPDatabaseError
from geonotice.locate import Locator
from geonotice.region import UNKNOWN, Region
from support.geodb import city_record, reader_records
from support.polling import wait_until
from support.readers import READER_REGIONS, READERS, READERS_V6, UNMAPPED_V4

from .helpers import http_scope

if TYPE_CHECKING:
    from conftest import MakeDatabase  # the fixture's type; conftest is not importable at run time

MOSCOW = READERS["moscow"]
RU_MOW = Region("RU", ("RU-MOW",))
DE_BE = Region("DE", ("DE-BE",))


def replace_atomically(target: Path, source: Path) -> None:
    """As geoipupdate does: write next to the target, then rename over it."""
    staged = target.with_name(target.name + ".tmp")
    staged.write_bytes(source.read_bytes())
    os.replace(staged, target)


@pytest.fixture
def berlin_everywhere(make_db: MakeDatabase) -> Path:
    """A database that puts the Moscow addresses in Berlin: the 'new release' in replacement tests."""
    berlin = city_record("DE", ["BE"], "Berlin")
    return make_db([("192.0.2.0/24", berlin), ("2001:db8::/32", berlin)], name="next.mmdb")


def test_locate_reads_the_peer_address(city_db: Path) -> None:
    locator = Locator(geoip_db=city_db)
    assert locator.locate(http_scope(MOSCOW)) == RU_MOW
    assert locator.locate(http_scope(READERS_V6["crimea"])) == Region("UA", ("UA-43",))
    assert locator.locate(http_scope("127.0.0.1")) is UNKNOWN


def test_repeated_addresses_give_the_same_region_object(city_db: Path) -> None:
    locator = Locator(geoip_db=city_db)
    first = locator.locate(http_scope(MOSCOW))
    assert locator.locate(http_scope(MOSCOW, port=1)) is first


def test_the_cache_is_bounded(city_db: Path) -> None:
    locator = Locator(geoip_db=city_db, cache_size=8)
    for i in range(1, 200):
        locator.locate(http_scope(f"192.0.2.{i}"))
    state = locator._state
    assert state is not None
    assert len(state.young) + len(state.old) <= 8
    # Answers stay right after evictions.
    assert locator.locate(http_scope(MOSCOW)) == RU_MOW
    assert locator.locate(http_scope(READERS["crimea"])) == Region("UA", ("UA-43",))


def test_a_fresh_address_in_a_known_slash_24_is_answered_without_the_database(make_db: MakeDatabase) -> None:
    path = make_db(
        [("192.0.2.0/23", city_record("UA", ["43"])), ("198.51.100.0/28", city_record("DE", ["BE"]))]
    )
    locator = Locator(geoip_db=path)
    assert locator.locate(http_scope("192.0.2.1")) == Region("UA", ("UA-43",))
    state = locator._state
    assert state is not None
    assert state.networks == {"192.0.2": Region("UA", ("UA-43",))}
    state.database.close()  # from now on only the caches can answer
    assert locator.locate(http_scope("192.0.2.200")) == Region("UA", ("UA-43",))


def test_a_fresh_ipv6_address_in_a_known_slash_48_is_answered_without_the_database(
    make_db: MakeDatabase,
) -> None:
    path = make_db(
        [("2001:db8::/32", city_record("UA", ["40"])), ("2001:db9::/64", city_record("DE", ["BE"]))]
    )
    locator = Locator(geoip_db=path)
    assert locator.locate(http_scope("2001:db8:5:6::1")) == Region("UA", ("UA-40",))
    assert locator.locate(http_scope("2001:db9::1")) == DE_BE  # /64: cached per address only
    state = locator._state
    assert state is not None
    assert list(state.networks) == [bytes.fromhex("20010db80005")]
    state.database.close()
    # Another privacy address of the same reader, another spelling of the same /48.
    assert locator.locate(http_scope("2001:0DB8:0005:0006:abcd::99")) == Region("UA", ("UA-40",))
    assert locator.locate(http_scope("2001:db9::2")) is UNKNOWN


def test_a_slash_24_split_between_readers_is_never_answered_as_a_whole(city_db: Path) -> None:
    # The demo plan puts Moscow, Crimea, Sevastopol... in /28s of the same /24.
    locator = Locator(geoip_db=city_db)
    for name in ("moscow", "crimea", "sevastopol", "donetsk", "luhansk", "zaporizhzhia", "kherson"):
        assert locator.locate(http_scope(READERS[name])).codes == READER_REGIONS[name]
    assert locator._state is not None and "192.0.2" not in locator._state.networks


def test_the_network_cache_is_bounded(make_db: MakeDatabase) -> None:
    path = make_db([("0.0.0.0/1", city_record("RU", ["MOW"])), ("128.0.0.0/2", city_record("RU", ["MOW"]))])
    locator = Locator(geoip_db=path, cache_size=8)
    for i in range(1, 200):
        assert locator.locate(http_scope(f"11.0.{i}.1")) == RU_MOW
    state = locator._state
    assert state is not None
    assert len(state.networks) + len(state.old_networks) <= 8


@pytest.mark.parametrize("size", [0, 1, -5, 2.5, "big"])
def test_a_bad_cache_size_is_refused(city_db: Path, size: object) -> None:
    with pytest.raises(ConfigError, match="cache_size"):
        Locator(geoip_db=city_db, cache_size=size)  # type: ignore[arg-type]


@pytest.mark.parametrize("interval", [0, -1, "2s"])
def test_a_bad_reload_interval_is_refused(city_db: Path, interval: object) -> None:
    with pytest.raises(ConfigError, match="reload_interval"):
        Locator(geoip_db=city_db, reload_interval=interval)  # type: ignore[arg-type]


def test_a_missing_database_stops_construction_with_path_and_hint(tmp_path: Path) -> None:
    with pytest.raises(GeoIPDatabaseError) as caught:
        Locator(geoip_db=tmp_path / "GeoLite2-City.mmdb")
    assert "GeoLite2-City.mmdb" in str(caught.value)
    assert "geoipupdate" in str(caught.value)


def test_the_database_and_its_build_date_are_available(make_db: MakeDatabase) -> None:
    path = make_db(reader_records(), database_type="GeoLite2-City", build_epoch=1_700_000_000)
    locator = Locator(geoip_db=path)
    assert locator.database is not None
    assert locator.database.path == path
    assert locator.database.database_type == "GeoLite2-City"
    assert locator.database.build_date.year == 2023
    assert Locator(geo_headers="cloudflare", trusted_proxies=["10.0.0.1"]).database is None


def test_a_stale_database_is_logged_as_a_warning(
    make_db: MakeDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    path = make_db(reader_records(), build_epoch=1_600_000_000)
    with caplog.at_level(logging.WARNING, logger="geonotice.locate"):
        Locator(geoip_db=path)
    assert "days old" in caplog.text


## Replacing the database file while serving


def test_a_replaced_database_is_picked_up_and_the_cache_dropped(
    city_db: Path, berlin_everywhere: Path
) -> None:
    locator = Locator(geoip_db=city_db)
    assert locator.locate(http_scope(MOSCOW)) == RU_MOW  # now cached
    assert locator.locate(http_scope(UNMAPPED_V4)) is UNKNOWN  # its /24 too
    replace_atomically(city_db, berlin_everywhere)
    assert locator.check_now() is True
    assert locator.locate(http_scope(MOSCOW)) == DE_BE
    assert locator.locate_address(READERS_V6["moscow"]) == DE_BE
    assert locator.locate(http_scope("192.0.2.250")) == DE_BE
    assert locator.check_now() is False


def test_the_watcher_thread_picks_up_a_replacement_without_a_restart(
    city_db: Path, berlin_everywhere: Path
) -> None:
    locator = Locator(geoip_db=city_db, reload_interval=0.05)
    locator.start()
    try:
        assert locator.locate(http_scope(MOSCOW)) == RU_MOW
        replace_atomically(city_db, berlin_everywhere)
        wait_until(lambda: locator.locate(http_scope(MOSCOW)) == DE_BE, "replacement not picked up")
    finally:
        locator.stop()


@pytest.mark.parametrize(
    "broken",
    [b"", b"not a database", b"\xab\xcd\xefMaxMind.com\x00"],
    ids=["empty", "text", "bad-metadata"],
)
def test_a_broken_replacement_is_refused_and_the_old_database_keeps_serving(
    city_db: Path, caplog: pytest.LogCaptureFixture, broken: bytes
) -> None:
    locator = Locator(geoip_db=city_db)
    staged = city_db.with_name("staged")
    staged.write_bytes(broken)
    os.replace(staged, city_db)
    with caplog.at_level(logging.ERROR, logger="geonotice.locate"):
        assert locator.check_now() is True
    assert "previous one keeps serving" in caplog.text
    assert str(city_db) in caplog.text
    assert locator.locate(http_scope(MOSCOW)) == RU_MOW


def test_a_wrong_kind_of_replacement_is_refused(
    city_db: Path, make_db: MakeDatabase, caplog: pytest.LogCaptureFixture
) -> None:
    locator = Locator(geoip_db=city_db)
    asn = make_db(
        [("192.0.2.0/24", {"autonomous_system_number": 64500})], name="asn", database_type="GeoLite2-ASN"
    )
    replace_atomically(city_db, asn)
    with caplog.at_level(logging.ERROR, logger="geonotice.locate"):
        locator.check_now()
    assert "GeoLite2-ASN" in caplog.text
    assert locator.database is not None and locator.database.database_type == "GeoLite2-City"
    assert locator.locate(http_scope(MOSCOW)) == RU_MOW


def test_a_truncated_replacement_is_refused_then_the_complete_one_accepted(
    city_db: Path, berlin_everywhere: Path
) -> None:
    locator = Locator(geoip_db=city_db)
    data = berlin_everywhere.read_bytes()
    partial = city_db.with_name("partial")
    partial.write_bytes(data[: len(data) // 2])  # an interrupted download, renamed into place
    os.replace(partial, city_db)
    locator.check_now()
    assert locator.locate(http_scope(MOSCOW)) == RU_MOW
    replace_atomically(city_db, berlin_everywhere)
    locator.check_now()
    assert locator.locate(http_scope(MOSCOW)) == DE_BE


def test_a_deleted_database_file_keeps_the_old_database(city_db: Path) -> None:
    locator = Locator(geoip_db=city_db)
    city_db.unlink()
    locator.check_now()
    assert locator.locate(http_scope(MOSCOW)) == RU_MOW


def test_no_request_fails_while_the_database_is_replaced(city_db: Path, berlin_everywhere: Path) -> None:
    locator = Locator(geoip_db=city_db, reload_interval=0.01, cache_size=4)
    original = city_db.with_name("original.mmdb")
    original.write_bytes(city_db.read_bytes())
    seen: set[Region] = set()
    errors: list[BaseException] = []
    stop = threading.Event()

    def serve() -> None:
        try:
            while not stop.is_set():
                for i in range(1, 16):
                    seen.add(locator.locate(http_scope(f"192.0.2.{i}")))
        except BaseException as error:  # noqa: BLE001 - the test reports it
            errors.append(error)

    locator.start()
    worker = threading.Thread(target=serve)
    worker.start()
    try:
        for i in range(20):
            replace_atomically(city_db, berlin_everywhere if i % 2 == 0 else original)
            time.sleep(0.02)
        # End on the new release and wait until requests get it: a run in which no request met
        # a replacement would prove nothing.
        replace_atomically(city_db, berlin_everywhere)
        wait_until(lambda: DE_BE in seen or errors, "no request was answered from a replacement")
    finally:
        stop.set()
        worker.join()
        locator.stop()
    assert errors == []
    assert seen == {RU_MOW, DE_BE}


## explain


def test_explain_names_the_database_file_and_its_build_date(make_db: MakeDatabase) -> None:
    path = make_db(reader_records(), build_epoch=1_700_000_000)
    location = Locator(geoip_db=path).explain(http_scope(READERS["crimea"]))
    assert location.region == Region("UA", ("UA-43",))
    assert location.address == READERS["crimea"]
    assert location.source == "database"
    assert str(path) in location.detail
    assert "built 2023-11-14" in location.detail
    assert "Crimea" in location.detail


def test_explain_address_is_the_command_line_view(city_db: Path) -> None:
    locator = Locator(geoip_db=city_db)
    location = locator.explain_address(f" {READERS['kherson']} ")
    assert location.region == Region("UA", ("UA-65",))
    assert location.address == READERS["kherson"]
    assert locator.locate_address(READERS["luhansk"]) == Region("UA", ("UA-09",))
    assert locator.explain_address("10.1.1.1").detail.startswith("10.1.1.1 is a local")


def test_explain_without_a_database_says_so() -> None:
    locator = Locator(geo_headers="vercel", trusted_proxies=["10.0.0.1"])
    location = locator.explain_address(MOSCOW)
    assert location.region is UNKNOWN
    assert location.source == "none"
    assert "no GeoIP database" in location.detail


def test_a_trusted_peer_without_forwarding_header_is_the_reader(city_db: Path) -> None:
    locator = Locator(geoip_db=city_db, trusted_proxies=[MOSCOW])
    location = locator.explain(http_scope(MOSCOW))
    assert location.region == RU_MOW
    assert "sent no X-Forwarded-For" in location.detail


## Never raises


HEADER_NAMES = st.sampled_from(
    [b"x-forwarded-for", b"forwarded", b"cf-ipcountry", b"cf-region-code", b"host", b"x-other"]
)


@settings(max_examples=300, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(
    peer=st.one_of(
        st.sampled_from(["10.0.0.1", "fd00::1", MOSCOW, "::ffff:10.0.0.1", ""]), st.text(max_size=40)
    ),
    headers=st.lists(st.tuples(HEADER_NAMES, st.binary(max_size=120)), max_size=8),
)
def test_locate_never_raises_on_any_request(
    city_db: Path, peer: str, headers: list[tuple[bytes, bytes]]
) -> None:
    for forwarded_header in ("X-Forwarded-For", "Forwarded"):
        locator = Locator(
            geoip_db=city_db,
            trusted_proxies=["10.0.0.0/8", "fd00::/8"],
            geo_headers="cloudflare",
            forwarded_header=forwarded_header,
        )
        scope = {"type": "http", "client": (peer, 1), "headers": headers}
        region = locator.locate(scope)
        assert isinstance(region, Region)
        assert locator.explain(scope).region == region
