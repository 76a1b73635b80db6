"""Verbs on the canonical tidy table, each DataFrame in, DataFrame out, to chain with ``.pipe``.

Example:
    >>> (tidy.load(["IT.NET.USER.ZS"])
    ...     .pipe(wrangle.with_groups, tidy.economies())
    ...     .pipe(wrangle.latest, by=["economy", "series"]))
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import catalogue

GROUP_COLUMNS = ["region", "income_group", "ldc", "dac_member", "beyond_dac", "global_south"]
INCOME_ORDER = ["Low income", "Lower middle income", "Upper middle income", "High income"]


def years(frame: pd.DataFrame, start: int | None = None, end: int | None = None) -> pd.DataFrame:
    """Rows with start <= year <= end."""
    mask = pd.Series(True, index=frame.index)
    if start is not None:
        mask &= frame["year"] >= start
    if end is not None:
        mask &= frame["year"] <= end
    return frame[mask]


def series(frame: pd.DataFrame, ids: list[str] | str) -> pd.DataFrame:
    """Rows of the given series."""
    return frame[frame["series"].isin([ids] if isinstance(ids, str) else ids)]


def latest(frame: pd.DataFrame, by: list[str] | None = None) -> pd.DataFrame:
    """The most recent non-missing row per group (default: per economy and series)."""
    by = by or ["economy", "series"]
    if frame.empty:
        return frame.copy()
    idx = frame.sort_values("year").groupby(by, sort=True)["year"].idxmax()
    return frame.loc[idx.values].reset_index(drop=True)


def wide(
    frame: pd.DataFrame, columns: str = "series", index: list[str] | None = None
) -> pd.DataFrame:
    """Pivot to one column per series (or per ``columns`` value)."""
    index = index or ["economy", "economy_name", "year"]
    out = frame.pivot_table(index=index, columns=columns, values="value", aggfunc="first")
    out.columns.name = None
    return out.reset_index()


def with_groups(
    frame: pd.DataFrame, reference: pd.DataFrame, columns: list[str] | None = None
) -> pd.DataFrame:
    """Join region, income group and the group flags from ``tidy.economies()``."""
    columns = [c for c in (columns or GROUP_COLUMNS) if c in reference.columns]
    ref = reference[["economy", *columns]].drop_duplicates("economy")
    return frame.merge(ref, on="economy", how="left", validate="many_to_one")


def group_mean(
    frame: pd.DataFrame, by: list[str], weights: pd.Series | None = None, value: str = "value"
) -> pd.DataFrame:
    """Mean (weighted when ``weights`` aligned to ``frame`` is given) and count per group."""
    work = frame.assign(_w=1.0 if weights is None else weights)
    work = work[work[value].notna() & work["_w"].notna()]
    grouped = work.groupby(by, sort=True, observed=True)
    out = grouped.apply(
        lambda g: pd.Series({"value": np.average(g[value], weights=g["_w"]), "n": len(g)}),
        include_groups=False,
    )
    return out.reset_index().astype({"n": "int64"})


def group_medians(
    frame: pd.DataFrame,
    reference: pd.DataFrame,
    by: str = "income_group",
    min_share: float | None = None,
) -> pd.DataFrame:
    """Median ``value`` across economies per group (a ``reference`` column) and year.

    Groups by ``series`` too when the frame has that column; economies outside every group
    (NaN in ``by``) are left out. With ``min_share``, years in which fewer than that share
    of the group's best-covered year report are dropped, so that a late year with a handful
    of early reporters does not make the median jump.

    Returns:
        Columns ``<by>, [series,] year, median, n``.
    """
    data = frame.dropna(subset=["value"]).merge(
        reference[["economy", by]].drop_duplicates("economy"), on="economy", how="inner"
    )
    data = data[data[by].notna()]
    keys = [by, *(["series"] if "series" in data else []), "year"]
    out = data.groupby(keys, sort=True)["value"].agg(median="median", n="count").reset_index()
    out = out.astype({"n": "int64"})
    if min_share is not None:
        most = out.groupby(keys[:-1])["n"].transform("max")
        out = out[out["n"] >= min_share * most].reset_index(drop=True)
    return out


def price_series(base_id: str, price_basis: str) -> str:
    """The catalogue id for the chosen price basis of a money series.

    ``price_series("DAC1.ODA.NET.CURRENT", "constant") -> "DAC1.ODA.NET.CONSTANT"``.
    """
    stem, _, _ = base_id.rpartition(".")
    wanted = f"{stem}.{price_basis.upper()}"
    catalogue.get(wanted)  # raises naming the id when the catalogue has no such series
    return wanted


def complete_panel(frame: pd.DataFrame, min_years: int) -> pd.DataFrame:
    """Keep economy-series with at least ``min_years`` observations."""
    counts = frame.groupby(["economy", "series"])["year"].transform("count")
    return frame[counts >= min_years]


def coverage(frame: pd.DataFrame) -> pd.DataFrame:
    """Economies with a value, per series and year (for coverage heatmaps)."""
    return frame.groupby(["series", "year"])["economy"].nunique().rename("economies").reset_index()


def stack(*frames: pd.DataFrame | None) -> pd.DataFrame:
    """Tidy frames stacked into one (empty and None ones left out; the first kept if all are).

    Example:
        >>> used = wrangle.stack(dac1, aid_received, dac2a)  # what a notebook read
    """
    kept = [f for f in frames if f is not None and len(f)]
    if not kept:
        first = next((f for f in frames if f is not None), None)
        return first.iloc[0:0].reset_index(drop=True) if first is not None else pd.DataFrame()
    return pd.concat(kept, ignore_index=True)
