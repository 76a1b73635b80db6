import pandas as pd
import pytest
import yaml

from helpers import catalogue, paths
from helpers.errors import CatalogueError

REQUIRED_WB = [
    "DT.ODA.ODAT.CD",
    "DT.ODA.ODAT.GN.ZS",
    "DT.ODA.ODAT.PC.ZS",
    "NY.GNP.MKTP.CD",
    "SP.POP.TOTL",
    "IT.NET.USER.ZS",
    "IT.NET.BBND.P2",
    "IT.CEL.SETS.P2",
    "TX.VAL.TECH.MF.ZS",
    "BX.TRF.PWKR.DT.GD.ZS",
    "BX.KLT.DINV.WD.GD.ZS",
    "DT.TDS.DECT.EX.ZS",
    "IQ.SPI.OVRL",
    *[f"TX.VAL.MRCH.R{i}.ZS" for i in range(1, 7)],
]


def test_catalogue_lists_every_required_world_bank_series():
    assert set(REQUIRED_WB) <= set(catalogue.load().ids("worldbank"))


def test_catalogue_has_dac1_and_dac2a_in_both_price_bases():
    oecd = [s for s in catalogue.load().series if s.source == "oecd"]
    assert {(s.dataflow, s.price_basis) for s in oecd} >= {
        ("dac1", "current"),
        ("dac1", "constant"),
        ("dac2a", "current"),
        ("dac2a", "constant"),
    }
    assert any(s.query.get("MEASURE") == "11002" for s in oecd)  # ODA as % of GNI


def test_every_series_has_provenance_and_an_sdg_17_indicator():
    for s in catalogue.load().series:
        assert s.citation and s.licence and s.title and s.unit
        assert s.sdg.startswith("17.")


def test_resolve_unknown_series_names_them():
    with pytest.raises(CatalogueError, match=r"NOT\.A\.SERIES, ALSO\.BAD"):
        catalogue.resolve(["IT.NET.USER.ZS", "NOT.A.SERIES", "ALSO.BAD"])


def test_resolve_keeps_catalogue_order():
    got = [s.id for s in catalogue.resolve(["SP.POP.TOTL", "DT.ODA.ODAT.CD"])]
    assert got == ["DT.ODA.ODAT.CD", "SP.POP.TOTL"]


def _write(tmp_path, series):
    raw = yaml.safe_load(paths.CATALOGUE_FILE.read_text())
    raw["series"] = series
    path = tmp_path / "cat.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


def test_malformed_catalogue_entry_is_named(tmp_path):
    bad = {
        "id": "X",
        "source": "worldbank",
        "title": "t",
        "unit": "u",
        "unit_kind": "percent",
        "sdg": "3.1.1",
        "sdg_relation": "proxy",
        "topic": "oda",
        "code": "X",
    }
    with pytest.raises(CatalogueError, match=r"series #1 \(X\).*17\.x\.x"):
        catalogue.load(_write(tmp_path, [bad]))


def test_oecd_query_with_unknown_dimension_is_refused(tmp_path):
    bad = {
        "id": "Y",
        "source": "oecd",
        "dataflow": "dac1",
        "query": {"COLOUR": "red"},
        "title": "t",
        "unit": "u",
        "unit_kind": "usd_millions",
        "sdg": "17.2.1",
        "sdg_relation": "official",
        "topic": "oda",
    }
    with pytest.raises(CatalogueError, match="COLOUR"):
        catalogue.load(_write(tmp_path, [bad]))


# --- lookups an analyst types (issue 9, item 7) ----------------------------------------------


def test_series_lookup_ignores_case():
    assert catalogue.get("it.net.user.zs").id == "IT.NET.USER.ZS"
    assert [s.id for s in catalogue.resolve(["sp.pop.totl"])] == ["SP.POP.TOTL"]


def test_an_unknown_series_gets_a_did_you_mean():
    with pytest.raises(CatalogueError, match=r"IT\.NET\.USR\.ZS \(did you mean IT\.NET\.USER\.ZS"):
        catalogue.get("IT.NET.USR.ZS")
    with pytest.raises(CatalogueError, match=r"catalogue\.search"):
        catalogue.get("nothing like it")


def test_table_lists_every_series_with_title_unit_indicator_and_source():
    table = catalogue.table()
    assert list(table.columns) == ["id", "title", "unit", "sdg", "source"]
    assert table["id"].tolist() == catalogue.load().ids()
    row = table.set_index("id").loc["IT.NET.USER.ZS"]
    assert (row["sdg"], row["source"], row["unit"]) == ("17.8.1", "worldbank", "% of population")
    assert "Internet" in row["title"] and table.index.equals(pd.RangeIndex(len(table)))


def test_search_finds_series_by_words_in_any_order_ignoring_case():
    found = catalogue.search("internet individuals")
    assert found["id"].tolist() == ["IT.NET.USER.ZS"]
    assert set(catalogue.search("BROADBAND")["id"]) == {"IT.NET.BBND.P2", "IT_NET_BBND"}
    assert catalogue.search("broadband unsdg")["id"].tolist() == ["IT_NET_BBND"]
    assert "DAC1.ODA.GNI.GE" in set(catalogue.search("17.2.1")["id"])  # by SDG indicator


def test_search_with_no_match_says_so():
    with pytest.raises(CatalogueError, match=r"no series matches 'zebra'.*catalogue\.table\(\)"):
        catalogue.search("zebra")


# --- every SDG 17 indicator (issue 11, item 2) -----------------------------------------------

# The 24 indicators of Goal 17 after the 2020 comprehensive review (A/RES/71/313, annex,
# as refined; E/CN.3/2020/2): the list the catalogue must account for, typed out here so the
# test does not read it from the file it checks.
SDG17 = [
    "17.1.1",
    "17.1.2",
    "17.2.1",
    "17.3.1",
    "17.3.2",
    "17.4.1",
    "17.5.1",
    "17.6.1",
    "17.7.1",
    "17.8.1",
    "17.9.1",
    "17.10.1",
    "17.11.1",
    "17.12.1",
    "17.13.1",
    "17.14.1",
    "17.15.1",
    "17.16.1",
    "17.17.1",
    "17.18.1",
    "17.18.2",
    "17.18.3",
    "17.19.1",
    "17.19.2",
]


def test_every_sdg17_indicator_has_a_series_or_a_stated_gap():
    table = catalogue.indicators()
    assert table["indicator"].tolist() == SDG17
    for row in table.itertuples():
        assert bool(row.series) != bool(row.gap), row.indicator
    assert set(catalogue.gaps()["indicator"]) == {
        r.indicator for r in table.itertuples() if not r.series
    }


def test_the_un_series_the_issue_names_are_catalogued_under_their_un_codes():
    for sid, sdg in [
        ("DC_ODA_LDCG", "17.2.1"),
        ("DC_ODA_TOTG", "17.2.1"),
        ("DC_FTA_TOTAL", "17.9.1"),
    ]:
        s = catalogue.get(sid)
        assert (s.source, s.code, s.sdg) == ("unsdg", sid, sdg)
    assert catalogue.get("IT_NET_BBND").former_codes == ("IT_NET_BBP",)
    assert catalogue.get("IT_NET_BBND").select["Type of speed"] == "ANYS"


def test_denominators_do_not_count_as_measuring_an_indicator():
    row = catalogue.indicators().set_index("indicator").loc["17.6.1"]
    assert "SP.POP.TOTL" not in row["series"] and "IT.NET.BBND.P2" in row["series"]


@pytest.mark.parametrize(
    ("indicator", "area"),
    [
        ("17.1.1", "finance"),
        ("17.5.1", "finance"),
        ("17.6.1", "technology"),
        ("17.8.1", "technology"),
        ("17.9.1", "capacity building"),
        ("17.10.1", "trade"),
        ("17.12.1", "trade"),
        ("17.13.1", "systemic issues"),
        ("17.19.2", "systemic issues"),
    ],
)
def test_areas_follow_the_target_number(indicator, area):
    assert catalogue.area_of(indicator) == area


def test_an_indicator_outside_goal_17_has_no_area():
    with pytest.raises(CatalogueError, match=r"17\.20\.1"):
        catalogue.area_of("17.20.1")


def _with_indicators(tmp_path, series, indicators):
    raw = yaml.safe_load(paths.CATALOGUE_FILE.read_text())
    raw["series"], raw["indicators"] = series, indicators
    path = tmp_path / "cat.yaml"
    path.write_text(yaml.safe_dump(raw))
    return path


_UN = {
    "id": "DC_FTA_TOTAL",
    "source": "unsdg",
    "code": "DC_FTA_TOTAL",
    "title": "t",
    "unit": "u",
    "unit_kind": "usd_millions",
    "sdg": "17.9.1",
    "sdg_relation": "official",
    "topic": "capacity",
}


def test_an_indicator_without_series_must_say_why(tmp_path):
    path = _with_indicators(
        tmp_path, [_UN], [{"id": "17.9.1", "title": "a"}, {"id": "17.5.1", "title": "b"}]
    )
    with pytest.raises(CatalogueError, match=r"17\.5\.1.*no series measures it"):
        catalogue.load(path)


def test_a_gap_that_has_series_is_refused(tmp_path):
    path = _with_indicators(tmp_path, [_UN], [{"id": "17.9.1", "title": "a", "gap": "none"}])
    with pytest.raises(CatalogueError, match="cannot also be a gap"):
        catalogue.load(path)


def test_a_series_for_an_unlisted_indicator_is_refused(tmp_path):
    path = _with_indicators(tmp_path, [_UN], [{"id": "17.5.1", "title": "b", "gap": "why"}])
    with pytest.raises(CatalogueError, match=r"unlisted indicators \['17\.9\.1'\]"):
        catalogue.load(path)


def test_select_is_for_un_series_only(tmp_path):
    wb = {**_UN, "id": "X", "source": "worldbank", "code": "X", "select": {"Sex": "F"}}
    with pytest.raises(CatalogueError, match="only UN SDG series"):
        catalogue.load(_write(tmp_path, [wb]))


def test_a_un_series_needs_its_code(tmp_path):
    bad = {k: v for k, v in _UN.items() if k != "code"}
    with pytest.raises(CatalogueError, match="unsdg series needs 'code'"):
        catalogue.load(_write(tmp_path, [bad]))
