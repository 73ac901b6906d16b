"""``Settings``: each setting declared once, checked once, and named as each front end spells it."""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path

import pytest

from geonotice import ConfigError, GeoHeaders, GeoNoticeMiddleware, Settings
from geonotice.inject.outcomes import MissReason, PlacementOutcome
from geonotice.locate import PRESETS
from geonotice.settings import SETTINGS, option_of
from support.readers import READERS

from .test_middleware import ARTICLE, RULES, get, news_app


def test_every_setting_has_help_and_the_commands_name_it_by_option_and_variable() -> None:
    for entry in SETTINGS.values():
        assert entry.spec.help.endswith("."), entry.name
        assert entry.env == "GEONOTICE_" + entry.name.upper()
        assert entry.option.startswith("--") and "_" not in entry.option
    assert option_of("trusted_proxies") == "--trusted-proxy"
    assert option_of("geoip_db") == "--geoip-db"


@pytest.mark.parametrize(
    ("given", "kept"),
    [
        ({"trusted_proxies": "10.0.0.0/8, ::1"}, ("10.0.0.0/8", "::1")),
        ({"trusted_proxies": ["10.0.0.0/8 127.0.0.1"]}, ("10.0.0.0/8", "127.0.0.1")),
        ({"geo_headers": "Cloudflare"}, PRESETS["cloudflare"]),
        ({"geo_headers": "country=X-Country"}, GeoHeaders("X-Country")),
        ({"geo_headers": "country=X-Country, region=X-Region"}, GeoHeaders("X-Country", "X-Region")),
        ({"forwarded_header": "forwarded"}, "Forwarded"),
        ({"reload_interval": "0.5"}, 0.5),
        ({"port": "0"}, 0),
        ({"log_level": "DEBUG"}, "debug"),
        ({"geoip_db": "~/GeoLite2-City.mmdb"}, Path("~/GeoLite2-City.mmdb").expanduser()),
    ],
)
def test_values_are_taken_as_text_or_as_python_values_and_normalized(
    given: dict[str, object], kept: object
) -> None:
    name = next(iter(given))
    assert getattr(Settings(rules=RULES, **given), name) == kept  # type: ignore[arg-type]


def test_the_text_form_carries_every_command_setting_to_a_worker_unchanged() -> None:
    settings = Settings(
        rules=RULES,
        geoip_db="city.mmdb",
        trusted_proxies=("10.0.0.0/8", "::1"),
        geo_headers=GeoHeaders("X-Country", "X-Region"),
        forwarded_header="Forwarded",
        reload_interval=0.25,
        port=0,
        workers=3,
    )
    text = settings.as_text()
    assert all(isinstance(value, str) for value in text.values())
    again = Settings(**text)  # type: ignore[arg-type]
    assert dataclasses.replace(again, metrics=settings.metrics) == settings
    assert Settings(rules=RULES, geo_headers="vercel").as_text()["geo_headers"] == "vercel"


@pytest.mark.parametrize(
    ("options", "setting", "message"),
    [
        (
            {"trusted_proxies": ["10.0.0.0/33"]},
            "trusted_proxies",
            "trusted_proxies: '10.0.0.0/33' is not an IP network",
        ),
        (
            {"trusted_proxies": 10},
            "trusted_proxies",
            "trusted_proxies: expected addresses and networks, got 10",
        ),
        ({"geo_headers": "akamai"}, "geo_headers", "geo_headers: unknown preset 'akamai'"),
        (
            {"geo_headers": "region=X-Region"},
            "geo_headers",
            "geo_headers: 'region=X-Region': a country header",
        ),
        ({"reload_interval": 0}, "reload_interval", "reload_interval: must be a positive number of seconds"),
        (
            {"forwarded_header": "X-Real-IP"},
            "forwarded_header",
            "forwarded_header: 'X-Real-IP' is not one of",
        ),
        ({"on_miss": "log"}, "on_miss", "on_miss: expected a function taking a PlacementMiss"),
        ({"metrics": object()}, "metrics", "metrics: expected an object with a notices_served method"),
        (
            {"geoip_db": None},
            "geoip_db",
            "geoip_db: locating readers needs a GeoIP database, or CDN geo headers (see geo_headers)",
        ),
        (
            {"geoip_db": None, "geo_headers": "cloudflare"},
            "geo_headers",
            "geo_headers: geo headers are only believed from the CDN or proxy addresses listed as trusted",
        ),
        ({"port": 8080}, "port", "port: a setting of the geonotice command, not of the middleware"),
        (
            {"trusted_proxy": ["10.0.0.1"]},
            None,
            "unknown setting 'trusted_proxy' (did you mean 'trusted_proxies'?)",
        ),
    ],
)
def test_a_configuration_error_names_the_setting_as_the_library_spells_it(
    city_db: Path, options: dict[str, object], setting: str | None, message: str
) -> None:
    with pytest.raises(ConfigError) as raised:
        GeoNoticeMiddleware(news_app(), **{"rules": RULES, "geoip_db": city_db, **options})
    assert raised.value.setting == setting
    assert str(raised.value).startswith(message)


def test_the_command_line_spells_the_same_error_with_its_options() -> None:
    error = ConfigError(
        "geo headers need trusted proxies", setting="geo_headers", related=("trusted_proxies",)
    )
    assert str(error) == "geo_headers: geo headers need trusted proxies (see trusted_proxies)"
    assert (
        error.describe(option_of) == "--geo-headers: geo headers need trusted proxies (see --trusted-proxy)"
    )


def test_the_rules_are_required() -> None:
    with pytest.raises(ConfigError, match="^rules: this setting is required$"):
        GeoNoticeMiddleware(news_app(), geoip_db="city.mmdb")


def test_the_middleware_takes_a_settings_value_and_keywords_override_it(city_db: Path) -> None:
    settings = Settings(rules=RULES, geoip_db=city_db, reload_interval=60)
    app = GeoNoticeMiddleware(news_app(), settings, trusted_proxies=["10.0.0.0/8"])
    try:
        assert app.settings.reload_interval == 60
        assert app.settings.trusted_proxies == ("10.0.0.0/8",)
        assert settings.trusted_proxies == ()
    finally:
        app.close()


class RecordingMetrics:
    """A metrics sink of the operator's own: anything with ``notices_served``."""

    def __init__(self) -> None:
        self.reports: list[tuple[tuple[str, ...], PlacementOutcome, MissReason | None]] = []

    def notices_served(
        self, notice_ids: Sequence[str], outcome: PlacementOutcome, reason: MissReason | None
    ) -> None:
        self.reports.append((tuple(notice_ids), outcome, reason))


def test_an_operators_metrics_sink_receives_every_covered_responses_outcome(city_db: Path) -> None:
    metrics = RecordingMetrics()
    app = GeoNoticeMiddleware(news_app(), rules=RULES, geoip_db=city_db, metrics=metrics)
    try:
        assert get(app, ARTICLE, READERS["moscow"]).status_code == 200
    finally:
        app.close()
    assert app.metrics is metrics
    assert metrics.reports == [(("ru-undesirable-organization",), PlacementOutcome.PLACED, None)]
