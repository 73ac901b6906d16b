"""Problems found in rules files, as values: every check reports them, nothing raises.

A ``Problem`` plays the role of yamllint's ``LintProblem``: 1-based line and column, sortable by
place, and printed the way compilers and editors expect (``path:line:col: level: message``), so a
lawyer's editor and a CI log can jump to the offending value.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from typing import Literal

Level = Literal["error", "warning"]
Format = Literal["text", "json", "github"]
FORMATS: tuple[Format, ...] = ("text", "json", "github")


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong (``error``) or worth a look (``warning``) at a place in a rules file.

    ``line`` and ``column`` are 1-based and point at the offending YAML node; ``code`` names the
    check (``unknown-key``, ``invalid-region``...), which ``docs/rules.md`` explains with examples.
    """

    path: str
    line: int
    column: int
    level: Level
    message: str
    code: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.level}: {self.message}"

    @property
    def is_error(self) -> bool:
        return self.level == "error"


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(p.level == "error" for p in problems)


def summary(problems: Iterable[Problem]) -> str:
    """``2 errors, 1 warning`` (or ``no problems``), for the last line of ``geonotice check``."""
    problems = list(problems)
    errors = sum(p.level == "error" for p in problems)
    warnings = len(problems) - errors
    if not problems:
        return "no problems"
    return f"{errors} error{'' if errors == 1 else 's'}, {warnings} warning{'' if warnings == 1 else 's'}"


def _text(problems: list[Problem]) -> str:
    return "".join(f"{p}\n" for p in problems)


def _json(problems: list[Problem]) -> str:
    return json.dumps([asdict(p) for p in problems], indent=2, ensure_ascii=False) + "\n"


def _github_escape(value: str, *, prop: bool = False) -> str:
    # GitHub workflow commands end at a newline and use % escapes; properties also reserve , and :
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(",", "%2C").replace(":", "%3A")
    return value


def _github(problems: list[Problem]) -> str:
    return "".join(
        f"::{p.level} file={_github_escape(p.path, prop=True)},line={p.line},col={p.column},"
        f"title={_github_escape(p.code, prop=True)}::{_github_escape(p.message)}\n"
        for p in problems
    )


_FORMATTERS: dict[str, Callable[[list[Problem]], str]] = {"text": _text, "json": _json, "github": _github}


def format_problems(problems: Iterable[Problem], fmt: str = "text") -> str:
    """Render problems, sorted by place, as ``text``, ``json`` (a list of objects) or ``github``
    (workflow commands that annotate pull requests).

    Raises:
        ValueError: ``fmt`` is not one of ``FORMATS``.
    """
    try:
        formatter = _FORMATTERS[fmt]
    except KeyError:
        raise ValueError(f"unknown format {fmt!r}; expected one of {', '.join(FORMATS)}") from None
    return formatter(sorted(problems))
