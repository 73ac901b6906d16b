"""Building ASGI scopes for the locate tests."""

from __future__ import annotations

from typing import Any


def http_scope(
    peer: str | None, headers: list[tuple[str, str]] | None = None, port: int = 50000
) -> dict[str, Any]:
    """An HTTP scope as an ASGI server builds it: lower-case byte header names, in order."""
    return {
        "type": "http",
        "method": "GET",
        "path": "/",
        "client": None if peer is None else (peer, port),
        "headers": [
            (name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers or []
        ],
    }
