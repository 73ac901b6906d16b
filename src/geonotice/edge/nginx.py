"""nginx: an ``http``-level include that defines ``$geonotice_variant`` from the ``geoip2`` module.

The ``geoip2`` block (Debian: ``libnginx-mod-http-geoip2``) sets the reader's country and first
subdivision from the database; one ``map`` turns the country into its variant, and a second maps
``COUNTRY-SUBDIVISION`` first and falls back to the first. nginx keeps one cached copy per
distinct ``proxy_cache_key``, so a key with the variant keeps one per variant.
"""

from __future__ import annotations

from geonotice.edge.table import EdgeOptions, header_comment, subdivision_entries
from geonotice.rules.variants import VariantTable


def nginx_config(table: VariantTable, options: EdgeOptions) -> str:
    header = options.variant_header
    how = [
        "Include this file in the http block, and load the module at the top of nginx.conf:",
        "    load_module modules/ngx_http_geoip2_module.so;",
        "Then, in each location that proxies covered pages (and is cached):",
        '    proxy_cache_key "$scheme$proxy_host$request_uri $geonotice_variant";',
        f"    proxy_set_header {header} $geonotice_variant;",
        f"and give the origin variant_header={header!r} with this nginx in trusted_proxies.",
        "geoip2 looks up $remote_addr: behind a load balancer, set it with the realip module",
        "(set_real_ip_from, real_ip_header). proxy_set_header replaces whatever the reader sent.",
    ]
    variables = [
        "    $geonotice_country country iso_code;",
        "    $geonotice_subdivision subdivisions 0 iso_code;",
    ]
    if options.geoip2_block:
        how.append("nginx refuses a second geoip2 block for the same database: if you have one, make this")
        how.append("file with --no-geoip2-block and add its two variables to your block.")
    else:
        how.append("Your own geoip2 block (for the same database as the origin's) must define:")
        how += [f"  {line.strip()}" for line in variables]
    out = [header_comment(table, options, prefix="#", how=how)]
    if options.geoip2_block:
        out += [f"geoip2 {_quoted(options.geoip_db)} {{", "    auto_reload 60m;", *variables, "}", ""]
    out.append("# The reader's country: not in the table means the default variant.")
    out.append("map $geonotice_country $geonotice_country_variant {")
    out.append(f"    default {table.default.name};")
    out.append(f'    ""      {table.unknown.name};  # the database does not place the reader')
    out += [f"    {code:<7} {name};" for code, name in table.countries.items()]
    out.append("}")
    out.append("")
    out.append('# Subdivisions treated apart from their country; "UA-" is a reader in UA whose')
    out.append("# subdivision the database does not know.")
    out.append('map "$geonotice_country-$geonotice_subdivision" $geonotice_variant {')
    out.append("    default $geonotice_country_variant;")
    out += [f"    {code:<7} {name};" for code, name in subdivision_entries(table).items()]
    out.append("}")
    return "\n".join(out) + "\n"


def _quoted(path: str) -> str:
    return '"' + path.replace("\\", "\\\\").replace('"', '\\"') + '"'
