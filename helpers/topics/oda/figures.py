"""The figures of the ODA notebook, drawn on axes the caller creates (``plots.figure``).

Example:
    >>> fig, ax = plots.figure()
    >>> oda_figures.plot_ranked(ax, oda.rank_latest(ratio))
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.tidy import wrangle
from helpers.topics.oda.data import (
    DAC_TOTAL,
    PROVIDER_COLOURS,
    RECIPIENT_SERIES,
    SWITCH_YEAR,
    TARGET,
)


def _integer_years(ax, nbins: int | str = "auto") -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=nbins))


def plot_ranked(ax, ranked: pd.DataFrame, target: float = TARGET) -> None:
    """Horizontal bars of ODA/GNI, highest on top, coloured by provider type, target line."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    y = np.arange(len(ranked))
    colours = [PROVIDER_COLOURS[p] for p in ranked["provider"]]
    bars = ax.barh(y, ranked["value"], color=colours)
    ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=2)
    ax.set_yticks(y, ranked["economy_name"], fontsize=8)
    ax.set_ylim(len(ranked) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.axvline(target, color="firebrick", linestyle="--", linewidth=1.5)
    ax.set_xlim(0, max(float(ranked["value"].max()), target) * 1.12)
    handles = [
        Patch(color=c, label=p) for p, c in PROVIDER_COLOURS.items() if p in set(ranked["provider"])
    ]
    handles.append(Line2D([], [], color="firebrick", linestyle="--", label=f"{target:g}% target"))
    ax.legend(handles=handles, loc="lower right", fontsize=9)
    ax.set_xlabel("ODA as % of GNI")
    ax.set_ylabel("")


def plot_oda_gni_trend(
    ax,
    ratio: pd.DataFrame,
    codes: list[str],
    switch_year: int = SWITCH_YEAR,
    target: float = TARGET,
) -> None:
    """ODA/GNI over time for the given providers (the DAC total in black), the measure
    change marked by a vertical line."""
    years = sorted(ratio["year"].unique())
    marker = "o" if len(years) <= 10 else None
    for code in codes:
        rows = ratio[ratio["economy"] == code].sort_values("year")
        if rows.empty:
            continue
        style = {"color": "black", "linewidth": 2.8} if code == DAC_TOTAL else {"linewidth": 1.6}
        ax.plot(
            rows["year"], rows["value"], marker=marker, label=rows["economy_name"].iloc[0], **style
        )
    ax.axhline(
        target, color="firebrick", linestyle="--", linewidth=1.2, label=f"{target:g}% target"
    )
    if years and years[0] <= switch_year <= years[-1]:
        ax.axvline(switch_year - 0.5, color="0.4", linestyle=":", linewidth=1.2)
        # Text on the roomier side of the line, so it stays inside the axes.
        left = switch_year - years[0] > years[-1] - switch_year
        ax.annotate(
            f"grant-equivalent measure from {switch_year}",
            xy=(switch_year - 0.5, 1),
            xycoords=("data", "axes fraction"),
            xytext=(-4 if left else 4, -4),
            textcoords="offset points",
            ha="right" if left else "left",
            va="top",
            fontsize=9,
            color="0.3",
        )
    _integer_years(ax)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("year")
    ax.set_ylabel("ODA as % of GNI")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False)


def plot_volume(
    ax,
    observed: pd.Series,
    fitted: pd.Series,
    forecast: pd.DataFrame,
    level: float,
    unit: str,
) -> None:
    """DAC ODA volume (US$ billions), its log-linear trend and the forecast with its interval."""
    ax.plot(
        observed.index, observed / 1000, marker="o", markersize=3, color="black", label="observed"
    )
    if len(fitted):
        ax.plot(
            fitted.index, fitted / 1000, linestyle="--", color="#0173b2", label="log-linear trend"
        )
    ok = forecast[forecast["status"] == "ok"] if len(forecast) else forecast
    if len(ok):
        years = ok["year"].astype(int)
        ax.fill_between(
            years,
            ok["ci_low"] / 1000,
            ok["ci_high"] / 1000,
            color="#de8f05",
            alpha=0.25,
            label=f"{level:.0%} prediction interval",
        )
        ax.plot(
            years,
            ok["estimate"] / 1000,
            color="#de8f05",
            marker="o",
            markersize=3,
            label="forecast",
        )
    _integer_years(ax)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("year")
    ax.set_ylabel(f"ODA, US$ billions ({unit})")
    ax.legend(loc="upper left", fontsize=9)


def plot_dependence(axes, trend: pd.DataFrame, medians: pd.DataFrame) -> None:
    """Three panels: median ODA/GNI over time by income group, then the latest medians of
    ODA/GNI and of ODA per capita by income group and region."""
    order = [g for g in wrangle.INCOME_ORDER if g in set(trend["group"])]
    for group in order:
        rows = trend[trend["group"] == group]
        axes[0].plot(rows["year"], rows["median"], label=group)
    _integer_years(axes[0], nbins=5)
    axes[0].set_xlabel("year")
    axes[0].set_ylabel("median net ODA received, % of GNI")
    axes[0].set_title("Over time, by income group", fontsize=11)
    axes[0].legend(fontsize=8)
    panels = (
        (
            axes[1],
            RECIPIENT_SERIES[0],
            "median net ODA received, % of GNI",
            "Latest year, % of GNI",
        ),
        (
            axes[2],
            RECIPIENT_SERIES[1],
            "median net ODA received, US$ per person",
            "Latest year, per person",
        ),
    )
    colours = {"All": "#333333", "Income group": "#0173b2", "Region": "#029e73"}
    for ax, sid, label, title in panels:
        rows = medians[medians["series"] == sid]
        y = np.arange(len(rows))
        ax.barh(y, rows["median"], color=[colours[g] for g in rows["grouping"]])
        ax.set_yticks(y, rows["group"], fontsize=8)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlabel(label)
        ax.set_title(title, fontsize=11)
    axes[2].set_yticklabels([])


def plot_ldc_share(ax, share: pd.DataFrame) -> None:
    """The LDCs' share of ODA to developing countries over time."""
    ax.plot(share["year"], share["share"], color="#0173b2", marker="o", markersize=3)
    _integer_years(ax)
    ax.set_ylim(0, max(50.0, float(share["share"].max()) * 1.1))
    ax.set_xlabel("year")
    ax.set_ylabel("LDCs' share of ODA to developing countries, %")
