"""Varnish: VCL that sets the variant header in ``vcl_recv`` from a CDN's geo headers and hashes it.

Varnish has no geo data of its own, so it reads the country and subdivision headers the CDN in
front of it writes (``--geo-headers``, Cloudflare's by default). Whatever variant header the
client sent is removed first; with ``--trusted-proxy`` the geo headers are believed only from
those clients (an ACL), otherwise from every client, which is right only for a Varnish that
nothing but the CDN can reach. ``vcl_hash`` adds the variant to the hash: one object per variant.

Plain VCL 4.1 with no vmod: a chain of regular-expression tests (``(?i)`` for any case), as
``geonotice.edge.table.variant_for_geo`` reads the values.
"""

from __future__ import annotations

import ipaddress

from geonotice.edge.table import EdgeOptions, by_variant, header_comment
from geonotice.locate.cdn import UNKNOWN_COUNTRY_VALUES
from geonotice.rules.variants import UNDECIDED, VariantTable


def varnish_config(table: VariantTable, options: EdgeOptions) -> str:
    geo = options.geo_headers
    header = options.variant_header
    country, region = f"req.http.{geo.country}", f"req.http.{geo.region}" if geo.region else None
    how = [
        'Include it right after your backends (include "geonotice.vcl";), before your own vcl_recv',
        "and vcl_hash: Varnish runs same-named subroutines in the order they appear, and this",
        "code must run before any of yours returns. Give the origin",
        f"variant_header={header!r} with this Varnish in trusted_proxies.",
        f"The reader's region comes from {', '.join(geo.header_names)} (--geo-headers).",
    ]
    out = [
        "vcl 4.1;",
        "",
        header_comment(table, options, prefix="#", how=how).rstrip("\n"),
        "",
    ]
    if options.trusted_proxies:
        out.append("# Only these clients (the CDN) are believed about where the reader is.")
        out.append("acl geonotice_trusted {")
        out += [f"    {_acl_entry(entry)};" for entry in options.trusted_proxies]
        out.append("}")
        out.append("")
    out.append("sub vcl_recv {")
    out.append("    # The variant comes from here only, never from the client.")
    out.append(f"    unset req.http.{header};")
    if options.trusted_proxies:
        out.append("    if (client.ip ~ geonotice_trusted) {")
        out.append("        call geonotice_variant;")
        out.append("    } else {")
        out.append(f'        set req.http.{header} = "{UNDECIDED}";')
        out.append("    }")
    else:
        out.append("    call geonotice_variant;")
    out.append("}")
    out.append("")
    out.append("sub vcl_hash {")
    out.append(f"    hash_data(req.http.{header});")
    out.append("}")
    out.append("")
    out.append("sub geonotice_variant {")
    out += _chain(table, options, country, region)
    out.append("}")
    return "\n".join(out) + "\n"


def _chain(table: VariantTable, options: EdgeOptions, country: str, region: str | None) -> list[str]:
    header = f"req.http.{options.variant_header}"
    unknown = "|".join(_escaped(v) for v in sorted(UNKNOWN_COUNTRY_VALUES) if v)
    branches: list[tuple[str, list[str]]] = []
    anonymous = sorted(options.geo_headers.anonymous_values)
    if anonymous:
        condition = f'{country} ~ "(?i)^\\s*({"|".join(anonymous)})\\s*$"'
        branches.append((condition, [_set(header, table.anonymous.name, 8)]))
    condition = f'!{country} || {country} ~ "(?i)^\\s*({unknown})?\\s*$"'
    branches.append((condition, [_set(header, table.unknown.name, 8)]))
    # Not a country code: the origin decides, as its locator would ignore the header.
    branches.append((f'{country} !~ "^\\s*[A-Za-z]{{2}}\\s*$"', [_set(header, UNDECIDED, 8)]))
    for code in sorted(set(table.countries) | table.needs_subdivision):
        body = _country(table, code, region, header)
        branches.append((f'{country} ~ "(?i)^\\s*{code}\\s*$"', body))
    out: list[str] = []
    for index, (condition, body) in enumerate(branches):
        out.append(f"    {'if' if index == 0 else '} elsif'} ({condition}) {{")
        out += body
    out.append("    } else {")
    out.append(_set(header, table.default.name, 8))
    out.append("    }")
    return out


def _country(table: VariantTable, code: str, region: str | None, header: str) -> list[str]:
    """The statements for a reader in the country ``code``, inside its branch."""
    own = table.countries.get(code, table.default.name)
    if code not in table.needs_subdivision:
        return [_set(header, own, 8)]
    if region is None:  # no subdivision header: the origin decides for every reader here
        return [_set(header, UNDECIDED, 8)]
    entries = {s: n for s, n in table.subdivisions.items() if s[:2] == code}
    tests = [
        (f'{region} ~ "(?i)^\\s*({code}-)?({"|".join(c[3:] for c in codes)})\\s*$"', name)
        for name, codes in by_variant(entries).items()
    ]
    # No subdivision, or one not shaped like a code: the reader could be in any of them.
    tests.append((f'!{region} || {region} !~ "(?i)^\\s*({code}-)?[A-Z0-9]{{1,3}}\\s*$"', UNDECIDED))
    lines = []
    for index, (condition, name) in enumerate(tests):
        lines.append(f"        {'if' if index == 0 else '} elsif'} ({condition}) {{")
        lines.append(_set(header, name, 12))
    lines.append("        } else {")
    lines.append(_set(header, own, 12))
    lines.append("        }")
    return lines


def _set(header: str, name: str, indent: int) -> str:
    return f'{" " * indent}set {header} = "{name}";'


def _escaped(value: str) -> str:
    return "".join(f"\\{char}" if char in r"\^$.|?*+()[]{}" else char for char in value)


def _acl_entry(entry: str) -> str:
    network = ipaddress.ip_network(entry, strict=False)
    if network.prefixlen == network.max_prefixlen:
        return f'"{network.network_address}"'
    return f'"{network.network_address}"/{network.prefixlen}'
