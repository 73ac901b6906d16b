"""GeoIPDatabase: real MaxMind-format files in, regions out; bad files refused at open."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from geonotice.errors import GeoIPDatabaseError
from geonotice.locate.geoip import GeoIPDatabase, is_local_address
from geonotice.region import UNKNOWN, Region
from support.geodb import city_record, country_record
from support.readers import READER_REGIONS, READERS, READERS_V6, UNMAPPED_V4, UNMAPPED_V6

if TYPE_CHECKING:
    from conftest import MakeDatabase  # the fixture's type; conftest is not importable at run time

RUSSIA_CONTROLLED = ["crimea", "sevastopol", "donetsk", "luhansk", "zaporizhzhia", "kherson"]


@pytest.fixture
def city(city_db: Path) -> GeoIPDatabase:
    database = GeoIPDatabase.open(city_db)
    yield database
    database.close()


@pytest.mark.parametrize("name", sorted(READERS))
def test_city_database_gives_country_and_full_subdivision_codes_over_ipv4(
    city: GeoIPDatabase, name: str
) -> None:
    assert city.lookup(READERS[name]).codes == READER_REGIONS[name]


@pytest.mark.parametrize("name", sorted(READERS))
def test_city_database_gives_the_same_region_over_ipv6(city: GeoIPDatabase, name: str) -> None:
    assert city.lookup(READERS_V6[name]).codes == READER_REGIONS[name]


@pytest.mark.parametrize("name", RUSSIA_CONTROLLED)
def test_russia_controlled_subdivisions_are_ukrainian_iso_codes(city: GeoIPDatabase, name: str) -> None:
    region = city.lookup(READERS[name])
    assert region.country == "UA"
    assert region.subdivisions[0] in {"UA-43", "UA-40", "UA-14", "UA-09", "UA-23", "UA-65"}


def test_crimea_is_ua_43_from_maxmind_subdivision_43(city: GeoIPDatabase) -> None:
    assert city.lookup(READERS["crimea"]) == Region("UA", ("UA-43",))


def test_subdivisions_run_largest_to_smallest(city: GeoIPDatabase) -> None:
    assert city.lookup(READERS["london"]) == Region("GB", ("GB-ENG", "GB-LND"))


def test_a_country_without_subdivisions_gives_the_country_alone(city: GeoIPDatabase) -> None:
    assert city.lookup(READERS["singapore"]) == Region("SG")


def test_country_database_gives_countries(country_db: Path) -> None:
    database = GeoIPDatabase.open(country_db)
    assert database.lookup(READERS["crimea"]) == Region("UA")
    assert database.lookup(READERS_V6["moscow"]) == Region("RU")
    database.close()


@pytest.mark.parametrize("address", [UNMAPPED_V4, UNMAPPED_V6, "8.8.8.8", "2606:4700::1111"])
def test_addresses_not_in_the_database_are_unknown(city: GeoIPDatabase, address: str) -> None:
    assert city.lookup(address) is UNKNOWN


@pytest.mark.parametrize(
    "address",
    [
        "",
        "garbage",
        "192.0.2",
        "192.0.2.1.5",
        "192.0.2.1:80",
        "fe80::1%eth0",
        "2001:db8::g",
        "\x00",
        "0" * 5000,
    ],
)
def test_anything_that_is_not_an_address_is_unknown(city: GeoIPDatabase, address: str) -> None:
    assert city.lookup(address) is UNKNOWN


LOCAL = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.5.4",
    "192.168.1.1",
    "100.64.0.1",
    "169.254.1.1",
    "0.0.0.0",
    "224.0.0.1",
    "240.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fe80::1",
    "fd00::1",
    "ff02::1",
    "::ffff:10.0.0.1",
]


@pytest.mark.parametrize("address", LOCAL)
def test_local_private_and_reserved_addresses_are_unknown_even_if_the_database_maps_them(
    make_db: MakeDatabase, address: str
) -> None:
    # A database that (wrongly) maps everything, local ranges included.
    moscow = city_record("RU", ["MOW"])
    everything = [(network, moscow) for network in ("::/1", "8000::/1", "0.0.0.0/1", "128.0.0.0/1")]
    database = GeoIPDatabase.open(make_db(everything))
    assert database.lookup("192.0.2.1") == Region("RU", ("RU-MOW",))
    assert database.lookup(address) is UNKNOWN
    database.close()


@pytest.mark.parametrize("address", LOCAL)
def test_local_addresses_are_unknown_in_an_ordinary_database(city: GeoIPDatabase, address: str) -> None:
    assert city.lookup(address) is UNKNOWN


def test_documentation_ranges_are_not_treated_as_private() -> None:
    # The demo database lives in them; real databases simply do not contain them.
    for address in ("192.0.2.1", "198.51.100.1", "203.0.113.1", "2001:db8::1"):
        assert not is_local_address(address)


def test_v4_mapped_ipv6_address_is_looked_up_as_ipv4(city: GeoIPDatabase) -> None:
    assert city.lookup("::ffff:" + READERS["crimea"]) == Region("UA", ("UA-43",))
    assert city.lookup("::FFFF:" + READERS["berlin"]) == Region("DE", ("DE-BE",))


def test_ipv4_only_database_answers_ipv4_and_gives_unknown_for_ipv6(make_db: MakeDatabase) -> None:
    path = make_db([("192.0.2.0/24", city_record("RU", ["MOW"]))], ip_version=4)
    database = GeoIPDatabase.open(path)
    assert database.lookup("192.0.2.9") == Region("RU", ("RU-MOW",))
    assert database.lookup("2001:db8::1") is UNKNOWN
    database.close()


@pytest.mark.parametrize(
    "database_type",
    [
        "GeoIP2-City",
        "GeoLite2-City",
        "GeoIP2-Country",
        "GeoLite2-Country",
        "GeoIP2-Enterprise",
        "DBIP-City-Lite",
        "DBIP-Country-Lite",
        "DBIP-Location (compat=City)",
    ],
)
def test_city_and_country_kinds_are_accepted(make_db: MakeDatabase, database_type: str) -> None:
    path = make_db([("192.0.2.0/24", city_record("UA", ["43"]))], database_type=database_type)
    database = GeoIPDatabase.open(path)
    assert database.database_type == database_type
    assert database.lookup("192.0.2.1") == Region("UA", ("UA-43",))
    database.close()


@pytest.mark.parametrize(
    ("database_type", "record"),
    [
        ("ipinfo country.mmdb", {"country": "RU", "country_name": "Russia", "continent": "EU"}),
        ("ipinfo country_asn.mmdb", {"country": "RU", "country_name": "Russia", "asn": "AS1"}),
        ("ipinfo lite.mmdb", {"country_code": "RU", "country": "Russia", "asn": "AS1"}),
    ],
)
def test_ipinfo_flat_records_give_the_country(
    make_db: MakeDatabase, database_type: str, record: dict
) -> None:
    database = GeoIPDatabase.open(make_db([("192.0.2.0/24", record)], database_type=database_type))
    assert database.lookup("192.0.2.1") == Region("RU")
    database.close()


@pytest.mark.parametrize(
    ("database_type", "record"),
    [
        ("GeoLite2-ASN", {"autonomous_system_number": 64500, "autonomous_system_organization": "Example"}),
        ("GeoIP2-ISP", {"isp": "Example", "organization": "Example"}),
        ("GeoIP2-Connection-Type", {"connection_type": "Cable/DSL"}),
        ("GeoIP2-Anonymous-IP", {"is_anonymous": True}),
        ("GeoIP2-Domain", {"domain": "example.com"}),
        ("DBIP-ASN-Lite", {"autonomous_system_number": 64500}),
        ("ipinfo asn.mmdb", {"asn": "AS64500"}),
        ("GeoIP", {"country": {"iso_code": "RU"}}),
    ],
)
def test_kinds_that_give_no_country_are_refused_with_the_kind_and_what_is_accepted(
    make_db: MakeDatabase, database_type: str, record: dict
) -> None:
    path = make_db([("192.0.2.0/24", record)], database_type=database_type)
    with pytest.raises(GeoIPDatabaseError) as caught:
        GeoIPDatabase.open(path)
    message = str(caught.value)
    assert str(path) in message
    assert repr(database_type) in message
    assert "City or Country" in message
    assert "geoipupdate" in message


def test_a_missing_file_names_the_path_and_how_to_get_a_database(tmp_path: Path) -> None:
    path = tmp_path / "GeoLite2-City.mmdb"
    with pytest.raises(GeoIPDatabaseError) as caught:
        GeoIPDatabase.open(path)
    assert caught.value.path == str(path)
    assert "no such file" in caught.value.reason
    assert "geoipupdate" in caught.value.hint
    assert "db-ip.com" in caught.value.hint


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(GeoIPDatabaseError, match="directory"):
        GeoIPDatabase.open(tmp_path)


@pytest.mark.parametrize(
    "content",
    [b"", b"hello, world\n", b"\x00" * 4096, b"\xab\xcd\xefMaxMind.com" + b"\xff" * 64],
    ids=["empty", "text", "zeros", "broken-metadata"],
)
def test_files_that_are_not_databases_are_refused(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "GeoLite2-City.mmdb"
    path.write_bytes(content)
    with pytest.raises(GeoIPDatabaseError) as caught:
        GeoIPDatabase.open(path)
    assert str(path) in str(caught.value)
    assert "geoipupdate" in str(caught.value)


@pytest.mark.parametrize("keep", [0.1, 0.5, 0.9])
def test_truncated_databases_are_refused(city_db: Path, tmp_path: Path, keep: float) -> None:
    data = city_db.read_bytes()
    path = tmp_path / "truncated.mmdb"
    path.write_bytes(data[: int(len(data) * keep)])
    with pytest.raises(GeoIPDatabaseError, match="truncated.mmdb"):
        GeoIPDatabase.open(path)


def test_a_damaged_search_tree_is_refused_at_open(city_db: Path, tmp_path: Path) -> None:
    data = bytearray(city_db.read_bytes())
    # Point every record of the first nodes far past the data section.
    data[:600] = b"\xff" * 600
    path = tmp_path / "damaged.mmdb"
    path.write_bytes(bytes(data))
    with pytest.raises(GeoIPDatabaseError, match="damaged.mmdb"):
        GeoIPDatabase.open(path)


def test_build_date_type_and_description_come_from_the_metadata(make_db: MakeDatabase) -> None:
    path = make_db(
        [("192.0.2.0/24", country_record("RU"))],
        database_type="GeoLite2-Country",
        description="weekly",
        build_epoch=1_700_000_000,
    )
    database = GeoIPDatabase.open(path)
    assert database.build_date == datetime(2023, 11, 14, 22, 13, 20, tzinfo=UTC)
    assert database.database_type == "GeoLite2-Country"
    assert database.description == "weekly"
    assert database.ip_version == 6
    assert "built 2023-11-14" in database.summary
    assert str(path) in database.summary
    database.close()


def test_describe_names_the_network_and_the_place(city: GeoIPDatabase) -> None:
    region, text = city.describe(READERS["crimea"])
    assert region == Region("UA", ("UA-43",))
    assert "192.0.2.16/28" in text
    assert "Simferopol, Crimea, Ukraine" in text


@pytest.mark.parametrize(
    ("address", "words"),
    [(UNMAPPED_V4, "not in the database"), ("10.0.0.1", "local"), ("nonsense", "not an address")],
)
def test_describe_says_why_a_region_is_unknown(city: GeoIPDatabase, address: str, words: str) -> None:
    region, text = city.describe(address)
    assert region is UNKNOWN
    assert words in text


def test_records_of_unexpected_shape_are_unknown(make_db: MakeDatabase) -> None:
    records = [
        ("192.0.2.0/28", {"country": {"iso_code": "russia"}}),
        ("192.0.2.16/28", {"country": {"names": {"en": "Nowhere"}}}),
        ("192.0.2.32/28", {"country": "RU"}),
        ("192.0.2.48/28", {"city": {"names": {"en": "Atlantis"}}}),
        ("192.0.2.64/28", {"country": {"iso_code": "UA"}, "subdivisions": [{"iso_code": "not a code"}]}),
        ("192.0.2.80/28", "a string"),
    ]
    database = GeoIPDatabase.open(make_db(records))
    assert database.lookup("192.0.2.1") is UNKNOWN
    assert database.lookup("192.0.2.17") is UNKNOWN
    assert database.lookup("192.0.2.33") is UNKNOWN
    assert database.lookup("192.0.2.49") is UNKNOWN
    assert database.lookup("192.0.2.65") == Region("UA")
    assert database.lookup("192.0.2.81") is UNKNOWN
    database.close()


def test_lookups_after_close_are_unknown_not_errors(city_db: Path) -> None:
    database = GeoIPDatabase.open(city_db)
    database.close()
    assert database.lookup(READERS["moscow"]) is UNKNOWN


def test_the_open_file_survives_an_atomic_replacement(city_db: Path, make_db: MakeDatabase) -> None:
    database = GeoIPDatabase.open(city_db)
    other = make_db([("192.0.2.0/24", city_record("DE", ["BE"]))], name="other.mmdb")
    staged = city_db.with_suffix(".new")
    shutil.copy(other, staged)
    os.replace(staged, city_db)
    # Still the old mapping: the reader holds the old inode, as with geoipupdate.
    assert database.lookup(READERS["moscow"]) == Region("RU", ("RU-MOW",))
    database.close()
