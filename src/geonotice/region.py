"""Where a reader is: an ISO 3166-1 country plus the ISO 3166-2 subdivisions the data gives.

Regions are always held in the full ISO 3166-2 form (``UA-43``, never ``43``), whatever the source,
so that the rules, the database and the CDN headers all speak the same codes.
"""

from __future__ import annotations

import difflib
import functools
import re
from dataclasses import dataclass

import pycountry

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


def region_code_problem(code: str) -> str | None:
    """Why ``code`` is not a valid ISO 3166-1 alpha-2 or ISO 3166-2 code, or ``None`` if it is.

    The message names the nearest valid code where one is close, for the people who edit rules.
    """
    if _COUNTRY_SHAPE.fullmatch(code):
        if code in _countries():
            return None
        return f"unknown country code {code!r}{_did_you_mean(code, _countries())}"
    match = _SUBDIVISION_SHAPE.fullmatch(code)
    if match:
        if code in _subdivisions():
            return None
        country = match.group(1)
        if country not in _countries():
            return f"unknown region {code!r}: {country!r} is not a country code"
        same_country = {s for s in _subdivisions() if s.startswith(country + "-")}
        return f"unknown region {code!r}{_did_you_mean(code, same_country)}"
    if code.upper() != code and region_code_problem(code.upper()) is None:
        return f"region codes are written in capitals: {code.upper()!r}, not {code!r}"
    return (
        f"invalid region {code!r}: expected a country code like 'RU' (ISO 3166-1 alpha-2) "
        "or a subdivision code like 'UA-43' (ISO 3166-2)"
    )


def region_from_code(code: str) -> Region:
    """The region a code names, for ``--region`` options and policy cases.

    Raises:
        ValueError: the code is not a valid ISO 3166 code; the message says why.
    """
    code = code.strip()
    problem = region_code_problem(code)
    if problem is not None:
        raise ValueError(problem)
    if "-" in code:
        return Region(code[:2], (code,))
    return Region(code)


def _did_you_mean(code: str, candidates: frozenset[str] | set[str]) -> str:
    close = difflib.get_close_matches(code, sorted(candidates), n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""
