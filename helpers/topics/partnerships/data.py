"""Partnerships, trade and capacity (SDG 17.1, 17.9-17.19) and the predictability of aid: the
data verbs of ``notebooks/05_partnerships_capacity.ipynb`` (its sentences and readable tables
are in ``text``, its figures in ``figures``, its sections in ``sections``).

Conventions fixed here so that the notebook and its tests agree:

- **Latest values** are each economy's latest non-missing value in the years asked for;
  income-group medians use the World Bank's "most recent value" idea
  (``technology.recent_group_medians``: each economy's latest value within five years of the
  series' latest year).
- **Yes/no series** (unit kind ``flag``: 1 = yes, 0 = no) are counted over the economies asked
  for, each at the latest year it reported in the years asked for; economies that never
  reported are counted as "no report", never as "no".
- **Group series** of 17.11.1 and 17.12.1 are stored as aggregates (``DEVELOPING``, ``LDC``,
  ``LLDC``, ``SIDS``; see helpers/reference/m49.yaml) and read from the aggregates table.
- **Aid volatility** is ``volatility.detrended_cv`` of each recipient's receipts over the years
  asked for: OECD DAC2A ODA received at constant prices where the store holds it, else the
  World Bank's net ODA received at current prices (the trend then carries inflation too).

Example:
    >>> flags = partnerships.flag_summary(frame, partnerships.STATISTICS_FLAGS, codes)
    >>> cvs = partnerships.volatility_table(receipts, reference)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import catalogue
from helpers.models import volatility
from helpers.models.results import OK
from helpers.tidy import wrangle
from helpers.topics.technology import data as technology

# --- the series, by question ---------------------------------------------------------------
REVENUE, TAX_FUNDED = "GR_G14_GDP", "GC_GOB_TAXD"
DOMESTIC = [REVENUE, TAX_FUNDED]
TECH_COOP = "DC_FTA_TOTAL"
MFN_TARIFF, PREF_TARIFF = "TM_TAX_WMFN", "TM_TAX_DPRF"
EXPORT_SHARE, IMPORT_SHARE = "TX_EXP_GBMRCH", "TX_IMP_GBMRCH"
POLICY_COHERENCE, RESULTS_FRAMEWORKS = "SG_CPA_SDEVP", "SG_PLN_REPOLRES"
MULTI_STAKEHOLDER, PPP = "SG_PLN_MSTKSDG_R", "GF_COM_PPPI"
SPI, STAT_CAPACITY_AID = "IQ.SPI.OVRL", "SG_STT_CAPTY"
STATISTICS_FLAGS = ["SG_STT_FPOS", "SG_STT_NSDSFND", "SG_STT_NSDSIMPL", "SG_REG_CENSUSN"]
RECEIVED_CONSTANT, RECEIVED_CURRENT = "DAC2A.ODA.RECEIVED.CONSTANT", "DT.ODA.ODAT.CD"
AID_SERIES = (RECEIVED_CONSTANT, RECEIVED_CURRENT)  # in order of preference
SHORT = {
    REVENUE: "Government revenue (% of GDP)",
    TAX_FUNDED: "Budget funded by domestic taxes (%)",
    TECH_COOP: "Technical cooperation received (US$ mn, constant)",
    MFN_TARIFF: "Weighted MFN tariff (%)",
    PREF_TARIFF: "Developed countries' preferential tariff (%)",
    EXPORT_SHARE: "Share of world merchandise exports (%)",
    IMPORT_SHARE: "Share of world merchandise imports (%)",
    POLICY_COHERENCE: "Policy coherence mechanisms (% of maximum)",
    RESULTS_FRAMEWORKS: "Use of country results frameworks (%)",
    MULTI_STAKEHOLDER: "Reports in multi-stakeholder monitoring",
    PPP: "PPP infrastructure commitments (US$ mn)",
    SPI: "Statistical performance score (0-100)",
    STAT_CAPACITY_AID: "Support to statistical capacity (US$)",
    "SG_STT_FPOS": "Statistical law follows the Fundamental Principles",
    "SG_STT_NSDSFND": "Statistical plan fully funded",
    "SG_STT_NSDSIMPL": "Statistical plan under implementation",
    "SG_REG_CENSUSN": "Census in the last 10 years",
}
# Economy-level series the notebook loads (the aid series only to measure volatility).
SERIES = [
    *DOMESTIC,
    TECH_COOP,
    MFN_TARIFF,
    POLICY_COHERENCE,
    RESULTS_FRAMEWORKS,
    MULTI_STAKEHOLDER,
    PPP,
    SPI,
    *STATISTICS_FLAGS,
    STAT_CAPACITY_AID,
    *AID_SERIES,
]
GROUP_SERIES = [EXPORT_SHARE, IMPORT_SHARE, PREF_TARIFF]
TRADE_GROUPS = {
    "DEVELOPING": "Developing economies",
    "LDC": "Least developed countries",
    "LLDC": "Landlocked developing countries",
    "SIDS": "Small island developing states",
}
IPOA_YEAR = 2011  # the Istanbul Programme of Action set the goal of doubling the LDC share
TOP = 15  # recipients shown in a ranking figure


def coverage(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """Per series: first and last year and number of economies (None without data)."""
    if frame is None or frame.empty:
        return None
    return frame.groupby("series").agg(
        first_year=("year", "min"), last_year=("year", "max"), economies=("economy", "nunique")
    )


def present(frame: pd.DataFrame | None, series: list[str] | str) -> list[str]:
    """The ``series`` that ``frame`` holds values for, in the order given."""
    series = [series] if isinstance(series, str) else list(series)
    if frame is None or frame.empty:
        return []
    have = set(frame.dropna(subset=["value"])["series"])
    return [s for s in series if s in have]


# --- latest values -------------------------------------------------------------------------


def latest_values(frame: pd.DataFrame, series: list[str], economies: list[str]) -> pd.DataFrame:
    """Each economy's latest non-missing value per series, economies in the order asked.

    Returns:
        Columns ``economy, economy_name, series, year, value``.
    """
    rows = frame[frame["series"].isin(series) & frame["economy"].isin(economies)]
    latest = wrangle.latest(rows.dropna(subset=["value"]), by=["economy", "series"])
    order = {code: i for i, code in enumerate(economies)}
    latest = latest.assign(_order=latest["economy"].map(order))
    latest = latest.sort_values(["series", "_order"], ignore_index=True)
    return latest[["economy", "economy_name", "series", "year", "value"]]


def group_latest_medians(
    frame: pd.DataFrame, reference: pd.DataFrame, series: list[str]
) -> pd.DataFrame:
    """Income-group medians of economies' most recent values (``technology.recent_group_medians``
    on ``series``), groups in income order."""
    rows = frame[frame["series"].isin(series)]
    if rows.empty:
        return pd.DataFrame(
            columns=["income_group", "series", "median", "n", "year_from", "year_to"]
        )
    out = technology.recent_group_medians(rows, reference)
    order = {g: i for i, g in enumerate(wrangle.INCOME_ORDER)}
    out = out.assign(_o=out["income_group"].map(order).fillna(len(order)))
    return out.sort_values(["series", "_o"], ignore_index=True).drop(columns="_o")


def spread(latest: pd.DataFrame) -> pd.DataFrame:
    """Per series: the number of economies, their latest years, median, quartiles and range,
    and the economies with the lowest and the highest value."""
    rows = []
    for sid, grp in latest.groupby("series", sort=False):
        low, high = grp.loc[grp["value"].idxmin()], grp.loc[grp["value"].idxmax()]
        rows.append(
            {
                "series": sid,
                "economies": len(grp),
                "year_from": int(grp["year"].min()),
                "year_to": int(grp["year"].max()),
                "median": grp["value"].median(),
                "p25": grp["value"].quantile(0.25),
                "p75": grp["value"].quantile(0.75),
                "lowest": f"{low['economy_name']} ({low['value']:,.1f})",
                "highest": f"{high['economy_name']} ({high['value']:,.1f})",
            }
        )
    return pd.DataFrame(rows)


# --- amounts by recipient ------------------------------------------------------------------


def amounts_by_recipient(
    frame: pd.DataFrame, series: str, economies: list[str], start: int, end: int
) -> pd.DataFrame:
    """Per recipient of ``series``: years reported, mean per reported year, total, and the
    latest value with its year, largest mean first.

    Returns:
        Columns ``economy, economy_name, years, mean, total, latest_year, latest``.
    """
    rows = frame[
        (frame["series"] == series)
        & frame["economy"].isin(economies)
        & frame["year"].between(start, end)
    ].dropna(subset=["value"])
    if rows.empty:
        return pd.DataFrame(
            columns=["economy", "economy_name", "years", "mean", "total", "latest_year", "latest"]
        )
    last = wrangle.latest(rows, by=["economy"]).set_index("economy")
    out = rows.groupby("economy").agg(
        economy_name=("economy_name", "first"),
        years=("year", "nunique"),
        mean=("value", "mean"),
        total=("value", "sum"),
    )
    out = out.assign(latest_year=last["year"], latest=last["value"])
    return out.sort_values("mean", ascending=False).reset_index()


def yearly_total(frame: pd.DataFrame, series: str, economies: list[str]) -> pd.DataFrame:
    """Sum and number of reporting recipients of ``series`` per year (a sum over a changing set
    of reporters moves with the set: read it with ``n``)."""
    rows = frame[(frame["series"] == series) & frame["economy"].isin(economies)]
    rows = rows.dropna(subset=["value"])
    out = rows.groupby("year")["value"].agg(total="sum", n="count").reset_index()
    return out.astype({"n": "int64"})


# --- yes/no series -------------------------------------------------------------------------


def flag_summary(frame: pd.DataFrame, series: list[str], economies: list[str]) -> pd.DataFrame:
    """Counts of yes (1), no (0) and no report among ``economies`` for each yes/no series, each
    economy at the latest year it reported.

    Returns:
        Columns ``series, yes, no, no_report, economies, yes_share_pct`` (yes over those that
        reported; NaN when none did), ``year_from, year_to`` (the latest years counted).
    """
    rows = []
    for sid in series:
        data = frame[(frame["series"] == sid) & frame["economy"].isin(economies)]
        latest = wrangle.latest(data.dropna(subset=["value"]), by=["economy"])
        values = latest["value"]
        bad = sorted(set(values) - {0.0, 1.0})
        if bad:
            raise ValueError(f"{sid}: a yes/no series holds values other than 0 and 1: {bad[:5]}")
        yes, no = int((values == 1).sum()), int((values == 0).sum())
        reported = yes + no
        rows.append(
            {
                "series": sid,
                "yes": yes,
                "no": no,
                "no_report": len(set(economies)) - reported,
                "economies": len(set(economies)),
                "yes_share_pct": 100 * yes / reported if reported else np.nan,
                "year_from": int(latest["year"].min()) if reported else np.nan,
                "year_to": int(latest["year"].max()) if reported else np.nan,
            }
        )
    return pd.DataFrame(rows)


# --- trade by economy group ----------------------------------------------------------------


def group_rows(aggs: pd.DataFrame | None, series: list[str] | None = None) -> pd.DataFrame:
    """The aggregate rows of ``series`` (all when None) for the groups of ``TRADE_GROUPS``."""
    if aggs is None or aggs.empty:
        return pd.DataFrame(columns=["economy", "series", "year", "value"])
    rows = aggs[aggs["economy"].isin(TRADE_GROUPS)]
    rows = rows[rows["series"].isin(series)] if series is not None else rows
    return rows.dropna(subset=["value"]).reset_index(drop=True)


def group_trade_table(rows: pd.DataFrame, base_year: int = IPOA_YEAR) -> pd.DataFrame:
    """Per group and series: the first, ``base_year`` and latest values with their years.

    Returns:
        Columns ``group, series, first_year, first, base_year, base, latest_year, latest``
        (``base`` NaN when the group has no value in ``base_year``).
    """
    out = []
    for (code, sid), grp in rows.groupby(["economy", "series"], sort=False):
        grp = grp.sort_values("year")
        base = grp.loc[grp["year"] == base_year, "value"]
        out.append(
            {
                "group": TRADE_GROUPS.get(code, code),
                "series": sid,
                "first_year": int(grp["year"].iloc[0]),
                "first": grp["value"].iloc[0],
                "base_year": base_year,
                "base": base.iloc[0] if len(base) else np.nan,
                "latest_year": int(grp["year"].iloc[-1]),
                "latest": grp["value"].iloc[-1],
            }
        )
    columns = ["group", "series", "first_year", "first", "base_year", "base"]
    frame = pd.DataFrame(out, columns=[*columns, "latest_year", "latest"])
    order = {name: i for i, name in enumerate(TRADE_GROUPS.values())}
    frame = frame.assign(_o=frame["group"].map(order).fillna(len(order)))
    return frame.sort_values(["series", "_o"], ignore_index=True).drop(columns="_o")


# --- aid volatility ------------------------------------------------------------------------


def aid_receipts(frame: pd.DataFrame | None, economies: list[str]) -> tuple[pd.DataFrame, str]:
    """The receipts volatility is measured on, and their series: DAC2A ODA received at constant
    prices where the store holds it for the economies asked for, else net ODA received
    (World Bank, current US$); an empty frame and "" when it holds neither."""
    for sid in AID_SERIES:
        rows = frame[(frame["series"] == sid) & frame["economy"].isin(economies)]
        rows = rows.dropna(subset=["value"])
        if len(rows):
            return rows.reset_index(drop=True), sid
    return pd.DataFrame(columns=["economy", "series", "year", "value"]), ""


def volatility_table(
    receipts: pd.DataFrame, reference: pd.DataFrame, min_years: int = volatility.MIN_YEARS
) -> pd.DataFrame:
    """``volatility.detrended_cv`` for every recipient in ``receipts``.

    Returns:
        One row per recipient: ``economy, economy_name, income_group, cv, trend_growth, n,
        status, note`` (``cv`` and ``trend_growth`` as fractions; NaN with the reason in
        ``note`` for a recipient the measure cannot use), lowest CV first.
    """
    groups = reference.drop_duplicates("economy").set_index("economy")["income_group"]
    groups = groups.replace("", np.nan)  # aggregates and unclassified economies
    rows = []
    for code, grp in receipts.groupby("economy", sort=True):
        series = pd.Series(grp["value"].to_numpy(), index=grp["year"].to_numpy(), name=code)
        result = volatility.detrended_cv(series, min_years=min_years).set_index("term")
        ok = result["status"].iloc[0] == OK
        rows.append(
            {
                "economy": code,
                "economy_name": grp["economy_name"].iloc[0],
                "income_group": groups.get(code, np.nan),
                "cv": result.loc["cv", "estimate"],
                "trend_growth": result.loc["trend_growth", "estimate"] if ok else np.nan,
                "n": int(result["n"].iloc[0]),
                "status": result["status"].iloc[0],
                "note": result["note"].iloc[0],
            }
        )
    columns = ["economy", "economy_name", "income_group", "cv", "trend_growth", "n"]
    out = pd.DataFrame(rows, columns=[*columns, "status", "note"])
    return out.sort_values(["cv", "economy"], ignore_index=True, na_position="last")


def volatility_by_group(table: pd.DataFrame, level: float, seed: int = 0) -> pd.DataFrame:
    """Per income group: the number of recipients measured, the median CV with its bootstrap
    interval (``volatility.median_interval``), the quartiles and the range.

    Returns:
        Columns ``income_group, n, median, ci_low, ci_high, p25, p75, lowest, highest, note``,
        groups in income order; recipients without an income group are left out.
    """
    usable = table[(table["status"] == OK) & table["income_group"].notna()]
    rows = []
    present_groups = set(usable["income_group"])
    order = [g for g in wrangle.INCOME_ORDER if g in present_groups]
    order += sorted(present_groups - set(order))
    for group in order:
        cvs = usable.loc[usable["income_group"] == group, "cv"]
        median = volatility.median_interval(cvs, level, seed=seed).iloc[0]
        rows.append(
            {
                "income_group": group,
                "n": len(cvs),
                "median": median["estimate"],
                "ci_low": median["ci_low"],
                "ci_high": median["ci_high"],
                "p25": cvs.quantile(0.25),
                "p75": cvs.quantile(0.75),
                "lowest": cvs.min(),
                "highest": cvs.max(),
                "note": median["note"],
            }
        )
    columns = ["income_group", "n", "median", "ci_low", "ci_high", "p25", "p75"]
    return pd.DataFrame(rows, columns=[*columns, "lowest", "highest", "note"])


def example_recipient(table: pd.DataFrame) -> str | None:
    """The recipient whose CV is the median one (the lower middle of an even count): the
    figure draws its receipts and trend to show what the measure sees. None without one."""
    usable = table[table["status"] == OK].sort_values(["cv", "economy"])
    if usable.empty:
        return None
    return str(usable["economy"].iloc[(len(usable) - 1) // 2])


# --- what is not covered -------------------------------------------------------------------


def coverage_gaps(
    selection: pd.DataFrame | None,
    store_rows: pd.DataFrame | None,
    indicators: pd.DataFrame | None = None,
) -> pd.DataFrame:
    """The SDG 17 indicators the notebook's selection cannot report on.

    Args:
        selection: the rows read for the economies and the groups asked for (any series).
        store_rows: every row the store holds in the years asked for (economies and
            aggregates), to tell "not for this selection" from "not at all".
        indicators: ``catalogue.indicators()`` (default).

    Returns:
        One row per indicator without data in the selection: ``indicator, title, area,
        series, why``; ``why`` is the catalogue's reason for an indicator no series measures,
        "no data in the store for these years", or "data only for other economies or groups"
        (donor-reported indicators such as 17.2.1 are there: see notebook 01).
    """
    indicators = catalogue.indicators() if indicators is None else indicators
    mine, anywhere = _series_held(selection), _series_held(store_rows)
    rows = []
    for ind in indicators.itertuples():
        wanted = set(ind.series)
        if ind.gap:
            why = f"no series: {ind.gap}"
        elif wanted & mine:
            continue
        elif wanted & anywhere:
            why = "data only for other economies or groups"
        else:
            why = "no data in the store for these years"
        rows.append((ind.indicator, ind.title, ind.area, ", ".join(ind.series), why))
    return pd.DataFrame(rows, columns=["indicator", "title", "area", "series", "why"])


def _series_held(frame: pd.DataFrame | None) -> set[str]:
    if frame is None or frame.empty:
        return set()
    return set(frame.dropna(subset=["value"])["series"])
