"""The ``geonotice`` command line: thin commands over library functions that return data.

Exit codes are decided here and nowhere else: 0 all good, 1 findings (rule errors, failed policy
cases, a rules change with impact), 2 bad usage or settings. The library never calls ``sys.exit``.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

import click

from geonotice.errors import GeoNoticeError

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_USAGE = 2


class Findings(click.exceptions.Exit):
    """Raised by a command that ran fine and found something: exit 1 with no further message."""

    def __init__(self) -> None:
        super().__init__(EXIT_FINDINGS)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "GEONOTICE"})
@click.version_option(package_name="geonotice")
def cli() -> None:
    """Add legally required notices to article pages, by where the reader is."""


# One module per command; each adds itself to ``cli`` when imported.
COMMAND_MODULES: tuple[str, ...] = ("run", "demo", "check", "policytest", "explain", "diff")


def _register() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(f"geonotice.cli.{name}")


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code instead of exiting, so tests can call it."""
    _register()
    try:
        result = cli.main(
            args=list(argv) if argv is not None else None, prog_name="geonotice", standalone_mode=False
        )
    except click.exceptions.Exit as exit_:
        return exit_.exit_code
    except click.ClickException as error:
        error.show()
        return EXIT_USAGE if isinstance(error, click.UsageError) else error.exit_code
    except click.Abort:
        click.echo("Aborted.", err=True)
        return EXIT_USAGE
    except GeoNoticeError as error:
        click.echo(f"geonotice: error: {error}", err=True)
        return EXIT_USAGE
    # Without standalone mode, click catches ``Exit`` (so ``Findings``) itself and returns its code.
    return result if isinstance(result, int) else EXIT_OK


def run() -> None:  # pragma: no cover - the console script
    sys.exit(main())
