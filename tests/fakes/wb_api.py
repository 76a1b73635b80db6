"""A stand-in World Bank API v2 on 127.0.0.1, speaking the real response formats.

It answers every endpoint wbgapi touches (see ``WB_API_SHAPES.md`` in the shared data):

- ``sources/2/series/{S;S}/country/{E;E|all}/time/{YR..;YR..|all}`` data, dict shape, paged
  by ``per_page``/``page``, one row per series x economy x year with ``null`` where the
  dataset has no value (as the real API does);
- ``sources/2/concepts`` and ``sources/2/{country|series|time}/{ids|all}`` (dict shape);
- ``country``, ``country/all``, ``region``, ``incomelevel``, ``lendingtype`` (``[meta, rows]``);
- the classic ``country/{E}/indicator/{CODE}`` endpoint (``[meta, rows]``, newest year first);
- International Debt Statistics, source 6 (when given an :class:`IdsDataset`):
  ``sources/6/series/{S}/country/{E}/counterpart-area/{C}/time/{T}`` data with the fourth
  variable ``Counterpart-Area`` (placed second in each row, as in the documented sample:
  readers must match by concept), ``sources/6/concepts``, and
  ``sources/6/{counterpart-area|country|series|time}/{ids|all}`` listings.

An optional language segment (``/v2/en/...``, as wbgapi sends) is accepted. Unknown series,
economy or time codes get the API's own error payload with HTTP 200.

Example:
    >>> with WorldBankStandIn(synthetic_dataset()) as api:   # doctest: +SKIP
    ...     api.fail("series/", "status", status=503, retry_after=1)
    ...     requests.get(api.url + "/en/sources/2/concepts?format=json")

Run as a separate process (for benchmarks)::

    python -m tests.fakes.wb_api --port 0 --latency 0.05

prints its base URL on the first line of stdout and serves until interrupted.
"""

from __future__ import annotations

import argparse
import csv
import json
import math
import random
import re
import signal
import sys
import threading
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from helpers import catalogue
from tests.fakes._http import send

WDI_ID = "2"
WDI_NAME = "World Development Indicators"
IDS_ID = "6"
IDS_NAME = "International Debt Statistics"
LAST_UPDATED = "2025-07-01"
DEFAULT_YEARS = range(1960, 2025)
FAULT_KINDS = ("status", "hang", "truncated", "html", "message", "empty", "body")
INVALID_VALUE = {
    "id": "120",
    "key": "Invalid value",
    "value": "The provided parameter value is not valid",
}
INDICATOR_NOT_FOUND = {
    "id": "175",
    "key": "Invalid format",
    "value": "The indicator was not found. It may have been deleted or archived.",
}
_JSON = "application/json;charset=utf-8"

# Classifications as the real /v2/country rows spell them (trailing spaces included).
REGIONS = {
    "EAS": ("Z4", "East Asia & Pacific"),
    "ECS": ("Z7", "Europe & Central Asia"),
    "LCN": ("ZJ", "Latin America & Caribbean "),
    "MEA": ("ZQ", "Middle East & North Africa"),
    "NAC": ("XU", "North America"),
    "SAS": ("8S", "South Asia"),
    "SSF": ("ZG", "Sub-Saharan Africa "),
}
INCOME_LEVELS = {
    "HIC": ("XD", "High income"),
    "UMC": ("XT", "Upper middle income"),
    "LMC": ("XN", "Lower middle income"),
    "LIC": ("XM", "Low income"),
}
LENDING_TYPES = {
    "IBD": ("XF", "IBRD"),
    "IDB": ("XH", "Blend"),
    "IDX": ("XI", "IDA"),
    "LNX": ("XX", "Not classified"),
}

# 42 countries and 6 aggregates; classifications as in the API's country list.
_COUNTRIES = [
    ("KEN", "KE", "Kenya", "SSF", "LMC", "IDB", "Nairobi"),
    ("ETH", "ET", "Ethiopia", "SSF", "LIC", "IDX", "Addis Ababa"),
    ("NGA", "NG", "Nigeria", "SSF", "LMC", "IDB", "Abuja"),
    ("GHA", "GH", "Ghana", "SSF", "LMC", "IDX", "Accra"),
    ("TZA", "TZ", "Tanzania", "SSF", "LMC", "IDX", "Dodoma"),
    ("UGA", "UG", "Uganda", "SSF", "LIC", "IDX", "Kampala"),
    ("RWA", "RW", "Rwanda", "SSF", "LIC", "IDX", "Kigali"),
    ("SEN", "SN", "Senegal", "SSF", "LMC", "IDX", "Dakar"),
    ("ZAF", "ZA", "South Africa", "SSF", "UMC", "IBD", "Pretoria"),
    ("MOZ", "MZ", "Mozambique", "SSF", "LIC", "IDX", "Maputo"),
    ("MWI", "MW", "Malawi", "SSF", "LIC", "IDX", "Lilongwe"),
    ("BGD", "BD", "Bangladesh", "SAS", "LMC", "IDX", "Dhaka"),
    ("IND", "IN", "India", "SAS", "LMC", "IBD", "New Delhi"),
    ("PAK", "PK", "Pakistan", "SAS", "LMC", "IDB", "Islamabad"),
    ("NPL", "NP", "Nepal", "SAS", "LMC", "IDX", "Kathmandu"),
    ("LKA", "LK", "Sri Lanka", "SAS", "LMC", "IDX", "Colombo"),
    ("AFG", "AF", "Afghanistan", "SAS", "LIC", "IDX", "Kabul"),
    ("BRA", "BR", "Brazil", "LCN", "UMC", "IBD", "Brasilia"),
    ("MEX", "MX", "Mexico", "LCN", "UMC", "IBD", "Mexico City"),
    ("COL", "CO", "Colombia", "LCN", "UMC", "IBD", "Bogota"),
    ("PER", "PE", "Peru", "LCN", "UMC", "IBD", "Lima"),
    ("BOL", "BO", "Bolivia", "LCN", "LMC", "IBD", "La Paz"),
    ("HTI", "HT", "Haiti", "LCN", "LMC", "IDX", "Port-au-Prince"),
    ("CHL", "CL", "Chile", "LCN", "HIC", "IBD", "Santiago"),
    ("CHN", "CN", "China", "EAS", "UMC", "IBD", "Beijing"),
    ("IDN", "ID", "Indonesia", "EAS", "UMC", "IBD", "Jakarta"),
    ("VNM", "VN", "Viet Nam", "EAS", "LMC", "IBD", "Hanoi"),
    ("PHL", "PH", "Philippines", "EAS", "LMC", "IBD", "Manila"),
    ("KHM", "KH", "Cambodia", "EAS", "LMC", "IDX", "Phnom Penh"),
    ("JPN", "JP", "Japan", "EAS", "HIC", "LNX", "Tokyo"),
    ("EGY", "EG", "Egypt, Arab Rep.", "MEA", "LMC", "IBD", "Cairo"),
    ("MAR", "MA", "Morocco", "MEA", "LMC", "IBD", "Rabat"),
    ("JOR", "JO", "Jordan", "MEA", "LMC", "IBD", "Amman"),
    ("TUN", "TN", "Tunisia", "MEA", "LMC", "IBD", "Tunis"),
    ("TUR", "TR", "Turkiye", "ECS", "UMC", "IBD", "Ankara"),
    ("UKR", "UA", "Ukraine", "ECS", "LMC", "IBD", "Kiev"),
    ("POL", "PL", "Poland", "ECS", "HIC", "IBD", "Warsaw"),
    ("DEU", "DE", "Germany", "ECS", "HIC", "LNX", "Berlin"),
    ("FRA", "FR", "France", "ECS", "HIC", "LNX", "Paris"),
    ("GBR", "GB", "United Kingdom", "ECS", "HIC", "LNX", "London"),
    ("USA", "US", "United States", "NAC", "HIC", "LNX", "Washington D.C."),
    ("CAN", "CA", "Canada", "NAC", "HIC", "LNX", "Ottawa"),
]
_AGGREGATES = [
    ("WLD", "1W", "World"),
    ("SSF", "ZG", "Sub-Saharan Africa "),
    ("EAS", "Z4", "East Asia & Pacific"),
    ("LIC", "XM", "Low income"),
    ("LMY", "XO", "Low & middle income"),
    ("HIC", "XD", "High income"),
]


def _ref(table: dict[str, tuple[str, str]], key: str) -> dict[str, str]:
    iso2, value = table[key]
    return {"id": key, "iso2code": iso2, "value": value}


def synthetic_economies(n: int | None = None) -> list[dict]:
    """Rows in the ``/v2/country`` shape: up to ``n`` countries (default all 42) + 6 aggregates."""
    rows = []
    for code, iso2, name, region, income, lending, capital in _COUNTRIES[:n]:
        rows.append(
            {
                "id": code,
                "iso2Code": iso2,
                "name": name,
                "region": _ref(REGIONS, region),
                "adminregion": {"id": "", "iso2code": "", "value": ""},
                "incomeLevel": _ref(INCOME_LEVELS, income),
                "lendingType": _ref(LENDING_TYPES, lending),
                "capitalCity": capital,
                "longitude": "0",
                "latitude": "0",
            }
        )
    for code, iso2, name in _AGGREGATES:
        rows.append(
            {
                "id": code,
                "iso2Code": iso2,
                "name": name,
                "region": {"id": "NA", "iso2code": "NA", "value": "Aggregates"},
                "adminregion": {"id": "", "iso2code": "", "value": ""},
                "incomeLevel": {"id": "NA", "iso2code": "NA", "value": "Aggregates"},
                "lendingType": {"id": "", "iso2code": "", "value": "Aggregates"},
                "capitalCity": "",
                "longitude": "",
                "latitude": "",
            }
        )
    return rows


def genuine_economies(rows_json: Path) -> list[dict] | None:
    """The real ``/v2/country`` rows (``rows_json/wb-country.rows.json``), or None if absent."""
    path = Path(rows_json)
    if path.is_dir():
        path = path / "wb-country.rows.json"
    if not path.is_file():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def _catalogue_series() -> dict[str, tuple[str, str]]:
    """World Bank catalogue codes -> (title, unit_kind)."""
    return {
        s.code: (s.title, s.unit_kind) for s in catalogue.load().series if s.source == "worldbank"
    }


# Plausible magnitudes per unit kind: (low, high) for the first year, yearly drift.
_SCALE = {
    "percent": (1.0, 60.0, 0.03),
    "percent_open": (-2.0, 25.0, 0.01),
    "usd": (1e7, 5e11, 0.04),
    "usd_millions": (10.0, 5e4, 0.04),
    "count": (1e6, 3e8, 0.02),
    "per_100": (0.5, 60.0, 0.06),
    "index": (30.0, 80.0, 0.01),
}


def synthetic_values(
    codes: dict[str, str],
    economies: list[dict],
    years: Iterable[int],
    seed: int = 17,
    gaps: float = 0.08,
) -> dict[tuple[str, str, int], float]:
    """Deterministic values {(code, economy, year): value} with some gaps.

    Args:
        codes: indicator code -> unit kind (decides the magnitude; percents stay in 0-100).
        economies: ``/v2/country`` rows.
        years: the years to fill.
        seed: the same seed gives the same numbers.
        gaps: share of economy-years left empty.
    """
    years = list(years)
    values: dict[tuple[str, str, int], float] = {}
    for code, kind in codes.items():
        low, high, drift = _SCALE.get(kind, _SCALE["index"])
        for econ in economies:
            if code.startswith("DT.ODA") and econ["incomeLevel"]["id"] == "HIC":
                continue  # high-income economies receive no ODA
            rng = random.Random(f"{seed}:{code}:{econ['id']}")
            level = rng.uniform(low, high)
            for year in years:
                level *= 1 + drift * rng.uniform(-0.5, 1.5)
                if rng.random() < gaps:
                    continue
                value = min(level, 100.0) if kind == "percent" else level
                values[(code, econ["id"], year)] = round(value, 4 if abs(value) < 1e6 else 0)
    return values


@dataclass
class Dataset:
    """What the stand-in serves.

    Attributes:
        values: {(indicator code, 3-letter economy, year): value}; absent keys are served as null.
        economies: rows in the ``/v2/country`` shape (countries and aggregates).
        series: indicator code -> name; codes outside it are unknown to the API.
        years: the time dimension (``YR1960``... in the API).
        last_updated: the ``lastupdated`` the data pages carry.
    """

    values: dict[tuple[str, str, int], float]
    economies: list[dict]
    series: dict[str, str]
    years: tuple[int, ...] = tuple(DEFAULT_YEARS)
    last_updated: str = LAST_UPDATED

    def without(self, code: str) -> Dataset:
        """A copy where ``code`` is known but has no values (the API answers with nulls)."""
        values = {k: v for k, v in self.values.items() if k[0] != code}
        return Dataset(values, self.economies, self.series, self.years, self.last_updated)


def synthetic_dataset(
    codes: Iterable[str] | None = None,
    n_economies: int | None = None,
    years: Iterable[int] = range(1990, 2025),
    economies: list[dict] | None = None,
    seed: int = 17,
) -> Dataset:
    """A dataset of synthetic values for World Bank catalogue codes (default: all of them).

    Args:
        codes: indicator codes to fill (others in the catalogue stay known but empty).
        n_economies: how many of the 42 built-in countries (aggregates always added).
        years: years with values; the time dimension is 1960-2024 regardless.
        economies: ``/v2/country`` rows to use instead of the built-in list.
        seed: for the values.
    """
    known = _catalogue_series()
    fill = list(known) if codes is None else list(codes)
    rows = economies if economies is not None else synthetic_economies(n_economies)
    kinds = {c: known.get(c, ("", "index"))[1] for c in fill}
    series = {c: title for c, (title, _) in known.items()}
    series.update({c: c for c in fill if c not in series})
    return Dataset(synthetic_values(kinds, rows, years, seed), rows, series)


def build_dataset(rows_json: Path | None = None, **kwargs) -> Dataset:
    """Synthetic values over the genuine economy list when ``rows_json`` holds it, else the
    built-in list. ``rows_json`` may be the ``rows_json`` folder or the country file itself."""
    economies = genuine_economies(rows_json) if rows_json is not None else None
    return synthetic_dataset(economies=economies, **kwargs)


# IDS counterparts in the API's spelling (a few, for tests without ../shared/data).
IDS_COUNTERPARTS = [
    ("001", "Austria"),
    ("004", "France"),
    ("005", "Germany"),
    ("006", "Italy"),
    ("009", "Japan"),
    ("010", "Netherlands"),
    ("013", "Norway"),
    ("016", "United Kingdom"),
    ("017", "United States"),
    ("055", "Turkiye"),
    ("406", "Brazil"),
    ("566", "Saudi Arabia"),
    ("646", "India"),
    ("730", "China"),
    ("740", "Korea, D.P.R. of"),
    ("735", "Hong Kong"),
    ("905", "World Bank-IDA"),
    ("901", "World Bank-IBRD"),
    ("BND", "Bondholders"),
    ("WLD", "World"),
]
IDS_CODES = {
    "DT.DIS.BLAT.CD": "PPG, bilateral (DIS, current US$)",
    "DT.DIS.BLTC.CD": "PPG, bilateral concessional (DIS, current US$)",
    "DT.TDS.BLAT.CD": "PPG, bilateral (TDS, current US$)",
    "DT.NFL.BLAT.CD": "Net financial flows, bilateral (NFL, current US$)",
}


@dataclass
class IdsDataset:
    """What the stand-in serves as source 6.

    Attributes:
        values: {(series code, debtor, counterpart id, year): value}; absent keys are null.
        debtors: ``/v2/country``-shaped rows of the IDS debtors.
        counterparts: (id, name) in the API's spelling.
        series: code -> name.
        years: the time dimension (IDS runs past the last year of data: projections).
    """

    values: dict[tuple[str, str, str, int], float]
    debtors: list[dict]
    counterparts: list[tuple[str, str]]
    series: dict[str, str]
    years: tuple[int, ...] = tuple(range(1970, 2032))
    last_updated: str = "2024-12-10"


def genuine_counterparts(shared: Path | None) -> list[tuple[str, str]] | None:
    """The 303 genuine IDS counterparts (``worldbank/ids_metadata/counterparts.csv`` under the
    shared data folder), or None if absent. Names there are WDI names, not the API's."""
    path = Path(shared) / "worldbank" / "ids_metadata" / "counterparts.csv" if shared else None
    if path is None or not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as fh:
        return [(r["counterpart_id"], r["counterpart_name"]) for r in csv.DictReader(fh)]


def genuine_debtors(shared: Path | None) -> list[dict] | None:
    """The 134 genuine IDS debtors (``worldbank/ids_metadata/entities.csv``) as ``/v2/country``
    rows, or None if absent."""
    path = Path(shared) / "worldbank" / "ids_metadata" / "entities.csv" if shared else None
    if path is None or not path.is_file():
        return None
    with path.open(encoding="utf-8", newline="") as fh:
        return [
            {"id": r["entity_id"], "iso2Code": r["entity_iso2code"], "name": r["entity_name"]}
            for r in csv.DictReader(fh)
        ]


def synthetic_ids(
    debtors: list[dict] | None = None,
    counterparts: list[tuple[str, str]] | None = None,
    years: Iterable[int] = range(2000, 2024),
    lend: float = 0.3,
    seed: int = 17,
) -> IdsDataset:
    """Deterministic IDS flows: each debtor borrows from a ``lend`` share of the counterparts;
    ``WLD`` is the sum over them. Default debtors: the built-in developing countries."""
    if debtors is None:
        debtors = [
            e
            for e in synthetic_economies()
            if e["region"]["id"] != "NA" and e["incomeLevel"]["id"] != "HIC"
        ]
    counterparts = counterparts or IDS_COUNTERPARTS
    values: dict[tuple[str, str, str, int], float] = {}
    years = list(years)
    for econ in debtors:
        for cid, _ in counterparts:
            rng = random.Random(f"{seed}:{econ['id']}:{cid}")
            if cid == "WLD" or rng.random() >= lend:
                continue
            level = rng.uniform(1e6, 5e8)
            for year in years:
                level *= 1 + 0.05 * rng.uniform(-1, 1.5)
                for code in IDS_CODES:
                    share = {"DT.DIS.BLTC.CD": 0.5, "DT.TDS.BLAT.CD": 0.4}.get(code, 1.0)
                    value = round(level * share, 0)
                    if code == "DT.NFL.BLAT.CD":
                        value = round(level * 0.7, 0)
                    values[(code, econ["id"], cid, year)] = value
                    key = (code, econ["id"], "WLD", year)
                    values[key] = values.get(key, 0.0) + value
    return IdsDataset(values, debtors, list(counterparts), dict(IDS_CODES))


@dataclass
class _Fault:
    pattern: re.Pattern
    kind: str
    times: int
    options: dict = field(default_factory=dict)


class _Answer(Exception):
    """Raised inside routing to answer at once (error payloads, 404s)."""

    def __init__(self, status: int, body: bytes, content_type: str = _JSON):
        super().__init__(status)
        self.status, self.body, self.content_type = status, body, content_type


def _dumps(obj) -> bytes:
    return json.dumps(obj, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def _message(msg: dict) -> _Answer:
    return _Answer(200, _dumps([{"message": [msg]}]))


def _int_param(query: dict[str, list[str]], name: str, default: int) -> int:
    raw = query.get(name, [str(default)])[0]
    if not raw.isdigit() or int(raw) < 1:
        raise _message(INVALID_VALUE)
    return int(raw)


class WorldBankStandIn:
    """A World Bank API v2 stand-in on 127.0.0.1, in a background thread.

    Args:
        data: what to serve (default: :func:`synthetic_dataset`).
        latency: seconds added to every response.
        port: 0 picks a free port.
        max_per_page: cap ``per_page`` like a cautious server would (None: honour any value).
        ids: what source 6 serves (default: :func:`synthetic_ids`).

    Attributes:
        url: ``http://127.0.0.1:<port>/v2``.
        requests: every path (with query string) requested, in order.
    """

    def __init__(
        self,
        data: Dataset | None = None,
        latency: float = 0.0,
        port: int = 0,
        max_per_page: int | None = None,
        ids: IdsDataset | None = None,
    ):
        self.data = data or synthetic_dataset()
        self.ids = ids if ids is not None else synthetic_ids()
        self.latency = latency
        self.max_per_page = max_per_page
        self.requests: list[str] = []
        self._port = port
        self._faults: list[_Fault] = []
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._url: str | None = None
        self._index()

    def _index(self) -> None:
        self._by_code = {e["id"].upper(): e for e in self.data.economies}
        self._by_iso2 = {e["iso2Code"].upper(): e for e in self.data.economies}
        self._years = {f"YR{y}": y for y in self.data.years}

    # -- lifecycle ------------------------------------------------------------------------
    def start(self) -> WorldBankStandIn:
        handler = type("Handler", (_Handler,), {"standin": self})
        self._server = _Server(("127.0.0.1", self._port), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        self._url = f"http://127.0.0.1:{self._server.server_address[1]}/v2"
        return self

    def stop(self) -> None:
        self._stop.set()  # wakes handlers sleeping in a hang or latency
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
            self._server = None

    def __enter__(self) -> WorldBankStandIn:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    @property
    def url(self) -> str:
        """The base URL; still readable after ``stop`` (then nothing listens there)."""
        if self._url is None:
            raise RuntimeError("the stand-in has not started; use it as a context manager")
        return self._url

    # -- faults ---------------------------------------------------------------------------
    def fail(self, pattern: str, kind: str, times: int = 1, **options) -> None:
        """Break the next ``times`` requests whose path and query match ``pattern`` (re.search).

        Kinds and their options:
            status: HTTP ``status`` (default 503), optional ``retry_after`` header value.
            hang: sleep ``seconds`` (default 2) before answering normally.
            truncated: the normal JSON body cut in half.
            html: an HTML error page with HTTP ``status`` (default 200).
            message: the API's error payload (``id``, ``key``, ``value`` override it).
            empty: a data page with ``total`` 0 and no rows.
            body: HTTP 200 with ``body`` (bytes) and ``content_type`` (default
                application/json), e.g. an empty or an XML body.
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; one of {', '.join(FAULT_KINDS)}")
        with self._lock:
            self._faults.append(_Fault(re.compile(pattern), kind, times, options))

    def _take_fault(self, path: str) -> _Fault | None:
        with self._lock:
            for fault in self._faults:
                if fault.times > 0 and fault.pattern.search(path):
                    fault.times -= 1
                    return fault
        return None

    def data_requests(self) -> list[str]:
        """The requests for WDI data pages (``sources/../series/..``; IDS pages not counted)."""
        return [
            p
            for p in self.requests
            if "/series/" in p and "/country/" in p and "/counterpart-area/" not in p
        ]

    # -- answering ------------------------------------------------------------------------
    def _handle(self, handler: _Handler) -> None:
        with self._lock:
            self.requests.append(handler.path)
        if self.latency and self._stop.wait(self.latency):
            return
        fault = self._take_fault(handler.path)
        if fault is not None and fault.kind == "hang":
            if self._stop.wait(float(fault.options.get("seconds", 2.0))):
                return
            fault = None
        try:
            status, body, ctype = 200, self._route(handler.path), _JSON
        except _Answer as ans:
            status, body, ctype = ans.status, ans.body, ans.content_type
        except Exception:  # a bug in the stand-in: say so rather than drop the connection
            status, body, ctype = 500, traceback.format_exc().encode(), "text/plain"
        headers: dict[str, str] = {}
        if fault is not None:
            status, body, ctype, headers = _apply(fault, status, body, ctype)
        handler.answer(status, body, ctype, headers)

    def _route(self, raw_path: str) -> bytes:
        parts = urlsplit(raw_path)
        query = parse_qs(parts.query)
        segs = [unquote(s) for s in parts.path.split("/") if s]
        if not segs or segs[0] != "v2":
            raise _Answer(404, b"<html><body>Not Found</body></html>", "text/html")
        segs = segs[1:]
        if segs and re.fullmatch(r"[a-z]{2}", segs[0]):
            segs = segs[1:]  # language prefix, as wbgapi sends (/v2/en/...)
        head = [s.lower() for s in segs]
        if head[:1] == ["sources"] and len(segs) >= 3 and segs[1] == IDS_ID:
            return self._ids_route(segs[2:], query)
        if head[:1] == ["sources"] and len(segs) >= 3:
            if segs[1] != WDI_ID:
                raise _message(INVALID_VALUE)
            rest = segs[2:]
            if head[2:] == ["concepts"]:
                return self._concepts()
            if len(rest) == 2 and rest[0].lower() in ("country", "series", "time"):
                return self._features(rest[0].lower(), rest[1], query)
            return self._data(rest, query)
        if head[:1] == ["country"] and len(segs) == 4 and head[2] == "indicator":
            return self._classic(segs[1], segs[3], query)
        if head[:1] == ["country"] and len(segs) <= 2:
            return self._countries(segs[1] if len(segs) == 2 else "all", query)
        if head[:1] in (["region"], ["incomelevel"], ["lendingtype"]) and len(segs) <= 2:
            return self._classifications(head[0], segs[1] if len(segs) == 2 else "all", query)
        raise _Answer(404, b"<html><body>Not Found</body></html>", "text/html")

    # -- source 6: International Debt Statistics ----------------------------------------
    def _ids_route(self, rest: list[str], query: dict) -> bytes:
        head = [r.lower() for r in rest]
        if head == ["concepts"]:
            names = ("Country", "Series", "Counterpart-Area", "Time")
            concepts = [{"id": c, "value": c.replace("-", " ")} for c in names]
            return _dumps(
                {
                    "page": 1,
                    "pages": 1,
                    "per_page": 50,
                    "total": len(concepts),
                    "source": [{"id": IDS_ID, "name": IDS_NAME, "concept": concepts}],
                }
            )
        if len(rest) == 2 and head[0] in ("country", "series", "time", "counterpart-area"):
            return self._ids_features(head[0], rest[1], query)
        return self._ids_data(rest, query)

    def _ids_listing(self, concept: str) -> list[dict]:
        ids = self.ids
        if concept == "country":
            return [{"id": e["id"], "value": e["name"]} for e in ids.debtors]
        if concept == "series":
            return [{"id": c, "value": n} for c, n in ids.series.items()]
        if concept == "counterpart-area":
            return [{"id": c, "value": n} for c, n in ids.counterparts]
        return [{"id": f"YR{y}", "value": str(y)} for y in ids.years]

    def _ids_features(self, concept: str, wanted: str, query: dict) -> bytes:
        allv = self._ids_listing(concept)
        if wanted.lower() != "all":
            by_id = {v["id"].upper(): v for v in allv}
            try:
                allv = [by_id[i.upper()] for i in wanted.split(";")]
            except KeyError:
                raise _message(INVALID_VALUE) from None
        page, per_page = _int_param(query, "page", 1), self._per_page(query, 50)
        label = "Counterpart-Area" if concept == "counterpart-area" else concept.capitalize()
        return _dumps(
            {
                "page": page,
                "pages": math.ceil(len(allv) / per_page),
                "per_page": per_page,
                "total": len(allv),
                "source": [
                    {
                        "id": IDS_ID,
                        "name": IDS_NAME,
                        "concept": [
                            {
                                "id": label,
                                "variable": allv[(page - 1) * per_page : page * per_page],
                            }
                        ],
                    }
                ],
            }
        )

    def _pick(self, concept: str, wanted: str) -> list[dict]:
        allv = self._ids_listing(concept)
        if wanted.lower() == "all":
            return allv
        by_id = {v["id"].upper(): v for v in allv}
        try:
            return [by_id[i.upper()] for i in wanted.split(";")]
        except KeyError:
            raise _message(INVALID_VALUE) from None

    def _ids_data(self, rest: list[str], query: dict) -> bytes:
        dims = {rest[i].lower(): rest[i + 1] for i in range(0, len(rest) - 1, 2)}
        if len(rest) % 2 or set(dims) != {"series", "country", "counterpart-area", "time"}:
            raise _message(INVALID_VALUE)
        series = self._pick("series", dims["series"])
        debtors = self._pick("country", dims["country"])
        creditors = self._pick("counterpart-area", dims["counterpart-area"])
        years = self._pick("time", dims["time"])
        page, per_page = _int_param(query, "page", 1), self._per_page(query, 50)
        sizes = (len(series), len(debtors), len(creditors), len(years))
        total = math.prod(sizes)
        rows = []
        for i in range((page - 1) * per_page, min(page * per_page, total)):
            rem, t = divmod(i, sizes[3])
            rem, c = divmod(rem, sizes[2])
            s_, e = divmod(rem, sizes[1])
            code, econ, cred, year = series[s_], debtors[e], creditors[c], years[t]
            rows.append(
                {
                    "variable": [
                        {"concept": "Country", "id": econ["id"], "value": econ["value"]},
                        {"concept": "Counterpart-Area", "id": cred["id"], "value": cred["value"]},
                        {"concept": "Series", "id": code["id"], "value": code["value"]},
                        {"concept": "Time", "id": year["id"], "value": year["value"]},
                    ],
                    "value": self.ids.values.get(
                        (code["id"], econ["id"], cred["id"], int(year["value"]))
                    ),
                }
            )
        return _dumps(
            {
                "page": page,
                "pages": math.ceil(total / per_page),
                "per_page": per_page,
                "total": total,
                "lastupdated": self.ids.last_updated,
                "source": {"id": IDS_ID, "name": IDS_NAME, "data": rows},
            }
        )

    def ids_data_requests(self) -> list[str]:
        """The requests for IDS data pages (``sources/6/..counterpart-area/..``)."""
        return [p for p in self.requests if "/counterpart-area/" in p and "/series/" in p]

    def _per_page(self, query: dict, default: int) -> int:
        per_page = _int_param(query, "per_page", default)
        return min(per_page, self.max_per_page) if self.max_per_page else per_page

    # sources/2/concepts, sources/2/{concept}/{ids}: dict shape with source as a list
    def _concepts(self) -> bytes:
        concepts = [{"id": c, "value": c} for c in ("Country", "Series", "Time")]
        return _dumps(
            {
                "page": 1,
                "pages": 1,
                "per_page": 50,
                "total": 3,
                "source": [{"id": WDI_ID, "name": WDI_NAME, "concept": concepts}],
            }
        )

    def _features(self, concept: str, ids: str, query: dict) -> bytes:
        if concept == "country":
            allv = [{"id": e["id"], "value": e["name"]} for e in self.data.economies]
        elif concept == "series":
            allv = [{"id": c, "value": n} for c, n in self.data.series.items()]
        else:
            allv = [{"id": f"YR{y}", "value": str(y)} for y in self.data.years]
        if ids.lower() != "all":
            by_id = {v["id"].upper(): v for v in allv}
            try:
                allv = [by_id[i.upper()] for i in ids.split(";")]
            except KeyError:
                raise _message(INVALID_VALUE) from None
        page, per_page = _int_param(query, "page", 1), self._per_page(query, 50)
        chunk = allv[(page - 1) * per_page : page * per_page]
        return _dumps(
            {
                "page": page,
                "pages": math.ceil(len(allv) / per_page),
                "per_page": per_page,
                "total": len(allv),
                "source": [
                    {
                        "id": WDI_ID,
                        "name": WDI_NAME,
                        "concept": [{"id": concept.capitalize(), "variable": chunk}],
                    }
                ],
            }
        )

    def _economies(self, ids: str) -> list[dict]:
        if ids.lower() == "all":
            return self.data.economies
        out = []
        for code in ids.split(";"):
            econ = self._by_code.get(code.upper()) or self._by_iso2.get(code.upper())
            if econ is None:
                raise _message(INVALID_VALUE)
            out.append(econ)
        return out

    # sources/2/series/{S}/country/{E}/time/{T}[/data]
    def _data(self, rest: list[str], query: dict) -> bytes:
        if rest and rest[-1].lower() == "data":
            rest = rest[:-1]
        dims = {rest[i].lower(): rest[i + 1] for i in range(0, len(rest) - 1, 2)}
        if len(rest) % 2 or set(dims) != {"series", "country", "time"}:
            raise _message(INVALID_VALUE)
        codes = [c.upper() for c in dims["series"].split(";")]
        series = {c.upper(): (c, n) for c, n in self.data.series.items()}
        if any(c not in series for c in codes):
            raise _message(INVALID_VALUE)
        economies = self._economies(dims["country"])
        if dims["time"].lower() == "all":
            years = list(self.data.years)
        else:
            try:
                years = [self._years[t.upper()] for t in dims["time"].split(";")]
            except KeyError:
                raise _message(INVALID_VALUE) from None
        page, per_page = _int_param(query, "page", 1), self._per_page(query, 50)
        total = len(codes) * len(economies) * len(years)
        rows = []
        # Only the rows of this page are built: row i is (series, economy, year) in that order.
        for i in range((page - 1) * per_page, min(page * per_page, total)):
            s, rem = divmod(i, len(economies) * len(years))
            e, t = divmod(rem, len(years))
            code, name = series[codes[s]]
            econ, year = economies[e], years[t]
            rows.append(
                {
                    "variable": [
                        {"concept": "Country", "id": econ["id"], "value": econ["name"]},
                        {"concept": "Series", "id": code, "value": name},
                        {"concept": "Time", "id": f"YR{year}", "value": str(year)},
                    ],
                    "value": self.data.values.get((code, econ["id"], year)),
                }
            )
        return _dumps(
            {
                "page": page,
                "pages": math.ceil(total / per_page),
                "per_page": per_page,
                "total": total,
                "lastupdated": self.data.last_updated,
                "source": {"id": WDI_ID, "name": WDI_NAME, "data": rows},
            }
        )

    # country/{E}/indicator/{CODE}: the classic [meta, rows] shape, newest year first
    def _classic(self, ids: str, code: str, query: dict) -> bytes:
        names = {c.upper(): (c, n) for c, n in self.data.series.items()}
        if code.upper() not in names:
            raise _message(INDICATOR_NOT_FOUND)
        code, name = names[code.upper()]
        economies = self._economies(ids)
        years = sorted(self.data.years, reverse=True)
        if "date" in query:
            lo, _, hi = query["date"][0].partition(":")
            years = [y for y in years if int(lo) <= y <= int(hi or lo)]
        page, per_page = _int_param(query, "page", 1), self._per_page(query, 50)
        total = len(economies) * len(years)
        rows = [
            {
                "indicator": {"id": code, "value": name},
                "country": {"id": econ["iso2Code"], "value": econ["name"]},
                "countryiso3code": econ["id"],
                "date": str(year),
                "value": self.data.values.get((code, econ["id"], year)),
                "unit": "",
                "obs_status": "",
                "decimal": 1,
            }
            for econ in economies
            for year in years
        ][(page - 1) * per_page : page * per_page]
        meta = {
            "page": page,
            "pages": math.ceil(total / per_page),
            "per_page": per_page,
            "total": total,
            "sourceid": WDI_ID,
            "sourcename": WDI_NAME,
            "lastupdated": self.data.last_updated,
        }
        return _dumps([meta, rows or None])

    def _paged_list(self, rows: list[dict], query: dict) -> bytes:
        page, per_page = _int_param(query, "page", 1), self._per_page(query, 50)
        # The metadata lists give per_page as a string.
        meta = {
            "page": page,
            "pages": math.ceil(len(rows) / per_page),
            "per_page": str(per_page),
            "total": len(rows),
        }
        return _dumps([meta, rows[(page - 1) * per_page : page * per_page]])

    def _countries(self, ids: str, query: dict) -> bytes:
        rows = self._economies(ids)
        for param, key in (
            ("region", "region"),
            ("incomelevel", "incomeLevel"),
            ("lendingtype", "lendingType"),
        ):
            if param in query:
                wanted = set(query[param][0].upper().split(";"))
                rows = [r for r in rows if r[key]["id"].upper() in wanted]
        return self._paged_list(rows, query)

    def _classifications(self, kind: str, ids: str, query: dict) -> bytes:
        countries = [e for e in self.data.economies if e["region"]["id"] != "NA"]
        if kind == "region":
            seen = {e["region"]["id"]: e["region"] for e in countries}
            rows = [
                {"id": "", "code": k, "iso2code": v["iso2code"], "name": v["value"]}
                for k, v in sorted(seen.items())
            ]
            key = "code"
        else:
            field_ = "incomeLevel" if kind == "incomelevel" else "lendingType"
            seen = {e[field_]["id"]: e[field_] for e in countries}
            rows = [dict(v) for _, v in sorted(seen.items())]
            key = "id"
        if ids.lower() != "all":
            wanted = {i.upper() for i in ids.split(";")}
            rows = [r for r in rows if r[key].upper() in wanted]
        return self._paged_list(rows, query)


def _apply(fault: _Fault, status: int, body: bytes, ctype: str):
    """Turn a normal answer into the injected fault: (status, body, content type, headers)."""
    opts = fault.options
    if fault.kind == "status":
        code = int(opts.get("status", 503))
        headers = {"Retry-After": str(opts["retry_after"])} if "retry_after" in opts else {}
        page = f"<html><body><h1>{code}</h1>Service unavailable</body></html>"
        return code, page.encode(), "text/html", headers
    if fault.kind == "truncated":
        return status, body[: len(body) // 2], ctype, {}
    if fault.kind == "html":
        page = (
            "<!DOCTYPE html><html><head><title>Error</title></head><body>"
            "<h1>The service is temporarily unavailable</h1></body></html>"
        )
        return int(opts.get("status", 200)), page.encode(), "text/html", {}
    if fault.kind == "body":
        return 200, opts.get("body", b""), opts.get("content_type", _JSON), {}
    if fault.kind == "message":
        msg = {**INVALID_VALUE, **{k: opts[k] for k in ("id", "key", "value") if k in opts}}
        return 200, _dumps([{"message": [msg]}]), _JSON, {}
    # empty: what the API sends when nothing matches
    return (
        200,
        _dumps(
            {
                "page": 0,
                "pages": 0,
                "per_page": 0,
                "total": 0,
                "lastupdated": LAST_UPDATED,
                "source": {"id": WDI_ID, "name": WDI_NAME, "data": []},
            }
        ),
        _JSON,
        {},
    )


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address) -> None:
        # A client that timed out and went away is expected (hang faults); stay quiet.
        exc = sys.exc_info()[1]
        if not isinstance(exc, ConnectionError):
            super().handle_error(request, client_address)


class _Handler(BaseHTTPRequestHandler):
    standin: WorldBankStandIn
    server_version = "WorldBankStandIn/1.0"

    def do_GET(self) -> None:
        self.standin._handle(self)

    def answer(self, status: int, body: bytes, ctype: str, headers: dict[str, str]) -> None:
        send(self, status, ctype, body, headers)

    def log_message(self, format, *args) -> None:
        pass


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per response")
    parser.add_argument("--economies", type=int, default=40, help="countries (max 42)")
    parser.add_argument("--start", type=int, default=1990)
    parser.add_argument("--end", type=int, default=2024)
    args = parser.parse_args(argv)
    data = synthetic_dataset(n_economies=args.economies, years=range(args.start, args.end + 1))
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with WorldBankStandIn(data, latency=args.latency, port=args.port) as api:
        print(api.url, flush=True)
        try:
            while not stop.wait(0.5):
                pass
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
