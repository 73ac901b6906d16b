"""Whatever a lawyer's editor (or an attacker) saves, checking returns problems and never raises."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from geonotice.region import Region
from geonotice.rules import Engine, check_sources

VALID = """\
version: 1
jurisdictions:
  russia: {regions: [RU, UA-43], except: [RU-MOW], includes: [other]}
  other: {regions: [BY]}
notices:
  - id: warning
    applies to: [russia]
    text: {en: "<p>A <a href='https://x.example'>b</a></p>", ru: <p>Б</p>}
    default language: en
    placement: {marker: here}
    pages: {paths: ["/a/**", "/{en,ru}/a/*.html"], except: ["/a/x"], hosts: ["*.news.example"]}
    from: 2024-01-01
    until: 2030-01-01T00:00:00Z
    priority: 3
    last reviewed: 2026-01-01
readers: {unknown: [warning], anonymous: []}
page languages: {"/ru/": ru}
"""


@st.composite
def mutated(draw: st.DrawFn) -> str:
    """The valid file with a few characters deleted, replaced or inserted."""
    text = VALID
    for _ in range(draw(st.integers(1, 4))):
        position = draw(st.integers(0, len(text) - 1))
        action = draw(st.sampled_from(["delete", "replace", "insert"]))
        char = draw(st.sampled_from(list(":-[]{}'\"&*!#|>?,\n \t%@`") + ["NO", "2024-01-01", "\x00", "é"]))
        if action == "delete":
            text = text[:position] + text[position + 1 :]
        elif action == "replace":
            text = text[:position] + char + text[position + 1 :]
        else:
            text = text[:position] + char + text[position:]
    return text


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=st.one_of(mutated(), st.text(max_size=200)))
def test_checking_never_raises_and_a_valid_result_compiles(text: str) -> None:
    ruleset, problems = check_sources([("f.yaml", text)])
    assert all(p.line >= 1 and p.column >= 1 for p in problems)
    if ruleset is not None:
        engine = Engine(ruleset)
        engine.evaluate(Region("RU", ("RU-SPE",)), "/a/x/1.html", "www.news.example")
        engine.explain(Region(), "/ru/a/x.html")
    else:
        assert any(p.level == "error" for p in problems)


def test_the_seed_file_is_valid() -> None:
    ruleset, problems = check_sources([("f.yaml", VALID)])
    assert ruleset is not None, [str(p) for p in problems]
