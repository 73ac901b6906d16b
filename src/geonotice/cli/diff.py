"""``geonotice diff OLD NEW``: what a change to the rules does to readers, for review and CI."""

from __future__ import annotations

from pathlib import Path

import click

from geonotice.cli._common import BadArgument, Findings, format_option
from geonotice.policy.impact import compare, load_version
from geonotice.policy.impact_formats import format_json, format_markdown, format_text


@click.command("diff")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path), metavar="OLD [NEW]")
@click.option(
    "--git", "rev", metavar="REV", help="Compare the rules at PATH as of git revision REV with PATH now."
)
@format_option(
    ["text", "markdown", "json"], help="text for people, markdown for a pull-request review, json for tools."
)
def diff(paths: tuple[Path, ...], rev: str | None, fmt: str) -> None:
    """Show the impact on readers of going from the rules OLD to the rules NEW (files or
    directories), or with --git REV, from PATH as of REV to PATH now.

    Exits 1 when some reader would see something different, 0 when none would.
    """
    if rev is not None:
        if len(paths) != 1:
            raise BadArgument("--git", "give one rules PATH to compare with itself at that revision")
        old = load_version(paths[0], git_rev=rev)
        old_name, new_name = f"{paths[0]} at {rev}", str(paths[0])
        new = load_version(paths[0])
    else:
        if len(paths) != 2:
            raise BadArgument("OLD [NEW]", "give the OLD and NEW rules, or one path with --git REV")
        old, new = load_version(paths[0]), load_version(paths[1])
        old_name, new_name = str(paths[0]), str(paths[1])
    impact = compare(old, new, old_name=old_name, new_name=new_name)
    formatter = {"text": format_text, "markdown": format_markdown, "json": format_json}[fmt]
    click.echo(formatter(impact), nl=fmt == "text")
    if impact.has_impact:
        raise Findings()
