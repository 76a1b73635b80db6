"""Figures of ``notebooks/03_technology_access.ipynb``: technology trajectories, adoption
S-curves and the digital divide.

``*_figure`` functions build a whole figure (``plots.figure`` ... ``plots.finish``, the source
line and demo notice derived from the tidy rows drawn) and return it, or None without data;
``draw_*`` functions draw on axes the caller creates and do nothing without data.

Example:
    >>> fig = technology_figures.trajectories_figure(tech, ["KEN", "BGD"])
    >>> fig, axes = plots.figure(2, 2)
    >>> technology_figures.draw_trajectories(axes, tech, ["KEN", "BGD"])
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib.lines import Line2D

from helpers.models.results import OK
from helpers.tidy import wrangle
from helpers.topics import plots
from helpers.topics.technology import data as technology

# --- whole figures -------------------------------------------------------------------------


def trajectories_figure(frame: pd.DataFrame | None, economies: list[str]):
    """Each technology series over time for the first ``technology.MAX_LINES`` economies
    asked for (the subtitle says when some are left out); None without data."""
    if plots.is_empty(frame):
        return None
    shown = economies[: technology.MAX_LINES]
    fig, axes = plots.figure(2, 2, figsize=(13, 9))
    draw_trajectories(axes, frame, shown)
    more = (
        f" (the first {len(shown)} of the {len(economies)} asked for)"
        if len(shown) < len(economies)
        else ""
    )
    plots.finish(
        fig,
        title="Technology access in the economies chosen",
        subtitle=f"Each economy over time{more}",
        data=frame[frame["economy"].isin(shown)],
    )
    return fig


def adoption_figure(
    frame: pd.DataFrame | None,
    adoption: pd.DataFrame | None,
    saturations: dict[str, float],
    level: float,
    end_year: int,
    horizon: int,
):
    """One panel per series in ``saturations``: observed points and fitted S-curves projected
    to ``end_year + horizon``; None without data."""
    if plots.is_empty(frame) or plots.is_empty(adoption) or not saturations:
        return None
    n = len(saturations)
    fig, axes = plots.figure(1, n, figsize=(7 * n, 5.5), squeeze=False)
    years = list(range(int(frame["year"].min()), end_year + horizon + 1))
    draw_adoption(axes, frame, adoption, saturations, years, level)
    plots.finish(
        fig,
        title="S-shaped adoption curves, fitted and projected",
        subtitle=(
            f"Fractional logit, {level:.0%} interval of the curve; dotted lines: 50 "
            f"and 75; projected to {end_year + horizon}"
        ),
        data=frame,
        series=list(saturations),
    )
    return fig


def divide_figure(
    internet: pd.DataFrame | None,
    medians: pd.DataFrame | None,
    gap: pd.DataFrame,
    spread: pd.DataFrame,
):
    """Internet use by income group, the high-low gap and the dispersion across economies,
    from the (well-covered) internet rows ``internet``; None without data."""
    if plots.is_empty(internet) or plots.is_empty(medians):
        return None
    first, last = int(internet["year"].min()), int(internet["year"].max())
    fig, axes = plots.figure(1, 3, figsize=(16, 5))
    draw_divide(axes, medians, gap, spread)
    plots.finish(
        fig,
        title="The digital divide: internet use by income group",
        subtitle=f"Individuals using the internet (% of population), {first}-{last}",
        data=internet,
    )
    return fig


# --- panels --------------------------------------------------------------------------------


def draw_trajectories(axes, frame: pd.DataFrame | None, economies: list[str]) -> None:
    """One panel per technology series, one line per economy (same colour everywhere), and
    one legend for the figure. Show at most ``technology.MAX_LINES`` economies: more cannot be
    told apart.
    """
    if plots.is_empty(frame):
        return
    names = frame.drop_duplicates("economy").set_index("economy")["economy_name"]
    colours = dict(zip(economies, _palette(len(economies)), strict=True))
    for ax, (sid, label) in zip(np.ravel(axes), technology.SERIES.items(), strict=True):
        data = frame[(frame["series"] == sid) & frame["economy"].isin(economies)]
        for code in economies:
            line = data[data["economy"] == code].sort_values("year")
            if len(line):  # markers, so that a single year still shows
                ax.plot(line["year"], line["value"], color=colours[code], marker="o", ms=2.5)
        if data.empty:
            ax.text(0.5, 0.5, "no data", ha="center", va="center", transform=ax.transAxes)
        ax.set_title(label, fontsize=10)
        ax.set_xlabel("Year")
        ax.set_ylabel(label.split("(")[-1].rstrip(")"))
        plots.year_axis(ax)
        # one time axis for all panels, also when a series has a single year
        ax.set_xlim(frame["year"].min() - 0.5, frame["year"].max() + 0.5)
    handles = [Line2D([], [], color=colours[c], label=names.get(c, c)) for c in economies]
    figure = np.ravel(axes)[0].figure
    figure.legend(
        handles=handles, loc="upper right", bbox_to_anchor=(1.0, 0.93), ncols=4, fontsize=9
    )


def draw_curves(
    ax, observed: pd.DataFrame | None, curves: pd.DataFrame, units: list[str], unit: str
) -> None:
    """Observed points and fitted S-curves (with intervals) for a few economies."""
    if plots.is_empty(observed):
        return
    names = observed.drop_duplicates("economy").set_index("economy")["economy_name"]
    for code, colour in zip(units, _palette(len(units)), strict=True):
        obs = observed[observed["economy"] == code]
        fit = curves[curves["economy"] == code]
        ax.scatter(obs["year"], obs["value"], s=12, color=colour, label=names.get(code, code))
        ax.plot(fit["year"], fit["fitted"], color=colour, lw=1.8)
        ax.fill_between(
            fit["year"].astype(float), fit["ci_low"], fit["ci_high"], color=colour, alpha=0.15
        )
    for target in technology.TARGETS:
        ax.axhline(target, color=plots.COLOURS["reference"], lw=0.8, ls=":")
    plots.year_axis(ax)
    ax.set_xlabel("Year")
    ax.set_ylabel(unit)


def draw_adoption(
    axes,
    frame: pd.DataFrame | None,
    adoption: pd.DataFrame | None,
    saturations: dict[str, float],
    years: list[int],
    level: float,
    shown: int = 4,
) -> None:
    """One panel per series: observed points and fitted curves for the first ``shown``
    economies of ``adoption`` with a usable fit."""
    if plots.is_empty(frame) or plots.is_empty(adoption):
        return
    for ax, (sid, saturation) in zip(np.ravel(axes), saturations.items(), strict=True):
        ok = adoption[
            (adoption["kind"] == "economy")
            & (adoption["series"] == sid)
            & (adoption["status"] == OK)
        ]
        units = ok["unit"].head(shown).tolist()
        observed = frame[(frame["series"] == sid) & frame["economy"].isin(units)]
        curves = technology.adoption_curves(observed, units, "economy", years, saturation, level)
        label = technology.SERIES[sid]
        draw_curves(ax, observed, curves, units, label.split("(")[-1].rstrip(")"))
        ax.set_title(f"{label.split(' (')[0]} (saturation {saturation:g})", fontsize=10)
        if units:
            ax.legend(fontsize=8, loc="upper left")
        else:
            where = {"ha": "center", "va": "center", "transform": ax.transAxes}
            ax.text(0.5, 0.5, "no economy with a usable fit", **where)


def draw_divide(
    axes, medians: pd.DataFrame | None, gap: pd.DataFrame, spread: pd.DataFrame
) -> None:
    """Income-group medians, the high-low gap, and the dispersion across economies."""
    if plots.is_empty(medians):
        return
    left, middle, right = axes
    for group in [g for g in wrangle.INCOME_ORDER if g in set(medians["income_group"])]:
        data = medians[medians["income_group"] == group]
        left.plot(data["year"], data["median"], label=group)
    left.set(title="Median by income group", xlabel="Year", ylabel="% of population")
    left.legend(fontsize=8)
    middle.plot(gap["year"], gap["gap"], color=plots.COLOURS["secondary"])
    middle.set(
        title="High-income minus low-income median", xlabel="Year", ylabel="percentage points"
    )
    right.plot(
        spread["year"],
        spread["sd"],
        color=plots.COLOURS["primary"],
        label="Standard deviation (pp)",
    )
    twin = right.twinx()
    twin.plot(
        spread["year"],
        spread["cv"],
        color=plots.COLOURS["tertiary"],
        ls="--",
        label="CV (right axis)",
    )
    twin.set_ylabel("coefficient of variation (sd / mean)")
    twin.grid(False)
    right.set(title="Dispersion across economies", xlabel="Year", ylabel="percentage points")
    handles = right.get_legend_handles_labels()[0] + twin.get_legend_handles_labels()[0]
    right.legend(handles=handles, fontsize=8, loc="center right")
    for ax in axes:
        ax.title.set_fontsize(10)
        plots.year_axis(ax)


def _palette(n: int) -> list:
    # The project palette has 10 colours; beyond that, evenly spaced hues stay distinct.
    return sns.color_palette(plots.PALETTE if n <= 10 else "husl", n)
