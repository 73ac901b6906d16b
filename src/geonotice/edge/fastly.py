"""Fastly: VCL snippets that set the variant header from ``client.geo`` and add it to the hash.

Three snippets: ``init`` declares the table as two Fastly edge ``table`` blocks, ``recv`` looks
the reader's ``client.geo.country_code`` and ``client.geo.region`` up in them, and ``hash`` adds
the variant to the cache key. Fastly reports the *most specific* subdivision (``GB-BNH`` rather
than ``GB-ENG``); the table lists those too where the rules name the larger one. The variant is
computed on the edge POP only (``fastly.ff.visits_this_service == 0``): behind shielding, the
shield's ``client.geo`` would be the edge POP's location, and it keeps the edge's header.
"""

from __future__ import annotations

from geonotice.edge.table import EdgeOptions, header_comment, subdivision_entries
from geonotice.locate.cdn import UNKNOWN_COUNTRY_VALUES
from geonotice.rules.variants import UNDECIDED, VariantTable


def fastly_config(table: VariantTable, options: EdgeOptions) -> str:
    header = f"req.http.{options.variant_header}"
    how = [
        "Three VCL snippets for the service (docs/caching.md has the console steps): paste each",
        "part below as a regular snippet of the type it names. The origin takes",
        f"variant_header={options.variant_header!r} with Fastly's addresses in trusted_proxies.",
    ]
    unknown = "|".join(value.replace("*", "\\*") for value in sorted(UNKNOWN_COUNTRY_VALUES) if value)
    out = [header_comment(table, options, prefix="#", how=how).rstrip("\n"), ""]
    out.append("# ---- snippet 1 of 3, type init: geonotice table ----")
    out += _table("geonotice_countries", dict(table.countries))
    out += _table("geonotice_subdivisions", subdivision_entries(table))
    out.append("")
    out.append("# ---- snippet 2 of 3, type recv: geonotice variant ----")
    out += [
        "declare local var.geonotice_country STRING;",
        "declare local var.geonotice_region STRING;",
        "if (fastly.ff.visits_this_service == 0 && req.restarts == 0) {",
        "  # Set here and only here: whatever the reader sent is replaced.",
        "  set var.geonotice_country = std.toupper(client.geo.country_code);",
        "  set var.geonotice_region = std.toupper(client.geo.region);",
        f'  if (var.geonotice_country == "" || var.geonotice_country ~ "^({unknown})$") {{',
        f'    set {header} = "{table.unknown.name}";',
        '  } elsif (var.geonotice_country !~ "^[A-Z]{2}$") {',
        f'    set {header} = "{UNDECIDED}";',
        "  } else {",
        '    if (var.geonotice_region !~ "^[A-Z0-9]{1,3}$") {',
        '      set var.geonotice_region = "";',
        "    }",
        f"    set {header} = table.lookup(geonotice_subdivisions,",
        '        var.geonotice_country "-" var.geonotice_region,',
        f'        table.lookup(geonotice_countries, var.geonotice_country, "{table.default.name}"));',
        "  }",
        "}",
        "",
        "# ---- snippet 3 of 3, type hash: geonotice cache key ----",
        f"set req.hash += {header};",
    ]
    return "\n".join(out) + "\n"


def _table(name: str, entries: dict[str, str]) -> list[str]:
    lines = [f"table {name} STRING {{"]
    lines += [f'  "{code}": "{value}",' for code, value in entries.items()]
    lines.append("}")
    return lines
