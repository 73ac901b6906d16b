"""The reader's region from a MaxMind-format database (GeoIP2/GeoLite2, DB-IP Lite, IPinfo).

``GeoIPDatabase`` is a thin typed wrapper. The kind of database is checked once, at open, and
the way to read its records is chosen then (a City record, a Country record and an IPinfo
record differ); ASN, ISP, anonymizer and other databases that cannot tell a country are refused.

Why not call ``geoip2.database.Reader.city()`` per request: it builds a tree of model objects
for every lookup, two to three times the cost of the raw ``maxminddb`` lookup it wraps, to be
thrown away after reading two codes. The hot path reads the record dict from the same
memory-mapped ``maxminddb`` reader geoip2 is built on, and ``describe`` (for ``explain``) hands
the record to geoip2's models for the human-readable names.
"""

from __future__ import annotations

import ipaddress
import logging
import mmap
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import geoip2.models
import maxminddb

from geonotice.errors import GeoIPDatabaseError
from geonotice.locate.probe import sample_addresses
from geonotice.locate.snapshot import FileIdentity, Snapshot, SourceChanged, private_copy
from geonotice.region import UNKNOWN, Region, subdivision_code

logger = logging.getLogger("geonotice.locate")

GET_DATABASE_HINT = (
    "get a free database with geoipupdate (GeoLite2-City, https://dev.maxmind.com/geoip/updating-databases) "
    "or download DB-IP's IP to City Lite (https://db-ip.com/db/download/ip-to-city-lite)"
)
ACCEPTED_KINDS = "GeoIP2/GeoLite2 City or Country, DB-IP City/Country Lite, IPinfo Country or Lite"

#: A database older than this is logged as stale: readers move between networks, networks are
#: re-assigned, and a stale database sends notices to the wrong readers.
STALE_AFTER = timedelta(days=30)

_COUNTRY = re.compile(r"[A-Z]{2}")
_MAX_INTERNED_REGIONS = 20_000

# Where no reader can be: loopback, link-local, unspecified, multicast, private (RFC 1918),
# shared (CGNAT, RFC 6598), reserved (240/4) and unique-local IPv6. NOTE: not ``is_private``,
# which also covers the documentation ranges (RFC 5737, RFC 3849) the demo database maps; real
# databases hold no documentation addresses, so those come out unknown there anyway.
_LOCAL_NETWORKS = tuple(
    ipaddress.ip_network(n)
    for n in (
        "0.0.0.0/8",
        "10.0.0.0/8",
        "100.64.0.0/10",
        "127.0.0.0/8",
        "169.254.0.0/16",
        "172.16.0.0/12",
        "192.168.0.0/16",
        "224.0.0.0/4",
        "240.0.0.0/4",
        "::/127",
        "fe80::/10",
        "fc00::/7",
        "ff00::/8",
    )
)


def is_local_address(ip: str) -> bool:
    """Whether ``ip`` is in a range no reader on the internet can have (see ``_LOCAL_NETWORKS``)."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return any(address in network for network in _LOCAL_NETWORKS)


def _reading_for(database_type: str) -> str | None:
    """How to read a database's records, from its type; ``None`` if it cannot give a country."""
    kind = database_type.lower()
    if kind.startswith(("geoip2-", "geolite2-", "geoip-", "dbip-")) and any(
        word in kind for word in ("city", "country", "enterprise", "location")
    ):
        return "geoip2"
    if kind.startswith("ipinfo") and ("country" in kind or "lite" in kind):
        return "ipinfo"
    return None


class GeoIPDatabase:
    """An open, checked MaxMind-format database. Build with ``GeoIPDatabase.open``."""

    def __init__(self, path: Path, reader: maxminddb.Reader, reading: str, source: FileIdentity) -> None:
        metadata = reader.metadata()
        self.path = path
        self.database_type: str = metadata.database_type
        self.build_date = datetime.fromtimestamp(metadata.build_epoch, UTC)
        self.ip_version: int = metadata.ip_version
        descriptions: dict[str, str] = metadata.description or {}
        self.description = descriptions.get("en") or next(iter(descriptions.values()), "")
        self.source = source
        self._reader = reader
        # Records are untyped dicts by nature. get_with_prefix_len costs the same as get.
        self._get: Callable[[str], tuple[Any, int]] = reader.get_with_prefix_len
        self._reading = reading
        self._regions: dict[object, Region] = {}
        self._flat = reading == "ipinfo"
        self._guard_local = False
        self._unusual = self._flat  # either of the two flags above: one test on the hot path
        self._failures = 0

    @classmethod
    def open(cls, path: str | Path) -> GeoIPDatabase:
        """Open a private copy of the database (``snapshot.py`` says why), and check that it
        can tell readers' countries: its kind, its search tree and records sampled across it.

        Raises:
            GeoIPDatabaseError: the file is missing, unreadable, not a MaxMind DB, corrupt (a
                damaged tree, records that do not decode, a data section cut off), changed
                while it was read, or a kind that gives no country (ASN, ISP, anonymous IP...);
                the error names the path and says how to get a suitable database.
        """
        path = Path(path)
        try:
            with private_copy(path) as snapshot:
                try:
                    reader = maxminddb.open_database(str(snapshot.path), maxminddb.MODE_AUTO)
                except (maxminddb.InvalidDatabaseError, ValueError):
                    raise GeoIPDatabaseError(
                        path, "not a MaxMind DB file (empty, truncated or corrupt)", GET_DATABASE_HINT
                    ) from None
                try:
                    database = cls._checked(path, reader, snapshot)
                except BaseException:
                    reader.close()
                    raise
        except FileNotFoundError:
            raise GeoIPDatabaseError(path, "no such file", GET_DATABASE_HINT) from None
        except IsADirectoryError:
            raise GeoIPDatabaseError(path, "is a directory, not a database file", GET_DATABASE_HINT) from None
        except SourceChanged:
            raise GeoIPDatabaseError(
                path, "changed while it was being read; read again once settled"
            ) from None
        except OSError as error:
            raise GeoIPDatabaseError(path, f"cannot be read: {error.strerror or error}") from None
        return database

    @classmethod
    def _checked(cls, path: Path, reader: maxminddb.Reader, snapshot: Snapshot) -> GeoIPDatabase:
        """The database over ``reader`` once its kind and contents pass; raises ``GeoIPDatabaseError``."""
        try:
            metadata = reader.metadata()
            database_type = str(metadata.database_type)
            reading = _reading_for(database_type)
            if reading is None:
                raise GeoIPDatabaseError(
                    path,
                    f"a {database_type!r} database gives no reader's country; "
                    f"use a {ACCEPTED_KINDS} database",
                    GET_DATABASE_HINT,
                )
            database = cls(path, reader, reading, snapshot.source)
            database._probe_local_ranges()
            with (
                open(snapshot.path, "rb") as file,
                mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ) as contents,
            ):
                samples = sample_addresses(
                    contents,
                    node_count=metadata.node_count,
                    record_size=metadata.record_size,
                    ip_version=metadata.ip_version,
                )
            database._probe_records(samples)
        except GeoIPDatabaseError:
            raise
        except Exception as error:  # metadata, tree or data damage shows up as many error types
            raise GeoIPDatabaseError(path, f"corrupt database ({error})", GET_DATABASE_HINT) from None
        return database

    def _probe_local_ranges(self) -> None:
        """Walk the tree once for each local range: when the database holds nothing in those
        ranges (every real one), lookups can skip the local-range check (2 µs per address)."""
        for network in _LOCAL_NETWORKS:
            if network.version > self.ip_version:
                continue
            record, prefix_len = self._reader.get_with_prefix_len(str(network.network_address + 1))
            if record is not None or prefix_len > network.prefixlen:
                self._guard_local = self._unusual = True

    def _probe_records(self, samples: Sequence[str]) -> None:
        """Decode the record of every sampled network, as a lookup would; raises on the first
        that fails, and when none of them gives a country (the database could place nobody)."""
        placed = 0
        read = self._ipinfo_region if self._flat else self._odd_record
        for address in samples:
            record = self._reader.get(address)  # raises on a record that does not decode
            if record is not None and read(record) is not UNKNOWN:
                placed += 1
        if samples and not placed:
            raise GeoIPDatabaseError(
                self.path,
                f"none of the {len(samples)} networks sampled across the database gives a country: "
                "it is damaged or not a City/Country database",
                GET_DATABASE_HINT,
            )

    def __repr__(self) -> str:
        return f"GeoIPDatabase({str(self.path)!r}, {self.database_type!r}, built {self.build_date:%Y-%m-%d})"

    @property
    def age(self) -> timedelta:
        """How long ago the database was built."""
        return datetime.now(UTC) - self.build_date

    @property
    def summary(self) -> str:
        """One line for logs and ``explain``: path, type and build date."""
        return f"{self.path} ({self.database_type}, built {self.build_date:%Y-%m-%d})"

    def lookup(self, ip: str) -> Region:
        """The region of an address given as text; never raises.

        Returns ``UNKNOWN`` for anything that is not an address, for local, private and reserved
        addresses, for addresses the database does not have, and for damaged records.
        """
        return self.lookup_network(ip)[0]

    def lookup_network(self, ip: str) -> tuple[Region, int]:
        """Like ``lookup``, plus the prefix length of the database network the answer holds for
        (every address in it gets the same answer), or 0 when it holds for this address only."""
        # This runs for every reader not seen recently: each step here is weighed against the
        # 5-10 us of the lookup itself (benchmarks/bench_locate.py), hence the inlining and
        # subscripts (cheaper than .get calls) with the rare misses caught.
        try:
            record, prefix_len = self._get(ip)
        except ValueError:
            # Not an address, or IPv6 in an IPv4-only database.
            return UNKNOWN, 0
        except Exception:  # a damaged tree must cost one reader's notice, never the request
            self._failed_lookup()
            return UNKNOWN, 0
        if record is None:
            if ip[:7].lower() == "::ffff:" and "." in ip:
                # v4-mapped, from a dual-stack socket: MaxMind's files alias these to the IPv4
                # tree, other writers may not.
                return self.lookup(ip[7:]), 0
            return UNKNOWN, prefix_len
        if self._unusual:
            if self._guard_local and is_local_address(ip):
                return UNKNOWN, 0
            if self._flat:
                return self._ipinfo_region(record), prefix_len
        try:
            # GeoIP2 City/Country shape: {"country": {"iso_code": "UA"}, "subdivisions":
            # [{"iso_code": "43"}]}. NOTE: only ``country`` counts; ``registered_country`` is
            # where the network's owner is registered, not where the reader is.
            iso = record["country"]["iso_code"]
            subdivisions = record.get("subdivisions")
            if not subdivisions:
                key: object = iso
            elif len(subdivisions) == 1:
                key = (iso, subdivisions[0]["iso_code"])
            else:
                key = (iso, *[s["iso_code"] for s in subdivisions])
        except (KeyError, TypeError, AttributeError, IndexError):
            return self._odd_record(record), prefix_len
        region = self._regions.get(key)
        if region is None:
            codes = [s["iso_code"] for s in subdivisions or ()]
            region = self._intern(key, lambda: _region(iso, codes))
        return region, prefix_len

    def _failed_lookup(self) -> None:
        """Log a lookup that raised: the first with its traceback, the others at debug level (the
        probe at open makes this rare; a flood of identical errors would help nobody). Never the
        address: logs must not identify readers."""
        if self._failures == 0:
            logger.exception("a lookup in GeoIP database %s failed; such readers get no region", self.path)
        else:
            logger.debug("a lookup in GeoIP database %s failed (%d so far)", self.path, self._failures + 1)
        self._failures += 1

    def _odd_record(self, record: Any) -> Region:
        """A record missing a key the fast path expects: read it carefully instead."""
        try:
            iso = record.get("country", {}).get("iso_code")
            codes = [s.get("iso_code") for s in record.get("subdivisions") or ()]
        except (AttributeError, TypeError):
            logger.debug("a GeoIP record in %s has an unexpected shape: %r", self.path, record)
            return UNKNOWN
        return _region(iso, codes)

    def describe(self, ip: str) -> tuple[Region, str]:
        """The region of ``ip`` and a sentence about the lookup, for ``explain``; never raises."""
        region = self.lookup(ip)
        lookup_ip = ip[7:] if "." in ip and ip[:7].lower() == "::ffff:" else ip
        try:
            record, prefix_len = self._reader.get_with_prefix_len(lookup_ip)
        except ValueError:
            return region, f"{ip!r} is not an address this database can look up"
        except Exception as error:
            return region, f"lookup failed: {error}"
        if is_local_address(lookup_ip):
            return region, f"{ip} is a local, private or reserved address: no reader's location"
        if record is None:
            return region, f"{ip} is not in the database"
        network = ipaddress.ip_network(f"{lookup_ip}/{prefix_len}", strict=False)
        return region, f"{ip} is in {network}{self._place(record, lookup_ip, prefix_len)}"

    def _place(self, record: Any, ip: str, prefix_len: int) -> str:
        if self._reading != "geoip2":
            return ""
        try:
            model_class = geoip2.models.City if "city" in record else geoip2.models.Country
            model = model_class(["en"], ip_address=ip, prefix_len=prefix_len, **record)
            subdivisions = getattr(model, "subdivisions", ())
            names = [getattr(model, "city", None), *reversed(subdivisions), model.country]
            parts: list[str] = []
            for part in names:
                if part is not None and part.name and (not parts or parts[-1] != part.name):
                    parts.append(part.name)  # "Berlin, Germany", not "Berlin, Berlin, Germany"
            place = ", ".join(parts)
        except Exception:  # names are a nicety; never let them break explain
            return ""
        return f" ({place})" if place else ""

    def close(self) -> None:
        """Unmap the file. Lookups after this give ``UNKNOWN``."""
        self._reader.close()

    def _intern(self, key: object, build: Callable[[], Region]) -> Region:
        region = self._regions.get(key)
        if region is None:
            region = build()
            if len(self._regions) < _MAX_INTERNED_REGIONS:
                self._regions[key] = region
        return region

    def _ipinfo_region(self, record: Any) -> Region:
        # IPinfo: flat records; "country_code" in IPinfo Lite, "country" in the older Country db.
        if not isinstance(record, dict):
            logger.debug("a GeoIP record in %s has an unexpected shape: %r", self.path, record)
            return UNKNOWN
        iso = record.get("country_code") or record.get("country")
        region = self._regions.get(iso)
        if region is None:
            region = self._intern(iso, lambda: _region(iso, ()))
        return region


def _region(country: object, subdivisions: Sequence[object]) -> Region:
    if not isinstance(country, str) or not _COUNTRY.fullmatch(country):
        return UNKNOWN
    codes = []
    for raw in subdivisions:
        code = subdivision_code(country, raw) if isinstance(raw, str) else None
        if code is None:
            break  # a smaller subdivision under an unreadable one would be out of context
        codes.append(code)
    return Region(country, tuple(codes))
