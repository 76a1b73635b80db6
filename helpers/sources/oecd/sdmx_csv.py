"""Reading OECD SDMX-CSV (DAC1, DAC2A): recognise a file, check it, and turn it into the tidy table.

Shared by the OECD source (``helpers.sources.oecd``, which checks every answer before storing
it) and the importer (``helpers.sources.importers``, for files downloaded by hand). Both
the labelled layout (``format=csvfilewithlabels``, a label column after each coded one) and
the plain one (``format=csvfile``) are read; columns are found by name, never by position,
and codes stay text (MEASURE "1010" is not the number 1010). Plain or gzip-compressed bytes
are accepted.
"""

from __future__ import annotations

import codecs
import csv
import gzip
import io
import re
import zlib
from dataclasses import dataclass

import numpy as np
import pandas as pd

from helpers import catalogue
from helpers.catalogue import Dataflow, Series
from helpers.errors import CatalogueError, FetchError, StoreError
from helpers.reference import schema
from helpers.sources.http import MalformedAnswer
from helpers.sources.payload import StoredSnapshot

FORMAT = "sdmx-csv"

_STRUCTURE_ID = re.compile(r"^(?P<agency>[^:]+):(?P<flow>[^()]+)\((?P<version>[^)]*)\)$")
_SDMX_ID = re.compile(r"^[A-Z][A-Z0-9_]*$")  # a component id; label columns ("Donor") are not
_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 1 << 16
_MISSING = {"", "nan"}


class FormatError(MalformedAnswer):
    """Bytes that are not SDMX-CSV for the dataflow; public functions re-raise it typed."""


def check_members(flow: Dataflow, series: list[Series]) -> None:
    """Refuse series that do not belong to ``flow``, naming them."""
    strays = [s.id for s in series if s.source != "oecd" or s.dataflow != flow.name]
    if strays:
        raise CatalogueError(f"not {flow.name.upper()} series: {', '.join(strays)}")


# -- reading ----------------------------------------------------------------------
def _decode(data: bytes) -> str:
    if data[:2] == _GZIP_MAGIC:
        try:
            data = gzip.decompress(data)
        except (OSError, EOFError, zlib.error) as exc:
            raise FormatError(f"unreadable gzip data: {exc}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise FormatError(f"not UTF-8 text: {exc}") from None


@dataclass(frozen=True)
class Table:
    """An SDMX-CSV file read as text, with the label column of each dimension that has one."""

    frame: pd.DataFrame
    labels: dict[str, str]
    structure_id: str

    @property
    def rows(self) -> int:
        return len(self.frame)

    @property
    def structure(self) -> dict[str, str] | None:
        match = _STRUCTURE_ID.match(self.structure_id)
        return match.groupdict() if match else None

    @classmethod
    def read(cls, data: bytes, flow: Dataflow) -> Table:
        text = _decode(data)
        first = text.split("\n", 1)[0]
        header = next(csv.reader([first]), [])
        need = [*flow.dimensions, "TIME_PERIOD", "OBS_VALUE"]
        lacking = [c for c in need if c not in header]
        if lacking:
            raise FormatError(
                f"not SDMX-CSV for {flow.name.upper()}: the header lacks "
                f"{', '.join(lacking)} (starts {first[:80]!r})"
            )
        last = text.rstrip("\r\n").rsplit("\n", 1)[-1]
        fields = next(csv.reader([last]), [])
        if len(fields) != len(header):
            raise FormatError(
                f"the last line has {len(fields)} of {len(header)} fields: "
                "the download was cut short"
            )
        try:
            frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
        except (pd.errors.ParserError, ValueError) as exc:
            raise FormatError(f"garbled SDMX-CSV: {exc}") from None
        labels = {}
        columns = list(frame.columns)
        for i, col in enumerate(columns[:-1]):
            if col in flow.dimensions and not _SDMX_ID.match(columns[i + 1]):
                labels[col] = columns[i + 1]
        id_col = "STRUCTURE_ID" if "STRUCTURE_ID" in frame else "DATAFLOW"
        structure_id = frame[id_col].iloc[0] if id_col in frame and len(frame) else ""
        return cls(frame, labels, structure_id)

    def select(self, flow: Dataflow, members: list[Series]) -> pd.DataFrame:
        """Rows matching each series' query exactly: economy, economy_name, year, series, value."""
        frame = self.frame
        econ = flow.economy_dimension
        parts = []
        for s in members:
            mask = np.ones(len(frame), dtype=bool)
            for dim, code in s.query.items():
                mask &= frame[dim].to_numpy() == code
            rows = frame.loc[mask]
            if rows.empty:
                continue
            raw = rows["OBS_VALUE"].str.strip()
            value = pd.to_numeric(raw, errors="coerce")
            bad = value.isna() & ~raw.str.lower().isin(_MISSING)
            if bad.any():
                row = rows.loc[bad].iloc[0]
                raise FormatError(
                    f"OBS_VALUE {row['OBS_VALUE']!r} is not a number "
                    f"({s.id}, {econ} {row[econ]}, {row['TIME_PERIOD']})"
                )
            year = pd.to_numeric(rows["TIME_PERIOD"].str.strip(), errors="coerce")
            not_year = year.isna() | (year % 1 != 0)
            if not_year.any():
                raise FormatError(
                    f"TIME_PERIOD {rows['TIME_PERIOD'][not_year].iloc[0]!r} is not a year ({s.id})"
                )
            if s.unit_kind == "usd_millions" and "UNIT_MULT" in frame:
                odd = rows["UNIT_MULT"][~rows["UNIT_MULT"].isin(["", "6"])]
                if not odd.empty:
                    raise FormatError(
                        f"{s.id} is catalogued in millions but UNIT_MULT is {odd.iloc[0]!r}"
                    )
            code = rows[econ]
            name = rows[self.labels[econ]] if econ in self.labels else code
            part = pd.DataFrame(
                {
                    "economy": code,
                    "economy_name": name.where(name != "", code),
                    "year": year.astype("int64"),
                    "series": s.id,
                    "value": value,
                }
            )
            parts.append(part[value.notna()])
        columns = ["economy", "economy_name", "year", "series", "value"]
        return pd.concat(parts, ignore_index=True) if parts else pd.DataFrame(columns=columns)


def _members(flow_name: str, series: list[Series] | None) -> tuple[Dataflow, list[Series]]:
    cat = catalogue.load()
    if flow_name not in cat.dataflows:
        raise CatalogueError(
            f"unknown OECD dataflow {flow_name!r}; the catalogue has {', '.join(cat.dataflows)}"
        )
    flow = cat.dataflows[flow_name]
    if series is None:
        return flow, [s for s in cat.series if s.source == "oecd" and s.dataflow == flow_name]
    check_members(flow, series)
    return flow, list(series)


def parse_sdmx_csv(
    data: bytes,
    flow_name: str,
    series: list[Series] | None = None,
    *,
    vintage: str,
    snapshot_id: str,
) -> pd.DataFrame:
    """Tidy rows (:data:`helpers.reference.schema.COLUMNS`) of the catalogue series in a file.

    Args:
        data: SDMX-CSV, labelled (``csvfilewithlabels``) or not (``csvfile``), plain or gzip.
        flow_name: the catalogue dataflow ("dac1", "dac2a").
        series: the series to extract (default: every catalogue series of the dataflow).
        vintage, snapshot_id: provenance stamped on every row.

    Raises:
        FetchError: the bytes are not SDMX-CSV for that dataflow, or hold a value that is
            not a number.
    """
    flow, members = _members(flow_name, series)
    try:
        tidy = Table.read(data, flow).select(flow, members)
    except FormatError as exc:
        raise FetchError(
            f"OECD {flow_name.upper()} file: {exc}", series=[s.id for s in members]
        ) from None
    units = {s.id: s.unit for s in members}
    tidy = tidy.assign(
        unit=tidy["series"].map(units), source="oecd", vintage=vintage, snapshot_id=snapshot_id
    )
    tidy = tidy.sort_values(["series", "economy", "year"], ignore_index=True)
    return schema.coerce(tidy)


def series_in(data: bytes, flow_name: str) -> list[str]:
    """Catalogue series (in catalogue order) that have observations in an SDMX-CSV file."""
    flow, members = _members(flow_name, None)
    try:
        have = set(Table.read(data, flow).select(flow, members)["series"])
    except FormatError as exc:
        raise FetchError(f"OECD {flow_name.upper()} file: {exc}") from None
    return [s.id for s in members if s.id in have]


def parse(snapshot: StoredSnapshot) -> pd.DataFrame:
    """The tidy rows of an OECD ``sdmx-csv`` snapshot (all its payloads).

    Raises:
        StoreError: the snapshot is not SDMX-CSV or a payload no longer reads as SDMX-CSV.
    """
    if snapshot.format != FORMAT:
        raise StoreError(f"{snapshot.path}: format {snapshot.format!r}, not {FORMAT!r}")
    files = snapshot.files()
    flow_name = (snapshot.meta.get("query") or {}).get("dataflow")
    if not flow_name and files:
        flow_name = sniff(files[0].read_bytes()[:_SNIFF_BYTES])
    if not flow_name:
        raise StoreError(f"{snapshot.path}: cannot tell which OECD dataflow it holds")
    flow, members = _members(flow_name, None)
    wanted = set(snapshot.series)
    members = [s for s in members if s.id in wanted] or members
    frames = []
    for path in files:
        try:
            frames.append(
                parse_sdmx_csv(
                    path.read_bytes(),
                    flow.name,
                    members,
                    vintage=snapshot.vintage,
                    snapshot_id=snapshot.id,
                )
            )
        except FetchError as exc:
            raise StoreError(f"{path}: {exc.reason}") from None
    return schema.coerce(pd.concat(frames, ignore_index=True)) if frames else schema.empty()


def sniff(head: bytes) -> str | None:
    """The catalogue dataflow ("dac1", "dac2a") of an OECD SDMX-CSV file, from its first bytes.

    Accepts labelled and plain SDMX-CSV, gzip-compressed or not, with or without a UTF-8 BOM.
    Returns None for anything else (another source's CSV, another SDMX dataflow, binary data).
    """
    if head[:2] == _GZIP_MAGIC:
        try:
            head = zlib.decompressobj(16 + zlib.MAX_WBITS).decompress(head, _SNIFF_BYTES)
        except zlib.error:
            return None
    text = head.removeprefix(codecs.BOM_UTF8).decode("utf-8", errors="replace")
    lines = text.splitlines()[:2]
    if not lines:
        return None
    rows = list(csv.reader(lines))
    header = [c.strip() for c in rows[0]]
    if not {"TIME_PERIOD", "OBS_VALUE"} <= set(header):
        return None
    flows = [f for f in catalogue.load().dataflows.values() if set(f.dimensions) <= set(header)]
    id_col = next((c for c in ("STRUCTURE_ID", "DATAFLOW") if c in header), None)
    if id_col and len(rows) > 1 and len(rows[1]) > header.index(id_col):
        match = _STRUCTURE_ID.match(rows[1][header.index(id_col)].strip())
        if not match:
            return None
        flows = [f for f in flows if (f.agency, f.flow) == (match["agency"], match["flow"])]
    return flows[0].name if len(flows) == 1 else None
