"""``geonotice demo``: a small news site behind geonotice, with the example rules and a demo database."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click
import uvicorn

from geonotice.cli import _serving
from geonotice.settings import DEMO, Settings

if TYPE_CHECKING:
    from geonotice.demo.readers import DemoReader
    from geonotice.demo.site import Article

# The readers the demo's printed instructions offer; the site's own strip lists them all.
_BANNER_READERS = ("moscow", "crimea", "sevastopol", "kyiv", "berlin", "new-york")


@click.command("demo")
@_serving.setting_options(
    DEMO,
    optional={"rules": "the example rules shipped with geonotice"},
    defaults={"log_level": "warning"},
)
def demo_command(rules: str | None, **options: Any) -> None:
    """Serve a small demo news site behind geonotice, with the example rules and a demo database."""
    from geonotice.demo import DEMO_RULES
    from geonotice.demo.readers import load_demo_readers
    from geonotice.demo.site import create_demo_app, load_articles

    # Resolved: in a source checkout the shipped rules are the repository's rules/ directory.
    given = rules if rules is not None else DEMO_RULES.resolve()
    settings = _serving.build(lambda: Settings(rules=given, **options))
    assert isinstance(settings.rules, Path)  # the demo takes its rules from a path
    demo_rules = settings.rules
    wrapped = _serving.build(lambda: create_demo_app(rules=demo_rules))
    sock = _serving.bind(settings.host, settings.port)
    url = _serving.url_of(settings.host, sock)
    click.echo(demo_banner(url, demo_rules, load_demo_readers(), load_articles()))
    if not _serving.is_loopback(settings.host):
        click.echo(
            "Note: the demo trusts only this machine as a proxy, so the reader links and X-Forwarded-For "
            "work from here alone; visitors from other machines are located by their own address."
        )
    _serving.serve(uvicorn.Config(wrapped, log_level=settings.log_level, proxy_headers=False), sock)


def demo_banner(url: str, rules: Path, readers: Sequence[DemoReader], articles: Sequence[Article]) -> str:
    """What ``geonotice demo`` prints: where the site is, the reader links and curl lines to try."""
    from geonotice.demo.site import showcase_articles

    by_key = {reader.key: reader for reader in readers}
    moscow = by_key.get("moscow", readers[0])
    berlin = by_key.get("berlin", readers[-1])
    crimea = by_key.get("crimea")
    minsk = by_key.get("minsk")
    russian, english = showcase_articles(articles)
    grep = "| grep -iE 'legal-notices:|<aside'"
    listed = [r for r in readers if r.key in _BANNER_READERS] or list(readers)
    width = max(len(reader.place) for reader in listed)
    lines = [
        f"The Free Ledger, a demo news site behind geonotice: {url}",
        "",
        "Read it as a reader elsewhere (a demo-only cookie; the banner on each page says who you are):",
        *(f"  {r.place:<{width}}  {url}_demo/as/{r.key}?next={russian.path}" for r in listed),
        f"  (and {len(readers) - len(listed)} more readers in the strip at the top of every page)",
        "",
        "Or with curl (the demo trusts X-Forwarded-For from this machine):",
        f"  # a reader in {moscow.place}: a Legal-Notices header and the notice, in Russian",
        f"  curl -si -H 'X-Forwarded-For: {moscow.address}' {url}{russian.path[1:]} {grep}",
    ]
    if crimea is not None:
        lines += [
            f"  # a reader in {crimea.place}, on the English article: the notice in English",
            f"  curl -si -H 'X-Forwarded-For: {crimea.address}' {url}{english.path[1:]} {grep}",
        ]
    lines += [
        f"  # a reader in {berlin.place}: no notice, no output",
        f"  curl -si -H 'X-Forwarded-For: {berlin.address}' {url}{english.path[1:]} {grep}",
    ]
    if minsk is not None:
        lines += [
            f"  # a reader in {minsk.place}, on the JSON article API: a legal_notices field",
            f"  curl -s -H 'X-Forwarded-For: {minsk.address}' {url}api/articles/{english.id}",
        ]
    lines += [
        "",
        f"Rules: {rules} (edit them while the demo runs: they reload within seconds). Ctrl+C stops.",
    ]
    return "\n".join(lines)
