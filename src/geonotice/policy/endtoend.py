"""Running a policy case end to end: the reader requests the page through the real middleware.

Everything happens in process (``httpx.ASGITransport``), so no server or port is involved. Each
kind of reader reaches the middleware the way production traffic would:

- a reader given by address connects from that address, and the middleware's GeoIP database
  places them;
- a reader given by region code (or unknown, or anonymous) arrives through a trusted proxy that
  sends geo headers, like a CDN would; these header names are private to policy runs;
- a reader given by CDN headers arrives through a trusted proxy sending exactly those headers.

The middleware is built once per set-up and told the case's date through its ``clock``.
"""

from __future__ import annotations

import asyncio
import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from starlette.types import ASGIApp

from geonotice.locate import GeoHeaders
from geonotice.policy.cases import PolicyCase
from geonotice.policy.harness import PROXY, SetUp, SetUps
from geonotice.policy.shown import Shown, notices_in_page
from geonotice.policy.wrappers import AppSlot, Wrapped
from geonotice.region import Region
from geonotice.rules.model import Ruleset
from geonotice.rules.moments import utc

if TYPE_CHECKING:
    from geonotice.middleware import GeoNoticeMiddleware

_GEO = GeoHeaders("X-Policy-Test-Country", "X-Policy-Test-Region", "policy-test", frozenset({"T1"}))
_DEFAULT_ORIGIN = "http://policy.test"


@dataclass(frozen=True, slots=True)
class Fetched:
    """What the page showed: status, the ``Legal-Notices`` header, the notices found in the body
    (and the body itself, for an HTML page)."""

    status: int = 0
    header: str = ""
    shown: tuple[Shown, ...] = ()
    error: str = ""
    page: bytes = b""


class Middlewares:
    """The middlewares of one run around one app, built lazily, one per way of reaching it."""

    def __init__(self, app: ASGIApp | AppSlot, ruleset: Ruleset, geoip_db: Path | None) -> None:
        """Raises ``ConfigError`` when the app has a ``GeoNoticeMiddleware`` of its own that a run
        cannot replace (``AppSlot``)."""
        self.slot = app if isinstance(app, AppSlot) else AppSlot(app)
        self.ruleset = ruleset
        self.geoip_db = geoip_db
        self._at: dt.datetime | None = None
        self._built: SetUps[Wrapped] = SetUps("the middleware could not be set up: ")
        self._runner = asyncio.Runner()

    def close(self) -> None:
        for wrapped in self._built.built():
            wrapped.middleware.close()
        self._runner.close()

    def _clock(self) -> dt.datetime:
        return utc(self._at)

    def _middleware(self, key: object, **options: object) -> SetUp[Wrapped]:
        # Imported here: engine-only runs (and the pytest plugin) need none of the response machinery.
        from geonotice.middleware import GeoNoticeMiddleware

        def build(app: ASGIApp) -> GeoNoticeMiddleware:
            return GeoNoticeMiddleware(app, rules=self.ruleset, clock=self._clock, **options)

        return self._built.get(key, lambda: self.slot.wrap(build))

    def fetch(self, case: PolicyCase, region: Region) -> Fetched:
        """Request the case's page as its reader; never raises (an app error is reported)."""
        reader = case.reader
        headers: dict[str, str] = {}
        client = PROXY.address
        if reader.kind == "ip":
            db = reader.geoip_db or self.geoip_db
            middleware = self._middleware(("ip", db), geoip_db=db)
            client = reader.ip
        elif reader.kind == "headers":
            middleware = self._middleware(
                ("cdn", reader.cdn), geo_headers=reader.cdn, trusted_proxies=PROXY.trusted_proxies
            )
            headers.update(reader.headers)
        else:
            middleware = self._middleware("geo", geo_headers=_GEO, trusted_proxies=PROXY.trusted_proxies)
            if reader.kind == "anonymous":
                headers[_GEO.country] = "T1"
            elif region.country is not None:
                headers[_GEO.country] = region.country
                if region.subdivisions and _GEO.region is not None:
                    headers[_GEO.region] = region.subdivisions[-1]
        if middleware.value is None:
            return Fetched(error=middleware.problem)
        if case.language:
            headers["Accept-Language"] = case.language
        self._at = case.at
        try:
            return self._runner.run(_get(middleware.value.app, client, _absolute(case.url), headers))
        except Exception as error:  # the app's own failure is a finding, not a crash of the run
            return Fetched(error=f"GET {case.url} failed: {type(error).__name__}: {error}")
        finally:
            self._at = None


async def _get(app: ASGIApp, client: str, url: str, headers: dict[str, str]) -> Fetched:
    import httpx  # only end-to-end runs need it: the commands that serve pages start without it

    transport = httpx.ASGITransport(app=app, client=(client, PROXY.port))
    async with httpx.AsyncClient(transport=transport) as http:
        response = await http.get(url, headers=headers)
    media_type = response.headers.get("content-type", "").split(";", 1)[0].strip().lower()
    header = response.headers.get("legal-notices", "")
    if media_type == "text/html":
        shown = notices_in_page(response.text)
        return Fetched(response.status_code, header, shown, page=response.content)
    # Other responses (JSON API answers) carry the notices their own way; the header names them.
    shown = tuple(Shown(id_.strip(), "", "") for id_ in header.split(",") if id_.strip())
    return Fetched(response.status_code, header, shown)


def _absolute(url: str) -> str:
    return url if "://" in url else _DEFAULT_ORIGIN + url
