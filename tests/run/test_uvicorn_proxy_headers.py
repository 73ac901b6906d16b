"""uvicorn's own proxy handling in front of geonotice: the risky set-up, and the warning it earns.

The README's snippet, with its proxy moved off this machine (``10.0.0.0/8``), so that curl here is
an ordinary reader who may not choose their address. Served as the README says
(``--no-proxy-headers``), a forged ``X-Forwarded-For`` is ignored. Served with plain ``uvicorn``
and ``FORWARDED_ALLOW_IPS=*``, as many container guides have it, uvicorn believes the forged
header before geonotice sees the request: the reader gets the notices of the place they chose, and
geonotice says so, once, with the fix and without the address.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import httpx
import pytest

from support.readers import READERS
from support.readme import README_ORIGIN, readme_snippet

if TYPE_CHECKING:
    from conftest import Launcher, Served

WARNING = "the server replaced the client address with one from X-Forwarded-For"
FORGED = {"X-Forwarded-For": READERS["moscow"]}


@pytest.fixture
def app_dir(tmp_path: Path) -> Path:
    """The README's snippet, trusting a proxy network that is not this machine."""
    snippet = readme_snippet()
    proxies = 'trusted_proxies=["127.0.0.1"]'
    assert proxies in snippet.code
    (tmp_path / "myapp.py").write_text(snippet.code.replace(proxies, 'trusted_proxies=["10.0.0.0/8"]'))
    return tmp_path


def article_url(served: Served) -> str:
    (first, *_) = readme_snippet().curls
    return served.url + first.url.removeprefix(README_ORIGIN + "/")


def test_with_no_proxy_headers_a_forged_header_is_ignored(launcher: Launcher, app_dir: Path) -> None:
    served = launcher.start_uvicorn(["myapp:app", "--no-proxy-headers"], cwd=app_dir)
    page = httpx.get(article_url(served), headers=FORGED, timeout=30.0)
    assert page.status_code == 200
    assert "legal-notices" not in page.headers, "loopback is not a trusted proxy: its header is not believed"
    assert WARNING not in served.log.read_text()


def test_plain_uvicorn_trusting_everyone_lets_a_reader_choose_and_geonotice_warns_once(
    launcher: Launcher, app_dir: Path
) -> None:
    served = launcher.start_uvicorn(["myapp:app"], cwd=app_dir, env={"FORWARDED_ALLOW_IPS": "*"})
    with httpx.Client(timeout=30.0) as http:
        pages = [http.get(article_url(served), headers=FORGED) for _ in range(3)]
    # The risk, shown: uvicorn believed the forged header, so this reader chose their notices.
    assert all(page.headers.get("legal-notices") == "ru-undesirable-organization" for page in pages)

    logged = served.log.read_text()
    warnings = [line for line in logged.splitlines() if WARNING in line]
    assert len(warnings) == 1, logged
    (warning,) = warnings
    assert "any reader can choose their address, and so their notices" in warning
    assert "Fix: serve with 'uvicorn --no-proxy-headers' (or 'geonotice run', which does)" in warning
    assert READERS["moscow"] not in warning and "127.0.0.1" not in warning
