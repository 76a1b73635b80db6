"""`sdg17 fetch` of UN SDG series from a stand-in API serving the real 2020-release figures."""

from __future__ import annotations

import json
import time

import pandas as pd
import pytest

from helpers import cli, tidy
from helpers.errors import UsageError
from helpers.sources.unsdg import api
from helpers.store import Store, fetch
from tests.fakes.unsdg_api import RELEASE, UnSdgStandIn, default_frame

FTA_FILE = "ddf--datapoints--dc_fta_total--by--geo_area--nature--units--year.csv"
BBP_FILE = "ddf--datapoints--it_net_bbp--by--geo_area--nature--type_of_speed--units--year.csv"
EXP_FILE = "ddf--datapoints--tx_exp_gbmrch--by--geo_area--nature--units--year.csv"


def _ddf(root, file: str, area: str, **where) -> pd.Series:
    """Values of one area straight from a DDF file (year -> value), independent of our reader."""
    frame = pd.read_csv(root / "un_sdg" / file, dtype={"geo_area": str})
    frame = frame[frame["geo_area"] == area]
    for col, val in where.items():
        frame = frame[frame[col] == val]
    return frame.set_index("year")[frame.columns[-1]].astype(float).sort_index()


def _loaded(series: str, economy: str, aggregates: bool = False) -> pd.Series:
    rows = tidy.load(series, economies=[economy], aggregates=aggregates)
    return rows.set_index("year")["value"].sort_index()


@pytest.fixture
def un(shared_data, monkeypatch):
    with UnSdgStandIn(default_frame(shared_data / "un_sdg")) as standin:
        monkeypatch.setenv("SDG17_UNSDG_API_URL", standin.url)
        yield standin


def test_fetched_values_are_the_real_figures_across_pages(un, shared_data, monkeypatch):
    monkeypatch.setenv("SDG17_UNSDG_PAGE_SIZE", "3")
    report = fetch.run_fetch(["DC_FTA_TOTAL"], economies=["KEN"], start=2010, end=2018)
    assert report.ok and list(report.stored) == ["DC_FTA_TOTAL"]
    expected = _ddf(shared_data, FTA_FILE, "404").loc[2010:2018]
    got = _loaded("DC_FTA_TOTAL", "KEN")
    pd.testing.assert_series_equal(got, expected, check_names=False, check_index_type=False)
    assert got.loc[2015] == pytest.approx(421.63457)  # Kenya, technical cooperation, 2015
    pages = un.data_requests()
    assert [p.values("page") for p in pages] == [[str(i)] for i in range(1, len(pages) + 1)]
    assert len(pages) == -(-len(expected) // 3)
    assert all(p.values("pageSize") == ["3"] for p in pages)
    assert report.requests == len(pages) + 1  # and the series list


def test_several_series_and_areas_go_in_one_request(un, shared_data):
    wanted = ["DC_FTA_TOTAL", "IT_NET_BBND", "TX_EXP_GBMRCH"]
    report = fetch.run_fetch(wanted, economies=["KEN", "BGD", "LDC"])
    assert report.ok and sorted(report.stored) == sorted(wanted)
    (data,) = un.data_requests()
    assert sorted(data.values("seriesCode")) == sorted(wanted)
    assert sorted(data.values("areaCode"), key=int) == ["50", "199", "404"]
    # The LDCs' share of world merchandise exports, an aggregate row.
    ldc = _loaded("TX_EXP_GBMRCH", "LDC", aggregates=True)
    pd.testing.assert_series_equal(
        ldc, _ddf(shared_data, EXP_FILE, "199"), check_names=False, check_index_type=False
    )
    # Broadband: the any-speed slice only (the file also holds three speed bands).
    bbnd = _loaded("IT_NET_BBND", "BGD")
    expected = _ddf(shared_data, BBP_FILE, "50", type_of_speed="anys")
    pd.testing.assert_series_equal(bbnd, expected, check_names=False, check_index_type=False)


def test_the_release_and_retrieval_are_recorded_and_the_raw_pages_kept(un):
    fetch.run_fetch(["IT_NET_BBND", "DC_FTA_TOTAL"], economies=["KEN"])
    (snap,) = Store().snapshots("unsdg")
    assert snap.meta["extra"]["releases"] == {"IT_NET_BBND": RELEASE, "DC_FTA_TOTAL": RELEASE}
    assert snap.meta["source_last_updated"] == f"release {RELEASE}"
    day = snap.meta["retrieved_at"][:10]
    assert snap.vintage == f"UN SDG Global Database release {RELEASE}, retrieved {day}"
    names = [f.name for f in snap.files()]
    assert api.LIST_PAYLOAD in names
    page = json.loads(snap.read(next(n for n in names if n.startswith("data-"))))
    assert {"Type of speed", "Reporting Type"} <= {
        k for row in page["data"] for k in row["dimensions"]
    }
    rows = tidy.load(["IT_NET_BBND", "DC_FTA_TOTAL"], economies=["KEN"])
    assert set(rows["vintage"]) == {f"UN SDG Global Database release {RELEASE}, retrieved {day}"}


def test_a_series_the_un_does_not_list_exits_2_and_writes_nothing(shared_data, monkeypatch, capsys):
    frame = default_frame(shared_data / "un_sdg")
    with UnSdgStandIn(frame, unlisted=("DC_ODA_LDCG",)) as standin:
        monkeypatch.setenv("SDG17_UNSDG_API_URL", standin.url)
        code = cli.main(["fetch", "--quiet", "--series", "DC_ODA_LDCG", "DC_FTA_TOTAL"])
    err = capsys.readouterr().err
    assert code == 2
    assert "DC_ODA_LDCG" in err and "/v1/sdg/Series/List" in err
    assert not standin.data_requests() and Store().snapshots() == []


@pytest.mark.parametrize(
    ("body", "named"),
    [
        (b'{"status":400,"message":"Invalid series code(s): DC_FTA_TOTAL"}', "does not know"),
        (b"<html>Bad Request</html>", "one of these codes is not known"),
    ],
)
def test_a_400_for_the_data_exits_2_naming_the_series_and_writes_nothing(un, capsys, body, named):
    un.fail("Series/Data", "body", status=400, body=body)
    code = cli.main(["fetch", "--quiet", "--series", "DC_FTA_TOTAL", "IT.NET.USER.ZS"])
    err = capsys.readouterr().err
    assert code == 2 and named in err and "DC_FTA_TOTAL" in err and "Series/Data" in err
    assert Store().snapshots() == []


@pytest.mark.parametrize(
    ("kind", "kw"),
    [
        ("status", {"status": 500}),
        ("status", {"status": 503}),
        ("status", {"status": 429, "retry_after": "0"}),
        ("html", {}),
        ("truncated", {}),
    ],
)
def test_faults_are_retried(un, shared_data, kind, kw):
    un.fail("Series/Data", kind, times=2, **kw)
    report = fetch.run_fetch(["DC_FTA_TOTAL"], economies=["KEN"])
    assert report.ok, report.failures
    assert len(un.data_requests()) == 3  # two faults, then the answer
    pd.testing.assert_series_equal(
        _loaded("DC_FTA_TOTAL", "KEN"),
        _ddf(shared_data, FTA_FILE, "404"),
        check_names=False,
        check_index_type=False,
    )


def test_a_hanging_api_fails_the_un_series_by_its_time_outs(un, monkeypatch):
    un.fail(".", "hang", times=100, seconds=60)
    monkeypatch.setenv("SDG17_HTTP_TIMEOUT", "0.3")
    report = fetch.run_fetch(["DC_FTA_TOTAL"], economies=["KEN"])
    assert "timed out" in report.failures["DC_FTA_TOTAL"]
    assert len(un.requests) == 2  # the series list, tried twice, then the source is left alone
    assert Store().snapshots() == []


def test_a_retry_after_is_honoured(un, caplog):
    un.fail("Series/List", "status", status=429, retry_after="1")
    began = time.monotonic()
    assert fetch.run_fetch(["DC_FTA_TOTAL"], economies=["KEN"]).ok
    assert time.monotonic() - began >= 1  # the backoff in the tests is 0.01 s
    assert "HTTP 429; retry 1/3 in 1.0s" in caplog.text


def test_an_empty_result_is_a_note_not_a_failure(un, capsys):
    code = cli.main(["fetch", "--quiet", "--series", "DC_FTA_TOTAL", "--start-year", "1961",
                     "--end-year", "1965"])  # fmt: skip
    out = capsys.readouterr().out
    assert code == 0 and "note: DC_FTA_TOTAL" in out and "no observations" in out
    assert Store().snapshots() == []


def test_an_area_with_no_m49_code_is_a_usage_error(un):
    with pytest.raises(UsageError, match="M49_X"):
        fetch.run_fetch(["DC_FTA_TOTAL"], economies=["M49_X"])
    with pytest.raises(UsageError, match="SSF"):
        api.fetch([fetch.catalogue.get("DC_FTA_TOTAL")], ["SSF"])
    assert un.requests == [] and Store().snapshots() == []


def test_a_world_bank_region_is_left_out_of_the_un_request_with_a_note(un):
    report = fetch.run_fetch(["DC_FTA_TOTAL"], economies=["SSF"])
    assert "no M49 area for SSF" in report.empty["DC_FTA_TOTAL"] and not un.requests


def test_un_regions_are_fetched_into_the_aggregates_table(un, shared_data):
    assert fetch.run_fetch(["TX_EXP_GBMRCH"], economies=["M49_202", "DEVELOPING"]).ok
    pd.testing.assert_series_equal(
        _loaded("TX_EXP_GBMRCH", "M49_202", aggregates=True),
        _ddf(shared_data, EXP_FILE, "202"),
        check_names=False,
        check_index_type=False,
    )
    assert set(tidy.load("TX_EXP_GBMRCH", aggregates=True)["economy"]) == {"M49_202", "DEVELOPING"}


def test_series_are_batched_by_the_requests_limit(un, monkeypatch):
    monkeypatch.setenv("SDG17_UNSDG_SERIES_PER_REQUEST", "2")
    wanted = ["DC_FTA_TOTAL", "IT_NET_BBND", "TX_EXP_GBMRCH"]
    assert fetch.run_fetch(wanted, economies=["KEN", "LDC"]).ok
    asked = [sorted(r.values("seriesCode")) for r in un.data_requests()]
    assert asked == [["DC_FTA_TOTAL", "IT_NET_BBND"], ["TX_EXP_GBMRCH"]]


def test_an_answer_with_fewer_rows_than_it_announced_fails_the_series(un):
    short = {"size": 5, "totalElements": 9, "totalPages": 1, "pageNumber": 1, "data": []}
    un.fail("Series/Data", "body", body=json.dumps(short).encode())
    report = fetch.run_fetch(["DC_FTA_TOTAL"], economies=["KEN"])
    assert "announced 9 rows" in report.failures["DC_FTA_TOTAL"]
    assert Store().snapshots() == []
