"""IDS lending by creditor (issue 12, item 1) end to end against the stand-in World Bank API."""

from __future__ import annotations

import re
from datetime import date
from urllib.parse import unquote

import pytest

from helpers import catalogue, cli, tidy
from helpers.errors import OfflineError
from helpers.reference import groups
from helpers.store import Store, fetch
from tests.fakes.wb_api import (
    WorldBankStandIn,
    genuine_counterparts,
    genuine_debtors,
    synthetic_dataset,
    synthetic_ids,
)

IDS_SERIES = catalogue.load().ids("ids")
DIS = "DT.DIS.BLAT.CD"
WB_DATA = synthetic_dataset(codes=[], years=range(2000, 2024))


@pytest.fixture
def wb(monkeypatch):
    with WorldBankStandIn(WB_DATA) as api:
        monkeypatch.setenv("SDG17_WB_API_URL", api.url)
        yield api


def _run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _batches(urls: list[str]) -> set[str]:
    """The distinct queries among page requests (a query is walked page by page)."""
    return {re.sub(r"[?&]page=\d+", "", u) for u in urls}


def _counterparts(url: str) -> list[str]:
    return unquote(re.search(r"/counterpart-area/([^/]+)/", url).group(1)).split(";")


def test_default_creditors_are_fetched_in_one_batch_and_reach_the_tidy_table(wb, capsys):
    code, out, err = _run(capsys, "fetch", "--quiet", "--series", *IDS_SERIES)
    assert code == 0, err
    # The creditor list, the economy list (income groups for the Global South), the source's
    # years (the default is 2000 to last year: no projections) and one data query for 4
    # series x every debtor x the default creditors x those years, page by page.
    assert len(_batches(wb.ids_data_requests())) == 1
    cold = len(wb.requests)
    assert cold == 3 + len(wb.ids_data_requests()), wb.requests
    years = wb.ids_data_requests()[0].split("/time/")[1].split("?")[0].split(";")
    assert years[0] == "YR2000" and years[-1] == f"YR{date.today().year - 1}"
    asked = set(_counterparts(wb.ids_data_requests()[0]))
    # Southern creditor countries, DAC members and WLD; not institutions, not high-income
    # non-DAC countries (Saudi Arabia, Hong Kong), not the PRK the reference lacks.
    assert {"730", "646", "406", "055", "017", "009", "WLD"} <= asked
    assert not asked & {"905", "901", "BND", "566", "735", "740"}

    frame = tidy.load(DIS, economies=["KEN", "ETH"])
    assert set(frame["economy"]) <= {"KEN", "ETH"} and len(frame)
    named = frame.drop_duplicates("creditor").set_index("creditor")
    assert named.loc["WLD", "creditor_group"] == "all creditors"
    assert set(named["creditor_group"]) <= set(groups.CREDITOR_GROUPS)
    # A debtor-creditor pair without data is absent, not a row of nulls.
    lent = {(k[1], k[2]) for k in wb.ids.values if k[0] == DIS}
    held = set(zip(frame["economy"], frame["creditor"], strict=True))
    assert {(e, "WLD") for e in ("KEN", "ETH")} <= held
    assert len(held) == len({(e, c) for e, c in lent if e in ("KEN", "ETH") and c in asked})

    code, out, _ = _run(capsys, "fetch", "--quiet", "--series", *IDS_SERIES)
    assert code == 0 and "0 requests" in out and len(wb.requests) == cold


def test_creditors_given_by_code_or_ids_id(wb, capsys):
    code, _, err = _run(
        capsys, "fetch", "--quiet", "--series", DIS, "--creditors", "chn,646", "IDS905", "WLD"
    )
    assert code == 0, err
    assert _counterparts(wb.ids_data_requests()[0]) == ["730", "646", "905", "WLD"]
    frame = tidy.load(DIS, creditors=["CHN", "IND", "IDS905", "WLD"])
    assert set(frame["creditor"]) <= {"CHN", "IND", "IDS905", "WLD"}
    assert set(frame.loc[frame["creditor"] == "IDS905", "creditor_group"]) <= {"other"}
    # Asking for a subset again is fresh; a creditor not fetched yet is not.
    before = len(wb.requests)
    code, _, _ = _run(capsys, "fetch", "--quiet", "--series", DIS, "--creditors", "CHN")
    assert code == 0 and len(wb.requests) == before
    code, _, _ = _run(capsys, "fetch", "--quiet", "--series", DIS, "--creditors", "BRA")
    assert code == 0 and len(wb.requests) > before


@pytest.mark.parametrize(
    ("creditor", "said"),
    [("XYZ", "unknown creditors: XYZ"), ("MNG", "not in the IDS creditor list")],
)
def test_an_unknown_creditor_is_a_usage_error_and_nothing_is_written(wb, capsys, creditor, said):
    code, _, err = _run(capsys, "fetch", "--quiet", "--creditors", creditor)
    assert code == 2 and said in err and creditor in err
    assert not wb.data_requests() and not wb.ids_data_requests()
    assert Store().snapshots() == []


def test_the_default_creditors_follow_the_environment(wb, monkeypatch):
    monkeypatch.setenv("SDG17_IDS_CREDITORS", "CHN,WLD")
    report = fetch.run_fetch([DIS], progress=False)
    assert report.ok and _counterparts(wb.ids_data_requests()[0]) == ["730", "WLD"]


def test_economies_outside_idss_debtors_are_left_out_of_the_request(wb):
    report = fetch.run_fetch([DIS], economies=["KEN", "USA"], creditors=["WLD"], progress=False)
    assert report.ok and DIS in report.stored
    assert "/country/KEN/" in wb.ids_data_requests()[0]
    report = fetch.run_fetch(
        [DIS], economies=["USA"], creditors=["WLD"], refresh=True, progress=False
    )
    assert DIS in report.empty and not report.failures


def test_a_rejected_series_is_split_off_and_the_others_kept(monkeypatch):
    data = synthetic_ids()
    del data.series["DT.NFL.BLAT.CD"]  # the API does not know it: it rejects the request
    with WorldBankStandIn(WB_DATA, ids=data) as api:
        monkeypatch.setenv("SDG17_WB_API_URL", api.url)
        api.fail("counterpart-area/[^a]", "status", times=1, status=503)
        report = fetch.run_fetch(IDS_SERIES, creditors=["CHN", "WLD"], progress=False)
    assert set(report.failures) == {"DT.NFL.BLAT.CD"}
    assert "counterpart-area" in report.failures["DT.NFL.BLAT.CD"]
    assert set(report.stored) == set(IDS_SERIES) - {"DT.NFL.BLAT.CD"}


def test_paging_keeps_every_page_as_sent(monkeypatch):
    with WorldBankStandIn(WB_DATA, ids=synthetic_ids(), max_per_page=500) as api:
        monkeypatch.setenv("SDG17_WB_API_URL", api.url)
        report = fetch.run_fetch([DIS], creditors=["CHN", "IND", "WLD"], progress=False)
        pages = len(api.ids_data_requests())
    assert report.ok and pages > 1
    snap = Store().latest_by_series()[DIS]
    assert len(snap.files()) == pages
    assert snap.meta["query"]["creditors"] == ["CHN", "IND", "WLD"]


def test_offline_names_the_ids_series_the_store_lacks():
    with pytest.raises(OfflineError, match=DIS):
        fetch.run_fetch([DIS], offline=True, progress=False)


def test_genuine_code_lists_are_batched_within_the_url_limit(shared_data, monkeypatch):
    debtors = genuine_debtors(shared_data)
    counterparts = genuine_counterparts(shared_data)
    assert len(debtors) == 134 and len(counterparts) == 303
    data = synthetic_ids(debtors=debtors, counterparts=counterparts, years=range(2018, 2023))
    economies = synthetic_dataset(codes=[], economies=[
        {**d, "region": {"id": "SSF", "iso2code": "ZG", "value": "Sub-Saharan Africa"},
         "incomeLevel": {"id": "LMC", "iso2code": "XN", "value": "Lower middle income"},
         "lendingType": {"id": "IDX", "iso2code": "XI", "value": "IDA"}}
        for d in debtors
    ])  # fmt: skip
    with WorldBankStandIn(economies, ids=data) as api:
        monkeypatch.setenv("SDG17_WB_API_URL", api.url)
        report = fetch.run_fetch(
            IDS_SERIES, economies=[d["id"] for d in debtors], start=2018, end=2022, progress=False
        )
        urls = api.ids_data_requests()
    assert report.ok, report.failures
    asked = {c for u in urls for c in _counterparts(u)}
    assert len(asked) > 100  # every debtor country (all LMC here), the DAC, WLD
    # Cut to stay within the API's URL limit, yet a handful of requests, not
    # len(debtors) x len(creditors) of them.
    assert all(len(u) < 1500 for u in urls)
    assert len(_batches(urls)) <= 4, _batches(urls)
