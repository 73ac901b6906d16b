"""A corpus of realistic article pages for the benchmarks and the property tests.

Each page is generated from a template modeled on one kind of publisher's article page (see
``DESCRIPTIONS``), from a fixed seed: the same bytes on every machine and every run, nothing
downloaded, nothing large committed. Every page has the structure a placement needs (``<body>``,
one top-level ``<article>``, an ``<h1>``, a ``p.byline``, an element with id ``article-body``;
some a ``<!-- geonotice: legal-notices -->`` marker), and its ``Landmarks`` say at which byte
offsets the HTML tokenizer finds them::

    import corpus

    for page in corpus.pages():
        print(page.name, len(page.data), page.landmarks.article_start)

Pages are built on first use (about a second for all) and kept for the life of the process.
"""

from __future__ import annotations

import functools
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from random import Random

from . import amp, arc, late_article, nextjs, russian, wordpress
from ._builder import Landmarks, PageBuilder

__all__ = ["DESCRIPTIONS", "NAMES", "Landmarks", "Page", "build", "page", "pages"]

_TEMPLATES: dict[str, Callable[[Random], PageBuilder]] = {
    "amp": amp.build,
    "wordpress": wordpress.build,
    "russian": russian.build,
    "late-article": late_article.build,
    "arc": arc.build,
    "nextjs": nextjs.build,
}

#: The page names, smallest page first.
NAMES: tuple[str, ...] = tuple(_TEMPLATES)

#: One line per page: what it is modeled on, and what makes it hard.
DESCRIPTIONS: dict[str, str] = {
    "amp": "AMP article: boilerplate, amp-custom CSS, amp-* elements, an amp-mustache template with an "
    "article",
    "wordpress": "WordPress news theme: Yoast, block CSS, emoji script; comments are articles inside the "
    "article",
    "russian": "Russian-language page (UTF-8), heavy head: Metrika, Top.Mail.Ru, LiveInternet, Yandex ads",
    "late-article": "regional portal: mega-menu, rails, partner table in uppercase, article two thirds in",
    "arc": "Arc/Brightspot style: dozens of inline scripts, inline SVG sprite, Fusion.globalContent at the "
    "end",
    "nextjs": "Next.js pages router: server-rendered article, then a large __NEXT_DATA__ JSON script",
}

#: Every page of the corpus is at least this large and at most this large, in bytes.
MIN_SIZE = 80_000
MAX_SIZE = 1_000_000


@dataclass(frozen=True)
class Page:
    """One page of the corpus: its name, what it is modeled on, its bytes and its landmarks."""

    name: str
    description: str
    data: bytes
    landmarks: Landmarks

    @property
    def head_size(self) -> int:
        """Bytes up to ``</head>``: what a scanner crosses before the body."""
        return self.landmarks.head_end


def build(name: str) -> Page:
    """Generates the page ``name`` afresh (``page`` keeps the result). Raises ``KeyError``
    naming the known pages for an unknown name."""
    try:
        template = _TEMPLATES[name]
    except KeyError:
        raise KeyError(f"no corpus page {name!r}; known: {', '.join(NAMES)}") from None
    # One seed per page, from its name: adding a template leaves every other page unchanged.
    data, landmarks = template(Random(zlib.crc32(name.encode()))).build()
    return Page(name, DESCRIPTIONS[name], data, landmarks)


@functools.cache
def page(name: str) -> Page:
    """The page ``name``, generated once per process."""
    return build(name)


def pages() -> tuple[Page, ...]:
    """Every page of the corpus, in ``NAMES`` order."""
    return tuple(page(name) for name in NAMES)
