"""The errors geonotice raises: one hierarchy, so callers can catch ``GeoNoticeError`` alone."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from geonotice.yamlcheck.problems import Problem


class GeoNoticeError(Exception):
    """Base class of every error geonotice raises on purpose."""


class ConfigError(GeoNoticeError):
    """A setting given to the middleware or the command line is invalid.

    Raised at start-up, before any request is served, with a message that says how to fix it.
    ``setting`` names the setting at fault (a field of ``geonotice.settings.Settings``) when one
    is, and ``reason`` is the message without that name; ``related`` names other settings the fix
    may involve. The message names them as the library does (``trusted_proxies: ...``); the
    command line spells them as options with ``describe``.
    """

    def __init__(self, reason: str, *, setting: str | None = None, related: Sequence[str] = ()) -> None:
        self.reason = reason
        self.setting = setting
        self.related = tuple(related)
        super().__init__(self.describe())

    def describe(self, spell: Callable[[str], str] = str) -> str:
        """The message, with each setting named by ``spell`` (given a setting's field name)."""
        text = f"{spell(self.setting)}: {self.reason}" if self.setting else self.reason
        if self.related:
            text += f" (see {', '.join(spell(name) for name in self.related)})"
        return text


class RulesError(GeoNoticeError):
    """A rules file or directory does not load: it carries every problem found, not only the first."""

    def __init__(self, problems: Sequence[Problem]) -> None:
        self.problems = tuple(problems)
        errors = [p for p in self.problems if p.is_error]
        shown = "\n".join(str(p) for p in errors[:20])
        more = f"\n... and {len(errors) - 20} more" if len(errors) > 20 else ""
        super().__init__(f"{len(errors)} error(s) in the rules:\n{shown}{more}")


class GeoIPDatabaseError(GeoNoticeError):
    """A GeoIP database cannot be used: missing, corrupt, or of the wrong kind."""

    def __init__(self, path: str | Path, reason: str, hint: str = "") -> None:
        self.path = str(path)
        self.reason = reason
        self.hint = hint
        message = f"{self.path}: {reason}"
        if hint:
            message += f" ({hint})"
        super().__init__(message)
