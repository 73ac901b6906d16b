"""geonotice: ASGI middleware that adds legally required notices to article pages for readers in
the jurisdictions that require them.

The data flows one way: request → reader's region (``locate``) → applicable notices (``rules``)
→ rewritten response (``inject``), glued together by ``middleware``.
"""

from __future__ import annotations

from geonotice.errors import ConfigError, GeoIPDatabaseError, GeoNoticeError, RulesError
from geonotice.inject import MissReason, NoticeMetrics, PlacementCounts, PlacementMiss, PlacementOutcome
from geonotice.locate import GeoHeaders, Locator
from geonotice.middleware import GeoNoticeMiddleware
from geonotice.observe import metrics_app
from geonotice.region import ANONYMOUS, UNKNOWN, Region
from geonotice.rules import Engine, RulesHolder, check_rules, load_rules
from geonotice.settings import Settings

__all__ = [
    "ANONYMOUS",
    "UNKNOWN",
    "ConfigError",
    "Engine",
    "GeoHeaders",
    "GeoIPDatabaseError",
    "GeoNoticeError",
    "GeoNoticeMiddleware",
    "Locator",
    "MissReason",
    "NoticeMetrics",
    "PlacementCounts",
    "PlacementMiss",
    "PlacementOutcome",
    "Region",
    "RulesError",
    "RulesHolder",
    "Settings",
    "check_rules",
    "load_rules",
    "metrics_app",
]
