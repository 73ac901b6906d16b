"""``explain``: who sees what, and why, for one reader on one page, as data for a formatter.

The reader is placed the way production would place them (``Locator``), the engine says why each
notice applies or not, and each shown notice gets its language with the reason it was chosen.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from geonotice.inject.fragment import parse_accept_language
from geonotice.locate import GeoHeaders, Location, Locator, Source
from geonotice.policy.harness import PROXY
from geonotice.policy.shown import plain_text
from geonotice.region import Region, named
from geonotice.rules import Engine, Explanation
from geonotice.rules.languages import language_preferences, notice_language, serves
from geonotice.rules.model import Notice, Ruleset
from geonotice.rules.moments import format_timestamp
from geonotice.rules.variants import UNDECIDED, variants_of


@dataclass(frozen=True, slots=True)
class ShownNotice:
    notice: Notice
    language: str
    language_reason: str

    @property
    def html(self) -> str:
        return self.notice.texts.get(self.language, "")


@dataclass(frozen=True, slots=True)
class ReaderReport:
    """Everything ``geonotice explain`` prints: the reader's location, the page, every notice
    considered with its reasons, and the notices shown with their language."""

    location: Location
    url: str
    language: str | None
    explanation: Explanation
    shown: tuple[ShownNotice, ...]
    variant: str = ""  # what an edge with the table of these rules sends for this reader
    ruleset: Ruleset | None = None  # the rules version that decided


def locate_region(region: Region, given: str) -> Location:
    """A reader given by region: ``given`` is what was typed (``ua-43``, ``Sevastopol``), said
    back with the code it was taken for when they differ."""
    code = str(region)
    detail = f"given as {code}" if given == code else f"given as {given!r}, taken as {named(code)}"
    return Location(region, None, Source.GIVEN, detail)


def locate_ip(ip: str, geoip_db: str | Path) -> Location:
    """Place an address with the database, as the middleware would for a direct connection.

    Raises:
        GeoIPDatabaseError: the database is missing, corrupt or of an unsuitable kind.
    """
    locator = Locator(geoip_db=geoip_db)
    try:
        return locator.explain_address(ip)
    finally:
        locator.stop()


def locate_headers(
    headers: Sequence[tuple[str, str]], geo: GeoHeaders, geoip_db: str | Path | None = None
) -> Location:
    """Place a reader by CDN headers, as the middleware would behind that CDN (a trusted proxy).

    Raises:
        GeoIPDatabaseError: ``geoip_db`` is given and cannot be used.
    """
    locator = Locator(geo_headers=geo, trusted_proxies=PROXY.trusted_proxies, geoip_db=geoip_db)
    try:
        return locator.explain(PROXY.scope(headers))
    finally:
        locator.stop()


def explain_reader(
    engine: Engine,
    location: Location,
    url: str,
    path: str,
    host: str | None,
    *,
    language: str | None = None,
    at: dt.datetime | None = None,
) -> ReaderReport:
    """Why each notice applies or not to this reader on this page, and what would be shown.

    ``language`` is the reader's ``Accept-Language`` (``uk-UA,uk;q=0.9,ru;q=0.8``, or one tag).
    Draft notices are explained when ``engine`` includes them, and never counted as shown.
    """
    explanation = engine.explain(location.region, path, host, at)
    accepted = parse_accept_language(language)
    shown = tuple(
        _shown(item.notice, explanation.page_language, accepted)
        for item in explanation.notices
        if item.applies and not item.notice.draft
    )
    variant = variants_of(engine.ruleset, explanation.at, engine=engine).variant_of(location.region)
    return ReaderReport(location, url, language, explanation, shown, variant, engine.ruleset)


def _shown(notice: Notice, page_language: str | None, accepted: Sequence[str]) -> ShownNotice:
    """The notice in the language it is shown in (as the injector chooses it for a page without
    its own ``<html lang>``), and why, in words."""
    language = notice_language(notice, language_preferences(page_language=page_language, accepted=accepted))
    # The words follow the choice, never make it: the first wanted language the chosen one serves
    # is the one that chose it.
    tried = []
    for wanted, source in (
        (page_language, "the page's language"),
        *((tag, "the reader's language") for tag in accepted),
    ):
        if not wanted:
            continue
        if serves(language, wanted):
            as_ = "" if language == wanted else f" (as {language})"
            return ShownNotice(notice, language, f"{source}, {wanted}{as_}")
        tried.append(f"no {wanted} text ({source})")
    reason = "the notice's default language" + (f": {'; '.join(tried)}" if tried else "")
    return ShownNotice(notice, language, reason)


def format_text(report: ReaderReport) -> str:
    location = report.location
    explanation = report.explanation
    out = [f"Reader: {_region(location.region)}"]
    out.append(f"  placed by: {location.source}" + (f" ({location.detail})" if location.detail else ""))
    if location.address:
        out.append(f"  address: {location.address}")
    out.append(f"Page: {report.url}")
    out.append(f"  path: {explanation.path}, host: {explanation.host or '(none)'}")
    out.append(f"  page language: {explanation.page_language or '(none from the rules)'}")
    out.append(f"  reader language: {report.language or '(none given)'}")
    out.append(f"  at: {format_timestamp(explanation.at)}")
    out.append(f"Variant: {report.variant}" + _variant_note(report.variant))
    if report.ruleset is not None:
        files = len(report.ruleset.files)
        out.append(
            f"Rules: version {report.ruleset.version} ({files} file{'' if files == 1 else 's'}, "
            f"sha256 {report.ruleset.digest})"
        )
    out.append("Notices considered:")
    if not explanation.notices:
        out.append("  (the rules have no notices)")
    for item in explanation.notices:
        verdict = "APPLIES" if item.applies else "does not apply"
        if item.notice.draft:
            # A draft is explained as if it were live, and said to be a draft: never served.
            verdict = f"DRAFT (never shown to readers), would {'apply' if item.applies else 'not apply'}"
        title = f" - {item.notice.title}" if item.notice.title else ""
        out.append(f"  {item.notice.id}: {verdict}{title}")
        out += [f"      {'ok ' if r.ok else 'NO '} {r.aspect}: {r.detail}" for r in item.reasons]
    count = len(report.shown)
    out.append(f"Shown: {count} notice{'' if count == 1 else 's'}" + (":" if count else ""))
    for shown in report.shown:
        out.append(f"  {shown.notice.id} in {shown.language} ({shown.language_reason}):")
        out.append(f"      {plain_text(shown.html)}")
    drafts = [item.notice.id for item in explanation.notices if item.applies and item.notice.draft]
    if drafts:
        out.append(f"Not shown, as drafts (status: draft), though they would apply: {', '.join(drafts)}")
    return "\n".join(out)


def format_json(report: ReaderReport) -> str:
    location = report.location
    explanation = report.explanation
    ruleset = report.ruleset
    document = {
        "rules": None
        if ruleset is None
        else {
            "version": ruleset.version,
            "digest": ruleset.digest,
            "files": [{"path": f.path, "digest": f.digest} for f in ruleset.files],
        },
        "reader": {
            "region": str(location.region),
            "country": location.region.country,
            "subdivisions": list(location.region.subdivisions),
            "anonymous": location.region.anonymous,
            "address": location.address,
            "source": location.source,
            "detail": location.detail,
            "variant": report.variant,
        },
        "page": {
            "url": report.url,
            "path": explanation.path,
            "host": explanation.host,
            "page_language": explanation.page_language,
            "reader_language": report.language,
            "at": explanation.at.isoformat().replace("+00:00", "Z"),
        },
        "notices": [
            {
                "id": item.notice.id,
                "applies": item.applies,
                "draft": item.notice.draft,
                "jurisdiction": item.jurisdiction,
                "region_code": item.region_code,
                "excluded_by": item.excluded_by,
                "path_glob": item.path_glob,
                "reasons": [{"aspect": r.aspect, "ok": r.ok, "detail": r.detail} for r in item.reasons],
            }
            for item in explanation.notices
        ],
        "shown": [
            {
                "id": shown.notice.id,
                "language": shown.language,
                "language_reason": shown.language_reason,
                "html": shown.html,
                "text": plain_text(shown.html),
            }
            for shown in report.shown
        ],
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _variant_note(variant: str) -> str:
    if variant == UNDECIDED:
        return " (an edge cannot tell this reader's variant: the origin decides, and the page is private)"
    return " (what an edge with the table of these rules sends; geonotice variants lists them)"


def _region(region: Region) -> str:
    """``UA-43 (Autonomous Republic of Crimea), in UA (Ukraine)``: every code the reader is in."""
    if not region.known or region.country is None:
        return str(region)
    places = [named(code) for code in reversed(region.codes)]
    return ", in ".join(places)
