"""The figures of the ODA notebook.

``plot_*`` draw on axes the caller creates (``plots.figure``); the ``*_figure`` functions make
the whole figure, titled and finished with its source line (``plots.finish``), for the
sections in ``oda.sections``. Each does nothing (or returns None) when given no data.

Example:
    >>> fig = oda_figures.ranked_figure(oda.rank_latest(ratio), dac1)
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from helpers.tidy import wrangle
from helpers.topics import plots
from helpers.topics.oda.data import (
    DAC_TOTAL,
    RECIPIENT_SERIES,
    SWITCH_YEAR,
    TARGET,
    fitted_loglinear,
    ratio_sources,
)
from helpers.topics.oda.ldc import LDC_AID, band_labels
from helpers.topics.oda.text import volume_titles

C = plots.COLOURS
PROVIDER_COLOURS = {
    "DAC member": C["primary"],
    "Beyond the DAC": C["secondary"],
    "DAC total": "#333333",
    "Other provider": "#949494",
}
GROUPING_COLOURS = {"All": "#333333", "Income group": C["primary"], "Region": C["tertiary"]}


# --- drawing on given axes -------------------------------------------------------------------


def plot_ranked(ax, ranked: pd.DataFrame | None, target: float = TARGET) -> None:
    """Horizontal bars of ODA/GNI, highest on top, coloured by provider type, target line."""
    if plots.is_empty(ranked):
        return
    y = np.arange(len(ranked))
    colours = [PROVIDER_COLOURS[p] for p in ranked["provider"]]
    bars = ax.barh(y, ranked["value"], color=colours)
    ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=2)
    ax.set_yticks(y, ranked["economy_name"], fontsize=8)
    ax.set_ylim(len(ranked) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.axvline(target, color=C["target"], linestyle="--", linewidth=1.5)
    ax.set_xlim(0, max(float(ranked["value"].max()), target) * 1.12)
    handles = [
        Patch(color=c, label=p) for p, c in PROVIDER_COLOURS.items() if p in set(ranked["provider"])
    ]
    handles.append(Line2D([], [], color=C["target"], linestyle="--", label=f"{target:g}% target"))
    ax.legend(handles=handles, loc="lower right", fontsize=9)
    ax.set_xlabel("ODA as % of GNI")
    ax.set_ylabel("")


def plot_oda_gni_trend(
    ax,
    ratio: pd.DataFrame | None,
    codes: list[str],
    switch_year: int = SWITCH_YEAR,
    target: float = TARGET,
) -> None:
    """ODA/GNI over time for the given providers (the DAC total in black), the measure
    change marked by a vertical line."""
    if plots.is_empty(ratio):
        return
    years = sorted(ratio["year"].unique())
    _provider_lines(ax, ratio, codes)
    ax.axhline(
        target, color=C["target"], linestyle="--", linewidth=1.2, label=f"{target:g}% target"
    )
    if years and years[0] <= switch_year <= years[-1]:
        ax.axvline(switch_year - 0.5, color=C["reference"], linestyle=":", linewidth=1.2)
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
            color=C["muted"],
        )
    plots.year_axis(ax)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("year")
    ax.set_ylabel("ODA as % of GNI")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False)


def plot_volume(
    ax,
    observed: pd.Series | None,
    fitted: pd.Series | None,
    forecast: pd.DataFrame | None,
    level: float,
    unit: str,
) -> None:
    """DAC ODA volume (US$ billions), its log-linear trend and the forecast with its interval."""
    if plots.is_empty(observed):
        return
    ax.plot(
        observed.index,
        observed / 1000,
        marker="o",
        markersize=3,
        color=C["observed"],
        label="observed",
    )
    if not plots.is_empty(fitted):
        ax.plot(
            fitted.index,
            fitted / 1000,
            linestyle="--",
            color=C["primary"],
            label="log-linear trend",
        )
    ok = forecast[forecast["status"] == "ok"] if not plots.is_empty(forecast) else None
    if not plots.is_empty(ok):
        years = ok["year"].astype(int)
        ax.fill_between(
            years,
            ok["ci_low"] / 1000,
            ok["ci_high"] / 1000,
            color=C["secondary"],
            alpha=0.25,
            label=f"{level:.0%} prediction interval",
        )
        ax.plot(
            years,
            ok["estimate"] / 1000,
            color=C["secondary"],
            marker="o",
            markersize=3,
            label="forecast",
        )
    plots.year_axis(ax)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("year")
    ax.set_ylabel(f"ODA, US$ billions ({unit})")
    ax.legend(loc="upper left", fontsize=9)


def plot_dependence(axes, trend: pd.DataFrame | None, medians: pd.DataFrame | None) -> None:
    """Three panels: median ODA/GNI over time by income group, then the latest medians of
    ODA/GNI and of ODA per capita by income group and region."""
    if not plots.is_empty(trend):
        order = [g for g in wrangle.INCOME_ORDER if g in set(trend["group"])]
        for group in order:
            rows = trend[trend["group"] == group]
            axes[0].plot(rows["year"], rows["median"], label=group)
        plots.year_axis(axes[0], nbins=5)
        axes[0].set_xlabel("year")
        axes[0].set_ylabel("median net ODA received, % of GNI")
        axes[0].set_title("Over time, by income group", fontsize=11)
        axes[0].legend(fontsize=8)
    if plots.is_empty(medians):
        return
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
    for ax, sid, label, title in panels:
        rows = medians[medians["series"] == sid]
        y = np.arange(len(rows))
        ax.barh(y, rows["median"], color=[GROUPING_COLOURS[g] for g in rows["grouping"]])
        ax.set_yticks(y, rows["group"], fontsize=8)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlabel(label)
        ax.set_title(title, fontsize=11)
    axes[2].set_yticklabels([])


def plot_ldc_share(ax, share: pd.DataFrame | None) -> None:
    """The LDCs' share of ODA to developing countries over time."""
    if plots.is_empty(share):
        return
    ax.plot(share["year"], share["share"], color=C["primary"], marker="o", markersize=3)
    plots.year_axis(ax)
    ax.set_ylim(0, max(50.0, float(share["share"].max()) * 1.1))
    ax.set_xlabel("year")
    ax.set_ylabel("LDCs' share of ODA to developing countries, %")


# --- whole figures, finished with their source line ------------------------------------------


def ranked_figure(ranked: pd.DataFrame | None, dac1: pd.DataFrame):
    """The ranking of the latest year against the target (None without a ranking)."""
    if plots.is_empty(ranked):
        return None
    year = int(ranked["year"].iloc[0])
    fig, ax = plots.figure(figsize=(9, 1.8 + 0.24 * len(ranked)))
    plot_ranked(ax, ranked)
    plots.finish(
        fig,
        title=f"ODA as % of GNI in {year}, against the 0.7% target",
        subtitle=f"Providers reporting to the OECD ({ranked['basis'].iloc[0]})",
        data=dac1,
        series=ratio_sources(ranked),
    )
    return fig


def trend_figure(ratio: pd.DataFrame | None, codes: list[str], dac1: pd.DataFrame):
    """ODA/GNI over time of the providers ``codes`` (None without ratios)."""
    if plots.is_empty(ratio):
        return None
    fig, ax = plots.figure(figsize=(10.5, 5.5))
    plot_oda_gni_trend(ax, ratio, codes)
    plots.finish(
        fig,
        title="ODA as % of GNI over time",
        subtitle="Selected providers and the DAC total; net flows / GNI before 2018, "
        "grant equivalents from 2018",
        data=dac1,
        series=ratio_sources(ratio),
    )
    return fig


def volume_figure(
    volume: pd.Series | None,
    trend: pd.DataFrame,
    outlook: pd.DataFrame,
    *,
    level: float,
    price_basis: str,
    horizon: int,
    data: pd.DataFrame,
    series: list[str],
):
    """The DAC volume with its log-linear trend and forecast, titled by what could be fitted
    (None without observations).

    Args:
        trend, outlook: ``models.loglinear_trend`` and ``models.forecast`` of ``volume``.
        data, series: the tidy rows drawn, for the source line.
    """
    if plots.is_empty(volume):
        return None
    slope = trend.set_index("term")["estimate"].get("slope_log") if len(trend) else None
    fitted = fitted_loglinear(volume, np.nan if slope is None else float(slope))
    fig, ax = plots.figure()
    plot_volume(ax, volume, fitted, outlook, level, f"{price_basis} prices")
    title, subtitle = volume_titles(trend, outlook, price_basis, horizon)
    plots.finish(fig, title=title, subtitle=subtitle, data=data, series=series)
    return fig


def dependence_figure(
    trend: pd.DataFrame | None, medians: pd.DataFrame | None, received: pd.DataFrame
):
    """The three panels of aid dependence (None without medians or trend)."""
    if plots.is_empty(trend) and plots.is_empty(medians):
        return None
    fig, axes = plots.figure(1, 3, figsize=(16, 6))
    plot_dependence(axes, trend, medians)
    plots.finish(
        fig,
        title="Recipients' dependence on aid: net ODA received",
        subtitle=f"Medians across {received['economy'].nunique()} economies asked for",
        data=received,
    )
    return fig


def ldc_figure(share: pd.DataFrame | None, price_basis: str, dac2a: pd.DataFrame):
    """The LDCs' share over time (None without a share)."""
    if plots.is_empty(share):
        return None
    fig, ax = plots.figure()
    plot_ldc_share(ax, share)
    plots.finish(
        fig,
        title="LDCs' share of ODA to developing countries",
        subtitle=f"ODA received from all official donors, {price_basis} prices",
        data=dac2a,
    )
    return fig


# --- ODA to the LDCs against 0.15-0.20% of GNI -----------------------------------------------


def _band_colours(band: tuple[float, float]) -> dict[str, str]:
    top, within, below = band_labels(band)
    return {top: C["tertiary"], within: C["primary"], below: "#949494", "DAC total": "#333333"}


def _shade_band(ax, band: tuple[float, float], vertical: bool) -> None:
    """The target band as a shaded span with its two ends as dashed lines."""
    low, high = band
    span, line = (ax.axvspan, ax.axvline) if vertical else (ax.axhspan, ax.axhline)
    span(low, high, color=C["target"], alpha=0.12, linewidth=0, zorder=0)
    for end in band:
        line(end, color=C["target"], linestyle="--", linewidth=1.2, zorder=1)


def plot_ldc_ranked(ax, ranked: pd.DataFrame | None, band: tuple[float, float]) -> None:
    """Horizontal bars of ODA to the LDCs (% of GNI), highest on top, coloured by where each
    donor stands against the band, which is shaded."""
    if plots.is_empty(ranked):
        return
    colours = _band_colours(band)
    keys = np.where(ranked["provider"] == "DAC total", "DAC total", ranked["band_status"])
    y = np.arange(len(ranked))
    bars = ax.barh(y, ranked["value"], color=[colours[k] for k in keys])
    ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=2)
    ax.set_yticks(y, ranked["economy_name"], fontsize=8)
    ax.set_ylim(len(ranked) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    _shade_band(ax, band, vertical=True)
    ax.set_xlim(0, max(float(ranked["value"].max()), band[1]) * 1.15)
    handles = [Patch(color=c, label=k) for k, c in colours.items() if k in set(keys)]
    handles.append(
        Patch(color=C["target"], alpha=0.12, label=f"UN target band {band[0]:.2f}-{band[1]:.2f}%")
    )
    ax.legend(handles=handles, loc="lower right", fontsize=9)
    ax.set_xlabel("net ODA to the LDCs, % of the donor's GNI")
    ax.set_ylabel("")


def _provider_lines(ax, frame: pd.DataFrame, codes: list[str]) -> None:
    """One line per provider in ``codes`` (the DAC total thick and black), markers on short
    spans."""
    marker = "o" if frame["year"].nunique() <= 10 else None
    for code in codes:
        rows = frame[frame["economy"] == code].sort_values("year")
        if rows.empty:
            continue
        style = (
            {"color": C["observed"], "linewidth": 2.8} if code == DAC_TOTAL else {"linewidth": 1.6}
        )
        ax.plot(
            rows["year"], rows["value"], marker=marker, label=rows["economy_name"].iloc[0], **style
        )


def plot_ldc_trend(
    ax, aid: pd.DataFrame | None, codes: list[str], band: tuple[float, float]
) -> None:
    """ODA to the LDCs (% of GNI) over time for the given donors, the DAC total in black,
    the band shaded."""
    if plots.is_empty(aid):
        return
    _provider_lines(ax, aid, codes)
    _shade_band(ax, band, vertical=False)
    ax.plot([], [], color=C["target"], linestyle="--", label=f"{band[0]:.2f}-{band[1]:.2f}% band")
    plots.year_axis(ax)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("year")
    ax.set_ylabel("net ODA to the LDCs, % of GNI")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False)


def ldc_ranked_figure(ranked: pd.DataFrame | None, band: tuple[float, float], un: pd.DataFrame):
    """The donors of the latest year against the 0.15-0.20% band (None without a ranking)."""
    if plots.is_empty(ranked):
        return None
    year = int(ranked["year"].iloc[0])
    fig, ax = plots.figure(figsize=(9, 1.8 + 0.24 * len(ranked)))
    plot_ldc_ranked(ax, ranked, band)
    plots.finish(
        fig,
        title=f"ODA to the LDCs in {year}, % of GNI",
        subtitle=f"Donors to the least developed countries against the UN target of "
        f"{band[0]:.2f}-{band[1]:.2f}% of GNI",
        data=un,
        series=[LDC_AID],
    )
    return fig


def ldc_trend_figure(
    aid: pd.DataFrame | None, codes: list[str], band: tuple[float, float], un: pd.DataFrame
):
    """ODA to the LDCs over time of the donors ``codes`` (None without data)."""
    if plots.is_empty(aid):
        return None
    fig, ax = plots.figure(figsize=(10.5, 5.5))
    plot_ldc_trend(ax, aid, codes, band)
    plots.finish(
        fig,
        title="ODA to the least developed countries over time, % of GNI",
        subtitle="Selected donors and the DAC total, against the UN target band",
        data=un,
        series=[LDC_AID],
    )
    return fig
