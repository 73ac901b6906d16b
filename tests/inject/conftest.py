from __future__ import annotations

from collections.abc import Iterator

import pytest

from geonotice.inject.metrics import InjectMetrics


@pytest.fixture
def metrics() -> Iterator[InjectMetrics]:
    """Counters of this test alone (pass them to the responder)."""
    yield InjectMetrics()
