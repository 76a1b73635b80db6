"""Figures of ``notebooks/02_south_south.ipynb``: ODA volumes and ratios of providers beyond
the DAC, South-South trade, remittances and FDI.

The ``*_figure`` functions make a finished figure (title, source line and demo notice derived
from the tidy rows drawn) or return None when there is nothing to draw; the ``draw_*``
functions draw on axes the caller creates and do nothing without data.

Example:
    >>> fig = southsouth_figures.trade_figure(trade_medians, destinations, trade)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.topics import plots
from helpers.topics.oda.data import TARGET as UN_TARGET
from helpers.topics.southsouth import data as southsouth

COLOURS = plots.COLOURS


# --- finished figures ----------------------------------------------------------------------


def volumes_figure(
    stacked: pd.DataFrame | None,
    totals: pd.DataFrame | None,
    fc: pd.DataFrame | None,
    price_basis: str,
    data: pd.DataFrame,
    series: list[str] | None = None,
):
    """Net ODA of providers beyond the DAC stacked by provider, and both groups' growth."""
    if plots.is_empty(stacked) or plots.is_empty(totals):
        return None
    fig, axes = plots.figure(1, 2, figsize=(14, 5.5))
    index = southsouth.index_totals(totals)
    draw_volumes(axes, stacked, totals, index, fc, f"{price_basis} prices")
    plots.finish(
        fig,
        title="ODA from providers beyond the DAC",
        subtitle="Net disbursements (stacked by provider) and growth compared with DAC members",
        data=data,
        series=series,
    )
    return fig


def ratio_figure(
    table: pd.DataFrame | None,
    dac_median: float | None,
    year: int,
    data: pd.DataFrame,
):
    """Each provider's latest ODA/GNI beyond the DAC, with the DAC median and the UN target."""
    if plots.is_empty(table):
        return None
    fig, ax = plots.figure(figsize=(9, max(4.5, 1.6 + 0.35 * len(table))))
    draw_ratio_bars(ax, table, dac_median)
    plots.finish(
        fig,
        title="ODA as % of GNI, providers beyond the DAC",
        subtitle=(
            "Latest year per provider (* net flows / GNI: no grant-equivalent ratio); "
            f"DAC members' median in {year}"
        ),
        data=data,
        series=[southsouth.ODA_GNI_GE, southsouth.ODA_NET_CURRENT, southsouth.GNI_CURRENT],
    )
    return fig


def trade_figure(
    medians: pd.DataFrame | None, destinations: pd.DataFrame | None, data: pd.DataFrame
):
    """The median South-South share over time and by destination region."""
    if plots.is_empty(medians) or plots.is_empty(destinations):
        return None
    fig, axes = plots.figure(1, 2, figsize=(15, 6))
    draw_trade(axes, medians, destinations)
    plots.finish(
        fig,
        title="South-South trade: developing economies' exports to other developing economies",
        subtitle="Median across developing exporters, by the exporter's World Bank region",
        data=data,
    )
    return fig


def resources_figure(medians: pd.DataFrame | None, data: pd.DataFrame):
    """Remittances and FDI received: median by income group over time."""
    if plots.is_empty(medians):
        return None
    fig, axes = plots.figure(1, 2, figsize=(14, 5), sharex=True)
    draw_resources(axes, medians)
    plots.finish(
        fig,
        title="Remittances and FDI received by developing economies",
        subtitle="Median across economies in each income group, % of GDP",
        data=data,
    )
    return fig


# --- drawing on given axes -----------------------------------------------------------------


def draw_volumes(axes, stacked, totals, index, fc, unit: str) -> None:
    """Left: stacked net ODA of providers beyond the DAC, the grant-equivalent total from
    2018 and the forecast of the net total. Right: each group's total as an index."""
    if plots.is_empty(stacked) or plots.is_empty(totals):
        return
    left, right = axes
    labels = [c for c in stacked.columns if c != "year"]
    values = [stacked[c].fillna(0) / 1e3 for c in labels]
    left.stackplot(stacked["year"], *values, labels=labels, alpha=0.85)
    line = {"color": COLOURS["observed"]}
    beyond = totals[(totals["provider_group"] == southsouth.BEYOND_DAC) & totals["ge"].notna()]
    if len(beyond):
        total = {"ls": ":", "lw": 2, "label": "Total, grant equivalent", **line}
        left.plot(beyond["year"], beyond["ge"] / 1e3, **total)
    if not plots.is_empty(fc):
        # Start the dashed line at the last observed total so that it reads as a continuation.
        last = (
            totals[totals["provider_group"] == southsouth.BEYOND_DAC]
            .dropna(subset=["net"])
            .iloc[-1]
        )
        path = pd.concat(
            [pd.Series([last["net"]], [last["year"]]), fc.set_index("year")["estimate"]]
        )
        left.plot(path.index, path / 1e3, ls="--", lw=1.5, label="Forecast of net total", **line)
        band = (fc["year"].astype(float), fc["ci_low"] / 1e3, fc["ci_high"] / 1e3)
        left.fill_between(*band, color=COLOURS["band"], alpha=0.3, label="Forecast interval")
    left.set(
        title=f"{southsouth.BEYOND_DAC}, net ODA", xlabel="Year", ylabel=f"US$ billions, {unit}"
    )
    left.set_ylim(0, left.get_ylim()[1] * 1.5)  # head room for the legend above the areas
    left.legend(fontsize=8, loc="upper left", ncols=2)
    if not plots.is_empty(index):
        for group, rows in index.groupby("provider_group", sort=False):
            right.plot(rows["year"], rows["index"], marker="o", ms=3, label=group)
        base = index.dropna()["year"].min() if index["index"].notna().any() else ""
        right.axhline(100, color=COLOURS["reference"], lw=0.8)
        right.set(title="Growth compared", xlabel="Year", ylabel=f"index, {base} = 100")
        right.legend(fontsize=8)
    for ax in axes:
        ax.title.set_fontsize(10)
        plots.year_axis(ax)


def draw_ratio_bars(ax, table: pd.DataFrame | None, dac_median: float | None) -> None:
    """Horizontal bars of providers' ODA/GNI with the DAC median and the 0.7% UN target.

    A provider whose ratio is not the grant-equivalent measure is starred.
    """
    if plots.is_empty(table):
        return
    data = table.sort_values("oda_gni_pct")
    star = np.where(data["measure"] == "grant equivalent", "", " *")
    labels = [
        f"{n} ({y}){s}" for n, y, s in zip(data["economy_name"], data["year"], star, strict=True)
    ]
    ax.barh(labels, data["oda_gni_pct"], color=COLOURS["primary"])
    if dac_median is not None and not np.isnan(dac_median):
        ax.axvline(dac_median, color=COLOURS["secondary"], ls="--", label="DAC members' median")
    ax.axvline(
        UN_TARGET,
        color=COLOURS["target"],
        ls=":",
        label=f"UN target, {UN_TARGET:g}% of GNI",
    )
    ax.set_xlabel("ODA, % of gross national income")
    ax.legend(fontsize=8, loc="best")


def draw_trade(axes, medians: pd.DataFrame | None, destinations: pd.DataFrame | None) -> None:
    """Left: median South-South share by exporter region over time. Right: heat map of the
    median share going to each developing region, latest year."""
    if plots.is_empty(medians) or plots.is_empty(destinations):
        return
    left, right = axes
    for region, rows in medians.groupby("exporter_region", sort=True):
        overall = region == southsouth.ALL_EXPORTERS
        style = {"color": COLOURS["observed"], "lw": 2.5} if overall else {"lw": 1.3}
        left.plot(rows["year"], rows["median"], label=region, **style)
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
    plots.year_axis(left)
    for ax in axes:
        ax.title.set_fontsize(10)


def draw_resources(axes, medians: pd.DataFrame | None) -> None:
    """One panel per resource (remittances, FDI): median by income group over time; a panel
    without data says so."""
    if medians is None:
        return
    for ax, sid in zip(axes, (southsouth.REMITTANCES, southsouth.FDI), strict=True):
        rows = medians[medians["series"] == sid]
        for group in [g for g in southsouth.DEVELOPING_INCOME if g in set(rows["income_group"])]:
            line = rows[rows["income_group"] == group]
            ax.plot(line["year"], line["median"], label=group)
        if rows.empty:
            where = {"ha": "center", "va": "center", "transform": ax.transAxes}
            ax.text(0.5, 0.5, f"No data for {sid}\n(see the note above)", **where)
            ax.set_yticks([])
        else:
            ax.legend(fontsize=8)
            ax.axhline(0, color=COLOURS["reference"], lw=0.8)
        plots.year_axis(ax)
        ax.set(
            title=f"{southsouth.SHORT_NAMES[sid]} ({sid})", xlabel="Year", ylabel="% of GDP, median"
        )
        ax.title.set_fontsize(10)
