"""One look for every figure: the project's seaborn theme, a source line, the demo notice.

Every figure names where its numbers come from (series code, source, vintage) in a line
under the plot, and a figure made from synthetic demo data says so across its top.

Colours and year axes are defined here once (:data:`COLOURS`, :func:`year_axis`); topic
figure modules use them instead of literals.

Example:
    >>> fig, ax = plots.figure()
    >>> ...
    >>> plots.finish(fig, title="Internet users", data=frame)  # source line and notice from data
"""

from __future__ import annotations

import os
from pathlib import Path

import matplotlib

if not os.environ.get("DISPLAY") and not os.environ.get("MPLBACKEND"):
    matplotlib.use("Agg")  # headless runs (papermill, CI) have no screen

import matplotlib.pyplot as plt
import pandas as pd
import seaborn as sns
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from helpers.errors import UsageError
from helpers.sources.demo.notice import DEMO_NOTICE

PALETTE = "colorblind"
FIGSIZE = (9, 5)
# Named colours, from seaborn's colour-blind palette, for the roles every topic draws.
COLOURS = {
    "primary": "#0173b2",  # the series or group in focus
    "secondary": "#de8f05",  # its comparison (DAC median, forecast)
    "tertiary": "#029e73",
    "observed": "black",
    "target": "firebrick",  # UN targets (0.7% of GNI...)
    "reference": "0.4",  # zero lines, breaks, group medians
    "band": "0.6",  # interval bands
    "muted": "0.3",  # captions and notes
}
SOURCE_NAMES = {
    "worldbank": "World Bank WDI",
    "oecd": "OECD DAC",
    "ids": "World Bank IDS",
    "unsdg": "UN SDG Global Database",
    "demo": "synthetic demo",
}


def set_theme() -> None:
    """Apply the project theme (called on import; call again after changing rcParams)."""
    sns.set_theme(context="notebook", style="whitegrid", palette=PALETTE)
    plt.rcParams.update(
        {
            "figure.figsize": FIGSIZE,
            "figure.dpi": 100,
            # Files at the resolution the reports show them (notebook.page.SHOWN_DPI), so a
            # report embeds the saved PNG as it is instead of resampling it (0.2 s a figure,
            # issue 13). For print, ask for SVG or PDF (SDG17_FIGURE_FORMATS below).
            "savefig.dpi": 100,
            "savefig.bbox": "tight",
            "axes.titlesize": 13,
            "axes.titleweight": "bold",
            "axes.titlelocation": "left",
            "svg.hashsalt": "sdg17",  # deterministic SVG ids
            "svg.fonttype": "none",
        }
    )


_FIGURE_KEYWORDS = ("figsize", "dpi", "layout", "facecolor")


def figure(nrows: int = 1, ncols: int = 1, **kwargs):
    """A new figure and its axes in the project's size (use instead of plt.subplots; same
    keywords).

    The figure is not registered with pyplot, so a section can be computed before it is shown
    (key findings first) without the inline backend drawing its figures at the computing cell's
    end; ``page.show`` displays it where its section is, once.
    """
    options = {k: kwargs.pop(k) for k in _FIGURE_KEYWORDS if k in kwargs}
    options.setdefault(
        "figsize", (FIGSIZE[0] * max(1, ncols * 0.8), FIGSIZE[1] * max(1, nrows * 0.8))
    )
    fig = Figure(**options)
    return fig, fig.subplots(nrows, ncols, **kwargs)


def source_line(frame: pd.DataFrame, series: list[str] | None = None) -> str:
    """'Source: World Bank WDI, IT.NET.USER.ZS (updated 2026-04-08, ...)' for a tidy frame."""
    if frame is None or frame.empty:
        return "Source: no data"
    rows = frame if series is None else frame[frame["series"].isin(series)]
    parts = []
    for (src, sid), grp in rows.groupby(["source", "series"], sort=True):
        vintages = "; ".join(sorted(grp["vintage"].astype(str).unique()))
        parts.append(f"{SOURCE_NAMES.get(src, src)}, {sid} ({vintages})")
    return "Source: " + ". ".join(parts)


def is_empty(frame: pd.DataFrame | None) -> bool:
    """No frame, or one without rows: figure builders then draw nothing."""
    return frame is None or len(frame) == 0


def is_demo(frame: pd.DataFrame | None) -> bool:
    return frame is not None and bool(len(frame)) and bool((frame["source"] == "demo").any())


def year_axis(ax, nbins: int | str = "auto") -> None:
    """Whole years on the x axis (no 2017.5 ticks)."""
    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=nbins))


def finish(
    fig,
    *,
    title: str,
    data: pd.DataFrame | None = None,
    series: list[str] | None = None,
    source: str | None = None,
    demo: bool | None = None,
    subtitle: str = "",
) -> None:
    """Title, optional subtitle, the source line under the axes and the demo notice on top.

    Args:
        data: the tidy rows drawn; the source line (series, source, vintage) and the demo
            notice are derived from them, so a figure cannot name the wrong source.
        series: limit the source line to these series of ``data``.
        source, demo: given explicitly instead (for figures not drawn from tidy rows).
    """
    if source is None:
        source = source_line(data if data is not None else pd.DataFrame(), series)
    if demo is None:
        demo = data is not None and is_demo(data)
    fig.suptitle(title, x=0.01, ha="left", fontsize=14, fontweight="bold")
    if subtitle:
        fig.text(0.01, 0.93, subtitle, ha="left", va="top", fontsize=10, color="0.3")
    fig.text(0.01, -0.02, _wrap(source), ha="left", va="top", fontsize=8, color="0.35")
    if demo:
        fig.text(
            0.99,
            0.995,
            DEMO_NOTICE,
            ha="right",
            va="top",
            fontsize=10,
            color="white",
            fontweight="bold",
            bbox={"facecolor": "#b22222", "edgecolor": "none", "pad": 4},
        )
    fig.tight_layout(rect=(0, 0, 1, 0.92 if subtitle else 0.95))


def _wrap(text: str, width: int = 150) -> str:
    words, lines, line = text.split(" "), [], ""
    for word in words:
        if len(line) + len(word) + 1 > width:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    lines.append(line)
    return "\n".join(lines)


# Figure files: PNG only by default. The reports embed their own PNG (``page.show``), so a
# file in a second format is for people who reuse the figure; SVG (vector) or PDF on demand:
#   SDG17_FIGURE_FORMATS=png,svg        (or `figure_formats: [png, svg]` in a run config)
# Saving the 12-panel trend figure as SVG as well cost about 0.5 s per scorecard (issue 13).
FORMATS_ENV = "SDG17_FIGURE_FORMATS"
FORMATS = ("png", "svg", "pdf")
DEFAULT_FORMATS = ("png",)


def figure_formats() -> tuple[str, ...]:
    """The formats :func:`save` writes: ``$SDG17_FIGURE_FORMATS`` (comma-separated), else PNG.

    Raises:
        UsageError: an unknown format, naming the valid ones.
    """
    raw = os.environ.get(FORMATS_ENV, "")
    formats = tuple(dict.fromkeys(f.strip().lower() for f in raw.split(",") if f.strip()))
    unknown = [f for f in formats if f not in FORMATS]
    if unknown:
        raise UsageError(
            f"{FORMATS_ENV}={raw!r}: unknown figure format(s) {', '.join(unknown)}; "
            f"expected some of {', '.join(FORMATS)}"
        )
    return formats or DEFAULT_FORMATS


def save(fig, name: str, output_dir: str | Path | None) -> list[Path]:
    """Save a figure in ``output_dir`` in each of :func:`figure_formats` (PNG by default);
    nothing is written when it is empty (or when there is no figure)."""
    if not output_dir or fig is None:
        return []
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for ext in figure_formats():
        path = out / f"{name}.{ext}"
        # no creation date in vector files, so reruns write identical bytes
        fig.savefig(path, metadata={"Date": None} if ext != "png" else None)
        written.append(path)
    return written


set_theme()
