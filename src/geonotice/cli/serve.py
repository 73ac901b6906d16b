"""``geonotice run MODULE:APP`` and ``geonotice demo``: serve an application wrapped in geonotice.

Both check every setting before they listen: the application is imported and the middleware built
(rules loaded, database opened, proxy networks parsed) first, and anything wrong is refused with a
one-line reason and exit code 2. Only then is the port bound and uvicorn started.
"""

from __future__ import annotations

import importlib
import ipaddress
import json
import os
import socket
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import uvicorn
from starlette.types import ASGIApp

from geonotice.cli import cli
from geonotice.errors import ConfigError, GeoIPDatabaseError, RulesError

if TYPE_CHECKING:
    from geonotice.demo.reader_switch import DemoReader
    from geonotice.demo.site import Article

# How ``run --workers N`` hands its checked settings to the worker processes, which build their
# own middleware through ``worker_app`` (uvicorn needs an import string to start workers).
_WORKER_SETTINGS = "GEONOTICE_WORKER_SETTINGS"

_RULES_HELP = "Rules file or directory; reloaded without a restart when it changes."


class SettingsError(click.ClickException):
    """A setting that cannot work: one line on stderr and exit code 2, before anything listens."""

    exit_code = 2


# The readers the demo's printed instructions offer; the site's own strip lists them all.
_BANNER_READERS = ("moscow", "crimea", "sevastopol", "kyiv", "berlin", "new-york")

_HOST_HELP = "Address to listen on."
_PORT = click.IntRange(0, 65535)
_PORT_HELP = "Port to listen on (0: any free port)."
_LOG_LEVELS = click.Choice(["critical", "error", "warning", "info", "debug"])


@cli.command("run")
@click.argument("app", metavar="MODULE:APP", envvar="GEONOTICE_APP")
@click.option(
    "--rules",
    envvar="GEONOTICE_RULES",
    required=True,
    type=click.Path(exists=True, path_type=Path),
    help=_RULES_HELP,
)
@click.option(
    "--geoip-db",
    envvar="GEONOTICE_GEOIP_DB",
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
@click.option(
    "--geo-headers",
    envvar="GEONOTICE_GEO_HEADERS",
    metavar="PRESET|country=H[,region=H]",
    help="Read the region from CDN headers sent by a trusted proxy: cloudflare, cloudfront, vercel, "
    "appengine, or custom header names.",
)
@click.option("--host", envvar="GEONOTICE_HOST", default="127.0.0.1", show_default=True, help=_HOST_HELP)
@click.option("--port", envvar="GEONOTICE_PORT", default=8000, show_default=True, type=_PORT, help=_PORT_HELP)
@click.option(
    "--workers",
    envvar="GEONOTICE_WORKERS",
    default=1,
    show_default=True,
    type=click.IntRange(min=1),
    help="Worker processes; each holds its own copy of the rules and database, nothing is shared.",
)
@click.option(
    "--reload-interval",
    envvar="GEONOTICE_RELOAD_INTERVAL",
    default=2.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Seconds between checks of the rules and database files for changes.",
)
@click.option(
    "--app-dir",
    envvar="GEONOTICE_APP_DIR",
    default=".",
    show_default=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory to import MODULE from.",
)
@click.option("--factory", is_flag=True, help="APP is a function that returns the application.")
@click.option(
    "--log-level", envvar="GEONOTICE_LOG_LEVEL", default="info", show_default=True, type=_LOG_LEVELS
)
def run_command(
    app: str,
    rules: Path,
    geoip_db: Path | None,
    trusted_proxies: tuple[str, ...],
    geo_headers: str | None,
    host: str,
    port: int,
    workers: int,
    reload_interval: float,
    app_dir: Path,
    factory: bool,
    log_level: str,
) -> None:
    """Serve the ASGI application MODULE:APP wrapped in geonotice, with uvicorn.

    Every option can also come from the environment (GEONOTICE_RULES, GEONOTICE_GEOIP_DB,
    GEONOTICE_TRUSTED_PROXIES, GEONOTICE_GEO_HEADERS, GEONOTICE_HOST, GEONOTICE_PORT,
    GEONOTICE_WORKERS, and GEONOTICE_APP for MODULE:APP), for containers.
    """
    settings = {
        "app": app,
        "app_dir": str(app_dir.resolve()),
        "factory": factory,
        "rules": str(rules),
        "geoip_db": str(geoip_db) if geoip_db is not None else None,
        "trusted_proxies": split_list(trusted_proxies),
        "geo_headers": geo_headers,
        "reload_interval": reload_interval,
    }
    wrapped = build_from_settings(settings)
    sock = _bind(host, port)
    click.echo(f"geonotice: serving {app} on {_url(host, sock)} ({workers} worker(s))")
    config_args: dict[str, Any] = {"log_level": log_level, "proxy_headers": False, "workers": workers}
    if workers == 1:
        _serve(uvicorn.Config(wrapped, **config_args), sock)
        return
    # The checked middleware was only a test of the settings: each worker builds its own.
    _close(wrapped)
    os.environ[_WORKER_SETTINGS] = json.dumps(settings)
    config = uvicorn.Config(f"{__name__}:worker_app", factory=True, **config_args)
    from uvicorn.supervisors import Multiprocess

    Multiprocess(config, sockets=[sock]).run()


@cli.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help=_HOST_HELP)
@click.option("--port", default=8000, show_default=True, type=_PORT, help=_PORT_HELP)
@click.option(
    "--rules",
    type=click.Path(exists=True, path_type=Path),
    help=_RULES_HELP + " Default: the example rules of a source checkout.",
)
@click.option("--log-level", default="warning", show_default=True, type=_LOG_LEVELS)
def demo_command(host: str, port: int, rules: Path | None, log_level: str) -> None:
    """Serve a small demo news site behind geonotice, with the example rules and a demo database."""
    from geonotice.demo.reader_switch import load_demo_readers
    from geonotice.demo.site import create_demo_app, load_articles, shipped_rules

    rules = rules if rules is not None else shipped_rules()
    if rules is None:
        raise SettingsError(
            "no example rules here (they live in the source repository's rules/ directory): pass --rules"
        )
    wrapped = _build(lambda: create_demo_app(rules=rules))
    sock = _bind(host, port)
    click.echo(demo_banner(_url(host, sock), rules, load_demo_readers(), load_articles()))
    if not _is_loopback(host):
        click.echo(
            "Note: the demo trusts only this machine as a proxy, so the reader links and X-Forwarded-For "
            "work from here alone; visitors from other machines are located by their own address."
        )
    _serve(uvicorn.Config(wrapped, log_level=log_level, proxy_headers=False), sock)


def demo_banner(url: str, rules: Path, readers: Sequence[DemoReader], articles: Sequence[Article]) -> str:
    """What ``geonotice demo`` prints: where the site is, the reader links and curl lines to try."""
    from geonotice.demo.site import showcase_articles

    by_key = {reader.key: reader for reader in readers}
    moscow = by_key.get("moscow", readers[0])
    berlin = by_key.get("berlin", readers[-1])
    crimea = by_key.get("crimea")
    russian, english = showcase_articles(articles)
    grep = "| grep -iE 'legal-notices|<aside'"
    listed = [r for r in readers if r.key in _BANNER_READERS] or list(readers)
    width = max(len(reader.label) for reader in listed)
    lines = [
        f"The Free Ledger, a demo news site behind geonotice: {url}",
        "",
        "Read it as a reader elsewhere (a demo-only cookie; the banner on each page says who you are):",
        *(f"  {r.label:<{width}}  {url}_demo/as/{r.key}?next={russian.path}" for r in listed),
        f"  (and {len(readers) - len(listed)} more readers in the strip at the top of every page)",
        "",
        "Or with curl (the demo trusts X-Forwarded-For from this machine):",
        f"  # a reader in {moscow.label}: a Legal-Notices header and the notice, in Russian",
        f"  curl -si -H 'X-Forwarded-For: {moscow.address}' {url}{russian.path[1:]} {grep}",
    ]
    if crimea is not None:
        lines += [
            f"  # a reader in {crimea.label}, on the English article: the notice in English",
            f"  curl -si -H 'X-Forwarded-For: {crimea.address}' {url}{english.path[1:]} {grep}",
        ]
    lines += [
        f"  # a reader in {berlin.label}: no notice, no output",
        f"  curl -si -H 'X-Forwarded-For: {berlin.address}' {url}{english.path[1:]} {grep}",
        "",
        f"Rules: {rules} (edit them while the demo runs: they reload within seconds). Ctrl+C stops.",
    ]
    return "\n".join(lines)


def split_list(values: Sequence[str]) -> tuple[str, ...]:
    """Proxy lists as people write them: repeated options, spaces or commas (``10.0.0.0/8, ::1``)."""
    return tuple(part for value in values for part in value.replace(",", " ").split())


def import_app(spec: str, *, factory: bool = False) -> ASGIApp:
    """The object ``MODULE:ATTR`` names (called first when ``factory``).

    Raises:
        ValueError: the spec is malformed, the module or attribute is missing, or importing the
            module failed; the message is one line saying which.
    """
    module_name, _, attrs = spec.partition(":")
    if not module_name or not attrs:
        raise ValueError(f"{spec!r} must have the form MODULE:APP, for example 'myproject.asgi:application'")
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and module_name.startswith(error.name):
            raise ValueError(f"no module named {module_name!r} (is --app-dir right?)") from None
        raise ValueError(f"importing {module_name!r} failed: {_one_line(error)}") from error
    except Exception as error:  # the application's own import-time failure, shown in one line
        raise ValueError(f"importing {module_name!r} failed: {_one_line(error)}") from error
    target: Any = module
    for attr in attrs.split("."):
        try:
            target = getattr(target, attr)
        except AttributeError:
            raise ValueError(f"module {module_name!r} has no attribute {attrs!r}") from None
    if factory:
        try:
            target = target()
        except Exception as error:
            raise ValueError(f"calling the factory {spec!r} failed: {_one_line(error)}") from error
    if not callable(target):
        raise ValueError(f"{spec!r} is not an ASGI application (not callable)")
    app: ASGIApp = target
    return app


def build_from_settings(settings: dict[str, Any]) -> ASGIApp:
    """Import the application and wrap it, turning every failure into a one-line usage error.

    Raises:
        SettingsError: a setting is invalid; the message is one line.
    """
    if settings["app_dir"] not in sys.path:
        sys.path.insert(0, settings["app_dir"])
    try:
        app = import_app(settings["app"], factory=settings["factory"])
    except ValueError as error:
        raise SettingsError(f"MODULE:APP: {error}") from None
    from geonotice.middleware import GeoNoticeMiddleware

    return _build(
        lambda: GeoNoticeMiddleware(
            app,
            rules=settings["rules"],
            geoip_db=settings["geoip_db"],
            trusted_proxies=settings["trusted_proxies"],
            geo_headers=_geo_headers(settings["geo_headers"]),
            reload_interval=settings["reload_interval"],
        )
    )


def worker_app() -> ASGIApp:
    """The application of one ``run --workers N`` process, from the settings its parent checked."""
    return build_from_settings(json.loads(os.environ[_WORKER_SETTINGS]))


def _build(make: Callable[[], ASGIApp]) -> ASGIApp:
    try:
        app: ASGIApp = make()
    except RulesError as error:
        errors = [p for p in error.problems if p.level == "error"] or list(error.problems)
        more = f" (and {len(errors) - 1} more: run 'geonotice check' to see all)" if len(errors) > 1 else ""
        first = str(errors[0]) if errors else "the rules do not load"
        raise SettingsError(f"--rules: {_one_line(first)}{more}") from None
    except GeoIPDatabaseError as error:
        raise SettingsError(f"--geoip-db: {_one_line(error)}") from None
    except (ConfigError, ValueError) as error:
        raise SettingsError(_option_names(_one_line(error))) from None
    return app


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


def _bind(host: str, port: int) -> socket.socket:
    # Bound here, before uvicorn starts, so a busy port is one line and exit 2, and ``--port 0``
    # can print the port it got.
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as error:
        sock.close()
        raise SettingsError(f"cannot listen on {host}:{port}: {error.strerror or error}") from None
    sock.listen(2048)
    sock.set_inheritable(True)
    return sock


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def _url(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def _serve(config: uvicorn.Config, sock: socket.socket) -> None:
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        _close(config.app)


def _close(app: Any) -> None:
    # Stop the middleware's file watchers, wherever it sits in the demo's wrapping.
    while app is not None:
        close = getattr(app, "close", None)
        if callable(close):
            close()
            return
        app = getattr(app, "app", None)


# The library names its keyword arguments; people at a command line know the options.
_OPTION_NAMES = (
    ("trusted_proxies: ", "--trusted-proxy: "),
    ("geo_headers: ", "--geo-headers: "),
    ("(geoip_db=...)", "(--geoip-db)"),
    ("(geo_headers=...)", "(--geo-headers)"),
    ("GeoHeaders(country='X-Country', region='X-Region')", "'country=X-Country,region=X-Region'"),
)


def _option_names(message: str) -> str:
    for keyword, option in _OPTION_NAMES:
        message = message.replace(keyword, option)
    return message


def _one_line(error: object) -> str:
    return " ".join(str(error).split()) or type(error).__name__
