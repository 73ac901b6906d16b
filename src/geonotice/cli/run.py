"""``geonotice run MODULE:APP``: serve any ASGI application wrapped in geonotice, with uvicorn."""

from __future__ import annotations

import atexit
import contextlib
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, NamedTuple

import click
import uvicorn
from prometheus_client.multiprocess import mark_process_dead
from starlette.types import ASGIApp

from geonotice.cli._common import SettingsError, import_app_from
from geonotice.cli._serving import bind, build, close, serve, setting_options, url_of
from geonotice.errors import ConfigError
from geonotice.observe.exposition import MULTIPROCESS_ENV, multiprocess_directory, serve_metrics
from geonotice.settings import RUN, Settings

# How ``run --workers N`` hands the application and its checked settings to the worker
# processes, which build their own middleware through ``worker_app`` (uvicorn needs an import
# string to start workers).
_WORKER_SETTINGS = "GEONOTICE_WORKER_SETTINGS"


class Target(NamedTuple):
    """The application to serve, as the command line names it."""

    spec: str
    app_dir: str
    factory: bool


@click.command("run")
@click.argument("app", metavar="MODULE:APP", envvar="GEONOTICE_APP")
@setting_options(RUN)
@click.option(
    "--app-dir",
    envvar="GEONOTICE_APP_DIR",
    show_envvar=True,
    default=".",
    show_default=True,
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    help="Directory to import MODULE from.",
)
@click.option("--factory", is_flag=True, help="APP is a function that returns the application.")
def run_command(app: str, app_dir: Path, factory: bool, **options: Any) -> None:
    """Serve the ASGI application MODULE:APP wrapped in geonotice, with uvicorn.

    Every option can also come from the environment, for containers: GEONOTICE_ and the setting's
    name (GEONOTICE_GEOIP_DB, GEONOTICE_TRUSTED_PROXIES, ...), and GEONOTICE_APP for MODULE:APP.
    """
    settings = build(lambda: Settings(**options))
    target = Target(app, str(app_dir.resolve()), factory)
    wrapped = wrap(target, settings)
    sock = bind(settings.host, settings.port)
    click.echo(f"geonotice: serving {app} on {url_of(settings.host, sock)} ({settings.workers} worker(s))")
    config_args: dict[str, Any] = {
        "log_level": settings.log_level,
        "proxy_headers": False,
        "workers": settings.workers,
    }
    if settings.workers == 1:
        with contextlib.closing(sock), metrics_server(settings):
            serve(uvicorn.Config(wrapped, **config_args), sock)
        return
    # The checked middleware was only a test of the settings: each worker builds its own.
    close(wrapped)
    os.environ[_WORKER_SETTINGS] = json.dumps({"target": target, "settings": settings.as_text()})
    config = uvicorn.Config(f"{__name__}:worker_app", factory=True, **config_args)
    from uvicorn.supervisors import Multiprocess

    # Every worker counts in its own process: with a metrics port, they write their values to
    # files that this process, which serves /metrics, adds up (prometheus-client's multiprocess
    # mode; the variable must be set before the workers start).
    with contextlib.ExitStack() as stack:
        stack.enter_context(contextlib.closing(sock))
        if settings.metrics_port is not None:
            stack.enter_context(multiprocess_directory())
        stack.enter_context(metrics_server(settings))
        Multiprocess(config, sockets=[sock]).run()


@contextlib.contextmanager
def metrics_server(settings: Settings) -> Iterator[None]:
    """Serve ``/metrics`` on ``settings.metrics_port`` (if given) while the server runs.

    Raises:
        SettingsError: the port cannot be bound.
    """
    if settings.metrics_port is None:
        yield
        return
    try:
        server, port = serve_metrics(settings.host, settings.metrics_port)
    except OSError as error:
        raise SettingsError(
            f"--metrics-port: cannot listen on {settings.host}:{settings.metrics_port}: "
            f"{error.strerror or error}"
        ) from None
    shown = f"[{settings.host}]" if ":" in settings.host else settings.host
    click.echo(f"geonotice: metrics on http://{shown}:{port}/metrics")
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()


def wrap(target: Target, settings: Settings) -> ASGIApp:
    """Import the application and wrap it, turning every failure into a one-line usage error.

    Raises:
        SettingsError: the application cannot be imported, or a setting is invalid.
    """
    try:
        app = import_app_from(target.spec, target.app_dir, factory=target.factory)
    except ConfigError as error:
        raise SettingsError(f"MODULE:APP: {error}") from None
    from geonotice.middleware import GeoNoticeMiddleware

    return build(lambda: GeoNoticeMiddleware(app, settings))


def worker_app() -> ASGIApp:
    """The application of one ``run --workers N`` process, from the settings its parent checked."""
    handed = json.loads(os.environ[_WORKER_SETTINGS])
    if os.environ.get(MULTIPROCESS_ENV):
        # A worker that stops takes its live gauges (rules version, database date) with it.
        atexit.register(mark_process_dead, os.getpid())
    return wrap(Target(*handed["target"]), Settings(**handed["settings"]))
