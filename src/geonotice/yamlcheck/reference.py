"""The reference sections of a format's documentation, rendered from its field tables and codes.

``docs/rules.md`` and ``docs/policy-tests.md`` end with such a section; their tests compare it
with what these functions render, so the documentation cannot drift from the checker.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from geonotice.yamlcheck.fields import Field
from geonotice.yamlcheck.problems import ProblemCode

MARKER = "<!-- reference: generated, do not edit by hand -->"


def is_described(example: str) -> bool:
    """Whether an example describes a situation in words, ``(an empty directory)``, instead of
    showing YAML."""
    return example.startswith("(") and example.endswith(")")


def key_table(fields: Iterable[Field]) -> list[str]:
    lines = ["| Key | Required | Default | Meaning |", "|---|---|---|---|"]
    for field in fields:
        required = "yes" if field.required else "no"
        lines.append(f"| `{field.key}` | {required} | {field.default or '-'} | {field.help} |")
    return lines


def _example(label: str, example: str) -> list[str]:
    if is_described(example):
        return [f"{label} {example}", ""]
    return [label, "```yaml", example.rstrip("\n"), "```", ""]


def code_entries(codes: Iterable[ProblemCode]) -> list[str]:
    lines: list[str] = []
    for code in codes:
        lines += [f"##### `{code.name}` ({code.level})", "", code.summary, ""]
        lines += _example("FAIL:", code.fail) + _example("PASS:", code.ok)
    return lines


def render(
    tables: Sequence[tuple[str, Sequence[Field]]], codes: Iterable[ProblemCode], *, codes_intro: str = ""
) -> str:
    """The reference: one key table per ``(title, fields)``, then every problem code."""
    lines: list[str] = []
    for title, fields in tables:
        lines += [f"#### {title}", "", *key_table(fields), ""]
    lines += ["#### Problems", ""]
    if codes_intro:
        lines += [codes_intro, ""]
    lines += code_entries(codes)
    return "\n".join(lines).rstrip("\n") + "\n"
