"""How policy runs and ``explain`` reach the real locator and middleware.

Readers given by CDN headers (and, end to end, readers given by region) must arrive the way
production traffic does: from a proxy the locator trusts, which wrote those headers. ``PROXY`` is
that stand-in proxy, the same for every tool. ``SetUps`` builds what a run needs (a locator per
database, a middleware per way of reaching the app) once, and remembers why one could not be
built, so every case that needs it fails with the same reason instead of building it again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from geonotice.errors import GeoNoticeError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class StandInProxy:
    """The proxy readers are pretended to come through: a loopback address the locator trusts."""

    address: str = "127.0.0.1"
    port: int = 12345

    @property
    def client(self) -> tuple[str, int]:
        """The ASGI ``client`` of a request the proxy forwards."""
        return (self.address, self.port)

    @property
    def trusted_proxies(self) -> tuple[str, ...]:
        """The ``trusted_proxies`` setting under which its headers are believed."""
        return (self.address,)

    def scope(self, headers: Iterable[tuple[str, str]]) -> dict[str, Any]:
        """An HTTP request scope arriving through the proxy with ``headers``, as an ASGI server
        hands it over: names lower-cased, names and values as Latin-1 bytes."""
        raw = [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]
        return {"type": "http", "client": self.client, "headers": raw}


PROXY = StandInProxy()


class SetUp(NamedTuple, Generic[T]):
    """A thing a run built, or why it could not be built (then ``value`` is ``None``)."""

    value: T | None
    problem: str = ""


class SetUps(Generic[T]):
    """Things built once per key for a whole run, failures included.

    ``problem`` prefixes the error of a failed build (``"the middleware could not be set up: "``).
    """

    def __init__(self, problem: str = "") -> None:
        self._problem = problem
        self._built: dict[object, SetUp[T]] = {}

    def get(self, key: object, build: Callable[[], T]) -> SetUp[T]:
        """The set-up for ``key``, built by ``build`` the first time; a ``GeoNoticeError`` from
        ``build`` (a bad database, a bad setting) becomes the set-up's problem, never raised."""
        found = self._built.get(key)
        if found is None:
            try:
                found = SetUp(build())
            except GeoNoticeError as error:
                found = SetUp(None, f"{self._problem}{error}")
            self._built[key] = found
        return found

    def built(self) -> Iterator[T]:
        """Everything built so far, to close at the end of the run."""
        return (setup.value for setup in self._built.values() if setup.value is not None)
