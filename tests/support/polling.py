"""Waiting for something that happens on another thread or in another process (a reload, a
server starting): one bounded loop, so that a wait that runs out always fails the test.

The default bound is generous (30 s) because CI runs the suite once, on a machine others may be
loading: a wait only takes that long when what it waits for is broken."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")


def wait_until(
    predicate: Callable[[], T], message: str, *, timeout: float = 30.0, interval: float = 0.02
) -> T:
    """Call ``predicate`` until it returns something true, and return that.

    Raises:
        AssertionError: ``timeout`` seconds passed first; the error says ``message``, which
            should name what did not happen ("the edited rules were not served").
    """
    deadline = time.monotonic() + timeout
    while True:
        result = predicate()
        if result:
            return result
        if time.monotonic() >= deadline:
            raise AssertionError(f"{message} (waited {timeout:g} s)")
        time.sleep(interval)
