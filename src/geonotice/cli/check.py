"""``geonotice check RULES`` and ``geonotice schema``: the lawyers' and editors' view of the rules
and of the policy cases."""

from __future__ import annotations

from pathlib import Path

import click

from geonotice.cli._common import Findings, format_option
from geonotice.policy.case_format import CASES_FORMAT
from geonotice.rules import check_rules
from geonotice.rules.schema import RULES_FORMAT
from geonotice.yamlcheck.problems import FORMATS, format_problems, has_errors, summary


@click.command("check")
@click.argument("rules", type=click.Path(path_type=Path))
@format_option(FORMATS, help="text for people, json for tools, github for pull request annotations.")
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too.")
def check(rules: Path, fmt: str, strict: bool) -> None:
    """Check the rules file or directory RULES and print every problem.

    Exits 1 when there is an error (or, with --strict, a warning), 0 otherwise.
    """
    _, problems = check_rules(rules)
    click.echo(format_problems(problems, fmt), nl=False)
    # The summary would break the JSON document or the annotations, so it goes to stderr there.
    click.echo(f"{rules}: {summary(problems)}", err=fmt != "text")
    if has_errors(problems) or (strict and problems):
        raise Findings()


@click.command("schema")
@click.option("--cases", is_flag=True, help="Describe a policy-case file (*.policy.yaml) instead.")
def schema(cases: bool) -> None:
    """Print the JSON Schema of a rules file, for editors (VS Code YAML: yaml.schemas)."""
    click.echo((CASES_FORMAT if cases else RULES_FORMAT).json_schema_text(), nl=False)
