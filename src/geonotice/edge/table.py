"""What every generated edge config computes, said once: geo values in, a variant name out.

Edges report the reader's country and subdivision in their own spellings: ``43`` or ``UA-43``,
lower case, ``XX`` or ``**`` for "unknown", Fastly's ``NO REGION``. ``variant_for_geo`` is the
reference of how each generated config reads them (the tests run the generated nginx, Varnish
and JavaScript configs against it): the same normalization as the locator's CDN headers
(``geonotice.locate.cdn``), then ``VariantTable.variant_for``.

It also holds what the generators share: the header comment each config starts with, and the
table grouped by variant for the configs that test a value against a list.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

from geonotice.locate.cdn import PRESETS, UNKNOWN_COUNTRY_VALUES, GeoHeaders
from geonotice.rules.moments import format_timestamp
from geonotice.rules.variants import UNDECIDED, VariantTable

_COUNTRY = re.compile(r"[A-Z]{2}")
_SUBDIVISION = re.compile(r"[A-Z0-9]{1,3}")

#: The header the edge sends and the origin reads, unless told otherwise.
VARIANT_HEADER = "Geonotice-Variant"


@dataclass(frozen=True, slots=True)
class EdgeOptions:
    """How a config is generated beyond the table.

    ``geoip_db``: the database path nginx's ``geoip2`` block opens; without ``geoip2_block`` the
    include has none and uses the variables of the operator's own block (nginx refuses a second
    block for the same file). ``geo_headers``: the request
    headers Varnish reads the country and subdivision from (a CDN's). ``trusted_proxies``: the
    only clients Varnish believes those headers from (empty: every client, for a Varnish only
    the CDN can reach). ``command``: how the config was made, for its header comment.
    """

    variant_header: str = VARIANT_HEADER
    geoip_db: str = "/usr/share/GeoIP/GeoLite2-City.mmdb"
    geo_headers: GeoHeaders = PRESETS["cloudflare"]
    trusted_proxies: tuple[str, ...] = ()
    command: str = "geonotice edge-config RULES --for EDGE"
    geoip2_block: bool = True


def variant_for_geo(
    table: VariantTable, country: str | None, region: str | None, *, anonymous_values: Collection[str] = ()
) -> str:
    """The variant name (or ``UNDECIDED``) for raw geo values, as the generated configs compute it.

    ``country``: an ISO 3166-1 code in any case; empty, absent, ``XX``, ``ZZ``, ``**`` or ``--``
    mean the edge does not know (the unknown variant), anything else not shaped like a code
    leaves the reader to the origin. ``region``: a subdivision with or without its country
    prefix; a value not shaped like one counts as absent.
    """
    code = (country or "").strip().upper()
    if code in anonymous_values:
        return table.anonymous.name
    if code in UNKNOWN_COUNTRY_VALUES:
        return table.unknown.name
    if not _COUNTRY.fullmatch(code):
        return UNDECIDED
    suffix = (region or "").strip().upper().removeprefix(code + "-")
    subdivision = f"{code}-{suffix}" if _SUBDIVISION.fullmatch(suffix) else None
    return table.variant_for(code, subdivision)


def by_variant(entries: dict[str, str]) -> dict[str, list[str]]:
    """Table entries grouped by the name they lead to, names in table order."""
    grouped: dict[str, list[str]] = {}
    for code, name in entries.items():
        grouped.setdefault(name, []).append(code)
    return grouped


def subdivision_entries(table: VariantTable) -> dict[str, str]:
    """The subdivision entries with the rows for a reader whose subdivision is not known:
    ``"UA-"`` is a reader in UA without one, ``UNDECIDED`` where the subdivisions differ."""
    entries = {f"{country}-": UNDECIDED for country in sorted(table.needs_subdivision)}
    entries.update(table.subdivisions)
    return dict(sorted(entries.items()))


def header_comment(table: VariantTable, options: EdgeOptions, *, prefix: str, how: list[str]) -> str:
    """The comment every config starts with: which rules version and moment it is made from,
    the variants, how to deploy it, and that it is regenerated when the rules change."""
    lines = [
        f"geonotice variant table for rules version {table.rules_version}, made {format_timestamp(table.at)}",
        f"by `{options.command}`. Regenerate and redeploy it whenever the rules change: an edge",
        "with a stale table still works, but its readers' covered pages are then served private",
        "by the origin, uncached (docs/caching.md: deploy the table first, then the rules).",
        "",
    ]
    for variant in table.variants:
        who = [*variant.countries, *variant.subdivisions]
        extra = [
            word
            for word, flag in (
                ("every other country", variant.default),
                ("unknown readers", variant.unknown),
                ("anonymous readers", variant.anonymous),
            )
            if flag
        ]
        notices = ", ".join(variant.notices) or "no notice"
        lines.append(f"  {variant.name}: {', '.join(who + extra)} ({notices})")
    if table.needs_subdivision:
        lines.append(
            f"  {UNDECIDED}: readers in {', '.join(sorted(table.needs_subdivision))} whose subdivision is "
            "not known, and any other the table cannot place: the origin decides"
        )
    if table.next_end is not None:
        lines.append("")
        lines.append(
            f"A smaller table exists after {format_timestamp(table.next_end)}, when the window of "
            f"{', '.join(table.ending)} ends; this one stays correct."
        )
    lines += ["", *how]
    return "\n".join(f"{prefix} {line}".rstrip() for line in lines) + "\n"
