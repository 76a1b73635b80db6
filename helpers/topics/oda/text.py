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
