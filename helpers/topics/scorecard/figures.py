"""The country scorecard's figures: trend small multiples and the progress chart.

The small multiples draw the economy against its income group's median (``group_medians``);
the progress chart places each assessed series by its growth in the desired direction.

Used by ``helpers.topics.scorecard.sections``, which finishes them with ``plots.finish``
(title, source line and demo notice from the tidy rows drawn). A draw function given nothing
to draw returns None.
"""

from __future__ import annotations

import math
import textwrap

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd

from helpers import catalogue
from helpers.models import progress, results
from helpers.tidy import wrangle
from helpers.topics import plots
from helpers.topics.scorecard.data import FLAG, NOT_ASSESSED, method_of
from helpers.topics.scorecard.text import short_title

# Best to worst; a method's categories take colours by rank, spread over this ramp, so any
# configured method (four categories or five) is coloured without naming its labels here.
RANK_COLOURS = ("#1a6634", "#4daf4a", "#e6ab02", "#f46d43", "#b2182b")
NO_CATEGORY_COLOUR = "#9e9e9e"
MAX_PANELS = 12


def category_colours(method: str = progress.DEFAULT_METHOD) -> dict[str, str]:
    """Colour per category of ``method`` by rank (best green, worst red); grey for
    "insufficient data"."""
    labels = progress.categories(method)
    last = len(RANK_COLOURS) - 1
    steps = max(len(labels) - 1, 1)
    colours = {c: RANK_COLOURS[round(i * last / steps)] for i, c in enumerate(labels)}
    return {**colours, results.INSUFFICIENT: NO_CATEGORY_COLOUR}


CATEGORY_COLOURS = category_colours()


def pick_panels(table: pd.DataFrame, limit: int = MAX_PANELS) -> list[str]:
    """Series for the small multiples: no denominators and no yes/no series (a line through
    0s and 1s says less than the card's Yes/No); one per SDG indicator first.

    Within an indicator official series come before proxies, then catalogue order; rounds
    go through the indicators until ``limit`` panels are chosen. The panels chosen are drawn
    in the card's order (area, then indicator), so each area's panels sit together.
    """
    order = {s: i for i, s in enumerate(catalogue.load().ids())}
    work = table[(table["sdg_relation"] != "denominator") & (table["unit_kind"] != FLAG)].copy()
    if work.empty:
        return []
    work["_official"] = (work["sdg_relation"] != "official").astype(int)
    work["_cat"] = work["series"].map(order)
    work = work.sort_values(["_official", "_cat"])
    work["_round"] = work.groupby("sdg").cumcount()
    work = work.sort_values(["_round", "_official", "_cat"])
    chosen = work["series"].head(limit).tolist()
    return [s for s in card_order(table) if s in chosen]


def card_order(table: pd.DataFrame) -> list[str]:
    """The series of ``table`` by area (``catalogue.AREAS`` order), indicator, catalogue order."""
    areas = {a: i for i, a in enumerate(catalogue.AREAS)}
    order = {s: i for i, s in enumerate(catalogue.load().ids())}
    keys = {
        row.series: (
            areas.get(catalogue.area_of(row.sdg), len(areas)),
            tuple(int(p) for p in str(row.sdg).split(".")),
            order.get(row.series, len(order)),
        )
        for row in table[["series", "sdg"]].itertuples(index=False)
    }
    return sorted(keys, key=keys.get)


def group_medians(
    panel: pd.DataFrame, reference: pd.DataFrame, group: object, min_share: float = 0.5
) -> pd.DataFrame:
    """Median per series and year over the (non-aggregate) economies of an income group.

    Years in which fewer than ``min_share`` of the most economies reporting in any year
    report are dropped, so that a late year with a handful of early reporters does not
    make the median jump.
    """
    if not isinstance(group, str) or not group:
        return pd.DataFrame(columns=["series", "year", "value", "n"])
    singles = reference.loc[~reference["is_aggregate"].fillna(False).astype(bool)]
    members = singles.loc[singles["income_group"] == group]
    out = wrangle.group_medians(panel, members, by="income_group", min_share=min_share)
    return out.drop(columns="income_group").rename(columns={"median": "value"})


def plot_trends(
    own: pd.DataFrame,
    medians: pd.DataFrame,
    table: pd.DataFrame,
    series: list[str],
    name: str,
    group: str,
):
    """Small multiples: one panel per series, the economy solid, the group median dashed.

    None (no figure) when there is no series to draw or no rows for the economy.
    """
    if not series or own is None or own.empty:
        return None
    if medians is None:
        medians = pd.DataFrame(columns=["series", "year", "value"])
    ncols = min(4, max(1, len(series)))
    nrows = math.ceil(len(series) / ncols)
    fig, axes = plots.figure(nrows, ncols, figsize=(4.2 * ncols, 3.1 * nrows + 1.2), squeeze=False)
    labels = table.set_index("series")
    for ax, sid in zip(axes.flat, series, strict=False):
        mine = own[own["series"] == sid].sort_values("year")
        ax.plot(
            mine["year"],
            mine["value"],
            color=plots.COLOURS["primary"],
            lw=2,
            marker="o",
            ms=2.5,
            label=name,
        )
        med = medians[medians["series"] == sid].sort_values("year")
        if len(med):
            ax.plot(
                med["year"],
                med["value"],
                color=plots.COLOURS["reference"],
                lw=1.3,
                ls="--",
                label=f"{group} median",
            )
        entry = labels.loc[sid]
        ax.set_title(panel_title(entry.name, entry["sdg"], entry["title"]), fontsize=9)
        ax.set_ylabel("\n".join(textwrap.wrap(entry["unit"], 28)[:2]), fontsize=8)
        ax.set_xlabel("Year", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.yaxis.set_major_formatter(mticker.FuncFormatter(_compact))
        plots.year_axis(ax, nbins=5)
    for ax in list(axes.flat)[len(series) :]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=7, loc="best", frameon=True)
    return fig


def trends_subtitle(name: str, group: object) -> str:
    """The subtitle of the trend figure, saying what the dashed line is (if any)."""
    if not isinstance(group, str) or not group:
        return f"Solid: {name}. No income group, so no peer median is drawn."
    return f"Solid: {name}. Dashed: median of the {group} economies in the store, each year."


def panel_title(series: str, sdg: str, title: str) -> str:
    """'Technology · 17.8.1 · IT.NET.USER.ZS' over the title, shortened to two lines of 40
    characters."""
    label = short_title(title).replace("low- and middle-income economies in", "developing")
    lines = textwrap.wrap(label, 40)
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), 40, placeholder="…")]
    area = catalogue.area_of(sdg)
    return "\n".join([f"{area[:1].upper()}{area[1:]} · {sdg} · {series}", *lines])


def _area_bands(ax, rows: pd.DataFrame, ys: np.ndarray, span: float) -> None:
    """A thin line between areas and the area's name at the left of its first row."""
    areas = rows["sdg"].map(catalogue.area_of).tolist()
    for i, area in enumerate(areas):
        if i and area != areas[i - 1]:
            ax.axhline(ys[i] + 0.5, color=plots.COLOURS["muted"], lw=0.6, ls=":")
        if not i or area != areas[i - 1]:
            ax.annotate(
                area.upper(),
                (-span, ys[i] + 0.42),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=7,
                color=plots.COLOURS["muted"],
                annotation_clip=False,
            )


def _years(base: object, latest: object, base_from: int) -> str:
    if pd.isna(base) or pd.isna(latest):
        return f"no base from {base_from}"
    return f"{int(base)}-{int(latest)}"


def _compact(value: float, _pos=None) -> str:
    size = abs(value)
    for scale, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if size >= scale:
            return f"{value / scale:g} {word}"
    return f"{value:g}"


def plot_progress(prog: pd.DataFrame, name: str):
    """One row per assessed series, a marker coloured by its category's rank in the method.

    x is the growth per year since the base in the desired direction (positive = good); a
    black bar marks the growth needed to meet a numerical target by its year. None (no
    figure) when no series is assessed.
    """
    if prog is None or prog.empty:
        return None
    rows = prog[prog["category"] != NOT_ASSESSED]
    if rows.empty:
        return None
    # Grouped by area (card order), so a long list reads area by area.
    rows = rows.set_index("series").loc[card_order(rows)].reset_index()
    fig, ax = plots.figure(figsize=(10, 1.6 + 0.55 * len(rows)))
    sign = np.where(rows["direction"] == "decrease", -1.0, 1.0)
    actual = 100 * rows["actual_cagr"].to_numpy() * sign
    required = 100 * rows["required_cagr"].to_numpy() * sign
    method = method_of(prog)
    colours, best = category_colours(method), progress.categories(method)[0]
    ys = np.arange(len(rows))[::-1]
    finite = np.concatenate([actual[np.isfinite(actual)], required[np.isfinite(required)], [0.0]])
    span = max(1.0, float(np.max(np.abs(finite)))) * 1.25
    for y, row, x, need in zip(ys, rows.itertuples(index=False), actual, required, strict=True):
        colour = colours.get(row.category, NO_CATEGORY_COLOUR)
        if np.isfinite(x):
            ax.scatter([x], [y], s=170, marker="s", color=colour, zorder=3, edgecolor="white")
        else:
            ax.scatter([0], [y], s=170, marker="s", facecolor="white", edgecolor=colour, zorder=3)
        if np.isfinite(need) and need > 0:  # a negative "need" means the target was met
            ax.plot([need, need], [y - 0.3, y + 0.3], color="black", lw=2.2, zorder=4)
        met = isinstance(row.note, str) and row.note.startswith("target achieved")
        met = met and row.category != best  # the label already says so
        ax.annotate(
            f"{row.category}{' (target met)' if met else ''}",
            (span, y),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color=colour,
            fontweight="bold",
            annotation_clip=False,
        )
    ax.axvline(0, color=plots.COLOURS["reference"], lw=0.8)
    _area_bands(ax, rows, ys, span)
    ax.set_xlim(-span, span)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_yticks(ys)
    ax.set_yticklabels(
        [
            f"{r.sdg} {textwrap.shorten(short_title(r.title), 44, placeholder='…')}\n"
            f"{r.series}, {_years(r.base_year, r.latest_year, r.base_from)}"
            for r in rows.itertuples()
        ],
        fontsize=8,
    )
    ax.set_xlabel("Growth per year since the base year, in the desired direction (% per year)")
    ax.grid(axis="y", visible=False)
    key = "■ actual growth (colour = category)   ▌ growth needed to meet the target by its year"
    ax.text(0.0, 1.01, key, transform=ax.transAxes, fontsize=8, color=plots.COLOURS["muted"])
    return fig
