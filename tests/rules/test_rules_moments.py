"""Moments as the rules and their tools print them: UTC, a plain date at midnight."""

from __future__ import annotations

import datetime as dt

import pytest

from geonotice.rules.moments import format_moment, format_timestamp, utc

KYIV_SUMMER = dt.timezone(dt.timedelta(hours=3))


@pytest.mark.parametrize(
    ("moment", "text"),
    [
        (dt.datetime(2025, 1, 31, tzinfo=dt.UTC), "2025-01-31"),
        (dt.datetime(2025, 1, 31, 12, 30, 5, 999, tzinfo=dt.UTC), "2025-01-31T12:30:05Z"),
        (dt.datetime(2025, 1, 31), "2025-01-31"),  # naive: UTC
        (dt.datetime(2025, 6, 1, 3, tzinfo=KYIV_SUMMER), "2025-06-01"),  # midnight UTC
        (dt.datetime(2025, 6, 1, tzinfo=KYIV_SUMMER), "2025-05-31T21:00:00Z"),
    ],
)
def test_format_moment(moment: dt.datetime, text: str) -> None:
    assert format_moment(moment) == text


def test_format_timestamp_always_gives_the_time() -> None:
    assert format_timestamp(dt.datetime(2025, 1, 31, tzinfo=dt.UTC)) == "2025-01-31T00:00:00Z"
    assert format_timestamp(dt.datetime(2025, 6, 1, tzinfo=KYIV_SUMMER)) == "2025-05-31T21:00:00Z"


def test_utc_makes_a_moment_aware() -> None:
    assert utc(dt.datetime(2025, 1, 1)) == dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    kyiv = dt.datetime(2025, 6, 1, tzinfo=KYIV_SUMMER)
    assert utc(kyiv) is kyiv
    assert utc().tzinfo is not None
