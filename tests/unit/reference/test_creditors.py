"""Creditor codes for IDS counterparts: ISO3 for countries, WLD, IDS<id> for institutions."""

from __future__ import annotations

import pandas as pd
import pytest

from helpers.reference import creditors


@pytest.mark.parametrize(
    ("cid", "name", "code"),
    [
        ("730", "China", "CHN"),
        ("646", "India", "IND"),
        ("566", "Saudi Arabia", "SAU"),
        ("WLD", "World", "WLD"),
        ("wld", "World", "WLD"),
        ("905", "World Bank-IDA", "IDS905"),
        ("BND", "Bondholders", "IDSBND"),
        # The API's own spellings, which differ from the WDI names.
        ("740", "Korea, D.P.R. of", "PRK"),
        ("735", "Hong Kong", "HKG"),
        ("055", "Turkiye", "TUR"),
        # A bank the name lookup would place in South Africa.
        ("817", "Eastern & Southern African Trade & Dev. Bank (TDB)", "IDS817"),
    ],
)
def test_creditor_code(cid, name, code):
    assert creditors.creditor_code(cid, name) == code


def test_is_country():
    assert creditors.is_country("CHN")
    assert not creditors.is_country("WLD") and not creditors.is_country("IDS905")


def test_every_override_is_an_iso3_code_or_null():
    for cid, code in creditors.overrides().items():
        assert code is None or (len(code) == 3 and code.isupper()), cid


def test_genuine_ids_counterparts_get_their_iso3_codes(shared_data):
    table = pd.read_csv(
        shared_data / "worldbank" / "ids_metadata" / "counterparts.csv",
        dtype=str,
        keep_default_na=False,
    )
    assert len(table) == 303
    codes = [creditors.creditor_code(i, n) for i, n in zip(table["counterpart_id"],
                                                             table["counterpart_name"],
                                                             strict=True)]  # fmt: skip
    table = table.assign(code=codes)
    countries = table[table["counterpart_type"] == "Country"]
    wrong = countries[countries["code"] != countries["counterpart_iso3code"]]
    assert wrong.empty, wrong[["counterpart_id", "counterpart_name", "code"]].to_string()
    others = table[~table["counterpart_type"].isin(["Country", "All Creditors", ""])]
    assert not others["code"].map(creditors.is_country).any()
    assert (others["code"] == "IDS" + others["counterpart_id"]).all()
    assert table.set_index("counterpart_id").loc["WLD", "code"] == "WLD"
    assert table["code"].str.len().max() <= 16 and table["code"].is_unique
