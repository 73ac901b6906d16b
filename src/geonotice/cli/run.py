"""``geonotice run MODULE:APP``: serve any ASGI application wrapped in geonotice, with uvicorn."""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click
import uvicorn
from starlette.types import ASGIApp

from geonotice.cli._common import F, SettingsError, import_app_from
from geonotice.cli._serving import (
    HOST_HELP,
    LOG_LEVELS,
    PORT,
    PORT_HELP,
    RULES_HELP,
    bind,
    build,
    close,
    serve,
    url_of,
)
from geonotice.errors import ConfigError

# How ``run --workers N`` hands its checked settings to the worker processes, which build their
# own middleware through ``worker_app`` (uvicorn needs an import string to start workers).
_WORKER_SETTINGS = "GEONOTICE_WORKER_SETTINGS"


def _setting(name: str, **options: Any) -> Callable[[F], F]:
    """An option containers can also set as ``GEONOTICE_<NAME>`` (``--geoip-db``: ``GEONOTICE_GEOIP_DB``).

    The group's ``auto_envvar_prefix`` would say ``GEONOTICE_RUN_...``; the documented names are shorter.
    """
    envvar = "GEONOTICE_" + name.upper().replace("-", "_")
    show_default = "default" in options
    return click.option(f"--{name}", envvar=envvar, show_default=show_default, **options)


@click.command("run")
@click.argument("app", metavar="MODULE:APP", envvar="GEONOTICE_APP")
@_setting("rules", required=True, type=click.Path(exists=True, path_type=Path), help=RULES_HELP)
@_setting(
    "geoip-db",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="MaxMind-format City or Country database (GeoIP2, GeoLite2, DB-IP); reopened when replaced.",
)
@click.option(
    "--trusted-proxy",
    "trusted_proxies",
    envvar="GEONOTICE_TRUSTED_PROXIES",
    multiple=True,
    metavar="ADDRESS|CIDR",
    help="A proxy or CDN network whose forwarding and geo headers are believed. Repeatable; the "
    "environment variable takes a space- or comma-separated list.",
)
@_setting(
    "geo-headers",
    metavar="PRESET|country=H[,region=H]",
    help="Read the region from CDN headers sent by a trusted proxy: cloudflare, cloudfront, vercel, "
    "appengine, or custom header names.",
)
@_setting(
    "forwarded-header",
    default="X-Forwarded-For",
    type=click.Choice(["X-Forwarded-For", "Forwarded"], case_sensitive=False),
    help="The one forwarding header the trusted proxies write (the other is ignored).",
)
@_setting("host", default="127.0.0.1", help=HOST_HELP)
@_setting("port", default=8000, type=PORT, help=PORT_HELP)
@_setting(
    "workers",
    default=1,
    type=click.IntRange(min=1),
    help="Worker processes; each holds its own copy of the rules and database, nothing is shared.",
)
@_setting(
    "reload-interval",
    default=2.0,
    type=click.FloatRange(min=0.1),
    help="Seconds between checks of the rules and database files for changes.",
)
@_setting(
    "app-dir",
    default=".",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory to import MODULE from.",
)
@click.option("--factory", is_flag=True, help="APP is a function that returns the application.")
@_setting("log-level", default="info", type=LOG_LEVELS)
def run_command(
    app: str,
    rules: Path,
    geoip_db: Path | None,
    trusted_proxies: tuple[str, ...],
    geo_headers: str | None,
    forwarded_header: str,
    host: str,
    port: int,
    workers: int,
    reload_interval: float,
    app_dir: Path,
    factory: bool,
    log_level: str,
) -> None:
    """Serve the ASGI application MODULE:APP wrapped in geonotice, with uvicorn.

    Every option can also come from the environment, for containers: GEONOTICE_RULES,
    GEONOTICE_GEOIP_DB, GEONOTICE_TRUSTED_PROXIES, GEONOTICE_GEO_HEADERS,
    GEONOTICE_FORWARDED_HEADER, GEONOTICE_HOST, GEONOTICE_PORT, GEONOTICE_WORKERS, and
    GEONOTICE_APP for MODULE:APP.
    """
    settings = {
        "app": app,
        "app_dir": str(app_dir.resolve()),
        "factory": factory,
        "rules": str(rules),
        "geoip_db": str(geoip_db) if geoip_db is not None else None,
        "trusted_proxies": split_list(trusted_proxies),
        "geo_headers": geo_headers,
        "forwarded_header": forwarded_header,
        "reload_interval": reload_interval,
    }
    wrapped = build_from_settings(settings)
    sock = bind(host, port)
    click.echo(f"geonotice: serving {app} on {url_of(host, sock)} ({workers} worker(s))")
    config_args: dict[str, Any] = {"log_level": log_level, "proxy_headers": False, "workers": workers}
    if workers == 1:
        serve(uvicorn.Config(wrapped, **config_args), sock)
        return
    # The checked middleware was only a test of the settings: each worker builds its own.
    close(wrapped)
    os.environ[_WORKER_SETTINGS] = json.dumps(settings)
    config = uvicorn.Config(f"{__name__}:worker_app", factory=True, **config_args)
    from uvicorn.supervisors import Multiprocess

    Multiprocess(config, sockets=[sock]).run()


def split_list(values: Sequence[str]) -> tuple[str, ...]:
    """Proxy lists as people write them: repeated options, spaces or commas (``10.0.0.0/8, ::1``)."""
    return tuple(part for value in values for part in value.replace(",", " ").split())


def build_from_settings(settings: dict[str, Any]) -> ASGIApp:
    """Import the application and wrap it, turning every failure into a one-line usage error.

    Raises:
        SettingsError: a setting is invalid; the message is one line.
    """
    try:
        app = import_app_from(settings["app"], settings["app_dir"], factory=settings["factory"])
    except ConfigError as error:
        raise SettingsError(f"MODULE:APP: {error}") from None
    from geonotice.middleware import GeoNoticeMiddleware

    return build(
        lambda: GeoNoticeMiddleware(
            app,
            rules=settings["rules"],
            geoip_db=settings["geoip_db"],
            trusted_proxies=settings["trusted_proxies"],
            geo_headers=_geo_headers(settings["geo_headers"]),
            forwarded_header=settings["forwarded_header"],
            reload_interval=settings["reload_interval"],
        )
    )


def worker_app() -> ASGIApp:
    """The application of one ``run --workers N`` process, from the settings its parent checked."""
    return build_from_settings(json.loads(os.environ[_WORKER_SETTINGS]))


def _geo_headers(value: str | None) -> Any:
    if value is None or "=" not in value:
        return value
    from geonotice.locate import GeoHeaders

    fields: dict[str, str] = {}
    for part in value.split(","):
        key, _, header = part.partition("=")
        if key.strip() not in ("country", "region") or not header.strip():
            expected = "expected a preset or 'country=HEADER[,region=HEADER]'"
            raise SettingsError(f"--geo-headers: {value!r}: {expected}")
        fields[key.strip()] = header.strip()
    if "country" not in fields:
        raise SettingsError(f"--geo-headers: {value!r}: a country header is required")
    return GeoHeaders(country=fields["country"], region=fields.get("region"))
