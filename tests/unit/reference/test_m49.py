"""UN M49 area codes -> project economy codes (helpers/reference/m49.py and m49.yaml)."""

import pandas as pd
import pytest
import yaml

from helpers.errors import UsageError
from helpers.reference import m49


@pytest.mark.parametrize(
    ("area", "code"),
    [
        ("404", "KEN"),
        (50, "BGD"),
        ("004", "AFG"),  # leading zeros as ISO writes them
        ("578", "NOR"),
        ("412", "XKX"),
        ("830", "CHI"),
        ("158", "TWN"),
        ("1", "WLD"),
        ("199", "LDC"),
        ("432", "LLDC"),
        ("722", "SIDS"),
        ("515", "DEVELOPING"),
        ("514", "DEVELOPED"),
        ("202", "M49_202"),
        ("736", "M49_736"),  # Sudan [former]: not SDN, which is 729
        ("729", "SDN"),
    ],
)
def test_areas_map_to_the_agreed_codes(area, code):
    assert m49.economy(area) == code


@pytest.mark.parametrize("bad", ["KEN", "", "4a", "-1", "123456"])
def test_a_code_that_is_not_m49_is_a_usage_error_naming_it(bad):
    with pytest.raises(UsageError, match="not a UN M49 area code"):
        m49.economy(bad)


@pytest.mark.parametrize(
    ("code", "area"),
    [("KEN", "404"), ("ken", "404"), ("XKX", "412"), ("CHI", "830"), ("TWN", "158"),
     ("LDC", "199"), ("WLD", "1"), ("M49_202", "202")],
)  # fmt: skip
def test_economy_codes_map_back_to_their_area(code, area):
    assert m49.area(code) == area
    assert m49.economy(m49.area(code)) == code.upper()


@pytest.mark.parametrize("code", ["SSF", "DAC", "XYZ", "M49_X"])
def test_a_code_with_no_area_is_a_usage_error_naming_it(code):
    with pytest.raises(UsageError, match=code):
        m49.area(code)


def test_aggregates_are_the_groups_and_every_m49_region():
    assert all(m49.is_aggregate(c) for c in ["WLD", "LDC", "LLDC", "SIDS", "DEVELOPING", "M49_5"])
    assert not any(m49.is_aggregate(c) for c in ["KEN", "XKX", "CHI", "TWN"])


def test_every_table_entry_says_why_and_where_from():
    raw = yaml.safe_load(m49.M49_FILE.read_text())
    for area, entry in raw["areas"].items():
        assert entry["reason"] and entry["source"], area
    assert raw["other_areas"]["rule"] == "M49_<code>"


def test_every_area_of_the_un_list_maps_to_its_own_code(shared_data):
    areas = pd.read_csv(shared_data / "un_sdg" / "ddf--entities--geo_area.csv", dtype=str)
    codes = m49.economies(areas["geo_area"])
    assert codes.notna().all() and (codes != "").all()
    # None silently lost, none merged: 370 areas, 370 codes.
    dup = areas.assign(code=codes)[codes.duplicated(keep=False)]
    assert dup.empty, dup
    countries = codes[~codes.map(m49.is_aggregate)]
    assert countries.str.fullmatch(r"[A-Z]{3}").all()
    named = dict(zip(areas["name"], codes, strict=True))
    assert named["Kenya"] == "KEN" and named["Kosovo"] == "XKX"
    assert named["Least Developed Countries (LDCs)"] == "LDC"
    assert named["Sub-Saharan Africa"] == "M49_202"
