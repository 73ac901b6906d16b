"""What ``run`` and ``demo`` share: options made from the settings, one-line errors, serving.

Both check every setting before they listen: the settings are parsed, the middleware is built
(rules loaded, database opened, proxy networks parsed) first, and anything wrong is refused with
a one-line reason naming the option, and exit code 2. Only then is the port bound and uvicorn
started.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Mapping
from typing import Any, TypeVar

import click
import uvicorn

from geonotice.cli._common import F, SettingsError
from geonotice.cli._ruleset import first_problem
from geonotice.errors import ConfigError, GeoIPDatabaseError, RulesError
from geonotice.importer import one_line
from geonotice.settings import SETTINGS, option_of

T = TypeVar("T")


def setting_options(
    command: str, *, defaults: Mapping[str, Any] | None = None, optional: Mapping[str, str] | None = None
) -> Callable[[F], F]:
    """The options of ``command``: one per setting that names it, in the order of the fields.

    Each option is the setting's ``Setting`` made into a click option, read from its
    ``GEONOTICE_*`` variable too, and passed to the command as text under the setting's name
    (``Settings`` parses it, so that every error is reported the same way). ``defaults`` changes a
    default for this command; ``optional`` makes a required setting optional here, with the words
    to show as its default.
    """
    defaults = defaults or {}
    optional = optional or {}
    entries = [entry for entry in SETTINGS.values() if command in entry.spec.commands]

    def decorate(function: F) -> F:
        for entry in reversed(entries):
            default = defaults.get(entry.name, entry.default)
            shown: bool | str = optional.get(entry.name, default not in (None, ()))
            # A default of None would count as given: a required option must have none at all.
            required: dict[str, Any] = (
                {"required": True} if entry.required and entry.name not in optional else {}
            )
            function = click.option(
                entry.option,
                entry.name,
                type=click.STRING,
                envvar=entry.env,
                show_envvar=True,
                **(required or {"default": default}),
                show_default=shown,
                multiple=entry.spec.multiple,
                metavar=entry.spec.metavar,
                help=entry.spec.help,
            )(function)
        return function

    return decorate


def build(make: Callable[[], T]) -> T:
    """Call ``make``, turning each way the settings can be wrong into a one-line usage error.

    Raises:
        SettingsError: the rules do not load, the database cannot be used, or a setting is invalid;
            the message starts with the option at fault when there is one.
    """
    try:
        return make()
    except RulesError as error:
        raise SettingsError(f"{option_of('rules')}: {first_problem(error.problems)}") from None
    except GeoIPDatabaseError as error:
        raise SettingsError(f"{option_of('geoip_db')}: {one_line(error)}") from None
    except ConfigError as error:
        raise SettingsError(one_line(error.describe(option_of))) from None
    except ValueError as error:
        raise SettingsError(one_line(error)) from None


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
