"""The sentences of the South-South notebook, from the frames ``southsouth.data`` and
``helpers.models`` return (numbers computed, never typed in).

Example:
    >>> southsouth_text.growth_sentence(growth, southsouth.BEYOND_DAC, 0.95)
"""

from __future__ import annotations

import pandas as pd

from helpers.models import results
from helpers.models.trends import CAVEAT
from helpers.topics import prose
from helpers.topics.oda.data import TARGET as UN_TARGET
from helpers.topics.southsouth.data import BEYOND_DAC, DAC_MEMBERS, GE_START, SHORT_NAMES

# --- providers -----------------------------------------------------------------------------


def volumes_sentence(net_id: str, price_basis: str) -> str:
    """What the table of group totals holds."""
    return (
        f"Net ODA in US$ millions at {price_basis} prices (`{net_id}`) and the grant "
        f"equivalent from {GE_START}, summed per group; `providers` counts the "
        "providers reporting that year, so part of a change can be new reporters."
    )


COMPLETE = 0.995  # a sum within half a per cent of the OECD total leaves nothing out


def coverage_sentence(coverage: pd.DataFrame) -> str | None:
    """How much of the OECD's non-DAC total (current prices) the providers summed here
    account for, latest year; None when the store has no such total."""
    if coverage.empty:
        return None
    row = coverage.iloc[-1]
    sentence = (
        f"In {int(row['year'])} the {int(row['providers'])} providers beyond the DAC summed "
        f"here gave {prose.fmt(row['beyond_dac'] * 1e6, 'US$')} net at current prices, "
        f"**{row['share']:.0%}** of the OECD's own total for non-DAC providers (`WXDAC`, "
        f"{prose.fmt(row['oecd_non_dac'] * 1e6, 'US$')})."
    )
    if row["share"] >= COMPLETE:
        return sentence
    return (
        f"{sentence} The rest is ODA of providers the DAC1 table does not list one by one, "
        "Russia among them, so the totals below leave it out (at constant prices the OECD's "
        "total holds only the listed providers)."
    )


def ratio_sentence(table: pd.DataFrame, medians: pd.DataFrame, year: int) -> str:
    """The median ratio of each group in ``year`` and the highest ratio beyond the DAC.

    Args:
        table: ``latest_ratio_table`` output (largest ratio first).
        medians: ``group_median_ratio`` output indexed by ``provider_group``.
        year: the latest year of ``table``.
    """
    top = table.iloc[0]
    median = medians["median"]
    return (
        f"In {year} the median provider beyond the DAC gave "
        f"{prose.fmt(median.get(BEYOND_DAC), '%', 2)} of its GNI as ODA "
        f"({medians['providers'].get(BEYOND_DAC, 0)} providers), against "
        f"{prose.fmt(median.get(DAC_MEMBERS, float('nan')), '%', 2)} for the median DAC "
        f"member. The highest ratio beyond the DAC was {top.economy_name}'s, "
        f"{prose.fmt(top.oda_gni_pct, '%', 2)} in {top.year} ({top.measure}); "
        f"{int((table['oda_gni_pct'] >= UN_TARGET).sum())} of these providers met the UN "
        f"target of {UN_TARGET:g}%."
    )


def growth_sentence(result: pd.DataFrame, label: str, level: float) -> str:
    """A sentence on one group's CAGR result from ``models.cagr``."""
    if result.empty:
        return f"Growth for {label} is not estimated: no data in the years asked for."
    row = result[result["term"] == "cagr"]
    if row.empty or row["status"].iloc[0] != results.OK:
        return f"Growth for {label} is not estimated: {result['note'].iloc[0]}."
    r = row.iloc[0]
    return (
        f"{label}: {r.estimate:+.1%} a year (log-linear trend over {r.n} years, "
        f"{level:.0%} interval {r.ci_low:+.1%} to {r.ci_high:+.1%}"
        f"{', allowing for AR(1) errors' if r.method.endswith('gls_ar1') else ''})"
        f".{caveat_sentence(r.note)}"
    )


def caveat_sentence(note: str) -> str:
    """The caveat a model left in its ``note`` as a sentence (with a leading space), or ""."""
    _, found, text = note.partition(CAVEAT)
    text = text.split("; ")[0]
    return f" {text[:1].upper()}{text[1:]}." if found else ""


def reporting_sentence(totals: pd.DataFrame) -> str | None:
    """A warning when the number of providers reporting changes over the years, else None."""
    counts = totals[totals["providers"] > 0].groupby("provider_group")["providers"]
    spans = counts.agg(["min", "max"])
    varying = spans[spans["min"] != spans["max"]]
    if varying.empty:
        return None
    parts = [f"{g}: {r['min']} to {r['max']}" for g, r in varying.iterrows()]
    return (
        f"The number of providers reporting changes over these years ({'; '.join(parts)}), "
        "so part of the growth is providers starting to report."
    )


def forecast_sentence(result: pd.DataFrame, label: str, level: float) -> str:
    """A sentence on the last year of a ``models.forecast`` result (values in US$ millions)."""
    if result.empty or (result["status"] != results.OK).any():
        note = result["note"].iloc[0] if len(result) else "no data"
        return f"No forecast for {label}: {note}."
    last = result.iloc[-1]
    span = f"{fmt_usd(last.ci_low)} to {fmt_usd(last.ci_high)}"
    return (
        f"A local-linear-trend forecast puts {label} at {fmt_usd(last.estimate)} in "
        f"{last.year} ({level:.0%} prediction interval {span}); an extrapolation of the "
        f"past, not a projection of pledges.{caveat_sentence(last.note)}"
    )


def fmt_usd(millions: float) -> str:
    """US$ millions as prose: ``fmt_usd(2500) == "US$2.5 billion"``."""
    return prose.fmt(millions * 1e6, "US$")


# --- South-South trade ---------------------------------------------------------------------


def trade_coverage_sentence(shares: pd.DataFrame, incomplete: int, end_year: int) -> str:
    """The latest year with data (and how far it stops short of ``end_year``), the number of
    exporters with complete data and the exporter-years left out."""
    year = int(shares["year"].max())
    stops = f", {end_year - year} years before the end of the range asked for"
    return (
        f"The latest year with South-South trade data is **{year}**"
        f"{stops if year < end_year else ''}. "
        f"{shares['economy'].nunique()} developing exporters have complete data in some year; "
        f"{incomplete} exporter-years with fewer than six regions reported are left out."
    )


def trade_sentence(overall: pd.DataFrame, year: int) -> str:
    """The median developing exporter's share in ``year`` against the first year.

    Args:
        overall: the ``ALL_EXPORTERS`` rows of ``exporter_medians``, indexed by year.
    """
    first = int(overall.index.min())
    return (
        f"The median developing exporter sent {prose.fmt(overall.loc[year, 'median'], '%')} "
        f"of its merchandise exports to other developing economies in {year} "
        f"({overall.loc[year, 'n']} exporters), against "
        f"{prose.fmt(overall.loc[first, 'median'], '%')} in {first}."
    )


def economies_sentences(latest: pd.DataFrame, absent: list[str]) -> list[str]:
    """Each economy's latest South-South share, and the economies without complete data."""
    out = []
    if len(latest):
        shares = ", ".join(
            f"{row.economy_name} {prose.fmt(row.value, '%')} ({row.year})"
            for row in latest.sort_values("economy_name").itertuples(index=False)
        )
        out.append(f"Latest share of exports going to developing economies: {shares}.")
    if absent:
        out.append(f"No complete South-South trade data for: {', '.join(absent)}.")
    return out


# --- remittances and FDI -------------------------------------------------------------------


def trend_sentences(trends: pd.DataFrame, by: str, level: float) -> list[str]:
    """One sentence per series and group on the slope of its median (units per year)."""
    out = []
    for row in trends.itertuples(index=False):
        label = f"{SHORT_NAMES.get(row.series, row.series)}, {getattr(row, by)}"
        if row.status != results.OK:
            out.append(f"{label}: no trend estimated ({row.note}).")
            continue
        verdict = "a clear" if row.p_value < 1 - level else "no clear"
        out.append(
            f"{label}: median {row.estimate:+.3f} percentage points of GDP a year "
            f"({level:.0%} interval {row.ci_low:+.3f} to {row.ci_high:+.3f}; {verdict} trend)."
            f"{caveat_sentence(row.note)}"
        )
    return out
