"""``PageBuilder``: assembles a page from text and records where its landmarks are as it goes.

The offsets come from construction, not from parsing the result, so the tests can check them
against an independent tokenizer: a template that puts a landmark where the tokenizer does not
see it (inside a comment, a script, an attribute value) fails there instead of silently moving
what the benchmarks measure.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType


@dataclass(frozen=True)
class Landmarks:
    """Byte offsets of the placement points of a page, as the HTML tokenizer sees them.

    ``body_start``, ``article_start``, ``h1``, ``byline`` and each of ``elements`` are the offsets
    just after their start tag (``<body ...>``, the first ``<article ...>``, ``<h1 ...>``,
    ``<p class="byline" ...>``, the first element with that id); ``markers`` are just after their
    ``<!-- geonotice: NAME -->`` comment; ``body_end`` is the offset of the first real ``</body>``;
    ``head_end`` is the offset of ``</head>``, so ``head_end`` is the size of the head in bytes.
    """

    head_end: int
    body_start: int
    article_start: int
    h1: int
    byline: int
    body_end: int
    elements: Mapping[str, int] = field(default_factory=dict)
    markers: Mapping[str, int] = field(default_factory=dict)


class PageBuilder:
    """Collects UTF-8 text and, for each landmark, the byte offset at which it was written."""

    def __init__(self) -> None:
        self._parts: list[bytes] = []
        self._size = 0
        self._points: dict[str, int] = {}
        self._elements: dict[str, int] = {}
        self._markers: dict[str, int] = {}

    @property
    def size(self) -> int:
        """Bytes written so far."""
        return self._size

    def add(self, *texts: str) -> None:
        for text in texts:
            data = text.encode("utf-8")
            self._parts.append(data)
            self._size += len(data)

    def _point(self, name: str) -> None:
        if name in self._points:
            raise RuntimeError(f"landmark {name!r} written twice")
        self._points[name] = self._size

    def end_head(self) -> None:
        self._point("head_end")
        self.add("</head>\n")

    def body(self, tag: str) -> None:
        """Writes the ``<body ...>`` start tag ``tag``."""
        self.add(tag)
        self._point("body_start")

    def end_body(self, tag: str = "</body>") -> None:
        self._point("body_end")
        self.add(tag)

    def article(self, tag: str) -> None:
        """Writes the start tag of the page's one top-level ``<article>``."""
        self.add(tag)
        self._point("article_start")

    def h1(self, tag: str, title: str) -> None:
        """Writes the headline: ``tag`` opens it, ``title`` is plain text (escaped here)."""
        self.add(tag)
        self._point("h1")
        self.add(html.escape(title, quote=False), "</h1>\n")

    def byline(self, tag: str, inner: str) -> None:
        """Writes the byline paragraph: ``tag`` is its ``<p class="byline" ...>`` start tag."""
        self.add(tag)
        self._point("byline")
        self.add(inner, "</p>\n")

    def element(self, element_id: str, tag: str) -> None:
        """Writes ``tag``, the start tag of the first element with id ``element_id``."""
        if element_id in self._elements:
            raise RuntimeError(f"element id {element_id!r} written twice")
        self.add(tag)
        self._elements[element_id] = self._size

    def marker(self, name: str) -> None:
        """Writes a ``<!-- geonotice: NAME -->`` marker comment."""
        self.add(f"<!-- geonotice: {name} -->")
        self._markers.setdefault(name, self._size)

    def build(self) -> tuple[bytes, Landmarks]:
        """The page and its landmarks. Raises ``RuntimeError`` if a landmark was never written."""
        missing = {"head_end", "body_start", "article_start", "h1", "byline", "body_end"} - set(self._points)
        if missing:
            raise RuntimeError(f"page has no {', '.join(sorted(missing))}")
        landmarks = Landmarks(
            **self._points,
            elements=MappingProxyType(dict(self._elements)),
            markers=MappingProxyType(dict(self._markers)),
        )
        return b"".join(self._parts), landmarks
