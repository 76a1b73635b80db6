"""The sentences and readable tables of ``notebooks/05_partnerships_capacity.ipynb``, from the
frames ``partnerships.data`` returns (numbers computed, never typed in).

Sentence functions return None when their frame is empty; readable views (``*_view``) are
for showing, the raw frames are what the notebook saves as CSV.

Example:
    >>> page.md(partnerships_text.flag_lines(partnerships.flag_summary(frame, ids, codes)))
"""

from __future__ import annotations

import pandas as pd

from helpers.models.volatility import MIN_YEARS
from helpers.topics import prose
from helpers.topics.partnerships.data import (
    EXPORT_SHARE,
    IMPORT_SHARE,
    IPOA_YEAR,
    PREF_TARIFF,
    SHORT,
    TRADE_GROUPS,
)


def _years(first: int, last: int) -> str:
    return str(first) if first == last else f"{first}-{last}"


def _row(table: pd.DataFrame | None, series: str) -> pd.Series | None:
    if table is None or table.empty or series not in set(table["series"]):
        return None
    return table.set_index("series").loc[series]


# --- domestic resources, scores ------------------------------------------------------------


def spread_sentence(
    table: pd.DataFrame | None, series: str, what: str, unit: str, asked: int
) -> str | None:
    """ "<what> was a median X across N of the M economies asked for (latest year each, years),
    from the lowest to the highest." None when ``series`` has no row."""
    row = _row(table, series)
    if row is None:
        return None
    return (
        f"{what} was a median {prose.fmt(row['median'], unit)} across {row['economies']} of the "
        f"{asked} economies asked for (latest year each, {_years(row['year_from'], row['year_to'])}"
        f"; `{series}`), from {row['lowest']} to {row['highest']}."
    )


def group_median_sentence(medians: pd.DataFrame | None, series: str, unit: str) -> str | None:
    """ "By income group (median of the most recent values): low income X (n), ..." or None."""
    if medians is None or medians.empty:
        return None
    rows = medians[medians["series"] == series]
    if rows.empty:
        return None
    parts = [
        f"{str(r.income_group).lower()} {prose.fmt(r.median, unit)} ({r.n})"
        for r in rows.itertuples()
    ]
    return "By income group (median of the most recent values, economies in brackets): " + (
        "; ".join(parts) + "."
    )


def spread_view(table: pd.DataFrame | None) -> pd.DataFrame | None:
    """``data.spread`` output for reading: series labelled, medians and quartiles rounded."""
    if table is None or table.empty:
        return None
    view = table.assign(series=table["series"].map(lambda s: SHORT.get(s, s)))
    view = view.rename(columns={"p25": "lower_quartile", "p75": "upper_quartile"})
    return view.round(1)


# --- amounts -------------------------------------------------------------------------------


def amounts_sentence(
    table: pd.DataFrame | None, what: str, asked: int, unit: str, scale: float = 1.0
) -> str | None:
    """ "N of the M economies asked for <what> in years; the largest on average per year: A
    (US$x), B (US$y), C (US$z)." ``scale`` turns the values into dollars for ``prose.fmt``
    (1e6 for series in millions). None without rows."""
    if table is None or table.empty:
        return None
    top = table.head(3)
    largest = ", ".join(
        f"{r.economy_name} ({prose.fmt(r.mean * scale, 'US$')})" for r in top.itertuples()
    )
    years = _years(int(table["latest_year"].min()), int(table["latest_year"].max()))
    return (
        f"{len(table)} of the {asked} economies asked for {what}; the largest per reported "
        f"year on average: {largest} ({unit}; latest reports {years})."
    )


def amounts_view(
    table: pd.DataFrame | None, top: int, per_million: float = 1.0
) -> pd.DataFrame | None:
    """The first ``top`` rows of ``data.amounts_by_recipient`` for reading, amounts in US$
    millions (``per_million``: what one million is in the series' unit; 1e6 for dollars)."""
    if table is None or table.empty:
        return None
    view = table.head(top).copy()
    for column in ("mean", "total", "latest"):
        view[f"{column}_usd_mn"] = view.pop(column) / per_million
    columns = ["economy_name", "years", "mean_usd_mn", "total_usd_mn", "latest_year"]
    return view[[*columns, "latest_usd_mn"]]


# --- trade ---------------------------------------------------------------------------------


def ldc_export_sentence(trade: pd.DataFrame | None) -> str | None:
    """The LDC share of world merchandise exports, latest against its 2011 level and the goal
    of doubling it (SDG target 17.11; the Istanbul Programme of Action, 2011). None without
    the LDC export rows."""
    if trade is None or trade.empty:
        return None
    rows = trade[(trade["series"] == EXPORT_SHARE) & (trade["group"] == TRADE_GROUPS["LDC"])]
    if rows.empty:
        return None
    r = rows.iloc[0]
    latest = f"{prose.fmt(r['latest'], '%', 2)} in {r['latest_year']}"
    if pd.isna(r["base"]):
        return (
            f"Least developed countries' share of world merchandise exports was {latest} "
            f"(`{EXPORT_SHARE}`); the store has no {IPOA_YEAR} value to compare it with the "
            "goal of doubling it."
        )
    doubled = 2 * r["base"]
    verdict = "has reached" if r["latest"] >= doubled else "is short of"
    return (
        f"Least developed countries' share of world merchandise exports was {latest}, against "
        f"{prose.fmt(r['base'], '%', 2)} in {IPOA_YEAR} (`{EXPORT_SHARE}`): it {verdict} the "
        f"{prose.fmt(doubled, '%', 2)} that doubling it, as SDG target 17.11 asks for 2020, "
        "would mean."
    )


def group_trade_lines(trade: pd.DataFrame | None) -> str | None:
    """One line per group: its shares of world exports and imports and the preferential
    tariff developed countries apply to its exports, latest year each. None without rows."""
    if trade is None or trade.empty:
        return None
    lines = []
    for group, rows in trade.groupby("group", sort=False):
        parts = []
        for sid, what in (
            (EXPORT_SHARE, "of world exports"),
            (IMPORT_SHARE, "of world imports"),
            (PREF_TARIFF, "average preferential tariff of developed countries on its goods"),
        ):
            row = rows[rows["series"] == sid]
            if len(row):
                value, year = row["latest"].iloc[0], row["latest_year"].iloc[0]
                parts.append(f"{prose.fmt(value, '%', 2)} {what} ({year})")
        lines.append(f"- {group}: " + "; ".join(parts))
    return (
        "Economy groups (`"
        + "`, `".join(sorted(set(trade["series"])))
        + "`):\n\n"
        + ("\n".join(lines))
    )


def trade_view(trade: pd.DataFrame | None) -> pd.DataFrame | None:
    """``data.group_trade_table`` output for reading: series labelled, two decimals."""
    if trade is None or trade.empty:
        return None
    view = trade.assign(series=trade["series"].map(lambda s: SHORT.get(s, s)))
    return view.round(2)


# --- yes/no series -------------------------------------------------------------------------


def flag_lines(flags: pd.DataFrame | None) -> str | None:
    """One line per yes/no series: yes and no among those that reported (latest year each),
    and how many economies have no report. None without rows."""
    if flags is None or flags.empty:
        return None
    lines = []
    for r in flags.itertuples():
        label = SHORT.get(r.series, r.series)
        reported = r.yes + r.no
        if not reported:
            lines.append(f"- {label} (`{r.series}`): no report from any of the {r.economies}")
            continue
        lines.append(
            f"- {label} (`{r.series}`): {r.yes} yes and {r.no} no of the {reported} economies "
            f"that reported ({prose.fmt(r.yes_share_pct, '%', 0)} yes; latest year each, "
            f"{_years(int(r.year_from), int(r.year_to))}); {r.no_report} of the {r.economies} "
            "have no report"
        )
    return "Yes/no indicators, over the economies asked for:\n\n" + "\n".join(lines)


def flag_sentence(flags: pd.DataFrame | None, series: str, what: str) -> str | None:
    """A stand-alone sentence for one yes/no series (for the key findings), or None."""
    row = _row(flags, series)
    if row is None or row["yes"] + row["no"] == 0:
        return None
    yes, no, none, asked = (int(row[c]) for c in ("yes", "no", "no_report", "economies"))
    return (
        f"{yes} of the {yes + no} economies that reported {what} (`{series}`, latest year "
        f"each); {none} of the {asked} economies asked for have no report."
    )


def flags_view(flags: pd.DataFrame | None) -> pd.DataFrame | None:
    if flags is None or flags.empty:
        return None
    view = flags.assign(
        indicator=flags["series"].map(lambda s: SHORT.get(s, s)), code=flags["series"]
    )
    columns = ["indicator", "code", "yes", "no", "no_report", "yes_share_pct"]
    return view[[*columns, "year_from", "year_to"]].round(1)


# --- aid volatility ------------------------------------------------------------------------


def volatility_sentences(
    table: pd.DataFrame | None, groups: pd.DataFrame | None, series: str, level: float
) -> list[str]:
    """The lead sentence (median CV over all recipients measured, by income group with the
    bootstrap intervals), what could not be measured, and how to read the intervals."""
    if table is None or table.empty:
        return []
    ok = table[table["status"] == "ok"]
    out = []
    if len(ok):
        years = ok["note"].str.slice(0, 9)
        span = years.mode().iloc[0] if len(years) else ""
        lead = (
            f"Aid receipts deviated from their log-linear trend with a median coefficient of "
            f"variation of {prose.fmt(100 * ok['cv'].median(), '%')} across {len(ok)} "
            f"recipients (`{series}`, mostly {span})"
        )
        if groups is not None and len(groups):
            parts = [
                f"{str(r.income_group).lower()} {prose.fmt(100 * r.median, '%')}"
                + (
                    f" ({level:.0%} interval {prose.fmt(100 * r.ci_low, '%')} to "
                    f"{prose.fmt(100 * r.ci_high, '%')}, n = {r.n})"
                    if pd.notna(r.ci_low)
                    else f" (n = {r.n}, too few for an interval)"
                )
                for r in groups.itertuples()
            ]
            lead += "; by income group: " + "; ".join(parts)
        out.append(lead + ".")
    left_out = table[table["status"] != "ok"]
    if len(left_out):
        out.append(
            f"{len(left_out)} recipient(s) could not be measured: fewer than {MIN_YEARS} years "
            "of receipts in the years asked for, or a year of zero or negative net receipts "
            "(the table's notes say which)."
        )
    out.append(
        "The intervals say how precisely each group's median is known from the recipients "
        "measured (percentile bootstrap over economies, which treats them as independent "
        "draws; with a dozen or fewer recipients it is too narrow). They do not test "
        "whether groups differ, and the groups also differ in the size of their receipts and "
        "in how often their aid trend broke, which the measure counts as volatility."
    )
    return out


def volatility_view(table: pd.DataFrame | None) -> pd.DataFrame | None:
    """``data.volatility_table`` output for reading: CV and trend growth in percent."""
    if table is None or table.empty:
        return None
    view = table.assign(cv_pct=100 * table["cv"], trend_growth_pct=100 * table["trend_growth"])
    columns = ["economy_name", "income_group", "cv_pct", "trend_growth_pct", "n", "status"]
    view = view[[*columns, "note"]].round(1)
    return view.rename(columns={"cv_pct": "CV of detrended receipts (%)", "n": "years"})


def volatility_groups_view(groups: pd.DataFrame | None) -> pd.DataFrame | None:
    """``data.volatility_by_group`` output for reading: in percent, one decimal."""
    if groups is None or groups.empty:
        return None
    view = groups.copy()
    for column in ("median", "ci_low", "ci_high", "p25", "p75", "lowest", "highest"):
        view[f"{column}_pct"] = 100 * view.pop(column)
    view = view.rename(
        columns={
            "n": "recipients",
            "median_pct": "Median CV (%)",
            "p25_pct": "lower_quartile_pct",
            "p75_pct": "upper_quartile_pct",
        }
    )
    note = view.pop("note")
    return view.assign(note=note).round(1)


# --- gaps ----------------------------------------------------------------------------------


def gaps_sentence(gaps: pd.DataFrame | None, total: int) -> str:
    """How many of the ``total`` SDG 17 indicators this page cannot report on, and why."""
    if gaps is None or gaps.empty:
        return f"The store holds data for all {total} SDG 17 indicators in this selection."
    counts = gaps["why"].str.split(":").str[0].value_counts()
    parts = [f"{n} {why}" for why, n in counts.items()]
    verb = "has" if len(gaps) == 1 else "have"
    return (
        f"{len(gaps)} of the {total} SDG 17 indicators {verb} no data in this selection: "
        + "; ".join(parts)
        + "."
    )
