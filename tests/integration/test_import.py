"""The file importer: recognition by content, all-or-nothing import, parsers, real files."""

import gzip
import json
import logging
import shutil
from pathlib import Path

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from helpers import catalogue, tidy
from helpers.errors import StoreError, UsageError
from helpers.reference import schema
from helpers.sources import importers
from helpers.sources.oecd import sdmx_csv
from helpers.sources.payload import sha256
from helpers.sources.worldbank import bulk as wb_bulk
from helpers.store import Store, imports
from tests.conftest import SHARED_DATA

# -- small inline files ------------------------------------------------------------------------
# The bulk-download layout as the World Bank serves it: BOM, CRLF, the 4-line preamble, every
# cell quoted, a trailing comma on every line.
PREAMBLE_CSV = (
    '\ufeff"Data Source","World Development Indicators",\r\n'
    "\r\n"
    '"Last Updated Date","2024-06-28",\r\n'
    "\r\n"
    '"Country Name","Country Code","Indicator Name","Indicator Code","2019","2020","2021",\r\n'
    '"Kenya","KEN","Individuals using the Internet (% of population)","IT.NET.USER.ZS",'
    '"23.5","","29.1",\r\n'
    '"World","WLD","Individuals using the Internet (% of population)","IT.NET.USER.ZS",'
    '"54.1","59.3","",\r\n'
).encode()

# The same data re-saved without the preamble, quotes or trailing comma, LF endings.
PLAIN_CSV = (
    b"Country Name,Country Code,Indicator Name,Indicator Code,2019,2020,2021\n"
    b"Kenya,KEN,Individuals using the Internet (% of population),IT.NET.USER.ZS,23.5,,29.1\n"
    b"World,WLD,Individuals using the Internet (% of population),IT.NET.USER.ZS,54.1,59.3,\n"
)

META_CSV = (
    "\ufeffCountry Code,Region,IncomeGroup,SpecialNotes,TableName\r\n"
    "CIV,Sub-Saharan Africa,Lower middle income,,Côte d'Ivoire\r\n"
    'KEN,Sub-Saharan Africa,Lower middle income,"Fiscal year end: June 30;\nsee notes.",Kenya\r\n'
    'VEN,Latin America & Caribbean,,,"Venezuela, RB"\r\n'
    "WLD,,,,World\r\n"
).encode()


def _write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return path


def _wb(code: str, values: str = "1.5,2.5", years: str = "2019,2020") -> bytes:
    return (
        f"Country Name,Country Code,Indicator Name,Indicator Code,{years}\n"
        f"Kenya,KEN,Some indicator,{code},{values}\n"
    ).encode()


def _expected_internet(snap) -> pd.DataFrame:
    return schema.coerce(
        pd.DataFrame(
            {
                "economy": ["KEN", "KEN", "WLD", "WLD"],
                "economy_name": ["Kenya", "Kenya", "World", "World"],
                "year": [2019, 2021, 2019, 2020],
                "series": "IT.NET.USER.ZS",
                "value": [23.5, 29.1, 54.1, 59.3],
                "unit": "% of population",
                "source": "worldbank",
                "vintage": snap.vintage,
                "snapshot_id": snap.id,
            }
        )
    )


# -- detect --------------------------------------------------------------------------------------
def test_detect_reads_preamble_bom_crlf_and_trailing_comma(tmp_path):
    det = importers.detect(_write(tmp_path, "API_IT.NET.USER.ZS.csv", PREAMBLE_CSV))
    assert det.kind == "wb-bulk-csv"
    assert det.indicators == ("IT.NET.USER.ZS",)
    assert det.last_updated == "2024-06-28"


def test_detect_reads_a_file_without_preamble(tmp_path):
    det = importers.detect(_write(tmp_path, "x.csv", PLAIN_CSV))
    assert (det.kind, det.indicators, det.last_updated) == (
        "wb-bulk-csv",
        ("IT.NET.USER.ZS",),
        None,
    )


def test_detect_goes_by_content_not_name(tmp_path):
    assert importers.detect(_write(tmp_path, "notes.txt", PREAMBLE_CSV)).kind == "wb-bulk-csv"
    assert importers.detect(_write(tmp_path, "API_X.csv", META_CSV)).kind == "wb-country-meta-csv"


BAD_FILES = {
    "random csv": ("people.csv", b"name,age\nAda,36\n", "not a recognised format"),
    "empty": ("API_IT.NET.USER.ZS_DS2.csv", b"", "is empty"),
    "binary": ("API_IT.NET.USER.ZS_DS2.csv", bytes(range(256)) * 4, "binary"),
    "zip": ("API_IT.NET.USER.ZS_DS2.zip", b"PK\x03\x04" + b"\x00" * 40, "ZIP archive"),
    "gzip, not sdmx": ("data.csv.gz", gzip.compress(b"name,age\nAda,36\n"), "gzip-compressed"),
    "indicator metadata": (
        "Metadata_Indicator_API_IT.NET.USER.ZS.csv",
        b'"INDICATOR_CODE","INDICATOR_NAME","SOURCE_NOTE","SOURCE_ORGANIZATION",\r\n',
        "indicator metadata",
    ),
}


def _bad_path(tmp_path: Path, case: str) -> tuple[Path, str]:
    if case == "missing":
        return tmp_path / "in" / "API_nowhere.csv", "no such file"
    if case == "directory":
        path = tmp_path / "in" / "bulk_csv"
        path.mkdir(parents=True)
        return path, "is a directory"
    name, content, reason = BAD_FILES[case]
    return _write(tmp_path, name, content), reason


BAD_CASES = [*BAD_FILES, "missing", "directory"]


@pytest.mark.parametrize("case", BAD_CASES)
def test_detect_rejects_what_is_not_an_accepted_format(tmp_path, case):
    path, reason = _bad_path(tmp_path, case)
    with pytest.raises(UsageError) as exc:
        importers.detect(path)
    message = str(exc.value)
    assert str(path) in message and reason in message
    assert "World Bank bulk-download CSVs" in message and "SDMX-CSV" in message
    assert UsageError.exit_code == 2


# -- import: provenance, all or nothing, idempotence ----------------------------------------
def test_import_stores_bytes_unchanged_with_provenance(tmp_path, store):
    path = _write(tmp_path, "API_IT.NET.USER.ZS_DS2_en_csv_v2.csv", PREAMBLE_CSV)
    (snap,) = imports.import_files([path], store)
    assert snap.read(path.name) == PREAMBLE_CSV
    meta = snap.meta
    assert meta["files"][0]["sha256"] == sha256(PREAMBLE_CSV)
    assert (meta["kind"], meta["format"], meta["source"]) == ("import", "wb-bulk-csv", "worldbank")
    assert meta["series"] == ["IT.NET.USER.ZS"]
    assert meta["source_last_updated"] == "2024-06-28"
    assert meta["vintage"].startswith("updated 2024-06-28, imported ")
    assert meta["rows"] == 4
    assert meta["query"] == {
        "file": str(path),
        "economies": "all",
        "start_year": 2019,
        "end_year": 2021,
    }
    assert meta["extra"]["imported_from"] == str(path)
    assert meta["extra"]["file_mtime"].endswith("Z")
    source = catalogue.load().sources["worldbank"]
    assert (meta["citation"], meta["licence"]) == (source["citation"], source["licence"])


@pytest.mark.parametrize("content", [PREAMBLE_CSV, PLAIN_CSV], ids=["preamble", "plain"])
def test_parse_wb_bulk_turns_wide_into_tidy(tmp_path, store, content):
    (snap,) = imports.import_files([_write(tmp_path, "f.csv", content)], store)
    assert_frame_equal(wb_bulk.parse_wb_bulk(snap), _expected_internet(snap))


def test_parse_wb_bulk_accepts_databank_missing_marker_and_resaved_columns(tmp_path, store):
    content = (
        b"Country Name,Country Code,Indicator Name,Indicator Code,2019,2020,Unnamed: 6\n"
        b"Kenya,KEN,Internet,IT.NET.USER.ZS,..,29.1,\n"
    )
    (snap,) = imports.import_files([_write(tmp_path, "f.csv", content)], store)
    tidy = wb_bulk.parse_wb_bulk(snap)
    assert tidy[["economy", "year", "value"]].values.tolist() == [["KEN", 2020, 29.1]]


def test_a_file_may_hold_several_catalogue_indicators(tmp_path, store):
    content = _wb("IT.NET.USER.ZS") + b"Kenya,KEN,Mobile,IT.CEL.SETS.P2,50,60\n"
    (snap,) = imports.import_files([_write(tmp_path, "two.csv", content)], store)
    assert snap.series == ["IT.CEL.SETS.P2", "IT.NET.USER.ZS"]
    tidy = wb_bulk.parse_wb_bulk(snap)
    assert tidy.groupby("series")["unit"].first().to_dict() == {
        "IT.CEL.SETS.P2": "per 100 people",
        "IT.NET.USER.ZS": "% of population",
    }


def test_windows_1252_text_is_read(tmp_path, store):
    content = _wb("IT.NET.USER.ZS").replace(b"Kenya", "Côte d'Ivoire".encode("cp1252"))
    (snap,) = imports.import_files([_write(tmp_path, "excel.csv", content)], store)
    assert wb_bulk.parse_wb_bulk(snap)["economy_name"].unique().tolist() == ["Côte d'Ivoire"]
    assert snap.meta["extra"]["encoding"] == "cp1252"


def test_country_metadata_parses_to_the_economy_reference(tmp_path, store):
    (snap,) = imports.import_files([_write(tmp_path, "Metadata_Country.csv", META_CSV)], store)
    assert (snap.format, snap.series, snap.meta["rows"]) == ("wb-country-meta-csv", [], 4)
    expected = pd.DataFrame(
        {
            "economy": ["CIV", "KEN", "VEN", "WLD"],
            "economy_name": ["Côte d'Ivoire", "Kenya", "Venezuela, RB", "World"],
            "region": ["Sub-Saharan Africa"] * 2 + ["Latin America & Caribbean", None],
            "income_group": ["Lower middle income"] * 2 + [None, None],
            "is_aggregate": [False, False, False, True],
        }
    )
    assert_frame_equal(wb_bulk.parse_wb_country_meta(snap), expected)


def test_country_metadata_with_a_retired_code_is_read_as_todays_and_says_so(tmp_path, store):
    old = META_CSV.replace(b"KEN,", b"ROM,").replace(b"Kenya", b"Romania")
    (snap,) = imports.import_files([_write(tmp_path, "Metadata_Country.csv", old)], store)
    assert snap.meta["extra"]["economy_codes_renamed"] == {"ROM": "ROU"}
    assert "ROU" in set(wb_bulk.parse_wb_country_meta(snap)["economy"])


def test_parsers_refuse_a_snapshot_of_another_format(tmp_path, store):
    (snap,) = imports.import_files([_write(tmp_path, "m.csv", META_CSV)], store)
    with pytest.raises(StoreError, match="wb-bulk-csv"):
        wb_bulk.parse_wb_bulk(snap)


@pytest.mark.parametrize("case", BAD_CASES)
def test_a_bad_file_among_good_ones_writes_nothing(tmp_path, store, case):
    good = _write(tmp_path, "good.csv", PREAMBLE_CSV)
    bad, reason = _bad_path(tmp_path, case)
    with pytest.raises(UsageError, match="Nothing was imported") as exc:
        imports.import_files([good, bad], store)
    assert str(bad) in str(exc.value) and reason in str(exc.value)
    assert store.snapshots() == []


def test_every_bad_file_is_named(tmp_path, store):
    bad = [_bad_path(tmp_path, "empty")[0], _bad_path(tmp_path, "random csv")[0]]
    with pytest.raises(UsageError, match="2 files cannot be imported") as exc:
        imports.import_files([_write(tmp_path, "good.csv", PLAIN_CSV), *bad], store)
    assert all(str(p) in str(exc.value) for p in bad)
    assert store.snapshots() == []


def test_an_indicator_outside_the_catalogue_is_refused(tmp_path, store):
    path = _write(tmp_path, "API_NY.GDP.MKTP.CD.csv", _wb("NY.GDP.MKTP.CD"))
    with pytest.raises(UsageError, match=r"NY\.GDP\.MKTP\.CD is not in the series catalogue") as e:
        imports.import_files([_write(tmp_path, "ok.csv", PLAIN_CSV), path], store)
    assert "IT.NET.USER.ZS" in str(e.value)  # the catalogue ids are listed
    assert store.snapshots() == []


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (_wb("IT.NET.USER.ZS", values="1.5,n/a"), "not numbers.*KEN 2020: 'n/a'"),
        (_wb("IT.NET.USER.ZS") + b"World,WLD,Internet\n", "truncated or corrupt"),
        (_wb("IT.NET.USER.ZS") + b"Kenya,KEN,Again,IT.NET.USER.ZS,1,2\n", "rows repeat: KEN"),
        (_wb("IT.NET.USER.ZS", values=",", years="2019,2020"), "no values"),
        (_wb("IT.NET.USER.ZS", values="1,2", years="2019,Notes"), "'Notes'"),
        (_wb("IT.NET.USER.ZS").split(b"\n")[0] + b"\n", "no rows"),
        (PREAMBLE_CSV.replace(b'"2024-06-28"', b'"28/06/2024"'), "not YYYY-MM-DD"),
        (b"Country Code,Region,IncomeGroup\nKEN,SSA,LMC\n", "TableName"),
    ],
    ids=[
        "text value",
        "short row",
        "repeat",
        "empty",
        "odd column",
        "header only",
        "date",
        "meta without name",
    ],
)
def test_corrupt_content_is_refused_before_anything_is_written(tmp_path, store, content, match):
    path = _write(tmp_path, "bad.csv", content)
    with pytest.raises(UsageError, match=match):
        imports.import_files([path], store)
    assert store.snapshots() == []


def test_reimporting_the_same_bytes_is_a_no_op(tmp_path, store, caplog):
    (first,) = imports.import_files([_write(tmp_path, "a.csv", PREAMBLE_CSV)], store)
    with caplog.at_level(logging.INFO, logger="helpers.store.imports"):
        again = imports.import_files([_write(tmp_path, "renamed.csv", PREAMBLE_CSV)], store)
    assert [s.id for s in again] == [first.id]
    assert [s.id for s in store.snapshots()] == [first.id]
    assert "already in the store" in caplog.text and first.id in caplog.text


def test_a_changed_file_is_a_new_snapshot(tmp_path, store):
    imports.import_files([_write(tmp_path, "a.csv", PLAIN_CSV)], store)
    changed = PLAIN_CSV.replace(b"29.1", b"29.2")
    (snap,) = imports.import_files([_write(tmp_path, "a.csv", changed)], store)
    assert len(store.snapshots()) == 2
    assert store.latest("IT.NET.USER.ZS").id == snap.id


def test_the_later_of_two_files_with_one_series_wins(tmp_path, store):
    old = _write(tmp_path, "old.csv", PLAIN_CSV)
    new = _write(tmp_path, "new.csv", PLAIN_CSV.replace(b"29.1", b"30.0"))
    first, second = imports.import_files([old, new], store)
    assert second.retrieved_at > first.retrieved_at
    assert store.latest("IT.NET.USER.ZS").id == second.id


def test_no_files_is_a_usage_error(store):
    with pytest.raises(UsageError, match="no files"):
        imports.import_files([], store)


# -- the real files in ../shared/data ------------------------------------------------------------
BULK = {
    # file: (series, Last Updated Date, values, first and last data year), from SOURCES.md
    "API_BX.KLT.DINV.WD.GD.ZS_DS2_en_csv_v2_13.csv": (
        "BX.KLT.DINV.WD.GD.ZS",
        "2026-04-08",
        11_800,
        (1970, 2024),
    ),
    "API_IT.CEL.SETS.P2_DS2_en_csv_v2_4903391.csv": (
        "IT.CEL.SETS.P2",
        "2023-03-01",
        12_400,
        (1960, 2021),
    ),
    "API_IT.NET.BBND.P2_DS2_en_csv_v2_43250.csv": (
        "IT.NET.BBND.P2",
        "2019-07-10",
        3_717,
        (1998, 2017),
    ),
    "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv": ("IT.NET.USER.ZS", None, 8_320, (1960, 2023)),
    "API_TX.VAL.TECH.MF.ZS_DS2_en_csv_v2_4771883.csv": (
        "TX.VAL.TECH.MF.ZS",
        "2022-12-22",
        2_601,
        (2007, 2021),
    ),
}


def _value(tidy: pd.DataFrame, economy: str, year: int) -> float:
    (value,) = tidy.loc[(tidy["economy"] == economy) & (tidy["year"] == year), "value"]
    return value


@pytest.mark.shared
@pytest.mark.parametrize("name", sorted(BULK))
def test_real_bulk_csv_round_trip(shared_data, store, name):
    series, updated, values, (start, end) = BULK[name]
    path = shared_data / "worldbank" / "bulk_csv" / name
    (snap,) = imports.import_files([path], store)
    assert sha256(snap.read(name)) == sha256(path.read_bytes())
    assert snap.series == [series]
    assert snap.meta["source_last_updated"] == updated
    assert snap.meta["rows"] == values
    assert (snap.meta["query"]["start_year"], snap.meta["query"]["end_year"]) == (start, end)
    tidy = wb_bulk.parse_wb_bulk(snap)
    assert len(tidy) == values
    assert tidy["economy"].nunique() > 200
    schema.validate(tidy)  # percentages in 0-100, no duplicate keys, years in range


@pytest.mark.shared
def test_real_values_match_the_files(shared_data, store):
    bulk = shared_data / "worldbank" / "bulk_csv"
    internet, fdi = imports.import_files(
        [
            bulk / "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv",
            bulk / "API_BX.KLT.DINV.WD.GD.ZS_DS2_en_csv_v2_13.csv",
        ],
        store,
    )
    # Values read by eye from the CSV rows of Kenya, Norway and Ireland.
    tidy = wb_bulk.parse_wb_bulk(internet)
    assert _value(tidy, "KEN", 2022) == 40.8137
    assert _value(tidy, "NOR", 2023) == 99.0
    assert tidy.loc[(tidy["economy"] == "KEN") & (tidy["year"] == 2023)].empty  # empty cell
    assert internet.vintage.startswith("imported ")  # the preamble was stripped by its host
    tidy = wb_bulk.parse_wb_bulk(fdi)
    assert _value(tidy, "KEN", 2020) == pytest.approx(-0.00536845439351621, rel=1e-12)
    assert _value(tidy, "IRL", 2015) == pytest.approx(74.8169261487244, rel=1e-12)
    assert set(tidy.loc[tidy["economy"] == "KEN", "economy_name"]) == {"Kenya"}
    assert fdi.vintage.startswith("updated 2026-04-08, imported ")


@pytest.mark.shared
def test_real_2013_wdi_trade_file(shared_data, store):
    path = shared_data / "worldbank" / "wdi_2013_trade" / "TX.VAL.MRCH.R6.ZS_WDI.csv"
    (snap,) = imports.import_files([path], store)
    assert snap.series == ["TX.VAL.MRCH.R6.ZS"] and snap.meta["rows"] == 7_810
    assert snap.meta["source_last_updated"] is None
    assert (snap.meta["query"]["start_year"], snap.meta["query"]["end_year"]) == (1960, 2011)
    tidy = wb_bulk.parse_wb_bulk(snap)
    assert _value(tidy, "ZAF", 2011) == pytest.approx(14.5569153836637, rel=1e-12)
    assert _value(tidy, "CIV", 2010) == pytest.approx(28.026529483992, rel=1e-12)
    assert set(tidy["unit"]) == {"% of total merchandise exports"}


@pytest.mark.shared
def test_real_2013_file_uses_todays_codes_and_keeps_old_groups_out_of_countries(shared_data, store):
    """Older WDI files use retired codes (ROM, ZAR, KSV, TMP, WBG) and retired aggregates
    (NOC, OEC): Romania is found under ROU, and no group total lands among the countries."""
    path = shared_data / "worldbank" / "wdi_2013_trade" / "TX.VAL.MRCH.R1.ZS_WDI.csv"
    meta = shared_data / "worldbank" / "bulk_csv"
    data_snap, *_ = imports.import_files([path, *meta.glob("Metadata_Country_*.csv")], store)
    # The renaming is recorded in the snapshot's provenance: of the retired codes, only
    # Romania's rows hold values in this file (ZAR, KSV, TMP and WBG rows are empty).
    assert data_snap.meta["extra"]["economy_codes_renamed"] == {"ROM": "ROU"}
    countries = tidy.load("TX.VAL.MRCH.R1.ZS", store=store, missing="ignore")
    assert not {"ROM", "ZAR", "KSV", "TMP", "WBG", "NOC", "OEC"} & set(countries["economy"])
    romania = countries[countries["economy"] == "ROU"]
    assert romania["economy_name"].unique().tolist() == ["Romania"] and len(romania) > 10
    assert romania.duplicated(["year"]).sum() == 0
    groups = tidy.load("TX.VAL.MRCH.R1.ZS", store=store, aggregates=True, missing="ignore")
    assert {"NOC", "OEC"} <= set(groups["economy"])


@pytest.mark.shared
def test_real_2013_file_outside_the_catalogue_is_refused(shared_data, store):
    trade = shared_data / "worldbank" / "wdi_2013_trade"
    with pytest.raises(UsageError, match=r"TM\.VAL\.MRCH\.R6\.ZS is not in the series catalogue"):
        imports.import_files(
            [trade / "TX.VAL.MRCH.R6.ZS_WDI.csv", trade / "TM.VAL.MRCH.R6.ZS_WDI.csv"], store
        )
    assert store.snapshots() == []


@pytest.mark.shared
def test_real_country_metadata(shared_data, store):
    name = "Metadata_Country_API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
    path = shared_data / "worldbank" / "bulk_csv" / name
    (snap,) = imports.import_files([path], store)
    assert sha256(snap.read(name)) == sha256(path.read_bytes())
    assert (snap.format, snap.series, snap.meta["rows"]) == ("wb-country-meta-csv", [], 265)
    ref = wb_bulk.parse_wb_country_meta(snap).set_index("economy")
    assert list(ref.columns) == ["economy_name", "region", "income_group", "is_aggregate"]
    assert ref["is_aggregate"].sum() == 48
    assert ref.loc["CIV", "economy_name"] == "Côte d'Ivoire"  # the bulk CSVs say "Cote d'Ivoire"
    assert ref.loc["KEN"].tolist() == ["Kenya", "Sub-Saharan Africa", "Lower middle income", False]
    assert ref.loc["WLD", "is_aggregate"] and ref.loc["WLD", "region"] is None
    # Venezuela has a region but no income group: a country, not an aggregate.
    assert ref.loc["VEN", "income_group"] is None and not ref.loc["VEN", "is_aggregate"]


@pytest.mark.shared
def test_real_file_under_a_misleading_name_is_recognised(shared_data, store, tmp_path):
    real = shared_data / "worldbank" / "bulk_csv" / "API_BX.KLT.DINV.WD.GD.ZS_DS2_en_csv_v2_13.csv"
    disguised = tmp_path / "data.txt"
    shutil.copyfile(real, disguised)
    det = importers.detect(disguised)
    assert (det.kind, det.indicators, det.last_updated) == (
        "wb-bulk-csv",
        ("BX.KLT.DINV.WD.GD.ZS",),
        "2026-04-08",
    )
    (snap,) = imports.import_files([disguised], store)
    assert [f.name for f in snap.files()] == ["data.txt"]
    assert snap.read("data.txt") == real.read_bytes()


@pytest.mark.shared
@pytest.mark.parametrize("case", ["random csv", "empty", "binary", "missing", "directory"])
def test_real_file_with_a_bad_one_writes_nothing(shared_data, store, tmp_path, case):
    real = shared_data / "worldbank" / "bulk_csv" / "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv"
    bad, _ = _bad_path(tmp_path, case)
    with pytest.raises(UsageError, match="Nothing was imported") as exc:
        imports.import_files([real, bad], store)
    assert str(bad) in str(exc.value)
    assert store.snapshots() == []


@pytest.mark.shared
def test_real_reimport_is_a_no_op(shared_data, store):
    path = shared_data / "worldbank" / "bulk_csv" / "API_IT.NET.BBND.P2_DS2_en_csv_v2_43250.csv"
    (first,) = imports.import_files([path], store)
    (again,) = imports.import_files([path], store)
    assert again.id == first.id and len(store.snapshots()) == 1


# -- OECD SDMX-CSV (parsed by helpers.oecd) ----------------------------------------------------
DAC1 = SHARED_DATA / "oecd" / "dac1_sdmx_csv"


@pytest.fixture(scope="module")
def dac1_gz(tmp_path_factory):
    """The 30 MB DAC1 file, imported and parsed once for the module."""
    if not DAC1.is_dir():
        pytest.skip(f"real data not found at {DAC1}")

    store = Store(tmp_path_factory.mktemp("dac1") / "data")
    (snap,) = imports.import_files([DAC1 / "DAC1_2018_2020.sdmx.csv.gz"], store)
    return snap, sdmx_csv.parse(snap)


@pytest.mark.shared
def test_real_dac1_gz_import(dac1_gz):
    snap, _ = dac1_gz
    path = DAC1 / "DAC1_2018_2020.sdmx.csv.gz"
    assert snap.read(path.name) == path.read_bytes()
    assert snap.meta["files"][0]["sha256"] == (
        "c7bced17e0d7cdd054ca95bc18bfed6800db2d1b3c05f7d90cbd75256385ab70"
    )
    assert (snap.source, snap.format, snap.meta["kind"]) == ("oecd", "sdmx-csv", "import")
    assert snap.meta["rows"] == 113_716
    assert snap.meta["query"] == {
        "file": str(path),
        "economies": "all",
        "start_year": 2018,
        "end_year": 2020,
        "dataflow": "dac1",
    }
    assert snap.meta["dataflow_version"] == "1.6"
    assert snap.meta["source_last_updated"] is None
    assert set(snap.series) <= set(catalogue.load().ids("oecd"))
    assert "DAC1.ODA.GNI.GE" in snap.series and "DAC1.ODA.NET.CURRENT" in snap.series
    source = catalogue.load().sources["oecd"]
    assert snap.meta["licence"] == source["licence"]


@pytest.mark.shared
def test_real_dac1_values(dac1_gz):
    _, tidy = dac1_gz
    gni = tidy[(tidy["series"] == "DAC1.ODA.GNI.GE") & (tidy["economy"] == "NOR")]
    assert gni.set_index("year")["value"].to_dict() == {2018: 0.94, 2019: 1.03, 2020: 1.11}
    assert set(tidy["series"]) == set(dac1_gz[0].series)


@pytest.mark.shared
def test_real_dac1_first200_plain_and_disguised(shared_data, store, tmp_path):

    plain = DAC1 / "DAC1_2018_2020.first200.sdmx.csv"
    disguised = tmp_path / "export.dat"
    shutil.copyfile(plain, disguised)
    assert importers.detect(plain).dataflow == importers.detect(disguised).dataflow == "dac1"
    (snap,) = imports.import_files([plain], store)
    assert snap.read(plain.name) == plain.read_bytes()
    assert snap.meta["rows"] == 200
    assert snap.meta["query"]["dataflow"] == "dac1"
    assert snap.series == sdmx_csv.series_in(plain.read_bytes(), "dac1")
    tidy = sdmx_csv.parse(snap)
    assert set(tidy["economy"]) == {"4EU001"}  # the first 200 rows are all EU Institutions
    # Re-importing the same bytes under another name stores nothing new.
    (again,) = imports.import_files([disguised], store)
    assert again.id == snap.id and len(store.snapshots()) == 1


def test_sdmx_snapshot_records_its_dataflow_for_the_oecd_parser(tmp_path, store):
    header = (
        "STRUCTURE,STRUCTURE_ID,STRUCTURE_NAME,ACTION,DONOR,Donor,SECTOR,Sector,MEASURE,Measure,"
        "TYING_STATUS,Tying status,FLOW_TYPE,Flow type,UNIT_MEASURE,Unit of measure,PRICE_BASE,"
        "Price base,TIME_PERIOD,Time period,OBS_VALUE,Observation value,UNIT_MULT,Unit multiplier"
    )
    row = (
        "DATAFLOW,OECD.DCD.FSD:DSD_DAC1@DF_DAC1(1.7),DAC1,I,NOR,Norway,_Z,Not applicable,11002,"
        "ODA/GNI,_Z,Not applicable,1160,Grant equivalents,PT_B5G,Percentage of GNI,V,"
        "Current prices,{year},,{value},,0,Units"
    )
    text = "\n".join([header, row.format(year=2019, value=1.03), row.format(year=2020, value="")])
    path = _write(tmp_path, "dac1.csv.gz", gzip.compress(text.encode() + b"\n", mtime=0))
    assert importers.detect(path).kind == "sdmx-csv"
    (snap,) = imports.import_files([path], store)
    assert snap.series == ["DAC1.ODA.GNI.GE"]
    query = json.loads((snap.path / "metadata.json").read_text())["query"]
    assert (query["dataflow"], query["start_year"], query["end_year"]) == ("dac1", 2019, 2019)
    assert snap.meta["rows"] == 1 and snap.meta["dataflow_version"] == "1.7"


def test_sdmx_file_without_catalogue_series_is_refused(tmp_path, store):
    header = (
        "STRUCTURE,STRUCTURE_ID,ACTION,DONOR,SECTOR,MEASURE,TYING_STATUS,FLOW_TYPE,UNIT_MEASURE,"
        "PRICE_BASE,TIME_PERIOD,OBS_VALUE"
    )
    row = "DATAFLOW,OECD.DCD.FSD:DSD_DAC1@DF_DAC1(1.6),I,NOR,_Z,5,_Z,1140,USD,V,2019,12.5"
    path = _write(tmp_path, "dac1_other.csv", f"{header}\n{row}\n".encode())
    with pytest.raises(UsageError, match="none of the catalogue's series"):
        imports.import_files([path], store)
    assert store.snapshots() == []


def test_a_cut_short_sdmx_download_is_refused(tmp_path, store):
    header = (
        b"STRUCTURE,STRUCTURE_ID,ACTION,DONOR,SECTOR,MEASURE,TYING_STATUS,FLOW_TYPE,UNIT_MEASURE,"
        b"PRICE_BASE,TIME_PERIOD,OBS_VALUE\n"
    )
    row = b"DATAFLOW,OECD.DCD.FSD:DSD_DAC1@DF_DAC1(1.6),I,NOR,_Z,11002,_Z,1160,PT_B5G,V,2019,1.03\n"
    cut_gzip = gzip.compress(header + row * 200)[:-40]
    cut_plain = header + row + row[:50]
    paths = [_write(tmp_path, "a.csv.gz", cut_gzip), _write(tmp_path, "b.csv", cut_plain)]
    with pytest.raises(UsageError, match="2 files cannot be imported") as exc:
        imports.import_files(paths, store)
    assert "gzip" in str(exc.value) and "cut short" in str(exc.value)
    assert store.snapshots() == []


def test_a_symlink_is_stored_under_the_name_it_was_given(tmp_path, store):
    target = _write(tmp_path, "API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv", PLAIN_CSV)
    link = tmp_path / "internet.csv"
    link.symlink_to(target)
    (snap,) = imports.import_files([link], store)
    assert [f.name for f in snap.files()] == ["internet.csv"]
    assert snap.meta["query"]["file"] == str(link)


def test_reimporting_the_original_replaces_an_edited_snapshot(tmp_path, store):
    path = _write(tmp_path, "a.csv", PLAIN_CSV)
    (first,) = imports.import_files([path], store)
    payload = next(p for p in first.path.iterdir() if p.name != "metadata.json")
    payload.write_bytes(payload.read_bytes().replace(b"23.5", b"93.5"))
    assert first.changed()
    (again,) = imports.import_files([path], store)
    assert again.id != first.id and not again.changed()
