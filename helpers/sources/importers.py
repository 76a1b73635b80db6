"""Import files the analyst downloaded: World Bank bulk CSVs, their country metadata, OECD SDMX-CSV.

Files are recognised by their content (the header row), not their name, checked in full, and
stored unchanged as ``kind="import"`` snapshots, one per file. Either every file given is
valid and imported, or nothing is written.

Accepted formats:

- ``wb-bulk-csv``: a World Bank bulk-download CSV (``API_<code>_DS2_*.csv``) and
- ``wb-country-meta-csv``: the ``Metadata_Country_*.csv`` beside it; both are described,
  read and parsed in ``helpers.sources.worldbank.bulk``.
- ``sdmx-csv``: OECD DAC1 / DAC2A SDMX-CSV, plain or gzip (recognised by
  ``helpers.sources.oecd.sdmx_csv``).
- ``unsdg-ddf-csv``: a UN SDG Global Database series in the open-numbers DDF layout
  (``ddf--datapoints--<series>--by--geo_area--...--year.csv``; read by
  ``helpers.sources.unsdg.ddf``, which also takes the area names and the release from the
  ``ddf--entities--geo_area.csv`` and README beside it).

Example:
    >>> from helpers import importers
    >>> snaps = importers.import_files([Path("API_IT.NET.USER.ZS_DS2_en_csv_v2_2160.csv")])
"""

from __future__ import annotations

import gzip
import io
import logging
import os
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from helpers import catalogue
from helpers.errors import FetchError, UsageError
from helpers.reference import groups
from helpers.sources.oecd import sdmx_csv
from helpers.sources.payload import METADATA, FetchResult, Payload, isoformat, sha256
from helpers.sources.unsdg import ddf as un_ddf
from helpers.sources.worldbank import bulk as wb_bulk

log = logging.getLogger(__name__)

KINDS = ("wb-bulk-csv", "wb-country-meta-csv", "sdmx-csv", "unsdg-ddf-csv")
ACCEPTED = (
    "sdg17 imports World Bank bulk-download CSVs (API_<indicator>_DS2_*.csv: header "
    "'Country Name,Country Code,Indicator Name,Indicator Code,<years>', with or without the "
    "4-line preamble), World Bank country metadata CSVs (Metadata_Country_*.csv: Country Code, "
    "Region, IncomeGroup, TableName), OECD DAC1/DAC2A SDMX-CSV files (plain or .gz) and UN SDG "
    "Global Database series in the open-numbers DDF layout (ddf--datapoints--<series>--by--"
    "geo_area--...--year.csv: geo_area, nature, <dimensions>, units, year, <series>)"
)

_HEAD_BYTES = 64 * 1024
_STRUCTURE_VERSION = re.compile(r"\((\d+(?:\.\d+)*)\)\s*$")
_GZIP, _ZIP = b"\x1f\x8b", b"PK\x03\x04"
_SHOWN = 5  # examples listed in an error message


@dataclass(frozen=True)
class Detected:
    """What :func:`detect` found in a file.

    Attributes:
        path: the file.
        kind: one of KINDS.
        indicators: World Bank indicator codes in the file (wb-bulk-csv), sorted.
        last_updated: the preamble's "Last Updated Date" (wb-bulk-csv), if it has one.
        dataflow: the catalogue dataflow name, "dac1" or "dac2a" (sdmx-csv).

    A UN DDF file (unsdg-ddf-csv) names its UN series code in ``indicators``.
    """

    path: Path
    kind: str
    indicators: tuple[str, ...] = ()
    last_updated: str | None = None
    dataflow: str | None = None


@dataclass
class Prepared:
    path: Path
    result: FetchResult
    sha: str = field(init=False)

    def __post_init__(self) -> None:
        self.sha = sha256(self.result.payloads[0].content)


# -- reading and recognising ---------------------------------------------------------------
def _fail(path: Path, reason: str) -> UsageError:
    return UsageError(f"{path}: {reason}. {ACCEPTED}.")


def _read(path: Path, limit: int | None = None) -> bytes:
    if not path.exists():
        raise _fail(path, "no such file")
    if path.is_dir():
        raise _fail(path, "is a directory; give the files inside it")
    try:
        with open(path, "rb") as fh:
            return fh.read() if limit is None else fh.read(limit)
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror or exc})") from exc


def _classify(path: Path, head: bytes) -> Detected:
    """Recognise a file from its first bytes; WB bulk files are then read in full."""
    if not head:
        raise _fail(path, "is empty")
    if head.startswith(_ZIP):
        raise _fail(
            path,
            "is a ZIP archive or Excel workbook; unzip a World Bank download and import "
            "the CSV files inside",
        )
    if head.startswith(_GZIP) or b"\x00" in head:
        flow = sdmx_csv.sniff(head)
        if flow:
            return Detected(path=path, kind="sdmx-csv", dataflow=flow)
        what = "gzip-compressed" if head.startswith(_GZIP) else "binary (it holds NUL bytes)"
        raise _fail(path, f"is {what} and not OECD SDMX-CSV")
    try:
        text, _ = wb_bulk.decode(head, partial=len(head) == _HEAD_BYTES)
    except UnicodeDecodeError:
        raise _fail(path, "is not text (neither UTF-8 nor Windows-1252)") from None
    records = wb_bulk.head_records(text)
    kind = wb_bulk.sniff(records)
    if kind == "wb-bulk-csv":
        table = wb_bulk.read_table(_read(path), path)
        codes = tuple(sorted(set(table.frame["Indicator Code"])))
        return Detected(
            path=path, kind="wb-bulk-csv", indicators=codes, last_updated=table.last_updated
        )
    if kind == "wb-country-meta-csv":
        return Detected(path=path, kind="wb-country-meta-csv")
    flow = sdmx_csv.sniff(head)
    if flow:
        return Detected(path=path, kind="sdmx-csv", dataflow=flow)
    un_code = un_ddf.sniff(records[0]) if records else None
    if un_code:
        return Detected(path=path, kind="unsdg-ddf-csv", indicators=(un_code,))
    if records and [c.strip() for c in records[0][:2]] == ["geo_area", "name"]:
        raise _fail(
            path,
            "is the DDF area list (ddf--entities--geo_area.csv); it is read from beside the "
            "datapoints files, so leave it out",
        )
    if wb_bulk.is_indicator_metadata(records):
        raise _fail(
            path,
            "is a World Bank indicator metadata file (Metadata_Indicator_*), "
            "which sdg17 does not need; leave it out",
        )
    first = ",".join(c.strip() for c in records[0])[:120] if records else ""
    raise _fail(path, f"is not a recognised format (first line: {first!r})")


def detect(path: Path) -> Detected:
    """Recognise a file by its content.

    Args:
        path: the file (its name does not matter).

    Returns:
        What the file is, with its indicator codes and Last Updated Date (World Bank bulk
        CSV) or its dataflow (OECD SDMX-CSV).

    Raises:
        UsageError: naming the file and the accepted formats, if it is missing, a directory,
            unreadable, empty, binary or none of the accepted formats.
    """
    path = Path(path)
    return _classify(path, _read(path, _HEAD_BYTES))


# -- importing ------------------------------------------------------------------------------
def _query(path: Path, years: pd.Series | None) -> dict:
    has = years is not None and len(years) > 0
    return {
        "file": str(path),
        "economies": "all",
        "start_year": int(years.min()) if has else None,
        "end_year": int(years.max()) if has else None,
    }


def _extra(path: Path, encoding: str) -> dict:
    mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return {"imported_from": str(path), "file_mtime": isoformat(mtime), "encoding": encoding}


def _renamed(codes) -> dict:
    """Provenance of the retired World Bank codes a file used (``ROM`` read as ``ROU``)."""
    renamed = groups.renamed_codes(codes)
    return {"economy_codes_renamed": renamed} if renamed else {}


def _prepare_wb_bulk(path: Path, data: bytes, det: Detected) -> FetchResult:
    long = wb_bulk.read_long(data, path)
    if long.empty:
        raise UsageError(f"{path}: a World Bank CSV with no values")
    ids = wb_bulk.series_ids(sorted(set(long["series"])), path)
    return FetchResult(
        source="worldbank",
        format="wb-bulk-csv",
        series=sorted(set(ids.values())),
        payloads=[Payload(name=path.name, content=data, rows=len(long))],
        query=_query(path, long["year"]),
        source_last_updated=det.last_updated,
        extra={
            **_extra(path, wb_bulk.decode(data)[1]),
            **_renamed(long["economy"]),
        },
    )


def _prepare_country_meta(path: Path, data: bytes) -> FetchResult:
    meta = wb_bulk.read_country_meta(data, path)  # codes as filed
    return FetchResult(
        source="worldbank",
        format="wb-country-meta-csv",
        series=[],
        payloads=[Payload(name=path.name, content=data, rows=len(meta))],
        query=_query(path, None),
        extra={**_extra(path, wb_bulk.decode(data)[1]), **_renamed(meta["economy"])},
    )


def _prepare_sdmx(path: Path, data: bytes, det: Detected) -> FetchResult:
    flow = det.dataflow
    try:
        series = sdmx_csv.series_in(data, flow)  # reads every catalogue row: catches corrupt values
    except FetchError as exc:
        raise UsageError(f"{path}: {exc.reason}") from None
    if not series:
        ids = catalogue.load().ids("oecd")
        raise UsageError(
            f"{path}: an OECD {flow} SDMX-CSV file with none of the catalogue's series "
            f"({', '.join(ids)}); check the measure, flow type, unit and price base it holds"
        )
    obs, structure_id = _sdmx_observations(data, path)
    version = _STRUCTURE_VERSION.search(structure_id)
    return FetchResult(
        source="oecd",
        format="sdmx-csv",
        series=list(series),
        payloads=[Payload(name=path.name, content=data, rows=len(obs))],
        query=_query(path, obs) | {"dataflow": flow},
        dataflow_version=version.group(1) if version else None,
        extra=_extra(path, "gzip, utf-8" if data.startswith(_GZIP) else "utf-8")
        | {"structure_id": structure_id},
    )


def _sdmx_observations(data: bytes, path: Path) -> tuple[pd.Series, str]:
    """Years of the non-empty observations of an SDMX-CSV file, and its structure id."""
    wanted = {"STRUCTURE_ID", "DATAFLOW", "TIME_PERIOD", "OBS_VALUE"}
    try:
        raw = gzip.decompress(data) if data.startswith(_GZIP) else data
        frame = pd.read_csv(
            io.BytesIO(raw),
            usecols=lambda c: c in wanted,
            dtype=str,
            keep_default_na=False,
            encoding="utf-8-sig",
        )
    except (OSError, EOFError, zlib.error, ValueError) as exc:  # ValueError: parse and decode
        raise UsageError(f"{path}: unreadable SDMX-CSV ({exc})") from None
    frame = frame[~frame["OBS_VALUE"].str.strip().str.lower().isin(["", "nan"])]
    years = pd.to_numeric(frame["TIME_PERIOD"].str.strip().str[:4], errors="coerce")
    if years.isna().any():
        shown = ", ".join(map(repr, frame.loc[years.isna(), "TIME_PERIOD"].head(_SHOWN)))
        raise UsageError(f"{path}: TIME_PERIOD values that are not periods: {shown}")
    id_col = next((c for c in ("STRUCTURE_ID", "DATAFLOW") if c in frame), None)
    structure_id = str(frame[id_col].iloc[0]) if id_col and len(frame) else ""
    return years.astype("int64"), structure_id


def _prepare(path: Path) -> Prepared:
    """Recognise, read and fully parse one file; a UsageError names what is wrong with it."""
    path = Path(os.path.abspath(path))  # absolute, but a symlink keeps the name it was given
    det = detect(path)
    if path.name == METADATA:
        raise UsageError(f"{path}: the store keeps its own {METADATA}; rename the file")
    data = _read(path)
    if det.kind == "wb-bulk-csv":
        result = _prepare_wb_bulk(path, data, det)
    elif det.kind == "wb-country-meta-csv":
        result = _prepare_country_meta(path, data)
    elif det.kind == "unsdg-ddf-csv":
        result = un_ddf.prepare(path, data)
    else:
        result = _prepare_sdmx(path, data, det)
    return Prepared(path=path, result=result)


def prepare_all(paths: list[Path]) -> list[Prepared]:
    """Recognise and fully parse every file before anything is written: all or nothing.

    Raises:
        UsageError: listing each file that is missing, unreadable, of no accepted format,
            corrupt, or holding an indicator the catalogue lacks.
    """
    if not paths:
        raise UsageError(f"no files given to import. {ACCEPTED}.")
    prepared, errors = [], []
    for path in paths:
        try:
            prepared.append(_prepare(Path(path)))
        except UsageError as exc:
            errors.append(str(exc))
    if errors:
        if len(errors) == 1:
            raise UsageError(f"{errors[0]} Nothing was imported.")
        listed = "\n".join(f"- {e}" for e in errors)
        raise UsageError(f"{len(errors)} files cannot be imported; nothing was imported:\n{listed}")
    return prepared
