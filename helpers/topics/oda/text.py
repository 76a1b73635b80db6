"""The sentences and figure titles of the ODA notebook, from the frames ``helpers.topics.oda`` and
``helpers.models`` return.

Example:
    >>> page.md(oda_text.ranking_sentence(oda.rank_latest(ratio)))
"""

from __future__ import annotations

import re

import pandas as pd

from helpers.models.trends import CAVEAT
from helpers.topics import prose
from helpers.topics.oda.data import DAC_TOTAL, RECIPIENT_SERIES, TARGET

# --- ODA/GNI and the gap to 0.7% -----------------------------------------------------------


def ranking_sentence(ranked: pd.DataFrame, target: float = TARGET) -> str:
    """Who meets the target in the ranked year, and where the DAC total stands."""
    if ranked.empty:
        return "No provider has an ODA/GNI ratio in the years asked for."
    year = int(ranked["year"].iloc[0])
    singles = ranked[ranked["provider"] != "DAC total"]
    meeting = singles[singles["meets_target"]]
    names = ", ".join(
        f"{n} ({v:.2f}%)" for n, v in zip(meeting["economy_name"], meeting["value"], strict=True)
    )
    text = (
        f"In **{year}**, {len(meeting)} of the {len(singles)} providers with data gave at least "
        f"{target:g}% of GNI as ODA ({ranked['basis'].iloc[0]})"
        + (f": {names}." if len(meeting) else ".")
    )
    total = ranked[ranked["provider"] == "DAC total"]
    if len(total):
        row = total.iloc[0]
        text += (
            f" The {row['economy_name']} together gave **{row['value']:.2f}%**, "
            f"{target - row['value']:.2f} percentage points short of the target."
        )
    return text


def gap_sentence(
    gap: pd.DataFrame,
    ranked: pd.DataFrame | None = None,
    total: str = DAC_TOTAL,
    target: float = TARGET,
) -> str:
    """The total gap in a sentence: the DAC total, then the shortfalls of single providers.

    With ``ranked`` (from ``oda.rank_latest``), providers whose reported ratio, rounded by the
    source, meets the target while unrounded ODA and GNI fall short are named.
    """
    if gap.empty:
        return "No provider has both ODA and GNI for the year asked for, so no gap is computed."
    year = int(gap["year"].iloc[0])
    parts = []
    dac = gap[gap["economy"] == total]
    if len(dac):
        row = dac.iloc[0]
        parts.append(
            f"In {year} the {row['economy_name']} together gave "
            f"{prose.fmt(row['oda_usd_bn'] * 1e9, 'US$')} of ODA ({row['oda_measure']}), "
            f"{prose.fmt(row['oda_gni_pct'], '%', 2)} of their GNI; {target:g}% of GNI would have "
            f"been {prose.fmt(row['target_usd_bn'] * 1e9, 'US$')}, a gap of "
            f"**{prose.fmt(row['gap_usd_bn'] * 1e9, 'US$')}** (current prices)."
        )
    singles = gap[gap["economy"] != total]
    short = singles[singles["gap_usd_bn"] > 0]
    above = singles[singles["gap_usd_bn"] <= 0]
    parts.append(
        f"{len(short)} of the {len(singles)} providers with data fall short of {target:g}%, by "
        f"{prose.fmt(short['gap_usd_bn'].sum() * 1e9, 'US$')} in sum"
        + (
            f"; {len(above)} reach it ({', '.join(above['economy_name'])})."
            if len(above)
            else "; none reaches it."
        )
    )
    if ranked is not None and len(ranked):
        meets = set(ranked.loc[ranked["meets_target"].astype(bool), "economy"])
        edge = short[short["economy"].isin(meets)]
        if len(edge):
            verb, pronoun = ("reaches", "falls") if len(edge) == 1 else ("reach", "fall")
            parts.append(
                f"({', '.join(edge['economy_name'])} {verb} {target:g}% as reported, rounded to "
                f"two decimals, but {pronoun} short on unrounded ODA and GNI, by "
                f"{prose.fmt(edge['gap_usd_bn'].sum() * 1e9, 'US$')} in all.)"
            )
    return " ".join(parts)


# --- DAC volume: trend, break, forecast ------------------------------------------------------


def _not_fitted(result: pd.DataFrame) -> str | None:
    """Why a model result holds no estimate ("no data" or its note), or None if it does."""
    if result.empty:
        return "no data"
    row = result.iloc[0]
    return row["note"] if row["status"] != "ok" else None


def caveat_sentence(note: str) -> str:
    """The caveat a model left in its ``note`` as a sentence (with a leading space), or ""."""
    _, found, text = note.partition(CAVEAT)
    text = text.split("; ")[0]
    return f" {text[:1].upper()}{text[1:]}." if found else ""


_ERRORS = {
    "gls_ar1": "allowing for AR(1) errors",
    "ols": "assuming independent errors",
    "ols_hac": "Newey-West errors",
}


def trend_sentence(result: pd.DataFrame, level: float, what: str) -> str:
    """A sentence on a ``models.loglinear_trend`` result (growth a year with its interval)."""
    why = _not_fitted(result)
    if why:
        return f"The log-linear trend of {what} is not estimated (insufficient data: {why})."
    row = result[result["term"] == "growth_rate"].iloc[0]
    found = re.search(r"years (\d+-\d+)", row["note"])
    span = f"{found.group(1)} " if found else ""
    errors = _ERRORS.get(row["method"].removeprefix("loglinear_"), row["method"])
    return (
        f"{what} changed by **{100 * row['estimate']:+.1f}% a year** over {span}"
        f"({level:.0%} interval {100 * row['ci_low']:+.1f}% to {100 * row['ci_high']:+.1f}%; "
        f"log-linear trend {errors}, {row['n']} years).{caveat_sentence(row['note'])}"
    )


def chow_sentence(result: pd.DataFrame, break_year: int, level: float) -> str:
    """A sentence on a ``models.chow_test`` result at the switch to grant equivalents."""
    why = _not_fitted(result)
    if why:
        return f"The Chow test for a break at {break_year} is not run (insufficient data: {why})."
    row = result.iloc[0]
    alpha = 1 - level
    verdict = "evidence of" if row["p_value"] < alpha else "no evidence of"
    if row["method"] == "chow_ar1":
        assumes = "it allows for AR(1) errors and assumes the same error variance either side"
    else:
        assumes = "it assumes independent errors with the same variance either side"
    return (
        f"A Chow test at {break_year}, when the headline measure switched to grant "
        f"equivalents, gives F = {row['estimate']:.2f}, p = {row['p_value']:.3f}: {verdict} a "
        f"break in the trend at the {alpha:.0%} level ({assumes}). The volume series is in "
        "net flows throughout, so this tests for a break in the volume of aid, not the change "
        f"of measure.{caveat_sentence(row['note'])}"
    )


def forecast_sentence(result: pd.DataFrame, level: float, unit: str) -> str:
    """A sentence on the last year of a ``models.forecast`` result (values in US$ millions)."""
    why = _not_fitted(result)
    if why:
        return f"No forecast is made (insufficient data: {why})."
    row = result.iloc[-1]
    usd = [prose.fmt(row[c] * 1e6, "US$") for c in ("estimate", "ci_low", "ci_high")]
    return (
        f"The local linear trend model projects {usd[0]} ({unit}) for {row['year']}, with a "
        f"{level:.0%} prediction interval from {usd[1]} to {usd[2]}."
        f"{caveat_sentence(row['note'])}"
    )


def volume_titles(
    trend: pd.DataFrame, outlook: pd.DataFrame, price_basis: str, horizon: int
) -> tuple[str, str]:
    """Title and subtitle of the volume figure, saying what the models could not fit."""
    fitted = [
        name
        for name, result in (("trend", trend), ("forecast", outlook))
        if _not_fitted(result) is None
    ]
    title = "DAC countries' net ODA" + (f": {' and '.join(fitted)}" if fitted else "")
    subtitle = f"Net disbursements, {price_basis} prices"
    if "forecast" in fitted:
        subtitle += f"; {horizon}-year forecast"
    if len(fitted) < 2:
        subtitle += "; too few years for " + " or ".join(
            n for n in ("a trend", "a forecast") if n.split()[-1] not in fitted
        )
    return title, subtitle


# --- recipients ------------------------------------------------------------------------------


def dependence_sentence(medians: pd.DataFrame) -> str:
    """The median recipient's aid dependence, overall and across income groups."""
    gni, pc = RECIPIENT_SERIES
    overall = medians[medians["grouping"] == "All"].set_index("series")
    if gni not in overall.index:
        return "No recipient has net ODA received as % of GNI in the years asked for."
    row = overall.loc[gni]
    span = f"{row['first_year']}" + (
        f"-{row['last_year']}" if row["last_year"] != row["first_year"] else ""
    )
    text = (
        f"Across the {row['economies']} economies with data (latest year {span}), the "
        "median received net ODA worth "
        f"**{row['median']:.2f}% of GNI**"
    )
    if pc in overall.index:
        text += f" and US${overall.loc[pc, 'median']:,.0f} per person"
    income = medians[(medians["grouping"] == "Income group") & (medians["series"] == gni)]
    if len(income) > 1:
        parts = [f"{g} {m:.2f}%" for g, m in zip(income["group"], income["median"], strict=True)]
        text += "; by income group: " + ", ".join(parts)
    return text + "."


def ldc_sentence(share: pd.DataFrame, price_basis: str) -> str:
    """The LDCs' share of ODA to developing countries in the latest year, and its change."""
    if share.empty:
        return "No year has ODA received by both the LDCs and all developing countries."
    last, first = share.iloc[-1], share.iloc[0]
    text = (
        f"In **{int(last['year'])}** the least developed countries received "
        f"**{last['share']:.1f}%** of the ODA disbursed to developing countries "
        f"({prose.fmt(last['ldc_usd_mn'] * 1e6, 'US$')} of "
        f"{prose.fmt(last['developing_usd_mn'] * 1e6, 'US$')}, {price_basis} prices)"
    )
    if len(share) > 1:
        text += f", against {first['share']:.1f}% in {int(first['year'])}"
    return text + "."


# --- ODA to the LDCs against 0.15-0.20% of GNI -----------------------------------------------

BAND_ORIGIN = (
    "the UN target for ODA to the least developed countries, set in the UN Programmes of "
    "Action for the LDCs (Istanbul 2011, reaffirmed in Doha 2022) and restated in SDG target 17.2"
)


def _pct_list(rows: pd.DataFrame) -> str:
    return ", ".join(
        f"{n} {v:.2f}%" for n, v in zip(rows["economy_name"], rows["value"], strict=True)
    )


def ldc_ranking_sentence(ranked: pd.DataFrame, band: tuple[float, float]) -> str:
    """How many donors give 0.15% and 0.20% of GNI to the LDCs in the ranked year, who, and
    where the DAC total stands."""
    low, high = band
    if ranked.empty:
        return "No donor has net ODA to the LDCs as % of GNI in the years asked for."
    year = int(ranked["year"].iloc[0])
    singles = ranked[ranked["provider"] != "DAC total"]
    top = singles[singles["meets_high"].astype(bool)]
    within = singles[singles["meets_low"].astype(bool) & ~singles["meets_high"].astype(bool)]
    text = (
        f"In **{year}**, **{len(top) + len(within)} of the {len(singles)}** donors with data gave "
        f"at least {low:.2f}% of their GNI as net ODA to the least developed countries, and "
        f"**{len(top)}** at least {high:.2f}%"
    )
    parts = []
    if len(top):
        parts.append(f"{high:.2f}% or more: {_pct_list(top)}")
    if len(within):
        parts.append(f"within the band: {_pct_list(within)}")
    text += f" ({'; '.join(parts)})." if parts else "."
    total = ranked[ranked["provider"] == "DAC total"]
    if len(total):
        row = total.iloc[0]
        gap = low - row["value"]
        where = (
            f"{gap:.2f} percentage points short of {low:.2f}%"
            if gap > 0
            else f"{-gap:.2f} percentage points above {low:.2f}%"
        )
        text += f" The {row['economy_name']} together gave **{row['value']:.2f}%**, {where}"
        if pd.notna(row.get("total_oda_gni_pct")):
            text += f" (and {row['total_oda_gni_pct']:.2f}% of GNI as ODA to all recipients)"
        text += "."
    return text


_VERDICTS = {
    "rising": "rose",
    "falling": "fell",
    "no clear trend": "show no clear trend",
    "not estimated": "have too few years for a trend",
}


def ldc_trend_sentence(
    trends: pd.DataFrame, verdicts: pd.Series, level: float, total: str = DAC_TOTAL
) -> str:
    """The DAC-wide trend of ODA to the LDCs (percentage points a year) and how many donors'
    ratios rose, fell or show no clear trend, with the model's caveat for short series."""
    if trends.empty:
        return "No donor has ODA to the LDCs over enough years for a trend."
    parts = []
    dac = trends[trends["economy"] == total]
    if len(dac):
        row = dac.iloc[0]
        if row["status"] != "ok":
            parts.append(
                f"The trend of the ratio of the {row['economy_name']} is not estimated "
                f"(insufficient data: {row['note']})."
            )
        else:
            found = re.search(r"years (\d+-\d+)", row["note"])
            span = f" over {found.group(1)}" if found else ""
            errors = _ERRORS.get(row["method"], row["method"])
            verdict = verdicts[dac.index[0]]
            reading = {"rising": "a rise", "falling": "a fall"}.get(
                verdict, "the interval includes zero, so no clear trend"
            )
            # Ratios near 0.1% of GNI move by thousandths of a point a year; a slope that
            # rounds to zero at 4 decimals is said in words, not as "+0.0000".
            change = (
                f"**{row['estimate']:+.4f} percentage points a year**"
                if abs(row["estimate"]) >= 0.00005
                else "**less than 0.0001 percentage points a year**"
            )
            parts.append(
                f"The ratio of the {row['economy_name']} changed by "
                f"{change}{span} ({level:.0%} "
                f"interval {row['ci_low']:+.4f} to {row['ci_high']:+.4f}; linear trend "
                f"{errors}, {row['n']} years): {reading}.{caveat_sentence(row['note'])}"
            )
    donors = verdicts[trends["economy"] != total]
    if len(donors):
        counts = donors.value_counts()
        said = [f"{counts[v]} {phrase}" for v, phrase in _VERDICTS.items() if counts.get(v, 0)]
        listing = said[0] if len(said) == 1 else f"{', '.join(said[:-1])} and {said[-1]}"
        parts.append(
            f"Of the {len(donors)} donors, {listing} (a rise or fall is counted when the "
            f"{level:.0%} interval of the slope excludes zero)."
        )
        notes = trends.loc[(trends["economy"] != total) & (trends["status"] == "ok"), "note"]
        short = [n for n in notes if CAVEAT in n]
        if short and not len(dac):  # the DAC row's sentence carries its own caveat
            parts.append(caveat_sentence(short[0]).strip())
    return " ".join(parts)


def ldc_source_sentence(frame: pd.DataFrame, band: tuple[float, float]) -> str:
    """Where the figures come from (series, database, vintage) and where the band comes from."""
    series = sorted(set(frame["series"])) if len(frame) else []
    vintages = "; ".join(sorted(frame["vintage"].astype(str).unique())) if len(frame) else "n/a"
    what = (
        f"the UN SDG Global Database series {' and '.join(series)} (net ODA by donor, % of GNI, "
        "which the UN republishes from the OECD DAC's statistics)"
    )
    if (frame["source"] == "demo").any():
        start = f"Figures: synthetic demo data standing in for {what}"
    else:
        start = f"Figures: {what}"
    low, high = band
    return (
        f"{start}; vintage: {vintages}. The band of {low:.2f}-{high:.2f}% of GNI is {BAND_ORIGIN}."
    )
