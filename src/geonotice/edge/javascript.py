"""The variant table and its lookup in JavaScript, for the CloudFront Function and the Worker.

Written in the ECMAScript 5.1 both runtimes accept (CloudFront's ``cloudfront-js-1.0`` has no
``let``, arrow functions or template strings), with the same reading of the geo values as
``geonotice.edge.table.variant_for_geo``; the tests run it under node and compare.
"""

from __future__ import annotations

import json
from collections.abc import Collection

from geonotice.edge.table import subdivision_entries
from geonotice.locate.cdn import UNKNOWN_COUNTRY_VALUES
from geonotice.rules.variants import UNDECIDED, VariantTable


def variant_function(table: VariantTable, *, header: str, anonymous_values: Collection[str] = ()) -> str:
    """``GEONOTICE`` (the table) and ``geonoticeVariant(country, region)``: the variant name for
    the edge's geo values, or ``"undecided"``."""
    data = {
        "header": header,
        "undecided": UNDECIDED,
        "defaultVariant": table.default.name,
        "unknown": table.unknown.name,
        "anonymous": table.anonymous.name,
        "anonymousCountries": sorted(anonymous_values),
        "unknownCountries": sorted(UNKNOWN_COUNTRY_VALUES),
        "withNotices": [v.name for v in table.variants if v.notices],
        "countries": dict(table.countries),
        "subdivisions": subdivision_entries(table),
    }
    return "\n".join(
        [
            f"var GEONOTICE = {json.dumps(data, indent=2, sort_keys=False)};",
            "",
            "function geonoticeOwn(map, key) {",
            "  return Object.prototype.hasOwnProperty.call(map, key) ? map[key] : undefined;",
            "}",
            "",
            "// The variant of a reader the edge places in `country` (ISO 3166-1) and `region`",
            '// (ISO 3166-2, with or without the country prefix): a name, or "undecided" for the',
            "// origin to decide. An unknown country is the unknown readers' variant.",
            "function geonoticeVariant(country, region) {",
            '  var code = String(country || "").trim().toUpperCase();',
            "  if (GEONOTICE.anonymousCountries.indexOf(code) >= 0) return GEONOTICE.anonymous;",
            "  if (GEONOTICE.unknownCountries.indexOf(code) >= 0) return GEONOTICE.unknown;",
            "  if (!/^[A-Z]{2}$/.test(code)) return GEONOTICE.undecided;",
            '  var suffix = String(region || "").trim().toUpperCase();',
            '  if (suffix.indexOf(code + "-") === 0) suffix = suffix.substring(3);',
            '  if (!/^[A-Z0-9]{1,3}$/.test(suffix)) suffix = "";',
            '  var found = geonoticeOwn(GEONOTICE.subdivisions, code + "-" + suffix);',
            "  if (found !== undefined) return found;",
            "  found = geonoticeOwn(GEONOTICE.countries, code);",
            "  return found !== undefined ? found : GEONOTICE.defaultVariant;",
            "}",
        ]
    )
