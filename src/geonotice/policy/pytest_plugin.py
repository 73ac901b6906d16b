"""pytest plugin: plain ``pytest`` collects ``*.policy.yaml`` files and runs each case as a test.

Shaped after pytest's "non-Python tests" example (``from_parent``, ``repr_failure``,
``reportinfo``), with the case's real line number so an IDE jumps to it. Failures read exactly
like ``geonotice test``'s, since both come from the same runner.

Registered through the ``pytest11`` entry point, so it loads in every pytest run of an environment
where geonotice is installed; the case format and the runner are imported only when a policy file
is collected.

The rules a file tests are its ``rules:`` key (relative to the file), else the ``geonotice_rules``
ini option (relative to the root directory). ``geonotice_geoip_db`` likewise gives a database for
readers given by address in files that name none.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from geonotice.rules.files import POLICY_SUFFIX
from geonotice.yamlcheck.problems import errors_in

if TYPE_CHECKING:
    from geonotice.policy.cases import PolicyCase
    from geonotice.rules import Engine


class PolicyFailure(Exception):
    """A case that failed, or a file that did not load: the lines to show, without a traceback."""

    def __init__(self, lines: list[str] | tuple[str, ...]) -> None:
        super().__init__("\n".join(lines))
        self.lines = tuple(lines)


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addini(
        "geonotice_rules", "Rules file or directory for policy files without a rules: key.", default=""
    )
    parser.addini(
        "geonotice_geoip_db",
        "GeoIP database for policy readers given by address (when a file names none).",
        default="",
    )


def pytest_collect_file(parent: pytest.Collector, file_path: Path) -> pytest.Collector | None:
    if file_path.name.endswith(POLICY_SUFFIX):
        return PolicyFile.from_parent(parent, path=file_path)
    return None


_ENGINES = pytest.StashKey[dict[tuple[Path, bool], "Engine | PolicyFailure"]]()


def _display(path: Path) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:  # another drive, on Windows
        return str(path)


class PolicyFile(pytest.File):
    """One case file; its cases become items, its problems a collection error with locations."""

    def collect(self) -> Iterator[PolicyItem]:
        from geonotice.policy.cases import check_against, load_cases

        policy = load_cases(self.path.read_bytes(), _display(self.path), base=self.path.parent)
        errors = errors_in(policy.problems)
        if errors:
            raise PolicyFailure([f"{p}  [{p.code}]" for p in errors])
        engine = self._engine(policy.rules, include_drafts=policy.include_drafts)
        unknown = check_against(policy, engine.ruleset)
        geoip_db = self._ini_path("geonotice_geoip_db")
        for case in policy.cases:
            problems = tuple(f"{p}  [{p.code}]" for p in unknown.get(case.name, ()))
            yield PolicyItem.from_parent(
                self, name=case.name, case=case, engine=engine, problems=problems, geoip_db=geoip_db
            )

    def _ini_path(self, name: str) -> Path | None:
        value = str(self.config.getini(name) or "")
        return self.config.rootpath / value if value else None

    def _engine(self, rules: Path | None, *, include_drafts: bool) -> Engine:
        from geonotice.rules import Engine, check_rules

        if rules is None:
            rules = self._ini_path("geonotice_rules")
        if rules is None:
            where = _display(self.path)
            raise PolicyFailure(
                [f"{where}: no rules to test: add 'rules: <path>' to it, or set geonotice_rules"]
            )
        engines = self.config.stash.setdefault(_ENGINES, {})
        found = engines.get((rules, include_drafts))
        if found is None:
            ruleset, problems = check_rules(rules)
            if ruleset is None:
                errors = [f"{p}  [{p.code}]" for p in errors_in(problems)]
                found = PolicyFailure([f"the rules at {_display(rules)} do not load:", *errors])
            else:
                found = Engine(ruleset, include_drafts=include_drafts)
            engines[rules, include_drafts] = found
        if isinstance(found, PolicyFailure):
            raise found
        return found

    # Collector narrows Node's signature (no style); mypy sees the narrowing as an override error.
    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:  # type: ignore[override]
        if isinstance(excinfo.value, PolicyFailure):
            return "\n".join(excinfo.value.lines)
        return super().repr_failure(excinfo)


class PolicyItem(pytest.Item):
    """One policy case, run against the rules engine."""

    def __init__(
        self,
        *,
        case: PolicyCase,
        engine: Engine,
        problems: tuple[str, ...],
        geoip_db: Path | None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.case = case
        self.engine = engine
        self.problems = problems
        self.geoip_db = geoip_db

    def runtest(self) -> None:
        from geonotice.policy.report import Outcome
        from geonotice.policy.runner import run_case

        if self.problems:
            raise PolicyFailure(self.problems)
        result = run_case(self.engine, self.case, geoip_db=self.geoip_db)
        if result.outcome is Outcome.FAILED:
            raise PolicyFailure(result.messages)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, PolicyFailure):
            return "\n".join([f"policy case {self.case.name!r} failed:", *excinfo.value.lines])
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self) -> tuple[Path, int, str]:
        # pytest counts lines from 0; the case's line is the line of its "- name:" entry.
        return self.path, self.case.line - 1, f"policy case: {self.case.name}"
