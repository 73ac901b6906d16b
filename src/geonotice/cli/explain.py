"""``geonotice explain``: where a reader is placed, which notices they get on a page, and why."""

from __future__ import annotations

import ipaddress
import json
from pathlib import Path

import click

from geonotice.cli._common import BadArgument, format_option, import_app_from
from geonotice.errors import ConfigError
from geonotice.inject import walker
from geonotice.inject.fragment import parse_accept_language
from geonotice.locate import PRESETS, Location
from geonotice.locate.cdn import geo_headers_from
from geonotice.policy.cases import infer_cdn, moment_of, page_of
from geonotice.policy.explain import (
    explain_reader,
    format_json,
    format_text,
    locate_headers,
    locate_ip,
    locate_region,
)
from geonotice.policy.placed import notice_spots, page_from_app, spots_json, spots_text
from geonotice.region import resolve_region
from geonotice.rules import Engine, load_rules


@click.command("explain")
@click.argument("rules", type=click.Path(path_type=Path))
@click.option("--ip", help="The reader's address, placed with --geoip-db.")
@click.option(
    "--geoip-db",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A MaxMind-format City or Country database.",
)
@click.option(
    "--region",
    "region_code",
    metavar="PLACE",
    help="The reader's region: a code in any case (RU, ua-43) or a place name (Sevastopol).",
)
@click.option(
    "--header",
    "headers",
    multiple=True,
    metavar="NAME:VALUE",
    help="A CDN geo header the reader arrives with (repeatable): CF-IPCountry:RU.",
)
@click.option(
    "--geo-headers",
    "preset",
    type=click.Choice(sorted(PRESETS)),
    help="Whose headers --header gives (default: told by the header names).",
)
@click.option("--url", required=True, help="The page: a path (/a/story) or a link.")
@click.option(
    "--lang",
    metavar="LANGUAGES",
    help="The reader's languages, as their browser's Accept-Language gives them: "
    "uk, or uk-UA,uk;q=0.9,ru;q=0.8.",
)
@click.option(
    "--at", "at_text", metavar="DATE", help="The moment to decide for: 2025-01-31 or 2025-01-31T12:00:00Z."
)
@click.option(
    "--page",
    "page_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="An HTML page: also say where on it each notice shown goes, and which element decided it.",
)
@click.option(
    "--app",
    "app_spec",
    metavar="MODULE:APP",
    help="Like --page, with the page this ASGI app serves at --url.",
)
@click.option(
    "--app-dir", default=".", show_default=True, help="Look for the --app module in this directory too."
)
@format_option(["text", "json"], help="text or json.")
def explain(
    rules: Path,
    ip: str | None,
    geoip_db: Path | None,
    region_code: str | None,
    headers: tuple[str, ...],
    preset: str | None,
    url: str,
    lang: str | None,
    at_text: str | None,
    page_file: Path | None,
    app_spec: str | None,
    app_dir: str,
    fmt: str,
) -> None:
    """Explain which notices a reader gets on a page under the rules RULES, and why.

    Give the reader as --ip with --geoip-db, as --region, or as --header lines from a CDN.
    """
    given = [
        name for name, value in (("--ip", ip), ("--region", region_code), ("--header", headers)) if value
    ]
    if len(given) != 1:
        what = "none" if not given else " and ".join(given)
        raise click.UsageError(f"give the reader as exactly one of --ip, --region or --header (got {what})")
    page = page_of(url)
    if page is None:
        raise BadArgument("--url", f"{url!r} is not a path starting with / or an http(s) link")
    if lang is not None and not parse_accept_language(lang):
        raise BadArgument(
            "--lang", f"{lang!r} is not a language tag like 'en' or 'pt-BR', nor an Accept-Language value"
        )
    at = None
    if at_text is not None:
        try:
            at = moment_of(at_text)
        except ValueError as error:
            raise BadArgument("--at", f"{at_text!r}: {error}") from None
    location = _locate(ip, geoip_db, region_code, headers, preset)
    # Drafts are explained too, each said to be one; only live notices count as shown.
    engine = Engine(load_rules(rules), include_drafts=True)
    report = explain_reader(engine, location, url, page[0], page[1], language=lang, at=at)
    if page_file is None and app_spec is None:
        click.echo(format_json(report) if fmt == "json" else format_text(report), nl=fmt != "json")
        return
    name, html = _page(page_file, app_spec, app_dir, url)
    spots = notice_spots(html, [shown.notice for shown in report.shown])
    if fmt == "json":
        document = json.loads(format_json(report))
        document["placements"] = spots_json(html, spots)
        document["scanner"] = walker.current.name  # which walk found them: "compiled" or "python"
        click.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        click.echo(format_text(report) + "\n" + spots_text(name, html, spots))


def _page(page_file: Path | None, app_spec: str | None, app_dir: str, url: str) -> tuple[str, bytes]:
    """The page to place the notices on: its name for the report, and its bytes."""
    if page_file is not None and app_spec is not None:
        raise click.UsageError("give the page as --page or as --app, not both")
    if page_file is not None:
        return str(page_file), page_file.read_bytes()
    assert app_spec is not None
    try:
        app = import_app_from(app_spec, app_dir)
    except ConfigError as error:
        raise BadArgument("--app", str(error)) from None
    try:
        return f"the page {app_spec} serves at {url}", page_from_app(app, url)
    except ValueError as error:
        raise BadArgument("--app", str(error)) from None


def _locate(
    ip: str | None,
    geoip_db: Path | None,
    region_code: str | None,
    headers: tuple[str, ...],
    preset: str | None,
) -> Location:
    if ip is not None:
        try:
            address = str(ipaddress.ip_address(ip.strip()))
        except ValueError:
            raise BadArgument("--ip", f"{ip!r} is not an IP address") from None
        if geoip_db is None:
            raise click.UsageError("--ip needs --geoip-db: the database that places the address")
        return locate_ip(address, geoip_db)
    if region_code is not None:
        try:
            region, _ = resolve_region(region_code)
        except ValueError as error:
            raise BadArgument("--region", str(error)) from None
        return locate_region(region, region_code.strip())
    pairs = []
    for header in headers:
        name, sep, value = header.partition(":")
        if not sep or not name.strip():
            raise BadArgument("--header", f"{header!r} is not NAME:VALUE")
        pairs.append((name.strip(), value.strip()))
    geo = geo_headers_from(preset) if preset else infer_cdn(name for name, _ in pairs)
    if geo is None:
        names = ", ".join(sorted(PRESETS))
        sent = ", ".join(n for n, _ in pairs)
        raise BadArgument("--header", f"no CDN preset sends {sent}; name one with --geo-headers ({names})")
    try:
        return locate_headers(pairs, geo, geoip_db)
    except ConfigError as error:
        raise click.UsageError(str(error)) from None
