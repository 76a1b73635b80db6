"""The canonical tidy schema, defined once, and the check that enforces it.

Every table the tidy layer writes has these columns, one row per economy, year, series and
creditor::

    economy        ISO3 / World Bank / OECD code ("KEN", "WLD", "DAC")
    economy_name   the source's label
    year           int
    series         catalogue id
    value          float
    unit           catalogue unit (one per series)
    source         "worldbank" | "oecd" | "ids" | "unsdg" | "demo"
    vintage        the source's last-updated date or dataflow version, and retrieval date
    snapshot_id    the raw snapshot the row was read from
    creditor       for flows broken down by creditor (IDS): ISO3 of a creditor country, "WLD"
                   for all creditors, or "IDS" + the IDS counterpart id for an institution or
                   other lender ("IDS905", World Bank-IDA); "" for rows not by creditor
    creditor_name  the source's label of the creditor; "" when not by creditor
    creditor_group "Southern" | "DAC" | "other" | "all creditors" (set by the tidy build,
                   see ``helpers.reference.groups.creditor_groups``); "" when not by creditor

The creditor columns are filled with "" by :func:`coerce` when a reader does not produce
them, so sources without a creditor dimension (WDI, OECD, imports) need not know of them.

Economies and aggregates (regions, income groups, donor groups) share the schema but are
kept in separate tables, so a sum over economies never double-counts a region.
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from helpers import catalogue
from helpers.errors import SchemaError, UsageError

COLUMNS = [
    "economy",
    "economy_name",
    "year",
    "series",
    "value",
    "unit",
    "source",
    "vintage",
    "snapshot_id",
    "creditor",
    "creditor_name",
    "creditor_group",
]
KEY = ["economy", "year", "series", "creditor"]
# The columns a row not broken down by creditor holds as "".
CREDITOR_COLUMNS = ["creditor", "creditor_name", "creditor_group"]
SOURCES = ("worldbank", "oecd", "ids", "unsdg", "demo")
CREDITOR_GROUPS = ("Southern", "DAC", "other", "all creditors")
# The economy reference table every source's reader produces and the tidy layer extends.
REFERENCE_COLUMNS = ["economy", "economy_name", "region", "income_group", "is_aggregate"]
MIN_YEAR, MAX_YEAR = 1960, 2100
_SHOWN = 10


@cache
def _pandera():
    """pandera, imported on the first validation: it costs about 0.2 s, which every ``sdg17``
    command (and every import of the schema's column names) would pay otherwise."""
    import pandera.pandas as pa

    return pa


@cache
def _schema():
    pa = _pandera()
    return pa.DataFrameSchema(
        {
            "economy": pa.Column(str, pa.Check.str_length(1, 16)),
            "economy_name": pa.Column(str),
            "year": pa.Column(int, pa.Check.in_range(MIN_YEAR, MAX_YEAR)),
            "series": pa.Column(str),
            "value": pa.Column(float, nullable=False),
            "unit": pa.Column(str),
            "source": pa.Column(str, pa.Check.isin(list(SOURCES))),
            "vintage": pa.Column(str),
            "snapshot_id": pa.Column(str),
            "creditor": pa.Column(str, pa.Check.str_length(0, 16)),
            "creditor_name": pa.Column(str),
            "creditor_group": pa.Column(str, pa.Check.isin(["", *CREDITOR_GROUPS])),
        },
        strict=True,
        ordered=True,
        coerce=True,
    )


def empty() -> pd.DataFrame:
    """A zero-row frame with the canonical columns and dtypes."""
    return coerce(pd.DataFrame({c: [] for c in COLUMNS}))


def coerce(frame: pd.DataFrame) -> pd.DataFrame:
    """Order the columns and set dtypes (year int64, value float64, text as object).

    A frame without the creditor columns gets them as "" (rows not broken down by creditor).
    """
    frame = _with_creditor(frame)
    missing = [c for c in COLUMNS if c not in frame.columns]
    if missing:
        raise SchemaError(f"tidy frame lacks columns {missing}")
    out = frame[COLUMNS].copy()
    out["year"] = out["year"].astype("int64")
    out["value"] = out["value"].astype("float64")
    for col in COLUMNS:
        if col not in ("year", "value"):
            out[col] = out[col].astype(object)
    return out


def _with_creditor(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with the creditor columns it lacks added as "" (not by creditor), and the
    canonical columns in canonical order (any others after them)."""
    absent = [c for c in CREDITOR_COLUMNS if c not in frame.columns]
    frame = frame.assign(**dict.fromkeys(absent, "")) if absent else frame
    order = [c for c in COLUMNS if c in frame.columns]
    return frame[order + [c for c in frame.columns if c not in order]]


def _rows(frame: pd.DataFrame, mask: pd.Series) -> str:
    bad = frame.loc[mask, [*KEY, "value", "unit"]]
    text = bad.head(_SHOWN).to_string(index=False)
    more = f"\n... and {len(bad) - _SHOWN} more" if len(bad) > _SHOWN else ""
    return f"{text}{more}"


def validate(frame: pd.DataFrame) -> pd.DataFrame:
    """Check a tidy frame and return it with canonical dtypes.

    Rejects duplicate (economy, year, series, creditor) keys, years outside 1960-2100, missing
    values, more than one unit per series, percentages (unit_kind "percent") outside 0-100,
    and yes/no series (unit_kind "flag") holding anything but 0 and 1.
    Creditor columns a frame lacks are added as "" first.

    Raises:
        SchemaError: naming the rule broken and the offending rows.
    """
    try:
        frame = _schema().validate(_with_creditor(frame), lazy=True)
    except _pandera().errors.SchemaErrors as exc:
        cases = exc.failure_cases.head(_SHOWN).to_string(index=False)
        raise SchemaError(f"tidy table breaks the canonical schema:\n{cases}") from None

    dup = frame.duplicated(KEY, keep=False)
    if dup.any():
        raise SchemaError(f"duplicate economy-year-series-creditor keys:\n{_rows(frame, dup)}")

    units = frame.groupby("series")["unit"].nunique()
    mixed = units[units > 1].index.tolist()
    if mixed:
        raise SchemaError(
            f"series with more than one unit: {', '.join(mixed)}:\n"
            f"{_rows(frame, frame['series'].isin(mixed))}"
        )

    known = {s.id: s for s in catalogue.load().series}
    pct = [sid for sid in frame["series"].unique() if sid in known and known[sid].is_percent]
    out_of_range = frame["series"].isin(pct) & ~frame["value"].between(0, 100)
    if out_of_range.any():
        raise SchemaError(f"percentages outside 0-100:\n{_rows(frame, out_of_range)}")
    flags = [sid for sid in frame["series"].unique() if sid in known and known[sid].is_flag]
    not_yes_no = frame["series"].isin(flags) & ~frame["value"].isin([0.0, 1.0])
    if not_yes_no.any():
        raise SchemaError(
            f"yes/no series with values other than 0 and 1:\n{_rows(frame, not_yes_no)}"
        )
    return coerce(frame)


def check_year_range(
    start: int | None,
    end: int | None,
    *,
    names: tuple[str, str] = ("start year", "end year"),
    error: type[UsageError] = UsageError,
) -> None:
    """The one year-range rule, in one wording, wherever a range is given.

    Args:
        start, end: the inclusive bounds (None: open).
        names: how the caller's user knows them ("start_year" in a notebook, "start year" on the
            command line).
        error: the exception to raise (``ParameterError`` for notebook parameters).

    Raises:
        UsageError: (or ``error``) when start is after end.
    """
    if start is not None and end is not None and start > end:
        raise error(
            f"{names[0]} {start} is after {names[1]} {end}: the year range is empty; swap them"
        )
