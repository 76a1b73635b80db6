"""A stand-in UN SDG Global Database API v1 on 127.0.0.1, in the shapes of
``shared/data/api-samples/unsdg/`` and serving the real figures of ``shared/data/un_sdg/``.

Routes:

* ``/v1/sdg/Series/List?allreleases=false``: one entry per served series code (``code``,
  ``release``, ``description``, ``goal``, ``target``, ``indicator``).
* ``/v1/sdg/Series/Data?seriesCode=..&seriesCode=..&areaCode=..&timePeriodStart=&
  timePeriodEnd=&page=&pageSize=``: the matching rows, sorted by series, area, year and
  dimensions, paged (``pageSize`` default 25, ``page`` 1-based) with ``totalElements`` and
  ``totalPages``. A series code it does not serve gets HTTP 400
  ``{"status":400,"message":"Invalid series code(s): X"}`` (the assumed body: the shapes note
  says the real one could not be confirmed).

The real figures (:func:`real_frame`): the DDF files turned into API rows (codes upper-cased,
``Reporting Type`` G added, names from ``ddf--entities--geo_area.csv``); the 2020 file of
IT_NET_BBP is served under its old code and under today's IT_NET_BBND. Catalogue series the
real files lack get synthetic rows (:func:`synthetic_frame`), made up for tests only.

``fail(pattern, kind, times=1, **kw)`` makes the next ``times`` requests whose target (path and
query) matches ``pattern`` misbehave:

    status      HTTP ``status`` (default 503), optional ``retry_after`` header and ``body``
    hang        answer only after ``seconds`` (default 10); the client should time out first
    html        200 with an HTML maintenance page
    truncated   the normal body cut at byte ``at`` (default: the middle)
    body        ``status`` (default 200) with ``body`` (bytes) and ``content_type``

Run ``python -m tests.fakes.unsdg_api --port 8766 --latency 0.05`` to serve it for a benchmark.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import json
import math
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

import pandas as pd

from helpers import catalogue
from tests.fakes._http import Rule, StandInServer

PREFIX = "/sdgapi"
JSON_TYPE = "application/json; charset=utf-8"
RELEASE = "2022.Q1.G.03"
# The real series files and the API's names for their DDF columns.
DDF_FILES = {
    "DC_FTA_TOTAL": "ddf--datapoints--dc_fta_total--by--geo_area--nature--units--year.csv",
    "IT_NET_BBP": (
        "ddf--datapoints--it_net_bbp--by--geo_area--nature--type_of_speed--units--year.csv"
    ),
    "TX_EXP_GBMRCH": "ddf--datapoints--tx_exp_gbmrch--by--geo_area--nature--units--year.csv",
    "TX_IMP_GBMRCH": "ddf--datapoints--tx_imp_gbmrch--by--geo_area--nature--units--year.csv",
}
ALIASES = {"IT_NET_BBP": "IT_NET_BBND"}  # served under both codes (2020 code, 2022 code)
ATTRIBUTES = ("Nature", "Units")
API_NAMES = {"nature": "Nature", "units": "Units", "type_of_speed": "Type of speed"}
_HTML = b"<html><body><h1>Service temporarily unavailable</h1></body></html>"


# -- frames --------------------------------------------------------------------------------
@functools.cache
def _real(root: str) -> pd.DataFrame:
    folder = Path(root)
    names = pd.read_csv(folder / "ddf--entities--geo_area.csv", dtype=str, keep_default_na=False)
    names = dict(zip(names["geo_area"], names["name"], strict=True))
    concepts = pd.read_csv(folder / "ddf--concepts--continuous.csv", dtype=str).set_index("name")
    frames = []
    for code, file in DDF_FILES.items():
        ddf = pd.read_csv(folder / file, dtype=str, keep_default_na=False)
        value = ddf.columns[-1]
        dims = [c for c in ddf.columns if c not in ("geo_area", "year", value)]
        rows = pd.DataFrame(
            {
                "series": code,
                "description": concepts.loc[code, "description"],
                "indicator": concepts.loc[code, "indicator"],
                "area": ddf["geo_area"],
                "area_name": ddf["geo_area"].map(names),
                "year": ddf["year"].astype(int),
                "value": ddf[value],
                "Reporting Type": "G",
            }
        )
        for col in dims:
            rows[API_NAMES.get(col, col.replace("_", " ").capitalize())] = ddf[col].str.upper()
        frames.append(rows)
        if code in ALIASES:
            frames.append(rows.assign(series=ALIASES[code]))
    return pd.concat(frames, ignore_index=True)


def real_frame(root: Path | str) -> pd.DataFrame:
    """The real 2020-release figures of ``root`` (``shared/data/un_sdg``) as API rows."""
    return _real(str(root)).copy()


SYNTHETIC_AREAS = {
    "404": "Kenya",
    "50": "Bangladesh",
    "578": "Norway",
    "392": "Japan",
    "199": "Least Developed Countries (LDCs)",
    "515": "Developing regions",
}


def synthetic_frame(codes: list[str] | None = None, years=range(2015, 2021)) -> pd.DataFrame:
    """Made-up rows (tests only) for UN catalogue series: six areas, a value per year; flags
    0/1, other values between 1 and 60; series with a ``select`` get a second, unselected
    slice so that the selection is exercised."""
    cat = [s for s in catalogue.load().series if s.source == "unsdg"]
    rows = []
    for s in cat:
        if codes is not None and s.code not in codes:
            continue
        for i, (area, name) in enumerate(SYNTHETIC_AREAS.items()):
            for year in years:
                if s.unit_kind == "flag":
                    value = str((year + i) % 2)
                else:
                    value = f"{1 + (i * 7 + (year - 2000) * 1.3 + len(s.code)) % 59:.2f}"
                base = {
                    "series": s.code,
                    "description": s.title,
                    "indicator": s.sdg,
                    "area": area,
                    "area_name": name,
                    "year": year,
                    "value": value,
                    "Reporting Type": "G",
                    "Nature": "C",
                    "Units": "PERCENT",
                }
                for key, val in s.select.items():
                    base[key] = val
                rows.append(base)
                for key in s.select:
                    if key != "Units":
                        rows.append(base | {key: "OTHER", "value": "99"})
    return pd.DataFrame(rows)


def default_frame(root: Path | str | None) -> pd.DataFrame:
    """The real figures when ``root`` is given, plus synthetic rows for every other catalogue
    UN series (so a fetch of the whole catalogue finds each)."""
    real = real_frame(root) if root is not None else pd.DataFrame(columns=["series"])
    missing = [
        s.code
        for s in catalogue.load().series
        if s.source == "unsdg" and s.code not in set(real["series"])
    ]
    return pd.concat([real, synthetic_frame(missing)], ignore_index=True)


# -- the server ----------------------------------------------------------------------------
@dataclass
class Seen:
    """One request the stand-in answered."""

    kind: str  # "list", "data" or "other"
    path: str
    params: list[tuple[str, str]]
    status: int = 0

    def values(self, name: str) -> list[str]:
        return [v for k, v in self.params if k == name]


class UnSdgStandIn(StandInServer):
    """The stand-in server; use as a context manager.

    Args:
        frame: API rows (:func:`real_frame`, :func:`synthetic_frame`, :func:`default_frame`).
        release: the release the series list gives every series.
        unlisted: series codes served but left out of the series list.
        latency: seconds to wait before answering each request.
        port: 0 for any free port.
    """

    PREFIX = PREFIX
    FAULTS = ("status", "hang", "html", "truncated", "body")

    def __init__(
        self,
        frame: pd.DataFrame,
        release: str = RELEASE,
        unlisted: tuple[str, ...] = (),
        latency: float = 0.0,
        port: int = 0,
    ):
        self.frame = frame.reset_index(drop=True)
        self.release = release
        self.unlisted = set(unlisted)
        super().__init__(latency, port)

    def record(self, path: str, query: str) -> Seen:
        kind = {"/v1/sdg/Series/List": "list", "/v1/sdg/Series/Data": "data"}
        params = parse_qsl(query, keep_blank_values=True)
        return Seen(kind.get(path.rstrip("/"), "other"), path, params)

    # -- answers ---------------------------------------------------------------------------
    def answer(self, path: str, params: list[tuple[str, str]], rule: Rule | None):
        """(status, content type, body, extra headers) for a request."""
        if rule and rule.kind == "status":
            status = rule.kw.get("status", 503)
            headers = {}
            if rule.kw.get("retry_after") is not None:
                headers["Retry-After"] = str(rule.kw["retry_after"])
            return status, "text/plain", rule.kw.get("body", f"{status} error".encode()), headers
        if rule and rule.kind == "html":
            return 200, "text/html; charset=utf-8", _HTML, {}
        if rule and rule.kind == "body":
            ctype = rule.kw.get("content_type", JSON_TYPE)
            return rule.kw.get("status", 200), ctype, rule.kw["body"], {}
        if path.rstrip("/") == "/v1/sdg/Series/List":
            return 200, JSON_TYPE, self._series_list(), {}
        if path.rstrip("/") == "/v1/sdg/Series/Data":
            return self._data(params)
        return 404, "text/plain", b"Not found", {}

    def _series_list(self) -> bytes:
        entries = []
        for code, rows in self.frame.groupby("series", sort=True):
            if code in self.unlisted:
                continue
            indicator = str(rows["indicator"].iloc[0])
            entries.append(
                {
                    "goal": [indicator.split(".")[0]],
                    "target": [".".join(indicator.split(".")[:2])],
                    "indicator": [indicator],
                    "release": self.release,
                    "code": code,
                    "description": rows["description"].iloc[0],
                    "uri": f"/v1/sdg/Series/{code}",
                }
            )
        return json.dumps(entries).encode()

    def _data(self, params: list[tuple[str, str]]):
        def values(name: str) -> list[str]:
            return [v.strip() for k, v in params if k == name and v.strip()]

        codes = values("seriesCode")
        unknown = [c for c in codes if c not in set(self.frame["series"])]
        if unknown:
            message = f"Invalid series code(s): {', '.join(unknown)}"
            return 400, JSON_TYPE, json.dumps({"status": 400, "message": message}).encode(), {}
        frame = self.frame[self.frame["series"].isin(codes)] if codes else self.frame
        areas = values("areaCode")
        if areas:
            frame = frame[frame["area"].isin(areas)]
        start, end = values("timePeriodStart"), values("timePeriodEnd")
        if start:
            frame = frame[frame["year"] >= int(float(start[0]))]
        if end:
            frame = frame[frame["year"] <= int(float(end[0]))]
        order = ["series", "_area", "year", *[c for c in frame.columns if c not in _BASE]]
        frame = frame.assign(_area=frame["area"].astype(int)).sort_values(order, kind="stable")
        size = int(values("pageSize")[0]) if values("pageSize") else 25
        page = int(values("page")[0]) if values("page") else 1
        total = len(frame)
        chunk = frame.iloc[(page - 1) * size : page * size]
        body = {
            "size": size,
            "totalElements": total,
            "totalPages": math.ceil(total / size),
            "pageNumber": page,
            "attributes": _code_lists(frame, ATTRIBUTES),
            "dimensions": _code_lists(frame, [c for c in _dims(frame) if c not in ATTRIBUTES]),
            "data": [_row(r) for r in chunk.drop(columns="_area").to_dict("records")],
        }
        return 200, JSON_TYPE, json.dumps(body).encode(), {}


_BASE = ("series", "description", "indicator", "area", "area_name", "year", "value", "_area")


def _dims(frame: pd.DataFrame) -> list[str]:
    return [c for c in frame.columns if c not in _BASE and frame[c].notna().any()]


def _code_lists(frame: pd.DataFrame, names) -> list[dict]:
    return [
        {
            "id": name,
            "codes": [
                {"code": c, "description": c, "sdmx": c}
                for c in sorted(frame[name].dropna().unique())
            ],
        }
        for name in names
        if name in frame
    ]


def _row(rec: dict) -> dict:
    indicator = str(rec["indicator"])
    extra = {k: v for k, v in rec.items() if k not in _BASE and isinstance(v, str)}
    return {
        "goal": [indicator.split(".")[0]],
        "target": [".".join(indicator.split(".")[:2])],
        "indicator": [indicator],
        "series": rec["series"],
        "seriesDescription": rec["description"],
        "seriesCount": "1",
        "geoAreaCode": str(rec["area"]),
        "geoAreaName": rec["area_name"],
        "timePeriodStart": float(rec["year"]),
        "value": str(rec["value"]),
        "valueType": "Float",
        "time_detail": None,
        "timeCoverage": None,
        "upperBound": None,
        "lowerBound": None,
        "basePeriod": None,
        "source": "",
        "geoInfoUrl": None,
        "footnotes": [],
        "attributes": {k: v for k, v in extra.items() if k in ATTRIBUTES},
        "dimensions": {k: v for k, v in extra.items() if k not in ATTRIBUTES},
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a stand-in UN SDG API.")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    parser.add_argument("--data", default=None, help="shared/data/un_sdg (else synthetic only)")
    args = parser.parse_args(argv)
    with UnSdgStandIn(default_frame(args.data), latency=args.latency, port=args.port) as api:
        print(api.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
