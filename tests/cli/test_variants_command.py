"""``geonotice variants`` and ``geonotice edge-config``: the variant table for people and tools,
and the config of each edge, with one-line errors for what cannot work."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from geonotice.cli import main
from geonotice.edge import EDGES
from geonotice.rules import load_rules
from support.edgerules import write_tricky_rules

ROOT = Path(__file__).resolve().parents[2]
RULES = str(ROOT / "rules")
VERSION = load_rules(RULES).version

Capture = pytest.CaptureFixture[str]


def test_variants_lists_each_variant_with_its_readers_and_notices(capsys: Capture) -> None:
    assert main(["variants", RULES, "--at", "2026-06-01"]) == 0
    lines = capsys.readouterr().out.splitlines()
    tag = VERSION[:6]
    assert lines[0] == f"Rules version {VERSION}, at 2026-06-01T00:00:00Z: 3 variants."
    assert lines[1] == "An edge keyed on the variant keeps at most 3 cached copies of each covered URL."
    assert lines[3:6] == [
        f"v0-{tag}  (default)",
        "  readers: every other country and subdivision; unknown readers; anonymous readers",
        "  notices: none",
    ]
    assert lines[6] == f"v1-{tag}"
    assert lines[7].startswith("  readers: RU (Russia); UA-09 (Luhansk oblast);")
    assert "UA-43 (Autonomous Republic of Crimea)" in lines[7]
    assert lines[8:12] == [
        "  notices: ru-undesirable-organization",
        f"v2-{tag}",
        "  readers: BY (Belarus)",
        "  notices: by-extremist-materials",
    ]
    assert "  UA (Ukraine): when the edge knows no subdivision" in lines
    assert lines[-1] == f"Valid for as long as rules version {VERSION} serves: no window ends later."


def test_variants_says_when_a_smaller_table_exists(tmp_path: Path, capsys: Capture) -> None:
    rules = write_tricky_rules(tmp_path)
    assert main(["variants", str(rules), "--at", "2026-06-01", "--format", "json"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["next_end"] == "2027-01-01T00:00:00Z"
    assert document["ending"] == ["england-until-2027"]
    assert document["copies_per_covered_url"] == len(document["variants"])
    assert {"code": "GB-ENG", "name": "England", "why": "the rules name a subdivision inside it"} in document[
        "undecided"
    ]
    unknown = next(v for v in document["variants"] if v["unknown"])
    assert unknown["notices"] == ["everyone-unknown"]


@pytest.mark.parametrize("edge", list(EDGES))
def test_edge_config_prints_a_config_naming_its_rules_version_and_how_to_remake_it(
    edge: str, capsys: Capture
) -> None:
    assert main(["edge-config", RULES, "--for", edge]) == 0
    text = capsys.readouterr().out
    assert f"rules version {VERSION}" in text
    assert f"`geonotice edge-config {RULES} --for {edge}`" in text
    assert f"v1-{VERSION[:6]}" in text


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--for", "squid"],
            "Error: Invalid value for '--for': 'squid' is not one of nginx, varnish, fastly",
        ),
        (
            ["--for", "varnish", "--geo-headers", "akamai"],
            "Error: Invalid value for '--geo-headers': unknown",
        ),
        (
            ["--for", "varnish", "--geo-headers", "country=CF Country"],
            "Error: Invalid value for '--geo-headers': 'CF Country' is not a valid HTTP header name\n",
        ),
        (
            ["--for", "varnish", "--trusted-proxy", "10.0.0.1/8"],
            "Error: Invalid value for '--trusted-proxy': '10.0.0.1/8' has host bits set; "
            "did you mean '10.0.0.0/8'?\n",
        ),
        (["--for", "nginx", "--variant-header", "a b"], "Error: Invalid value for '--variant-header': 'a b'"),
    ],
)
def test_edge_config_refuses_what_cannot_work_in_one_line(
    args: list[str], message: str, capsys: Capture
) -> None:
    assert main(["edge-config", RULES, *args]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(message)
    assert captured.err.count("\n") == 1


@pytest.mark.parametrize("command", [["edge-config", "--for", "nginx"], ["variants"]])
def test_unreadable_rules_are_one_line_and_exit_2(
    tmp_path: Path, command: list[str], capsys: Capture
) -> None:
    broken = tmp_path / "rules.yaml"
    broken.write_text("notices: [\n", encoding="utf-8")
    for path in (broken, tmp_path / "missing"):
        assert main([command[0], str(path), *command[1:]]) == 2
        err = capsys.readouterr().err
        assert err.startswith(f"Error: Invalid value for 'RULES': {path}:")
        assert err.count("\n") == 1


def test_varnish_believes_the_geo_headers_only_from_the_listed_proxies(capsys: Capture) -> None:
    args = ["--for", "varnish", "--geo-headers", "cloudfront", "--trusted-proxy", "10.0.0.0/8"]
    assert main(["edge-config", RULES, *args, "--trusted-proxy", "192.0.2.1"]) == 0
    text = capsys.readouterr().out
    assert 'acl geonotice_trusted {\n    "10.0.0.0"/8;\n    "192.0.2.1";\n}' in text
    assert "if (client.ip ~ geonotice_trusted) {" in text
    assert "req.http.CloudFront-Viewer-Country-Region" in text


def test_nginx_without_a_geoip2_block_of_its_own_uses_the_operators(capsys: Capture) -> None:
    assert main(["edge-config", RULES, "--for", "nginx", "--no-geoip2-block"]) == 0
    text = capsys.readouterr().out
    assert "\ngeoip2 " not in text
    assert "#   $geonotice_country country iso_code;" in text
    assert f"`geonotice edge-config {RULES} --for nginx --no-geoip2-block`" in text
