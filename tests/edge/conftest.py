"""What the edge tests share: the variant tables of the shipped and the tricky rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from geonotice.rules import load_rules
from geonotice.rules.variants import VariantTable, variants_of
from support.edgerules import write_tricky_rules

ROOT = Path(__file__).resolve().parents[2]
RULES = ROOT / "rules"


@pytest.fixture(scope="session")
def shipped_table() -> VariantTable:
    return variants_of(load_rules(RULES))


@pytest.fixture(scope="session")
def tricky_table(tmp_path_factory: pytest.TempPathFactory) -> VariantTable:
    return variants_of(load_rules(write_tricky_rules(tmp_path_factory.mktemp("tricky"))))
