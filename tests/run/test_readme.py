"""The README's "Using it in your app", done as a reader would: paste, serve, curl; and its rules
in a few lines, which must check as they are.

The snippet, the command and the curl lines are read from README.md itself (``support.readme``:
no second copy to drift), the snippet is saved as the file the README names, served by the
command the README gives (on a free port instead of 8000), and the curl lines are sent as curl
would send them.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING
from unittest.mock import ANY

import httpx

from geonotice.rules import check_sources
from support.readers import READERS
from support.readme import README_ORIGIN, code_blocks, readme_section, readme_snippet

if TYPE_CHECKING:
    from conftest import Launcher

NOTICE = re.compile(r'<aside\b[^>]*\bdata-notice-id="ru-undesirable-organization"')


def test_the_readme_snippet_runs_as_written_and_notices_only_the_reader_in_moscow(
    launcher: Launcher, tmp_path: Path
) -> None:
    snippet = readme_snippet()
    assert snippet.command[:2] == ["uvicorn", f"{Path(snippet.file_name).stem}:app"]
    (tmp_path / snippet.file_name).write_text(snippet.code, encoding="utf-8")

    served = launcher.start_uvicorn(snippet.command[1:], cwd=tmp_path)

    by_address = {address: reader for reader, address in READERS.items()}
    seen: dict[str, httpx.Response] = {}
    with httpx.Client(timeout=30.0) as http:
        for curl in snippet.curls:
            assert curl.url.startswith(README_ORIGIN + "/"), curl.url
            reader = by_address[curl.headers["X-Forwarded-For"]]
            url = served.url + curl.url.removeprefix(README_ORIGIN + "/")
            seen[reader] = http.get(url, headers=curl.headers)
    assert sorted(seen) == ["berlin", "moscow"], "the README asks as a reader in Moscow and one in Berlin"

    moscow, berlin = seen["moscow"], seen["berlin"]
    assert moscow.status_code == berlin.status_code == 200
    assert moscow.headers["legal-notices"] == "ru-undesirable-organization"
    assert NOTICE.search(moscow.text) is not None
    assert "legal-notices" not in berlin.headers
    assert "<aside" not in berlin.text
    # Served as the README says, with --no-proxy-headers: geonotice saw the proxy, nothing to warn of.
    assert "replaced the client address" not in served.log.read_text()


def test_the_readmes_rules_in_a_few_lines_check_without_a_problem() -> None:
    (rules,) = [
        body for language, body in code_blocks(readme_section("## The rules in")) if language == "yaml"
    ]
    assert check_sources([("README.md", rules)]) == (ANY, [])
