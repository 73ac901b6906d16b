"""Serving the metrics: ``metrics_app`` to mount, and the server behind ``run --metrics-port``.

By default the middleware reports into ``REGISTRY``, a registry of geonotice's own (not
prometheus-client's global one, so that an application never exports geonotice's metrics twice
by accident); ``metrics_registry=`` names the application's registry instead.

Several worker processes (``run --workers N``, gunicorn) each count their own responses. With
``PROMETHEUS_MULTIPROC_DIR`` set, in the environment of every worker before it starts, each
worker writes its values to files in that directory, and ``exposed`` collects every worker's
files instead of one process's memory, so that whichever process answers the scrape, the
counts add up. The directory must be emptied before the workers start (``run`` does both).
"""

from __future__ import annotations

import gzip
import os
import shutil
import socket
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

from prometheus_client import CollectorRegistry, exposition
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from starlette.types import Receive, Scope, Send

__all__ = [
    "MULTIPROCESS_ENV",
    "REGISTRY",
    "exposed",
    "metrics_app",
    "multiprocess_directory",
    "serve_metrics",
]

MULTIPROCESS_ENV = "PROMETHEUS_MULTIPROC_DIR"

REGISTRY = CollectorRegistry(auto_describe=True)
"""The registry the middleware reports into unless told otherwise (``metrics_registry``)."""


def exposed(registry: Collector = REGISTRY) -> Collector:
    """What to serve for ``registry``: every worker's values in multiprocess mode, else its own."""
    directory = os.environ.get(MULTIPROCESS_ENV)
    if not directory:
        return registry
    merged = CollectorRegistry()
    MultiProcessCollector(merged, path=directory)  # type: ignore[no-untyped-call]
    return merged


class MetricsApp:
    """An ASGI application that serves the exposition of a registry, as Prometheus asks for it
    (text, or OpenMetrics by ``Accept``; gzip by ``Accept-Encoding``). Mount it anywhere:
    ``Mount("/metrics", app=metrics_app)``. Lifespan events are acknowledged."""

    def __init__(self, registry: Collector = REGISTRY) -> None:
        self.registry = registry

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] != "http":
            raise RuntimeError(f"the metrics app serves HTTP, not {scope['type']!r}")
        accept = b",".join(value for key, value in scope["headers"] if key == b"accept")
        encodings = b",".join(value for key, value in scope["headers"] if key == b"accept-encoding")
        encoder, content_type = exposition.choose_encoder(accept.decode("latin-1"))
        body = encoder(exposed(self.registry))
        headers = [(b"content-type", content_type.encode("latin-1"))]
        if b"gzip" in encodings.lower():
            body = gzip.compress(body, 6)
            headers.append((b"content-encoding", b"gzip"))
        headers.append((b"content-length", str(len(body)).encode("latin-1")))
        await send({"type": "http.response.start", "status": 200, "headers": headers})
        await send({"type": "http.response.body", "body": body})


metrics_app = MetricsApp()
"""geonotice's metrics as an ASGI app to mount: ``from geonotice import metrics_app``."""


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:  # scrapes are not worth a log line
        pass


def _only_metrics(registry: Collector) -> Any:
    app = exposition.make_wsgi_app(registry)

    def serve(environ: dict[str, Any], start_response: Any) -> Any:
        if environ.get("PATH_INFO") != "/metrics":
            start_response("404 Not Found", [("Content-Type", "text/plain")])
            return [b"metrics are at /metrics\n"]
        return app(environ, start_response)

    return serve


def serve_metrics(host: str, port: int, registry: Collector = REGISTRY) -> tuple[Any, int]:
    """Serve ``/metrics`` for ``registry`` on a daemon thread; returns the server (``shutdown()``
    stops it) and the port it listens on.

    Raises:
        OSError: the address cannot be bound.
    """

    class Server(exposition.ThreadingWSGIServer):
        address_family = socket.AF_INET6 if ":" in host else socket.AF_INET

    server = make_server(host, port, _only_metrics(exposed(registry)), Server, handler_class=_QuietHandler)
    threading.Thread(target=server.serve_forever, name="geonotice-metrics", daemon=True).start()
    return server, int(server.server_port)


@contextmanager
def multiprocess_directory() -> Iterator[Path]:
    """Multiprocess mode for the worker processes about to start: ``PROMETHEUS_MULTIPROC_DIR``
    as given (emptied of old values first), or a new temporary directory removed afterwards."""
    given = os.environ.get(MULTIPROCESS_ENV)
    if given:
        directory = Path(given)
        directory.mkdir(parents=True, exist_ok=True)
        for stale in directory.glob("*.db"):
            stale.unlink()
        yield directory
        return
    directory = Path(tempfile.mkdtemp(prefix="geonotice-metrics-"))
    os.environ[MULTIPROCESS_ENV] = str(directory)
    try:
        yield directory
    finally:
        os.environ.pop(MULTIPROCESS_ENV, None)
        shutil.rmtree(directory, ignore_errors=True)
