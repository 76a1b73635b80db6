"""Figures of ``notebooks/02_south_south.ipynb``: ODA volumes and ratios of providers beyond
the DAC, South-South trade, remittances and FDI, drawn on axes the caller creates.

Example:
    >>> fig, axes = plots.figure(1, 2)
    >>> southsouth_figures.draw_trade(axes, trade_medians, destinations)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.ticker import MaxNLocator

from helpers.topics.southsouth import data as southsouth


def draw_volumes(axes, stacked, totals, index, fc, unit: str) -> None:
    """Left: stacked net ODA of providers beyond the DAC, the grant-equivalent total from
    2018 and the forecast of the net total. Right: each group's total as an index."""
    left, right = axes
    labels = [c for c in stacked.columns if c != "year"]
    values = [stacked[c].fillna(0) / 1e3 for c in labels]
    left.stackplot(stacked["year"], *values, labels=labels, alpha=0.85)
    beyond = totals[(totals["provider_group"] == southsouth.BEYOND_DAC) & totals["ge"].notna()]
    if len(beyond):
        left.plot(beyond["year"], beyond["ge"] / 1e3, "k:", lw=2, label="Total, grant equivalent")
    if fc is not None and len(fc):
        # Start the dashed line at the last observed total so that it reads as a continuation.
        last = (
            totals[totals["provider_group"] == southsouth.BEYOND_DAC]
            .dropna(subset=["net"])
            .iloc[-1]
        )
        line = pd.concat(
            [pd.Series([last["net"]], [last["year"]]), fc.set_index("year")["estimate"]]
        )
        left.plot(line.index, line / 1e3, "k--", lw=1.5, label="Forecast of net total")
        band = (fc["year"].astype(float), fc["ci_low"] / 1e3, fc["ci_high"] / 1e3)
        left.fill_between(*band, color="0.6", alpha=0.3, label="Forecast interval")
    left.set(
        title=f"{southsouth.BEYOND_DAC}, net ODA", xlabel="Year", ylabel=f"US$ billions, {unit}"
    )
    left.set_ylim(0, left.get_ylim()[1] * 1.5)  # head room for the legend above the areas
    left.legend(fontsize=8, loc="upper left", ncols=2)
    for group, data in index.groupby("provider_group", sort=False):
        right.plot(data["year"], data["index"], marker="o", ms=3, label=group)
    base = index.dropna()["year"].min() if index["index"].notna().any() else ""
    right.axhline(100, color="0.5", lw=0.8)
    right.set(title="Growth compared", xlabel="Year", ylabel=f"index, {base} = 100")
    right.legend(fontsize=8)
    for ax in axes:
        ax.title.set_fontsize(10)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))


def draw_ratio_bars(ax, table: pd.DataFrame, dac_median: float | None) -> None:
    """Horizontal bars of providers' ODA/GNI with the DAC median and the 0.7% UN target.

    A provider whose ratio is not the grant-equivalent measure is starred.
    """
    data = table.sort_values("oda_gni_pct")
    star = np.where(data["measure"] == "grant equivalent", "", " *")
    labels = [
        f"{n} ({y}){s}" for n, y, s in zip(data["economy_name"], data["year"], star, strict=True)
    ]
    ax.barh(labels, data["oda_gni_pct"], color="#0173b2")
    if dac_median is not None and not np.isnan(dac_median):
        ax.axvline(dac_median, color="#de8f05", ls="--", label="DAC members' median")
    ax.axvline(0.7, color="0.3", ls=":", label="UN target, 0.7% of GNI")
    ax.set_xlabel("ODA, % of gross national income")
    ax.legend(fontsize=8, loc="best")


def draw_trade(axes, medians: pd.DataFrame, destinations: pd.DataFrame) -> None:
    """Left: median South-South share by exporter region over time. Right: heat map of the
    median share going to each developing region, latest year."""
    left, right = axes
    for region, data in medians.groupby("exporter_region", sort=True):
        overall = region == southsouth.ALL_EXPORTERS
        style = {"color": "black", "lw": 2.5} if overall else {"lw": 1.3}
        left.plot(data["year"], data["median"], label=region, **style)
    left.set(
        title="Median share of exports going to developing economies",
        xlabel="Year",
        ylabel="% of merchandise exports",
    )
    left.legend(fontsize=7, title="Exporter region", title_fontsize=8)
    cols = [c for c in southsouth.DESTINATIONS.values() if c in destinations]
    grid = destinations.set_index("exporter_region")[cols]
    image = right.imshow(grid.to_numpy(dtype=float), cmap="Blues", aspect="auto")
    for (i, j), value in np.ndenumerate(grid.to_numpy(dtype=float)):
        if not np.isnan(value):
            colour = "white" if value > np.nanmax(grid.to_numpy()) * 0.6 else "black"
            right.text(j, i, f"{value:.1f}", ha="center", va="center", fontsize=7, color=colour)
    right.set_xticks(range(len(cols)), [c.replace(" & ", " &\n") for c in cols], fontsize=7)
    right.set_yticks(range(len(grid)), grid.index, fontsize=7)
    right.grid(False)
    year = int(destinations["year"].iloc[0])
    right.set(
        title=f"Median share by destination, {year}",
        xlabel="Destination region (developing economies only)",
        ylabel="Exporter region",
    )
    right.figure.colorbar(image, ax=right, label="% of merchandise exports", shrink=0.8)
    left.xaxis.set_major_locator(MaxNLocator(integer=True))
    for ax in axes:
        ax.title.set_fontsize(10)


def draw_resources(axes, medians: pd.DataFrame) -> None:
    """One panel per resource (remittances, FDI): median by income group over time."""
    for ax, sid in zip(axes, (southsouth.REMITTANCES, southsouth.FDI), strict=True):
        data = medians[medians["series"] == sid]
        for group in [g for g in southsouth.DEVELOPING_INCOME if g in set(data["income_group"])]:
            line = data[data["income_group"] == group]
            ax.plot(line["year"], line["median"], label=group)
        if data.empty:
            where = {"ha": "center", "va": "center", "transform": ax.transAxes}
            ax.text(0.5, 0.5, f"No data for {sid}\n(see the note in the Check section)", **where)
            ax.set_yticks([])
        else:
            ax.legend(fontsize=8)
            ax.axhline(0, color="0.5", lw=0.8)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set(
            title=f"{southsouth.SHORT_NAMES[sid]} ({sid})", xlabel="Year", ylabel="% of GDP, median"
        )
        ax.title.set_fontsize(10)
