"""Where a reader is, and how we know: the answer of ``Locator.explain``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from geonotice.region import Region


class Source(StrEnum):
    """How the reader's region was found."""

    HEADER = "header"  # the CDN's geo header
    DATABASE = "database"  # the GeoIP database, for the reader's address
    HEADER_AND_DATABASE = "header+database"  # the header's country, the database's subdivisions
    NONE = "none"  # nowhere: the region is unknown
    GIVEN = "region"  # given by the caller (``geonotice explain --region``), not located
    VARIANT_HEADER = "variant-header"  # the variant an edge computed and a trusted proxy sent


@dataclass(frozen=True, slots=True)
class Location:
    """The answer of ``Locator.explain``: the region ``locate`` finds, the address it was found
    for (``None`` when the reader's address cannot be told), where it came from, and why.

    ``detail`` says which headers were read or ignored and why, which database file (and its
    build date) placed the address, or why the region is unknown.
    """

    region: Region
    address: str | None
    source: Source
    detail: str
