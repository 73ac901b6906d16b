"""Serving an ASGI app with a real uvicorn on loopback, on a thread: for tests and benchmarks."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager

import uvicorn
from starlette.types import ASGIApp

from support.polling import wait_until


@contextmanager
def serving(app: ASGIApp) -> Iterator[str]:
    """``with serving(app) as url:`` serves ``app`` on a free loopback port until the block ends."""
    # proxy_headers=False: uvicorn would otherwise rewrite the client from X-Forwarded-For itself
    # (before geonotice sees the request), and geonotice must see the real peer.
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, log_level="warning", lifespan="off", proxy_headers=False
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    wait_until(lambda: server.started or not thread.is_alive(), "uvicorn did not start", timeout=20)
    if not server.started:
        raise RuntimeError("uvicorn stopped before it started serving")
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
