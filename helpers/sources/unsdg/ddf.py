"""UN SDG Global Database series in the open-numbers DDF layout (``ddf--unstats--sdg_indicators``).

A datapoints file ``ddf--datapoints--<series>--by--geo_area--<keys>--year.csv`` has the columns
``geo_area`` (UN M49 code), ``nature``, the series' dimensions (``type_of_speed`` ...),
``units``, ``year`` and one value column named after the series in lower case
(``dc_fta_total``). Codes in it are lower case (``con_usd``, ``anys``) where the API writes
them in upper case; they are upper-cased when read, so one ``select`` serves both.

A file is recognised by its header, not its name. The series is its value column, matched to
the catalogue by UN code or a former code (``it_net_bbp`` is ``IT_NET_BBND`` today). Area
names come from ``ddf--entities--geo_area.csv`` beside the file when it is there (stored in
the same snapshot), else from ISO 3166 and ``helpers/reference/m49.yaml``. The release is
read from the README beside the file (open-numbers datasets say when they were generated).
"""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime
from pathlib import Path

import pandas as pd

from helpers import catalogue
from helpers.catalogue import Series
from helpers.errors import UsageError
from helpers.sources.payload import FetchResult, Payload, isoformat
from helpers.sources.unsdg.slices import (
    DDF_FORMAT,
    SOURCE,
    FormatError,
    members_by_code,
    numeric,
    select_slice,
    typed,
)

ENTITIES = "ddf--entities--geo_area.csv"
_KEYS = ("geo_area", "year")
_VALUE = re.compile(r"^[a-z][a-z0-9_]*$")
_README = "README.md"


def sniff(header: list[str]) -> str | None:
    """The UN series code (upper case) of a DDF datapoints header, or None if it is not one."""
    cols = [c.strip() for c in header]
    if len(cols) < 3 or cols[0] != "geo_area" or "year" not in cols:
        return None
    value = cols[-1]
    if value in _KEYS or not _VALUE.match(value) or any(c != c.lower() for c in cols):
        return None
    return value.upper()


def catalogue_series(code: str, path: Path | str) -> Series:
    """The catalogue series a DDF file's series code stands for (current or former code).

    Raises:
        UsageError: naming the code when no UN series of the catalogue has it.
    """
    by_code = members_by_code([s for s in catalogue.load().series if s.source == SOURCE])
    if code.upper() not in by_code:
        known = ", ".join(sorted({s.code for s in by_code.values()}))
        raise UsageError(
            f"{path}: a UN SDG DDF file for series {code.upper()}, which is not in the catalogue "
            f"(UN series catalogued: {known}); add it to helpers/catalogue.yaml or leave the "
            "file out"
        )
    return by_code[code.upper()]


def read_long(data: bytes, where: Path | str) -> pd.DataFrame:
    """The long frame (see :mod:`~helpers.sources.unsdg.slices`) of one datapoints file.

    Raises:
        FormatError: the bytes are not a DDF datapoints file.
    """
    try:
        frame = pd.read_csv(
            io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig"
        )
    except (ValueError, UnicodeDecodeError) as exc:
        raise FormatError(f"{where}: unreadable CSV ({exc})") from None
    code = sniff(list(frame.columns))
    if code is None:
        raise FormatError(f"{where}: not a DDF datapoints file (columns {list(frame.columns)})")
    value_col = frame.columns[-1]
    dims = [c for c in frame.columns if c not in (*_KEYS, value_col)]
    long = pd.DataFrame(
        {
            "area": frame["geo_area"].str.strip(),
            "area_name": "",
            "year": frame["year"].str.strip(),
            "code": code,
            "value": frame[value_col],
        }
    )
    for col in dims:  # DDF writes codes in lower case, the API in upper case
        long[col] = frame[col].str.strip().str.upper()
    try:
        return typed(long)
    except FormatError as exc:
        raise FormatError(f"{where}: {exc}") from None


def read_names(data: bytes) -> dict[str, str]:
    """M49 code -> name from ``ddf--entities--geo_area.csv``."""
    frame = pd.read_csv(io.BytesIO(data), dtype=str, keep_default_na=False)
    if not {"geo_area", "name"} <= set(frame.columns):
        return {}
    return dict(zip(frame["geo_area"].str.strip(), frame["name"], strict=True))


def long_of_files(files: list[Path], where: Path | str) -> tuple[pd.DataFrame, dict[str, str]]:
    """The long frame and area names of a stored DDF snapshot's files."""
    names: dict[str, str] = {}
    frames = []
    for path in files:
        if path.name == ENTITIES:
            names = read_names(path.read_bytes())
        else:
            frames.append(read_long(path.read_bytes(), path))
    if not frames:
        raise FormatError(f"{where}: no DDF datapoints file")
    return pd.concat(frames, ignore_index=True), names


def release_of(folder: Path) -> str:
    """The release a DDF folder holds, from its README ("2020 (open-numbers
    ddf--unstats--sdg_indicators, generated 2020-10-19)"); "" when it does not say."""
    try:
        text = (folder / _README).read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    year = re.search(r"\((\d{4}) release\)|\b(\d{4}) release\b", text)
    generated = re.search(r"generated on (\d{4}-\d{2}-\d{2})", text)
    dataset = re.search(r"open-numbers/(ddf--[\w-]+)", text)
    details = [f"open-numbers {dataset.group(1)}" if dataset else "open-numbers DDF"]
    if generated:
        details.append(f"generated {generated.group(1)}")
    label = next((g for g in year.groups() if g), "") if year else ""
    if not label and not generated:
        return ""
    return f"{label or 'unknown'} ({', '.join(details)})"


def prepare(path: Path, data: bytes) -> FetchResult:
    """A DDF datapoints file as a ``unsdg-ddf-csv`` import, checked in full.

    Raises:
        UsageError: the series is not catalogued, the file is corrupt, its slice is
            ambiguous (see ``select``), or it holds no numeric value of the catalogued slice.
    """
    try:
        long = read_long(data, path)
    except FormatError as exc:
        raise UsageError(str(exc)) from None
    s = catalogue_series(long["code"].iloc[0] if len(long) else sniff(_header(data)), path)
    picked, dropped = numeric(select_slice(long, s))
    if picked.empty:
        raise UsageError(f"{path}: a UN SDG DDF file with no numeric values for {s.id}")
    payloads = [Payload(name=path.name, content=data, rows=len(long))]
    entities = path.with_name(ENTITIES)
    if entities.is_file() and entities != path:
        payloads.append(Payload(name=ENTITIES, content=entities.read_bytes()))
    release = release_of(path.parent)
    mtime = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    return FetchResult(
        source=SOURCE,
        format=DDF_FORMAT,
        series=[s.id],
        payloads=payloads,
        query={
            "file": str(path),
            "economies": "all",
            "start_year": int(picked["year"].min()),
            "end_year": int(picked["year"].max()),
            "series_codes": {s.id: long["code"].iloc[0]},
        },
        source_last_updated=f"release {release}" if release else None,
        extra={
            "imported_from": str(path),
            "file_mtime": isoformat(mtime),
            "encoding": "utf-8",
            "release": f"UN SDG Global Database release {release or 'unknown'}",
            "releases": {s.id: release or "unknown (the file's README does not say)"},
            "skipped_values": {s.id: dropped} if dropped else {},
            "series_codes": {s.id: long["code"].iloc[0]},
        },
    )


def _header(data: bytes) -> list[str]:
    first = data.decode("utf-8-sig", errors="replace").splitlines()[:1]
    return next(csv.reader(first), []) if first else []
