"""Which tokenizer walk the scanner runs: the compiled twin when it was built, else the Python one.

``_speedups`` (C) and ``tokenizer`` (Python) implement the same ``walk(buf, pos, state,
interest) -> Event`` with their own ``TokenizerState``; the property tests hold both to the same
events, holds and states. The C one is built by ``pip install`` when a C compiler is there, and
a build that fails leaves the Python one (``setup.py`` says so when it happens). Setting
``GEONOTICE_PURE_PYTHON=1`` before geonotice is imported chooses the Python walk all the same.
``geonotice --version`` says which one runs.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

from geonotice.inject import tokenizer
from geonotice.inject.tokenizer import Event, Interest

if TYPE_CHECKING:
    from geonotice.inject import _speedups

State: TypeAlias = "tokenizer.TokenizerState | _speedups.TokenizerState"
"""Either walk's state: each walk takes its own (the scanner reads what both have)."""

__all__ = ["COMPILED", "PYTHON", "State", "Walker", "available", "current", "describe"]


class Walker(NamedTuple):
    """One implementation of the walk: its name, the function and its state type."""

    name: str
    walk: Callable[[bytes | bytearray, int, Any, Interest], Event]
    new_state: Callable[[], State]


PYTHON = Walker("python", tokenizer.walk, tokenizer.TokenizerState)


def _compiled() -> Walker | None:
    try:
        from geonotice.inject import _speedups
    except ImportError:  # not built: no compiler at install time, or an unusual platform
        return None
    return Walker("compiled", _speedups.walk, _speedups.TokenizerState)


COMPILED = _compiled()
"""The compiled walk, or ``None`` when the extension is not built."""


def available() -> tuple[Walker, ...]:
    """Every walk this installation has, the Python one first."""
    return (PYTHON,) if COMPILED is None else (PYTHON, COMPILED)


def _chosen() -> Walker:
    if os.environ.get("GEONOTICE_PURE_PYTHON", "") not in ("", "0") or COMPILED is None:
        return PYTHON
    return COMPILED


current = _chosen()
"""The walk new page rewriters use (tests swap it to run every case against both)."""


def describe() -> str:
    """Which scanner runs, in words for ``--version`` and ``explain``."""
    if current is COMPILED:
        return "compiled (C)"
    if COMPILED is None:
        return "pure Python (the C extension is not built)"
    return "pure Python (GEONOTICE_PURE_PYTHON is set)"
