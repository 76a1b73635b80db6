"""The OECD source against a stand-in SDMX REST API on 127.0.0.1 (tests/fakes/oecd_api.py)."""

from __future__ import annotations

import gzip
import hashlib
import json
import time

import pandas as pd
import pytest

from helpers import catalogue, paths
from helpers.errors import CatalogueError, FetchError
from helpers.reference import schema
from helpers.sources.http import RateLimiter
from helpers.sources.oecd import api as oecd
from helpers.sources.oecd import sdmx_csv
from tests.fakes.oecd_api import (
    DAC1_COLUMNS,
    DAC2A_COLUMNS,
    OecdStandIn,
    dac1_frame_from_shared,
    structure_xml,
    synthetic_dac1,
    synthetic_dac2a,
    to_sdmx_csv,
)

DAC1 = catalogue.dataflow("dac1")
DAC2A = catalogue.dataflow("dac2a")
OECD_SERIES = [s for s in catalogue.load().series if s.source == "oecd"]
DAC1_SERIES = [s for s in OECD_SERIES if s.dataflow == "dac1"]
DAC2A_SERIES = [s for s in OECD_SERIES if s.dataflow == "dac2a"]
REAL_DAC1 = "oecd/dac1_sdmx_csv/DAC1_2018_2020.sdmx.csv.gz"
SAMPLES = "api-samples/oecd"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(autouse=True)
def _oecd_env(monkeypatch):
    monkeypatch.setenv("SDG17_OECD_RATE_LIMIT", "1000/3600")
    monkeypatch.delenv("SDG17_OECD_DAC1_VERSION", raising=False)
    monkeypatch.delenv("SDG17_OECD_DAC2A_VERSION", raising=False)


def serve(monkeypatch, frames: dict[str, pd.DataFrame] | None = None, **kw) -> OecdStandIn:
    standin = OecdStandIn(frames or {"dac1": synthetic_dac1(), "dac2a": synthetic_dac2a()}, **kw)
    monkeypatch.setenv("SDG17_OECD_API_URL", standin.url)
    return standin


@pytest.fixture
def api(monkeypatch):
    with serve(monkeypatch) as standin:
        yield standin


def value(frame: pd.DataFrame, series: str, economy: str, year: int) -> float:
    row = frame.query("series == @series and economy == @economy and year == @year")
    assert len(row) == 1, f"{series} {economy} {year}: {len(row)} rows"
    return float(row["value"].iloc[0])


# -- versions and keys ---------------------------------------------------------------------
def test_base_url_defaults_to_the_oecd_and_follows_the_environment(monkeypatch):
    monkeypatch.delenv("SDG17_OECD_API_URL", raising=False)
    assert oecd.base_url() == "https://sdmx.oecd.org/public/rest"
    monkeypatch.setenv("SDG17_OECD_API_URL", "http://127.0.0.1:9/public/rest/")
    assert oecd.base_url() == "http://127.0.0.1:9/public/rest"


def test_discover_version_reads_the_dataflow_structure(api):
    api.version = "1.7"
    assert oecd.discover_version(DAC1) == ("1.7", 1)
    assert [r.path for r in api.requests] == ["/dataflow/OECD.DCD.FSD/DSD_DAC1@DF_DAC1/latest"]


def test_a_pinned_version_makes_no_request(api, monkeypatch):
    monkeypatch.setenv("SDG17_OECD_DAC1_VERSION", "1.5")
    assert oecd.discover_version(DAC1) == ("1.5", 0)
    assert api.requests == []


@pytest.mark.parametrize(
    ("kind", "kw", "message"),
    [("status", {"status": 404, "body": b"Could not find Dataflow"}, "HTTP 404"),
     ("html", {}, "not SDMX-ML")],
    ids=["404", "html"],
)  # fmt: skip
def test_discovery_failures_are_errors_naming_the_url(api, kind, kw, message):
    api.fail("/dataflow/", kind, times=99, **kw)
    with pytest.raises(FetchError, match=message) as err:
        oecd.discover_version(DAC2A)
    assert err.value.url.endswith("/dataflow/OECD.DCD.FSD/DSD_DAC2@DF_DAC2A/latest")


def test_genuine_structure_messages_and_the_stand_in_template_give_the_version(shared_data):
    for flow, name in ((DAC1, "DSD_DAC1@DF_DAC1"), (DAC2A, "DSD_DAC2@DF_DAC2A")):
        genuine = (shared_data / SAMPLES / f"dataflow_OECD.DCD.FSD_{name}_v1.6.xml").read_bytes()
        assert oecd._structure_version(genuine, flow) == "1.6"
        assert oecd._structure_version(structure_xml(flow, "2.0"), flow) == "2.0"


def test_key_lists_the_union_of_series_codes_in_dimension_order():
    assert oecd.build_key(DAC1, DAC1_SERIES, None) == (
        "._Z.1+1010+11002+11010._Z.1140+1160.PT_B5G+USD.Q+V"
    )
    assert oecd.build_key(DAC1, DAC1_SERIES[:1], ["NOR", "ARE", "NOR"]) == (
        "ARE+NOR._Z.1010._Z.1140.USD.V"
    )
    assert oecd.build_key(DAC2A, DAC2A_SERIES, ["KEN", "LDC"]) == "ALLD.KEN+LDC.206.USD.Q+V"


def test_key_refuses_series_of_another_dataflow():
    with pytest.raises(CatalogueError, match=r"DAC2A\.ODA\.RECEIVED\.CURRENT"):
        oecd.build_key(DAC1, DAC2A_SERIES[:1], None)


# -- fetching ------------------------------------------------------------------------------
def test_full_fetch_is_one_discovery_and_one_download_per_dataflow(api):
    seen = []
    results, failures = oecd.fetch(OECD_SERIES, on_request=seen.append)

    assert failures == {}
    assert [r.query["dataflow"] for r in results] == ["dac1", "dac2a"]
    assert [(r.kind, r.status) for r in api.requests] == [("dataflow", 200), ("data", 200)] * 2
    assert len(seen) == 4 and all(r.requests == 2 for r in results)
    dac1 = results[0]
    assert dac1.series == [s.id for s in DAC1_SERIES]
    assert (dac1.source, dac1.format, dac1.dataflow_version) == ("oecd", "sdmx-csv", "1.6")
    assert dac1.query == {
        "dataflow": "dac1", "agency": "OECD.DCD.FSD", "flow": "DSD_DAC1@DF_DAC1",
        "key": "._Z.1+1010+11002+11010._Z.1140+1160.PT_B5G+USD.Q+V", "economies": "all",
        "start_year": None, "end_year": None,
    }  # fmt: skip
    assert dac1.extra["api"] == api.url
    assert dac1.extra["structure_id"] == "OECD.DCD.FSD:DSD_DAC1@DF_DAC1(1.6)"
    payload = dac1.payloads[0]
    assert payload.name == "dac1.sdmx.csv" and payload.rows == 240
    assert payload.url == (
        f"{api.url}/data/OECD.DCD.FSD,DSD_DAC1@DF_DAC1,1.6/"
        "._Z.1+1010+11002+11010._Z.1140+1160.PT_B5G+USD.Q+V"
        "?dimensionAtObservation=AllDimensions&format=csvfilewithlabels"
    )


def test_stored_bytes_are_what_the_server_sent(api, store):
    results, _ = oecd.fetch(DAC2A_SERIES, economies=["KEN", "LDC"], start=2018, end=2020)
    sent = api.data_requests()[0]
    assert sent.params["startPeriod"] == "2018" and sent.params["endPeriod"] == "2020"
    assert sha256(results[0].payloads[0].content) == sha256(sent.body)

    snapshot = store.write(results[0])
    snapshot.verify()
    tidy = sdmx_csv.parse(snapshot)
    assert set(tidy["economy"]) == {"KEN", "LDC"}
    assert set(tidy["year"]) == {2018, 2019, 2020}
    assert tidy.loc[tidy["economy"] == "LDC", "economy_name"].iloc[0] == "Least developed countries"
    assert (tidy["snapshot_id"] == snapshot.id).all()
    assert tidy["vintage"].iloc[0].startswith("dataflow v1.6")


@pytest.mark.shared
def test_spot_values_from_the_real_dac1_file(monkeypatch, shared_data):
    frame = dac1_frame_from_shared(shared_data / REAL_DAC1)
    with serve(monkeypatch, {"dac1": frame}) as standin:
        results, failures = oecd.fetch(DAC1_SERIES, start=2019, end=2019)
    assert failures == {} and len(standin.data_requests()) == 1
    tidy = sdmx_csv.parse_sdmx_csv(
        results[0].payloads[0].content, "dac1", vintage="v", snapshot_id="s"
    )

    assert value(tidy, "DAC1.ODA.GNI.GE", "NOR", 2019) == 1.03
    assert value(tidy, "DAC1.ODA.GNI.GE", "ARE", 2019) == 0.55
    assert value(tidy, "DAC1.ODA.GE.CURRENT", "DAC", 2019) == 151827.45
    assert value(tidy, "DAC1.ODA.NET.CURRENT", "DAC", 2019) == 146591.19
    assert tidy.loc[tidy["economy"] == "ARE", "economy_name"].iloc[0] == "United Arab Emirates"


@pytest.mark.shared
def test_the_stand_in_renders_the_real_file_byte_for_byte(shared_data):
    path = shared_data / REAL_DAC1
    assert to_sdmx_csv(dac1_frame_from_shared(path)) == gzip.decompress(path.read_bytes())


@pytest.mark.shared
def test_the_real_gzip_file_parses_as_it_is(shared_data):
    data = (shared_data / REAL_DAC1).read_bytes()
    tidy = sdmx_csv.parse_sdmx_csv(data, "dac1", vintage="v", snapshot_id="s")
    assert value(tidy, "DAC1.ODA.GE.CURRENT", "DAC", 2020) == 162322.53
    assert value(tidy, "DAC1.ODA.GNI.GE", "USA", 2018) == 0.16
    assert tidy.query("series == 'DAC1.ODA.GNI.GE' and economy == 'TUR' and year == 2019").empty
    assert sdmx_csv.series_in(data, "dac1") == [s.id for s in DAC1_SERIES]


@pytest.mark.parametrize(
    ("status", "retry_after"), [(500, None), (503, None), (429, "1")], ids=["500", "503", "429"]
)
def test_transient_errors_are_retried(api, status, retry_after):
    api.fail("/data/", "status", status=status, retry_after=retry_after)
    began = time.monotonic()
    results, failures = oecd.fetch(DAC1_SERIES)
    waited = time.monotonic() - began
    assert failures == {} and results[0].requests == 3
    assert [r.status for r in api.data_requests()] == [status, 200]
    if retry_after:  # the backoff is 0.01 s, so only Retry-After explains a 1 s wait
        assert waited >= 0.95


def test_retries_run_out_with_an_error_naming_series_and_url(api, monkeypatch):
    monkeypatch.setenv("SDG17_HTTP_RETRIES", "2")
    api.fail("/data/", "status", times=5, status=503)
    with pytest.raises(FetchError, match="after 2 attempts: HTTP 503") as err:
        oecd.fetch(DAC1_SERIES)
    assert err.value.series == [s.id for s in DAC1_SERIES]
    assert "/data/OECD.DCD.FSD,DSD_DAC1@DF_DAC1,1.6/" in err.value.url


def test_a_hanging_server_times_out_and_is_retried(api, monkeypatch):
    monkeypatch.setenv("SDG17_HTTP_TIMEOUT", "0.5")
    api.fail("/data/", "hang", seconds=5)
    began = time.monotonic()
    results, _ = oecd.fetch(DAC1_SERIES)
    assert time.monotonic() - began < 3
    assert results[0].series and len(api.data_requests()) == 2


def test_an_html_page_with_status_200_is_an_error(api):
    api.fail("/data/", "html", times=99)
    with pytest.raises(FetchError, match="HTML page") as err:
        oecd.fetch(DAC1_SERIES)
    assert "DAC1.ODA.NET.CURRENT" in str(err.value) and "/data/OECD.DCD.FSD" in err.value.url
    assert len(api.data_requests()) == 4  # retried like a 5xx, then given up


@pytest.mark.parametrize("at", [60, None], ids=["in-header", "mid-row"])
def test_a_truncated_csv_is_an_error(api, at):
    api.fail("/data/", "truncated", times=99, at=at)
    with pytest.raises(FetchError, match=r"lacks|cut short") as err:
        oecd.fetch(DAC1_SERIES)
    assert err.value.series == [s.id for s in DAC1_SERIES] and err.value.url


def test_csv_without_obs_value_is_an_error(api):
    body = to_sdmx_csv(synthetic_dac1().drop(columns=["OBS_VALUE", "Observation value"]))
    api.fail("/data/", "body", times=99, body=body)
    with pytest.raises(FetchError, match="lacks OBS_VALUE"):
        oecd.fetch(DAC1_SERIES)


XML_ERROR = b'<?xml version="1.0"?><error><message>maintenance</message></error>'
MALFORMED = [
    ("html", {}),
    ("truncated", {}),
    ("body", {"body": b""}),
    ("body", {"body": XML_ERROR, "content_type": "application/xml"}),
]
MALFORMED_IDS = ["html", "truncated", "empty", "xml"]


@pytest.mark.parametrize(("kind", "kw"), MALFORMED, ids=MALFORMED_IDS)
def test_a_malformed_200_data_answer_is_retried_like_a_5xx(api, kind, kw):
    api.fail("/data/", kind, **kw)
    results, failures = oecd.fetch(DAC1_SERIES)
    assert failures == {} and results[0].series
    assert [r.status for r in api.data_requests()] == [200, 200]
    assert results[0].requests == len(api.requests) == 3  # structure, bad data, good data


@pytest.mark.parametrize(("kind", "kw"), MALFORMED, ids=MALFORMED_IDS)
def test_a_malformed_200_dataflow_answer_is_retried_like_a_5xx(api, kind, kw):
    api.fail("/dataflow/", kind, **kw)
    results, failures = oecd.fetch(DAC2A_SERIES)
    assert failures == {} and results[0].dataflow_version == "1.6"
    assert [r.kind for r in api.requests] == ["dataflow", "dataflow", "data"]


def test_no_results_is_an_empty_answer_for_every_series_of_the_dataflow(api):
    results, failures = oecd.fetch(OECD_SERIES, economies=["XXX"])
    assert results == []
    assert sorted(failures) == sorted(s.id for s in OECD_SERIES)
    reason = failures["DAC1.ODA.GNI.GE"]
    assert reason.startswith("no observations for DAC1.ODA.GNI.GE")
    assert "XXX._Z.11002._Z.1160.PT_B5G.V" in reason and reason.endswith("(404 NoResultsFound)")
    assert [r.kind for r in api.requests] == ["dataflow", "data"] * 2  # no re-discovery


def test_series_missing_from_an_answer_fail_alone(monkeypatch):
    frame = synthetic_dac1()
    with serve(monkeypatch, {"dac1": frame[frame["MEASURE"] != "1"]}):
        results, failures = oecd.fetch(DAC1_SERIES, start=2016)
    assert list(failures) == ["DAC1.GNI.CURRENT"]
    assert failures["DAC1.GNI.CURRENT"].startswith("no observations for DAC1.GNI.CURRENT")
    assert results[0].series == [s.id for s in DAC1_SERIES if s.id != "DAC1.GNI.CURRENT"]


def test_a_retired_version_is_rediscovered_once(api):
    api.fail("/dataflow/", "stale_version", version="1.5")
    results, failures = oecd.fetch(DAC1_SERIES)
    assert failures == {} and results[0].dataflow_version == "1.6"
    assert [(r.kind, r.status) for r in api.requests] == [
        ("dataflow", 200), ("data", 404), ("dataflow", 200), ("data", 200),
    ]  # fmt: skip
    assert results[0].requests == 4


def test_status_410_also_triggers_rediscovery(api):
    api.fail("/data/", "status", status=410, body=b"Gone")
    results, _ = oecd.fetch(DAC2A_SERIES)
    assert [r.kind for r in api.requests] == ["dataflow", "data", "dataflow", "data"]
    assert results[0].series == [s.id for s in DAC2A_SERIES]


def test_a_pinned_retired_version_is_an_error_naming_the_setting(api, monkeypatch):
    monkeypatch.setenv("SDG17_OECD_DAC1_VERSION", "1.2")
    with pytest.raises(FetchError, match="SDG17_OECD_DAC1_VERSION"):
        oecd.fetch(DAC1_SERIES)
    assert [r.kind for r in api.requests] == ["data"]


# -- rate limit ----------------------------------------------------------------------------
class FakeTime:
    def __init__(self, now: float = 1_000_000.0):
        self.now = now
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_third_download_in_the_hour_waits_and_the_state_persists(api, tmp_path):
    fake = FakeTime()
    state = tmp_path / "rate.json"
    limiter = RateLimiter.parse("2/3600", state, sleep=fake.sleep, clock=fake.clock)
    oecd.fetch(DAC1_SERIES, limiter=limiter)
    fake.now += 60
    oecd.fetch(DAC2A_SERIES, limiter=limiter)
    assert fake.slept == []
    oecd.fetch(DAC1_SERIES, limiter=limiter)
    assert fake.slept == [3540.0]  # until the first download is an hour old

    again = RateLimiter.parse("2/3600", state, sleep=fake.sleep, clock=fake.clock)
    assert again.acquire() == 60.0  # the second download's slot frees a minute later


def test_the_default_limiter_keeps_its_state_in_the_store(api, monkeypatch):
    monkeypatch.setenv("SDG17_OECD_RATE_LIMIT", "2/3600")
    oecd.fetch(OECD_SERIES)
    state = paths.raw_dir() / ".oecd-rate.json"
    assert len(json.loads(state.read_text())) == 2

    fake = FakeTime(time.time())
    assert RateLimiter.parse("2/3600", state, sleep=fake.sleep, clock=fake.clock).acquire() > 3000


# -- files ---------------------------------------------------------------------------------
def test_sniff_recognises_labelled_plain_gzip_and_bom_heads():
    dac1 = to_sdmx_csv(synthetic_dac1())
    assert sdmx_csv.sniff(dac1[:4096]) == "dac1"
    assert sdmx_csv.sniff(to_sdmx_csv(synthetic_dac2a())[:4096]) == "dac2a"
    assert sdmx_csv.sniff(to_sdmx_csv(synthetic_dac1(), labels=False)[:4096]) == "dac1"
    assert sdmx_csv.sniff(gzip.compress(dac1)[:2048]) == "dac1"
    assert sdmx_csv.sniff(b"\xef\xbb\xbf" + dac1[:4096]) == "dac1"


@pytest.mark.shared
def test_sniff_recognises_the_real_files(shared_data):
    assert sdmx_csv.sniff((shared_data / REAL_DAC1).read_bytes()[:4096]) == "dac1"
    sample = shared_data / "oecd/dac1_sdmx_csv/DAC1_2018_2020.first200.sdmx.csv"
    assert sdmx_csv.sniff(sample.read_bytes()[:4096]) == "dac1"


@pytest.mark.parametrize(
    "head",
    [
        b'"Country Name","Country Code","Indicator Name","Indicator Code","1960","1961"\n'
        b'"Kenya","KEN","Population, total","SP.POP.TOTL","8105440","8361441"\n',
        b"STRUCTURE,STRUCTURE_ID,ACTION,REF_AREA,TIME_PERIOD,OBS_VALUE\n"
        b"DATAFLOW,OECD.SDD.NAD:DSD_NAMAIN1@DF_QNA(1.0),I,KEN,2020,1.5\n",
        b"just some notes\nabout aid\n",
        b"\x1f\x8b\x08\x00garbage",
        bytes(range(256)),
        b"",
    ],
    ids=["world-bank-csv", "other-dataflow", "text", "bad-gzip", "binary", "empty"],
)
def test_sniff_says_none_for_anything_else(head):
    assert sdmx_csv.sniff(head) is None


def test_parse_keeps_exact_series_matches_with_codes_as_text():
    frame = synthetic_dac1(["NOR", "ARE"], range(2019, 2021))
    tidy = sdmx_csv.parse_sdmx_csv(to_sdmx_csv(frame), "dac1", vintage="v1", snapshot_id="s1")
    # 6 series x 2 providers x 2 years: the XDC and MEASURE 5 rows are left out, and MEASURE
    # "1" (GNI) is not confused with "1010" or "11010".
    assert len(tidy) == 24 and set(tidy["series"]) == {s.id for s in DAC1_SERIES}
    gni = tidy.query("series == 'DAC1.GNI.CURRENT' and economy == 'NOR' and year == 2019")
    pct = value(tidy, "DAC1.ODA.GNI.GE", "NOR", 2019)
    assert gni["value"].iloc[0] == pytest.approx(4300 * 1.12 / pct * 100, rel=1e-4)
    assert list(tidy.columns) == schema.COLUMNS
    assert set(tidy["creditor"]) == {""}  # not by creditor
    assert tidy["unit"].iloc[0] == catalogue.get(tidy["series"].iloc[0]).unit
    assert set(tidy["source"]) == {"oecd"} and tidy["year"].dtype == "int64"


def test_labelled_plain_and_gzip_files_give_the_same_rows():
    frame = synthetic_dac2a(["KEN", "DPGC"], range(2015, 2017))
    labelled = to_sdmx_csv(frame)
    kw = {"vintage": "v", "snapshot_id": "s"}
    expected = sdmx_csv.parse_sdmx_csv(labelled, "dac2a", **kw)
    assert expected["economy_name"].tolist()[:2] == ["Developing countries"] * 2
    pd.testing.assert_frame_equal(sdmx_csv.parse_sdmx_csv(gzip.compress(labelled), "dac2a", **kw),
                                  expected)  # fmt: skip
    plain = sdmx_csv.parse_sdmx_csv(to_sdmx_csv(frame, labels=False), "dac2a", **kw)
    pd.testing.assert_frame_equal(plain.drop(columns="economy_name"),
                                  expected.drop(columns="economy_name"))  # fmt: skip
    assert (plain["economy_name"] == plain["economy"]).all()


def test_empty_values_are_dropped_and_garbled_ones_refused():
    frame = synthetic_dac2a(["KEN"], range(2015, 2017))
    frame.loc[0, "OBS_VALUE"] = ""
    tidy = sdmx_csv.parse_sdmx_csv(to_sdmx_csv(frame), "dac2a", vintage="v", snapshot_id="s")
    assert len(tidy) == 3  # 2 series x 2 years, one empty
    frame.loc[1, "OBS_VALUE"] = "12,5"
    with pytest.raises(FetchError, match="'12,5' is not a number"):
        sdmx_csv.parse_sdmx_csv(to_sdmx_csv(frame), "dac2a", vintage="v", snapshot_id="s")


def test_layouts_match_the_documented_headers():
    assert list(synthetic_dac1().columns) == DAC1_COLUMNS and len(DAC1_COLUMNS) == 30
    assert list(synthetic_dac2a().columns) == DAC2A_COLUMNS
    assert to_sdmx_csv(synthetic_dac2a()).split(b"\n")[0].decode() == ",".join(DAC2A_COLUMNS)
