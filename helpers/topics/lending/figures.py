"""Figures of South-South lending: flows by creditor group over time, the largest lenders."""

from __future__ import annotations

import pandas as pd
import seaborn as sns
from matplotlib.patches import Patch

from helpers.topics import plots
from helpers.topics.lending.data import DAC, DISBURSED, OTHER, SERVICE, SOUTHERN

GROUP_COLOURS = {
    SOUTHERN: plots.COLOURS["secondary"],
    DAC: plots.COLOURS["primary"],
    OTHER: plots.COLOURS["reference"],
}
PANELS = (
    ("disbursements", "Disbursements"),
    ("debt_service", "Debt service (principal and interest)"),
    ("net_transfers", "Net transfers (disbursements less debt service)"),
)


def _panel(ax, title: str) -> None:
    """A yearly panel in US$ billions: its title, unit and whole-year axis."""
    ax.set_title(title, fontsize=11)
    ax.set_ylabel("US$ billions (current)")
    plots.year_axis(ax)


def flows_figure(flows: pd.DataFrame, data: pd.DataFrame):
    """Three panels, one line per creditor group: disbursements, debt service, net transfers
    (US$ billions, current prices)."""
    if plots.is_empty(flows):
        return None
    fig, axes = plots.figure(1, 3, figsize=(16, 5), sharex=True)
    for ax, (column, title) in zip(axes, PANELS, strict=True):
        for group, rows in flows.groupby("creditor_group", sort=False):
            ax.plot(
                rows["year"],
                rows[column] / 1e9,
                label=f"{group} creditors",
                color=GROUP_COLOURS.get(group, plots.COLOURS["muted"]),
                linewidth=2.2 if group == SOUTHERN else 1.6,
            )
        ax.axhline(0, color=plots.COLOURS["reference"], linewidth=0.8)
        _panel(ax, title)
    axes[0].legend(frameon=False)
    plots.finish(
        fig,
        title="Bilateral lending to developing countries by creditor group",
        subtitle="Public and publicly guaranteed debt as reported by the borrowers (IDS)",
        data=data,
        series=[DISBURSED, SERVICE],
    )
    return fig


def creditors_figure(top: pd.DataFrame, years: tuple[int, int], data: pd.DataFrame):
    """The largest bilateral lenders by disbursements over the window, coloured by group."""
    if plots.is_empty(top):
        return None
    rows = top.iloc[::-1]
    fig, ax = plots.figure(figsize=(11, 2.2 + 0.42 * len(rows)))
    colours = [GROUP_COLOURS.get(g, plots.COLOURS["muted"]) for g in rows["creditor_group"]]
    ax.barh(rows["creditor_name"], rows["total"] / 1e9, color=colours)
    shown = [g for g in GROUP_COLOURS if g in set(rows["creditor_group"])]
    handles = [Patch(color=GROUP_COLOURS[g], label=f"{g} creditor") for g in shown]
    ax.legend(handles=handles, frameon=False, loc="lower right")
    ax.set_xlabel(f"US$ billions disbursed, {years[0]}-{years[1]} (current)")
    plots.finish(
        fig,
        title="Largest bilateral lenders to developing countries",
        subtitle="Southern creditors beside the DAC lenders",
        data=data,
        series=[DISBURSED],
    )
    return fig


def southern_lenders_figure(lent: pd.DataFrame, serviced: pd.DataFrame, data: pd.DataFrame):
    """Disbursements and debt service of the largest Southern lenders, year by year."""
    if plots.is_empty(lent):
        return None
    fig, axes = plots.figure(1, 2, figsize=(15, 5), sharex=True)
    names = list(dict.fromkeys(lent["creditor_name"]))
    palette = sns.color_palette(plots.PALETTE, len(names))
    for ax, frame, title in (
        (axes[0], lent, "Disbursements"),
        (axes[1], serviced, "Debt service (principal and interest)"),
    ):
        for colour, name in zip(palette, names, strict=True):
            rows = frame[frame["creditor_name"] == name]
            ax.plot(rows["year"], rows["value"] / 1e9, color=colour, label=name, linewidth=1.8)
        _panel(ax, title)
    axes[0].legend(frameon=False)
    plots.finish(
        fig,
        title=f"The {len(names)} largest Southern lenders, year by year",
        subtitle=(
            "Bilateral public and publicly guaranteed debt of developing countries; lenders "
            "ranked by their disbursements over the last five years"
        ),
        data=data,
        series=[DISBURSED, SERVICE],
    )
    return fig
