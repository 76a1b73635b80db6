"""The sdg17 command end to end against the stand-in World Bank and OECD APIs on 127.0.0.1."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time

import pytest

from helpers import catalogue, cli, tidy
from helpers.paths import ROOT
from helpers.store import Store
from tests.fakes.apis import stand_ins
from tests.fakes.wb_api import synthetic_dataset

WB_DATA = synthetic_dataset(n_economies=12, years=range(2000, 2024))
ALL = len(catalogue.load().series)


@pytest.fixture
def apis(monkeypatch):
    with stand_ins(monkeypatch, WB_DATA) as pair:
        yield pair


def _requests(apis) -> int:
    return sum(len(api.requests) for api in apis)


def _run(capsys, *args) -> tuple[int, str, str]:
    code = cli.main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_cold_fetch_is_batched_and_a_warm_fetch_makes_no_request(apis, capsys):
    code, out, _ = _run(capsys, "fetch", "--quiet")
    assert code == 0, out
    cold = _requests(apis)
    un = apis[2]
    # 31 series for every economy (4 of them IDS, by creditor): a handful of batched calls;
    # the UN SDG series: the series list and a few pages of one batched request
    assert cold - len(un.requests) <= 14 and len(un.requests) <= 6
    assert f"{ALL} series stored" in out and f"{cold} requests" in out
    code, out, _ = _run(capsys, "fetch", "--quiet")
    assert code == 0 and _requests(apis) == cold
    assert f"{ALL} already fresh, 0 requests" in out


def test_refresh_fetches_again_and_keeps_the_old_snapshot(apis, capsys):
    _run(capsys, "fetch", "--quiet", "--series", "IT.NET.USER.ZS")
    before = _requests(apis)
    code, _, _ = _run(capsys, "fetch", "--quiet", "--refresh", "--series", "IT.NET.USER.ZS")
    assert code == 0 and _requests(apis) > before
    assert len(Store().history("IT.NET.USER.ZS")) == 2


def test_fetched_values_reach_the_tidy_table_with_provenance(apis, capsys):
    # KEN is a recipient: DAC1 (by provider) has nothing for it, which is a note, not a failure.
    code, out, _ = _run(
        capsys,
        "fetch",
        "--quiet",
        "--series",
        "IT.NET.USER.ZS",
        "DAC2A.ODA.RECEIVED.CURRENT",
        "DAC1.ODA.GNI.GE",
        "--economies",
        "KEN",
    )
    assert code == 0 and "note: DAC1.ODA.GNI.GE: nothing for the economies asked for" in out
    code, _, _ = _run(
        capsys, "fetch", "--quiet", "--series", "DAC1.ODA.GNI.GE", "--economies", "NOR", "ARE"
    )
    assert code == 0
    frame = tidy.load(["IT.NET.USER.ZS"], economies=["KEN"])
    code, econ, year = "IT.NET.USER.ZS", "KEN", 2020
    assert frame.query("year == @year")["value"].item() == pytest.approx(
        WB_DATA.values[(code, econ, year)]
    )
    assert frame["vintage"].str.contains("updated 2025-07-01").all()
    assert set(tidy.load(["DAC1.ODA.GNI.GE"])["economy"]) == {"NOR", "ARE"}
    assert set(tidy.load(["DAC2A.ODA.RECEIVED.CURRENT"])["economy"]) == {"KEN"}
    snap = Store().latest("DAC1.ODA.GNI.GE")
    assert snap.meta["dataflow_version"] == "1.6" and snap.meta["licence"].startswith("CC BY")
    # An economy the World Bank answers with an error fails that fetch, exit 1.
    code, _, err = _run(capsys, "fetch", "--quiet", "--series", "SP.POP.TOTL", "--economies", "NOR")
    assert code == 1 and "SP.POP.TOTL" in err and "Invalid value" in err


def test_offline_makes_no_request_and_names_what_is_missing(apis, capsys, monkeypatch):
    _run(capsys, "fetch", "--quiet", "--series", "IT.NET.USER.ZS")
    before = _requests(apis)
    code, out, _ = _run(capsys, "fetch", "--offline", "--series", "IT.NET.USER.ZS")
    assert code == 0 and "no request" in out
    monkeypatch.setenv("SDG17_OFFLINE", "1")
    code, _, err = _run(capsys, "fetch", "--series", "IT.NET.USER.ZS", "SP.POP.TOTL")
    assert code == 1
    assert "SP.POP.TOTL" in err and "sdg17 import" in err and "IT.NET.USER.ZS," not in err
    assert _requests(apis) == before


def test_a_failing_series_does_not_stop_the_others(apis, capsys):
    wb, *_ = apis
    wb.fail(r"IQ\.SPI\.OVRL", "message", times=20)
    code, out, err = _run(
        capsys, "fetch", "--quiet", "--series", "IT.NET.USER.ZS", "IQ.SPI.OVRL", "SP.POP.TOTL"
    )
    assert code == 1
    assert "IQ.SPI.OVRL" in err and "1 series failed" in err
    assert Store().missing(["IT.NET.USER.ZS", "SP.POP.TOTL", "IQ.SPI.OVRL"]) == ["IQ.SPI.OVRL"]
    assert "2 series stored" in out


@pytest.mark.parametrize(
    "args, message",
    [
        (["--series", "NOT.A.CODE"], "unknown series: NOT.A.CODE"),
        (["--economies", "KEN", "XYZ"], "XYZ"),
        (["--start-year", "2020", "--end-year", "2000"], "after end year"),
        (["--start-year", "1800"], "outside"),
        (["--start-year", "twenty"], "not a year"),
    ],
)
def test_bad_input_exits_2_and_writes_nothing(apis, capsys, args, message):
    code, _, err = _run_safely(capsys, "fetch", "--quiet", *args)
    assert code == 2 and message in err
    assert _requests(apis) == 0
    assert Store().snapshots() == []


def _run_safely(capsys, *args):
    try:
        return _run(capsys, *args)
    except SystemExit as exc:  # argparse's own errors
        out, err = capsys.readouterr()
        return exc.code, out, err


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_unreachable_network_says_so_and_points_to_demo_and_import(capsys, monkeypatch):
    port = _closed_port()
    monkeypatch.setenv("SDG17_WB_API_URL", f"http://127.0.0.1:{port}/v2")
    monkeypatch.setenv("SDG17_OECD_API_URL", f"http://127.0.0.1:{port}/public/rest")
    monkeypatch.setenv("SDG17_HTTP_RETRIES", "2")
    code, _, err = _run(capsys, "fetch", "--quiet", "--series", "IT.NET.USER.ZS", "DAC1.ODA.GNI.GE")
    assert code == 1
    assert "network looks unreachable" in err and "make demo" in err and "sdg17 import" in err


def test_status_lists_series_vintage_and_staleness(apis, capsys):
    _run(capsys, "fetch", "--quiet", "--series", "IT.NET.USER.ZS")
    code, out, _ = _run(capsys, "status", "--json")
    rows = {r["series"]: r for r in json.loads(out)}
    row = rows["IT.NET.USER.ZS"]
    assert code == 0 and row["stale"] == "no" and row["economies"] == 12
    assert row["aggregates"] == 6
    assert row["years"] == "2000-2023" and "2025-07-01" in row["vintage"]
    code, out, _ = _run(capsys, "status", "--all")
    assert "SP.POP.TOTL" in out and "missing" in out


def test_status_on_an_empty_store_says_how_to_fill_it(capsys):
    code, out, _ = _run(capsys, "status")
    assert code == 0 and "sdg17 fetch" in out and "sdg17 demo" in out


def test_import_of_an_unrecognised_file_exits_2(tmp_path, capsys):
    bad = tmp_path / "notes.csv"
    bad.write_text("a,b\n1,2\n")
    code, _, err = _run(capsys, "import", str(bad))
    assert code == 2 and "notes.csv" in err
    assert Store().snapshots() == []


def test_demo_builds_a_separate_store_with_the_notice(capsys, tmp_path):
    code, out, _ = _run(capsys, "demo", "--root", str(tmp_path / "demo"))
    assert code == 0 and "Synthetic demo data" in out
    assert Store().snapshots() == []  # the real store is untouched
    assert Store(tmp_path / "demo").is_demo()


def _env(apis) -> dict[str, str]:
    return {**os.environ, "PYTHONPATH": str(ROOT)}


def test_two_fetches_at_once_fetch_once(apis, tmp_path):
    cmd = [sys.executable, "-m", "helpers.cli", "fetch", "--quiet"]
    procs = [
        subprocess.Popen(
            cmd, env=_env(apis), cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        for _ in range(2)
    ]
    outs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    stored = sorted(o[0] for o in outs)
    assert "0 series stored" in stored[0] and f"{ALL} series stored" in stored[1]
    for snap in Store().snapshots():
        snap.verify()


def test_a_killed_fetch_leaves_no_partial_snapshot(apis):
    wb, *_ = apis
    wb.fail("/series/", "hang", times=1, seconds=30)
    proc = subprocess.Popen(
        [sys.executable, "-m", "helpers.cli", "fetch", "--quiet", "--series", "IT.NET.USER.ZS"],
        env=_env(apis),
        cwd=ROOT,
    )
    deadline = time.monotonic() + 30
    while not any("/series/" in p for p in wb.requests) and time.monotonic() < deadline:
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    store = Store()
    assert store.missing(["IT.NET.USER.ZS"]) == ["IT.NET.USER.ZS"]
    assert all(s.format == "wb-economies-json" for s in store.snapshots())
    code = subprocess.run(
        [sys.executable, "-m", "helpers.cli", "fetch", "--quiet", "--series", "IT.NET.USER.ZS"],
        env=_env(apis),
        cwd=ROOT,
    ).returncode
    assert code == 0 and not store.missing(["IT.NET.USER.ZS"])


def test_no_dns_fails_at_once_without_retries(capsys, monkeypatch):
    import requests

    calls = []

    def no_dns(self, request, **kwargs):
        calls.append(request.url)
        # As requests' adapter does: the request attached, the lookup failure as the cause.
        raise requests.ConnectionError(
            "Max retries exceeded", request=request
        ) from socket.gaierror(-2, "Name or service not known")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", no_dns)
    code, _, err = _run(capsys, "fetch", "--quiet")
    assert code == 1 and "network looks unreachable" in err
    # One try per request (UN series list, IDS creditor list, economy list, data batch, two
    # OECD structure queries), no retries.
    assert len(calls) == 6
    assert "cannot resolve api.worldbank.org" in err and "cannot resolve sdmx.oecd.org" in err


def test_status_data_demo_reads_the_demo_store(capsys, tmp_path, monkeypatch):
    monkeypatch.setenv("SDG17_DEMO_DIR", str(tmp_path / "demo"))
    code, out, _ = _run(capsys, "status", "--data", "demo")
    assert code == 0 and "sdg17 demo" in out  # not built yet: says how to build it
    _run(capsys, "demo")
    code, out, _ = _run(capsys, "status", "--data", "demo")
    assert code == 0 and f"store: {(tmp_path / 'demo').resolve()}" in out
    assert "[synthetic demo data]" in out and "IT.NET.USER.ZS" in out
    code, out, _ = _run(capsys, "status", "--data", "demo", "--json")
    assert code == 0 and "IT.NET.USER.ZS" in {r["series"] for r in json.loads(out)}
    code, out, _ = _run(capsys, "status", "--data", "offline")  # the store at SDG17_DATA_DIR
    assert code == 0 and "The store is empty" in out and "[synthetic" not in out


def test_status_refuses_an_unknown_data_choice(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["status", "--data", "live"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "'demo'" in err and "'offline'" in err
