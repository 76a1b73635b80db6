"""World Bank bulk-download CSVs and their country metadata: recognise, read, check, parse.

Two file formats, both imported by ``helpers.sources.importers`` and parsed here into the tidy
tables:

- ``wb-bulk-csv``: a World Bank bulk-download CSV (``API_<code>_DS2_*.csv``), header
  ``Country Name,Country Code,Indicator Name,Indicator Code,<years>`` on line 1, or on line 5
  after the preamble ``"Data Source",...`` / blank / ``"Last Updated Date","YYYY-MM-DD",`` /
  blank. UTF-8 with or without BOM, LF or CRLF, with or without a trailing comma. The 2013
  WDI per-indicator files have the same layout without the preamble.
- ``wb-country-meta-csv``: the ``Metadata_Country_*.csv`` beside it (``Country Code, Region,
  IncomeGroup, SpecialNotes, TableName``); aggregates have an empty Region.

Every reader checks the whole file and raises a UsageError naming it and what is wrong.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from helpers import catalogue
from helpers.errors import StoreError, UsageError
from helpers.reference import groups, schema
from helpers.sources.payload import StoredSnapshot

WB_ID_COLUMNS = ("Country Name", "Country Code", "Indicator Name", "Indicator Code")
META_REQUIRED = ("Country Code", "Region", "IncomeGroup")

_PREAMBLE_MAX = 8  # the WDI preamble is 4 records; allow a little slack, no more
_MISSING = ("", "..")  # ".." is the World Bank's own missing-value marker (DataBank exports)
_YEAR = re.compile(r"^\d{4}$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_SHOWN = 5  # examples listed in an error message


@dataclass
class WbTable:
    """A World Bank wide table as text: the id columns and one column per year."""

    frame: pd.DataFrame
    years: list[str]
    last_updated: str | None


# -- reading and recognising ---------------------------------------------------------------
def decode(data: bytes, *, partial: bool = False) -> tuple[str, str]:
    """Text and encoding of a CSV: UTF-8 (BOM optional), else Windows-1252 as re-saved by Excel.

    Args:
        data: the bytes, or the first bytes of a file when ``partial`` is True.

    Raises:
        UnicodeDecodeError: the bytes are neither.
    """
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = codecs.getincrementaldecoder(encoding)().decode(data, final=not partial)
        except UnicodeDecodeError:
            continue
        return text.removeprefix("\ufeff"), encoding
    raise UnicodeDecodeError("utf-8", data[:1], 0, 1, "neither UTF-8 nor Windows-1252 text")


def _records(text: str) -> Iterator[list[str]]:
    # newline="" keeps the line endings for csv, which handles LF, CRLF and quoted line breaks.
    return csv.reader(io.StringIO(text, newline=""))


def _cells(record: list[str]) -> list[str]:
    return [c.strip() for c in record]


def _is_wb_header(record: list[str]) -> bool:
    cells = [c.casefold() for c in _cells(record[: len(WB_ID_COLUMNS)])]
    return cells == [c.casefold() for c in WB_ID_COLUMNS]


def _find_wb_header(records: list[list[str]]) -> tuple[int, str | None] | None:
    """Index of the WB header record and the preamble's Last Updated Date; None if not WB bulk."""
    last_updated = None
    for i, record in enumerate(records[: _PREAMBLE_MAX + 1]):
        if _is_wb_header(record):
            return i, last_updated
        filled = [c for c in _cells(record) if c]
        if len(filled) > 2:  # a preamble record is blank or a "key","value" pair
            return None
        if len(filled) == 2 and filled[0].casefold() == "last updated date":
            last_updated = filled[1]
    return None


def head_records(text: str) -> list[list[str]]:
    """The first CSV records of a file's head, enough to recognise a World Bank file.

    A head that ends inside a quoted field gives the records read before it.
    """
    n = _PREAMBLE_MAX + 1
    out = []
    try:
        for record in _records(text):
            out.append(record)
            if len(out) >= n:
                break
    except csv.Error:
        pass  # the head may end inside a quoted field; what was read is enough to classify
    return out


def sniff(records: list[list[str]]) -> str | None:
    """The format of a file from its first records (:func:`head_records`).

    Returns:
        "wb-bulk-csv", "wb-country-meta-csv", or None when it is neither.
    """
    if _find_wb_header(records) is not None:
        return "wb-bulk-csv"
    header = set(_cells(records[0])) if records else set()
    if set(META_REQUIRED) <= header:
        return "wb-country-meta-csv"
    return None


def is_indicator_metadata(records: list[list[str]]) -> bool:
    """True for a World Bank indicator metadata file (``Metadata_Indicator_*``)."""
    header = set(_cells(records[0])) if records else set()
    return {"INDICATOR_CODE", "SOURCE_NOTE"} <= header


# -- World Bank bulk CSV -------------------------------------------------------------------
def read_table(data: bytes, name: Path | str) -> WbTable:
    """The wide table of a WB bulk CSV, as text, with its structure checked.

    Raises:
        UsageError: naming ``name``, when the file is not a valid World Bank bulk CSV.
    """
    try:
        text, _ = decode(data)
        records = list(_records(text))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise UsageError(f"{name}: unreadable World Bank CSV ({exc})") from None
    found = _find_wb_header(records)
    if found is None:
        raise UsageError(f"{name}: no World Bank header 'Country Name,Country Code,...'")
    at, last_updated = found
    if last_updated is not None and not _DATE.match(last_updated):
        raise UsageError(f"{name}: Last Updated Date {last_updated!r} is not YYYY-MM-DD")
    header = _cells(records[at])
    body = [r for r in records[at + 1 :] if any(c.strip() for c in r)]
    if not body:
        raise UsageError(f"{name}: a World Bank CSV header but no rows")
    width = len(header)
    for i, record in enumerate(body):
        if len(record) < width or any(c.strip() for c in record[width:]):
            raise UsageError(
                f"{name}: row {i + 1} after the header has {len(record)} fields, the header "
                f"{width}; the file looks truncated or corrupt"
            )
    frame = pd.DataFrame(
        [[c.strip() for c in r[:width]] for r in body], columns=pd.Index(range(width))
    )
    years, keep = [], list(range(len(WB_ID_COLUMNS)))
    for j in range(len(WB_ID_COLUMNS), width):
        label = header[j]
        if _YEAR.match(label):
            years.append(label)
            keep.append(j)
        elif frame[j].ne("").any():
            raise UsageError(f"{name}: unexpected column {label!r} (not a year) holds data")
        # else: the empty column a trailing comma makes, or pandas' "Unnamed: N" after a re-save
    if not years:
        raise UsageError(f"{name}: a World Bank CSV header with no year columns")
    if len(set(years)) != len(years):
        raise UsageError(f"{name}: year columns repeat")
    frame = frame[keep].set_axis(list(WB_ID_COLUMNS) + years, axis=1)
    for col in ("Country Code", "Indicator Code"):
        if frame[col].eq("").any():
            raise UsageError(f"{name}: {frame[col].eq('').sum()} rows with an empty {col}")
    dup = frame.duplicated(["Country Code", "Indicator Code"], keep=False)
    if dup.any():
        pairs = frame.loc[dup, ["Country Code", "Indicator Code"]].drop_duplicates()
        shown = ", ".join(f"{e}/{s}" for e, s in pairs.head(_SHOWN).itertuples(index=False))
        raise UsageError(f"{name}: economy/indicator rows repeat: {shown}")
    return WbTable(frame=frame, years=years, last_updated=last_updated)


def read_long(data: bytes, name: Path | str) -> pd.DataFrame:
    """A WB bulk CSV as long rows: economy, economy_name, series (WB code), year, value.

    Empty cells are dropped.

    Raises:
        UsageError: naming ``name``, when the file is not valid or a value is not a number.
    """
    table = read_table(data, name)
    long = table.frame.melt(
        id_vars=list(WB_ID_COLUMNS), value_vars=table.years, var_name="year", value_name="text"
    )
    long = long[~long["text"].isin(_MISSING)]
    value = pd.to_numeric(long["text"], errors="coerce")
    bad = value.isna() | ~np.isfinite(value)
    if bad.any():
        shown = ", ".join(
            f"{e} {y}: {t!r}"
            for e, y, t in long.loc[bad, ["Country Code", "year", "text"]]
            .head(_SHOWN)
            .itertuples(index=False)
        )
        raise UsageError(f"{name}: {int(bad.sum())} values are not numbers ({shown})")
    return pd.DataFrame(
        {
            "economy": long["Country Code"],
            "economy_name": long["Country Name"],
            "series": long["Indicator Code"],
            "year": long["year"].astype("int64"),
            "value": value.astype("float64"),
        }
    ).reset_index(drop=True)


def series_ids(codes: list[str], name: Path | str) -> dict[str, str]:
    """Catalogue id for each WB indicator code; a UsageError names codes the catalogue lacks."""
    by_code = {s.code: s.id for s in catalogue.load().series if s.source == "worldbank"}
    unknown = [c for c in codes if c not in by_code]
    if unknown:
        raise UsageError(
            f"{name}: indicator {', '.join(unknown)} is not in the series catalogue, so sdg17 "
            f"would not use it. Catalogue World Bank series: {', '.join(by_code.values())}. "
            "Add it to helpers/catalogue.yaml first if a notebook needs it."
        )
    return {c: by_code[c] for c in codes}


def parse_wb_bulk(snapshot: StoredSnapshot) -> pd.DataFrame:
    """The canonical tidy frame of a "wb-bulk-csv" snapshot (wide years to long rows).

    Raises:
        StoreError: if the snapshot holds another format.
        UsageError: if a payload is not a valid World Bank bulk CSV.
    """
    _expect(snapshot, "wb-bulk-csv")
    units = {s.id: s.unit for s in catalogue.load().series}
    frames = []
    for path in snapshot.files():
        long = read_long(path.read_bytes(), path)
        ids = series_ids(sorted(set(long["series"])), path)
        frames.append(long.assign(series=long["series"].map(ids)))
    tidy = pd.concat(frames, ignore_index=True)
    tidy = tidy.assign(
        economy=groups.current_codes(tidy["economy"]),
        unit=tidy["series"].map(units),
        source="worldbank",
        vintage=snapshot.vintage,
        snapshot_id=snapshot.id,
    )
    tidy = tidy.sort_values(["series", "economy", "year"], kind="stable", ignore_index=True)
    return schema.coerce(tidy)


# -- World Bank country metadata -----------------------------------------------------------
def read_country_meta(data: bytes, name: Path | str) -> pd.DataFrame:
    """The economy reference rows of a country metadata CSV (columns ``schema.REFERENCE_COLUMNS``),
    codes as filed (:func:`parse_wb_country_meta` reads retired ones as today's).

    Raises:
        UsageError: naming ``name``, when the file is unreadable, lacks a column, has an
            empty or repeated Country Code, or has no rows.
    """
    try:
        text, _ = decode(data)
        frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    except (UnicodeDecodeError, ValueError) as exc:  # pandas' ParserError is a ValueError
        raise UsageError(f"{name}: unreadable World Bank country metadata ({exc})") from None
    frame.columns = [str(c).strip() for c in frame.columns]
    missing = [c for c in (*META_REQUIRED, "TableName") if c not in frame.columns]
    if missing:
        raise UsageError(f"{name}: country metadata without column(s) {', '.join(missing)}")
    frame = frame.apply(lambda col: col.str.strip())
    if frame["Country Code"].eq("").any():
        raise UsageError(f"{name}: rows with an empty Country Code")
    dup = frame["Country Code"].duplicated()
    if dup.any():
        raise UsageError(
            f"{name}: Country Code repeats: {', '.join(frame.loc[dup, 'Country Code'])}"
        )
    if frame.empty:
        raise UsageError(f"{name}: country metadata with no rows")
    return pd.DataFrame(
        {
            "economy": frame["Country Code"],
            "economy_name": frame["TableName"],
            "region": frame["Region"].where(frame["Region"] != "", None),
            "income_group": frame["IncomeGroup"].where(frame["IncomeGroup"] != "", None),
            "is_aggregate": frame["Region"].eq("").astype(bool),
        }
    )[schema.REFERENCE_COLUMNS]


def parse_wb_country_meta(snapshot: StoredSnapshot) -> pd.DataFrame:
    """Economy reference from a "wb-country-meta-csv" snapshot.

    Returns:
        Columns ``economy, economy_name, region, income_group, is_aggregate``; aggregates are
        the rows with an empty Region (their region and income group are None). The name is
        the file's ``TableName``.
    """
    _expect(snapshot, "wb-country-meta-csv")
    frames = [read_country_meta(p.read_bytes(), p) for p in snapshot.files()]
    meta = pd.concat(frames, ignore_index=True)
    meta = meta.assign(economy=groups.current_codes(meta["economy"]))
    return meta.drop_duplicates("economy", ignore_index=True)


def _expect(snapshot: StoredSnapshot, fmt: str) -> None:
    if snapshot.format != fmt:
        raise StoreError(f"snapshot {snapshot.id} holds {snapshot.format!r}, not {fmt!r}")
