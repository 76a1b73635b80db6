"""ODA against the 0.7% of GNI target (SDG 17.2): the verbs and figures of the ODA notebook.

The headline measure changed in 2018: from then on the OECD reports ODA as grant
equivalents (``DAC1.ODA.GNI.GE``); before, the measure is net disbursements, so ODA/GNI is
``DAC1.ODA.NET.CURRENT / DAC1.GNI.CURRENT * 100``. ``oda_gni_series`` joins the two and keeps
the basis of every value beside it.

Example:
    >>> ratio = oda.oda_gni_series(dac1).pipe(oda.label_providers, tidy.economies())
    >>> ranked = oda.rank_latest(ratio)
"""

from __future__ import annotations

import difflib

import numpy as np
import pandas as pd

from helpers import groups, report, wrangle
from helpers.report import ParameterError

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
PROVIDER_COLOURS = {
    "DAC member": "#0173b2",
    "Beyond the DAC": "#de8f05",
    "DAC total": "#333333",
    "Other provider": "#949494",
}
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
    from helpers import tidy

    kwargs = {"start": start, "end": end, "missing": "ignore", "store": store}
    return rows_used(tidy.load(series, **kwargs), tidy.load(series, aggregates=True, **kwargs))


def rows_used(*frames: pd.DataFrame) -> pd.DataFrame:
    """The tidy frames a notebook read, stacked (for ``report.provenance``)."""
    return pd.concat([f for f in frames if len(f)] or [frames[0]], ignore_index=True)


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


def gap_sentence(
    gap: pd.DataFrame,
    ranked: pd.DataFrame | None = None,
    total: str = DAC_TOTAL,
    target: float = TARGET,
) -> str:
    """The total gap in a sentence: the DAC total, then the shortfalls of single providers.

    With ``ranked`` (from ``rank_latest``), providers whose reported ratio, rounded by the
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
            f"{report.fmt(row['oda_usd_bn'] * 1e9, 'US$')} of ODA ({row['oda_measure']}), "
            f"{report.fmt(row['oda_gni_pct'], '%', 2)} of their GNI; {target:g}% of GNI would have "
            f"been {report.fmt(row['target_usd_bn'] * 1e9, 'US$')}, a gap of "
            f"**{report.fmt(row['gap_usd_bn'] * 1e9, 'US$')}** (current prices)."
        )
    singles = gap[gap["economy"] != total]
    short = singles[singles["gap_usd_bn"] > 0]
    above = singles[singles["gap_usd_bn"] <= 0]
    parts.append(
        f"{len(short)} of the {len(singles)} providers with data fall short of {target:g}%, by "
        f"{report.fmt(short['gap_usd_bn'].sum() * 1e9, 'US$')} in sum"
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
                f"{report.fmt(edge['gap_usd_bn'].sum() * 1e9, 'US$')} in all.)"
            )
    return " ".join(parts)


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


def _insufficient(result: pd.DataFrame) -> str | None:
    if result.empty:
        return "no data"
    row = result.iloc[0]
    return row["note"] if row["status"] != "ok" else None


def trend_sentence(result: pd.DataFrame, level: float, what: str) -> str:
    """A sentence on a ``models.loglinear_trend`` result (growth a year with its interval)."""
    why = _insufficient(result)
    if why:
        return f"The log-linear trend of {what} is not estimated (insufficient data: {why})."
    row = result[result["term"] == "growth_rate"].iloc[0]
    span = row["note"].rsplit("years ", 1)[-1]
    return (
        f"{what} changed by **{100 * row['estimate']:+.1f}% a year** over {span} "
        f"({level:.0%} interval {100 * row['ci_low']:+.1f}% to {100 * row['ci_high']:+.1f}%; "
        f"log-linear trend, Newey-West errors, {row['n']} years)."
    )


def chow_sentence(result: pd.DataFrame, break_year: int, level: float) -> str:
    """A sentence on a ``models.chow_test`` result at the switch to grant equivalents."""
    why = _insufficient(result)
    if why:
        return f"The Chow test for a break at {break_year} is not run (insufficient data: {why})."
    row = result.iloc[0]
    alpha = 1 - level
    verdict = "evidence of" if row["p_value"] < alpha else "no evidence of"
    return (
        f"A Chow test at {break_year}, when the headline measure switched to grant "
        f"equivalents, gives F = {row['estimate']:.2f}, p = {row['p_value']:.3f}: {verdict} a "
        f"break in the trend at the {alpha:.0%} level. The volume series is in net flows "
        "throughout, so this tests for a break in the volume of aid, not the change of measure."
    )


def forecast_sentence(result: pd.DataFrame, level: float, unit: str) -> str:
    """A sentence on the last year of a ``models.forecast`` result (values in US$ millions)."""
    why = _insufficient(result)
    if why:
        return f"No forecast is made (insufficient data: {why})."
    row = result.iloc[-1]
    usd = [report.fmt(row[c] * 1e6, "US$") for c in ("estimate", "ci_low", "ci_high")]
    return (
        f"The local linear trend model projects {usd[0]} ({unit}) for {row['year']}, with a "
        f"{level:.0%} prediction interval from {usd[1]} to {usd[2]}."
    )


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
        f"({report.fmt(last['ldc_usd_mn'] * 1e6, 'US$')} of "
        f"{report.fmt(last['developing_usd_mn'] * 1e6, 'US$')}, {price_basis} prices)"
    )
    if len(share) > 1:
        text += f", against {first['share']:.1f}% in {int(first['year'])}"
    return text + "."


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


# --- figures ---------------------------------------------------------------------------------


def _integer_years(ax, nbins: int | str = "auto") -> None:
    from matplotlib.ticker import MaxNLocator

    ax.xaxis.set_major_locator(MaxNLocator(integer=True, nbins=nbins))


def plot_ranked(ax, ranked: pd.DataFrame, target: float = TARGET) -> None:
    """Horizontal bars of ODA/GNI, highest on top, coloured by provider type, target line."""
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    y = np.arange(len(ranked))
    colours = [PROVIDER_COLOURS[p] for p in ranked["provider"]]
    bars = ax.barh(y, ranked["value"], color=colours)
    ax.bar_label(bars, fmt="%.2f", fontsize=7, padding=2)
    ax.set_yticks(y, ranked["economy_name"], fontsize=8)
    ax.set_ylim(len(ranked) - 0.5, -0.5)
    ax.grid(axis="y", visible=False)
    ax.axvline(target, color="firebrick", linestyle="--", linewidth=1.5)
    ax.set_xlim(0, max(float(ranked["value"].max()), target) * 1.12)
    handles = [
        Patch(color=c, label=p) for p, c in PROVIDER_COLOURS.items() if p in set(ranked["provider"])
    ]
    handles.append(Line2D([], [], color="firebrick", linestyle="--", label=f"{target:g}% target"))
    ax.legend(handles=handles, loc="lower right", fontsize=9)
    ax.set_xlabel("ODA as % of GNI")
    ax.set_ylabel("")


def plot_oda_gni_trend(
    ax,
    ratio: pd.DataFrame,
    codes: list[str],
    switch_year: int = SWITCH_YEAR,
    target: float = TARGET,
) -> None:
    """ODA/GNI over time for the given providers (the DAC total in black), the measure
    change marked by a vertical line."""
    years = sorted(ratio["year"].unique())
    marker = "o" if len(years) <= 10 else None
    for code in codes:
        rows = ratio[ratio["economy"] == code].sort_values("year")
        if rows.empty:
            continue
        style = {"color": "black", "linewidth": 2.8} if code == DAC_TOTAL else {"linewidth": 1.6}
        ax.plot(
            rows["year"], rows["value"], marker=marker, label=rows["economy_name"].iloc[0], **style
        )
    ax.axhline(
        target, color="firebrick", linestyle="--", linewidth=1.2, label=f"{target:g}% target"
    )
    if years and years[0] <= switch_year <= years[-1]:
        ax.axvline(switch_year - 0.5, color="0.4", linestyle=":", linewidth=1.2)
        # Text on the roomier side of the line, so it stays inside the axes.
        left = switch_year - years[0] > years[-1] - switch_year
        ax.annotate(
            f"grant-equivalent measure from {switch_year}",
            xy=(switch_year - 0.5, 1),
            xycoords=("data", "axes fraction"),
            xytext=(-4 if left else 4, -4),
            textcoords="offset points",
            ha="right" if left else "left",
            va="top",
            fontsize=9,
            color="0.3",
        )
    _integer_years(ax)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("year")
    ax.set_ylabel("ODA as % of GNI")
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=9, frameon=False)


def volume_titles(
    trend: pd.DataFrame, outlook: pd.DataFrame, price_basis: str, horizon: int
) -> tuple[str, str]:
    """Title and subtitle of the volume figure, saying what the models could not fit."""
    fitted = [
        name
        for name, result in (("trend", trend), ("forecast", outlook))
        if _insufficient(result) is None
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


def plot_volume(
    ax,
    observed: pd.Series,
    fitted: pd.Series,
    forecast: pd.DataFrame,
    level: float,
    unit: str,
) -> None:
    """DAC ODA volume (US$ billions), its log-linear trend and the forecast with its interval."""
    ax.plot(
        observed.index, observed / 1000, marker="o", markersize=3, color="black", label="observed"
    )
    if len(fitted):
        ax.plot(
            fitted.index, fitted / 1000, linestyle="--", color="#0173b2", label="log-linear trend"
        )
    ok = forecast[forecast["status"] == "ok"] if len(forecast) else forecast
    if len(ok):
        years = ok["year"].astype(int)
        ax.fill_between(
            years,
            ok["ci_low"] / 1000,
            ok["ci_high"] / 1000,
            color="#de8f05",
            alpha=0.25,
            label=f"{level:.0%} prediction interval",
        )
        ax.plot(
            years,
            ok["estimate"] / 1000,
            color="#de8f05",
            marker="o",
            markersize=3,
            label="forecast",
        )
    _integer_years(ax)
    ax.set_ylim(bottom=0)
    ax.set_xlabel("year")
    ax.set_ylabel(f"ODA, US$ billions ({unit})")
    ax.legend(loc="upper left", fontsize=9)


def plot_dependence(axes, trend: pd.DataFrame, medians: pd.DataFrame) -> None:
    """Three panels: median ODA/GNI over time by income group, then the latest medians of
    ODA/GNI and of ODA per capita by income group and region."""
    order = [g for g in wrangle.INCOME_ORDER if g in set(trend["group"])]
    for group in order:
        rows = trend[trend["group"] == group]
        axes[0].plot(rows["year"], rows["median"], label=group)
    _integer_years(axes[0], nbins=5)
    axes[0].set_xlabel("year")
    axes[0].set_ylabel("median net ODA received, % of GNI")
    axes[0].set_title("Over time, by income group", fontsize=11)
    axes[0].legend(fontsize=8)
    panels = (
        (
            axes[1],
            RECIPIENT_SERIES[0],
            "median net ODA received, % of GNI",
            "Latest year, % of GNI",
        ),
        (
            axes[2],
            RECIPIENT_SERIES[1],
            "median net ODA received, US$ per person",
            "Latest year, per person",
        ),
    )
    colours = {"All": "#333333", "Income group": "#0173b2", "Region": "#029e73"}
    for ax, sid, label, title in panels:
        rows = medians[medians["series"] == sid]
        y = np.arange(len(rows))
        ax.barh(y, rows["median"], color=[colours[g] for g in rows["grouping"]])
        ax.set_yticks(y, rows["group"], fontsize=8)
        ax.set_ylim(len(rows) - 0.5, -0.5)
        ax.set_xlabel(label)
        ax.set_title(title, fontsize=11)
    axes[2].set_yticklabels([])


def plot_ldc_share(ax, share: pd.DataFrame) -> None:
    """The LDCs' share of ODA to developing countries over time."""
    ax.plot(share["year"], share["share"], color="#0173b2", marker="o", markersize=3)
    _integer_years(ax)
    ax.set_ylim(0, max(50.0, float(share["share"].max()) * 1.1))
    ax.set_xlabel("year")
    ax.set_ylabel("LDCs' share of ODA to developing countries, %")
