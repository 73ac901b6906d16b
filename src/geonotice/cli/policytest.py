"""``geonotice test RULES CASES...``: run the policy cases, as CI does, and say what failed and why."""

from __future__ import annotations

from pathlib import Path

import click

from geonotice.cli._common import BadArgument, Findings, format_option, import_app_from
from geonotice.errors import ConfigError
from geonotice.policy.cases import find_case_files, load_case_file
from geonotice.policy.junit import write_junit
from geonotice.policy.report import format_report, report_json
from geonotice.policy.runner import run_policy
from geonotice.policy.wrappers import AppSlot
from geonotice.rules import check_rules
from geonotice.rules.files import POLICY_SUFFIX as CASE_SUFFIX
from geonotice.yamlcheck.problems import format_problems


@click.command("test")
@click.argument("rules", type=click.Path(path_type=Path))
@click.argument("cases", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option(
    "--app",
    "app_spec",
    metavar="MODULE:APP",
    help="Also run every case end to end through the middleware around this ASGI app.",
)
@click.option(
    "--app-dir",
    default=".",
    show_default=True,
    help="Look for the --app module in this directory too.",
)
@click.option("--factory", is_flag=True, help="--app names a function that returns the application.")
@click.option(
    "--geoip-db",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="GeoIP database for readers given by address, in case files that name none.",
)
@click.option(
    "--junit", "junit", type=click.Path(dir_okay=False, path_type=Path), help="Also write JUnit XML here."
)
@click.option(
    "--require-coverage", is_flag=True, help="Fail when a notice, jurisdiction or region is not exercised."
)
@click.option(
    "--include-drafts",
    is_flag=True,
    help="Decide every case as if the draft notices (status: draft) were live.",
)
@format_option(["text", "json"], help="text for people, json for tools.")
@click.option("-v", "--verbose", is_flag=True, help="List passing cases too.")
def policy_test(
    rules: Path,
    cases: tuple[Path, ...],
    app_spec: str | None,
    app_dir: str,
    factory: bool,
    geoip_db: Path | None,
    junit: Path | None,
    require_coverage: bool,
    include_drafts: bool,
    fmt: str,
    verbose: bool,
) -> None:
    """Run the policy cases CASES (files, or directories of *.policy.yaml) against the rules RULES.

    The output ends with "N passed, M failed". Exits 1 when a case fails, a case file has an
    error, the rules do not load, or (with --require-coverage) something is not exercised.
    """
    try:
        files = find_case_files(cases)
    except FileNotFoundError as error:
        raise BadArgument("CASES...", str(error)) from None
    if not files:
        raise BadArgument("CASES...", f"no *{CASE_SUFFIX} files in {', '.join(map(str, cases))}")
    app = None
    if app_spec is not None:
        try:
            app = AppSlot(import_app_from(app_spec, app_dir, factory=factory))
        except ConfigError as error:
            raise BadArgument("--app", str(error)) from None
        if app.replaces is not None:
            click.echo(
                f"--app: the app's own GeoNoticeMiddleware ({app.replaces}) is replaced, for this run, "
                "by one with the rules and readers of the cases",
                err=True,
            )
    ruleset, problems = check_rules(rules)
    if ruleset is None:
        click.echo(format_problems(problems), nl=False, err=True)
        click.echo(f"{rules}: the rules do not load, so no case was run", err=True)
        raise Findings()
    report = run_policy(
        ruleset,
        [load_case_file(path) for path in files],
        geoip_db=geoip_db,
        app=app,
        require_coverage=require_coverage,
        include_drafts=include_drafts,
    )
    if junit is not None:
        try:
            write_junit(report, junit)
        except OSError as error:
            raise BadArgument("--junit", f"cannot write {junit}: {error.strerror}") from None
    if fmt == "json":
        click.echo(report_json(report), nl=False)
    else:
        click.echo(format_report(report, verbose=verbose))
    if report.failed:
        raise Findings()
