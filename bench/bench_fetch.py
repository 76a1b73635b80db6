"""Fetch benchmark against the stand-in World Bank, OECD and UN SDG APIs (50 ms per request).

Prints, for the whole catalogue:
  - requests and seconds for a cold ``sdg17 fetch`` (batched);
  - requests and seconds for a naive loop of one request per series per economy;
  - requests for a warm ``sdg17 fetch`` (should be 0);
  - seconds until a World Bank endpoint that accepts connections and never answers is
    reported, with the default timeouts, retries and deadline (about a minute; the target is
    under 120 s), while the OECD and UN SDG series are still fetched;
  - IDS lending by creditor (issue 12): requests and seconds to fetch the 4 IDS series for
    every IDS debtor and the default creditor set (Global South creditor countries, DAC
    members, WLD), against a naive loop of one request per debtor and creditor (timed on a
    sample and extrapolated: the full loop would take many minutes). With the genuine IDS
    code lists and WDI economy list from ../shared/data when present (134 debtors, 303
    counterparts), else the stand-in's synthetic lists.

The UN SDG stand-in serves the real 2020-release figures of ../shared/data/un_sdg when present
(synthetic rows for the other UN series); its naive loop is one request per UN series per area.

Run with ``make bench`` (or ``.venv/bin/python bench/bench_fetch.py [--latency 0.05]``;
``--only-hang`` runs the hang measurement alone, ``--skip-hang`` leaves it out, ``--only-ids``
runs the IDS measurement alone).
Nothing leaves 127.0.0.1; the store is a temporary directory.
"""

from __future__ import annotations

import argparse
import logging
import os
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import requests  # noqa: E402

from helpers import catalogue  # noqa: E402
from helpers.reference import m49  # noqa: E402
from helpers.sources.http import RateLimiter, RetryPolicy  # noqa: E402
from helpers.sources.oecd import api as oecd  # noqa: E402
from helpers.sources.unsdg import api as unsdg  # noqa: E402
from helpers.sources.worldbank import api as worldbank  # noqa: E402
from helpers.sources.worldbank import ids as ids_api  # noqa: E402
from helpers.store import fetch as store_fetch  # noqa: E402
from tests.fakes.oecd_api import OecdStandIn, benchmark_frames  # noqa: E402
from tests.fakes.unsdg_api import UnSdgStandIn, default_frame  # noqa: E402
from tests.fakes.wb_api import (  # noqa: E402
    WorldBankStandIn,
    build_dataset,
    genuine_counterparts,
    genuine_debtors,
    synthetic_dataset,
    synthetic_ids,
)

SDG17 = Path(sys.executable).with_name("sdg17")
SHARED = Path(os.environ.get("SDG17_SHARED_DATA", ROOT.parent / "shared" / "data"))
# IDS years fetched in the benchmark: a full-range default fetch is larger (see the note it
# prints), which a benchmark need not write to a temporary disk.
IDS_YEARS = range(2019, 2024)
UN_ROOT = SHARED / "un_sdg" if (SHARED / "un_sdg").is_dir() else None
UN_NAIVE_AREAS = 10
NAIVE_SAMPLE = 60


def _cli_fetch(env: dict[str, str]) -> tuple[float, str]:
    start = time.perf_counter()
    proc = subprocess.run(
        [str(SDG17), "fetch", "--quiet"], env=env, capture_output=True, text=True, check=False
    )
    elapsed = time.perf_counter() - start
    if proc.returncode != 0:
        sys.exit(f"sdg17 fetch failed ({proc.returncode}):\n{proc.stdout}\n{proc.stderr}")
    return elapsed, proc.stdout.strip()


# Settings the hang measurement must not inherit: it is about the defaults.
_HTTP_SETTINGS = (
    "SDG17_HTTP_TIMEOUT",
    "SDG17_HTTP_CONNECT_TIMEOUT",
    "SDG17_HTTP_RETRIES",
    "SDG17_HTTP_TIMEOUT_RETRIES",
    "SDG17_HTTP_BACKOFF",
    "SDG17_HTTP_MAX_WAIT",
    "SDG17_SOURCE_DEADLINE",
)


def _hanging_world_bank(latency: float) -> tuple[float, int, str, str]:
    """Seconds, exit code, summary and one World Bank reason of a cold fetch whose World Bank
    never answers."""
    with (
        WorldBankStandIn(synthetic_dataset()) as wb,
        OecdStandIn(benchmark_frames(), latency=latency) as oe,
        UnSdgStandIn(default_frame(UN_ROOT), latency=latency) as un,
        tempfile.TemporaryDirectory() as tmp,
    ):
        # Accepts every connection and never answers; stop() releases the handlers.
        wb.fail(".", "hang", times=10**6, seconds=600)
        env = {
            **{k: v for k, v in os.environ.items() if k not in _HTTP_SETTINGS},
            "SDG17_DATA_DIR": str(Path(tmp) / "data"),
            "SDG17_WB_API_URL": wb.url,
            "SDG17_OECD_API_URL": oe.url,
            "SDG17_UNSDG_API_URL": un.url,
        }
        env.pop("SDG17_OFFLINE", None)
        start = time.perf_counter()
        proc = subprocess.run(
            [str(SDG17), "fetch", "--quiet"], env=env, capture_output=True, text=True, check=False
        )
        elapsed = time.perf_counter() - start
    reason = next(
        (line.strip() for line in proc.stderr.splitlines() if "SP.POP.TOTL:" in line), "?"
    )
    return elapsed, proc.returncode, proc.stdout.strip(), reason


def _report_hang(latency: float) -> None:
    hang_s, hang_rc, hang_out, hang_reason = _hanging_world_bank(latency)
    print(
        f"{'hanging World Bank reported':28}{'':>10}{hang_s:>10.2f}  "
        f"(exit {hang_rc}, default settings, target < 120 s)"
    )
    print(f"hanging World Bank: {hang_out}\n  one series' reason: {hang_reason[:240]}...")


def _naive(
    wb_econ: list[str],
    providers: list[str],
    recipients: list[str],
    un_areas: list[str],
    state: Path,
) -> float:
    """One request per series per economy, the way a simple loop over the APIs would do it."""
    policy = RetryPolicy(attempts=1, timeout=30)
    limiter = RateLimiter(state, 10**6, 3600)  # no client-side limit, to time the loop alone
    start = time.perf_counter()
    for s in catalogue.resolve(catalogue.load().ids("worldbank")):
        for econ in wb_econ:
            worldbank.fetch([s], [econ], None, None, policy)
    for s in catalogue.resolve(catalogue.load().ids("oecd")):
        economies = providers if s.dataflow == "dac1" else recipients
        for econ in economies:
            oecd.fetch([s], [econ], None, None, policy, limiter=limiter)
    for s in catalogue.resolve(catalogue.load().ids("unsdg")):
        for econ in un_areas:
            unsdg.fetch([s], [econ], None, None, policy)
    return time.perf_counter() - start


def _ids_bench(latency: float) -> None:
    """IDS: the batched fetch of the default creditor set against one request per debtor
    and creditor (timed on a sample of pairs, extrapolated)."""
    debtors = genuine_debtors(SHARED)
    counterparts = genuine_counterparts(SHARED)
    genuine = debtors is not None and counterparts is not None
    ids_data = synthetic_ids(debtors=debtors, counterparts=counterparts, years=IDS_YEARS, lend=0.1)
    rows_json = SHARED / "api-samples" / "worldbank" / "rows_json"
    wb_data = build_dataset(rows_json if rows_json.is_dir() else None, codes=[])
    series = catalogue.load().ids("ids")
    start, end = IDS_YEARS[0], IDS_YEARS[-1]
    with (
        WorldBankStandIn(wb_data, latency=latency, ids=ids_data) as wb,
        tempfile.TemporaryDirectory() as tmp,
    ):
        os.environ.update({"SDG17_WB_API_URL": wb.url, "SDG17_DATA_DIR": str(Path(tmp) / "d")})
        began = time.perf_counter()
        report = store_fetch.run_fetch(series, start=start, end=end, progress=False)
        batched_s = time.perf_counter() - began
        if not report.ok:
            sys.exit(f"IDS fetch failed: {report.failures}")
        batched_req = len(wb.requests)
        data_urls = wb.ids_data_requests()
        creditors = {
            c for u in data_urls for c in u.split("/counterpart-area/")[1].split("/")[0].split(";")
        }
        pairs = [(d["id"], c) for d in ids_data.debtors for c in sorted(creditors)]
        rng = random.Random(17)
        sample = rng.sample(pairs, min(NAIVE_SAMPLE, len(pairs)))
        years = ";".join(f"YR{y}" for y in IDS_YEARS)
        codes = ";".join(catalogue.get(s).code for s in series)
        session = requests.Session()
        began = time.perf_counter()
        for debtor, creditor in sample:
            url = (
                f"{wb.url}/en/sources/{ids_api.DB}/series/{codes}/country/{debtor}/"
                f"counterpart-area/{creditor}/time/{years}"
            )
            session.get(url, params={"format": "json", "per_page": 1000}, timeout=30)
        sample_s = time.perf_counter() - began
    naive_s = sample_s / len(sample) * len(pairs)
    print(
        f"\nIDS by creditor ({'genuine' if genuine else 'synthetic'} code lists: "
        f"{len(ids_data.debtors)} debtors, {len(ids_data.counterparts)} counterparts; default "
        f"creditor set {len(creditors)}; {len(series)} series; years {start}-{end})"
    )
    print(f"{'':28}{'requests':>10}{'seconds':>10}")
    print(f"{'batched (sdg17 fetch)':28}{batched_req:>10}{batched_s:>10.2f}")
    print(
        f"{'naive (debtor x creditor)':28}{len(pairs):>10}{naive_s:>10.2f}  "
        f"(extrapolated from {len(sample)} requests timed in {sample_s:.2f} s)"
    )
    queries = {u.split("?")[0] for u in data_urls}
    print(
        f"batched: {len(queries)} data queries (URLs cut by wbgapi to stay under its limit), "
        f"{len(data_urls)} data pages, plus the creditor list, economy list and time dimension"
    )
    rows = len(series) * len(ids_data.debtors) * len(creditors)
    print(
        f"note: the API sends a row (null or not) per series x debtor x creditor x year, "
        f"{rows * len(IDS_YEARS):,} rows here; every IDS year (62, with projections) "
        f"would be {rows * 62:,} rows, about {rows * 62 // worldbank.PER_PAGE + 1} pages of "
        f"{worldbank.PER_PAGE:,}; pass --start-year to fetch fewer."
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per request")
    parser.add_argument("--only-hang", action="store_true", help="only the hanging-API line")
    parser.add_argument("--skip-hang", action="store_true", help="leave the hanging-API line out")
    parser.add_argument("--only-ids", action="store_true", help="only the IDS measurement")
    args = parser.parse_args()
    # The naive loop asks for economies with no data for some series; those answers are
    # expected and counted, not worth a warning each.
    logging.basicConfig(level=logging.ERROR)
    if args.only_hang:
        _report_hang(args.latency)
        return
    if args.only_ids:
        _ids_bench(args.latency)
        return

    frames = benchmark_frames()
    wb_data = synthetic_dataset()
    un_frame = default_frame(UN_ROOT)
    with (
        WorldBankStandIn(wb_data, latency=args.latency) as wb,
        OecdStandIn(frames, latency=args.latency) as oe,
        UnSdgStandIn(un_frame, latency=args.latency) as un,
        tempfile.TemporaryDirectory() as tmp,
    ):
        env = {
            **os.environ,
            "SDG17_DATA_DIR": str(Path(tmp) / "data"),
            "SDG17_WB_API_URL": wb.url,
            "SDG17_OECD_API_URL": oe.url,
            "SDG17_OECD_RATE_LIMIT": "60/3600",
            "SDG17_UNSDG_API_URL": un.url,
        }
        env.pop("SDG17_OFFLINE", None)

        def sent() -> int:
            return len(wb.requests) + len(oe.requests) + len(un.requests)

        cold_s, cold_out = _cli_fetch(env)
        cold_req = sent()
        cold_un = len(un.requests)

        warm_s, warm_out = _cli_fetch(env)
        warm_req = sent() - cold_req

        wb_econ = sorted({econ for (_, econ, _) in wb_data.values})
        providers = sorted(frames["dac1"]["DONOR"].unique())
        recipients = sorted(frames["dac2a"]["RECIPIENT"].unique())
        # The UN areas a naive loop asks for one by one (as economy codes): a sample of
        # UN_NAIVE_AREAS, as a loop over all 300 areas would take many minutes.
        un_areas = sorted({m49.economy(a) for a in un_frame["area"].unique()})[:UN_NAIVE_AREAS]
        before = sent()
        os.environ.update(
            {
                "SDG17_WB_API_URL": wb.url,
                "SDG17_OECD_API_URL": oe.url,
                "SDG17_OECD_DAC1_VERSION": "1.6",
                "SDG17_OECD_DAC2A_VERSION": "1.6",
                "SDG17_UNSDG_API_URL": un.url,
                "SDG17_DATA_DIR": str(Path(tmp) / "naive"),
            }
        )
        naive_s = _naive(wb_econ, providers, recipients, un_areas, Path(tmp) / "rate.json")
        naive_req = sent() - before

    n_series = len(catalogue.load().series)
    print(
        f"stand-in latency: {args.latency * 1000:.0f} ms per request; catalogue: {n_series} "
        f"series; World Bank economies: {len(wb_econ)}; DAC1 providers: {len(providers)}; "
        f"DAC2A recipients: {len(recipients)}; UN SDG: "
        f"{'real 2020 figures' if UN_ROOT else 'synthetic'}, naive loop over {len(un_areas)} "
        "areas (a sample)"
    )
    print(f"{'':28}{'requests':>10}{'seconds':>10}")
    print(f"{'cold sdg17 fetch (batched)':28}{cold_req:>10}{cold_s:>10.2f}  ({cold_un} to the UN)")
    print(f"{'naive loop (series x econ)':28}{naive_req:>10}{naive_s:>10.2f}")
    print(f"{'warm sdg17 fetch':28}{warm_req:>10}{warm_s:>10.2f}")
    print(
        f"speed-up cold vs naive: {naive_s / cold_s:.1f}x time, "
        f"{naive_req / max(cold_req, 1):.0f}x fewer requests"
    )
    print(f"cold: {cold_out}\nwarm: {warm_out}")
    _ids_bench(args.latency)
    if not args.skip_hang:
        _report_hang(args.latency)


if __name__ == "__main__":
    main()
