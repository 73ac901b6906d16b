"""``geonotice variants`` output: a variant table for people (text) and for tools (JSON)."""

from __future__ import annotations

import json
from typing import Any

from geonotice.place_names import place_name
from geonotice.region import named
from geonotice.rules.moments import format_timestamp
from geonotice.rules.variants import UNDECIDED, Variant, VariantTable

__all__ = ["format_json", "format_text"]


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
    words = [named(code) for code in (*variant.countries, *variant.subdivisions)]
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
        out += [f"  {named(code)}: {why}" for code, why in undecided]
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
