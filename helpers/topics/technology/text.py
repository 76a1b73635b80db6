"""The sentences and readable tables of ``notebooks/03_technology_access.ipynb``, from the
frames ``technology.data`` and ``helpers.models`` return (numbers computed, never typed in).

Readable tables (``*_wide``, ``adoption_view``) are for showing; the raw frames are what the
notebook saves as CSV. Each returns None for an empty frame or None.

Example:
    >>> page.md(technology_text.gap_sentence(technology.income_gap(medians)))
"""

from __future__ import annotations

import pandas as pd

from helpers.models.results import OK
from helpers.tidy import wrangle
from helpers.topics import prose
from helpers.topics.technology.data import INTERNET, SENSITIVITY, SERIES, TARGETS

# --- latest values -------------------------------------------------------------------------


def internet_sentence(
    latest: pd.DataFrame | None, recent: pd.DataFrame | None, reference: pd.DataFrame
) -> str | None:
    """Each economy's latest share of the population using the internet beside the median of
    its income group's most recent values (None without internet rows)."""
    if latest is None or recent is None or INTERNET not in set(latest["series"]):
        return None
    net_latest = latest[latest["series"] == INTERNET].merge(reference[["economy", "income_group"]])
    net_groups = recent[recent["series"] == INTERNET].set_index("income_group")["median"]
    lines = [
        f"- {r.economy_name}: {prose.fmt(r.value, '%')} in {r.year}; median of "
        f"{str(r.income_group).lower()} economies {prose.fmt(net_groups.get(r.income_group), '%')}"
        for r in net_latest.itertuples()
    ]
    return "Share of the population using the internet:\n\n" + "\n".join(lines)


def latest_wide(latest: pd.DataFrame | None) -> pd.DataFrame | None:
    """``latest_values`` output for reading: one row per economy, "value (year)" per series.

    One name per economy (the first seen): files of different vintages spell some names
    differently ("Vietnam", "Viet Nam"). None without rows.
    """
    if latest is None or latest.empty:
        return None
    cells = [f"{v:,.1f} ({y})" for v, y in zip(latest["value"], latest["year"], strict=True)]
    wide = latest.assign(cell=cells).pivot(index="economy", columns="series", values="cell")
    wide = wide.reindex(columns=[s for s in SERIES if s in wide.columns]).rename(columns=SERIES)
    wide = wide.reindex(latest["economy"].unique())
    names = latest.groupby("economy")["economy_name"].first()
    wide.insert(0, "economy_name", wide.index.map(names))
    wide.columns.name = None
    return wide.fillna("no data").reset_index()


def recent_wide(recent: pd.DataFrame | None, by: str = "income_group") -> pd.DataFrame | None:
    """``recent_group_medians`` output for reading: groups in income order, one column per
    series (labelled), medians rounded to one decimal. None without rows."""
    if recent is None or recent.empty:
        return None
    wide = recent.pivot(index=by, columns="series", values="median")
    order = [g for g in wrangle.INCOME_ORDER if g in wide.index]
    wide = wide.reindex(order + [g for g in wide.index if g not in order])
    wide = wide.reindex(columns=[s for s in SERIES if s in wide.columns]).rename(columns=SERIES)
    wide.columns.name = None
    return wide.round(1).reset_index()


# --- adoption curves -----------------------------------------------------------------------


def adoption_view(adoption: pd.DataFrame | None) -> pd.DataFrame | None:
    """``adoption_table`` output for reading: without the notes, rounded to two decimals."""
    if adoption is None or adoption.empty:
        return None
    return adoption.drop(columns=["note"]).round(2)


def adoption_sentences(adoption: pd.DataFrame, level: float) -> list[str]:
    """The income groups' projected years, then the units and series without one (and why)."""
    lines = reach_sentences(adoption, level)
    sentences = ["Income-group medians on the fitted curves:\n\n" + "\n".join(lines)]
    failed = status_sentences(adoption)
    if failed:
        sentences.append("No projected year for:\n\n" + "\n".join(failed))
    return sentences


def reach_sentences(table: pd.DataFrame, level: float, kind: str = "income group") -> list[str]:
    """One line per ``kind`` unit with a projected year: when it reaches 50 and 75, the range
    a saturation 10% higher or lower gives, and the ceiling the data suggest."""
    lines = []
    for r in table[(table["kind"] == kind) & (table["status"] == OK)].itertuples():
        label = SERIES.get(r.series, r.series).split(" (")[0].lower()
        parts = [_reach_part(r._asdict(), target, level) for target in TARGETS]
        ceiling = ""
        if pd.notna(r.ceiling):
            ceiling = (
                f"; ceiling estimated from the data {r.ceiling:.0f} "
                f"({r.ceiling_low:.0f}-{r.ceiling_high:.0f})"
            )
        lines.append(
            f"- {r.unit}, {label}: {', '.join(parts)} (saturation {r.saturation:g}){ceiling}"
        )
    return lines


def _reach_part(row: dict, target: float, level: float) -> str:
    """ "50 around 2012 (95% interval 2011-2013; 2011-2014 at saturation +-10%)"."""
    t = f"{target:g}"
    year = row.get(f"year_reach_{t}")
    if year is None or pd.isna(year):
        return f"{t} not projected"
    text = f"{t} around {year:.0f} ({level:.0%} interval {row[f'ci_low_{t}']:.0f}-"
    text += f"{row[f'ci_high_{t}']:.0f}"
    years = [row.get(f"sat_low_{t}"), year, row.get(f"sat_high_{t}")]
    years = [y for y in years if y is not None and pd.notna(y)]
    if len(years) > 1:
        text += f"; {min(years):.0f}-{max(years):.0f} at saturation \u00b1{SENSITIVITY:.0%}"
    return text + ")"


def status_sentences(table: pd.DataFrame) -> list[str]:
    """One line per unit and series whose adoption curve gives no projected year, saying why."""
    lines = []
    for row in table[table["status"] != OK].itertuples(index=False):
        label = SERIES.get(row.series, row.series).split(" (")[0]
        lines.append(f"- {row.unit}, {label.lower()}: {row.status} ({row.note}).")
    return lines


# --- the digital divide --------------------------------------------------------------------


def gap_sentence(gap: pd.DataFrame | None) -> str | None:
    """The high-income minus low-income median at the start, at its widest and at the end
    (None without years)."""
    if gap is None or gap.empty:
        return None
    peak = gap.loc[gap["gap"].idxmax()]
    first_gap, last_gap = gap.iloc[0], gap.iloc[-1]
    return (
        f"The high-income median exceeded the low-income median by {first_gap['gap']:.1f} "
        f"percentage points in {first_gap['year']:.0f}, {peak['gap']:.1f} at the widest "
        f"({peak['year']:.0f}) and {last_gap['gap']:.1f} in {last_gap['year']:.0f}."
    )


def convergence_sentences(table: pd.DataFrame, level: float) -> list[str]:
    """Plain-language reading of the ``sigma_trend`` and ``beta`` rows (shares; beta in
    levels, sigma on the measure its note names)."""
    lines = []
    for row in table.itertuples(index=False):
        if row.status != OK:
            lines.append(f"`{row.term}`: not estimated ({row.note}).")
            continue
        clear = row.p_value < 1 - level
        interval = f"{level:.0%} interval {row.ci_low:+.3f} to {row.ci_high:+.3f}"
        if row.term == "sigma_trend":
            way = "widened" if row.estimate > 0 else "narrowed"
            label, size = _sigma_change(row)
            what = f"The spread across economies ({label}) {way} by {size} a year"
        else:
            way = "started lower gained more" if row.estimate < 0 else "started higher gained more"
            what = f"Beta {row.estimate:+.3f}: economies that {way} per year"
        verdict = "" if clear else "; not distinguishable from zero"
        lines.append(f"{what} ({interval}{verdict}; {row.note}).")
    return lines


def _sigma_change(row) -> tuple[str, str]:
    """The dispersion measure the note names, and the yearly change in its units."""
    size = abs(row.estimate)
    if "coefficient of variation" in row.note:
        return "coefficient of variation", f"{size:.4f}"
    if "sd of log values" in row.note:
        return "standard deviation of logs", f"{size:.4f}"
    return "standard deviation", f"{size:.2f} pp"
