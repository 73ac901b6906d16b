"""``geonotice demo``: a small news site behind geonotice, with the example rules and a demo database."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click
import uvicorn

from geonotice.cli import _serving
from geonotice.cli._common import SettingsError

if TYPE_CHECKING:
    from geonotice.demo.reader_switch import DemoReader
    from geonotice.demo.site import Article

# The readers the demo's printed instructions offer; the site's own strip lists them all.
_BANNER_READERS = ("moscow", "crimea", "sevastopol", "kyiv", "berlin", "new-york")


@click.command("demo")
@click.option("--host", default="127.0.0.1", show_default=True, help=_serving.HOST_HELP)
@click.option("--port", default=8000, show_default=True, type=_serving.PORT, help=_serving.PORT_HELP)
@click.option(
    "--rules",
    type=click.Path(exists=True, path_type=Path),
    help=_serving.RULES_HELP + " Default: the example rules of a source checkout.",
)
@click.option("--log-level", default="warning", show_default=True, type=_serving.LOG_LEVELS)
def demo_command(host: str, port: int, rules: Path | None, log_level: str) -> None:
    """Serve a small demo news site behind geonotice, with the example rules and a demo database."""
    from geonotice.demo.reader_switch import load_demo_readers
    from geonotice.demo.site import create_demo_app, load_articles, shipped_rules

    rules = rules if rules is not None else shipped_rules()
    if rules is None:
        raise SettingsError(
            "no example rules here (they live in the source repository's rules/ directory): pass --rules"
        )
    wrapped = _serving.build(lambda: create_demo_app(rules=rules))
    sock = _serving.bind(host, port)
    click.echo(demo_banner(_serving.url_of(host, sock), rules, load_demo_readers(), load_articles()))
    if not _serving.is_loopback(host):
        click.echo(
            "Note: the demo trusts only this machine as a proxy, so the reader links and X-Forwarded-For "
            "work from here alone; visitors from other machines are located by their own address."
        )
    _serving.serve(uvicorn.Config(wrapped, log_level=log_level, proxy_headers=False), sock)


def demo_banner(url: str, rules: Path, readers: Sequence[DemoReader], articles: Sequence[Article]) -> str:
    """What ``geonotice demo`` prints: where the site is, the reader links and curl lines to try."""
    from geonotice.demo.site import showcase_articles

    by_key = {reader.key: reader for reader in readers}
    moscow = by_key.get("moscow", readers[0])
    berlin = by_key.get("berlin", readers[-1])
    crimea = by_key.get("crimea")
    minsk = by_key.get("minsk")
    russian, english = showcase_articles(articles)
    grep = "| grep -iE 'legal-notices|<aside'"
    listed = [r for r in readers if r.key in _BANNER_READERS] or list(readers)
    width = max(len(reader.label) for reader in listed)
    lines = [
        f"The Free Ledger, a demo news site behind geonotice: {url}",
        "",
        "Read it as a reader elsewhere (a demo-only cookie; the banner on each page says who you are):",
        *(f"  {r.label:<{width}}  {url}_demo/as/{r.key}?next={russian.path}" for r in listed),
        f"  (and {len(readers) - len(listed)} more readers in the strip at the top of every page)",
        "",
        "Or with curl (the demo trusts X-Forwarded-For from this machine):",
        f"  # a reader in {moscow.label}: a Legal-Notices header and the notice, in Russian",
        f"  curl -si -H 'X-Forwarded-For: {moscow.address}' {url}{russian.path[1:]} {grep}",
    ]
    if crimea is not None:
        lines += [
            f"  # a reader in {crimea.label}, on the English article: the notice in English",
            f"  curl -si -H 'X-Forwarded-For: {crimea.address}' {url}{english.path[1:]} {grep}",
        ]
    lines += [
        f"  # a reader in {berlin.label}: no notice, no output",
        f"  curl -si -H 'X-Forwarded-For: {berlin.address}' {url}{english.path[1:]} {grep}",
    ]
    if minsk is not None:
        lines += [
            f"  # a reader in {minsk.label}, on the JSON article API: a legal_notices field",
            f"  curl -s -H 'X-Forwarded-For: {minsk.address}' {url}api/articles/{english.id}",
        ]
    lines += [
        "",
        f"Rules: {rules} (edit them while the demo runs: they reload within seconds). Ctrl+C stops.",
    ]
    return "\n".join(lines)
