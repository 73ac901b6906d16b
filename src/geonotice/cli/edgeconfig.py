"""``geonotice edge-config RULES --for EDGE``: what an edge needs to cache one copy per variant."""

from __future__ import annotations

import shlex
from pathlib import Path

import click

from geonotice.cli._common import BadArgument
from geonotice.cli._ruleset import read_rules
from geonotice.edge import EDGES, VARIANT_HEADER, EdgeOptions, edge_config
from geonotice.edge.origin import header_name
from geonotice.errors import ConfigError
from geonotice.locate import PRESETS, TrustedProxies
from geonotice.rules.variants import variants_of
from geonotice.settings import SETTINGS

_DEFAULTS = EdgeOptions()


@click.command("edge-config")
@click.argument("rules", type=click.Path(path_type=Path))
@click.option("--for", "edge", required=True, metavar="|".join(EDGES), help="The edge to configure.")
@click.option(
    "--geoip-db",
    metavar="PATH",
    default=_DEFAULTS.geoip_db,
    show_default=True,
    help="nginx: the City database the geoip2 module reads (the origin's own, ideally).",
)
@click.option(
    "--no-geoip2-block",
    "no_block",
    is_flag=True,
    help="nginx: leave the geoip2 block out, for an nginx that has one for this database already.",
)
@click.option(
    "--geo-headers",
    metavar="PRESET|country=H[,region=H]",
    default="cloudflare",
    show_default=True,
    help="varnish: the headers the CDN in front writes the reader's country and subdivision in.",
)
@click.option(
    "--trusted-proxy",
    "trusted",
    multiple=True,
    metavar="ADDRESS|CIDR",
    help="varnish: believe the geo headers only from these clients (repeatable; default: any).",
)
@click.option(
    "--variant-header", default=VARIANT_HEADER, show_default=True, metavar="HEADER", help="The header."
)
def edge_config_command(
    rules: Path,
    edge: str,
    geoip_db: str,
    no_block: bool,
    geo_headers: str,
    trusted: tuple[str, ...],
    variant_header: str,
) -> None:
    """Print the config that makes EDGE (nginx, varnish, fastly, cloudfront, cloudflare) compute
    the reader's variant under the rules RULES, key its cache on it and send it to the origin.

    Regenerate and redeploy it whenever the rules change (docs/caching.md).
    """
    if edge not in EDGES:
        raise BadArgument("--for", f"{edge!r} is not one of {', '.join(EDGES)}")
    try:
        header = header_name(variant_header)
    except ValueError as error:
        raise BadArgument("--variant-header", str(error)) from None
    try:
        geo = SETTINGS["geo_headers"].spec.coerce(geo_headers)
    except (ConfigError, ValueError) as error:
        raise BadArgument("--geo-headers", getattr(error, "reason", str(error))) from None
    try:
        TrustedProxies(trusted)
    except ConfigError as error:
        raise BadArgument("--trusted-proxy", error.reason) from None
    words = ["geonotice", "edge-config", str(rules), "--for", edge]
    for option, value, default in (
        ("--geoip-db", geoip_db, _DEFAULTS.geoip_db),
        ("--geo-headers", geo_headers, "cloudflare"),
        ("--variant-header", variant_header, VARIANT_HEADER),
    ):
        if value != default:
            words += [option, value]
    for entry in trusted:
        words += ["--trusted-proxy", entry]
    if no_block:
        words.append("--no-geoip2-block")
    options = EdgeOptions(
        variant_header=header or VARIANT_HEADER,
        geoip_db=geoip_db,
        geo_headers=geo or PRESETS["cloudflare"],
        trusted_proxies=trusted,
        command=shlex.join(words),
        geoip2_block=not no_block,
    )
    click.echo(edge_config(variants_of(read_rules(rules)), edge, options), nl=False)
