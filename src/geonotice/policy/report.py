"""What a policy-test run found: plain values, and the text a person reads at the end of a run.

The runner builds a ``TestReport``; the command line, the JUnit writer and the pytest plugin only
format it, so every front end says the same thing about the same failure.
"""

from __future__ import annotations

import enum
import json
from dataclasses import dataclass, field


class Outcome(enum.StrEnum):
    PASSED = "passed"
    FAILED = "failed"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class CaseResult:
    """One case's outcome. ``messages`` say what was expected and what happened (failures), or why
    the case was skipped; ``notes`` are informational lines (e.g. a leg that was not run)."""

    file: str
    name: str
    line: int
    outcome: Outcome
    messages: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    shown: tuple[str, ...] = ()  # the notice ids the reader got
    seconds: float = 0.0
    # A failure in one line, "expected X, got Y: reader, on page" (JUnit's failure message); the
    # first message when there is no expectation to compare (a file that did not load).
    headline: str = ""

    @property
    def summary(self) -> str:
        return self.headline or (self.messages[0] if self.messages else "")

    @property
    def title(self) -> str:
        return f"{self.file}:{self.line}: {self.name}"


@dataclass(frozen=True, slots=True)
class Coverage:
    """What no case exercised. A notice is exercised when some case's reader was shown it; a
    jurisdiction when some case's reader was in it; a region when some case's reader was in it."""

    notices: tuple[str, ...] = ()
    jurisdictions: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()

    @property
    def complete(self) -> bool:
        return not (self.notices or self.jurisdictions or self.regions)

    def lines(self) -> list[str]:
        gaps = []
        if self.notices:
            gaps.append("notices never shown by any case: " + ", ".join(self.notices))
        if self.jurisdictions:
            gaps.append("jurisdictions no case's reader was in: " + ", ".join(self.jurisdictions))
        if self.regions:
            gaps.append("regions no case's reader was in: " + ", ".join(self.regions))
        return gaps


@dataclass(frozen=True, slots=True)
class TestReport:
    """A whole run: every case result and coverage.

    A case file that does not load counts as one failed result, and a case that names something the
    rules lack (an unknown notice id) fails with that problem, so broken tests never pass quietly.
    """

    __test__ = False  # not a pytest test class, despite the name

    results: tuple[CaseResult, ...]
    coverage: Coverage = field(default_factory=Coverage)
    require_coverage: bool = False

    def count(self, outcome: Outcome) -> int:
        return sum(1 for r in self.results if r.outcome is outcome)

    @property
    def failed(self) -> bool:
        return self.count(Outcome.FAILED) > 0 or (self.require_coverage and not self.coverage.complete)

    def summary(self) -> str:
        """``N passed, M failed`` (``, K skipped`` when any were): the last line of a run."""
        parts = [f"{self.count(Outcome.PASSED)} passed", f"{self.count(Outcome.FAILED)} failed"]
        if self.count(Outcome.SKIPPED):
            parts.append(f"{self.count(Outcome.SKIPPED)} skipped")
        return ", ".join(parts)


def format_failure(result: CaseResult) -> str:
    """The block printed for one failed case (also what the pytest plugin shows)."""
    lines = [f"FAILED {result.title}"]
    lines += [f"    {message}" for message in result.messages]
    return "\n".join(lines)


def format_report(report: TestReport, *, verbose: bool = False) -> str:
    """The whole run for a person: problems, failures, skips, coverage, then the summary line."""
    out: list[str] = []
    for result in report.results:
        if result.outcome is Outcome.FAILED:
            out.append(format_failure(result))
        elif result.outcome is Outcome.SKIPPED:
            out.append(f"SKIPPED {result.title}")
            out += [f"    {message}" for message in result.messages]
        elif verbose:
            out.append(f"PASSED {result.title}")
        if verbose:
            out += [f"    note: {note}" for note in result.notes]
    gaps = report.coverage.lines()
    if gaps:
        label = "coverage gap (failure: --require-coverage)" if report.require_coverage else "coverage gap"
        out += [f"{label}: {gap}" for gap in gaps]
    out.append(report.summary())
    return "\n".join(out)


def report_json(report: TestReport) -> str:
    """The run as a JSON document, for tools: results, coverage gaps and the counts."""
    document = {
        "results": [
            {
                "file": r.file,
                "line": r.line,
                "name": r.name,
                "outcome": r.outcome.value,
                "messages": list(r.messages),
                "shown": list(r.shown),
            }
            for r in report.results
        ],
        "coverage": {
            "notices": list(report.coverage.notices),
            "jurisdictions": list(report.coverage.jurisdictions),
            "regions": list(report.coverage.regions),
            "required": report.require_coverage,
        },
        "passed": report.count(Outcome.PASSED),
        "failed": report.count(Outcome.FAILED),
        "skipped": report.count(Outcome.SKIPPED),
        "ok": not report.failed,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
