"""``geonotice regions [COUNTRY]``: the region codes the rules may use, with their place names."""

from __future__ import annotations

import click

from geonotice.cli._common import BadArgument
from geonotice.place_names import countries, place_name, subdivisions
from geonotice.region import resolve_region


@click.command("regions")
@click.argument("country", required=False)
def regions(country: str | None) -> None:
    """List the ISO 3166 codes to write in the rules' regions: every country, or with COUNTRY (a
    code or a name: UA, Ukraine) that country's subdivisions, each with its place name."""
    if country is None:
        for code, name in countries():
            click.echo(f"{code}  {name}")
        return
    try:
        region, code = resolve_region(country)
    except ValueError as error:
        raise BadArgument("COUNTRY", str(error)) from None
    code = region.country or code
    found = subdivisions(code)
    click.echo(f"{code} ({place_name(code)}): {len(found)} subdivision{'' if len(found) == 1 else 's'}")
    width = max((len(sub) for sub, *_ in found), default=0)
    for sub, name, iso_name, kind in found:
        # The standard's own name and kind too, to compare with the ISO 3166-2 list a lawyer may hold.
        iso = f"  (ISO 3166-2: {iso_name}, {kind})" if iso_name != name else f"  ({kind})"
        click.echo(f"  {sub.ljust(width)}  {name}{iso}")
