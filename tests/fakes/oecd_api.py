"""A stand-in for the OECD SDMX REST API (sdmx.oecd.org/public/rest) on 127.0.0.1.

It answers the two routes the OECD source uses, in the shapes documented in
``shared/data/api-samples/oecd/OECD_SDMX_SHAPES.md``:

* ``/dataflow/{agency}/{flow}/latest`` returns an SDMX-ML 2.1 structure message. It is shaped like
  the genuine responses in ``api-samples/oecd/`` and carries the configured version.
* ``/data/{agency},{flow},{version}/{key}?startPeriod=&endPeriod=&format=`` returns SDMX-CSV.
  ``format=csvfilewithlabels`` gives the labelled layout, and ``csvfile`` gives SDMX-CSV 1.0. The
  rows come from a DataFrame already in the labelled layout, after the key ('+' = OR, empty =
  all) and the period filter. When nothing matches it answers 404 ``NoResultsFound``. A version
  other than the served one gets a 404 that does not say NoResultsFound, as the OECD does for a
  retired version.

``fail(pattern, kind, times=1, **kw)`` makes the next ``times`` requests whose target matches
``pattern`` (a regex) misbehave:

    status          HTTP ``status`` (default 503), optional ``retry_after`` header and ``body``
    hang            answer only after ``seconds`` (default 10); the client should time out first
    html            200 with an HTML maintenance page
    truncated       the normal body cut at byte ``at`` (default: mid-row), Content-Length to match
    notfound        404 NoResultsFound
    body            200 with ``body`` (bytes) and ``content_type`` (default text/csv)
    stale_version   a structure message that names ``version`` instead of the served one

Run ``python -m tests.fakes.oecd_api --port 8765 --latency 0.2`` to serve synthetic DAC1 and
DAC2A tables (30 providers, 40 recipients, 1990-2024) for a benchmark.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import re
import threading
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl

import pandas as pd

from helpers import catalogue
from tests.fakes._http import Rule, StandInServer

PREFIX = "/public/rest"
NOT_FOUND_FLOW = b"Could not find Dataflow and/or DSD related with this data request"
NO_RESULTS = b"NoResultsFound"
CSV_TYPE = "application/vnd.sdmx.data+csv; charset=utf-8"
XML_TYPE = "application/vnd.sdmx.structure+xml; version=2.1; charset=utf-8"

DAC1_COLUMNS = [
    "STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "DONOR", "Donor", "SECTOR", "Sector",
    "MEASURE", "Measure", "TYING_STATUS", "Tying status", "FLOW_TYPE", "Flow type",
    "UNIT_MEASURE", "Unit of measure", "PRICE_BASE", "Price base", "TIME_PERIOD", "Time period",
    "OBS_VALUE", "Observation value", "BASE_PER", "Base period", "OBS_STATUS",
    "Observation status", "UNIT_MULT", "Unit multiplier", "DECIMALS", "Decimals",
]  # fmt: skip
DAC2A_COLUMNS = [
    "STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION", "DONOR", "Donor", "RECIPIENT",
    "Recipient", "MEASURE", "Measure", "UNIT_MEASURE", "Unit of measure", "PRICE_BASE",
    "Price base", "TIME_PERIOD", "Time period", "OBS_VALUE", "Observation value", "BASE_PER",
    "Base period", "UNIT_MULT", "Unit multiplier", "FLOW_TYPE", "Flow type", "OBS_STATUS",
    "Observation status",
]  # fmt: skip
LAYOUTS = {"dac1": DAC1_COLUMNS, "dac2a": DAC2A_COLUMNS}

# The shape of the genuine structure answers (NSI Web Service), with only what a client reads
# filled in: Dataflow id, agencyID, version, names and the DSD reference.
_STRUCTURE_XML = """<?xml version="1.0" encoding="utf-8"?>
<!--NSI Web Service v8.19.8.0-->
<message:Structure xmlns:message="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/message" \
xmlns:structure="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/structure" \
xmlns:common="http://www.sdmx.org/resources/sdmxml/schemas/v2_1/common">
  <message:Header>
    <message:ID>IDREF{ref}</message:ID>
    <message:Test>false</message:Test>
    <message:Prepared>2026-08-05T15:00:48.4830482+02:00</message:Prepared>
    <message:Sender id="Unknown" />
    <message:Receiver id="Unknown" />
  </message:Header>
  <message:Structures>
    <structure:Dataflows>
      <structure:Dataflow id="{flow}" agencyID="{agency}" version="{version}" isFinal="true">
        <common:Annotations>
          <common:Annotation id="@SDMX">
            <common:AnnotationTitle>TIME_PERIOD</common:AnnotationTitle>
            <common:AnnotationType>LAYOUT_COLUMN</common:AnnotationType>
          </common:Annotation>
        </common:Annotations>
        <common:Name xml:lang="en">{title}</common:Name>
        <structure:Structure>
          <Ref id="{dsd}" version="{version}" agencyID="{agency}" package="datastructure" \
class="DataStructure" />
        </structure:Structure>
      </structure:Dataflow>
    </structure:Dataflows>
  </message:Structures>
</message:Structure>"""

_HTML = (
    b"<!DOCTYPE html>\n<html><head><title>OECD Data Explorer - maintenance</title></head>"
    b"<body><h1>Service temporarily unavailable</h1><p>We are upgrading our systems."
    b"</p></body></html>\n"
)


def structure_xml(flow: catalogue.Dataflow, version: str, ref: int = 12467) -> bytes:
    """A dataflow structure message in the genuine shape, naming ``version``."""
    dsd = flow.flow.split("@")[0]
    return _STRUCTURE_XML.format(
        ref=ref, flow=flow.flow, agency=flow.agency, version=version, title=flow.title, dsd=dsd
    ).encode("utf-8")


def to_sdmx_csv(frame: pd.DataFrame, labels: bool = True) -> bytes:
    """Render a labelled-layout frame as SDMX-CSV with labels, or as SDMX-CSV 1.0 (``csvfile``)."""
    if not labels:
        codes = [
            c
            for c in frame.columns
            if re.fullmatch(r"[A-Z][A-Z0-9_]*", c)
            and c not in ("STRUCTURE", "STRUCTURE_ID", "STRUCTURE_NAME", "ACTION")
        ]
        frame = pd.concat([frame["STRUCTURE_ID"].rename("DATAFLOW"), frame[codes]], axis=1)
    return frame.to_csv(index=False, lineterminator="\n").encode("utf-8")


@dataclass
class Seen:
    """One request the stand-in answered."""

    kind: str  # "dataflow", "data" or "other"
    path: str
    params: dict[str, str]
    status: int = 0
    body: bytes = b""


class OecdStandIn(StandInServer):
    """The stand-in server; use as a context manager.

    Args:
        frames: {"dac1": frame, "dac2a": frame} in the labelled SDMX-CSV layout (text columns).
        version: the dataflow version served and announced.
        latency: seconds to wait before answering each request.
        port: 0 for any free port.
    """

    PREFIX = PREFIX
    FAULTS = ("status", "hang", "html", "truncated", "notfound", "body", "stale_version")

    def __init__(
        self,
        frames: dict[str, pd.DataFrame],
        version: str = "1.6",
        latency: float = 0.0,
        port: int = 0,
    ):
        cat = catalogue.load()
        self.flows = {name: cat.dataflows[name] for name in frames}
        self.frames = {name: frame.astype(str) for name, frame in frames.items()}
        self.version = version
        super().__init__(latency, port)

    def record(self, path: str, query: str) -> Seen:
        kind = path.split("/")[1] if path.count("/") > 1 else "other"
        return Seen(kind if kind in ("dataflow", "data") else "other", path, dict(parse_qsl(query)))

    def truncate(self, body: bytes, rule) -> bytes:
        return _cut(body, rule.kw.get("at"))

    # -- answers ---------------------------------------------------------------------------
    def answer(
        self, path: str, params: dict[str, str], rule: Rule | None
    ) -> tuple[int, str, bytes, dict[str, str]]:
        """(status, content type, body, extra headers) for a request."""
        if rule and rule.kind == "status":
            status = rule.kw.get("status", 503)
            headers = {}
            if rule.kw.get("retry_after") is not None:
                headers["Retry-After"] = str(rule.kw["retry_after"])
            body = rule.kw.get("body", f"{status} error".encode())
            return status, "text/plain", body, headers
        if rule and rule.kind == "html":
            return 200, "text/html; charset=utf-8", _HTML, {}
        if rule and rule.kind == "notfound":
            return 404, "text/plain", NO_RESULTS, {}
        if rule and rule.kind == "body":
            return 200, rule.kw.get("content_type", "text/csv"), rule.kw["body"], {}
        if path.startswith("/dataflow/"):
            version = rule.kw["version"] if rule and rule.kind == "stale_version" else None
            return self._dataflow(path, version)
        if path.startswith("/data/"):
            return self._data(path, params)
        return 404, "text/plain", b"Not found", {}

    def _flow(self, agency: str, flow_id: str) -> str | None:
        for name, flow in self.flows.items():
            if (flow.agency, flow.flow) == (agency, flow_id):
                return name
        return None

    def _dataflow(self, path: str, version: str | None):
        parts = [p for p in path.split("/") if p]  # dataflow, agency, flow[, version]
        name = self._flow(parts[1], parts[2]) if len(parts) >= 3 else None
        if name is None or (len(parts) > 3 and parts[3] not in ("latest", self.version)):
            return 404, "text/plain", NOT_FOUND_FLOW, {}
        return 200, XML_TYPE, structure_xml(self.flows[name], version or self.version), {}

    def _data(self, path: str, params: dict[str, str]):
        match = re.fullmatch(r"/data/([^,/]+),([^,/]+),([^,/]*)/?(.*)", path)
        if not match:
            return 404, "text/plain", NOT_FOUND_FLOW, {}
        agency, flow_id, version, key = match.groups()
        name = self._flow(agency, flow_id)
        if name is None or version not in ("", "latest", self.version):
            return 404, "text/plain", NOT_FOUND_FLOW, {}
        flow = self.flows[name]
        frame = self.frames[name]
        if key not in ("", "all"):
            codes = key.split(".")
            if len(codes) != len(flow.dimensions):
                return 400, "text/plain", b"Semantic Error - wrong number of dimensions", {}
            mask = pd.Series(True, index=frame.index)
            for dim, part in zip(flow.dimensions, codes, strict=True):
                if part:
                    mask &= frame[dim].isin(part.split("+"))
            frame = frame[mask]
        years = pd.to_numeric(frame["TIME_PERIOD"], errors="coerce")
        start, end = params.get("startPeriod"), params.get("endPeriod")
        frame = frame[years.between(int(start[:4]) if start else 0, int(end[:4]) if end else 9999)]
        if frame.empty:
            return 404, "text/plain", NO_RESULTS, {}
        frame = frame.assign(STRUCTURE_ID=f"{flow.agency}:{flow.flow}({self.version})")
        labels = params.get("format", "csvfilewithlabels") != "csvfile"
        return 200, CSV_TYPE, to_sdmx_csv(frame, labels=labels), {}


def _cut(body: bytes, at: int | None) -> bytes:
    """The body cut short, by default in the middle of a row."""
    if at is None:
        at = len(body) // 2
        while at < len(body) - 1 and body[at - 1 : at] in (b"\n", b","):
            at += 1
    return body[:at]


# -- frames --------------------------------------------------------------------------------
@functools.cache
def _read_shared(path: str) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def dac1_frame_from_shared(path: Path | str) -> pd.DataFrame:
    """The converted real DAC1 2018-2020 SDMX-CSV (``DAC1_2018_2020.sdmx.csv.gz``), as text."""
    return _read_shared(str(path)).copy()


_DAC1_PROVIDERS = {
    "NOR": ("Norway", 4300.0), "USA": ("United States", 33500.0), "DEU": ("Germany", 24000.0),
    "GBR": ("United Kingdom", 19400.0), "SWE": ("Sweden", 5200.0), "JPN": ("Japan", 15500.0),
    "FRA": ("France", 12200.0), "NLD": ("Netherlands", 5300.0), "DNK": ("Denmark", 2600.0),
    "CAN": ("Canada", 4700.0), "ITA": ("Italy", 4400.0), "ESP": ("Spain", 2900.0),
    "CHE": ("Switzerland", 3100.0), "AUS": ("Australia", 2900.0), "KOR": ("Korea", 2500.0),
    "BEL": ("Belgium", 2200.0), "AUT": ("Austria", 1200.0), "FIN": ("Finland", 1100.0),
    "IRL": ("Ireland", 970.0), "NZL": ("New Zealand", 560.0), "LUX": ("Luxembourg", 470.0),
    "POL": ("Poland", 780.0), "PRT": ("Portugal", 400.0), "CZE": ("Czechia", 310.0),
    "ARE": ("United Arab Emirates", 2200.0), "SAU": ("Saudi Arabia", 2000.0),
    "TUR": ("Türkiye", 8600.0), "QAT": ("Qatar", 600.0), "4EU001": ("EU Institutions", 14900.0),
    "DAC": ("DAC countries", 151800.0),
}  # fmt: skip
_DAC2A_RECIPIENTS = {
    "AFG": "Afghanistan", "BGD": "Bangladesh", "BDI": "Burundi", "BEN": "Benin",
    "BFA": "Burkina Faso", "BOL": "Bolivia", "CIV": "Côte d'Ivoire", "CMR": "Cameroon",
    "COD": "Democratic Republic of the Congo", "COL": "Colombia", "EGY": "Egypt",
    "ETH": "Ethiopia", "GHA": "Ghana", "HTI": "Haiti", "IDN": "Indonesia", "IND": "India",
    "IRQ": "Iraq", "JOR": "Jordan", "KEN": "Kenya", "KHM": "Cambodia", "LBN": "Lebanon",
    "MDG": "Madagascar", "MLI": "Mali", "MMR": "Myanmar", "MOZ": "Mozambique", "MWI": "Malawi",
    "NER": "Niger", "NGA": "Nigeria", "NPL": "Nepal", "PAK": "Pakistan", "PHL": "Philippines",
    "SDN": "Sudan", "SOM": "Somalia", "SSD": "South Sudan", "SYR": "Syrian Arab Republic",
    "TZA": "Tanzania", "UGA": "Uganda", "UKR": "Ukraine", "VNM": "Viet Nam", "YEM": "Yemen",
}  # fmt: skip
_DAC2A_AGGREGATES = {"LDC": "Least developed countries", "DPGC": "Developing countries"}

_V = ("V", "Current prices", "")
# (MEASURE, label, FLOW_TYPE, label, UNIT_MEASURE, label, price, UNIT_MULT, label, scale)
_DAC1_MEASURES = [
    ("1010", "Official Development Assistance (ODA)", "1140", "Disbursements, net",
     "USD", "US dollar", _V, "6", "Millions", 0.97),
    ("1010", "Official Development Assistance (ODA)", "1140", "Disbursements, net",
     "USD", "US dollar", ("Q", "Constant prices", "2022"), "6", "Millions", 1.03),
    ("11010", "Official Development Assistance (ODA), grant equivalent", "1160",
     "Grant equivalents", "USD", "US dollar", _V, "6", "Millions", 1.0),
    ("11010", "Official Development Assistance (ODA), grant equivalent", "1160",
     "Grant equivalents", "USD", "US dollar", ("Q", "Constant prices", "2022"), "6", "Millions",
     1.06),
    ("1", "Gross National Income (GNI)", "1140", "Disbursements, net", "USD", "US dollar", _V,
     "6", "Millions", None),
    ("11002", "ODA as percent of GNI, grant equivalent", "1160", "Grant equivalents", "PT_B5G",
     "Percentage of gross national income", _V, "0", "Units", None),
    # Rows no catalogue series asks for, which the key or the parser must leave out.
    ("1010", "Official Development Assistance (ODA)", "1140", "Disbursements, net", "XDC",
     "National currency", _V, "6", "Millions", 9.1),
    ("5", "Official and private flows", "1140", "Disbursements, net", "USD", "US dollar", _V,
     "6", "Millions", 1.9),
]  # fmt: skip


def _gni_ratio(code: str) -> float:
    """A provider's ODA/GNI ratio in percent, between 0.1 and 1.1, fixed by its code."""
    return 0.1 + (sum(map(ord, code)) % 11) / 10


def synthetic_dac1(
    providers: list[str] | None = None, years: range = range(2015, 2023)
) -> pd.DataFrame:
    """Made-up DAC1 rows in the real labelled layout, for the catalogue series and a few others.

    The default providers are NOR, USA, DEU, ARE (not a DAC member) and the DAC aggregate.
    """
    flow = catalogue.dataflow("dac1")
    codes = providers or ["NOR", "USA", "DEU", "ARE", "DAC"]
    rows = []
    for code in codes:
        name, oda = _DAC1_PROVIDERS[code]
        ratio = _gni_ratio(code)
        for year in years:
            level = oda * (1 + 0.03 * (year - 2015))
            for (
                measure,
                mlabel,
                ftype,
                flabel,
                unit,
                ulabel,
                price,
                mult,
                multl,
                scale,
            ) in _DAC1_MEASURES:
                if measure == "1":
                    value = level / ratio * 100
                elif measure == "11002":
                    value = ratio
                else:
                    value = level * scale
                rows.append({
                    "STRUCTURE": "DATAFLOW", "STRUCTURE_ID": f"{flow.agency}:{flow.flow}(1.6)",
                    "STRUCTURE_NAME": flow.title, "ACTION": "I", "DONOR": code, "Donor": name,
                    "SECTOR": "_Z", "Sector": "Not applicable", "MEASURE": measure,
                    "Measure": mlabel, "TYING_STATUS": "_Z", "Tying status": "Not applicable",
                    "FLOW_TYPE": ftype, "Flow type": flabel, "UNIT_MEASURE": unit,
                    "Unit of measure": ulabel, "PRICE_BASE": price[0], "Price base": price[1],
                    "TIME_PERIOD": str(year), "Time period": "", "OBS_VALUE": f"{value:.2f}",
                    "Observation value": "", "BASE_PER": price[2], "Base period": "",
                    "OBS_STATUS": "A", "Observation status": "Normal value", "UNIT_MULT": mult,
                    "Unit multiplier": multl, "DECIMALS": "", "Decimals": "",
                })  # fmt: skip
    return pd.DataFrame(rows, columns=DAC1_COLUMNS)


def synthetic_dac2a(
    recipients: list[str] | None = None, years: range = range(2015, 2023)
) -> pd.DataFrame:
    """Made-up DAC2A rows in the real labelled layout: ODA (206) from all official donors
    (ALLD) and DAC countries (DAC), current and constant prices.

    The default recipients are KEN, BGD, ETH, HTI and the LDC and DPGC aggregates.
    """
    flow = catalogue.dataflow("dac2a")
    names = {**_DAC2A_RECIPIENTS, **_DAC2A_AGGREGATES}
    codes = recipients or ["KEN", "BGD", "ETH", "HTI", "LDC", "DPGC"]
    rows = []
    for i, code in enumerate(codes):
        base = {"LDC": 52000.0, "DPGC": 210000.0}.get(code, 400.0 + 150.0 * i)
        for donor, dlabel, share in (
            ("ALLD", "Official donors", 1.0),
            ("DAC", "DAC countries", 0.7),
        ):
            for price, plabel, base_per, scale in (
                ("V", "Current prices", "", 1.0),
                ("Q", "Constant prices", "2022", 1.08),
            ):
                for year in years:
                    value = base * share * scale * (1 + 0.02 * (year - 2015))
                    rows.append({
                        "STRUCTURE": "DATAFLOW",
                        "STRUCTURE_ID": f"{flow.agency}:{flow.flow}(1.6)",
                        "STRUCTURE_NAME": flow.title, "ACTION": "I", "DONOR": donor,
                        "Donor": dlabel, "RECIPIENT": code, "Recipient": names[code],
                        "MEASURE": "206",
                        "Measure": "Official development assistance (ODA), disbursements",
                        "UNIT_MEASURE": "USD", "Unit of measure": "US dollar",
                        "PRICE_BASE": price, "Price base": plabel, "TIME_PERIOD": str(year),
                        "Time period": "", "OBS_VALUE": f"{value:.6f}",
                        "Observation value": "", "BASE_PER": base_per, "Base period": "",
                        "UNIT_MULT": "6", "Unit multiplier": "Millions", "FLOW_TYPE": "D",
                        "Flow type": "Disbursements", "OBS_STATUS": "A",
                        "Observation status": "Normal value",
                    })  # fmt: skip
    return pd.DataFrame(rows, columns=DAC2A_COLUMNS)


def benchmark_frames() -> dict[str, pd.DataFrame]:
    """About 30 providers and 40 recipients, 1990-2024."""
    years = range(1990, 2025)
    return {
        "dac1": synthetic_dac1(list(_DAC1_PROVIDERS), years),
        "dac2a": synthetic_dac2a([*list(_DAC2A_RECIPIENTS)[:38], *_DAC2A_AGGREGATES], years),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Serve a stand-in OECD SDMX API.")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--latency", type=float, default=0.0, help="seconds per request")
    parser.add_argument("--version", default="1.6", help="dataflow version to serve")
    args = parser.parse_args(argv)
    with OecdStandIn(
        benchmark_frames(), version=args.version, latency=args.latency, port=args.port
    ) as standin:
        print(standin.url, flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
