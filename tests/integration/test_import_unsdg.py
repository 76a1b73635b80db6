"""`sdg17 import` of UN SDG series in the open-numbers DDF layout (the real 2020 files)."""

from __future__ import annotations

import shutil

import pandas as pd
import pytest

from helpers import cli, tidy
from helpers.errors import UsageError
from helpers.store import Store, fetch, imports
from tests.fakes.unsdg_api import UnSdgStandIn, default_frame

RELEASE = "2020 (open-numbers ddf--unstats--sdg_indicators, generated 2020-10-19)"
SERIES = ["DC_FTA_TOTAL", "IT_NET_BBND", "TX_EXP_GBMRCH", "TX_IMP_GBMRCH"]


def _files(shared_data) -> list:
    return sorted((shared_data / "un_sdg").glob("ddf--datapoints--*.csv"))


def _values(store: Store, aggregates: bool) -> pd.DataFrame:
    rows = tidy.load(SERIES, aggregates=aggregates, store=store, missing="ignore")
    cols = ["economy", "economy_name", "year", "series", "value", "unit", "source"]
    return rows[cols].sort_values(["series", "economy", "year"], ignore_index=True)


def test_the_real_ddf_files_import_with_their_release(shared_data, capsys):
    assert cli.main(["import", *map(str, _files(shared_data))]) == 0
    snaps = Store().snapshots("unsdg")
    assert sorted(s.series[0] for s in snaps) == SERIES  # it_net_bbp is IT_NET_BBND today
    for snap in snaps:
        assert snap.format == "unsdg-ddf-csv"
        assert snap.meta["extra"]["releases"] == {snap.series[0]: RELEASE}
        assert snap.vintage.startswith(f"UN SDG Global Database release {RELEASE}, imported")
        assert "ddf--entities--geo_area.csv" in [f.name for f in snap.files()]
    kenya = tidy.load("DC_FTA_TOTAL", economies=["KEN"]).set_index("year")
    assert kenya.loc[2015, "value"] == pytest.approx(421.63457)
    assert kenya.loc[2015, "economy_name"] == "Kenya"
    assert kenya.loc[2015, "vintage"].startswith(f"UN SDG Global Database release {RELEASE}")
    ldc = tidy.load("TX_EXP_GBMRCH", economies=["LDC"], aggregates=True).set_index("year")
    assert ldc.loc[2000, "value"] == pytest.approx(0.55918)
    # Broadband: the any-speed slice (the file also holds three speed bands), per 100 people.
    bbnd = tidy.load("IT_NET_BBND", economies=["KEN"])
    assert not bbnd.duplicated(["economy", "year"]).any() and len(bbnd) > 0


def test_importing_gives_the_same_numbers_as_fetching(shared_data, tmp_path, monkeypatch):
    imported, fetched = Store(tmp_path / "imported"), Store(tmp_path / "fetched")
    imports.import_files(_files(shared_data), store=imported)
    with UnSdgStandIn(default_frame(shared_data / "un_sdg")) as un:
        monkeypatch.setenv("SDG17_UNSDG_API_URL", un.url)
        assert fetch.run_fetch(SERIES, store=fetched, progress=False).ok
    for aggregates in (False, True):
        a, b = _values(imported, aggregates), _values(fetched, aggregates)
        assert len(a) > 100
        # Names: the DDF area list and the API's geoAreaName are the same list.
        pd.testing.assert_frame_equal(a, b)


def test_a_ddf_file_of_a_series_the_catalogue_lacks_is_refused_by_name(tmp_path, shared_data):
    path = tmp_path / "ddf--datapoints--sh_xyz_abc--by--geo_area--nature--units--year.csv"
    path.write_text("geo_area,nature,units,year,sh_xyz_abc\n404,c,percent,2018,1.5\n")
    good = _files(shared_data)[0]
    with pytest.raises(UsageError, match="series SH_XYZ_ABC, which is not in the catalogue"):
        imports.import_files([good, path])
    assert Store().snapshots() == []  # all or nothing


def test_a_ddf_file_with_an_open_dimension_is_refused_naming_it(tmp_path):
    path = tmp_path / "ddf--datapoints--tx_exp_gbmrch--by--geo_area--sex--year.csv"
    path.write_text(
        "geo_area,nature,sex,units,year,tx_exp_gbmrch\n"
        "199,ca,female,percent,2018,1.0\n199,ca,male,percent,2018,2.0\n"
    )
    with pytest.raises(UsageError, match=r"TX_EXP_GBMRCH.*`select` for 'sex'"):
        imports.import_files([path])
    assert Store().snapshots() == []


def test_the_area_list_given_as_a_file_says_to_leave_it_out(shared_data, tmp_path):
    copy = tmp_path / "ddf--entities--geo_area.csv"
    shutil.copy(shared_data / "un_sdg" / copy.name, copy)
    with pytest.raises(UsageError, match="DDF area list"):
        imports.import_files([copy])


def test_a_file_without_readme_or_area_list_still_imports_with_iso_names(tmp_path):
    path = tmp_path / "ddf--datapoints--dc_fta_total--by--geo_area--nature--units--year.csv"
    path.write_text("geo_area,nature,units,year,dc_fta_total\n404,c,con_usd,2018,1.5\n"
                    "404,c,con_usd,2019,NaN\n")  # fmt: skip
    (snap,) = imports.import_files([path])
    assert snap.meta["extra"]["skipped_values"] == {"DC_FTA_TOTAL": 1}
    assert "README does not say" in snap.meta["extra"]["releases"]["DC_FTA_TOTAL"]
    rows = tidy.load("DC_FTA_TOTAL")
    assert rows[["economy", "economy_name", "year", "value"]].values.tolist() == [
        ["KEN", "Kenya", 2018, 1.5]
    ]
