"""Variants: the smallest partition of readers that every notice treats the same, and its names."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from geonotice.region import ANONYMOUS, UNKNOWN, Region
from geonotice.rules import Engine, load_rules
from geonotice.rules.variants import UNDECIDED, KnownVariants, parse_name, variants_of
from support.edgerules import write_tricky_rules

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = load_rules(ROOT / "rules")
VERSION = SHIPPED.version[:6]
NOW = dt.datetime(2026, 6, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def tricky(tmp_path_factory: pytest.TempPathFactory) -> Engine:
    return Engine(load_rules(write_tricky_rules(tmp_path_factory.mktemp("rules"))))


def test_the_shipped_rules_have_three_variants_and_unknown_readers_share_the_default() -> None:
    table = variants_of(SHIPPED, NOW)
    assert [(v.name, v.notices) for v in table.variants] == [
        (f"v0-{VERSION}", ()),
        (f"v1-{VERSION}", ("ru-undesirable-organization",)),
        (f"v2-{VERSION}", ("by-extremist-materials",)),
    ]
    default, russia, belarus = table.variants
    assert default.default and default.unknown and default.anonymous
    assert russia.countries == ("RU",)
    assert russia.subdivisions == ("UA-09", "UA-14", "UA-23", "UA-40", "UA-43", "UA-65")
    assert belarus.countries == ("BY",)
    assert table.needs_subdivision == {"UA"}
    assert table.next_end is None


@pytest.mark.parametrize(
    ("country", "subdivision", "number"),
    [
        ("RU", None, "1"),
        ("RU", "RU-MOW", "1"),
        ("UA", "UA-43", "1"),
        ("UA", "UA-30", "0"),  # Kyiv
        ("BY", "BY-HM", "2"),  # Minsk
        ("DE", "DE-BE", "0"),
        ("US", "US-NY", "0"),
        (None, None, "0"),  # unknown
    ],
)
def test_each_reader_is_in_the_variant_of_their_notices(
    country: str | None, subdivision: str | None, number: str
) -> None:
    assert variants_of(SHIPPED, NOW).variant_for(country, subdivision) == f"v{number}-{VERSION}"


def test_a_reader_in_ukraine_whose_subdivision_the_edge_does_not_know_is_left_to_the_origin() -> None:
    assert variants_of(SHIPPED, NOW).variant_for("UA", None) == UNDECIDED


def test_names_are_stable_and_change_with_the_rules_version(tmp_path: Path) -> None:
    assert variants_of(SHIPPED, NOW) == variants_of(load_rules(ROOT / "rules"), NOW)
    edited = tmp_path / "rules"
    edited.mkdir()
    for source in (ROOT / "rules").glob("*.yaml"):
        (edited / source.name).write_text(
            source.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8"
        )
    other = variants_of(load_rules(edited), NOW)
    assert other.rules_version != SHIPPED.version
    assert [v.name[:3] for v in other.variants] == ["v0-", "v1-", "v2-"]
    assert not {v.name for v in other.variants} & {v.name for v in variants_of(SHIPPED, NOW).variants}


def test_except_and_subdivisions_listed_alone_split_a_country(tricky: Engine) -> None:
    table = variants_of(tricky.ruleset, NOW)
    ua = table.variant_for("UA", "UA-05")
    assert table.named(ua) is not None and table.named(ua).notices == ("ua",)  # type: ignore[union-attr]
    assert table.variant_for("UA", "UA-30") == table.default.name  # Kyiv is excepted
    crimea = table.named(table.variant_for("UA", "UA-43"))
    assert crimea is not None and crimea.notices == ("crimea", "ua")


def test_a_subdivision_inside_the_one_the_edge_sees_leaves_that_one_to_the_origin(tricky: Engine) -> None:
    table = variants_of(tricky.ruleset, NOW)
    # GB-LND lies in GB-ENG: an edge that only sees GB-ENG cannot tell Londoners apart.
    assert table.variant_for("GB", "GB-ENG") == UNDECIDED
    london = table.named(table.variant_for("GB", "GB-LND"))
    assert london is not None and london.notices == ("england-until-2027", "london")
    # An edge that reports the most specific subdivision (Fastly) still finds England.
    brighton = table.named(table.variant_for("GB", "GB-BNH"))
    assert brighton is not None and brighton.notices == ("england-until-2027",)
    assert table.variant_of(Region("GB", ("GB-ENG", "GB-LND"))) == london.name


def test_ended_notices_do_not_split_readers_and_future_ones_do(tricky: Engine) -> None:
    table = variants_of(tricky.ruleset, NOW)
    assert table.variant_for("DE") == table.default.name  # its notice ended in 2026
    france = table.named(table.variant_for("FR"))
    assert france is not None and france.notices == ("france-from-2030",)
    assert table.tag == tricky.ruleset.version[:6] + "-e1"
    assert table.next_end == dt.datetime(2027, 1, 1, tzinfo=dt.UTC)
    assert table.ending == ("england-until-2027",)
    earlier = variants_of(tricky.ruleset, dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    assert len(earlier.variants) == len(table.variants) + 1  # Germany still apart
    assert earlier.tag == tricky.ruleset.version[:6]


def test_unknown_readers_with_a_notice_of_their_own_are_a_variant(tricky: Engine) -> None:
    table = variants_of(tricky.ruleset, NOW)
    assert table.unknown.notices == ("everyone-unknown",)
    assert table.unknown is not table.default
    assert table.variant_of(UNKNOWN) == table.unknown.name
    assert table.variant_of(ANONYMOUS) == table.default.name


REGIONS = st.sampled_from(
    [
        UNKNOWN,
        ANONYMOUS,
        Region("UA"),
        Region("UA", ("UA-30",)),
        Region("UA", ("UA-43",)),
        Region("UA", ("UA-05",)),
        Region("GB"),
        Region("GB", ("GB-ENG",)),
        Region("GB", ("GB-ENG", "GB-LND")),
        Region("GB", ("GB-ENG", "GB-BNH")),
        Region("GB", ("GB-SCT",)),
        Region("DE", ("DE-BE",)),
        Region("FR", ("FR-IDF", "FR-75C")),
        Region("US", ("US-NY",)),
        Region("RU"),
        Region("BY", ("BY-HM",)),
    ]
)
MOMENTS = st.datetimes(min_value=dt.datetime(2026, 6, 1), max_value=dt.datetime(2031, 1, 1)).map(
    lambda moment: moment.replace(tzinfo=dt.UTC)
)


@settings(max_examples=300, deadline=None)
@given(region=REGIONS, at=MOMENTS, rules=st.sampled_from(["tricky", "shipped"]))
def test_deciding_for_a_variant_decides_for_every_reader_in_it_from_then_on(
    tricky: Engine, region: Region, at: dt.datetime, rules: str
) -> None:
    engine = tricky if rules == "tricky" else Engine(SHIPPED)
    table = variants_of(engine.ruleset, NOW)
    name = table.variant_of(region)
    if name == UNDECIDED:
        return
    variant = table.named(name)
    assert variant is not None
    for path in ("/a/x/1.html", "/ru/a/x/1.html", "/api/articles/1"):
        assert engine.evaluate(variant.representative, path, None, at) == engine.evaluate(
            region, path, None, at
        )


def test_names_are_parsed_strictly() -> None:
    assert parse_name("v2-1a2b3c") == (2, "1a2b3c", 0)
    assert parse_name("v2-1a2b3c-e3") == (2, "1a2b3c", 3)
    for bad in (
        "",
        "v2",
        "V2-1a2b3c",
        "v02-1a2b3c",
        "v2-1A2B3C",
        "v2-1a2b3c-e0",
        "v2-1a2b3c ",
        "v1-" + "a" * 40,
    ):
        assert parse_name(bad) is None, bad


def test_the_origin_believes_tables_made_before_a_window_ended_but_not_after(tricky: Engine) -> None:
    known = KnownVariants(tricky)
    before = variants_of(tricky.ruleset, dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    after = variants_of(tricky.ruleset, NOW)
    assert known.epoch(dt.datetime(2025, 6, 1, tzinfo=dt.UTC)) == 0
    assert known.epoch(NOW) == 1
    assert known.table(0).variants == before.variants
    assert known.table(1).variants == after.variants
