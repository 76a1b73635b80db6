"""South-South lending by creditor: the data verbs over the World Bank's International Debt
Statistics (IDS) rows in the tidy table.

IDS rows are public and publicly guaranteed (PPG) debt flows of a debtor economy, broken down
by creditor (the tidy columns ``creditor``, ``creditor_name``, ``creditor_group``). The
creditor ``WLD`` is the total over all bilateral creditors of that series; every other
creditor is one lending country, grouped "Southern" (a developing economy under the Global
South definition in force), "DAC" or "other".

What the numbers can and cannot say (the notebook repeats it): IDS counts what borrowers
report of their public and publicly guaranteed debt; grants are not debt and are absent;
lending to private borrowers without a public guarantee is not broken down by creditor; a
loan's disbursements come in lumps, so shares are taken over several years
(``WINDOW``), not one.

Example:
    >>> rows = tidy.load(lending.SERIES, missing="ignore")
    >>> lending.southern_share(rows, reference, "region")
"""

from __future__ import annotations

import pandas as pd

from helpers.models import OK, linear_trend

DISBURSED = "DT.DIS.BLAT.CD"  # PPG bilateral disbursements (current US$)
SERVICE = "DT.TDS.BLAT.CD"  # PPG bilateral debt service: principal and interest
CONCESSIONAL = "DT.DIS.BLTC.CD"  # the concessional part of the disbursements
NET_FLOWS = "DT.NFL.BLAT.CD"  # disbursements less principal repayments
SERIES = [DISBURSED, SERVICE, CONCESSIONAL, NET_FLOWS]
ALL_CREDITORS = "WLD"
SOUTHERN, DAC, OTHER = "Southern", "DAC", "other"
GROUPS = (SOUTHERN, DAC, OTHER)
ALL_DEBTORS = "All developing debtors"
WINDOW = 5  # years summed for shares and rankings: single years are lumpy
SHORT = {DISBURSED: "disbursements", SERVICE: "debt service", NET_FLOWS: "net flows"}


_COLUMNS = ["economy", "economy_name", "year", "series", "value", "creditor"]
_COLUMNS += ["creditor_name", "creditor_group"]


def _none(frame: pd.DataFrame | None) -> bool:
    return frame is None or frame.empty or "creditor" not in frame


def _empty() -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=float if c == "value" else object) for c in _COLUMNS})


def by_creditor(frame: pd.DataFrame | None) -> pd.DataFrame:
    """The rows of single creditors (not the all-creditor total, not rows without one)."""
    if _none(frame):
        return _empty()
    keep = (frame["creditor"] != "") & (frame["creditor"] != ALL_CREDITORS)
    return frame[keep & frame["series"].isin(SERIES)]


def totals(frame: pd.DataFrame | None) -> pd.DataFrame:
    """The all-creditor rows (``WLD``) of the IDS series."""
    if _none(frame):
        return _empty()
    return frame[(frame["creditor"] == ALL_CREDITORS) & frame["series"].isin(SERIES)]


def window(frame: pd.DataFrame, years: int = WINDOW) -> tuple[int, int] | None:
    """The last ``years`` years with data: (first, last), or None without rows."""
    if frame.empty:
        return None
    last = int(frame["year"].max())
    return last - years + 1, last


def group_flows(frame: pd.DataFrame | None) -> pd.DataFrame:
    """Disbursements, debt service and net transfers per creditor group and year, summed over
    debtors and creditors.

    Returns:
        Columns ``year, creditor_group, disbursements, debt_service, net_transfers`` (current
        US$); net transfers are disbursements less debt service (principal and interest).
    """
    rows = by_creditor(frame)
    rows = rows[rows["series"].isin([DISBURSED, SERVICE])]
    columns = ["year", "creditor_group", "disbursements", "debt_service", "net_transfers"]
    if rows.empty:
        return pd.DataFrame(columns=columns)
    wide = rows.pivot_table(
        index=["year", "creditor_group"], columns="series", values="value", aggfunc="sum"
    ).reindex(columns=[DISBURSED, SERVICE])
    out = wide.rename(columns={DISBURSED: "disbursements", SERVICE: "debt_service"})
    out["net_transfers"] = out["disbursements"] - out["debt_service"]
    return out.reset_index()[columns].sort_values(["creditor_group", "year"], ignore_index=True)


def southern_share(
    frame: pd.DataFrame | None, reference: pd.DataFrame, by: str, years: int = WINDOW
) -> pd.DataFrame:
    """The Southern creditors' share of developing countries' bilateral disbursements and of
    their bilateral debt service, per debtor ``by`` group ("region" or "income_group"), over
    the last ``years`` years.

    The denominator is the all-creditor total (``WLD``) of the same debtors, series and
    years, so debtors or years without it are left out of both sides.

    Returns:
        Columns ``<by>, debtors, disbursements_share, debt_service_share`` (0-1), plus a
        row "All developing debtors".
    """
    single, total = by_creditor(frame), totals(frame)
    columns = [by, "debtors", "disbursements_share", "debt_service_share"]
    span = window(total, years)
    if single.empty or span is None:
        return pd.DataFrame(columns=columns)
    groups = reference.set_index("economy")[by]
    total = _in_span(total, span)
    shares = {}
    for series, name in ((DISBURSED, "disbursements_share"), (SERVICE, "debt_service_share")):
        den = total[total["series"] == series]
        num = _in_span(single[single["series"] == series], span)
        num = num[num["creditor_group"] == SOUTHERN]
        num = num.merge(den[["economy", "year"]], on=["economy", "year"])  # same debtor-years
        den_g = den.groupby(den["economy"].map(groups))["value"].sum()
        num_g = num.groupby(num["economy"].map(groups))["value"].sum()
        share = (num_g.reindex(den_g.index).fillna(0) / den_g).where(den_g > 0)
        all_share = num["value"].sum() / den["value"].sum() if den["value"].sum() > 0 else None
        shares[name] = pd.concat([share, pd.Series({ALL_DEBTORS: all_share})])
    debtors = total.groupby(total["economy"].map(groups))["economy"].nunique()
    debtors[ALL_DEBTORS] = total["economy"].nunique()
    out = pd.DataFrame(shares).assign(debtors=debtors).rename_axis(by).reset_index()
    return out[columns]


def _in_span(frame: pd.DataFrame, span: tuple[int, int]) -> pd.DataFrame:
    return frame[frame["year"].between(*span)]


def top_creditors(
    frame: pd.DataFrame | None, series: str = DISBURSED, years: int = WINDOW, top: int = 10
) -> pd.DataFrame:
    """The largest bilateral creditors by ``series`` summed over the last ``years`` years,
    Southern and DAC side by side.

    Returns:
        Columns ``creditor, creditor_name, creditor_group, total, debtors`` (current US$),
        largest first.
    """
    rows = by_creditor(frame)
    rows = rows[rows["series"] == series]
    columns = ["creditor", "creditor_name", "creditor_group", "total", "debtors"]
    span = window(rows, years)
    if span is None:
        return pd.DataFrame(columns=columns)
    rows = _in_span(rows, span)
    out = rows.groupby(["creditor", "creditor_name", "creditor_group"], as_index=False).agg(
        total=("value", "sum"), debtors=("economy", "nunique")
    )
    out = out[out["total"] > 0].sort_values("total", ascending=False, ignore_index=True)
    return out.head(top)[columns]


def creditor_years(
    frame: pd.DataFrame | None, creditors: list[str], series: str = DISBURSED
) -> pd.DataFrame:
    """``series`` per year for each of ``creditors``, summed over debtors.

    Returns:
        Columns ``year, creditor, creditor_name, value`` (current US$); a creditor's missing
        years are absent, not zero.
    """
    rows = by_creditor(frame)
    rows = rows[(rows["series"] == series) & rows["creditor"].isin(creditors)]
    out = rows.groupby(["year", "creditor", "creditor_name"], as_index=False)["value"].sum()
    return out.sort_values(["creditor", "year"], ignore_index=True)


def main_borrowers(
    frame: pd.DataFrame | None,
    creditors: list[str],
    series: str = DISBURSED,
    years: int = WINDOW,
    top: int = 3,
) -> pd.DataFrame:
    """Each creditor's ``top`` borrowers by ``series`` over the last ``years`` years.

    Returns:
        Columns ``creditor, creditor_name, economy, economy_name, total, share`` (``share``
        of the creditor's total to all debtors, 0-1), creditors in the order given.
    """
    rows = by_creditor(frame)
    rows = rows[(rows["series"] == series) & rows["creditor"].isin(creditors)]
    columns = ["creditor", "creditor_name", "economy", "economy_name", "total", "share"]
    span = window(rows, years)
    if span is None:
        return pd.DataFrame(columns=columns)
    rows = _in_span(rows, span)
    sums = rows.groupby(["creditor", "creditor_name", "economy", "economy_name"], as_index=False)[
        "value"
    ].sum()
    sums = sums.rename(columns={"value": "total"})
    sums["share"] = sums["total"] / sums.groupby("creditor")["total"].transform("sum")
    sums = sums[sums["total"] > 0].sort_values(["creditor", "total"], ascending=[True, False])
    out = sums.groupby("creditor", sort=False).head(top)
    order = {c: i for i, c in enumerate(creditors)}
    out = out.sort_values(["creditor", "total"], key=_order(order), ascending=[True, False])
    return out.reset_index(drop=True)[columns]


def _order(order: dict[str, int]):
    def key(column: pd.Series) -> pd.Series:
        return column.map(order) if column.name == "creditor" else column

    return key


def borrower_table(
    own: pd.DataFrame | None, years: int = WINDOW, level: float = 0.95
) -> pd.DataFrame:
    """One borrower's bilateral disbursements and debt service by creditor group: the latest
    year, the average of the last ``years`` years, its share of the all-creditor total over
    those years, and the trend over every year (``models.linear_trend``: US$ a year, AR(1)
    errors; lumpy loans make it wide).

    Returns:
        Columns ``creditor_group, series, latest_year, latest, average, share_of_total,
        trend, trend_low, trend_high, trend_note``.
    """
    single, total = by_creditor(own), totals(own)
    columns = ["creditor_group", "series", "latest_year", "latest", "average", "share_of_total"]
    columns += ["trend", "trend_low", "trend_high", "trend_note"]
    rows = []
    for series in (DISBURSED, SERVICE):
        den = total[total["series"] == series]
        span = window(den, years)
        if span is None:
            continue
        den = _in_span(den, span)
        every = single[single["series"] == series]
        per_year = every.groupby(["creditor_group", "year"])["value"].sum().unstack(fill_value=0)
        first = int(total["year"].min())
        for group in GROUPS:
            history = per_year.loc[group] if group in per_year.index else pd.Series(dtype=float)
            history = history.reindex(range(first, span[1] + 1), fill_value=0.0)
            values = history.loc[span[0] :]
            slope = linear_trend(history.astype(float), level=level).set_index("term").loc["slope"]
            rows.append(
                {
                    "creditor_group": group,
                    "series": series,
                    "latest_year": span[1],
                    "latest": float(values.iloc[-1]),
                    "average": float(values.mean()),
                    "share_of_total": float(values.sum() / den["value"].sum())
                    if den["value"].sum() > 0
                    else float("nan"),
                    "trend": slope["estimate"],
                    "trend_low": slope["ci_low"],
                    "trend_high": slope["ci_high"],
                    "trend_note": slope["note"] if slope["status"] == OK else slope["status"],
                }
            )
    return pd.DataFrame(rows, columns=columns)
