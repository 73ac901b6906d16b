"""What the edge tests share: the variant tables of the shipped and the tricky rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from geonotice.rules import load_rules
from geonotice.rules.variants import VariantTable, variants_of
from support.edgerules import write_tricky_rules

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"
TRICKY_AT = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="session")
def shipped_table() -> VariantTable:
    return variants_of(load_rules(RULES))


@pytest.fixture(scope="session")
def tricky_table(tmp_path_factory: pytest.TempPathFactory) -> VariantTable:
    # At a pinned moment, when the tricky rules have a notice that has ended, one that has not
    # begun and one that ends later.
    return variants_of(load_rules(write_tricky_rules(tmp_path_factory.mktemp("tricky"))), TRICKY_AT)
