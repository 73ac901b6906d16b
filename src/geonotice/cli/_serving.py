"""What ``run`` and ``demo`` share: building the wrapped app with one-line errors, and serving it.

Both check every setting before they listen: the middleware is built (rules loaded, database
opened, proxy networks parsed) first, and anything wrong is refused with a one-line reason and
exit code 2. Only then is the port bound and uvicorn started.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable
from typing import Any

import click
import uvicorn
from starlette.types import ASGIApp

from geonotice.cli._common import SettingsError
from geonotice.errors import ConfigError, GeoIPDatabaseError, RulesError
from geonotice.importer import one_line

RULES_HELP = "Rules file or directory; reloaded without a restart when it changes."
HOST_HELP = "Address to listen on."
PORT = click.IntRange(0, 65535)
PORT_HELP = "Port to listen on (0: any free port)."
LOG_LEVELS = click.Choice(["critical", "error", "warning", "info", "debug"])

# The library names its keyword arguments; people at a command line know the options.
_OPTION_NAMES = (
    ("trusted_proxies: ", "--trusted-proxy: "),
    ("geo_headers: ", "--geo-headers: "),
    ("(geoip_db=...)", "(--geoip-db)"),
    ("(geo_headers=...)", "(--geo-headers)"),
    ("GeoHeaders(country='X-Country', region='X-Region')", "'country=X-Country,region=X-Region'"),
)


def build(make: Callable[[], ASGIApp]) -> ASGIApp:
    """Call ``make``, turning each way the settings can be wrong into a one-line usage error.

    Raises:
        SettingsError: the rules do not load, the database cannot be used, or a setting is invalid.
    """
    try:
        app: ASGIApp = make()
    except RulesError as error:
        errors = [p for p in error.problems if p.level == "error"] or list(error.problems)
        more = f" (and {len(errors) - 1} more: run 'geonotice check' to see all)" if len(errors) > 1 else ""
        first = str(errors[0]) if errors else "the rules do not load"
        raise SettingsError(f"--rules: {one_line(first)}{more}") from None
    except GeoIPDatabaseError as error:
        raise SettingsError(f"--geoip-db: {one_line(error)}") from None
    except (ConfigError, ValueError) as error:
        raise SettingsError(_option_names(one_line(error))) from None
    return app


def bind(host: str, port: int) -> socket.socket:
    """A listening socket, bound before uvicorn starts.

    So a busy port is one line and exit 2, and ``--port 0`` can print the port it got.

    Raises:
        SettingsError: the address cannot be bound.
    """
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


def is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


def url_of(host: str, sock: socket.socket) -> str:
    port = sock.getsockname()[1]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(config: uvicorn.Config, sock: socket.socket) -> None:
    """Run uvicorn on ``sock`` until it stops, then stop the middleware's file watchers."""
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    finally:
        close(config.app)


def close(app: Any) -> None:
    """Stop the middleware's file watchers, wherever it sits in the demo's wrapping."""
    while app is not None:
        stop = getattr(app, "close", None)
        if callable(stop):
            stop()
            return
        app = getattr(app, "app", None)


def _option_names(message: str) -> str:
    for keyword, option in _OPTION_NAMES:
        message = message.replace(keyword, option)
    return message
