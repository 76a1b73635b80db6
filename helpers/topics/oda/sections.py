"""The sections of the ODA notebook, one function each, returning a :class:`Section`.

Each section composes the data verbs (``oda.data``), sentences (``oda.text``) and figures
(``oda.figures``) of the topic, and is skipped with one sentence when its series are absent.
Sections do not depend on each other: the gap section ranks the providers again rather than
reading the ranking section's result.

Example:
    >>> page.show(oda.ranking_section(dac1, reference, donors, 2000, 2024), output_dir)
"""

from __future__ import annotations

import pandas as pd

from helpers import models
from helpers.topics.oda import data, figures, ldc, text
from helpers.topics.section import Section, missing_note, require

RANKING = "The ODA/GNI section"


def _ranking(
    dac1: pd.DataFrame, reference: pd.DataFrame, start: int, end: int
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, str | None]:
    """ODA/GNI of every provider, of the labelled ones, their latest ranking, and the note
    saying why there is no ranking (None when there is one)."""
    ratio_all = data.oda_gni_series(dac1)
    ratio = data.label_providers(ratio_all, reference)
    ranked = data.rank_latest(ratio)
    note = missing_note(dac1, data.ratio_needs(start, end), RANKING)
    if note is None and ranked.empty:
        note = f"**{RANKING} is skipped:** no provider has a ratio in these years."
    return ratio_all, ratio, ranked, note


# The ranking as a reader sees it; the saved CSV keeps every column (year, series, unit too).
RANKING_SHOWN = ["rank", "economy", "economy_name", "provider", "value", "basis", "meets_target"]


def ranking_section(
    dac1: pd.DataFrame, reference: pd.DataFrame, donors: list[str], start: int, end: int
) -> Section:
    """Who gives 0.7% of GNI: the ranking of the latest year and the donors' ratios over time.

    Args:
        dac1: DAC1 rows of providers and provider groups (``oda.load_providers``).
        donors: provider codes drawn over time beside the DAC total.
        start, end: the years asked for.
    """
    ratio_all, ratio, ranked, note = _ranking(dac1, reference, start, end)
    absent = [c for c in donors if c not in set(ratio_all["economy"])]
    absent_note = (
        f"No ODA/GNI values in {start}-{end} for donors {', '.join(absent)}." if absent else None
    )
    if note:
        return Section.skipped(f"{note}\n\n{absent_note}" if absent_note else note)
    return Section(
        text=[text.ranking_sentence(ranked), *([absent_note] if absent_note else [])],
        shown={"oda_gni_latest": ranked[RANKING_SHOWN].rename(columns={"value": "oda_gni_pct"})},
        saved={"oda_gni_latest": ranked, "oda_gni": ratio},
        figures={
            "oda_gni_ranked": figures.ranked_figure(ranked, dac1),
            "oda_gni_trend": figures.trend_figure(ratio_all, [data.DAC_TOTAL, *donors], dac1),
        },
    )


LDC_TARGET = "The ODA-to-LDCs section"
# The tables as a reader sees them; the saved CSVs keep every column, unrounded.
LDC_SHOWN = {
    "rank": "rank",
    "economy": "economy",
    "economy_name": "economy_name",
    "value": "ODA to the LDCs (% of GNI)",
    "total_oda_gni_pct": "All ODA (% of GNI)",
    "band_status": "Against the band",
}
LDC_TRENDS_SHOWN = {
    "economy_name": "economy_name",
    "estimate": "Change (percentage points a year)",
    "ci_low": "ci_low",
    "ci_high": "ci_high",
    "n": "n",
    "verdict": "Trend",
}


def ldc_target_section(
    un: pd.DataFrame,
    reference: pd.DataFrame,
    donors: list[str],
    start: int,
    end: int,
    level: float,
) -> Section:
    """ODA to the least developed countries against 0.15-0.20% of GNI: the donors of the
    latest year ranked against the band, how many meet each end, the DAC total, and trends.

    Args:
        un: UN SDG Global Database rows of ``ldc.LDC_SERIES`` by donor with the DAC total
            (``oda.load_providers``); without DC_ODA_LDCG the section says how to get it.
        donors: donor codes drawn over time beside the DAC total.
        start, end: the years asked for.
        level: the confidence level of the trend intervals.
    """
    if skip := require(un, [ldc.LDC_AID], LDC_TARGET):
        return skip
    band = ldc.ldc_band()
    aid = ldc.ldc_aid_series(un, reference)
    ranked = ldc.rank_ldc_aid(aid, band)
    if ranked.empty:
        return Section.skipped(f"**{LDC_TARGET} is skipped:** no single donor has {ldc.LDC_AID}.")
    trends = ldc.donor_trends(aid, level)
    verdicts = ldc.trend_verdicts(trends)
    absent = [c for c in donors if c not in set(aid["economy"])]
    absent_note = (
        f"No {ldc.LDC_AID} values in {start}-{end} for donors {', '.join(absent)} (the UN "
        "publishes the series for the OECD DAC members)."
        if absent
        else None
    )
    used = un[un["series"].isin(ldc.LDC_SERIES)]
    shown_trends = trends.assign(verdict=verdicts)[list(LDC_TRENDS_SHOWN)]
    return Section(
        text=[
            text.ldc_ranking_sentence(ranked, band),
            text.ldc_trend_sentence(trends, verdicts, level),
            text.ldc_source_sentence(used, band),
            *([absent_note] if absent_note else []),
        ],
        shown={
            "oda_ldc_latest": ranked[list(LDC_SHOWN)].rename(columns=LDC_SHOWN),
            "oda_ldc_trends": shown_trends.rename(columns=LDC_TRENDS_SHOWN),
        },
        saved={
            "oda_ldc_latest": ranked,
            "oda_ldc": aid,
            "oda_ldc_trends": trends.assign(verdict=verdicts),
        },
        figures={
            "oda_ldc_ranked": figures.ldc_ranked_figure(ranked, band, used),
            "oda_ldc_trend": figures.ldc_trend_figure(aid, [data.DAC_TOTAL, *donors], band, used),
        },
    )


def volume_section(
    dac1: pd.DataFrame,
    series: str,
    *,
    price_basis: str,
    level: float,
    horizon: int,
) -> Section:
    """The DAC countries' ODA volume: log-linear trend, Chow test at 2018, forecast.

    Args:
        dac1: DAC1 rows (the DAC total is taken from them).
        series: the volume series at the chosen prices (``wrangle.price_series``).
    """
    dac_total = dac1[dac1["economy"] == data.DAC_TOTAL]
    if skip := require(dac_total, [series], "The DAC volume section"):
        return skip
    volume = data.year_series(dac_total, data.DAC_TOTAL, series)
    if volume.empty:
        return Section.skipped("**The DAC volume section is skipped:** no DAC total.")
    trend = models.loglinear_trend(volume, level=level)
    chow = models.chow_test(volume, data.SWITCH_YEAR)
    outlook = models.forecast(volume, horizon=horizon, level=level)
    sentences = [
        text.trend_sentence(trend, level, "DAC countries' net ODA"),
        text.chow_sentence(chow, data.SWITCH_YEAR, level),
        text.forecast_sentence(outlook, level, f"{price_basis} prices"),
    ]
    fig = figures.volume_figure(
        volume,
        trend,
        outlook,
        level=level,
        price_basis=price_basis,
        horizon=horizon,
        data=dac_total,
        series=[series],
    )
    return Section(
        text=[" ".join(sentences)],
        tables={"dac_volume_models": data.model_table(loglinear_trend=trend, chow_test=chow)},
        saved={"dac_volume_forecast": outlook},
        figures={"dac_oda_volume": fig},
    )


def gap_section(dac1: pd.DataFrame, reference: pd.DataFrame, start: int, end: int) -> Section:
    """The gap to 0.7% of GNI in US dollars, in the latest year of the ranking."""
    _, _, ranked, note = _ranking(dac1, reference, start, end)
    if note:
        return Section.skipped(
            "**The gap section is skipped:** it needs the ODA/GNI ranking above."
        )
    year = int(ranked["year"].iloc[0])
    if skip := require(dac1, data.gap_needs(year), "The gap section"):
        return skip
    gap = data.oda_gap(dac1, year).pipe(data.label_providers, reference)
    return Section(text=[text.gap_sentence(gap, ranked)], tables={"oda_gap": gap})


def dependence_section(received: pd.DataFrame, reference: pd.DataFrame) -> Section:
    """Recipients' dependence on aid: medians of the latest year by group, and over time.

    Args:
        received: WDI rows of net ODA received (``oda.RECIPIENT_SERIES``) of the recipients.
    """
    if skip := require(received, data.RECIPIENT_SERIES, "The aid-dependence section"):
        return skip
    medians = data.recipient_medians(received, reference)
    by_income = data.median_trend(received, reference, data.RECIPIENT_SERIES[0])
    return Section(
        text=[text.dependence_sentence(medians)],
        tables={"aid_dependence": medians},
        saved={"aid_dependence_trend": by_income},
        figures={"aid_dependence": figures.dependence_figure(by_income, medians, received)},
    )


def ldc_section(dac2a: pd.DataFrame, series: str, price_basis: str) -> Section:
    """The share of ODA to developing countries that goes to the least developed countries.

    Args:
        dac2a: DAC2A rows of the recipient totals LDC and DPGC.
        series: the DAC2A series at the chosen prices (``wrangle.price_series``).
    """
    if skip := require(dac2a, [series], "The LDC-share section"):
        return skip
    share = data.ldc_share(dac2a, series)
    if share.empty:
        return Section.skipped("**The LDC-share section is skipped:** no year has both totals.")
    return Section(
        text=[text.ldc_sentence(share, price_basis)],
        saved={"ldc_share": share},
        figures={"ldc_share": figures.ldc_figure(share, price_basis, dac2a)},
    )
