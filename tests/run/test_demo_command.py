"""``geonotice demo``: the demo news site behind geonotice, as a newcomer first meets it."""

from __future__ import annotations

import re
import socket
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from geonotice.cli import main
from geonotice.demo.site import CONTENT_SECURITY_POLICY, load_articles, showcase_articles

if TYPE_CHECKING:
    from conftest import Launcher, Served

NOTICE = re.compile(r'<aside\b[^>]*\bdata-notice-id="ru-undesirable-organization"[^>]*\blang="(\w+)"')
CURL = re.compile(
    r"curl -si -H 'X-Forwarded-For: (?P<address>[^']+)' (?P<url>\S+) \| grep -iE '(?P<grep>[^']+)'"
)
RUSSIAN, _ = showcase_articles(load_articles())


@pytest.fixture
def demo(launcher: Launcher) -> Served:
    return launcher.start(["demo", "--port", "0"], ready="Ctrl+C")


def test_the_demo_prints_its_address_and_a_link_per_reader(demo: Served) -> None:
    assert demo.printed.startswith(f"The Free Ledger, a demo news site behind geonotice: {demo.url}\n")
    for reader in ("moscow", "crimea", "sevastopol", "kyiv", "berlin"):
        assert f"{demo.url}_demo/as/{reader}?next=" in demo.printed


def test_the_curl_lines_the_demo_prints_do_what_they_say(demo: Served) -> None:
    lines = demo.printed.splitlines()
    tried = []
    with demo.client() as http:
        for comment, command in zip(lines, lines[1:], strict=False):
            match = CURL.search(command)
            if match is None:
                continue
            response = http.get(match["url"], headers={"x-forwarded-for": match["address"]})
            assert response.status_code == 200
            # What `curl -si ... | grep -iE 'legal-notices:|<aside'` would print.
            raw = "\n".join(f"{k}: {v}" for k, v in response.headers.items()) + "\n" + response.text
            shown = [line for line in raw.splitlines() if re.search(match["grep"], line, re.IGNORECASE)]
            found = NOTICE.search(response.text)
            if "no notice" in comment:
                assert shown == []
            else:
                assert "legal-notices: ru-undesirable-organization" in shown
                assert found is not None
                assert found.group(1) == ("ru" if "in Russian" in comment else "en")
            tried.append(comment)
    assert len(tried) == 3, tried


def test_the_json_api_line_the_demo_prints_shows_the_notice_field(demo: Served) -> None:
    api = re.search(
        r"curl -s -H 'X-Forwarded-For: (?P<address>[^']+)' (?P<url>\S+/api/articles/\d+)$",
        demo.printed,
        re.MULTILINE,
    )
    assert api is not None, demo.printed
    with demo.client() as http:
        answer = http.get(api["url"], headers={"x-forwarded-for": api["address"]}).json()
    assert [notice["id"] for notice in answer["legal_notices"]] == ["by-extremist-materials"]


def test_reader_links_let_a_visitor_on_this_machine_read_as_someone_elsewhere(demo: Served) -> None:
    with demo.client() as http:
        moscow = http.get(f"/_demo/as/moscow?next={RUSSIAN.path}", follow_redirects=True)
        berlin = http.get(f"/_demo/as/berlin?next={RUSSIAN.path}", follow_redirects=True)
        http.get("/_demo/reset", follow_redirects=True)
        nobody = http.get(RUSSIAN.path)
    assert str(moscow.url).endswith(RUSSIAN.path)
    assert moscow.headers["legal-notices"] == "ru-undesirable-organization"
    notice = NOTICE.search(moscow.text)
    assert notice is not None and notice.group(1) == "ru"
    assert notice.start() < moscow.text.index("<h1>"), "the notice opens the article"
    assert "legal-notices" not in berlin.headers
    assert NOTICE.search(berlin.text) is None
    assert NOTICE.search(nobody.text) is None


def test_the_demo_covers_articles_only(demo: Served) -> None:
    with demo.client() as http:
        home = http.get("/ru/", headers={"x-forwarded-for": "192.0.2.5"})
        css = http.get("/static/ledger.css", headers={"x-forwarded-for": "192.0.2.5"})
    assert NOTICE.search(home.text) is None
    assert "legal-notices" not in css.headers


def test_the_demo_sends_a_strict_content_security_policy(demo: Served) -> None:
    with demo.client() as http:
        response = http.get(RUSSIAN.path, headers={"x-forwarded-for": "192.0.2.5"})
    assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
    assert NOTICE.search(response.text) is not None


def test_the_demo_refuses_a_port_that_is_taken(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        code = main(["demo", "--port", str(port)])
    assert code == 2
    assert capsys.readouterr().err == f"Error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_the_demo_refuses_rules_that_do_not_validate(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("version: 1\nnotices: [oops\n")
    code = main(["demo", "--rules", str(bad), "--port", "0"])
    err = capsys.readouterr().err
    assert code == 2
    assert err.startswith(f"Error: --rules: {bad}")
    assert err.count("\n") == 1
