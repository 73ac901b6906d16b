from __future__ import annotations

from collections.abc import Iterator

import pytest

from geonotice.inject.metrics import PlacementCounts


@pytest.fixture
def metrics() -> Iterator[PlacementCounts]:
    """Counters of this test alone (pass them to the responder)."""
    yield PlacementCounts()
