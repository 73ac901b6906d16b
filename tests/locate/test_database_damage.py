"""A damaged database is refused at open, however it is damaged: the probe decodes records
sampled across the whole search tree, not only a few well-known addresses.

Each damaged file is a sound test database (``support.geodb``) with its bytes broken the way
real files break: a data section cut off, records that do not decode, pointers past the end.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import maxminddb
import mmdb_writer
import pytest

from geonotice.errors import GeoIPDatabaseError
from geonotice.locate.geoip import GeoIPDatabase
from geonotice.locate.probe import METADATA_MARKER, TreeDamage, sample_addresses
from geonotice.region import UNKNOWN
from support.geodb import city_record, reader_records, write_database
from support.readers import READERS

if TYPE_CHECKING:
    from conftest import MakeDatabase


class Layout(NamedTuple):
    """Where the sections of a MaxMind DB file start (its spec: tree, 16 zero bytes, data,
    metadata marker, metadata)."""

    data: bytes
    tree_end: int
    data_start: int
    metadata_start: int
    node_count: int
    record_size: int
    ip_version: int

    @classmethod
    def of(cls, path: Path) -> Layout:
        reader = maxminddb.open_database(str(path), maxminddb.MODE_MEMORY)
        meta = reader.metadata()
        reader.close()
        data = path.read_bytes()
        tree_end = meta.node_count * meta.record_size // 4
        return cls(
            data,
            tree_end,
            tree_end + 16,
            data.rfind(METADATA_MARKER),
            meta.node_count,
            meta.record_size,
            meta.ip_version,
        )

    def with_data(self, data_section: bytes) -> bytes:
        """The file with another data section, the tree and metadata as they were."""
        return self.data[: self.data_start] + data_section + self.data[self.metadata_start :]

    @property
    def data_section(self) -> bytes:
        return self.data[self.data_start : self.metadata_start]


def refused(path: Path) -> str:
    with pytest.raises(GeoIPDatabaseError) as caught:
        GeoIPDatabase.open(path)
    assert caught.value.path == str(path)
    return caught.value.reason


@pytest.mark.parametrize("keep", [0.0, 0.1, 0.5, 0.9, 0.97])
def test_a_data_section_cut_off_is_refused(city_db: Path, tmp_path: Path, keep: float) -> None:
    # The metadata is intact, so the file opens; the networks whose records lay in the lost
    # part point past the end, and every lookup of them would fail.
    layout = Layout.of(city_db)
    cut = layout.with_data(layout.data_section[: int(len(layout.data_section) * keep)])
    path = tmp_path / "cut.mmdb"
    path.write_bytes(cut)
    assert "corrupt" in refused(path)


@pytest.mark.parametrize(
    ("name", "damage"),
    [
        pytest.param("bad-types", lambda section: b"\xff" * len(section), id="bad-types"),
        pytest.param(
            "bad-pointers", lambda section: b"\x3f\xff\xff\xff" * (len(section) // 4 + 1), id="bad-pointers"
        ),
        pytest.param(
            "sprinkled",
            lambda section: bytes(0x1F if i % 97 == 0 else b for i, b in enumerate(section)),
            id="sprinkled",
        ),
    ],
)
def test_records_that_do_not_decode_are_refused(
    city_db: Path, tmp_path: Path, name: str, damage: object
) -> None:
    # The search tree is sound: a probe of a few fixed addresses would pass it.
    layout = Layout.of(city_db)
    section = damage(layout.data_section)  # type: ignore[operator]
    path = tmp_path / f"{name}.mmdb"
    path.write_bytes(layout.with_data(section[: len(layout.data_section)]))
    assert "corrupt" in refused(path)


def test_one_bad_record_far_from_the_well_known_addresses_is_found(make_db: MakeDatabase) -> None:
    # Many networks with a record each; only the record of one network, in an odd corner of the
    # address space, is damaged. A probe of 1.1.1.1 and 8.8.8.8 would never meet it.
    records = [(f"10{i % 10}.{i // 10}.0.0/16", city_record("DE", ["BE"], f"Town {i}")) for i in range(200)]
    records.append(("45.67.89.0/24", city_record("RU", ["MOW"], "Odd corner")))
    path = make_db(records)
    layout = Layout.of(path)
    at = layout.data.index(b"Odd corner")
    damaged = bytearray(layout.data)
    damaged[at - 1] = 0xFF  # the string's control byte: now an unknown type
    path.write_bytes(bytes(damaged))
    assert "corrupt" in refused(path)


def test_records_that_decode_but_place_nobody_are_refused(make_db: MakeDatabase) -> None:
    path = make_db(
        [("192.0.2.0/24", {"country": {"names": {"en": "Nowhere"}}}), ("198.51.100.0/24", {"x": 1})]
    )
    assert "gives a country" in refused(path)


def test_a_tree_pointing_past_the_data_is_refused(city_db: Path, tmp_path: Path) -> None:
    layout = Layout.of(city_db)
    damaged = bytearray(layout.data)
    # Every right-hand record of the last nodes becomes the largest possible data pointer.
    for node in range(layout.node_count - 20, layout.node_count):
        at = node * layout.record_size // 4
        damaged[at + 3 : at + 6] = b"\xff\xff\xff"
    path = tmp_path / "pointers.mmdb"
    path.write_bytes(bytes(damaged))
    assert "corrupt" in refused(path)


def test_the_sound_database_passes(city_db: Path) -> None:
    database = GeoIPDatabase.open(city_db)
    assert database.lookup(READERS["crimea"]) is not UNKNOWN
    database.close()


## The probe's walk


@pytest.mark.parametrize("record_size", [24, 28, 32])
def test_the_walk_reaches_every_record_of_a_small_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, record_size: int
) -> None:
    original = mmdb_writer.TreeWriter._adjust_record_size

    def forced(self: mmdb_writer.TreeWriter) -> None:
        original(self)
        self.record_size = record_size
        self.data_offset = record_size * 2 / 8 * self._node_counter

    monkeypatch.setattr(mmdb_writer.TreeWriter, "_adjust_record_size", forced)
    path = write_database(tmp_path / "sized.mmdb", reader_records())
    layout = Layout.of(path)
    assert layout.record_size == record_size
    samples = sample_addresses(
        layout.data,
        node_count=layout.node_count,
        record_size=layout.record_size,
        ip_version=layout.ip_version,
    )
    reader = maxminddb.open_database(str(path))
    reached = {str(reader.get(address)) for address in samples}
    every = {str(record) for _, record in reader_records()}
    reader.close()
    assert reached == every


def test_the_walk_refuses_a_tree_larger_than_the_file(city_db: Path) -> None:
    layout = Layout.of(city_db)
    with pytest.raises(TreeDamage, match="larger than the file"):
        sample_addresses(
            layout.data[: layout.tree_end // 2],
            node_count=layout.node_count,
            record_size=layout.record_size,
            ip_version=layout.ip_version,
        )


def test_the_walk_refuses_a_loop_in_the_tree(city_db: Path) -> None:
    layout = Layout.of(city_db)
    looped = bytearray(layout.data)
    looped[0:6] = b"\x00\x00\x00\x00\x00\x00"  # the root's two records point at the root
    with pytest.raises(TreeDamage, match="longer than"):
        sample_addresses(
            bytes(looped),
            node_count=layout.node_count,
            record_size=layout.record_size,
            ip_version=layout.ip_version,
        )


def test_an_ipv4_database_is_walked_over_32_bits(make_db: MakeDatabase) -> None:
    path = make_db([("192.0.2.0/24", city_record("RU", ["MOW"]))], ip_version=4)
    layout = Layout.of(path)
    samples = sample_addresses(
        layout.data, node_count=layout.node_count, record_size=layout.record_size, ip_version=4
    )
    assert samples == ["192.0.2.0"]
