"""Place names wherever a region code appears, and what to write when a code is written wrongly:
suggestions come from names and known mistakes, never from a code that merely looks alike."""

from __future__ import annotations

import re

import pycountry
import pytest

from geonotice.cli import main
from geonotice.place_names import _SUBDIVISION_NAMES, codes_named, place_name
from geonotice.region import Region, named, named_region, region_code_problem, resolve_region


def test_every_hand_written_name_is_of_a_real_code() -> None:
    real = {s.code for s in pycountry.subdivisions}
    assert set(_SUBDIVISION_NAMES) <= real
    # Ukraine, Belarus and Russia are named whole, in English.
    for country in ("UA", "BY", "RU"):
        codes = {s.code for s in pycountry.subdivisions.get(country_code=country)}
        assert codes <= set(_SUBDIVISION_NAMES), codes - set(_SUBDIVISION_NAMES)


@pytest.mark.parametrize(
    ("code", "shown"),
    [
        ("UA-40", "UA-40 (Sevastopol)"),
        ("UA-59", "UA-59 (Sumy oblast)"),
        ("UA-43", "UA-43 (Autonomous Republic of Crimea)"),
        ("RU", "RU (Russia)"),
        ("RU-MOW", "RU-MOW (Moscow)"),
        ("BY-HM", "BY-HM (Minsk)"),
        ("IR", "IR (Iran)"),
        ("KR", "KR (South Korea)"),
        ("CD", "CD (Democratic Republic of the Congo)"),
        ("DE-BE", "DE-BE (Berlin)"),
        ("XX", "XX"),
    ],
)
def test_codes_are_shown_with_the_name_of_their_place(code: str, shown: str) -> None:
    assert named(code) == shown


def test_a_readers_region_is_named_too() -> None:
    assert named_region(Region("UA", ("UA-40",))) == "UA-40 (Sevastopol)"
    assert named_region(Region()) == "unknown"


@pytest.mark.parametrize(
    ("name", "codes"),
    [
        ("Sevastopol", ("UA-40",)),
        ("sevastopol", ("UA-40",)),
        ("Crimea", ("UA-43",)),
        ("Sumy", ("UA-59",)),
        ("Sumy oblast", ("UA-59",)),
        ("Sumska oblast", ("UA-59",)),
        ("Kiev", ("UA-30",)),
        ("Iran", ("IR",)),
        ("Russian Federation", ("RU",)),
        ("Homieĺskaja voblasć", ("BY-HO",)),
        ("Homielskaja voblasc", ("BY-HO",)),
        ("Georgia", ("GE", "US-GA")),
        ("Atlantis", ()),
    ],
)
def test_places_are_found_by_their_names(name: str, codes: tuple[str, ...]) -> None:
    assert codes_named(name) == codes


@pytest.mark.parametrize(
    ("written", "message"),
    [
        ("UA-43", None),
        (
            "ua-43",
            "region codes are written in capitals: write 'UA-43' (Autonomous Republic of Crimea), "
            "not 'ua-43'",
        ),
        ("Iran", "'Iran' is a place name, not a code: write 'IR' (Iran)"),
        ("IRN", "'IRN' is a three-letter country code; regions use two letters: write 'IR' (Iran)"),
        ("Sevastopol", "'Sevastopol' is a place name, not a code: write 'UA-40' (Sevastopol)"),
        (
            "UA 40",
            "a subdivision code is its country, a hyphen, then its own code: write 'UA-40' (Sevastopol)",
        ),
        (
            "UA_40",
            "a subdivision code is its country, a hyphen, then its own code: write 'UA-40' (Sevastopol)",
        ),
        (
            "UA40",
            "a subdivision code is its country, a hyphen, then its own code: write 'UA-40' (Sevastopol)",
        ),
        (
            "UA–40",
            "a subdivision code is its country, a hyphen, then its own code: write 'UA-40' (Sevastopol)",
        ),
        (" RU", "' RU' has spaces around it: write 'RU' (Russia)"),
        ("IR, AF", "'IR, AF' is several regions in one text: write them as a list, [IR, AF]"),
        ("UK", "'UK' is not an ISO 3166 code: write 'GB' (United Kingdom)"),
        ("RU-CR", "'RU-CR' is not an ISO 3166 code: write 'UA-43' (Autonomous Republic of Crimea)"),
        ("Sevastapol", "unknown region 'Sevastapol': if you mean Sevastopol, write 'UA-40' (Sevastopol)"),
        (
            "Georgia",
            "'Georgia' is a place name, not a code: write 'GE' (Georgia) or 'US-GA' (Georgia, United States)",
        ),
        (
            "UA-99",
            "unknown region 'UA-99': Ukraine has no subdivision with that code "
            "(see its codes with: geonotice regions UA)",
        ),
        ("XX-12", "unknown region 'XX-12': 'XX' is not a country code"),
        ("XX", "unknown country code 'XX' (see every code with: geonotice regions)"),
    ],
)
def test_a_wrong_code_is_answered_with_what_to_write(written: str, message: str | None) -> None:
    assert region_code_problem(written) == message


@pytest.mark.parametrize("number", range(100))
def test_an_unknown_code_is_never_answered_with_a_code_that_merely_looks_alike(number: int) -> None:
    # UA-99 was once answered "did you mean 'UA-59'?": Sumy oblast, which is not occupied.
    code = f"UA-{number:02d}"
    problem = region_code_problem(code)
    if problem is not None:
        assert re.findall(r"\b[A-Z]{2}-\d\d\b", problem) == [code]


def test_explain_takes_a_place_name_and_says_which_code() -> None:
    assert resolve_region("sevastopol") == (Region("UA", ("UA-40",)), "UA-40")
    assert resolve_region("ua-43") == (Region("UA", ("UA-43",)), "UA-43")
    with pytest.raises(ValueError, match="names several places"):
        resolve_region("Georgia")


def test_regions_lists_a_countrys_codes_with_their_names(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["regions", "Ukraine"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "UA (Ukraine): 27 subdivisions"
    assert "  UA-59  Sumy oblast  (ISO 3166-2: Sumska oblast, region)" in lines
    assert "  UA-40  Sevastopol  (city)" in lines
    assert main(["regions"]) == 0
    assert "RU  Russia" in capsys.readouterr().out.splitlines()
    assert main(["regions", "Atlantis"]) == 2
    assert place_name("UA-59") == "Sumy oblast"
