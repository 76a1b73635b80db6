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
    assert set(catalogue.search("BROADBAND")["id"]) == {"IT.NET.BBND.P2"}
    assert "DAC1.ODA.GNI.GE" in set(catalogue.search("17.2.1")["id"])  # by SDG indicator


def test_search_with_no_match_says_so():
    with pytest.raises(CatalogueError, match=r"no series matches 'zebra'.*catalogue\.table\(\)"):
        catalogue.search("zebra")
