"""geonotice: ASGI middleware that adds legally required notices to article pages for readers in
the jurisdictions that require them.

The data flows one way: request → reader's region (``locate``) → applicable notices (``rules``)
→ rewritten response (``inject``), glued together by ``middleware``.
"""

from __future__ import annotations

from geonotice.errors import ConfigError, GeoIPDatabaseError, GeoNoticeError, RulesError
from geonotice.region import ANONYMOUS, UNKNOWN, Region

__all__ = [
    "ANONYMOUS",
    "UNKNOWN",
    "ConfigError",
    "GeoIPDatabaseError",
    "GeoNoticeError",
    "Region",
    "RulesError",
]
