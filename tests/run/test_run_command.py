"""``geonotice run MODULE:APP``: any ASGI application, wrapped and served, settings checked first."""

from __future__ import annotations

import signal
import socket
from importlib.metadata import entry_points
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from geonotice.cli import main
from geonotice.demo import DEMO_DATABASE
from geonotice.settings import Settings
from support.polling import wait_until
from support.readers import READERS, READERS_V6

if TYPE_CHECKING:
    from conftest import Launcher

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules"
DEMO_DB = DEMO_DATABASE

NOTICE = 'data-notice-id="ru-undesirable-organization"'
EXAMPLES = {
    "starlette": ("starlette_news:app", "/a/harbour-cranes-fall-silent/7.html"),
    "fastapi": ("fastapi_news:app", "/a/school-buses-return-to-mountain-villages/12.html"),
    "django": ("django_news.asgi:application", "/a/city-council-publishes-budget-in-full/31.html"),
}
MOSCOW = READERS["moscow"]
BERLIN = READERS["berlin"]
SETTINGS = ["--rules", str(RULES), "--geoip-db", str(DEMO_DB), "--trusted-proxy", "127.0.0.1"]


def run(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(["run", *args])
    return code, capsys.readouterr().err


def run_example(extra: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    return run(["starlette_news:app", "--app-dir", "examples", *SETTINGS, *extra], capsys)


# Settings are refused before serving, with one line saying why.


@pytest.mark.parametrize(
    ("spec", "reason"),
    [
        ("starlette_news", "must have the form MODULE:APP"),
        ("no_such_module:app", "no module named 'no_such_module'"),
        ("starlette_news:no_such_app", "module 'starlette_news' has no attribute 'no_such_app'"),
        ("starlette_news:ARTICLES", "is not an ASGI application"),
    ],
)
def test_run_refuses_an_application_it_cannot_import(
    spec: str, reason: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run([spec, "--app-dir", "examples", *SETTINGS], capsys)
    assert code == 2
    assert err.count("\n") == 1
    assert reason in err


def test_run_refuses_rules_that_do_not_validate(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("version: 1\nnotices: [oops\n")
    code, err = run_example(["--rules", str(bad)], capsys)
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("Error: --rules: ")
    assert str(bad) in err


def test_run_refuses_a_file_that_is_not_a_geoip_database(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "GeoLite2-City.mmdb"
    bogus.write_bytes(b"not a database" * 100)
    code, err = run_example(["--geoip-db", str(bogus)], capsys)
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("Error: --geoip-db: ")


@pytest.mark.parametrize("proxy", ["10.0.0.0/33", "not-an-address", "10.0.0.1/8"])
def test_run_refuses_a_malformed_trusted_proxy(proxy: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_example(["--trusted-proxy", proxy], capsys)
    assert code == 2
    assert err.count("\n") == 1
    assert proxy in err


@pytest.mark.parametrize("value", ["akamai", "region=X-Region", "country=", "country=Bad Header"])
def test_run_refuses_unknown_geo_headers(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run_example(["--geo-headers", value], capsys)
    assert code == 2
    assert err.count("\n") == 1
    assert err.startswith("Error: --geo-headers: ")


def test_run_needs_a_database_or_geo_headers_to_locate_readers(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["starlette_news:app", "--app-dir", "examples", "--rules", str(RULES)], capsys)
    assert code == 2
    assert err == (
        "Error: --geoip-db: locating readers needs a GeoIP database, or CDN geo headers (see --geo-headers)\n"
    )


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--reload-interval", "0"], "--reload-interval: must be a positive number of seconds, not '0'"),
        (["--port", "http"], "--port: 'http' is not a whole number"),
        (["--workers", "0"], "--workers: 0 is out of range: it must be at least 1"),
        (
            ["--forwarded-header", "X-Real-IP"],
            "--forwarded-header: 'X-Real-IP' is not one of X-Forwarded-For, Forwarded",
        ),
    ],
)
def test_run_names_the_option_at_fault(
    extra: list[str], expected: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = run_example(extra, capsys)
    assert code == 2
    assert err.startswith(f"Error: {expected}")
    assert err.count("\n") == 1


def test_run_names_every_option_a_fix_may_involve(capsys: pytest.CaptureFixture[str]) -> None:
    args = [
        "starlette_news:app",
        "--app-dir",
        "examples",
        "--rules",
        str(RULES),
        "--geo-headers",
        "cloudflare",
    ]
    code, err = run(args, capsys)
    assert code == 2
    assert err.startswith(
        "Error: --geo-headers: geo headers are only believed from the CDN or proxy addresses"
    )
    assert err.endswith("(see --trusted-proxy)\n")


def test_the_console_script_is_main() -> None:
    (script,) = [e for e in entry_points(group="console_scripts") if e.name == "geonotice"]
    assert script.value == "geonotice.cli:main"
    assert script.load() is main


def test_run_refuses_a_port_that_is_taken(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = str(taken.getsockname()[1])
        code, err = run_example(["--port", port], capsys)
    assert code == 2
    assert err == f"Error: cannot listen on 127.0.0.1:{port}: Address already in use\n"


def test_run_needs_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, err = run(["starlette_news:app", "--app-dir", "examples"], capsys)
    assert code == 2
    assert "Missing option '--rules'" in err


def test_run_reads_its_settings_from_geonotice_environment_variables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text("version: 1\nnotices: [oops\n")
    monkeypatch.setenv("GEONOTICE_APP", "starlette_news:app")
    monkeypatch.setenv("GEONOTICE_APP_DIR", "examples")
    monkeypatch.setenv("GEONOTICE_RULES", str(bad))
    code, err = run([], capsys)
    assert code == 2
    assert str(bad) in err


def test_proxy_lists_may_be_repeated_or_separated_by_spaces_or_commas() -> None:
    proxies = ["10.0.0.0/8, 127.0.0.1", "::1 192.0.2.0/24"]  # two --trusted-proxy options
    assert Settings(rules=RULES, trusted_proxies=proxies).trusted_proxies == (
        "10.0.0.0/8",
        "127.0.0.1",
        "::1",
        "192.0.2.0/24",
    )


# Served for real: uvicorn on loopback, the demo database, the shipped rules.


GETS_NOTICE = {"moscow": "ru-undesirable-organization|aside", "berlin": ""}


def notices_for(
    launcher: Launcher, args: list[str], path: str, env: dict[str, str] | None = None
) -> dict[str, str]:
    """What readers in Moscow and Berlin get: the Legal-Notices header, and whether the aside is there."""
    served = launcher.start(args, env=env)
    result = {}
    with served.client() as http:
        for name, address in (("moscow", MOSCOW), ("berlin", BERLIN)):
            response = http.get(path, headers={"x-forwarded-for": address})
            assert response.status_code == 200, response.text
            aside = "|aside" if NOTICE in response.text else ""
            result[name] = response.headers.get("legal-notices", "") + aside
    return result


@pytest.mark.parametrize("framework", EXAMPLES)
def test_a_reader_in_russia_gets_the_notice_and_a_reader_in_germany_does_not(
    framework: str, launcher: Launcher
) -> None:
    spec, path = EXAMPLES[framework]
    args = ["run", spec, "--app-dir", "examples", "--port", "0", *SETTINGS]
    assert notices_for(launcher, args, path) == GETS_NOTICE


def test_run_serves_with_several_workers(launcher: Launcher) -> None:
    spec, path = EXAMPLES["starlette"]
    args = ["run", spec, "--app-dir", "examples", "--port", "0", "--workers", "2", *SETTINGS]
    assert notices_for(launcher, args, path) == GETS_NOTICE


def test_run_can_be_configured_by_environment_alone(launcher: Launcher) -> None:
    spec, path = EXAMPLES["fastapi"]
    env = {
        "GEONOTICE_APP": spec,
        "GEONOTICE_APP_DIR": "examples",
        "GEONOTICE_RULES": str(RULES),
        "GEONOTICE_GEOIP_DB": str(DEMO_DB),
        "GEONOTICE_TRUSTED_PROXIES": "10.0.0.0/8, 127.0.0.1",
        "GEONOTICE_PORT": "0",
    }
    assert notices_for(launcher, ["run"], path, env) == GETS_NOTICE


def test_responses_other_than_html_pass_through_unchanged(launcher: Launcher) -> None:
    spec, _ = EXAMPLES["fastapi"]
    served = launcher.start(["run", spec, "--app-dir", "examples", "--port", "0", *SETTINGS])
    with served.client() as http:
        response = http.get("/api/articles", headers={"x-forwarded-for": MOSCOW})
    assert response.status_code == 200
    assert "legal-notices" not in response.headers
    assert response.json()[0]["id"] == 12


def test_forwarding_headers_from_untrusted_peers_are_ignored(launcher: Launcher) -> None:
    spec, path = EXAMPLES["starlette"]
    settings = [*SETTINGS[:4], "--trusted-proxy", "10.0.0.1"]  # loopback is not a trusted proxy here
    served = launcher.start(["run", spec, "--app-dir", "examples", "--port", "0", *settings])
    with served.client() as http:
        response = http.get(path, headers={"x-forwarded-for": MOSCOW})
    assert response.status_code == 200
    assert NOTICE not in response.text


def test_rules_changes_reach_a_running_server_without_a_restart(launcher: Launcher, tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    for source in RULES.glob("*.yaml"):
        (rules / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    spec, path = EXAMPLES["starlette"]
    args = ["run", spec, "--app-dir", "examples", "--port", "0", *SETTINGS, "--rules", str(rules)]
    served = launcher.start([*args, "--reload-interval", "0.2"])
    with served.client() as http:
        assert NOTICE in http.get(path, headers={"x-forwarded-for": MOSCOW}).text
        russia = rules / "10-russia.yaml"
        edited = russia.read_text(encoding="utf-8").replace("      - RU     # Russia\n", "")
        assert edited != russia.read_text(encoding="utf-8")
        staged = rules / "10-russia.yaml.new"
        staged.write_text(edited, encoding="utf-8")
        staged.replace(russia)  # an atomic swap, as a deployment does
        wait_until(
            lambda: NOTICE not in http.get(path, headers={"x-forwarded-for": MOSCOW}).text,
            "the edited rules were not picked up",
            timeout=20,
            interval=0.2,
        )
        crimea = http.get(path, headers={"x-forwarded-for": READERS["crimea"]})
    assert NOTICE in crimea.text, "the rest of the jurisdiction still gets the notice"


@pytest.mark.parametrize("workers", ["1", "2"])
def test_run_shuts_down_gracefully_when_terminated(workers: str, launcher: Launcher) -> None:
    spec, path = EXAMPLES["starlette"]
    args = ["run", spec, "--app-dir", "examples", "--port", "0", "--workers", workers]
    served = launcher.start([*args, *SETTINGS])
    with served.client() as http:
        assert http.get(path).status_code == 200
    served.process.send_signal(signal.SIGTERM)
    # uvicorn re-raises the signal once it has shut down, so the exit status says "terminated".
    assert served.process.wait(30) in (0, -signal.SIGTERM)
    assert "Finished server process" in served.log.read_text()


def test_run_reads_the_rfc_7239_forwarded_header_when_told_to(launcher: Launcher) -> None:
    spec, path = EXAMPLES["starlette"]
    args = ["run", spec, "--app-dir", "examples", "--port", "0", *SETTINGS, "--forwarded-header", "Forwarded"]
    served = launcher.start(args)
    with served.client() as http:
        forwarded = http.get(path, headers={"forwarded": f'for="[{READERS_V6["moscow"]}]:4711";proto=https'})
        ignored = http.get(path, headers={"x-forwarded-for": MOSCOW})  # not what this proxy writes
    assert NOTICE in forwarded.text
    assert NOTICE not in ignored.text
