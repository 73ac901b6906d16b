"""The Django project's ASGI entry point, as ``django-admin startproject`` makes it.

Serve it wrapped, from the repository root:

    geonotice run --app-dir examples django_news.asgi:application --rules rules/ \\
        --geoip-db src/geonotice/demo/demo-city.mmdb --trusted-proxy 127.0.0.1

or wrap it here: ``application = GeoNoticeMiddleware(get_asgi_application(), rules=..., geoip_db=...)``.
"""

from __future__ import annotations

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "django_news.settings")

application = get_asgi_application()
