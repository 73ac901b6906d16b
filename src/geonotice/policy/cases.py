"""Policy-case files: what a lawyer writes to say "this reader, on this page, sees this".

A case file (``*.policy.yaml``) holds a description and a list of cases; each case names a reader,
a URL, optionally the reader's language and a date, and what must hold. ``docs/policy-tests.md``
is the user documentation and ``case_format.py`` (with ``case_values.py`` and
``case_readers.py``) the format as data; this module walks a file
against that format (with the same loader and walker as the rules, so duplicate keys, tags and
unquoted ``NO`` are caught the same way) and turns it into ``PolicyFile`` values, reporting
everything wrong with it as ``Problem``s with their line and column.

Checks that need the rules (does notice ``x`` exist?) live in :func:`check_against`, so a file
can be loaded once and run against several rules versions.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from geonotice.policy import case_codes
from geonotice.policy.case_format import CASES_FORMAT, FILE_FIELDS
from geonotice.policy.case_readers import Reader, infer_cdn
from geonotice.policy.case_values import moment_of, page_of
from geonotice.rules.files import POLICY_SUFFIX
from geonotice.rules.model import Placement, Ruleset
from geonotice.rules.shapes import Ref
from geonotice.yamlcheck import Section, Walker
from geonotice.yamlcheck.hints import did_you_mean
from geonotice.yamlcheck.loader import load_marked
from geonotice.yamlcheck.problems import START, Problem

__all__ = [
    "Expectation",
    "PolicyCase",
    "PolicyFile",
    "Reader",
    "check_against",
    "find_case_files",
    "infer_cdn",
    "load_case_file",
    "load_cases",
    "moment_of",
    "page_of",
]


@dataclass(frozen=True, slots=True)
class Expectation:
    """What must hold. ``notices`` is exact (``()`` means none at all) or ``None`` (not checked)."""

    notices: tuple[str, ...] | None = None
    includes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    text_contains: tuple[str, ...] = ()
    language: str | None = None
    placed: Placement | None = None  # where the notices land, checked end to end

    def describe(self) -> str:
        parts = []
        if self.notices is not None:
            parts.append("exactly " + ", ".join(self.notices) if self.notices else "no notices")
        if self.includes:
            parts.append("at least " + ", ".join(self.includes))
        if self.excludes:
            parts.append("not " + ", ".join(self.excludes))
        if self.text_contains:
            parts.append("text containing " + ", ".join(repr(t) for t in self.text_contains))
        if self.language:
            parts.append(f"in {self.language}")
        if self.placed is not None:
            parts.append(f"placed {self.placed.describe()}")
        return "; ".join(parts)


@dataclass(frozen=True, slots=True)
class PolicyCase:
    name: str
    reader: Reader
    url: str
    path: str  # the URL's path, percent-decoded as ASGI servers give it
    host: str | None
    expect: Expectation
    file: str
    line: int
    column: int = 1
    description: str = ""
    language: str | None = None  # the reader's preferred language (their Accept-Language)
    at: dt.datetime | None = None
    refs: tuple[Ref, ...] = ()  # the notice ids it names, kept with their place


@dataclass(frozen=True, slots=True)
class PolicyFile:
    """One case file. ``cases`` holds only the cases that loaded; ``problems`` says what did not."""

    path: str
    description: str = ""
    rules: Path | None = None
    cases: tuple[PolicyCase, ...] = ()
    problems: tuple[Problem, ...] = field(default=())
    include_drafts: bool = False  # its cases test notices under review: decide as if they were live


def find_case_files(paths: Iterable[str | Path]) -> list[Path]:
    """The case files ``paths`` name: files as given, directories searched for ``*.policy.yaml``.

    Raises:
        FileNotFoundError: a path does not exist.
    """
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob(f"*{POLICY_SUFFIX}") if p.is_file()))
        elif path.exists():
            found.append(path)
        else:
            raise FileNotFoundError(f"no such policy case file or directory: {item}")
    return list(dict.fromkeys(found))


def load_case_file(path: str | Path) -> PolicyFile:
    """Load one case file; a file that cannot be read is reported as a problem, never raised."""
    display = str(path)
    try:
        content = Path(path).read_bytes()
    except OSError as error:
        problem = Problem.at(display, START, case_codes.UNREADABLE, f"cannot read: {error}")
        return PolicyFile(display, problems=(problem,))
    return load_cases(content, display, base=Path(path).parent)


def load_cases(content: bytes | str, display: str, *, base: Path | None = None) -> PolicyFile:
    """Load case-file text. ``display`` names it in problems; relative paths in it resolve from ``base``."""
    root, problems = load_marked(content, display, keys=CASES_FORMAT.keys)
    if root is None:
        if not problems:
            message = "the file is empty: it should list cases"
            problems.append(Problem.at(display, START, case_codes.EMPTY_FILE, message))
        return PolicyFile(display, problems=tuple(sorted(problems)))
    walker = Walker(display, problems)
    mapping = walker.root(root, "a policy file is a mapping (description:, cases: ...)")
    if mapping is None:
        return PolicyFile(display, problems=tuple(sorted(problems)))
    top = walker.section(mapping, FILE_FIELDS, "")
    base = base or Path.cwd()
    geoip_db = _resolved(base, top.get("geoip-db"))
    cases: list[PolicyCase] = []
    lines: dict[str, int] = {}
    for section in top.get("cases", []):
        case = _case(section, base, geoip_db)
        if case is None:
            continue
        if case.name in lines:
            message = (
                f"cases[{section.index}]: case name {case.name!r} is already used on line {lines[case.name]}"
            )
            walker.report(section.node, case_codes.DUPLICATE_CASE, message)
            continue
        lines[case.name] = case.line
        cases.append(case)
    rules = _resolved(base, top.get("rules"))
    return PolicyFile(
        display,
        top.get("description", ""),
        rules,
        tuple(cases),
        tuple(sorted(problems)),
        include_drafts=top.get("include-drafts", False),
    )


def check_against(policy: PolicyFile, ruleset: Ruleset) -> dict[str, list[Problem]]:
    """Problems only the rules reveal (a case naming a notice id they lack), by case name."""
    known = [notice.id for notice in ruleset.notices]
    found: dict[str, list[Problem]] = {}
    for case in policy.cases:
        for ref in case.refs:
            if ref.name not in known:
                hint = did_you_mean(ref.name, known) or f" (the rules have: {', '.join(known)})"
                message = f"case {case.name!r}: unknown notice id {ref.name!r}{hint}"
                problem = Problem.at(policy.path, ref.node, case_codes.UNKNOWN_NOTICE, message)
                found.setdefault(case.name, []).append(problem)
    return found


def _resolved(base: Path, path: str | Path | None) -> Path | None:
    return None if path is None else (base / path).resolve()


def _case(section: Section, base: Path, geoip_db: Path | None) -> PolicyCase | None:
    """The case a walked section stands for; ``None`` when anything in it was reported."""
    if not section.clean:
        return None
    reader: Reader = section.get("reader")
    if reader.kind == "ip":
        reader = dataclasses.replace(reader, geoip_db=_resolved(base, reader.geoip_db) or geoip_db)
    url, path, host = section.get("url")
    expect: Section = section.get("expect")
    exact: list[Ref] | None = expect.get("notices")
    includes: list[Ref] = expect.get("includes", [])
    excludes: list[Ref] = expect.get("excludes", [])
    return PolicyCase(
        name=section.get("name"),
        reader=reader,
        url=url,
        path=path,
        host=host,
        expect=Expectation(
            notices=None if exact is None else tuple(ref.name for ref in exact),
            includes=tuple(ref.name for ref in includes),
            excludes=tuple(ref.name for ref in excludes),
            text_contains=tuple(expect.get("text-contains", [])),
            language=expect.get("language"),
            placed=expect.get("placed"),
        ),
        file=section.path,
        line=section.node.line,
        column=section.node.column,
        description=section.get("description", ""),
        language=section.get("language"),
        at=section.get("date"),
        refs=(*(exact or []), *includes, *excludes),
    )
