"""UN SDG Global Database observations -> tidy rows: the slice selection API pages and DDF
files share.

Both readers first make a *long* frame, one row per observation as the UN published it::

    area, area_name, year, code, value (text), <one column per dimension and attribute>

(API: ``Nature``, ``Units``, ``Reporting Type``, ``Type of speed``...; DDF: ``nature``,
``units``, ``type_of_speed``...). :func:`tidy_rows` then picks each catalogue series' slice:

* the series' ``select`` (e.g. ``{"Type of speed": "ANYS"}``), matching names and values
  ignoring case and spaces vs underscores ("Type of speed" is ``type_of_speed``);
* where a ``Reporting Type`` dimension exists, its ``G`` rows: global data as the custodian
  agency compiled them, the figures the SDG reports quote (``N`` are national figures, which
  may differ from the global ones);
* if after that an (area, year) still has more than one value, which dimension varies is
  named in a :class:`~helpers.errors.CatalogueError`: the series needs a ``select`` for it,
  so that nothing ambiguous ever reaches a table.

Values that are not numbers ("NaN", ">95", "<0.1") are dropped and counted; the count is
logged and, at fetch time, recorded in the snapshot's metadata.
"""

from __future__ import annotations

import json
import logging
import re

import pandas as pd

from helpers.catalogue import Series
from helpers.errors import CatalogueError
from helpers.reference import m49, schema
from helpers.sources.http import MalformedAnswer

log = logging.getLogger(__name__)

SOURCE = "unsdg"
API_FORMAT = "unsdg-api-json"
DDF_FORMAT = "unsdg-ddf-csv"
BASE = ["area", "area_name", "year", "code", "value"]
REPORTING_TYPE = "reporting_type"
GLOBAL = "G"


class FormatError(MalformedAnswer, ValueError):
    """A UN answer that is not what the API sends (an HTML page, a cut-short JSON body)."""


def norm(text: object) -> str:
    """A dimension name or value as compared: case, spaces and underscores ignored."""
    return re.sub(r"[\s_]+", "_", str(text).strip()).casefold()


# -- API pages ---------------------------------------------------------------------------
def read_page(content: bytes) -> dict:
    """One ``Series/Data`` page, checked: a JSON object with a ``data`` list and paging fields.

    Raises:
        FormatError: not JSON, or JSON without the fields every page has.
    """
    try:
        page = json.loads(content)
    except (UnicodeDecodeError, ValueError) as exc:
        head = content[:120].decode("utf-8", errors="replace")
        raise FormatError(f"not a JSON page ({exc}): {' '.join(head.split())!r}") from None
    if not isinstance(page, dict) or not isinstance(page.get("data"), list):
        raise FormatError("a JSON answer without a 'data' list")
    for key in ("totalPages", "totalElements"):
        if not isinstance(page.get(key), int | float):
            raise FormatError(f"a JSON page without '{key}'")
    return page


def long_from_pages(pages: list[bytes]) -> pd.DataFrame:
    """The long frame (module docstring) of ``Series/Data`` pages."""
    rows = []
    for content in pages:
        for obs in read_page(content)["data"]:
            row = {
                "area": str(obs.get("geoAreaCode", "")).strip(),
                "area_name": str(obs.get("geoAreaName") or ""),
                "year": obs.get("timePeriodStart"),
                "code": str(obs.get("series", "")).strip().upper(),
                "value": "" if obs.get("value") is None else str(obs["value"]),
            }
            # Dimensions and attributes share one namespace in the slice selection.
            for group in ("dimensions", "attributes"):
                for key, val in (obs.get(group) or {}).items():
                    row[str(key)] = "" if val is None else str(val)
            rows.append(row)
    return typed(pd.DataFrame(rows, columns=BASE) if not rows else pd.DataFrame(rows))


def typed(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame({c: pd.Series(dtype=object) for c in BASE})
    years = pd.to_numeric(frame["year"], errors="coerce")
    bad = years.isna() | (years % 1 != 0)
    if bad.any():
        shown = frame.loc[bad, "year"].head(5).tolist()
        raise FormatError(f"years that are not whole numbers: {shown}")
    return frame.assign(year=years.astype("int64")).fillna("")


# -- the catalogued slice ------------------------------------------------------------------
def members_by_code(series: list[Series]) -> dict[str, Series]:
    """UN series code (current and former, upper case) -> catalogue series."""
    out: dict[str, Series] = {}
    for s in series:
        for code in (s.code, *s.former_codes):
            out[code.upper()] = s
    return out


def _normed(column: pd.Series) -> pd.Series:
    """:func:`norm` of every value, computed once per distinct value."""
    return column.map({v: norm(v) for v in column.unique()})


def _columns(frame: pd.DataFrame) -> dict[str, str]:
    """Normalised dimension/attribute name -> the frame's column."""
    return {norm(c): c for c in frame.columns if c not in BASE}


def select_slice(frame: pd.DataFrame, s: Series) -> pd.DataFrame:
    """The rows of one series that the catalogue means (module docstring).

    Raises:
        CatalogueError: ``select`` names a dimension the data lack, or a dimension other
            than those selected still varies within an (area, year).
    """
    if frame.empty:
        return frame
    cols = _columns(frame)
    for key, value in s.select.items():
        col = cols.get(norm(key))
        if col is None:
            have = ", ".join(sorted(c for c in frame.columns if c not in BASE)) or "none"
            raise CatalogueError(
                f"{s.id}: the catalogue selects {key}={value}, but the UN data have no "
                f"dimension or attribute {key!r} (they have: {have})"
            )
        frame = frame[_normed(frame[col]) == norm(value)]
    rtype = cols.get(REPORTING_TYPE)
    if rtype is not None and (_normed(frame[rtype]) == norm(GLOBAL)).any():
        # Global data (the custodian agency's compilation) rather than national figures.
        frame = frame[_normed(frame[rtype]) == norm(GLOBAL)]
    frame = frame.drop_duplicates([c for c in frame.columns if c != "area_name"])
    dup = frame.duplicated(["area", "year"], keep=False)
    if dup.any():
        clash = frame[dup]
        varying = [
            col
            for col in frame.columns
            if col not in BASE and clash.groupby(["area", "year"])[col].nunique().max() > 1
        ]
        example = clash.sort_values(["area", "year"]).head(2)
        where = f"area {example['area'].iloc[0]}, {example['year'].iloc[0]}"
        if not varying:
            raise CatalogueError(
                f"{s.id}: the UN data hold two different values for {where} with the same "
                "dimensions; the series cannot be read unambiguously"
            )
        values = {c: sorted(set(clash[c])) for c in varying}
        raise CatalogueError(
            f"{s.id}: more than one value per economy and year; the catalogue needs a "
            f"`select` for {', '.join(repr(c) for c in varying)} (values: "
            + "; ".join(f"{c}: {', '.join(v)}" for c, v in values.items())
            + f"), e.g. at {where}"
        )
    return frame


def numeric(frame: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    """Rows whose value is a number, with ``value`` as float, and how many were not."""
    values = pd.to_numeric(frame["value"].astype(str).str.strip(), errors="coerce")
    keep = values.notna()
    return frame[keep].assign(value=values[keep].astype("float64")), int((~keep).sum())


def tidy_rows(
    long: pd.DataFrame,
    series: list[Series],
    vintages: dict[str, str],
    snapshot_id: str,
    names: dict[str, str] | None = None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    """Tidy rows of ``series`` in a long frame, and per series the non-numeric values dropped.

    Args:
        long: the long frame (module docstring).
        series: the catalogue series to read (rows of other codes are ignored).
        vintages: series id -> vintage text stamped on its rows.
        names: M49 code -> area name, for files that carry no names (DDF).
    """
    frames, skipped = [], {}
    for s in series:
        codes = {c.upper() for c in (s.code, *s.former_codes)}
        mine = select_slice(long[long["code"].isin(codes)], s) if len(long) else long
        mine, dropped = numeric(mine)
        if dropped:
            skipped[s.id] = dropped
            log.warning(
                "%s: %d UN value(s) that are not numbers (e.g. 'NaN', '>95') were left out",
                s.id,
                dropped,
            )
        if mine.empty:
            continue
        economy = m49.economies(mine["area"])
        label = mine["area_name"].where(mine["area_name"] != "", None)
        if names:
            label = label.fillna(mine["area"].map(names))
        label = label.fillna(economy.map(m49.name))
        frames.append(
            pd.DataFrame(
                {
                    "economy": economy.to_numpy(),
                    "economy_name": label.to_numpy(),
                    "year": mine["year"].to_numpy(),
                    "series": s.id,
                    "value": mine["value"].to_numpy(),
                    "unit": s.unit,
                    "source": SOURCE,
                    "vintage": vintages.get(s.id, ""),
                    "snapshot_id": snapshot_id,
                }
            )
        )
    if not frames:
        return schema.empty(), skipped
    out = pd.concat(frames, ignore_index=True).sort_values(["series", "economy", "year"])
    return schema.coerce(out.reset_index(drop=True)), skipped
