"""Sampling a MaxMind DB's search tree, so that a database is accepted only if its records decode.

A database can be damaged where a few fixed lookups never look: a data section cut off, records
whose bytes do not decode (as in MaxMind's own broken test databases), pointers past the end of
the data. Accepted, such a file makes every lookup fail, and nobody gets a notice. So before a
database is accepted, its search tree is walked from the raw bytes (of our private copy, which
nobody else can change) along random paths that always turn toward a network, never into an
empty branch while the other branch leads somewhere, and one address of each network reached is
returned. The caller looks every one of them up with the real reader, which decodes the whole
record: the failures a request could meet are met at open.

Walks are seeded from the tree's size, so a given file is always probed the same way.
"""

from __future__ import annotations

import ipaddress
import mmap
import random

#: How many random walks a probe makes; each ends at a network (a few hundred distinct records
#: in a real database, every record in a small one). About 30 ms for GeoLite2-City.
WALKS = 1024

METADATA_MARKER = b"\xab\xcd\xefMaxMind.com"
_DATA_SECTION_SEPARATOR = 16
_METADATA_WINDOW = 128 * 1024
# Walks in a row that reach no new record before the probe stops early.
_FRUITLESS = 64


class TreeDamage(ValueError):
    """The search tree does not describe a valid database (the message says where)."""


def sample_addresses(
    data: bytes | mmap.mmap,
    *,
    node_count: int,
    record_size: int,
    ip_version: int,
    walks: int = WALKS,
) -> list[str]:
    """One address in each distinct network the random walks reached, as text.

    ``data`` is the whole database file. In an IPv6 database, half the walks start at the IPv4
    subtree (``::/96``), where IPv4 lookups go, and half at the root.

    Raises:
        TreeDamage: the tree is larger than the file, a record points past the data section, a
            path is longer than an address, or the record size is not 24, 28 or 32 bits.
    """
    tree = _Tree(data, node_count, record_size)
    bits = 128 if ip_version == 6 else 32
    starts: list[tuple[int, int, int]] = [(0, 0, 0)]  # (node, depth, address prefix)
    if ip_version == 6:
        node = 0
        for _ in range(96):
            node = tree.record(node, 0)
            if node >= node_count:
                break
        else:
            starts.insert(0, (node, 96, 0))
    rnd = random.Random(node_count * 64 + record_size)
    found: dict[int, str] = {}
    last_new = 0
    for walk in range(walks):
        if walk - last_new > _FRUITLESS:
            break  # a small database: every network has been reached already
        node, depth, prefix = starts[walk % len(starts)]
        while True:
            if depth >= bits:
                raise TreeDamage(f"a path through the search tree is longer than {bits} bits")
            bit = rnd.getrandbits(1)
            record = tree.record(node, bit)
            if record == node_count:  # empty: turn to the other side if it leads somewhere
                other = tree.record(node, 1 - bit)
                if other == node_count:
                    break
                bit, record = 1 - bit, other
            prefix |= bit << (bits - 1 - depth)
            depth += 1
            if record > node_count:
                tree.check_pointer(record)
                if record not in found:
                    found[record] = _text(prefix, bits)
                    last_new = walk
                break
            node = record
    return list(found.values())


def _text(number: int, bits: int) -> str:
    if bits == 32:
        return str(ipaddress.IPv4Address(number))
    if number < 1 << 32:  # the IPv4 subtree of an IPv6 database: look it up as IPv4
        return str(ipaddress.IPv4Address(number))
    return str(ipaddress.IPv6Address(number))


class _Tree:
    """Reads the nodes of a search tree from the file's bytes (the MaxMind DB spec, "Search
    Tree Section": two records per node, 24, 28 or 32 bits each, big-endian)."""

    def __init__(self, data: bytes | mmap.mmap, node_count: int, record_size: int) -> None:
        if record_size not in (24, 28, 32):
            raise TreeDamage(f"unsupported record size {record_size}")
        self.data = data  # slices of an mmap are bytes: no buffer stays exported
        self.node_count = node_count
        self.node_bytes = record_size // 4
        self.record_size = record_size
        tree_size = node_count * self.node_bytes
        # The metadata starts after the last marker, in the file's last 128 KiB (the spec's
        # "Database Metadata" section); the data section ends where the marker begins.
        window = max(0, len(data) - _METADATA_WINDOW)
        marker = data[window:].rfind(METADATA_MARKER)
        end = window + marker if marker >= 0 else len(data)
        if tree_size + _DATA_SECTION_SEPARATOR > end:
            raise TreeDamage(f"the search tree ({node_count} nodes) is larger than the file")
        self.data_size = end - tree_size - _DATA_SECTION_SEPARATOR

    def record(self, node: int, bit: int) -> int:
        size = self.node_bytes
        at = node * size
        raw = self.data[at : at + size]
        if self.record_size == 24:
            return int.from_bytes(raw[3:6] if bit else raw[0:3])
        if self.record_size == 32:
            return int.from_bytes(raw[4:8] if bit else raw[0:4])
        if bit:  # 28 bits: the middle byte's low nibble tops the right record
            return (raw[3] & 0x0F) << 24 | int.from_bytes(raw[4:7])
        return (raw[3] & 0xF0) << 20 | int.from_bytes(raw[0:3])

    def check_pointer(self, record: int) -> None:
        offset = record - self.node_count - _DATA_SECTION_SEPARATOR
        if not 0 <= offset < self.data_size:
            raise TreeDamage(
                f"a network's record points to offset {offset}, past the data section "
                f"({self.data_size} bytes): the file is cut off or damaged"
            )
