"""Spelling hints: what a person probably meant when a key, a name or a choice is not known.

Messages end in `` (did you mean 'x'?)`` when one candidate is close, else in the list of choices,
so a mistake always comes with its fix.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the candidate ``word`` was probably meant to be, else ``""``.

    Spelling a key with ``_`` or ``-`` for a space (``default_language``) is the commonest slip.
    """
    candidates = sorted(candidates)
    normalized = word.replace("_", " ").replace("-", " ").strip().lower()
    for candidate in candidates:
        if candidate.replace("-", " ") == normalized:
            return f" (did you mean {candidate!r}?)"
    close = difflib.get_close_matches(word, candidates, n=1, cutoff=0.6)
    return f" (did you mean {close[0]!r}?)" if close else ""


def choice_hint(word: str, candidates: Iterable[str]) -> str:
    """``did_you_mean``, or `` (expected one of: a, b, c)`` when no candidate is close."""
    candidates = list(candidates)
    return did_you_mean(word, candidates) or f" (expected one of: {', '.join(candidates)})"
