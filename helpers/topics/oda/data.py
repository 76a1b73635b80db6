"""ODA against the 0.7% of GNI target (SDG 17.2): the data verbs of the ODA notebook.

The second half of 17.2.1, ODA to the least developed countries against 0.15-0.20% of GNI,
is in ``oda.ldc``.

The headline measure changed in 2018: from then on the OECD reports ODA as grant
equivalents (``DAC1.ODA.GNI.GE``); before, the measure is net disbursements, so ODA/GNI is
``DAC1.ODA.NET.CURRENT / DAC1.GNI.CURRENT * 100``. ``oda_gni_series`` joins the two and keeps
the basis of every value beside it. The sentences and titles that read these frames are in
``oda_text``, the figures in ``oda_figures``.

Example:
    >>> ratio = oda.oda_gni_series(dac1).pipe(oda.label_providers, tidy.economies())
    >>> ranked = oda.rank_latest(ratio)
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from helpers import tidy
from helpers.errors import ParameterError
from helpers.reference import groups
from helpers.tidy import wrangle

SWITCH_YEAR = 2018  # first year of the grant-equivalent headline measure
TARGET = 0.7  # ODA as % of GNI, the UN target restated in SDG 17.2.1
DAC_TOTAL = "DAC"  # DAC1 provider aggregate: the DAC countries together
GNI_GE = "DAC1.ODA.GNI.GE"
NET = "DAC1.ODA.NET.CURRENT"
GE = "DAC1.ODA.GE.CURRENT"
GNI = "DAC1.GNI.CURRENT"
ODA_GNI_SERIES = [GNI_GE, NET, GE, GNI]
RECIPIENT_SERIES = ["DT.ODA.ODAT.GN.ZS", "DT.ODA.ODAT.PC.ZS"]
LDC, DEVELOPING = "LDC", "DPGC"  # DAC2A recipient aggregates
BASES = ("net flows", "grant equivalent")


# --- parameters ----------------------------------------------------------------------------


def check_donors(donors: list[str] | str, reference: pd.DataFrame) -> list[str]:
    """Donor codes, upper-cased: providers in the economy reference or DAC1 provider groups.

    Raises:
        ParameterError: naming each unknown code, with close matches.
    """
    if isinstance(donors, str):
        donors = [donors]
    codes = list(dict.fromkeys(str(d).strip().upper() for d in donors))
    g = groups.load()
    singles = reference.loc[~reference["is_aggregate"].fillna(False).astype(bool), "economy"]
    known = set(singles) | set(g.aggregates.get("oecd_providers", {})) | set(g.dac_institutions)
    unknown = [c for c in codes if c not in known]
    if unknown:
        hints = []
        for code in unknown:
            close = difflib.get_close_matches(code, sorted(known), n=3, cutoff=0.6)
            hints.append(
                f"{code or repr(code)} (did you mean {', '.join(close)}?)" if close else code
            )
        providers = ", ".join(sorted(g.aggregates.get("oecd_providers", {})))
        raise ParameterError(
            f"unknown donor codes: {'; '.join(hints)}. Donors are economy codes of the "
            f"reference (NOR, ARE...) or DAC1 provider groups ({providers})"
        )
    return codes


# --- loading -------------------------------------------------------------------------------


def load_providers(series: list[str], start: int, end: int, store=None) -> pd.DataFrame:
    """DAC1 rows of single providers and provider groups (DAC, G7...) together."""
    kwargs = {"start": start, "end": end, "missing": "ignore", "store": store}
    return wrangle.stack(tidy.load(series, **kwargs), tidy.load(series, aggregates=True, **kwargs))


# --- ODA/GNI and the gap to 0.7% -----------------------------------------------------------


def _wide(frame: pd.DataFrame, series: list[str]) -> pd.DataFrame:
    rows = frame[frame["series"].isin(series)]
    if rows.empty:
        return pd.DataFrame(columns=["economy", "economy_name", "year", *series])
    out = wrangle.wide(rows)
    for sid in series:
        if sid not in out:
            out[sid] = np.nan
    return out


def oda_gni_series(frame: pd.DataFrame, switch_year: int = SWITCH_YEAR) -> pd.DataFrame:
    """ODA as % of GNI: grant equivalent from ``switch_year``, net flows / GNI before.

    Args:
        frame: tidy rows holding DAC1.ODA.GNI.GE, DAC1.ODA.NET.CURRENT and DAC1.GNI.CURRENT.
        switch_year: first year of the grant-equivalent measure.

    Returns:
        Columns ``economy, economy_name, year, series ("ODA/GNI"), value, unit, basis``
        ("net flows" or "grant equivalent"), one row per economy-year with a value.
    """
    cols = ["economy", "economy_name", "year", "series", "value", "unit", "basis"]
    w = _wide(frame, [GNI_GE, NET, GNI])
    if w.empty:
        return pd.DataFrame(columns=cols)
    after = w["year"] >= switch_year
    gni = w[GNI].astype(float).where(w[GNI] > 0)  # a zero GNI is a gap, not an infinite ratio
    net_ratio = 100 * w[NET].astype(float) / gni
    out = w[["economy", "economy_name", "year"]].assign(
        series="ODA/GNI",
        value=np.where(after, w[GNI_GE].astype(float), net_ratio),
        unit="% of GNI",
        basis=np.where(after, BASES[1], BASES[0]),
    )
    out = out.dropna(subset=["value"]).sort_values(["economy", "year"])
    return out[cols].reset_index(drop=True)


def ratio_needs(start: int, end: int, switch_year: int = SWITCH_YEAR) -> list[str]:
    """The DAC1 series ODA/GNI needs over start-end: net flows and GNI before the switch,
    the grant-equivalent ratio from it."""
    needs = [NET, GNI] if start < switch_year else []
    return needs + ([GNI_GE] if end >= switch_year else [])


def gap_needs(year: int, switch_year: int = SWITCH_YEAR) -> list[str]:
    """The DAC1 series the gap to the target needs in ``year``: ODA of that year's measure, GNI."""
    return [GE if year >= switch_year else NET, GNI]


def label_providers(
    frame: pd.DataFrame, reference: pd.DataFrame, total: str = DAC_TOTAL
) -> pd.DataFrame:
    """Keep single providers and the DAC total; add ``provider`` (DAC member, Beyond the DAC...).

    Other provider groups (G7, DAC EU countries...) are dropped so that nothing is counted
    twice in a ranking.
    """
    ref = reference.set_index("economy")
    aggregate = frame["economy"].map(ref["is_aggregate"]).fillna(False).astype(bool)
    is_total = frame["economy"] == total
    out = frame[is_total | ~aggregate].copy()
    dac = out["economy"].map(ref["dac_member"]).fillna(False).astype(bool)
    beyond = out["economy"].map(ref["beyond_dac"]).fillna(False).astype(bool)
    out["provider"] = np.select(
        [out["economy"] == total, dac, beyond],
        ["DAC total", "DAC member", "Beyond the DAC"],
        "Other provider",
    )
    return out.reset_index(drop=True)


def rank_latest(
    frame: pd.DataFrame, year: int | None = None, target: float = TARGET
) -> pd.DataFrame:
    """Rows of the latest year (or ``year``), highest value first, with rank and target flag.

    The DAC total, if present, is kept for comparison but not ranked.
    """
    if frame.empty:
        return frame.assign(rank=pd.Series(dtype="Int64"), meets_target=pd.Series(dtype=bool))
    year = int(frame["year"].max()) if year is None else year
    out = frame[frame["year"] == year].sort_values("value", ascending=False, kind="stable")
    out = out.reset_index(drop=True)
    single = out.get("provider", pd.Series("", index=out.index)) != "DAC total"
    out["rank"] = pd.array(np.where(single, single.cumsum(), pd.NA), dtype="Int64")
    out["meets_target"] = out["value"] >= target
    return out


def oda_gap(
    frame: pd.DataFrame, year: int, switch_year: int = SWITCH_YEAR, target: float = TARGET
) -> pd.DataFrame:
    """The gap to the target in US$ billions: target% x GNI - ODA, current prices, one year.

    ODA is the grant equivalent from ``switch_year`` and net disbursements before. A negative
    gap means the provider gave more than the target.

    Returns:
        Columns ``economy, economy_name, year, oda_measure, gni_usd_bn, oda_usd_bn,
        oda_gni_pct, target_usd_bn, gap_usd_bn``, largest gap first.
    """
    oda_id = GE if year >= switch_year else NET
    w = _wide(frame[frame["year"] == year], [oda_id, GNI])
    gni_bn = w[GNI].astype(float) / 1000  # DAC1 money series are in US$ millions
    oda_bn = w[oda_id].astype(float) / 1000
    out = w[["economy", "economy_name", "year"]].assign(
        oda_measure=BASES[1] if year >= switch_year else BASES[0],
        gni_usd_bn=gni_bn,
        oda_usd_bn=oda_bn,
        oda_gni_pct=100 * oda_bn / gni_bn.where(gni_bn > 0),
        target_usd_bn=target / 100 * gni_bn,
        gap_usd_bn=target / 100 * gni_bn - oda_bn,
    )
    out = out.dropna(subset=["gni_usd_bn", "oda_usd_bn"])
    return out.sort_values("gap_usd_bn", ascending=False, kind="stable").reset_index(drop=True)


# --- DAC volume: trend, break, forecast ------------------------------------------------------


def year_series(frame: pd.DataFrame, economy: str, series: str) -> pd.Series:
    """The values of one economy and series as a float Series indexed by year."""
    rows = frame[(frame["economy"] == economy) & (frame["series"] == series)].sort_values("year")
    return pd.Series(
        rows["value"].to_numpy(dtype=float), index=rows["year"].to_numpy(), name=series
    ).rename_axis("year")


def fitted_loglinear(data: pd.Series, slope_log: float) -> pd.Series:
    """The fitted log-linear trend line: OLS passes through the means of year and log value."""
    clean = data.dropna()
    clean = clean[clean > 0]
    if clean.empty or pd.isna(slope_log):
        return pd.Series(dtype=float, name="fitted")
    years = clean.index.to_numpy(dtype=float)
    level = np.log(clean.to_numpy()).mean() + slope_log * (years - years.mean())
    return pd.Series(np.exp(level), index=clean.index, name="fitted")


def model_table(**results: pd.DataFrame) -> pd.DataFrame:
    """Model results stacked with a ``model`` column naming each (for one saved table)."""
    return pd.concat([r.assign(model=name) for name, r in results.items()], ignore_index=True).pipe(
        lambda f: f[["model", *[c for c in f.columns if c != "model"]]]
    )


# --- recipients ------------------------------------------------------------------------------


def recipient_medians(frame: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Medians across economies of each series' latest value, by income group and by region.

    Returns:
        Columns ``grouping, group, series, median, economies, first_year, last_year``
        (the years are the span of the latest values used); "All" rows first.
    """
    cols = ["grouping", "group", "series", "median", "economies", "first_year", "last_year"]
    if frame.empty:
        return pd.DataFrame(columns=cols)
    latest = wrangle.latest(frame).pipe(wrangle.with_groups, reference, ["income_group", "region"])
    latest = latest.assign(all="All economies asked for")
    pieces = []
    for grouping, col in (("All", "all"), ("Income group", "income_group"), ("Region", "region")):
        part = (
            latest.dropna(subset=[col])
            .groupby([col, "series"], sort=True)
            .agg(
                median=("value", "median"),
                economies=("economy", "nunique"),
                first_year=("year", "min"),
                last_year=("year", "max"),
            )
            .reset_index()
            .rename(columns={col: "group"})
        )
        if col == "income_group":
            rank = {g: i for i, g in enumerate(wrangle.INCOME_ORDER)}
            part = part.sort_values(["group", "series"], key=lambda s: s.map(rank).fillna(s))
        pieces.append(part.assign(grouping=grouping))
    return pd.concat(pieces, ignore_index=True)[cols]


def median_trend(
    frame: pd.DataFrame, reference: pd.DataFrame, series: str, by: str = "income_group"
) -> pd.DataFrame:
    """The median of ``series`` across economies per group and year (columns group, year,
    median, economies)."""
    rows = frame[frame["series"] == series].pipe(wrangle.with_groups, reference, [by])
    out = (
        rows.dropna(subset=[by])
        .groupby([by, "year"], sort=True)
        .agg(median=("value", "median"), economies=("economy", "nunique"))
        .reset_index()
        .rename(columns={by: "group"})
    )
    return out


def ratio_sources(ratio: pd.DataFrame) -> list[str]:
    """The DAC1 series behind an ODA/GNI frame, by the bases it holds (for the source line)."""
    bases = set(ratio["basis"]) if len(ratio) else set()
    return ([NET, GNI] if BASES[0] in bases else []) + ([GNI_GE] if BASES[1] in bases else [])


def ldc_share(aggregates: pd.DataFrame, series: str) -> pd.DataFrame:
    """The share of ODA to developing countries (DPGC) that goes to the LDCs, per year.

    Returns:
        Columns ``year, ldc_usd_mn, developing_usd_mn, share`` (share in percent).
    """
    cols = ["year", "ldc_usd_mn", "developing_usd_mn", "share"]
    rows = aggregates[
        (aggregates["series"] == series) & aggregates["economy"].isin([LDC, DEVELOPING])
    ]
    w = rows.pivot_table(index="year", columns="economy", values="value", aggfunc="first")
    if LDC not in w or DEVELOPING not in w:
        return pd.DataFrame(columns=cols)
    out = pd.DataFrame(
        {
            "year": w.index.astype(int),
            "ldc_usd_mn": w[LDC].to_numpy(),
            "developing_usd_mn": w[DEVELOPING].to_numpy(),
        }
    )
    out["share"] = (
        100 * out["ldc_usd_mn"] / out["developing_usd_mn"].where(out["developing_usd_mn"] > 0)
    )
    return out.dropna(subset=["share"]).reset_index(drop=True)[cols]
