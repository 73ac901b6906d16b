"""Every setting of geonotice, declared once: the fields of ``Settings``.

A field is a setting. Its ``Setting`` metadata says how people give it and how it is checked:
the middleware's keyword is the field's name (``trusted_proxies``), the command-line option is
derived from it (``--trusted-proxy`` where the default does not read well) for the commands in
``commands``, the environment variable is ``GEONOTICE_`` and the name in capitals, and
``coerce`` turns what was given, text from a command line or the environment or a Python value,
into the setting's value, or raises ``ConfigError``/``ValueError`` saying why.

``GeoNoticeMiddleware``'s keyword arguments, the options of ``geonotice run`` (and those
``geonotice demo`` shares), the ``GEONOTICE_*`` variables and the hand-over of the checked
settings to the worker processes of ``run --workers`` are all made from these fields, so a new
setting is one new field here. Checks that involve several settings belong to whoever needs
them together (the middleware checks that readers can be located at all).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from prometheus_client import CollectorRegistry

from geonotice.edge.origin import header_name
from geonotice.errors import ConfigError
from geonotice.inject.metrics import NoticeMetrics, PlacementCounts
from geonotice.inject.outcomes import PlacementMiss
from geonotice.locate import PRESETS, GeoHeaders, TrustedProxies
from geonotice.observe.exposition import REGISTRY
from geonotice.rules.model import Ruleset

__all__ = ["SETTINGS", "Setting", "SettingField", "Settings", "blame", "option_of"]

RUN = "run"
DEMO = "demo"


@dataclass(frozen=True, slots=True)
class Setting:
    """How a setting is given and checked (the metadata of a ``Settings`` field).

    ``coerce`` accepts the setting's text form (an option or environment value) and its Python
    values, and returns the value to keep; it must accept what it returns. ``text`` is the
    inverse, the text form of a value. ``commands`` are the ``geonotice`` commands offering it as
    an option; ``middleware`` says whether ``GeoNoticeMiddleware`` takes it (server settings such
    as the port do not). ``option`` overrides the derived option name; ``multiple`` makes the
    option repeatable.
    """

    help: str
    coerce: Callable[[Any], Any]
    text: Callable[[Any], str] = str
    commands: frozenset[str] = frozenset()
    middleware: bool = True
    option: str = ""
    metavar: str | None = None
    multiple: bool = False


def setting(
    *,
    help: str,
    coerce: Callable[[Any], Any],
    default: Any = dataclasses.MISSING,
    default_factory: Callable[[], Any] | None = None,
    commands: Iterable[str] = (),
    **spec: Any,
) -> Any:
    """A ``Settings`` field carrying its ``Setting``; without a default the setting is required."""
    metadata = {"setting": Setting(help=help, coerce=coerce, commands=frozenset(commands), **spec)}
    if default_factory is not None:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


# -- coercions: text or Python value in, the setting's value out ---------------------------------


def _path(value: str | Path) -> Path:
    if not isinstance(value, str | Path) or not str(value).strip():
        raise ValueError(f"expected a file or directory, got {value!r}")
    return Path(value).expanduser()


def _rules(value: str | Path | Ruleset) -> Path | Ruleset:
    return value if isinstance(value, Ruleset) else _path(value)


def _optional_path(value: str | Path | None) -> Path | None:
    return None if value is None else _path(value)


def _proxies(value: str | Iterable[str]) -> tuple[str, ...]:
    """Proxy lists as people write them: a sequence, repeated options, spaces or commas."""
    try:
        items = [value] if isinstance(value, str) else list(value)
    except TypeError:
        raise ValueError(f"expected addresses and networks, got {value!r}") from None
    entries = tuple(part for item in items for part in str(item).replace(",", " ").split())
    TrustedProxies(entries)  # raises ConfigError naming the first malformed entry
    return entries


def _geo_headers(value: str | GeoHeaders | None) -> GeoHeaders | None:
    if value is None or isinstance(value, GeoHeaders):
        return value
    text = str(value).strip()
    if "=" not in text:
        preset = PRESETS.get(text.lower())
        if preset is None:
            names = ", ".join(repr(name) for name in PRESETS)
            raise ConfigError(
                f"unknown preset {text!r}; use one of {names}, or name the headers, as in "
                "'country=X-Country,region=X-Region'"
            )
        return preset
    fields: dict[str, str] = {}
    for part in text.split(","):
        key, _, header = part.partition("=")
        if key.strip() not in ("country", "region") or not header.strip():
            raise ConfigError(f"{text!r}: expected a preset or 'country=HEADER[,region=HEADER]'")
        fields[key.strip()] = header.strip()
    if "country" not in fields:
        raise ConfigError(f"{text!r}: a country header is required")
    return GeoHeaders(country=fields["country"], region=fields.get("region"))


def _geo_headers_text(value: GeoHeaders) -> str:
    if PRESETS.get(value.name) == value:
        return value.name
    return f"country={value.country}" + (f",region={value.region}" if value.region else "")


def _choice(*choices: str) -> Callable[[str], str]:
    """Accepts one of ``choices`` in any case, and returns it as spelled there."""
    by_key = {choice.lower(): choice for choice in choices}

    def coerce(value: str) -> str:
        found = by_key.get(str(value).strip().lower())
        if found is None:
            raise ValueError(f"{value!r} is not one of {', '.join(choices)}")
        return found

    return coerce


def _integer(low: int, high: int | None = None) -> Callable[[int | str], int]:
    def coerce(value: int | str) -> int:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise ValueError(f"{value!r} is not a whole number") from None
        if number < low or (high is not None and number > high):
            bounds = f"from {low} to {high}" if high is not None else f"at least {low}"
            raise ValueError(f"{number} is out of range: it must be {bounds}")
        return number

    return coerce


def _seconds(value: float | str) -> float:
    try:
        seconds = float(value)
    except (TypeError, ValueError):
        raise ValueError(f"{value!r} is not a number of seconds") from None
    if not seconds > 0:  # also refuses NaN
        raise ValueError(f"must be a positive number of seconds, not {value!r}")
    return seconds


def _host(value: str) -> str:
    if not str(value).strip():
        raise ValueError("give an address or host name")
    return str(value).strip()


def _function(what: str) -> Callable[[Any], Any]:
    def coerce(value: Any) -> Any:
        if value is not None and not callable(value):
            raise ValueError(f"expected {what}, got {value!r}")
        return value

    return coerce


def _metrics(value: NoticeMetrics) -> NoticeMetrics:
    if not callable(getattr(value, "notices_served", None)):
        raise ValueError(f"expected an object with a notices_served method (a NoticeMetrics), got {value!r}")
    return value


def _window(value: int | str) -> int:
    seconds = _integer(1, 86_400)(value)
    if 86_400 % seconds:
        raise ValueError(f"{seconds} does not divide a day into whole windows (3600 does: an hour)")
    return seconds


def _header_or_off(value: str | None) -> str:
    """A response header name, or ``""`` for none (given as ``None``, empty, ``off`` or ``none``)."""
    text = "" if value is None else str(value).strip()
    if text.lower() in ("", "off", "none"):
        return ""
    return header_name(text) or ""


def _registry(value: CollectorRegistry | None) -> CollectorRegistry | None:
    if value is not None and not isinstance(value, CollectorRegistry):
        raise ValueError(f"expected a prometheus_client CollectorRegistry or None, got {value!r}")
    return value


def _optional_port(value: int | str | None) -> int | None:
    return None if value is None or value == "" else _integer(0, 65535)(value)


# -- the settings -------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class Settings:
    """The settings of one geonotice middleware and of the server ``geonotice`` runs it in.

    Build it with keywords, Python values or their text forms; every value is checked and
    normalized on construction (a list of proxies becomes a tuple, a preset name a
    ``GeoHeaders``). ``GeoNoticeMiddleware(app, settings)`` takes one, as does
    ``GeoNoticeMiddleware(app, rules=..., ...)`` with the same keywords.

    Raises:
        ConfigError: a value is invalid; ``error.setting`` names the field.
    """

    rules: str | Path | Ruleset = setting(
        help="Rules file or directory; reloaded without a restart when it changes.",
        coerce=_rules,
        commands=(RUN, DEMO),
        metavar="PATH",
    )
    geoip_db: str | Path | None = setting(
        default=None,
        help="MaxMind-format City or Country database (GeoIP2, GeoLite2, DB-IP); reopened when replaced.",
        coerce=_optional_path,
        commands=(RUN,),
        metavar="PATH",
    )
    trusted_proxies: Sequence[str] = setting(
        default=(),
        help="A proxy or CDN network whose forwarding and geo headers are believed. Repeatable; the "
        "environment variable takes a space- or comma-separated list.",
        coerce=_proxies,
        text=" ".join,
        commands=(RUN,),
        option="--trusted-proxy",
        metavar="ADDRESS|CIDR",
        multiple=True,
    )
    geo_headers: str | GeoHeaders | None = setting(
        default=None,
        help="Read the region from CDN headers sent by a trusted proxy: cloudflare, cloudfront, vercel, "
        "appengine, or custom header names.",
        coerce=_geo_headers,
        text=_geo_headers_text,
        commands=(RUN,),
        metavar="PRESET|country=H[,region=H]",
    )
    forwarded_header: str = setting(
        default="X-Forwarded-For",
        help="The one forwarding header the trusted proxies write (the other is ignored).",
        coerce=_choice("X-Forwarded-For", "Forwarded"),
        commands=(RUN,),
        metavar="[X-Forwarded-For|Forwarded]",
    )
    reload_interval: float = setting(
        default=2.0,
        help="Seconds between checks of the rules and database files for changes.",
        coerce=_seconds,
        commands=(RUN,),
        metavar="SECONDS",
    )
    clock: Callable[[], dt.datetime] | None = setting(
        default=None,
        help="Where the current time comes from, for the notices' date windows (default: the system "
        "clock, in UTC). Policy tests use it to serve a page as of a given date.",
        coerce=_function("a function returning the current time"),
    )
    on_miss: Callable[[PlacementMiss], None] | None = setting(
        default=None,
        help="Called with a PlacementMiss for each group of notices not placed as the rules ask "
        "(placed at a fallback, or not at all), besides the warning logged.",
        coerce=_function("a function taking a PlacementMiss"),
    )
    metrics: NoticeMetrics | None = setting(
        default_factory=PlacementCounts,
        help="Receives what became of every covered response's notices (a NoticeMetrics); by "
        "default a PlacementCounts of this middleware; None counts nothing.",
        coerce=_metrics,
    )
    host: str = setting(
        default="127.0.0.1",
        help="Address to listen on.",
        coerce=_host,
        commands=(RUN, DEMO),
        middleware=False,
        metavar="ADDRESS",
    )
    port: int = setting(
        default=8000,
        help="Port to listen on (0: any free port).",
        coerce=_integer(0, 65535),
        commands=(RUN, DEMO),
        middleware=False,
        metavar="PORT",
    )
    workers: int = setting(
        default=1,
        help="Worker processes; each holds its own copy of the rules and database, nothing is shared.",
        coerce=_integer(1),
        commands=(RUN,),
        middleware=False,
        metavar="N",
    )
    log_level: str = setting(
        default="info",
        help="How much the server logs.",
        coerce=_choice("critical", "error", "warning", "info", "debug"),
        commands=(RUN, DEMO),
        middleware=False,
        metavar="[critical|error|warning|info|debug]",
    )
    variant_header: str | None = setting(
        default=None,
        help="Believe the reader's variant from this request header (Geonotice-Variant) when a trusted "
        "proxy sends it, as the configs of geonotice edge-config do: covered pages then vary on it and "
        "stay cacheable by the edge.",
        coerce=header_name,
        commands=(RUN,),
        metavar="HEADER",
    )
    evidence_log: str | Path | None = setting(
        default=None,
        help="Append the evidence record here: per hour, notice, jurisdiction and outcome, how many "
        "notices went out, and every rules version and GeoIP database that went live. It never "
        "identifies a reader. Several workers may share one file.",
        coerce=_optional_path,
        commands=(RUN,),
        metavar="PATH",
    )
    evidence_window: int = setting(
        default=3600,
        help="Seconds the evidence record counts together (a divisor of a day). Shorter windows tell "
        "more about when readers came; keep an hour or longer.",
        coerce=_window,
        commands=(RUN,),
        metavar="SECONDS",
    )
    version_header: str = setting(
        default="Legal-Notices-Version",
        help="Response header giving covered pages the rules version that decided them ('' or 'off': none).",
        coerce=_header_or_off,
        commands=(RUN,),
        metavar="NAME",
    )
    metrics_registry: CollectorRegistry | None = setting(
        default=REGISTRY,
        help="The Prometheus registry the metrics go to: geonotice's own by default (served by "
        "geonotice.metrics_app and run --metrics-port), the application's own, or None for none.",
        coerce=_registry,
    )
    metrics_port: int | None = setting(
        default=None,
        help="Serve the Prometheus metrics at /metrics on this port too, on the same address "
        "(0: any free port); every worker's counts together.",
        coerce=_optional_port,
        commands=(RUN,),
        middleware=False,
        metavar="PORT",
    )

    def __post_init__(self) -> None:
        for entry in SETTINGS.values():
            value = getattr(self, entry.name)
            if value is None and not entry.required and entry.default is None:
                continue
            try:
                value = entry.spec.coerce(value)
            except (ConfigError, ValueError) as error:
                raise blame(error, entry.name) from None
            object.__setattr__(self, entry.name, value)

    def as_text(self) -> dict[str, str]:
        """The settings the commands take, in their text form (what ``Settings(**text)`` reads)."""
        return {
            entry.name: entry.spec.text(value)
            for entry in SETTINGS.values()
            if entry.spec.commands and (value := getattr(self, entry.name)) is not None
        }

    @classmethod
    def for_middleware(cls, settings: Settings | None, options: dict[str, Any]) -> Settings:
        """``settings`` with ``options`` (keyword arguments of the middleware) applied.

        Raises:
            ConfigError: an option is not a setting of the middleware, a required one is
                missing, or a value is invalid.
        """
        for name in options:
            entry = SETTINGS.get(name)
            if entry is None:
                close = difflib.get_close_matches(name, MIDDLEWARE_SETTINGS, n=1)
                hint = f" (did you mean {close[0]!r}?)" if close else ""
                raise ConfigError(f"unknown setting {name!r}{hint}")
            if not entry.spec.middleware:
                raise ConfigError("a setting of the geonotice command, not of the middleware", setting=name)
        if settings is not None:
            return dataclasses.replace(settings, **options)
        missing = [e.name for e in SETTINGS.values() if e.required and e.name not in options]
        if missing:
            raise ConfigError("this setting is required", setting=missing[0])
        return cls(**options)


@dataclass(frozen=True, slots=True)
class SettingField:
    """A field of ``Settings`` with its ``Setting``: what the command line is built from.

    ``default`` is ``None`` for a required setting and for one whose default is made per
    ``Settings`` (``metrics``); ``required`` tells them apart.
    """

    name: str
    spec: Setting
    default: Any
    required: bool

    @property
    def option(self) -> str:
        return self.spec.option or "--" + self.name.replace("_", "-")

    @property
    def env(self) -> str:
        return "GEONOTICE_" + self.name.upper()


def _field(field: dataclasses.Field[Any]) -> SettingField:
    has_default = field.default is not dataclasses.MISSING
    required = not has_default and field.default_factory is dataclasses.MISSING
    default = field.default if has_default else None
    return SettingField(field.name, field.metadata["setting"], default, required)


SETTINGS: dict[str, SettingField] = {field.name: _field(field) for field in dataclasses.fields(Settings)}
"""Every setting by name, in the order of the fields."""

MIDDLEWARE_SETTINGS = tuple(name for name, entry in SETTINGS.items() if entry.spec.middleware)


def option_of(name: str) -> str:
    """A setting as the command line names it: its option (``--trusted-proxy``)."""
    entry = SETTINGS.get(name)
    return entry.option if entry is not None else name


def blame(error: Exception, name: str) -> ConfigError:
    """``error`` as the fault of the setting ``name``, unless it names its setting already (the
    layers below raise ``ConfigError(reason, setting=...)``), so that each front end can put the
    name in its own spelling (``describe``)."""
    if isinstance(error, ConfigError) and error.setting is not None:
        return error
    reason = error.reason if isinstance(error, ConfigError) else str(error)
    return ConfigError(reason, setting=name)
