"""Problems found in YAML that people write, as values: every check reports them, nothing raises.

A ``Problem`` plays the role of yamllint's ``LintProblem``: 1-based line and column, sortable by
place, and printed the way compilers and editors expect (``path:line:col: level: message``), so an
editor and a CI log can jump to the offending value.

Every problem names its kind with a ``ProblemCode``, a value of a format's catalogue, never a
string: a misspelt code is an ``AttributeError`` at import and an error under mypy, and a test can
hold each catalogue to its examples. A code decides the level of the problems it names.

To add a code, define it next to the check that raises it, in that format's codes module
(``yamlcheck/codes.py`` for the loader and the walker, ``rules/codes.py``, ``policy/case_codes.py``),
with a FAIL and a PASS example, and list it in that module's ``CATALOGUE``: the reference docs and
their tests follow.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Literal, Protocol

Level = Literal["error", "warning"]
Format = Literal["text", "json", "github"]
FORMATS: tuple[Format, ...] = ("text", "json", "github")


@dataclass(frozen=True, slots=True, order=True)
class ProblemCode:
    """A kind of problem, as its format documents it (yamllint documents each rule this way).

    ``name`` is what tools and people see (``unknown-key``); ``level`` is the level of every
    problem of this kind; ``summary`` is one line for the reference; ``fail`` and ``ok`` are a
    YAML document that has the problem and one that does not. An example in parentheses
    (``(an empty directory)``) describes a situation YAML cannot show.
    """

    name: str
    level: Level
    summary: str = field(repr=False)
    fail: str = field(repr=False)
    ok: str = field(repr=False)

    def __str__(self) -> str:
        return self.name


class Positioned(Protocol):
    """Anything with a 1-based place in a file: marked nodes and keys, so problems can point there."""

    @property
    def line(self) -> int: ...
    @property
    def column(self) -> int: ...


@dataclass(frozen=True, slots=True)
class Place:
    """A place given by numbers, for problems that belong to no node (a file that cannot be read)."""

    line: int
    column: int


START = Place(1, 1)


@dataclass(frozen=True, slots=True, order=True)
class Problem:
    """One thing wrong (``error``) or worth a look (``warning``) at a place in a file.

    ``line`` and ``column`` are 1-based and point at the offending YAML node; ``code`` names the
    check and sets ``level``. Fields are in sorting order: by file, place, errors first.

    Raises:
        TypeError: ``code`` is not a ``ProblemCode`` (a plain string names no catalogue entry).
    """

    path: str
    line: int
    column: int
    level: Level = field(init=False)
    message: str
    code: ProblemCode

    def __post_init__(self) -> None:
        if not isinstance(self.code, ProblemCode):
            raise TypeError(f"a problem's code is a ProblemCode, not {self.code!r}")
        object.__setattr__(self, "level", self.code.level)

    @classmethod
    def at(cls, path: str, place: Positioned, code: ProblemCode, message: str) -> Problem:
        """The problem ``code`` at a node (or a ``Place``) of the file ``path``."""
        return cls(path, place.line, place.column, message, code)

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.level}: {self.message}"

    @property
    def is_error(self) -> bool:
        """Errors stop a file from being used; warnings never do."""
        return self.level == "error"

    def as_dict(self) -> dict[str, str | int]:
        """The problem as JSON-ready data, its code by name."""
        return {
            "path": self.path,
            "line": self.line,
            "column": self.column,
            "level": self.level,
            "message": self.message,
            "code": self.code.name,
        }


def errors_in(problems: Iterable[Problem]) -> list[Problem]:
    """The errors among ``problems``, in their order."""
    return [problem for problem in problems if problem.is_error]


def has_errors(problems: Iterable[Problem]) -> bool:
    return any(problem.is_error for problem in problems)


def summary(problems: Iterable[Problem]) -> str:
    """``2 errors, 1 warning`` (or ``no problems``), for the last line of ``geonotice check``."""
    problems = list(problems)
    errors = len(errors_in(problems))
    warnings = len(problems) - errors
    if not problems:
        return "no problems"
    return f"{errors} error{'' if errors == 1 else 's'}, {warnings} warning{'' if warnings == 1 else 's'}"


def _text(problems: list[Problem]) -> str:
    return "".join(f"{p}\n" for p in problems)


def _json(problems: list[Problem]) -> str:
    return json.dumps([p.as_dict() for p in problems], indent=2, ensure_ascii=False) + "\n"


def _github_escape(value: str, *, prop: bool = False) -> str:
    # GitHub workflow commands end at a newline and use % escapes; properties also reserve , and :
    value = value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
    if prop:
        value = value.replace(",", "%2C").replace(":", "%3A")
    return value


def _github(problems: list[Problem]) -> str:
    return "".join(
        f"::{p.level} file={_github_escape(p.path, prop=True)},line={p.line},col={p.column},"
        f"title={_github_escape(p.code.name, prop=True)}::{_github_escape(p.message)}\n"
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
