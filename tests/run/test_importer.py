"""``MODULE:APP`` strings, as ``geonotice run`` and ``geonotice test --app`` resolve them.

Every error is one line that says what is wrong with the string or the module it names.
"""

from __future__ import annotations

import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest

from geonotice.cli import main
from geonotice.errors import ConfigError
from geonotice.importer import import_app

REPO = Path(__file__).resolve().parents[2]
RULES = REPO / "rules"

MODULES = {
    "importer_target": """
        async def app(scope, receive, send):
            pass

        class Holder:
            app = app

        def factory():
            return app

        def failing_factory():
            raise RuntimeError("no database\\nconfigured")

        NOT_AN_APP = 42
    """,
    "importer_broken": """
        raise RuntimeError("settings missing")
    """,
    "importer_needs_missing": """
        import importer_no_such_dependency
    """,
}


@pytest.fixture(autouse=True)
def target_modules(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for name, source in MODULES.items():
        (tmp_path / f"{name}.py").write_text(textwrap.dedent(source))
    monkeypatch.syspath_prepend(str(tmp_path))
    yield
    for name in MODULES:
        sys.modules.pop(name, None)


def test_import_app_finds_a_module_attribute() -> None:
    app = import_app("importer_target:app")
    assert callable(app) and app.__name__ == "app"


def test_import_app_follows_a_dotted_attribute() -> None:
    assert import_app("importer_target:Holder.app") is import_app("importer_target:app")


def test_import_app_calls_a_factory_when_asked() -> None:
    assert callable(import_app("importer_target:factory", factory=False))
    assert import_app("importer_target:factory", factory=True) is import_app("importer_target:app")


@pytest.mark.parametrize(
    ("spec", "factory", "message"),
    [
        (
            "importer_target",
            False,
            "'importer_target' must have the form MODULE:APP, for example 'mysite.asgi:app'",
        ),
        (":app", False, "':app' must have the form MODULE:APP, for example 'mysite.asgi:app'"),
        ("importer_nowhere:app", False, "no module named 'importer_nowhere'"),
        ("importer_broken:app", False, "importing 'importer_broken' failed: settings missing"),
        (
            "importer_needs_missing:app",
            False,
            "importing 'importer_needs_missing' failed: No module named 'importer_no_such_dependency'",
        ),
        ("importer_target:nope", False, "module 'importer_target' has no attribute 'nope'"),
        (
            "importer_target:NOT_AN_APP",
            False,
            "'importer_target:NOT_AN_APP' is not an ASGI application (it is not callable)",
        ),
        ("importer_target:NOT_AN_APP", True, "the factory 'importer_target:NOT_AN_APP' is not callable"),
        (
            "importer_target:failing_factory",
            True,
            "calling the factory 'importer_target:failing_factory' failed: no database configured",
        ),
    ],
)
def test_import_errors_are_one_line_that_says_what_to_fix(spec: str, factory: bool, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        import_app(spec, factory=factory)
    assert str(caught.value) == message


DEMO_CASES = """
description: the demo site, served through the middleware
cases:
  - name: a reader in Moscow is warned in Russian on the Russian article
    reader: RU
    url: /ru/a/tipografii-otkazyvayut-nezavisimym-gazetam/1042.html
    expect: {notices: [ru-undesirable-organization], language: ru}
  - name: a reader in Berlin is not warned
    reader: DE
    url: /a/printers-turn-away-independent-papers/1042.html
    expect: {notices: none}
"""


@pytest.mark.parametrize(
    "app_args",
    [["geonotice.demo.site:app"], ["geonotice.demo.site:create_site", "--factory"]],
    ids=["module-app", "factory"],
)
def test_policy_cases_run_through_the_demo_site(
    app_args: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cases = tmp_path / "demo.policy.yaml"
    cases.write_text(DEMO_CASES, encoding="utf-8")
    code = main(["test", str(RULES), str(cases), "--app", *app_args])
    out = capsys.readouterr().out
    assert code == 0, out
    assert out.rstrip().endswith("2 passed, 0 failed")
