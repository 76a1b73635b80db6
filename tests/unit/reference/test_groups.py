"""Economy groupings: the lists in groups.yaml and the functions that apply them."""

from __future__ import annotations

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from helpers.errors import SchemaError, UsageError
from helpers.reference import groups, schema


@pytest.fixture
def reference() -> pd.DataFrame:
    return pd.DataFrame(
        [
            ("ETH", "Ethiopia", "Sub-Saharan Africa", "Low income", False),
            ("KEN", "Kenya", "Sub-Saharan Africa", "Lower middle income", False),
            ("BGD", "Bangladesh", "South Asia", "Lower middle income", False),
            ("BRA", "Brazil", "Latin America & Caribbean ", "Upper middle income", False),
            ("VEN", "Venezuela, RB", "Latin America & Caribbean", "", False),
            ("SAU", "Saudi Arabia", "Middle East & North Africa", "High income", False),
            ("NOR", "Norway", "Europe & Central Asia", "High income", False),
            ("USA", "United States", "North America", "High income", False),
            ("XKX", "Kosovo", "Europe & Central Asia", "Upper middle income", False),
            ("SSF", "Sub-Saharan Africa", "", "", True),
            ("WLD", "World", None, None, True),
        ],
        columns=groups.REFERENCE_COLUMNS,
    )


# -- the lists -------------------------------------------------------------------------
def test_ldc_list_has_44_countries():
    assert len(groups.ldc_codes()) == 44


@pytest.mark.parametrize("code", ["ETH", "BGD", "HTI", "SLE", "AGO", "TUV", "KIR", "YEM"])
def test_ldc_members(code):
    assert code in groups.ldc_codes()


@pytest.mark.parametrize("code", ["BTN", "STP", "VUT", "CPV", "MDV", "KEN", "WSM"])
def test_graduated_and_never_ldcs_are_not_members(code):
    assert code not in groups.ldc_codes()


def test_dac_has_32_members_31_countries_and_the_eu():
    members = groups.dac_member_codes()
    assert len(members) == 32
    assert "4EU001" in members
    assert {"EST", "LTU", "HUN", "KOR", "USA"} <= set(members)
    assert "LVA" not in members


def test_non_dac_providers_are_not_dac_members():
    assert not set(groups.non_dac_provider_codes()) & set(groups.dac_member_codes())
    assert {"ARE", "SAU", "QAT", "KWT", "TUR"} <= set(groups.non_dac_provider_codes())


def test_every_country_code_in_the_lists_is_iso3():
    codes = set(groups.ldc_codes()) | set(groups.non_dac_provider_codes())
    codes |= set(groups.dac_member_codes()) - {"4EU001"}
    assert set(groups.validate_economies(sorted(codes))) == codes


# -- flags and named groups ------------------------------------------------------------
def test_economies_frame_adds_flags(reference):
    out = groups.economies_frame(reference).set_index("economy")
    assert out.loc["ETH", ["ldc", "dac_member", "beyond_dac", "global_south"]].tolist() == [
        True,
        False,
        False,
        True,
    ]
    assert out.loc["NOR", ["ldc", "dac_member", "beyond_dac", "global_south"]].tolist() == [
        False,
        True,
        False,
        False,
    ]
    assert out.loc["SAU", "beyond_dac"]
    assert not out.loc["WLD", ["ldc", "dac_member", "beyond_dac", "global_south"]].any()


def test_economies_frame_keeps_the_reference_columns(reference):
    out = groups.economies_frame(reference)
    assert_frame_equal(out[groups.REFERENCE_COLUMNS], reference)


@pytest.mark.parametrize(
    ("group", "expected"),
    [
        ("LIC", ["ETH"]),
        ("Low income", ["ETH"]),
        ("lower middle income", ["BGD", "KEN"]),
        ("HIC", ["NOR", "SAU", "USA"]),
        ("LMY", ["BGD", "BRA", "ETH", "KEN", "XKX"]),
        ("Sub-Saharan Africa", ["ETH", "KEN"]),
        ("SSF", ["ETH", "KEN"]),
        ("LCN", ["BRA", "VEN"]),  # the API's trailing space does not matter
        ("LDC", ["BGD", "ETH"]),
        ("DAC", ["NOR", "USA"]),
        ("beyond_DAC", ["SAU"]),
        ("global_south", ["BGD", "BRA", "ETH", "KEN", "XKX"]),
        ("global_south:wb_lic_lmc", ["BGD", "ETH", "KEN"]),
        ("all", ["BGD", "BRA", "ETH", "KEN", "NOR", "SAU", "USA", "VEN", "XKX"]),
    ],
)
def test_members(reference, group, expected):
    assert groups.members(group, reference) == expected


def test_unknown_group_lists_the_valid_ones(reference):
    with pytest.raises(UsageError, match=r"unknown economy group 'Sub-Saharan'.*Valid groups"):
        groups.members("Sub-Saharan", reference)


def test_reference_without_the_columns_is_refused():
    with pytest.raises(SchemaError, match="income_group"):
        groups.members("LDC", pd.DataFrame({"economy": ["KEN"]}))


# -- Global South ----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("definition", "expected"),
    [
        ("wb_lmic", {"ETH", "KEN", "BGD", "BRA", "XKX"}),
        ("wb_lic_lmc", {"ETH", "KEN", "BGD"}),
        ("un_ldc", {"ETH", "BGD"}),
    ],
)
def test_global_south_definitions(reference, definition, expected):
    flag = groups.global_south(reference, definition)
    assert flag.name == "global_south"
    assert set(reference.loc[flag, "economy"]) == expected


def test_global_south_default_comes_from_the_environment(reference, monkeypatch):
    monkeypatch.setenv(groups.GLOBAL_SOUTH_ENV, "un_ldc")
    assert groups.members("global_south", reference) == ["BGD", "ETH"]


def test_unknown_global_south_definition(reference):
    with pytest.raises(UsageError, match=r"wb_lmic.*wb_lic_lmc.*un_ldc"):
        groups.global_south(reference, "g77")


# -- validating codes ------------------------------------------------------------------
def test_validate_economies_normalises_and_accepts_known_codes():
    assert groups.validate_economies([" ken", "XKX", "wld", "DAC", "CHI", "KEN"]) == [
        "KEN",
        "XKX",
        "WLD",
        "DAC",
        "CHI",
    ]


def test_validate_economies_names_every_unknown_code_with_suggestions():
    with pytest.raises(UsageError) as err:
        groups.validate_economies(["KEN", "XYZ", "KENN"])
    message = str(err.value)
    assert "XYZ" in message and "KENN" in message
    assert "did you mean KEN" in message
    assert "aggregate_codes" in message


def test_validate_economies_against_a_reference(reference):
    assert groups.validate_economies(["ssf", "DAC"], reference) == ["SSF", "DAC"]
    with pytest.raises(UsageError, match="FRA"):  # valid ISO, but not in this reference
        groups.validate_economies(["FRA"], reference)


def test_validate_economies_suggests_the_code_for_a_name(reference):
    with pytest.raises(UsageError, match="did you mean KEN"):
        groups.validate_economies(["Kenya"], reference)


def test_validate_groups_or_economies_expands_groups(reference):
    assert groups.validate_groups_or_economies(["USA", "LDC", "ETH", "wld"], reference) == [
        "USA",
        "BGD",
        "ETH",
        "WLD",
    ]


def test_validate_groups_or_economies_rejects_unknown_items(reference):
    with pytest.raises(UsageError, match=r"FOO.*Or a group"):
        groups.validate_groups_or_economies(["LDC", "FOO"], reference)


# -- splitting aggregates --------------------------------------------------------------
def test_split_aggregates(reference):
    frame = pd.DataFrame(
        {"economy": ["KEN", "SSF", "DAC", "NOR", "LMY"], "value": [1.0, 2.0, 3.0, 4.0, 5.0]}
    )
    singles, aggregates = groups.split_aggregates(frame, reference)
    assert_frame_equal(singles, pd.DataFrame({"economy": ["KEN", "NOR"], "value": [1.0, 4.0]}))
    assert aggregates["economy"].tolist() == ["SSF", "DAC", "LMY"]


def test_retired_world_bank_codes_become_todays_codes():
    codes = pd.Series(["ROM", "ZAR", "KSV", "TMP", "WBG", "ADO", "IMY", "KEN", "ROU"])
    assert groups.current_codes(codes).tolist() == [
        *["ROU", "COD", "XKX", "TLS", "PSE", "AND", "IMN"],
        *["KEN", "ROU"],
    ]


def test_renamed_codes_lists_only_the_retired_codes_present():
    codes = pd.Series(["KEN", "ZAR", "ROM", "ROM", "ROU"])
    assert groups.renamed_codes(codes) == {"ROM": "ROU", "ZAR": "COD"}
    assert groups.renamed_codes(["KEN", "ROU"]) == {}


def test_retired_world_bank_aggregates_are_aggregates():
    for code in ("NOC", "OEC", "INX", "CAA", "CSA"):
        assert groups.is_known_aggregate(code), code
    assert not groups.is_known_aggregate("ROM")  # a retired country code, not a group


# -- creditor groups -------------------------------------------------------------------------
def test_creditor_groups_by_rule(reference):
    codes = pd.Series(["WLD", "USA", "NOR", "BRA", "ETH", "SAU", "CHN", "IDS905", ""])
    got = groups.creditor_groups(codes, reference)
    expected = ["all creditors", "DAC", "DAC", "Southern", "Southern", "other", "other"]
    # CHN is not in this reference, so it cannot be placed in the Global South.
    assert got.tolist() == [*expected, "other", ""]
    assert got.name == "creditor_group"


def test_creditor_groups_follow_the_global_south_definition(reference, monkeypatch):
    codes = pd.Series(["BRA", "KEN", "ETH"])
    assert groups.creditor_groups(codes, reference, "wb_lic_lmc").tolist() == [
        "other",
        "Southern",
        "Southern",
    ]
    monkeypatch.setenv(groups.GLOBAL_SOUTH_ENV, "un_ldc")
    assert groups.creditor_groups(codes, reference).tolist() == ["other", "other", "Southern"]


def test_creditor_groups_are_the_schema_ones():
    assert groups.CREDITOR_GROUPS == schema.CREDITOR_GROUPS
