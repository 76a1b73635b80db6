"""The data inventory's figure: coverage by series and year, as a heatmap."""

from __future__ import annotations

import pandas as pd
import seaborn as sns

from helpers.topics import plots


def draw_coverage(ax, matrix: pd.DataFrame) -> None:
    """A heatmap of coverage shares (0-100%) on ``ax``, a tick every fifth year."""
    sns.heatmap(
        matrix,
        ax=ax,
        vmin=0,
        vmax=100,
        cmap="viridis",
        linewidths=0.2,
        linecolor="white",
        cbar_kws={"label": "economies with a value (% of those covered)"},
    )
    ax.grid(False)
    ax.set_facecolor("#e6e6e6")  # blank (grey) rows: series the store lacks
    years = list(matrix.columns)
    ticks = [i for i, y in enumerate(years) if y % 5 == 0]
    ax.set_xticks([t + 0.5 for t in ticks], [str(years[t]) for t in ticks], rotation=0)
    ax.set_xlabel("year")
    ax.set_ylabel("series (economies it covers)")
    ax.tick_params(axis="y", labelsize=8)


def source_summary(frame: pd.DataFrame) -> str:
    """A short source line: series counted per source and vintage (the table lists each)."""
    if frame.empty:
        return "Source: no data"
    counts = frame.groupby(["source", "vintage"], sort=True)["series"].nunique()
    parts = [
        f"{plots.SOURCE_NAMES.get(src, src)}, {n} series ({vintage})"
        for (src, vintage), n in counts.items()
    ]
    return "Source: " + ". ".join(parts) + ". Series by series: inventory.csv."
