"""``geonotice variants`` output: a variant table for people (text) and for tools (JSON)."""

from __future__ import annotations

import functools
import json
from typing import Any

import pycountry

from geonotice.rules.moments import format_timestamp
from geonotice.rules.variants import UNDECIDED, Variant, VariantTable

__all__ = ["format_json", "format_text", "place_name"]


def place_name(code: str) -> str:
    """The English name of a country (``RU``) or subdivision (``UA-43``), or ``""``."""
    return _place_names().get(code, "")


@functools.cache
def _place_names() -> dict[str, str]:
    names = {str(s.code): str(s.name) for s in pycountry.subdivisions}
    for country in pycountry.countries:
        names[str(country.alpha_2)] = str(getattr(country, "common_name", None) or country.name)
    return names


def _undecided(table: VariantTable) -> list[tuple[str, str]]:
    """Where the edge leaves the reader to the origin, with why, in words."""
    found = [(country, "when the edge knows no subdivision") for country in sorted(table.needs_subdivision)]
    found += [
        (code, "the rules name a subdivision inside it")
        for code, name in table.subdivisions.items()
        if name == UNDECIDED
    ]
    return found


def _who(variant: Variant) -> list[str]:
    words = [f"{code} {place_name(code)}".rstrip() for code in (*variant.countries, *variant.subdivisions)]
    if variant.default:
        words.append("every other country and subdivision")
    if variant.unknown:
        words.append("unknown readers")
    if variant.anonymous:
        words.append("anonymous readers")
    return words


def _valid(table: VariantTable) -> str:
    if table.next_end is None:
        return f"Valid for as long as rules version {table.rules_version} serves: no window ends later."
    return (
        f"Valid for as long as rules version {table.rules_version} serves. A smaller table exists after "
        f"{format_timestamp(table.next_end)}, when the window of {', '.join(table.ending)} ends."
    )


def format_text(table: VariantTable) -> str:
    count = len(table.variants)
    out = [
        f"Rules version {table.rules_version}, at {format_timestamp(table.at)}: "
        f"{count} variant{'' if count == 1 else 's'}.",
        f"An edge keyed on the variant keeps at most {count} cached cop{'y' if count == 1 else 'ies'} "
        "of each covered URL.",
        "",
    ]
    for variant in table.variants:
        out.append(variant.name + ("  (default)" if variant.default else ""))
        out.append(f"  readers: {'; '.join(_who(variant))}")
        out.append(f"  notices: {', '.join(variant.notices) or 'none'}")
    undecided = _undecided(table)
    if undecided:
        out.append(f"{UNDECIDED}  (the origin decides from its own lookup; pages served private)")
        out += [f"  {code} {place_name(code)}: {why}" for code, why in undecided]
    out += ["", _valid(table)]
    return "\n".join(out)


def format_json(table: VariantTable) -> str:
    document: dict[str, Any] = {
        "rules_version": table.rules_version,
        "at": format_timestamp(table.at),
        "copies_per_covered_url": len(table.variants),
        "variants": [
            {
                "name": variant.name,
                "default": variant.default,
                "unknown": variant.unknown,
                "anonymous": variant.anonymous,
                "regions": [
                    {"code": code, "name": place_name(code)}
                    for code in (*variant.countries, *variant.subdivisions)
                ],
                "notices": list(variant.notices),
            }
            for variant in table.variants
        ],
        "undecided": [
            {"code": code, "name": place_name(code), "why": why} for code, why in _undecided(table)
        ],
        "table": {"countries": dict(table.countries), "subdivisions": dict(table.subdivisions)},
        "next_end": format_timestamp(table.next_end) if table.next_end else None,
        "ending": list(table.ending),
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
