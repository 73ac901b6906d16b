"""Which language a notice is shown in: the one rule the injector, the engine's texts, policy runs
and ``explain`` all follow.

A notice is shown in the first of these it has a text in:

1. the page's own ``<html lang>`` (only the injector sees it, as the page streams by);
2. the language the rules' ``page languages`` give the page's path (``Decision.page_language``);
3. the reader's ``Accept-Language``, best first;
4. otherwise, the notice's default language.

A wanted language finds a text in that exact language, else one in its primary language
(``pt-BR`` finds ``pt``, never the other way round); case does not matter.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geonotice.rules.model import Notice


def language_preferences(
    html_lang: str | None = None, page_language: str | None = None, accepted: Iterable[str] = ()
) -> tuple[str, ...]:
    """The wanted languages for one page and reader, best first, in the order above; blank ones
    are left out."""
    return tuple(tag for tag in (html_lang, page_language, *accepted) if tag and tag.strip())


def notice_language(notice: Notice, preferences: Sequence[str]) -> str:
    """The language ``notice`` is shown in for ``preferences`` (best first, as
    ``language_preferences`` orders them): always one the notice has a text in."""
    for wanted in preferences:
        for candidate in _candidates(wanted):
            for language in notice.texts:
                if language.lower() == candidate:
                    return language
    if notice.default_language in notice.texts:
        return notice.default_language
    # Validation refuses a notice without a text in its default language; should one be built
    # by hand, a reader still gets some text rather than none.
    return next(iter(notice.texts), notice.default_language)


def serves(language: str, wanted: str) -> bool:
    """Whether a text in ``language`` is what ``notice_language`` picks for the wanted language
    ``wanted``: the same language, or ``wanted``'s primary language. For explanations: the
    first preference the chosen language serves is the one that chose it."""
    return language.lower() in _candidates(wanted)


def _candidates(wanted: str) -> tuple[str, ...]:
    wanted = wanted.strip().lower()
    if not wanted:
        return ()
    primary = wanted.split("-", 1)[0]
    return (wanted,) if primary == wanted else (wanted, primary)
