"""Reading IDS (World Bank API source 6) pages and choosing creditors."""

from __future__ import annotations

import json

import pandas as pd
import pytest

from helpers.errors import UsageError
from helpers.reference import groups
from helpers.sources.worldbank import ids

SAMPLE = "ids_data_DT.DIS.BLAT.CD_AGO_KEN_730_WLD.json"


def _row(order: list[str], value=1.0) -> dict:
    variables = {
        "Country": {"concept": "Country", "id": "KEN", "value": "Kenya"},
        "Counterpart-Area": {"concept": "Counterpart-Area", "id": "730", "value": "China"},
        "Series": {"concept": "Series", "id": "DT.DIS.BLAT.CD", "value": "PPG, bilateral"},
        "Time": {"concept": "Time", "id": "YR2020", "value": "2020"},
    }
    return {"variable": [variables[c] for c in order], "value": value}


def _page(rows: list[dict]) -> dict:
    return {"page": 1, "pages": 1, "per_page": 50, "total": len(rows), "source": {"data": rows}}


@pytest.mark.parametrize(
    "order",
    [
        ["Country", "Counterpart-Area", "Series", "Time"],
        ["Series", "Time", "Counterpart-Area", "Country"],
    ],
)
def test_rows_are_read_by_concept_not_position(order):
    _, rows = ids.read_records(_page([_row(order, 5.0)]))
    assert rows == [ids.Lending("KEN", "Kenya", "730", "China", "DT.DIS.BLAT.CD", 2020, 5.0)]


def test_an_error_payload_is_not_a_page():
    with pytest.raises(ValueError, match="Invalid value"):
        ids.read_records([{"message": [{"id": "120", "key": "Invalid value", "value": "x"}]}])


def test_the_documented_sample_reads(shared_data):
    path = shared_data / "api-samples" / "worldbank" / SAMPLE
    meta, rows = ids.read_records(json.loads(path.read_text()))
    assert meta["source"]["id"] == "6" and len(rows) == 8
    assert {r.economy for r in rows} == {"AGO", "KEN"}
    assert {r.counterpart for r in rows} == {"730", "WLD"}
    china = {(r.economy, r.year): r.value for r in rows if r.counterpart == "730"}
    assert china[("AGO", 2020)] == 202231000


def test_the_concepts_of_source_6_name_the_counterpart_area(shared_data):
    path = shared_data / "api-samples" / "worldbank" / "ids_sources_6_concepts.json"
    concepts = json.loads(path.read_text())["source"][0]["concept"]
    assert "Counterpart-Area" in {c["id"] for c in concepts}


LISTING = ids.counterparts_frame(
    [
        {"id": "730", "value": "China"},
        {"id": "646", "value": "India"},
        {"id": "566", "value": "Saudi Arabia"},
        {"id": "017", "value": "United States"},
        {"id": "905", "value": "World Bank-IDA"},
        {"id": "WLD", "value": "World"},
    ]
)


def test_the_listing_gets_creditor_codes():
    assert LISTING["creditor"].tolist() == ["CHN", "IND", "SAU", "USA", "IDS905", "WLD"]


def test_creditors_are_checked_before_any_request():
    assert ids.check_creditors(["chn", " 730", "IDS905", "WLD", "CHN"]) == [
        "CHN",
        "730",
        "IDS905",
        "WLD",
    ]
    assert ids.check_creditors("CHN,IND") == ["CHN", "IND"]
    assert ids.check_creditors(None) is None
    with pytest.raises(UsageError, match="unknown creditors: XYZ, CHINA"):
        ids.check_creditors(["XYZ", "china"])


def test_creditors_resolve_to_ids_ids():
    assert ids.resolve_creditors(["CHN", "646", "IDS905", "WLD"], LISTING) == [
        "730",
        "646",
        "905",
        "WLD",
    ]
    with pytest.raises(UsageError, match=r"BRA"):
        ids.resolve_creditors(["BRA"], LISTING)
    with pytest.raises(UsageError, match=r"CHM \(did you mean CHN"):
        ids.resolve_creditors(["CHM"], LISTING)


def test_default_creditors_are_southern_countries_dac_members_and_wld(monkeypatch):
    reference = pd.DataFrame(
        [
            ("CHN", "China", "East Asia & Pacific", "Upper middle income", False),
            ("IND", "India", "South Asia", "Lower middle income", False),
            ("SAU", "Saudi Arabia", "Middle East & North Africa", "High income", False),
            ("USA", "United States", "North America", "High income", False),
        ],
        columns=groups.REFERENCE_COLUMNS,
    )
    assert ids.default_creditors(LISTING, reference) == ["730", "646", "017", "WLD"]
    assert ids.default_creditors(LISTING, reference, "wb_lic_lmc") == ["646", "017", "WLD"]
    monkeypatch.setenv(groups.GLOBAL_SOUTH_ENV, "un_ldc")
    assert ids.default_creditors(LISTING, reference) == ["017", "WLD"]
