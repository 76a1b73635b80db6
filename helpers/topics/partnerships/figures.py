"""Figures of ``notebooks/05_partnerships_capacity.ipynb``: values by income group, yes/no
counts, the largest recipients, trade by economy group and aid volatility.

``*_figure`` functions build a whole figure (``plots.figure`` ... ``plots.finish``, the source
line and demo notice derived from the tidy rows drawn) and return it, or None without data;
``draw_*`` functions draw on axes the caller creates.

Example:
    >>> fig = partnerships_figures.scores_figure(latest, reference, [REVENUE], flags, rows)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.ticker import FixedLocator, FuncFormatter, NullLocator

from helpers.models.volatility import detrend
from helpers.tidy import wrangle
from helpers.topics import plots
from helpers.topics.partnerships.data import (
    EXPORT_SHARE,
    IMPORT_SHARE,
    PREF_TARIFF,
    SHORT,
    TRADE_GROUPS,
)

NO_GROUP = "No income group"
LOG_TICKS = [0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50, 100]


# --- whole figures -------------------------------------------------------------------------


def scores_figure(
    latest: pd.DataFrame | None,
    reference: pd.DataFrame,
    series: list[str],
    flags: pd.DataFrame | None,
    rows: pd.DataFrame,
    *,
    title: str,
):
    """One panel per series in ``series`` (each economy's latest value by income group, with
    the group medians) and, when ``flags`` has rows, one panel of yes/no counts; None when
    there is nothing to draw."""
    series = [s for s in series if latest is not None and s in set(latest["series"])]
    has_flags = flags is not None and len(flags) and (flags["yes"] + flags["no"]).sum() > 0
    n = len(series) + bool(has_flags)
    if not n:
        return None
    fig, axes = plots.figure(1, n, figsize=(6.5 * n, 5), squeeze=False)
    for ax, sid in zip(axes[0], series, strict=False):
        draw_by_income(ax, latest[latest["series"] == sid], reference, SHORT.get(sid, sid))
    if has_flags:
        draw_flags(axes[0][-1], flags)
    drawn = [*series, *(flags["series"].tolist() if has_flags else [])]
    plots.finish(
        fig,
        title=title,
        subtitle="Latest value of each economy asked for, in the years asked for",
        data=rows,
        series=drawn,
    )
    return fig


def amounts_figure(
    table: pd.DataFrame | None, rows: pd.DataFrame, series: str, *, top: int, title: str, unit: str
):
    """The ``top`` recipients by their mean per reported year (``data.amounts_by_recipient``);
    None without rows."""
    if plots.is_empty(table):
        return None
    shown = table.head(top).iloc[::-1]
    fig, ax = plots.figure(figsize=(9, max(3.5, 0.35 * len(shown) + 1.5)))
    ax.barh(shown["economy_name"], shown["mean"], color=plots.COLOURS["primary"])
    ax.set_xlabel(f"Mean per reported year ({unit})")
    more = f"the {len(shown)} largest of {len(table)}" if len(table) > len(shown) else "all"
    plots.finish(
        fig,
        title=title,
        subtitle=f"Recipients asked for, {more}",
        data=rows[rows["economy"].isin(shown["economy"])],
        series=[series],
    )
    return fig


def trade_figure(rows: pd.DataFrame | None):
    """Shares of world merchandise exports and imports by economy group over time, and the
    preferential tariff developed countries apply to each group; None without rows."""
    if plots.is_empty(rows):
        return None
    shares = rows[rows["series"].isin([EXPORT_SHARE, IMPORT_SHARE])]
    tariffs = rows[rows["series"] == PREF_TARIFF]
    n = bool(len(shares)) + bool(len(tariffs))
    fig, axes = plots.figure(1, n, figsize=(7 * n, 6), squeeze=False)
    panels = iter(axes[0])
    colours = dict(zip(TRADE_GROUPS, sns.color_palette(plots.PALETTE, 4), strict=True))
    if len(shares):
        ax = next(panels)
        for (code, sid), grp in shares.groupby(["economy", "series"], sort=True):
            style = "-" if sid == EXPORT_SHARE else "--"
            grp = grp.sort_values("year")
            label = f"{TRADE_GROUPS.get(code, code)}, {'exports' if style == '-' else 'imports'}"
            ax.plot(grp["year"], grp["value"], style, color=colours.get(code), label=label)
        ax.set_yscale("log")  # the LDC share (about 1%) beside the developing one (about 40%)
        ax.yaxis.set_major_locator(FixedLocator(LOG_TICKS))
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
        ax.yaxis.set_minor_locator(NullLocator())
        ax.set_title("Share of world merchandise trade (log scale)", fontsize=10)
        ax.set_ylabel("% of world total")
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2)
        plots.year_axis(ax)
    if len(tariffs):
        ax = next(panels)
        for code, grp in tariffs.groupby("economy", sort=True):
            grp = grp.sort_values("year")
            ax.plot(
                grp["year"],
                grp["value"],
                color=colours.get(code),
                label=TRADE_GROUPS.get(code, code),
            )
        ax.set_title("Developed countries' preferential tariff on the group's goods", fontsize=10)
        ax.set_ylabel("%")
        ax.legend(fontsize=8, loc="upper center", bbox_to_anchor=(0.5, -0.1), ncols=2)
        plots.year_axis(ax)
    plots.finish(fig, title="Trade of developing economies (SDG 17.11, 17.12)", data=rows)
    return fig


def volatility_figure(
    table: pd.DataFrame | None,
    groups: pd.DataFrame | None,
    receipts: pd.DataFrame,
    example: str | None,
    level: float,
):
    """Each recipient's CV of detrended receipts by income group, with the group medians and
    their bootstrap intervals; beside it, the receipts and trend of the recipient with the
    median CV. None without a measured recipient."""
    ok = None if table is None else table[table["status"] == "ok"]
    if plots.is_empty(ok):
        return None
    fig, axes = plots.figure(1, 2, figsize=(14, 5.5))
    draw_volatility(axes[0], ok, groups, level)
    if example is not None:
        draw_trend(axes[1], receipts[receipts["economy"] == example])
    plots.finish(
        fig,
        title="How volatile aid receipts are",
        subtitle=(
            "Coefficient of variation of receipts around a log-linear trend, per recipient; "
            f"bars: median with its {level:.0%} bootstrap interval"
        ),
        data=receipts,
    )
    return fig


# --- panels --------------------------------------------------------------------------------


def _groups_of(frame: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    ref = reference[["economy", "income_group"]].drop_duplicates("economy")
    out = frame.drop(columns=["income_group"], errors="ignore").merge(ref, on="economy", how="left")
    return out.assign(income_group=out["income_group"].fillna(NO_GROUP))


def _order(values: pd.Series) -> list[str]:
    present = set(values)
    order = [g for g in wrangle.INCOME_ORDER if g in present]
    return order + sorted(present - set(order))


def draw_by_income(ax, latest: pd.DataFrame, reference: pd.DataFrame, label: str) -> None:
    """Each economy's value as a dot in its income group's column, the median as a bar."""
    data = _groups_of(latest, reference)
    order = _order(data["income_group"])
    rng = np.random.default_rng(0)  # a fixed jitter: reruns draw the same figure
    for i, group in enumerate(order):
        values = data.loc[data["income_group"] == group, "value"].to_numpy()
        x = i + rng.uniform(-0.18, 0.18, len(values))
        ax.scatter(x, values, s=14, alpha=0.7, color=plots.COLOURS["primary"])
        ax.hlines(np.median(values), i - 0.3, i + 0.3, color=plots.COLOURS["secondary"], lw=2.5)
    ax.set_xticks(
        range(len(order)),
        [f"{g}\n(n = {(data['income_group'] == g).sum()})" for g in order],
        fontsize=8,
    )
    ax.set_title(label, fontsize=10)


def draw_flags(ax, flags: pd.DataFrame) -> None:
    """Stacked bars: yes, no and no report per yes/no series."""
    labels = [SHORT.get(s, s) for s in flags["series"]]
    left = np.zeros(len(flags))
    for column, colour, name in (
        ("yes", plots.COLOURS["tertiary"], "Yes"),
        ("no", plots.COLOURS["secondary"], "No"),
        ("no_report", plots.COLOURS["band"], "No report"),
    ):
        values = flags[column].to_numpy(dtype=float)
        ax.barh(labels, values, left=left, color=colour, label=name)
        left += values
    ax.invert_yaxis()
    ax.set_xlabel("Economies asked for")
    ax.tick_params(axis="y", labelsize=8)
    ax.legend(fontsize=8, loc="lower right")
    ax.set_title("Yes/no indicators (latest report each)", fontsize=10)


def draw_volatility(ax, table: pd.DataFrame, groups: pd.DataFrame | None, level: float) -> None:
    """CV per recipient (percent) by income group; group medians with their intervals."""
    data = table.assign(income_group=table["income_group"].fillna(NO_GROUP))
    order = _order(data["income_group"])
    rng = np.random.default_rng(0)
    for i, group in enumerate(order):
        values = 100 * data.loc[data["income_group"] == group, "cv"].to_numpy()
        ax.scatter(
            i + rng.uniform(-0.15, 0.15, len(values)),
            values,
            s=14,
            alpha=0.6,
            color=plots.COLOURS["primary"],
        )
    if groups is not None:
        for row in groups.itertuples():
            if row.income_group not in order:
                continue
            i = order.index(row.income_group) + 0.3
            ax.plot(i, 100 * row.median, "D", color=plots.COLOURS["secondary"])
            if pd.notna(row.ci_low):
                ax.vlines(
                    i, 100 * row.ci_low, 100 * row.ci_high, color=plots.COLOURS["secondary"], lw=2
                )
    ax.set_xticks(
        range(len(order)),
        [f"{g}\n(n = {(data['income_group'] == g).sum()})" for g in order],
        fontsize=8,
    )
    ax.set_ylabel("Coefficient of variation of detrended receipts (%)")
    ax.set_title(f"By income group (median, {level:.0%} interval)", fontsize=10)


def draw_trend(ax, receipts: pd.DataFrame) -> None:
    """One recipient's receipts and their fitted log-linear trend."""
    if receipts.empty:
        return
    series = pd.Series(receipts["value"].to_numpy(), index=receipts["year"].to_numpy())
    fitted = detrend(series)
    name = receipts["economy_name"].iloc[0]
    ax.plot(
        fitted["year"],
        fitted["value"],
        "o-",
        ms=3,
        color=plots.COLOURS["observed"],
        label="Receipts",
    )
    ax.plot(
        fitted["year"], fitted["trend"], color=plots.COLOURS["secondary"], label="Log-linear trend"
    )
    ax.set_title(f"{name}: the recipient with the median CV", fontsize=10)
    ax.set_ylabel(receipts["unit"].iloc[0] if "unit" in receipts else "")
    ax.legend(fontsize=8)
    plots.year_axis(ax)
