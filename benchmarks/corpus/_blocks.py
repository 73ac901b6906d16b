"""Repeated body blocks of news pages: navigation lists and teaser cards for promo rails."""

from __future__ import annotations

import html
from collections.abc import Sequence
from random import Random

from ._prose import EN_WORDS, sentence, slug


def teaser_cards(rng: Random, count: int, *, cls: str, words: Sequence[str] = EN_WORDS) -> str:
    """Teaser cards as most CMSs render promos: divs, a picture, a headline link, a kicker."""
    out = []
    for i in range(count):
        title = html.escape(sentence(rng, words, 5, 11)[:-1])
        href = f"/a/{slug(rng, words)}/{rng.randrange(10**6)}.html"
        out.append(
            f'<div class="{cls}" data-position="{i}" data-track=\'{{"module":"{cls}","pos":{i}}}\'>'
            f'<a class="{cls}__link" href="{href}" aria-label="{title}">'
            f'<picture><source type="image/webp" srcset="/img/{rng.randrange(10**8)}-320.webp 320w, '
            f'/img/{rng.randrange(10**8)}-640.webp 640w" sizes="(min-width: 768px) 25vw, 50vw">'
            f'<img src="/img/{rng.randrange(10**8)}-320.jpg" alt="" loading="lazy" width="320" height="180">'
            "</picture>"
            f'<span class="{cls}__kicker">{html.escape(rng.choice(words).title())}</span>'
            f'<h3 class="{cls}__title">{title}</h3></a></div>\n'
        )
    return "".join(out)


def nav_links(rng: Random, count: int, *, cls: str, words: Sequence[str] = EN_WORDS) -> str:
    return "".join(
        f'<li class="{cls}__item"><a class="{cls}__link" href="/section/{slug(rng, words, 2)}" '
        f'data-analytics="nav|{i}">{html.escape(rng.choice(words).title())}</a></li>'
        for i in range(count)
    )
