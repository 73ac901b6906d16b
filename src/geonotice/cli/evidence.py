"""``geonotice evidence PATH``: were readers in a region shown a notice over a period?"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import click

from geonotice.cli._common import BadArgument, format_option
from geonotice.observe.evidence.query import answer
from geonotice.observe.evidence.report import format_json, format_text
from geonotice.policy.case_values import moment_of
from geonotice.region import region_from_code

_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _moment(option: str, text: str, *, end: bool) -> dt.datetime:
    """A ``--from``/``--to`` value; a date alone means its whole day (``--to``: up to its end)."""
    try:
        moment = moment_of(text.strip())
    except ValueError as error:
        raise BadArgument(option, f"{text!r}: {error}") from None
    if end and _DATE.fullmatch(text.strip()):
        moment += dt.timedelta(days=1)
    return moment


@click.command("evidence")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--notice", required=True, metavar="ID", help="The notice's id in the rules.")
@click.option("--region", "region_code", required=True, metavar="CODE", help="The region: RU, UA-43...")
@click.option(
    "--from", "start_text", required=True, metavar="DATE", help="First day (or moment, ...Z) of the period."
)
@click.option(
    "--to", "end_text", required=True, metavar="DATE", help="Last day of the period (included), or a moment."
)
@format_option(["text", "json"], help="text, or json for an archive.")
def evidence(path: Path, notice: str, region_code: str, start_text: str, end_text: str, fmt: str) -> None:
    """Tell from the evidence record PATH whether readers in a region were shown a notice over a
    period, under which rules versions, and how often it was not placed.

    Counts are per jurisdiction of the rules, never per region: the answer counts the readers of
    every jurisdiction that held the region under the rules version of the time.
    """
    try:
        region = region_from_code(region_code)
    except ValueError as error:
        raise BadArgument("--region", str(error)) from None
    start = _moment("--from", start_text, end=False)
    end = _moment("--to", end_text, end=True)
    if end <= start:
        raise BadArgument("--to", f"{end_text!r} is not after --from {start_text!r}")
    try:
        result = answer(
            path, notice=notice, region_code=region_code.strip(), region=region, start=start, end=end
        )
    except OSError as error:
        raise BadArgument("PATH", f"cannot read the evidence record: {error}") from None
    click.echo(format_json(result) if fmt == "json" else format_text(result), nl=fmt != "json")
