from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from geonotice.inject import walker
from geonotice.inject.metrics import PlacementCounts

REQUIRED = "REQUIRE_COMPILED_SCANNER"
"""Set (CI sets it) when the compiled walk must have been built: its tests fail instead of skipping."""


@pytest.fixture
def metrics() -> Iterator[PlacementCounts]:
    """Counters of this test alone (pass them to the responder)."""
    yield PlacementCounts()


def compiled_walker() -> walker.Walker:
    """The compiled walk; skips the test when it is not built, or fails it when it must be."""
    if walker.COMPILED is None:
        if os.environ.get(REQUIRED, "") not in ("", "0"):
            pytest.fail(
                f"the compiled scanner (geonotice.inject._speedups) is not built, and {REQUIRED} is set"
            )
        pytest.skip("the compiled scanner (geonotice.inject._speedups) is not built")
    return walker.COMPILED


# Which walks ``walk_implementation`` runs (scripts/check-speedups runs the compiled one alone).
WALKS = os.environ.get("GEONOTICE_TEST_WALKS", "python,compiled").split(",")


@pytest.fixture(scope="session", params=WALKS)
def walk_implementation(request: pytest.FixtureRequest) -> Iterator[walker.Walker]:
    """Runs the tests that use it once with each tokenizer walk, as markupsafe's conftest does:
    page rewriters made meanwhile use this one (``walker.current``)."""
    chosen = walker.PYTHON if request.param == "python" else compiled_walker()
    saved = walker.current
    walker.current = chosen
    yield chosen
    walker.current = saved
