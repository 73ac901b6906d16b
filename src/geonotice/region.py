"""Where a reader is: an ISO 3166-1 country plus the ISO 3166-2 subdivisions the data gives.

Regions are always held in the full ISO 3166-2 form (``UA-43``, never ``43``), whatever the source,
so that the rules, the database and the CDN headers all speak the same codes. People see them with
their place names (``named("UA-40")`` is ``UA-40 (Sevastopol)``, from ``place_names.py``), and a
code written wrongly is answered with what to write instead (``region_code_problem``).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass

import pycountry

from geonotice.place_names import closest_named, codes_named, place_name

_COUNTRY_SHAPE = re.compile(r"[A-Z]{2}")
_SUBDIVISION_SHAPE = re.compile(r"([A-Z]{2})-([A-Z0-9]{1,3})")
_SUBDIVISION_SUFFIX = re.compile(r"[A-Z0-9]{1,3}")


@dataclass(frozen=True, slots=True)
class Region:
    """A reader's location. ``country`` is ``None`` when it could not be determined.

    ``anonymous`` marks readers whose traffic comes out of an anonymity network (Tor), which a
    CDN reports instead of a country; the rules can target them separately from unknown readers.
    """

    country: str | None = None
    subdivisions: tuple[str, ...] = ()
    anonymous: bool = False

    @property
    def known(self) -> bool:
        return self.country is not None

    @property
    def codes(self) -> tuple[str, ...]:
        """Every code this reader is in, country first, then subdivisions largest to smallest."""
        if self.country is None:
            return ()
        return (self.country, *self.subdivisions)

    def __str__(self) -> str:
        if self.country is None:
            return "anonymous" if self.anonymous else "unknown"
        return self.subdivisions[-1] if self.subdivisions else self.country


UNKNOWN = Region()
ANONYMOUS = Region(anonymous=True)


def subdivision_code(country: str, code: str) -> str | None:
    """Normalize a subdivision as providers send it (``43``, ``ua-43``) to ``UA-43``.

    Returns ``None`` for anything that does not have the shape of an ISO 3166-2 code. This checks
    the shape only: lookups must not reject a code that a newer database knows and pycountry not.
    """
    code = code.strip().upper()
    if _SUBDIVISION_SHAPE.fullmatch(code):
        return code if code.startswith(country + "-") else None
    if _SUBDIVISION_SUFFIX.fullmatch(code):
        return f"{country}-{code}"
    return None


@functools.cache
def _countries() -> frozenset[str]:
    return frozenset(c.alpha_2 for c in pycountry.countries)


@functools.cache
def _subdivisions() -> frozenset[str]:
    return frozenset(s.code for s in pycountry.subdivisions)


@functools.cache
def _alpha_3() -> dict[str, str]:
    return {c.alpha_3: c.alpha_2 for c in pycountry.countries}


def is_region_code(code: str) -> bool:
    """Whether ``code`` is an ISO 3166-1 alpha-2 country or ISO 3166-2 subdivision code."""
    return code in _countries() or code in _subdivisions()


def named(code: str) -> str:
    """``UA-40 (Sevastopol)``: a code with the name of its place, for every message and report
    that shows a code; a code ISO 3166 does not have is shown as it is."""
    name = place_name(code)
    return f"{code} ({name})" if name else code


def named_region(region: Region) -> str:
    """A reader's region for people: ``UA-43 (Autonomous Republic of Crimea)``, ``unknown``."""
    return named(str(region)) if region.known else str(region)


# Codes people write for a place that ISO 3166 codes otherwise: the EU's and the UK's own habits,
# and the codes Russia gave the Ukrainian regions it annexed, which ISO 3166 does not have.
_MISTAKES = {"UK": "GB", "EL": "GR", "RU-CR": "UA-43", "RU-KRY": "UA-43", "RU-SEV": "UA-40"}
_SEPARATORS = re.compile(r"\s*[\s_.:/\u2010-\u2015\u2212]\s*")
_SEVERAL = re.compile(r"\s*[,;]\s*|\s+")


def _quoted(codes: Sequence[str]) -> str:
    """``'UA-40' (Sevastopol)``; places of the same name also say their country."""
    names = [place_name(code) for code in codes]
    shown = []
    for code, name in zip(codes, names, strict=True):
        if names.count(name) > 1 and "-" in code:
            name = f"{name}, {place_name(code[:2])}"
        shown.append(f"{code!r} ({name})")
    return " or ".join(shown)


def region_code_problem(code: str) -> str | None:
    """Why ``code`` is not an ISO 3166-1 alpha-2 or ISO 3166-2 code, or ``None`` if it is.

    A suggestion comes only from what the author evidently meant (the code in capitals, a place
    name, a three-letter country code, a known mistake such as ``UK``), never from a code that
    merely looks alike: ``UA-99`` is not ``UA-59``, and a wrong oblast warned is worse than an
    error. Every suggestion shows the place it names.
    """
    if is_region_code(code):
        return None
    meant = _meant(code)
    if meant is not None:
        return meant
    match = _SUBDIVISION_SHAPE.fullmatch(code)
    if match:
        country = match.group(1)
        if country not in _countries():
            return f"unknown region {code!r}: {country!r} is not a country code"
        return (
            f"unknown region {code!r}: {place_name(country)} has no subdivision with that code "
            f"(see its codes with: geonotice regions {country})"
        )
    if _COUNTRY_SHAPE.fullmatch(code):
        return f"unknown country code {code!r} (see every code with: geonotice regions)"
    close = closest_named(code)
    if close:
        return f"unknown region {code!r}: if you mean {place_name(close[0])}, write {_quoted(close[:1])}"
    return (
        f"invalid region {code!r}: expected a country code like 'RU' (ISO 3166-1 alpha-2) "
        "or a subdivision code like 'UA-43' (ISO 3166-2)"
    )


def _meant(text: str) -> str | None:
    """What to write instead of ``text``, when it is evidently a region written another way."""
    stripped = text.strip()
    upper = stripped.upper()
    if upper in _MISTAKES:
        return f"{text!r} is not an ISO 3166 code: write {_quoted([_MISTAKES[upper]])}"
    if stripped != text and is_region_code(upper):
        return f"{text!r} has spaces around it: write {_quoted([upper])}"
    if is_region_code(upper):
        return f"region codes are written in capitals: write {_quoted([upper])}, not {text!r}"
    joined = _SEPARATORS.sub("-", upper)
    if _COUNTRY_SHAPE.fullmatch(upper[:2]) and len(upper) > 2 and upper[2] != "-":
        joined = joined if "-" in joined else f"{upper[:2]}-{upper[2:]}"
    if joined != upper and is_region_code(joined):
        return f"a subdivision code is its country, a hyphen, then its own code: write {_quoted([joined])}"
    if upper in _alpha_3():
        alpha_2 = _alpha_3()[upper]
        return f"{text!r} is a three-letter country code; regions use two letters: write {_quoted([alpha_2])}"
    named_codes = codes_named(stripped)
    if named_codes:
        return f"{text!r} is a place name, not a code: write {_quoted(named_codes[:3])}"
    parts = [part for part in _SEVERAL.split(stripped) if part]
    if len(parts) > 1 and all(is_region_code(part.upper()) for part in parts):
        listed = ", ".join(part.upper() for part in parts)
        return f"{text!r} is several regions in one text: write them as a list, [{listed}]"
    return None


def region_from_code(code: str) -> Region:
    """The region a code names, for policy cases.

    Raises:
        ValueError: the code is not a valid ISO 3166 code; the message says why and what to write.
    """
    code = code.strip()
    problem = region_code_problem(code)
    if problem is not None:
        raise ValueError(problem)
    return _region(code)


def resolve_region(text: str) -> tuple[Region, str]:
    """The region ``text`` names, and its code: a code in any case (``ua-43``) or a place name
    (``Sevastopol``), for ``geonotice explain --region``, where a person types.

    Raises:
        ValueError: ``text`` names no region, or several (``Georgia``); the message says what to write.
    """
    stripped = text.strip()
    for candidate in (stripped, stripped.upper()):
        if is_region_code(candidate):
            return _region(candidate), candidate
    named_codes = codes_named(stripped)
    if len(named_codes) == 1:
        return _region(named_codes[0]), named_codes[0]
    if named_codes:
        raise ValueError(f"{text!r} names several places: write {_quoted(named_codes[:3])}")
    raise ValueError(region_code_problem(stripped) or f"unknown region {text!r}")


def _region(code: str) -> Region:
    if "-" in code:
        return Region(code[:2], (code,))
    return Region(code)
