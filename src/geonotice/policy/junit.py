"""JUnit XML for CI systems (GitLab, Jenkins, GitHub test reporters): one ``testsuite`` per case file.

The format has no formal standard; this writes the subset every common reader understands:
``testsuites > testsuite(name, tests, failures, skipped, time) > testcase(classname, name, file,
line, time)`` with a ``failure`` or ``skipped`` child carrying the same messages as the terminal.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

from geonotice.policy.report import CaseResult, Outcome, TestReport

COVERAGE_CASE = "every notice, jurisdiction and region is exercised"


def junit_xml(report: TestReport, *, suite_name: str = "geonotice policy") -> str:
    """The report as a JUnit XML document (a string, with an XML declaration)."""
    root = ET.Element("testsuites", name=suite_name)
    by_file: dict[str, list[CaseResult]] = {}
    for result in report.results:
        by_file.setdefault(result.file, []).append(result)
    for file, results in by_file.items():
        suite = ET.SubElement(
            root,
            "testsuite",
            name=file,
            tests=str(len(results)),
            failures=str(sum(r.outcome is Outcome.FAILED for r in results)),
            errors="0",
            skipped=str(sum(r.outcome is Outcome.SKIPPED for r in results)),
            time=f"{sum(r.seconds for r in results):.3f}",
        )
        for result in results:
            case = ET.SubElement(
                suite,
                "testcase",
                classname=_classname(file),
                name=result.name,
                file=file,
                line=str(result.line),
                time=f"{result.seconds:.3f}",
            )
            if result.outcome is Outcome.FAILED:
                # The message attribute is what CI shows in its list of failures: expected vs got.
                failure = ET.SubElement(case, "failure", message=result.summary)
                failure.text = "\n".join(result.messages)
            elif result.outcome is Outcome.SKIPPED:
                ET.SubElement(case, "skipped", message="; ".join(result.messages))
    gaps = report.coverage.lines()
    if gaps:
        # Coverage belongs to the whole run, not to a case: it gets a suite of its own, failing
        # under --require-coverage and otherwise passing with the gaps in its output.
        failing = report.require_coverage
        suite = ET.SubElement(
            root, "testsuite", name="coverage", tests="1", failures=str(int(failing)), errors="0", skipped="0"
        )
        case = ET.SubElement(suite, "testcase", classname="coverage", name=COVERAGE_CASE)
        text = "\n".join(f"coverage gap: {gap}" for gap in gaps)
        if failing:
            ET.SubElement(case, "failure", message=gaps[0]).text = text
        else:
            ET.SubElement(case, "system-out").text = text
    ET.indent(root)
    return '<?xml version="1.0" encoding="utf-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def write_junit(report: TestReport, path: str | Path) -> None:
    """Write :func:`junit_xml` to ``path``.

    Raises:
        OSError: the file cannot be written.
    """
    Path(path).write_text(junit_xml(report), encoding="utf-8")


def _classname(file: str) -> str:
    # Dotted like a module path, which is how most CI viewers group test cases.
    name = file.removesuffix(".yaml").removesuffix(".yml")
    return name.replace("\\", "/").strip("./").replace("/", ".")
