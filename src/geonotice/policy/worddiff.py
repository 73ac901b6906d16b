"""What changed in a notice's wording: a word diff of the old and new text, as reviewers read one.

Lawyers review wording, so texts are compared as readers read them (the plain text, without
markup) whenever the wording changed; when only the markup did (a link's target, what is bold),
the HTML is compared instead, so no change is ever hidden. The result is a list of pieces each
formatter renders its own way (``[-old-]{+new+}`` in a terminal, ``<del>``/``<ins>`` in Markdown).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Literal

from geonotice.policy.shown import plain_text

Kind = Literal["same", "removed", "added"]

# A word or a tag, with the white space after it, so pieces keep the spacing they had.
_TOKEN = re.compile(r"(?:<[^>]*>|[^\s<]+|<)\s*")


@dataclass(frozen=True, slots=True)
class Piece:
    """A run of words that stayed, went or came."""

    kind: Kind
    text: str


@dataclass(frozen=True, slots=True)
class WordDiff:
    """The changes between two texts; ``markup`` says the wording is the same and the pieces
    compare the HTML."""

    pieces: tuple[Piece, ...]
    markup: bool = False

    def shortened(self, context: int) -> tuple[Piece, ...]:
        """The pieces with unchanged runs cut to ``context`` words around each change (``…``)."""
        out = []
        for index, piece in enumerate(self.pieces):
            if piece.kind != "same":
                out.append(piece)
                continue
            words = piece.text.split(" ")
            first, last = index == 0, index == len(self.pieces) - 1
            if (
                len(words) <= 2 * context
                or (first and len(words) <= context)
                or (last and len(words) <= context)
            ):
                out.append(piece)
                continue
            head = [] if first else words[:context]
            tail = [] if last else words[-context:]
            out.append(Piece("same", " ".join([*head, "…", *tail]).strip()))
        return tuple(out)


def word_diff(old_html: str, new_html: str) -> WordDiff:
    """The word diff of two notice texts (HTML), on their plain wording if that changed."""
    old_text, new_text = plain_text(old_html), plain_text(new_html)
    markup = old_text.split() == new_text.split()
    if markup:
        old_text, new_text = " ".join(old_html.split()), " ".join(new_html.split())
    old_words, new_words = _TOKEN.findall(old_text), _TOKEN.findall(new_text)
    pieces: list[Piece] = []
    matcher = difflib.SequenceMatcher(
        None, [w.strip() for w in old_words], [w.strip() for w in new_words], autojunk=False
    )
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            pieces.append(Piece("same", "".join(old_words[i1:i2]).strip()))
            continue
        if i2 > i1:
            pieces.append(Piece("removed", "".join(old_words[i1:i2]).strip()))
        if j2 > j1:
            pieces.append(Piece("added", "".join(new_words[j1:j2]).strip()))
    return WordDiff(tuple(pieces), markup)
