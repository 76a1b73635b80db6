"""The UN SDG source's readers: slice selection, values, pages, DDF files, the 400 message."""

import json
from dataclasses import replace

import pandas as pd
import pytest

from helpers import catalogue
from helpers.errors import CatalogueError, UsageError
from helpers.sources.unsdg import api, ddf, slices

BBND = catalogue.get("IT_NET_BBND")  # select {"Type of speed": ANYS, Units: PER_100_POP}
FTA = catalogue.get("DC_FTA_TOTAL")  # no select


def _long(rows: list[dict]) -> pd.DataFrame:
    base = {"area": "404", "area_name": "Kenya", "year": 2018, "code": "DC_FTA_TOTAL"}
    return slices.typed(pd.DataFrame([base | r for r in rows]))


def test_select_matches_names_and_values_ignoring_case_and_underscores():
    long = _long(
        [
            {"code": "IT_NET_BBP", "value": "0.4", "type_of_speed": "anys", "units": "per_100_pop"},
            {
                "code": "IT_NET_BBP",
                "value": "0.1",
                "type_of_speed": "10mbps",
                "units": "per_100_pop",
            },
        ]
    )
    rows, _ = slices.tidy_rows(long, [BBND], {"IT_NET_BBND": "v"}, "snap")
    assert rows[["economy", "year", "series", "value"]].values.tolist() == [
        ["KEN", 2018, "IT_NET_BBND", 0.4]  # the former code maps to the catalogue id
    ]


def test_reporting_type_keeps_the_global_figures():
    long = _long(
        [
            {"value": "5", "Reporting Type": "G", "Nature": "C"},
            {"value": "6", "Reporting Type": "N", "Nature": "N"},
        ]
    )
    rows, _ = slices.tidy_rows(long, [FTA], {}, "s")
    assert rows["value"].tolist() == [5.0]


def test_a_dimension_left_open_is_a_catalogue_error_naming_series_and_dimension():
    long = _long(
        [
            {"value": "5", "Reporting Type": "G", "Sex": "MALE"},
            {"value": "6", "Reporting Type": "G", "Sex": "FEMALE"},
        ]
    )
    with pytest.raises(CatalogueError, match=r"DC_FTA_TOTAL.*`select` for 'Sex'.*FEMALE, MALE"):
        slices.tidy_rows(long, [FTA], {}, "s")


def test_a_select_naming_a_missing_dimension_is_a_catalogue_error():
    s = replace(FTA, select={"Type of product": "ALP"})
    with pytest.raises(CatalogueError, match="no dimension or attribute 'Type of product'"):
        slices.select_slice(_long([{"value": "1", "Nature": "C"}]), s)


def test_values_that_are_not_numbers_are_left_out_and_counted():
    long = _long(
        [
            {"year": 2016, "value": "NaN"},
            {"year": 2017, "value": ">95"},
            {"year": 2018, "value": "12.5"},
        ]
    )
    rows, skipped = slices.tidy_rows(long, [FTA], {}, "s")
    assert rows["value"].tolist() == [12.5] and skipped == {"DC_FTA_TOTAL": 2}


def test_rows_carry_unit_source_vintage_and_m49_economies():
    long = _long(
        [{"area": "199", "area_name": "LDCs", "value": "1"}, {"area": "412", "value": "2"}]
    )
    rows, _ = slices.tidy_rows(long, [FTA], {"DC_FTA_TOTAL": "UN release X"}, "snap-1")
    assert rows["economy"].tolist() == ["LDC", "XKX"]
    assert set(rows["unit"]) == {FTA.unit} and set(rows["source"]) == {"unsdg"}
    assert set(rows["vintage"]) == {"UN release X"} and set(rows["snapshot_id"]) == {"snap-1"}


def _page(data: list[dict], total_pages: int = 1) -> bytes:
    return json.dumps(
        {"size": 25, "totalElements": len(data), "totalPages": total_pages, "pageNumber": 1,
         "data": data}
    ).encode()  # fmt: skip


def test_a_page_keeps_dimensions_and_attributes_as_columns():
    obs = {
        "series": "IT_NET_BBP", "geoAreaCode": "404", "geoAreaName": "Kenya",
        "timePeriodStart": 2017.0, "value": "0.23",
        "attributes": {"Nature": "NOTSPEC", "Units": "PER_100_POP"},
        "dimensions": {"Reporting Type": "G", "Type of speed": "ANYS"},
    }  # fmt: skip
    long = slices.long_from_pages([_page([obs])])
    assert long.loc[0, "Type of speed"] == "ANYS" and long.loc[0, "year"] == 2017
    assert long.loc[0, "Units"] == "PER_100_POP"


@pytest.mark.parametrize(
    "body", [b"<html>down</html>", b'{"data": [', b'{"message": "x"}', b'{"data": []}']
)
def test_a_body_that_is_not_a_data_page_is_a_format_error(body):
    with pytest.raises(slices.FormatError):
        slices.read_page(body)


def test_the_real_sample_page_reads(shared_data):
    sample = shared_data / "api-samples" / "unsdg" / "series_data_IT_NET_BBP_dimensions.json"
    content = sample.read_bytes()
    rows, _ = slices.tidy_rows(slices.long_from_pages([content]), [BBND], {}, "s")
    # Kenya, any speed, 2017 and 2018 (the other speeds are left out by the select).
    assert rows[["economy", "year"]].values.tolist() == [["KEN", 2017], ["KEN", 2018]]


# -- DDF -------------------------------------------------------------------------------
def test_ddf_headers_are_recognised_by_their_layout():
    assert ddf.sniff(["geo_area", "nature", "units", "year", "dc_fta_total"]) == "DC_FTA_TOTAL"
    assert ddf.sniff(["geo_area", "name"]) is None
    assert ddf.sniff(["Country Name", "Country Code", "year", "x"]) is None


def test_a_ddf_file_of_an_uncatalogued_series_is_a_usage_error_naming_it():
    with pytest.raises(UsageError, match="series SH_XYZ, which is not in the catalogue"):
        ddf.catalogue_series("sh_xyz", "f.csv")
    assert ddf.catalogue_series("it_net_bbp", "f.csv").id == "IT_NET_BBND"


def test_ddf_codes_are_upper_cased_like_the_api():
    data = (
        b"geo_area,nature,type_of_speed,units,year,it_net_bbp\n"
        b"404,notspec,anys,per_100_pop,2018,0.6\n"
    )
    long = ddf.read_long(data, "f.csv")
    assert long.loc[0, "type_of_speed"] == "ANYS" and long.loc[0, "code"] == "IT_NET_BBP"


def test_the_release_comes_from_the_readme(tmp_path):
    (tmp_path / "README.md").write_text(
        "# UN SDG Global Database extract (2020 release)\nCopied from "
        "open-numbers/ddf--unstats--sdg_indicators (commit 1b), which was generated on 2020-10-19"
    )
    assert ddf.release_of(tmp_path) == (
        "2020 (open-numbers ddf--unstats--sdg_indicators, generated 2020-10-19)"
    )
    assert ddf.release_of(tmp_path / "nowhere") == ""


# -- the API's answers -----------------------------------------------------------------
class _Resp:
    def __init__(self, body: bytes):
        self.content = body

    def json(self):
        return json.loads(self.content)


def test_a_400_naming_the_series_names_it_and_the_url():
    resp = _Resp(b'{"status":400,"message":"Invalid series code(s): NO_SUCH"}')
    url = "http://x/Data?seriesCode=NO_SUCH"
    exc = api._refused(resp, url, ["DC_FTA_TOTAL", "NO_SUCH"], None, {})
    assert "does not know series NO_SUCH" in str(exc) and "http://x/Data" in str(exc)
    assert "DC_FTA_TOTAL" not in str(exc)


def test_a_400_with_another_body_names_every_code_asked_for():
    exc = api._refused(_Resp(b"Bad Request"), "u", ["A_B", "C_D"], ["404"], {"A_B": "A_B"})
    assert "A_B" in str(exc) and "C_D" in str(exc) and "404" in str(exc)


def test_a_series_missing_from_the_series_list_is_a_usage_error_with_the_url():
    listed = {"DC_FTA_TOTAL": "2022.Q1.G.03", "IT_NET_BBP": "2020.Q2.G.01"}
    codes, releases = api._resolve_codes([FTA, BBND], listed, "u")
    assert codes == {"DC_FTA_TOTAL": "DC_FTA_TOTAL", "IT_NET_BBND": "IT_NET_BBP"}
    assert releases["IT_NET_BBND"] == "2020.Q2.G.01"
    with pytest.raises(UsageError, match=r"DC_ODA_LDCG.*series list \(http://list\)"):
        api._resolve_codes([catalogue.get("DC_ODA_LDCG")], listed, "http://list")
