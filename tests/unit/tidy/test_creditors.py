"""Lending by creditor in the tidy table (issue 12, item 2): creditor columns, groups, filter."""

from __future__ import annotations

import pytest

from helpers import tidy
from helpers.errors import UsageError
from helpers.reference import schema

DIS = "DT.DIS.BLAT.CD"


def test_rows_by_creditor_carry_code_name_and_group(demo_root):
    frame = tidy.load(DIS, economies=["KEN", "ETH"], store=demo_root)
    assert list(frame.columns) == schema.COLUMNS
    assert set(frame["economy"]) == {"KEN", "ETH"} and (frame["creditor"] != "").all()
    named = frame.drop_duplicates("creditor").set_index("creditor")
    assert named.loc["WLD", "creditor_group"] == "all creditors"
    assert named.loc["CHN", "creditor_name"] == "China"
    assert named.loc["CHN", "creditor_group"] == "Southern"
    groups_seen = set(frame["creditor_group"])
    assert groups_seen <= {"Southern", "DAC", "other", "all creditors"}
    # One row per economy, year, series and creditor.
    assert not frame.duplicated(schema.KEY).any()


def test_rows_not_by_creditor_keep_empty_creditor_columns(demo_root):
    frame = tidy.load("IT.NET.USER.ZS", economies="KEN", store=demo_root)
    for col in schema.CREDITOR_COLUMNS:
        assert set(frame[col]) == {""}


def test_creditor_groups_follow_the_definition(demo_root):
    frame = tidy.load(DIS, creditors=["SAU", "DEU", "IND"], store=demo_root)
    got = frame.drop_duplicates("creditor").set_index("creditor")["creditor_group"]
    # Saudi Arabia is a high-income economy: neither DAC nor Southern under wb_lmic.
    assert got.to_dict() == {"SAU": "other", "DEU": "DAC", "IND": "Southern"}


def test_the_creditor_filter_takes_codes_and_groups(demo_root):
    codes = tidy.load(DIS, creditors=["chn", "WLD"], store=demo_root)
    assert set(codes["creditor"]) == {"CHN", "WLD"}
    south = tidy.load(DIS, creditors="Southern", store=demo_root)
    assert set(south["creditor_group"]) == {"Southern"} and "CHN" in set(south["creditor"])
    both = tidy.load(DIS, creditors=["dac", "WLD"], store=demo_root)
    assert set(both["creditor_group"]) == {"DAC", "all creditors"}


def test_an_unknown_creditor_is_refused_with_a_suggestion(demo_root):
    with pytest.raises(UsageError, match=r"CHNA \(did you mean CHN"):
        tidy.load(DIS, creditors=["CHNA"], store=demo_root)
    with pytest.raises(UsageError, match=r"China \(did you mean CHN"):
        tidy.load(DIS, creditors="China", store=demo_root)
    with pytest.raises(UsageError, match=r"Southrn \(did you mean Southern"):
        tidy.load(DIS, creditors="Southrn", store=demo_root)


def test_a_new_global_south_definition_rebuilds_the_groups(tmp_path, demo_root, monkeypatch):
    assert tidy.is_current(demo_root)
    monkeypatch.setenv("SDG17_GLOBAL_SOUTH", "un_ldc")
    assert not tidy.is_current(demo_root)
