"""``geonotice variants RULES``: the classes of readers whom every notice treats the same."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from geonotice.cli._common import format_option, moment
from geonotice.cli._ruleset import read_rules
from geonotice.edge.report import format_json, format_text
from geonotice.rules.variants import variants_of


@click.command("variants")
@click.argument("rules", type=click.Path(path_type=Path))
@click.option(
    "--at",
    callback=moment,
    metavar="DATE",
    help="The moment to compute for (default now): 2025-01-31 or ...T12:00:00Z.",
)
@format_option(["text", "json"], help="text for people, json for tools.")
def variants_command(rules: Path, at: dt.datetime | None, fmt: str) -> None:
    """List the variants of the rules RULES: which readers share a page, and which notices each
    gets. An edge keyed on the variant keeps one copy of a covered page per variant."""
    table = variants_of(read_rules(rules), at)
    click.echo(format_json(table) if fmt == "json" else format_text(table), nl=fmt != "json")
