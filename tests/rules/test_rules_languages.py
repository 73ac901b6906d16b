"""Which language a notice is shown in: one rule, for the injector, the engine, policy runs and explain."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from geonotice.rules.languages import language_preferences, notice_language, serves
from geonotice.rules.model import Notice


def notice(*languages: str, default: str = "en") -> Notice:
    return Notice("n", (), {language: f"<p>{language}</p>" for language in languages}, default)


def test_the_preferences_come_in_the_documented_order_without_blanks() -> None:
    assert language_preferences("uk", "ru", ["de", "en"]) == ("uk", "ru", "de", "en")
    assert language_preferences(None, "ru", ["", " ", "de"]) == ("ru", "de")
    assert language_preferences() == ()


@pytest.mark.parametrize(
    ("texts", "preferences", "chosen"),
    [
        (["en", "ru"], ["ru"], "ru"),
        (["en", "ru"], ["RU"], "ru"),  # case does not matter; the text's own tag is kept
        (["en", "pt"], ["pt-BR"], "pt"),  # a primary language serves its regional variants
        (["en", "pt-BR"], ["pt"], "en"),  # ...but not the other way round
        (["en", "pt", "pt-BR"], ["pt-BR"], "pt-BR"),  # the exact language first
        (["en", "uk"], ["de", "uk-UA"], "uk"),  # the first preference the notice has wins
        (["en", "uk", "ru"], ["uk", "ru"], "uk"),
        (["en", "ru"], ["ru-RU", "en"], "ru"),  # a primary match beats a later exact one
        (["en", "ru"], ["de"], "en"),  # none: the default
        (["en", "ru"], [], "en"),
        (["en", "ru"], [" ", ""], "en"),
    ],
)
def test_the_first_preference_the_notice_has_wins(
    texts: list[str], preferences: list[str], chosen: str
) -> None:
    assert notice_language(notice(*texts), preferences) == chosen


def test_a_notice_without_text_in_its_default_language_still_shows_a_text() -> None:
    # Validation refuses such a notice; one built by hand still reaches the reader.
    assert notice_language(notice("ru", "uk", default="en"), ["de"]) == "ru"


@given(
    texts=st.lists(st.sampled_from(["en", "ru", "pt", "pt-BR", "uk", "zh-Hant"]), min_size=1, unique=True),
    preferences=st.lists(st.sampled_from(["en", "RU", "pt-br", "pt", "uk-UA", "de", "zh", " "]), max_size=4),
)
def test_the_chosen_language_serves_the_first_preference_any_text_serves(
    texts: list[str], preferences: list[str]
) -> None:
    """What ``explain`` relies on to say why: the first preference the chosen language serves is
    the one that chose it, and no earlier preference has a text."""
    item = notice(*texts, default=texts[0])
    chosen = notice_language(item, preferences)
    assert chosen in item.texts
    served = [wanted for wanted in preferences if any(serves(text, wanted) for text in item.texts)]
    if served:
        assert serves(chosen, served[0])
    else:
        assert chosen == item.default_language
