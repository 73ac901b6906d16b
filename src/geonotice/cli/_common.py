"""What several commands share: exit codes, how a bad value is reported, ``--format``, ``--app``.

Kept apart from the commands so that each command module holds one command and nothing the
others import from it.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, TypeVar

import click
from starlette.types import ASGIApp

from geonotice.importer import import_app
from geonotice.policy.case_values import moment_of

F = TypeVar("F", bound=Callable[..., Any])

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class Findings(click.exceptions.Exit):
    """Raised by a command that ran fine and found something: exit 1 with no further message."""

    def __init__(self) -> None:
        super().__init__(EXIT_FINDINGS)


class BadArgument(click.ClickException):
    """A bad option value, reported on one line (no usage block) with the usage exit code, 2."""

    exit_code = EXIT_USAGE

    def __init__(self, option: str, message: str) -> None:
        super().__init__(f"Invalid value for {option!r}: {message}")


class SettingsError(click.ClickException):
    """A setting that cannot work: one line on stderr and exit code 2, before anything listens."""

    exit_code = EXIT_USAGE


def moment(context: click.Context, param: click.Parameter, value: str | None) -> dt.datetime | None:
    """A ``callback`` for an option that takes a moment: ``2025-01-31`` (its first moment, UTC)
    or ``2025-01-31T12:00:00Z``; a bad one is a one-line usage error naming the option."""
    if value is None:
        return None
    try:
        return moment_of(value)
    except ValueError as error:
        raise BadArgument(param.opts[0], f"{value!r}: {error}") from None


def format_option(choices: Sequence[str], help: str) -> Callable[[F], F]:
    """The ``--format`` option of a command that prints a report, ``text`` by default."""
    return click.option(
        "--format",
        "fmt",
        type=click.Choice(list(choices)),
        default="text",
        show_default=True,
        help=help,
    )


def import_app_from(spec: str, app_dir: str | Path, *, factory: bool = False) -> ASGIApp:
    """The application ``spec`` names, looking for its module in ``app_dir`` first, as uvicorn does.

    Raises:
        ConfigError: the application cannot be imported; the message is one line.
    """
    directory = str(Path(app_dir).resolve())
    if directory not in sys.path:
        sys.path.insert(0, directory)
    return import_app(spec, factory=factory)
