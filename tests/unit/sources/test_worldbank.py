"""The World Bank source, through the real wbgapi, against a stand-in API on 127.0.0.1."""

from __future__ import annotations

import json
import math
import time

import pandas as pd
import pytest
import requests
import wbgapi
from pandas.testing import assert_frame_equal

from helpers import catalogue
from helpers.errors import FetchError, StoreError, UsageError
from helpers.reference import schema
from helpers.sources.payload import FetchResult, Payload
from helpers.sources.worldbank import api as worldbank
from helpers.sources.worldbank import pages as worldbank_pages
from helpers.store import Store
from tests.fakes.wb_api import (
    WorldBankStandIn,
    build_dataset,
    genuine_economies,
    synthetic_dataset,
)

WB = [s for s in catalogue.load().series if s.source == "worldbank"]
SIX = [
    catalogue.get(i)
    for i in (
        "IT.NET.USER.ZS",
        "IT.CEL.SETS.P2",
        "SP.POP.TOTL",
        "DT.ODA.ODAT.CD",
        "BX.TRF.PWKR.DT.GD.ZS",
        "IQ.SPI.OVRL",
    )
]
FIVE_ECONOMIES = ["KEN", "BGD", "BRA", "IND", "WLD"]
BAD = catalogue.Series(
    id="XX.NOT.REAL",
    source="worldbank",
    title="No such series",
    unit="x",
    unit_kind="index",
    sdg="17.1.1",
    sdg_relation="proxy",
    topic="context",
    citation="",
    licence="",
    code="XX.NOT.REAL",
)
DATA = synthetic_dataset()  # 42 countries and 6 aggregates, values 1990-2024


@pytest.fixture
def api(monkeypatch):
    with WorldBankStandIn(DATA) as server:
        monkeypatch.setenv("SDG17_WB_API_URL", server.url)
        yield server


@pytest.fixture
def sleeps(monkeypatch) -> list[float]:
    """Record retry waits instead of sleeping."""
    waited: list[float] = []
    monkeypatch.setattr(worldbank, "_sleep", waited.append)
    return waited


def _parse(result: FetchResult, store: Store) -> pd.DataFrame:
    return worldbank_pages.parse(store.write(result))


def _expected(data, series, economies, years) -> dict[tuple[str, str, int], float]:
    return {
        (e, s.id, y): data.values[(s.code, e, y)]
        for s in series
        for e in economies
        for y in years
        if (s.code, e, y) in data.values
    }


# -- batching and what is kept ----------------------------------------------------------
def test_batched_fetch_makes_one_request_and_keeps_the_bytes(api, store):
    result, failures = worldbank.fetch(SIX, FIVE_ECONOMIES, None, None)

    assert failures == {}
    assert len(api.requests) == 1 < len(SIX) * len(FIVE_ECONOMIES)
    assert result.requests == 1
    assert result.format == "wb-api-json" and result.source == "worldbank"
    assert result.series == [s.id for s in SIX]
    page = result.payloads[0]
    assert page.name == "page-0001.json"
    assert page.content == requests.get(page.url, timeout=5).content  # unchanged bytes
    assert page.rows == len(SIX) * len(FIVE_ECONOMIES) * len(DATA.years)
    assert result.query == {
        "codes": [s.code for s in SIX],
        "economies": sorted(FIVE_ECONOMIES),
        "start_year": None,
        "end_year": None,
    }
    assert result.extra["api"] == api.url

    tidy = _parse(result, store)
    got = {(r.economy, r.series, r.year): r.value for r in tidy.itertuples()}
    assert got == _expected(DATA, SIX, FIVE_ECONOMIES, DATA.years)
    schema.validate(tidy)


def test_full_catalogue_for_all_economies_takes_a_few_requests(api, store):
    result, failures = worldbank.fetch(WB, None, 1990, 2024)

    assert failures == {}
    rows = len(WB) * len(DATA.economies) * 35
    pages = math.ceil(rows / worldbank.PER_PAGE)
    assert len(api.data_requests()) == pages
    assert result.requests == len(api.requests) == pages + 1  # + the time dimension
    assert sum(p.rows for p in result.payloads) == rows
    assert set(_parse(result, store)["series"]) == {s.id for s in WB}


def test_pages_are_kept_in_order(api, store, monkeypatch):
    monkeypatch.setattr(worldbank, "PER_PAGE", 100)
    result, _ = worldbank.fetch(SIX[:2], FIVE_ECONOMIES, 2000, 2020)

    total = 2 * len(FIVE_ECONOMIES) * 21
    assert [p.name for p in result.payloads] == [
        f"page-{i:04d}.json" for i in range(1, math.ceil(total / 100) + 1)
    ]
    assert [json.loads(p.content)["page"] for p in result.payloads] == list(
        range(1, len(result.payloads) + 1)
    )
    assert sum(p.rows for p in result.payloads) == total
    assert result.extra["per_page"] == 100
    assert len(_parse(result, store)) == len(
        _expected(DATA, SIX[:2], FIVE_ECONOMIES, range(2000, 2021))
    )


def test_lastupdated_becomes_the_vintage(monkeypatch, store):
    data = synthetic_dataset(["SP.POP.TOTL"], n_economies=3)
    data.last_updated = "2024-12-16"
    with WorldBankStandIn(data) as server:
        monkeypatch.setenv("SDG17_WB_API_URL", server.url)
        result, _ = worldbank.fetch([catalogue.get("SP.POP.TOTL")], ["KEN"])
    assert result.source_last_updated == "2024-12-16"
    snap = store.write(result)
    assert snap.vintage.startswith("updated 2024-12-16")
    assert set(worldbank_pages.parse(snap)["vintage"]) == {snap.vintage}


def test_on_request_sees_every_request_and_wbgapi_settings_are_restored(api):
    before = (wbgapi.endpoint, wbgapi.lang, wbgapi.get_options)
    seen: list[str] = []
    api.fail("series/", "status", status=500)
    worldbank.fetch(SIX[:1], ["KEN"], 2000, 2001, on_request=seen.append)
    assert len(seen) == len(api.requests) == 3  # time dimension, 500, success
    assert all(url.startswith(api.url) for url in seen)
    assert (wbgapi.endpoint, wbgapi.lang, wbgapi.get_options) == before


def test_economies_filter(api, store):
    result, _ = worldbank.fetch(SIX[:1], ["ken", "BRA"])
    assert "/country/BRA;KEN/" in api.requests[0]
    assert result.query["economies"] == ["BRA", "KEN"]
    assert set(_parse(result, store)["economy"]) == {"BRA", "KEN"}


def test_years_filter(api, store):
    result, _ = worldbank.fetch(SIX[:1], ["KEN"], 2005, 2007)
    assert "/time/YR2005;YR2006;YR2007?" in api.data_requests()[0]
    assert set(_parse(result, store)["year"]) <= {2005, 2006, 2007}
    assert result.query["start_year"] == 2005 and result.query["end_year"] == 2007


def test_open_ended_years_stop_at_the_apis_last_year(api, store):
    # Asking YR2026 would make the API reject the whole request.
    _, failures = worldbank.fetch(SIX[:1], ["KEN"], 2020, None)
    assert failures == {}
    assert api.data_requests()[0].split("/time/")[1].split("?")[0] == ";".join(
        f"YR{y}" for y in range(2020, 2025)
    )


def test_bad_arguments_make_no_request(api):
    with pytest.raises(UsageError, match="after end year"):
        worldbank.fetch(SIX, None, 2010, 2000)
    with pytest.raises(UsageError, match="no economies"):
        worldbank.fetch(SIX, [])
    assert api.requests == []


# -- retries -------------------------------------------------------------------------------
@pytest.mark.parametrize("status", [500, 503])
def test_server_errors_are_retried(api, sleeps, status):
    api.fail("series/", "status", times=2, status=status)
    result, failures = worldbank.fetch(SIX[:2], ["KEN"])
    assert failures == {}
    assert result.series == [s.id for s in SIX[:2]]
    assert len(api.requests) == result.requests == 3
    assert len(sleeps) == 2
    assert len(result.payloads) == 1  # the failed attempts left nothing behind


def test_429_waits_as_long_as_retry_after_says(api, sleeps):
    api.fail("series/", "status", status=429, retry_after=7)
    result, failures = worldbank.fetch(SIX[:1], ["KEN"])
    assert failures == {} and result is not None
    assert sleeps == [7.0]


def test_429_retry_after_is_honoured_in_real_time(api):
    api.fail("series/", "status", status=429, retry_after=1)
    began = time.monotonic()
    result, failures = worldbank.fetch(SIX[:1], ["KEN"])
    assert failures == {} and result is not None
    assert time.monotonic() - began >= 1.0


def test_exhausted_retries_fail_every_series_of_the_batch(api, sleeps, monkeypatch):
    monkeypatch.setenv("SDG17_HTTP_RETRIES", "3")
    api.fail("series/", "status", times=99, status=503)
    result, failures = worldbank.fetch(SIX[:2], ["KEN"])
    assert result is None
    assert set(failures) == {s.id for s in SIX[:2]}
    for sid, reason in failures.items():
        assert "after 3 attempts" in reason and "503" in reason
        assert sid in reason and f"{api.url}/en/sources/2/series/" in reason
    assert len(api.requests) == 3  # retried, not bisected


def test_a_hang_past_the_timeout_is_retried(api, monkeypatch):
    monkeypatch.setenv("SDG17_HTTP_TIMEOUT", "0.5")
    api.fail("series/", "hang", seconds=2)
    seen: list[str] = []
    began = time.monotonic()
    result, failures = worldbank.fetch(SIX[:1], ["KEN"], on_request=seen.append)
    assert failures == {} and result.series == [SIX[0].id]
    assert 0.5 <= time.monotonic() - began < 2
    assert len(seen) == result.requests == 2  # the timed-out request counts too
    assert seen[0] == seen[1]


def test_unreachable_api_names_the_connection(monkeypatch, sleeps):
    with WorldBankStandIn(DATA) as server:
        pass
    url = server.url  # nothing listens there any more
    monkeypatch.setenv("SDG17_WB_API_URL", url)
    monkeypatch.setenv("SDG17_HTTP_RETRIES", "2")
    result, failures = worldbank.fetch(SIX[:1], ["KEN"])
    assert result is None
    assert "connection error" in failures[SIX[0].id] and url in failures[SIX[0].id]


# -- answers that are not data -------------------------------------------------------------
@pytest.mark.parametrize(
    ("kind", "options", "words"),
    [
        ("truncated", {}, ["not valid JSON", "HTTP 200"]),
        ("html", {}, ["not valid JSON", "text/html", "<!DOCTYPE html>"]),
        ("message", {}, ["Invalid value (120)", "The provided parameter value is not valid"]),
        ("status", {"status": 404}, ["HTTP 404"]),
    ],
)
def test_unusable_answers_fail_clearly(api, kind, options, words):
    api.fail("series/", kind, times=99, **options)
    result, failures = worldbank.fetch(SIX[:1], ["KEN"])
    assert result is None
    reason = failures[SIX[0].id]
    for word in [*words, SIX[0].id, f"{api.url}/en/sources/2/series/IT.NET.USER.ZS/"]:
        assert word in reason
    # A malformed 200 (not JSON) may be a passing fault and is retried like a 5xx (4 attempts);
    # an error payload or a 4xx is the API's considered answer and is not worth a retry.
    assert len(api.requests) == (4 if kind in ("truncated", "html") else 1)


XML_ERROR = b'<?xml version="1.0" encoding="utf-8"?><wb:error><wb:message>busy</wb:message>'
MALFORMED = [
    ("html", {}),
    ("truncated", {}),
    ("body", {"body": b""}),
    ("body", {"body": XML_ERROR, "content_type": "text/xml"}),
]


@pytest.mark.parametrize(("kind", "options"), MALFORMED, ids=["html", "truncated", "empty", "xml"])
def test_a_malformed_200_is_retried_like_a_5xx(api, sleeps, kind, options):
    api.fail("series/", kind, **options)
    result, failures = worldbank.fetch(SIX[:1], ["KEN"])
    assert failures == {} and result.series == [SIX[0].id]
    assert len(api.requests) == result.requests == 2  # the bad answer, then the good one
    assert len(sleeps) == 1
    assert len(result.payloads) == 1  # the malformed body is not kept


def test_a_bad_answer_in_a_batch_fails_each_series_by_name(api):
    api.fail("series/", "truncated", times=99)
    result, failures = worldbank.fetch(SIX[:2], ["KEN"])
    assert result is None
    for s in SIX[:2]:
        assert "not valid JSON" in failures[s.id]
        assert f"/series/{s.code}/country/" in failures[s.id]


def test_an_unknown_series_is_isolated_and_the_others_returned(api, store):
    wanted = [*SIX[:3], BAD, *SIX[3:]]
    result, failures = worldbank.fetch(wanted, FIVE_ECONOMIES)

    assert list(failures) == ["XX.NOT.REAL"]
    assert "The provided parameter value is not valid" in failures["XX.NOT.REAL"]
    assert "/series/XX.NOT.REAL/country/" in failures["XX.NOT.REAL"]
    assert result.series == [s.id for s in SIX]
    assert len(api.requests) <= 2 * len(wanted)
    tidy = _parse(result, store)
    got = {(r.economy, r.series, r.year): r.value for r in tidy.itertuples()}
    assert got == _expected(DATA, SIX, FIVE_ECONOMIES, DATA.years)


def test_a_series_without_observations_fails_alone(monkeypatch, store):
    code = "IQ.SPI.OVRL"
    with WorldBankStandIn(DATA.without(code)) as server:
        monkeypatch.setenv("SDG17_WB_API_URL", server.url)
        result, failures = worldbank.fetch(SIX, ["KEN", "BRA"])
    assert list(failures) == [code]
    assert "no observations" in failures[code] and server.url in failures[code]
    assert code not in result.series and len(result.series) == 5
    assert code not in set(_parse(result, store)["series"])


def test_an_empty_answer_is_no_observations(api):
    api.fail("series/", "empty")
    result, failures = worldbank.fetch(SIX[:1], ["KEN"])
    assert result is None
    assert "no observations" in failures[SIX[0].id]


# -- parsing stored pages ------------------------------------------------------------------
def _write(store: Store, pages: list, series: list[str], last_updated=None):
    payloads = [
        Payload(f"page-{i:04d}.json", json.dumps(p).encode()) for i, p in enumerate(pages, start=1)
    ]
    return store.write(
        FetchResult("worldbank", "wb-api-json", series, payloads, source_last_updated=last_updated)
    )


def _var(concept, id_, value):
    return {"concept": concept, "id": id_, "value": value}


def test_parse_dict_shape(store):
    rows = [
        {
            "variable": [
                _var("Country", "KEN", "Kenya"),
                _var("Series", "IT.NET.USER.ZS", "x"),
                _var("Time", "YR2021", "2021"),
            ],
            "value": 29.5,
        },
        {
            "variable": [
                _var("Country", "KEN", "Kenya"),
                _var("Series", "IT.NET.USER.ZS", "x"),
                _var("Time", "YR2022", "2022"),
            ],
            "value": None,
        },
        {
            "variable": [
                _var("Country", "SSF", "Sub-Saharan Africa "),
                _var("Series", "IT.NET.USER.ZS", "x"),
                _var("Time", "YR2021", "2021"),
            ],
            "value": 36,
        },
    ]
    page = {
        "page": 1,
        "pages": 1,
        "per_page": 20000,
        "total": 3,
        "lastupdated": "2025-07-01",
        "source": {"id": "2", "name": "World Development Indicators", "data": rows},
    }
    snap = _write(store, [page], ["IT.NET.USER.ZS"], "2025-07-01")

    expected = schema.coerce(
        pd.DataFrame(
            {
                "economy": ["KEN", "SSF"],
                "economy_name": ["Kenya", "Sub-Saharan Africa"],
                "year": [2021, 2021],
                "series": ["IT.NET.USER.ZS"] * 2,
                "value": [29.5, 36.0],
                "unit": ["% of population"] * 2,
                "source": ["worldbank"] * 2,
                "vintage": [snap.vintage] * 2,
                "snapshot_id": [snap.id] * 2,
            }
        )
    )
    assert_frame_equal(worldbank_pages.parse(snap), expected)


def test_parse_classic_shape_from_the_stand_in(api, store):
    url = f"{api.url}/country/KEN;BR/indicator/IT.NET.USER.ZS?format=json&per_page=30"
    first = json.loads(requests.get(url, timeout=5).content)[0]
    pages = [
        requests.get(f"{url}&page={n}", timeout=5).content for n in range(1, first["pages"] + 1)
    ]
    payloads = [Payload(f"page-{i:04d}.json", c) for i, c in enumerate(pages, start=1)]
    snap = store.write(FetchResult("worldbank", "wb-api-json", ["IT.NET.USER.ZS"], payloads))
    tidy = worldbank_pages.parse(snap)

    series = [catalogue.get("IT.NET.USER.ZS")]
    got = {(r.economy, r.series, r.year): r.value for r in tidy.itertuples()}
    assert got == _expected(DATA, series, ["KEN", "BRA"], DATA.years)
    assert set(zip(tidy["economy"], tidy["economy_name"], strict=True)) == {
        ("KEN", "Kenya"),
        ("BRA", "Brazil"),
    }


def test_parse_rejects_a_page_that_is_not_data(store):
    snap = _write(
        store,
        [[{"message": [{"id": "120", "key": "Invalid value", "value": "no"}]}]],
        ["IT.NET.USER.ZS"],
    )
    with pytest.raises(StoreError, match=r"page-0001.json: not a World Bank data page"):
        worldbank_pages.parse(snap)


# -- the economy list ----------------------------------------------------------------------
def test_fetch_economies_through_the_stand_in(api, store):
    result = worldbank.fetch_economies()
    assert result.format == "wb-economies-json" and result.series == []
    assert result.requests == 1 and "/v2/en/country?per_page=400" in api.requests[0]
    ref = worldbank_pages.parse_economies(store.write(result))
    assert list(ref.columns) == [
        "economy",
        "economy_name",
        "region",
        "income_group",
        "is_aggregate",
    ]
    assert len(ref) == len(DATA.economies)
    ken = ref.set_index("economy").loc["KEN"]
    assert (ken.region, ken.income_group, ken.is_aggregate) == (
        "Sub-Saharan Africa",
        "Lower middle income",
        False,
    )
    assert ref.set_index("economy").loc["SSF", "is_aggregate"]


def test_fetch_economies_retries_then_raises(api, sleeps, monkeypatch):
    monkeypatch.setenv("SDG17_HTTP_RETRIES", "2")
    api.fail("/country", "status", times=99, status=503)
    with pytest.raises(FetchError, match="economy list failed after 2 attempts") as err:
        worldbank.fetch_economies()
    assert api.url in str(err.value)


@pytest.mark.shared
def test_parse_economies_on_the_genuine_country_list(shared_data, store):
    rows = json.loads(
        (shared_data / "api-samples/worldbank/rows_json/wb-country.rows.json").read_text(
            encoding="utf-8"
        )
    )
    meta = {"page": 1, "pages": 1, "per_page": "400", "total": len(rows)}
    content = json.dumps([meta, rows]).encode()
    snap = store.write(
        FetchResult(
            "worldbank",
            "wb-economies-json",
            [],
            [Payload("page-0001.json", content, rows=len(rows))],
        )
    )
    ref = worldbank_pages.parse_economies(snap).set_index("economy")

    assert len(ref) == 296
    assert ref.loc["KEN", "region"] == "Sub-Saharan Africa"
    assert ref.loc["KEN", "income_group"] == "Lower middle income"
    assert ref.loc["BRA", "region"] == "Latin America & Caribbean"
    assert ref.loc["WLD", "is_aggregate"] and ref.loc["WLD", "region"] is None
    assert ref["is_aggregate"].sum() == 79
    assert not ref["region"].dropna().str.endswith(" ").any()


@pytest.mark.shared
def test_fetch_over_the_genuine_economy_list(shared_data, monkeypatch, store):
    data = build_dataset(
        shared_data / "api-samples/worldbank/rows_json",
        codes=["IT.NET.USER.ZS"],
        years=range(2020, 2022),
    )
    genuine = {
        e["id"]: e["name"].strip()
        for e in genuine_economies(shared_data / "api-samples/worldbank/rows_json")
    }
    with WorldBankStandIn(data) as server:
        monkeypatch.setenv("SDG17_WB_API_URL", server.url)
        result, failures = worldbank.fetch([catalogue.get("IT.NET.USER.ZS")], None, 2020, 2021)
    assert failures == {}
    tidy = _parse(result, store)
    assert len(set(tidy["economy"])) > 250
    assert dict(zip(tidy["economy"], tidy["economy_name"], strict=True)).items() <= genuine.items()


# -- the stand-in itself -------------------------------------------------------------------
def test_the_stand_in_answers_wbgapi_itself(api, monkeypatch):
    # wbgapi caches metadata per database, not per endpoint: start it clean.
    monkeypatch.setattr(wbgapi, "endpoint", api.url)
    monkeypatch.setattr(wbgapi.source, "_concepts", {})
    monkeypatch.setattr(wbgapi.time, "_time_values", {})
    monkeypatch.setattr(wbgapi.economy, "_localized_metadata", {})
    monkeypatch.setattr(wbgapi.economy, "_class_data", None)
    monkeypatch.setattr(wbgapi.economy, "_aggs", None)

    frame = wbgapi.data.DataFrame("SP.POP.TOTL", ["KEN", "BRA"], range(2000, 2003))
    for econ in ("KEN", "BRA"):
        for year in range(2000, 2003):
            want = DATA.values.get(("SP.POP.TOTL", econ, year))
            got = frame.loc[econ, f"YR{year}"]
            assert (pd.isna(got) and want is None) or got == want
    assert wbgapi.economy.aggregates() >= {"WLD", "SSF"}
    assert set(wbgapi.region.members("SAS")) == {"BGD", "IND", "PAK", "NPL", "LKA", "AFG"}
