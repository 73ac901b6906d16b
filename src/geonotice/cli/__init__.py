"""The ``geonotice`` command line: thin commands over library functions that return data.

Exit codes are decided in ``main`` and nowhere else: 0 all good, 1 findings (rule errors, failed
policy cases, a rules change with impact), 2 bad usage or settings. The library never calls
``sys.exit``.

A command is a click command in a module of its own (``check.py`` holds two close ones), listed
in ``COMMANDS``: adding one is a module and a line there.
"""

from __future__ import annotations

from collections.abc import Sequence

import click

from geonotice.cli import (
    check,
    demo,
    diff,
    edgeconfig,
    evidence,
    explain,
    policytest,
    regions,
    run,
    variants,
)
from geonotice.cli._common import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, Findings
from geonotice.errors import ConfigError, GeoNoticeError
from geonotice.inject import walker
from geonotice.settings import option_of

__all__ = ["COMMANDS", "EXIT_FINDINGS", "EXIT_OK", "EXIT_USAGE", "Findings", "cli", "main"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "auto_envvar_prefix": "GEONOTICE"})
@click.version_option(
    package_name="geonotice", message=f"%(prog)s, version %(version)s; scanner: {walker.describe()}"
)
def cli() -> None:
    """Add legally required notices to article pages, by where the reader is."""


COMMANDS: tuple[click.Command, ...] = (
    run.run_command,
    demo.demo_command,
    check.check,
    check.schema,
    policytest.policy_test,
    explain.explain,
    diff.diff,
    evidence.evidence,
    variants.variants_command,
    edgeconfig.edge_config_command,
    regions.regions,
)
for _command in COMMANDS:
    cli.add_command(_command)


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; returns the exit code instead of exiting, so tests can call it.

    The console script ``geonotice`` calls it with no arguments and exits with what it returns.
    """
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
    except ConfigError as error:
        click.echo(f"geonotice: error: {error.describe(option_of)}", err=True)
        return EXIT_USAGE
    except GeoNoticeError as error:
        click.echo(f"geonotice: error: {error}", err=True)
        return EXIT_USAGE
    # Without standalone mode, click catches ``Exit`` (so ``Findings``) itself and returns its code.
    return result if isinstance(result, int) else EXIT_OK
