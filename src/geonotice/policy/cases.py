"""The policy-case format: what a lawyer writes to say "this reader, on this page, sees this".

A case file (``*.policy.yaml``) holds a description and a list of cases; each case names a reader,
a URL, optionally the reader's language and a date, and what must hold. ``docs/policy-tests.md``
is the user documentation; this module turns a file into ``PolicyFile`` values and reports
everything wrong with it as ``Problem``s with their line and column (the loader is the rules'
``yamlsafe``, so duplicate keys, tags and unquoted ``NO`` are caught the same way).

Checks that need the rules (does notice ``x`` exist?) live in :func:`check_against`, so a file
can be loaded once and run against several rules versions.
"""

from __future__ import annotations

import datetime as dt
import ipaddress
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal
from urllib.parse import unquote, urlsplit

from geonotice.errors import ConfigError
from geonotice.locate.cdn import PRESETS, GeoHeaders
from geonotice.policy import case_codes
from geonotice.region import Region, region_from_code
from geonotice.rules.model import Ruleset
from geonotice.rules.shapes import READER_LANGUAGE, Ref, as_moment, language_problem
from geonotice.yamlcheck import codes as yaml_codes
from geonotice.yamlcheck.hints import did_you_mean
from geonotice.yamlcheck.loader import (
    Marked,
    MarkedMapping,
    MarkedScalar,
    MarkedSequence,
    describe,
    load_marked,
)
from geonotice.yamlcheck.problems import START, Positioned, Problem, ProblemCode

CASE_SUFFIX = ".policy.yaml"

FILE_KEYS = ("description", "rules", "geoip-db", "cases")
CASE_KEYS = ("name", "description", "reader", "url", "language", "date", "expect")
READER_KEYS = ("region", "ip", "geoip-db", "headers", "cdn")
EXPECT_KEYS = ("notices", "includes", "excludes", "text-contains", "language")
SPECIAL_READERS = ("unknown", "anonymous")

ReaderKind = Literal["region", "ip", "headers", "unknown", "anonymous"]


@dataclass(frozen=True, slots=True)
class Reader:
    """Who reads the page, given the way a lawyer thinks of them.

    ``region`` readers are placed directly; ``ip`` readers go through a GeoIP database;
    ``headers`` readers arrive through a CDN that sends geo headers (``cdn`` says whose).
    """

    kind: ReaderKind
    region: Region | None = None
    code: str = ""  # the region code as written
    ip: str = ""
    geoip_db: Path | None = None
    headers: tuple[tuple[str, str], ...] = ()
    cdn: GeoHeaders | None = None

    def describe(self) -> str:
        if self.kind == "region":
            return f"a reader in {self.code}"
        if self.kind == "ip":
            return f"a reader at {self.ip}"
        if self.kind == "headers":
            return "a reader with " + ", ".join(f"{name}: {value}" for name, value in self.headers)
        return f"an {self.kind} reader"


@dataclass(frozen=True, slots=True)
class Expectation:
    """What must hold. ``notices`` is exact (``()`` means none at all) or ``None`` (not checked)."""

    notices: tuple[str, ...] | None = None
    includes: tuple[str, ...] = ()
    excludes: tuple[str, ...] = ()
    text_contains: tuple[str, ...] = ()
    language: str | None = None

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


def find_case_files(paths: Iterable[str | Path]) -> list[Path]:
    """The case files ``paths`` name: files as given, directories searched for ``*.policy.yaml``.

    Raises:
        FileNotFoundError: a path does not exist.
    """
    found: list[Path] = []
    for item in paths:
        path = Path(item)
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob(f"*{CASE_SUFFIX}") if p.is_file()))
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
        return PolicyFile(
            display, problems=(Problem.at(display, START, case_codes.UNREADABLE, f"cannot read: {error}"),)
        )
    return load_cases(content, display, base=Path(path).parent)


def load_cases(content: bytes | str, display: str, *, base: Path | None = None) -> PolicyFile:
    """Load case-file text. ``display`` names it in problems; relative paths in it resolve from ``base``."""
    root, problems = load_marked(content, display)
    reader = _CaseReader(display, base or Path.cwd(), problems)
    if root is None:
        if not problems:
            problems.append(
                Problem.at(display, START, case_codes.EMPTY_FILE, "the file is empty: it should list cases")
            )
        return PolicyFile(display, problems=tuple(sorted(problems)))
    return reader.file(root)


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


class _CaseReader:
    """Walks the marked tree once, collecting every problem (nothing stops at the first)."""

    def __init__(self, path: str, base: Path, problems: list[Problem]) -> None:
        self.path = path
        self.base = base
        self.problems = problems

    def report(self, node: Positioned, code: ProblemCode, message: str) -> None:
        self.problems.append(Problem.at(self.path, node, code, message))

    # -- structure ---------------------------------------------------------------------------------

    def keys(self, node: MarkedMapping, allowed: Sequence[str], where: str) -> None:
        prefix = f"{where}: " if where else ""
        for key, _ in node.entries:
            if key.name not in allowed:
                hint = did_you_mean(key.name, allowed) or f" (expected one of: {', '.join(allowed)})"
                self.report(key, yaml_codes.UNKNOWN_KEY, f"{prefix}unknown key {key.name!r}{hint}")

    def text(self, node: Marked | None, where: str) -> str | None:
        if node is None:
            return None
        if isinstance(node, MarkedScalar) and isinstance(node.value, str):
            return node.value
        if (
            isinstance(node, MarkedScalar)
            and node.value is not None
            and not isinstance(node.value, bool | dt.date)
        ):
            return node.text  # a number is fine as text (a phrase "2019")
        hint = " (quote it)" if isinstance(node, MarkedScalar) else ""
        self.report(node, yaml_codes.WRONG_TYPE, f"{where}: expected text, got {describe(node)}{hint}")
        return None

    def texts(self, node: Marked, where: str) -> list[tuple[str, Marked]]:
        items = node.items if isinstance(node, MarkedSequence) else (node,)
        found = []
        for index, item in enumerate(items):
            value = self.text(item, f"{where}[{index}]" if isinstance(node, MarkedSequence) else where)
            if value is not None:
                found.append((value, item))
        return found

    def file(self, root: Marked) -> PolicyFile:
        if not isinstance(root, MarkedMapping):
            self.report(
                root,
                yaml_codes.WRONG_TYPE,
                f"a policy file is a mapping (description:, cases: ...), not {describe(root)}",
            )
            return PolicyFile(self.path, problems=tuple(sorted(self.problems)))
        self.keys(root, FILE_KEYS, "")
        description = self.text(root.get("description"), "description") or ""
        rules = self.file_path(root.get("rules"), "rules")
        geoip_db = self.file_path(root.get("geoip-db"), "geoip-db")
        cases: list[PolicyCase] = []
        node = root.get("cases")
        if node is None:
            self.report(
                root, yaml_codes.MISSING_KEY, "missing key 'cases': the list of cases this file checks"
            )
        elif not isinstance(node, MarkedSequence) or not node.items:
            self.report(node, yaml_codes.WRONG_TYPE, f"cases: expected a list of cases, got {describe(node)}")
        else:
            names: dict[str, int] = {}
            for index, item in enumerate(node.items):
                case = self.case(item, f"cases[{index}]", geoip_db)
                if case is None:
                    continue
                if case.name in names:
                    self.report(
                        item,
                        case_codes.DUPLICATE_CASE,
                        f"cases[{index}]: case name {case.name!r} is already used on line {names[case.name]}",
                    )
                    continue
                names[case.name] = case.line
                cases.append(case)
        return PolicyFile(self.path, description, rules, tuple(cases), tuple(sorted(self.problems)))

    def file_path(self, node: Marked | None, where: str) -> Path | None:
        text = self.text(node, where)
        if text is None:
            return None
        return (self.base / text).resolve()

    def case(self, node: Marked, where: str, geoip_db: Path | None) -> PolicyCase | None:
        if not isinstance(node, MarkedMapping):
            self.report(
                node,
                yaml_codes.WRONG_TYPE,
                f"{where}: expected a case (name:, reader:, url:, expect:), got {describe(node)}",
            )
            return None
        before = len(self.problems)
        name = self.text(node.get("name"), f"{where}.name")
        if name is not None:
            where = f"case {name!r}"
        elif node.get("name") is None:
            self.report(
                node,
                yaml_codes.MISSING_KEY,
                f"{where}: missing key 'name': say what the case checks, in a sentence",
            )
        self.keys(node, CASE_KEYS, where)
        reader = self.reader(node.get("reader"), node, where, geoip_db)
        url = self.text(node.get("url"), f"{where}: url")
        page = self.url(url, node.get("url"), node, where)
        language = self.language(node.get("language"), f"{where}: language")
        at = self.date(node.get("date"), f"{where}: date")
        refs: list[Ref] = []
        expect = self.expect(node.get("expect"), node, where, refs)
        description = self.text(node.get("description"), f"{where}: description") or ""
        if len(self.problems) > before or name is None or reader is None or page is None or expect is None:
            return None
        assert url is not None  # page is only set from a url
        return PolicyCase(
            name=name,
            reader=reader,
            url=url,
            path=page[0],
            host=page[1],
            expect=expect,
            file=self.path,
            line=node.line,
            column=node.column,
            description=description,
            language=language,
            at=at,
            refs=tuple(refs),
        )

    # -- values ------------------------------------------------------------------------------------

    def reader(
        self, node: Marked | None, case: MarkedMapping, where: str, geoip_db: Path | None
    ) -> Reader | None:
        where = f"{where}: reader"
        if node is None:
            self.report(
                case, yaml_codes.MISSING_KEY, f"{where}: missing; give region:, ip:, headers:, or unknown"
            )
            return None
        if isinstance(node, MarkedScalar):
            text = self.text(node, where)
            if text is None:
                return None
            if text in SPECIAL_READERS:
                return Reader("unknown" if text == "unknown" else "anonymous")
            return self.region_reader(text, node, where)
        if not isinstance(node, MarkedMapping):
            self.report(
                node,
                yaml_codes.WRONG_TYPE,
                f"{where}: expected region:, ip: or headers:, got {describe(node)}",
            )
            return None
        self.keys(node, READER_KEYS, where)
        given = [key for key in ("region", "ip", "headers") if node.get(key) is not None]
        if len(given) != 1:
            what = "none" if not given else " and ".join(given)
            self.report(
                node,
                case_codes.INVALID_READER,
                f"{where}: give exactly one of region, ip or headers (got {what})",
            )
            return None
        if given == ["region"]:
            value = node.get("region")
            assert value is not None
            text = self.text(value, f"{where}.region")
            return None if text is None else self.region_reader(text, value, f"{where}.region")
        if given == ["ip"]:
            value = node.get("ip")
            assert value is not None
            text = self.text(value, f"{where}.ip")
            if text is None:
                return None
            try:
                address = ipaddress.ip_address(text.strip())
            except ValueError:
                self.report(value, case_codes.INVALID_IP, f"{where}.ip: {text!r} is not an IP address")
                return None
            own_db = self.file_path(node.get("geoip-db"), f"{where}.geoip-db")
            return Reader("ip", ip=str(address), geoip_db=own_db or geoip_db)
        return self.header_reader(node, where)

    def region_reader(self, text: str, node: Marked, where: str) -> Reader | None:
        try:
            region = region_from_code(text)
        except ValueError as error:
            self.report(node, case_codes.INVALID_REGION, f"{where}: {error}")
            return None
        return Reader("region", region=region, code=text.strip())

    def header_reader(self, node: MarkedMapping, where: str) -> Reader | None:
        value = node.get("headers")
        if not isinstance(value, MarkedMapping) or not value.entries:
            assert value is not None
            self.report(
                value,
                yaml_codes.WRONG_TYPE,
                f"{where}.headers: expected header: value lines, got {describe(value)}",
            )
            return None
        headers = []
        for key, item in value.entries:
            text = self.text(item, f"{where}.headers.{key.name}")
            if text is not None:
                headers.append((key.name, text))
        cdn_node = node.get("cdn")
        cdn: GeoHeaders | None
        if cdn_node is not None:
            cdn = self.cdn(cdn_node, f"{where}.cdn")
        else:
            cdn = infer_cdn(name for name, _ in headers)
            if cdn is None:
                names = ", ".join(repr(n) for n in PRESETS)
                self.report(
                    value,
                    case_codes.UNKNOWN_CDN,
                    f"{where}.headers: no CDN sends {', '.join(n for n, _ in headers)}; "
                    f"add cdn: with one of {names} or cdn: {{country: HEADER, region: HEADER}}",
                )
        if cdn is None:
            return None
        return Reader("headers", headers=tuple(headers), cdn=cdn)

    def cdn(self, node: Marked, where: str) -> GeoHeaders | None:
        if isinstance(node, MarkedMapping):
            self.keys(node, ("country", "region"), where)
            country = self.text(node.get("country"), f"{where}.country")
            region = self.text(node.get("region"), f"{where}.region")
            if country is None:
                self.report(
                    node,
                    yaml_codes.MISSING_KEY,
                    f"{where}: missing key 'country': the header with the country code",
                )
                return None
            try:
                return GeoHeaders(country, region)
            except ConfigError as error:
                self.report(node, case_codes.INVALID_CDN, f"{where}: {error}")
                return None
        text = self.text(node, where)
        if text is None:
            return None
        preset = PRESETS.get(text.strip().lower())
        if preset is None:
            hint = did_you_mean(text, PRESETS) or f" (expected one of: {', '.join(PRESETS)})"
            self.report(node, case_codes.UNKNOWN_CDN, f"{where}: unknown CDN {text!r}{hint}")
        return preset

    def url(
        self, url: str | None, node: Marked | None, case: MarkedMapping, where: str
    ) -> tuple[str, str | None] | None:
        if node is None:
            self.report(
                case,
                yaml_codes.MISSING_KEY,
                f"{where}: missing key 'url': the page, as a path (/a/story) or a link",
            )
            return None
        if url is None:
            return None
        page = page_of(url)
        if page is None:
            self.report(
                node,
                case_codes.INVALID_URL,
                f"{where}: url: expected a path starting with / or an http(s) link, got {url!r}",
            )
        return page

    def language(self, node: Marked | None, where: str) -> str | None:
        text = self.text(node, where)
        if text is None:
            return None
        if not READER_LANGUAGE.fullmatch(text.strip()):
            assert node is not None
            self.report(
                node, case_codes.INVALID_LANGUAGE, f"{where}: {language_problem(text, READER_LANGUAGE)}"
            )
            return None
        return text.strip()

    def date(self, node: Marked | None, where: str) -> dt.datetime | None:
        if node is None:
            return None
        try:
            return moment_of(node.value if isinstance(node, MarkedScalar) else None)
        except ValueError as error:
            self.report(node, case_codes.INVALID_DATE, f"{where}: {error}, got {describe(node)}")
            return None

    def expect(
        self, node: Marked | None, case: MarkedMapping, where: str, refs: list[Ref]
    ) -> Expectation | None:
        where = f"{where}: expect"
        if node is None:
            self.report(
                case,
                yaml_codes.MISSING_KEY,
                f"{where}: missing; say what must hold (notices:, includes:, ...)",
            )
            return None
        if not isinstance(node, MarkedMapping) or not node.entries:
            self.report(
                node,
                yaml_codes.WRONG_TYPE,
                f"{where}: expected notices:, includes:, excludes:, text-contains:, got {describe(node)}",
            )
            return None
        self.keys(node, EXPECT_KEYS, where)
        notices: tuple[str, ...] | None = None
        exact = node.get("notices")
        if exact is not None:
            if isinstance(exact, MarkedScalar) and exact.value in ("none", "None", "nothing"):
                notices = ()
            elif isinstance(exact, MarkedScalar) and exact.value is None:
                self.report(
                    exact,
                    yaml_codes.WRONG_TYPE,
                    f"{where}.notices: empty; write 'none' for no notices, or list the ids",
                )
            else:
                notices = tuple(self.ids(exact, f"{where}.notices", refs))
        language = self.language(node.get("language"), f"{where}.language")
        return Expectation(
            notices=notices,
            includes=tuple(self.ids(node.get("includes"), f"{where}.includes", refs)),
            excludes=tuple(self.ids(node.get("excludes"), f"{where}.excludes", refs)),
            text_contains=tuple(
                text for text, _ in self.texts_of(node.get("text-contains"), f"{where}.text-contains")
            ),
            language=language,
        )

    def texts_of(self, node: Marked | None, where: str) -> list[tuple[str, Marked]]:
        return [] if node is None else self.texts(node, where)

    def ids(self, node: Marked | None, where: str, refs: list[Ref]) -> Iterator[str]:
        for text, item in self.texts_of(node, where):
            refs.append(Ref(text, self.path, item))
            yield text


def infer_cdn(names: Iterable[str]) -> GeoHeaders | None:
    """The CDN preset whose country header is among ``names`` (compared case-insensitively)."""
    lowered = {name.lower() for name in names}
    for preset in PRESETS.values():
        if preset.country.lower() in lowered:
            return preset
    return None


def page_of(url: str) -> tuple[str, str | None] | None:
    """``(path, host)`` of a path or an http(s) link; ``None`` when it is neither."""
    url = url.strip()
    parts = urlsplit(url)
    if parts.scheme:
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return None
        return unquote(parts.path) or "/", parts.hostname
    if not url.startswith("/") or url.startswith("//"):
        return None
    return unquote(parts.path) or "/", None


def moment_of(value: object) -> dt.datetime:
    """A case's date as an aware UTC datetime: a date means its first moment, UTC.

    Raises:
        ValueError: not a date (2025-01-31) or a time with a zone (2025-01-31T12:00:00Z).
    """
    value = as_moment(value)
    if isinstance(value, dt.datetime):
        if value.utcoffset() is None:
            raise ValueError("give the time with its zone, e.g. 2025-01-31T12:00:00Z")
        return value.astimezone(dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time(), dt.UTC)
    raise ValueError("expected a date (2025-01-31) or a time with its zone (2025-01-31T12:00:00Z)")
