"""`sdg17 fetch` when a source hangs or the disk fills up (stand-in APIs on 127.0.0.1)."""

from __future__ import annotations

import errno
import threading
import time

import pytest

from helpers import catalogue, cli
from helpers.store import Store, fetch
from tests.fakes.apis import stand_ins
from tests.fakes.wb_api import WorldBankStandIn, synthetic_dataset

WB_DATA = synthetic_dataset(n_economies=6, years=range(2010, 2024))
WB_IDS = catalogue.load().ids("worldbank")
OECD_IDS = catalogue.load().ids("oecd")
IDS_IDS = catalogue.load().ids("ids")  # World Bank IDS, by creditor
UN_IDS = catalogue.load().ids("unsdg")
# Longer than any test waits: the stand-in's stop() wakes the hanging handlers at the end.
HANG_SECONDS = 120


@pytest.fixture
def apis(monkeypatch):
    with stand_ins(monkeypatch, WB_DATA) as pair:
        yield pair


def _hang(wb: WorldBankStandIn) -> None:
    """Every World Bank request is accepted and never answered (until the stand-in stops)."""
    wb.fail(".", "hang", times=10**6, seconds=HANG_SECONDS)


def test_a_hanging_world_bank_is_reported_by_its_deadline_and_oecd_is_still_fetched(
    apis, capsys, monkeypatch
):
    wb, oe, _ = apis
    _hang(wb)
    monkeypatch.setenv("SDG17_HTTP_TIMEOUT", "1")
    monkeypatch.setenv("SDG17_HTTP_CONNECT_TIMEOUT", "1")
    monkeypatch.setenv("SDG17_SOURCE_DEADLINE", "1.5")
    began = time.monotonic()
    code = cli.main(["fetch", "--quiet"])
    elapsed = time.monotonic() - began
    out, err = capsys.readouterr()
    assert code == 1
    # Without a deadline: economy list and data batch, 4 attempts of 1 s each: over 8 s.
    assert elapsed < 5, f"took {elapsed:.1f}s"
    for sid in WB_IDS:
        reason = next(line for line in err.splitlines() if line.strip().startswith(f"{sid}:"))
        assert "SDG17_SOURCE_DEADLINE" in reason or "did not answer" in reason, reason
        assert "timed out" in reason, reason
    assert f"{len(OECD_IDS) + len(UN_IDS)} series stored" in out
    assert not Store().missing(OECD_IDS + UN_IDS)
    assert oe.data_requests()


def test_a_hung_source_stops_after_its_time_outs_and_the_other_source_is_fetched(
    apis, capsys, monkeypatch
):
    wb, *_ = apis
    _hang(wb)
    monkeypatch.setenv("SDG17_HTTP_TIMEOUT", "0.3")
    monkeypatch.setenv("SDG17_HTTP_RETRIES", "4")
    code = cli.main(["fetch", "--quiet"])
    _, err = capsys.readouterr()
    assert code == 1 and "read timeout" in err
    # The economy list timed out twice (the time-out retry), then the source was left alone:
    # no data request waits out its own four time-outs.
    assert len(wb.requests) == 2, wb.requests
    assert not wb.data_requests()
    assert not Store().missing(OECD_IDS)


def test_a_reader_is_not_blocked_while_a_fetch_waits_on_the_network(apis, monkeypatch):
    wb, *_ = apis
    _hang(wb)
    monkeypatch.setenv("SDG17_HTTP_TIMEOUT", "3")
    monkeypatch.setenv("SDG17_HTTP_RETRIES", "1")
    done: list[fetch.FetchReport] = []
    worker = threading.Thread(
        target=lambda: done.append(fetch.run_fetch(["IT.NET.USER.ZS"], progress=False))
    )
    worker.start()
    try:
        deadline = time.monotonic() + 10
        while not wb.requests and time.monotonic() < deadline:
            time.sleep(0.02)
        assert wb.requests, "the fetch never reached the stand-in"
        began = time.monotonic()
        with Store().lock(timeout=2):  # a writer (tidy.build, an import) gets in at once
            waited = time.monotonic() - began
        assert waited < 1
        assert worker.is_alive()  # the fetch was still waiting on the network meanwhile
    finally:
        worker.join(30)
    assert done and "IT.NET.USER.ZS" in done[0].failures


def test_two_fetches_at_once_still_fetch_once(apis):
    reports: list[fetch.FetchReport] = []
    threads = [
        threading.Thread(target=lambda: reports.append(fetch.run_fetch(progress=False)))
        for _ in range(2)
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert sorted(len(r.stored) for r in reports) == [0, len(catalogue.load().series)]
    assert all(r.ok for r in reports)
    # The second waited for the first (not behind the store lock) and made no request.
    assert min(r.requests for r in reports) == 0
    assert sum(len(api.requests) for api in apis) == max(r.requests for r in reports)


@pytest.mark.parametrize(
    ("full_for", "lost", "kept"),
    [
        ("wb-api-json", WB_IDS, OECD_IDS + IDS_IDS + UN_IDS),
        ("sdmx-csv", OECD_IDS, WB_IDS + IDS_IDS + UN_IDS),
        ("wb-ids-json", IDS_IDS, WB_IDS + OECD_IDS + UN_IDS),
        ("unsdg-api-json", UN_IDS, WB_IDS + OECD_IDS + IDS_IDS),
    ],
    ids=["world-bank-write-fails", "oecd-write-fails", "ids-write-fails", "un-write-fails"],
)
def test_a_full_disk_ends_with_the_per_series_report(
    apis, capsys, monkeypatch, full_for, lost, kept
):
    real_write = Store.write

    def write(self, result, **kw):
        if result.format == full_for:
            raise OSError(errno.ENOSPC, "No space left on device", str(self.raw / ".staging"))
        return real_write(self, result, **kw)

    monkeypatch.setattr(Store, "write", write)
    code = cli.main(["fetch", "--quiet"])  # an OSError escaping here fails the test
    out, err = capsys.readouterr()
    assert code == 1
    assert f"{len(kept)} series stored" in out
    assert f"{len(lost)} series failed" in err
    for sid in lost:
        line = next(x for x in err.splitlines() if x.strip().startswith(f"{sid}:"))
        assert "not stored" in line and "No space left on device" in line, line
    assert "Traceback" not in err
    assert Store().missing([*lost, *kept]) == list(lost)
