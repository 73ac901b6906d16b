"""The stand-in proxy and the set-ups that policy runs and ``explain`` share."""

from __future__ import annotations

import pytest

from geonotice.errors import ConfigError
from geonotice.locate import Locator
from geonotice.policy.harness import PROXY, SetUps


def test_the_proxy_scope_is_what_a_server_hands_over() -> None:
    scope = PROXY.scope([("CF-IPCountry", "RU"), ("X-Forwarded-For", "192.0.2.1")])
    assert scope == {
        "type": "http",
        "client": PROXY.client,
        "headers": [(b"cf-ipcountry", b"RU"), (b"x-forwarded-for", b"192.0.2.1")],
    }


def test_a_locator_trusting_the_proxy_believes_its_headers() -> None:
    locator = Locator(geo_headers="cloudflare", trusted_proxies=PROXY.trusted_proxies)
    assert str(locator.locate(PROXY.scope([("CF-IPCountry", "RU"), ("CF-Region-Code", "MOW")]))) == "RU-MOW"


def test_set_ups_are_built_once_and_failures_remembered() -> None:
    built: list[str] = []

    def build() -> str:
        built.append("x")
        return "thing"

    def fail() -> str:
        built.append("failed")
        raise ConfigError("no database")

    setups: SetUps[str] = SetUps("could not: ")
    assert setups.get("a", build).value == "thing"
    assert setups.get("a", build).value == "thing"
    failed = setups.get("b", fail)
    assert (failed.value, failed.problem) == (None, "could not: no database")
    assert setups.get("b", fail) == failed
    assert built == ["x", "failed"]
    assert list(setups.built()) == ["thing"]


def test_a_bug_while_setting_up_is_not_swallowed() -> None:
    def broken() -> str:
        raise TypeError("a bug")

    with pytest.raises(TypeError):
        SetUps[str]().get("a", broken)
