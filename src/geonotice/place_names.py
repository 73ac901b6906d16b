"""Place names for region codes, as the people who read the rules read them.

pycountry gives every ISO 3166 code a name, but subdivision names are written in the country's own
romanization (``Sumska oblast``, ``Avtonomna Respublika Krym``, ``Moskva``) and a few country
names are formal (``Russian Federation``, ``Iran, Islamic Republic of``). A lawyer checking that
``UA-59`` is what they meant needs ``Sumy oblast``. So the countries this tool is most used for
(Russia, Ukraine, Belarus) have their subdivisions named here in English, a few countries get the
name people use, and every other code keeps pycountry's name.

Names also work the other way: ``codes_named("Sevastopol")`` is ``("UA-40",)``, so a place typed
where a code belongs can be answered with its code. Lookups fold case, accents and punctuation;
the other names people write for a place (``Kiev``, ``Crimea``, ``Byelorussia``) are listed too.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata

import pycountry

__all__ = ["closest_named", "codes_named", "place_name"]

# Countries whose ISO name is not what people call them (pycountry's ``common_name`` covers most).
_COUNTRY_NAMES = {"RU": "Russia", "GB": "United Kingdom", "US": "United States", "VA": "Vatican City"}

_UKRAINE = {
    "UA-05": "Vinnytsia oblast",
    "UA-07": "Volyn oblast",
    "UA-09": "Luhansk oblast",
    "UA-12": "Dnipropetrovsk oblast",
    "UA-14": "Donetsk oblast",
    "UA-18": "Zhytomyr oblast",
    "UA-21": "Zakarpattia oblast",
    "UA-23": "Zaporizhzhia oblast",
    "UA-26": "Ivano-Frankivsk oblast",
    "UA-30": "Kyiv",
    "UA-32": "Kyiv oblast",
    "UA-35": "Kirovohrad oblast",
    "UA-40": "Sevastopol",
    "UA-43": "Autonomous Republic of Crimea",
    "UA-46": "Lviv oblast",
    "UA-48": "Mykolaiv oblast",
    "UA-51": "Odesa oblast",
    "UA-53": "Poltava oblast",
    "UA-56": "Rivne oblast",
    "UA-59": "Sumy oblast",
    "UA-61": "Ternopil oblast",
    "UA-63": "Kharkiv oblast",
    "UA-65": "Kherson oblast",
    "UA-68": "Khmelnytskyi oblast",
    "UA-71": "Cherkasy oblast",
    "UA-74": "Chernihiv oblast",
    "UA-77": "Chernivtsi oblast",
}

_BELARUS = {
    "BY-BR": "Brest oblast",
    "BY-HM": "Minsk",
    "BY-HO": "Gomel oblast",
    "BY-HR": "Grodno oblast",
    "BY-MA": "Mogilev oblast",
    "BY-MI": "Minsk oblast",
    "BY-VI": "Vitebsk oblast",
}

_RUSSIA = {
    "RU-AD": "Adygea",
    "RU-AL": "Altai Republic",
    "RU-ALT": "Altai krai",
    "RU-AMU": "Amur oblast",
    "RU-ARK": "Arkhangelsk oblast",
    "RU-AST": "Astrakhan oblast",
    "RU-BA": "Bashkortostan",
    "RU-BEL": "Belgorod oblast",
    "RU-BRY": "Bryansk oblast",
    "RU-BU": "Buryatia",
    "RU-CE": "Chechnya",
    "RU-CHE": "Chelyabinsk oblast",
    "RU-CHU": "Chukotka",
    "RU-CU": "Chuvashia",
    "RU-DA": "Dagestan",
    "RU-IN": "Ingushetia",
    "RU-IRK": "Irkutsk oblast",
    "RU-IVA": "Ivanovo oblast",
    "RU-KAM": "Kamchatka krai",
    "RU-KB": "Kabardino-Balkaria",
    "RU-KC": "Karachay-Cherkessia",
    "RU-KDA": "Krasnodar krai",
    "RU-KEM": "Kemerovo oblast",
    "RU-KGD": "Kaliningrad oblast",
    "RU-KGN": "Kurgan oblast",
    "RU-KHA": "Khabarovsk krai",
    "RU-KHM": "Khanty-Mansi autonomous okrug",
    "RU-KIR": "Kirov oblast",
    "RU-KK": "Khakassia",
    "RU-KL": "Kalmykia",
    "RU-KLU": "Kaluga oblast",
    "RU-KO": "Komi Republic",
    "RU-KOS": "Kostroma oblast",
    "RU-KR": "Karelia",
    "RU-KRS": "Kursk oblast",
    "RU-KYA": "Krasnoyarsk krai",
    "RU-LEN": "Leningrad oblast",
    "RU-LIP": "Lipetsk oblast",
    "RU-MAG": "Magadan oblast",
    "RU-ME": "Mari El",
    "RU-MO": "Mordovia",
    "RU-MOS": "Moscow oblast",
    "RU-MOW": "Moscow",
    "RU-MUR": "Murmansk oblast",
    "RU-NEN": "Nenets autonomous okrug",
    "RU-NGR": "Novgorod oblast",
    "RU-NIZ": "Nizhny Novgorod oblast",
    "RU-NVS": "Novosibirsk oblast",
    "RU-OMS": "Omsk oblast",
    "RU-ORE": "Orenburg oblast",
    "RU-ORL": "Oryol oblast",
    "RU-PER": "Perm krai",
    "RU-PNZ": "Penza oblast",
    "RU-PRI": "Primorsky krai",
    "RU-PSK": "Pskov oblast",
    "RU-ROS": "Rostov oblast",
    "RU-RYA": "Ryazan oblast",
    "RU-SA": "Sakha (Yakutia)",
    "RU-SAK": "Sakhalin oblast",
    "RU-SAM": "Samara oblast",
    "RU-SAR": "Saratov oblast",
    "RU-SE": "North Ossetia-Alania",
    "RU-SMO": "Smolensk oblast",
    "RU-SPE": "Saint Petersburg",
    "RU-STA": "Stavropol krai",
    "RU-SVE": "Sverdlovsk oblast",
    "RU-TA": "Tatarstan",
    "RU-TAM": "Tambov oblast",
    "RU-TOM": "Tomsk oblast",
    "RU-TUL": "Tula oblast",
    "RU-TVE": "Tver oblast",
    "RU-TY": "Tuva",
    "RU-TYU": "Tyumen oblast",
    "RU-UD": "Udmurtia",
    "RU-ULY": "Ulyanovsk oblast",
    "RU-VGG": "Volgograd oblast",
    "RU-VLA": "Vladimir oblast",
    "RU-VLG": "Vologda oblast",
    "RU-VOR": "Voronezh oblast",
    "RU-YAN": "Yamalo-Nenets autonomous okrug",
    "RU-YAR": "Yaroslavl oblast",
    "RU-YEV": "Jewish autonomous oblast",
    "RU-ZAB": "Zabaykalsky krai",
}

_SUBDIVISION_NAMES = {**_UKRAINE, **_BELARUS, **_RUSSIA}

# Other names people write for these places: older or Russian-based spellings, short forms.
_OTHER_NAMES = {
    "UA-43": ("Crimea", "Krym", "Republic of Crimea"),
    "UA-40": ("Sebastopol", "Sevastopol city"),
    "UA-30": ("Kiev", "Kyiv city", "Kiev city"),
    "UA-32": ("Kiev oblast", "Kiev region"),
    "UA-09": ("Lugansk", "Lugansk oblast"),
    "UA-12": ("Dnipro", "Dnepropetrovsk"),
    "UA-23": ("Zaporozhye", "Zaporizhia"),
    "UA-48": ("Nikolaev", "Nikolayev"),
    "UA-51": ("Odessa",),
    "UA-63": ("Kharkov",),
    "BY-HM": ("Minsk city",),
    "RU-MOW": ("Moscow city",),
    "RU-SPE": ("St Petersburg", "Petersburg", "Leningrad city"),
    "BY": ("Byelorussia", "Belorussia"),
    "GB": ("UK", "Great Britain", "Britain"),
    "US": ("USA", "United States of America", "America"),
}

# Words a lookup may leave out: "Sumy" finds "Sumy oblast", "Crimea" the Autonomous Republic.
_GENERIC_WORDS = frozenset(
    ("oblast", "region", "province", "city", "republic", "of", "the", "autonomous", "okrug", "krai")
    + ("kray", "voblasc", "voblast", "horad", "respublika", "avtonomna")
)


def _fold(text: str) -> str:
    """A name as lookups compare it: no accents, no case, no punctuation, single spaces."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    plain = re.sub(r"['’ʼ`]", "", plain)
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def _country_name(country: object) -> str:
    code = getattr(country, "alpha_2", "")
    if code in _COUNTRY_NAMES:
        return _COUNTRY_NAMES[code]
    common = getattr(country, "common_name", None)
    if common:
        return str(common)
    name = str(getattr(country, "name", code))
    official = getattr(country, "official_name", None)
    if "," in name and official:
        return str(official)
    head, _, tail = name.partition(", ")
    # "Congo, The Democratic Republic of the" reads the other way round.
    if tail and re.search(r"\bof( the)?$", tail):
        return f"{tail.removeprefix('The ')} {head}"
    return name


@functools.cache
def _names() -> dict[str, str]:
    names = {str(c.alpha_2): _country_name(c) for c in pycountry.countries}
    for subdivision in pycountry.subdivisions:
        code = str(subdivision.code)
        names[code] = _SUBDIVISION_NAMES.get(code, str(subdivision.name))
    return names


def place_name(code: str) -> str | None:
    """The name of the country or subdivision ``code`` (``UA-59`` is ``Sumy oblast``), or
    ``None`` when ISO 3166 has no such code."""
    return _names().get(code)


@functools.cache
def _index() -> tuple[dict[str, frozenset[str]], dict[str, frozenset[str]]]:
    """Folded names to codes: full names first, then names without their generic words."""
    full: dict[str, set[str]] = {}
    short: dict[str, set[str]] = {}

    def add(name: str, code: str) -> None:
        folded = _fold(name)
        if not folded:
            return
        full.setdefault(folded, set()).add(code)
        shortened = " ".join(word for word in folded.split() if word not in _GENERIC_WORDS)
        if shortened and shortened != folded:
            short.setdefault(shortened, set()).add(code)

    for country in pycountry.countries:
        code = str(country.alpha_2)
        for attribute in ("name", "common_name", "official_name"):
            value = getattr(country, attribute, None)
            if value:
                add(str(value), code)
        add(_country_name(country), code)
    for subdivision in pycountry.subdivisions:
        add(str(subdivision.name), str(subdivision.code))
    for code, name in _SUBDIVISION_NAMES.items():
        add(name, code)
    for code, others in _OTHER_NAMES.items():
        for name in others:
            add(name, code)
    return (
        {name: frozenset(codes) for name, codes in full.items()},
        {name: frozenset(codes) for name, codes in short.items()},
    )


def _ordered(codes: frozenset[str]) -> tuple[str, ...]:
    # Countries before subdivisions, then by code: "Georgia" is the country first, the state second.
    return tuple(sorted(codes, key=lambda code: ("-" in code, code)))


def codes_named(name: str) -> tuple[str, ...]:
    """The codes of the places called ``name`` (any case, with or without accents, ``oblast`` or
    ``city``): ``("UA-40",)`` for ``Sevastopol``, two codes for ``Georgia``, ``()`` for none."""
    folded = _fold(name)
    full, short = _index()
    found = full.get(folded) or short.get(folded)
    return _ordered(found) if found else ()


def closest_named(name: str) -> tuple[str, ...]:
    """The codes of the place whose name ``name`` is a misspelling of (``Sevastapol``), if one
    name is close; compares names with names, never codes with codes."""
    folded = _fold(name)
    if len(folded) < 4:  # short words are close to too many names to mean one of them
        return ()
    full, _ = _index()
    close = difflib.get_close_matches(folded, list(full), n=1, cutoff=0.85)
    return _ordered(full[close[0]]) if close else ()


def countries() -> list[tuple[str, str]]:
    """Every ISO 3166-1 country: ``(code, name)``, by code."""
    return sorted((str(c.alpha_2), _country_name(c)) for c in pycountry.countries)


def subdivisions(country: str) -> list[tuple[str, str, str, str]]:
    """The ISO 3166-2 subdivisions of ``country``: ``(code, name, name in ISO 3166-2, kind)``, by
    code; the ISO name is the romanized one the standard gives (``Sumska oblast``)."""
    found = [s for s in pycountry.subdivisions if s.country_code == country]
    return sorted(
        (str(s.code), place_name(str(s.code)) or str(s.name), str(s.name), str(s.type).lower()) for s in found
    )
