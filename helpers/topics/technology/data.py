"""Technology access and the digital divide (SDG 17.6, 17.8): the data verbs of
``notebooks/03_technology_access.ipynb`` (its sentences and readable tables are in ``text``, its
figures in ``figures``, and the notebook's sections, which compose them, in ``sections``).

Conventions fixed here so that the notebook and its tests agree:

- **Income-group medians of the latest values** follow the World Bank's "most recent value"
  idea: per series, each economy's latest value within ``RECENT_WINDOW`` years of the
  series' latest year, then the median per income group. An economy whose last value is
  older is left out rather than mixed with current values.
- **Adoption curves** are fractional logits (``adoption.fractional_logit``) with a saturation
  level: 100 for the share of the population using the internet, a parameter for mobile
  subscriptions (people can hold several SIMs, so 100 per 100 people is no ceiling).
  Targets (50, 75) are in the series' own units. Every projected year is conditional on that
  saturation, so the tables also carry the years at a saturation ``SENSITIVITY`` (10%) lower
  and higher, and the ceiling a free three-parameter logistic finds in the data; no year is
  projected for a level above that estimated ceiling.

Example:
    >>> fits = technology.fit_adoption(internet, "economy", saturation=100, level=0.95)
    >>> technology.reach_table(fits, ["KEN", "BGD"], "economy")
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.models import adoption
from helpers.models.results import OK, RESULT_COLUMNS, insufficient
from helpers.tidy import wrangle

INTERNET = "IT.NET.USER.ZS"
BROADBAND = "IT.NET.BBND.P2"
MOBILE = "IT.CEL.SETS.P2"
HIGH_TECH = "TX.VAL.TECH.MF.ZS"
SERIES = {
    INTERNET: "Internet users (% of population)",
    BROADBAND: "Fixed broadband (per 100 people)",
    MOBILE: "Mobile subscriptions (per 100 people)",
    HIGH_TECH: "High-tech exports (% of manufactured exports)",
}
RECENT_WINDOW = 5
MAX_LINES = 8  # economies one trajectory figure can show legibly
TARGETS = (50.0, 75.0)
SENSITIVITY = 0.1  # saturation +-10%: the range of years the assumed ceiling alone can move
HIGH, LOW = "High income", "Low income"


def coverage(frame: pd.DataFrame | None) -> pd.DataFrame | None:
    """What the store holds per series: first and last year and number of economies (None
    without data)."""
    if frame is None or frame.empty:
        return None
    return frame.groupby("series").agg(
        first_year=("year", "min"), last_year=("year", "max"), economies=("economy", "nunique")
    )


def latest_values(frame: pd.DataFrame, economies: list[str]) -> pd.DataFrame:
    """Each economy's latest value per series, in the order of ``economies``.

    Returns:
        Columns ``economy, economy_name, series, year, value``.
    """
    rows = frame[frame["economy"].isin(economies)].dropna(subset=["value"])
    latest = wrangle.latest(rows, by=["economy", "series"])
    order = {code: i for i, code in enumerate(economies)}
    latest = latest.assign(_order=latest["economy"].map(order))
    latest = latest.sort_values(["_order", "series"], ignore_index=True)
    return latest[["economy", "economy_name", "series", "year", "value"]]


def recent_group_medians(
    frame: pd.DataFrame,
    reference: pd.DataFrame,
    by: str = "income_group",
    window: int = RECENT_WINDOW,
) -> pd.DataFrame:
    """Median of economies' most recent values per group and series.

    Per series, only values from the ``window`` years up to the series' latest year count;
    each economy contributes its latest of those.

    Returns:
        Columns ``<by>, series, median, n, year_from, year_to``.
    """
    data = frame.dropna(subset=["value"])
    last = data.groupby("series")["year"].transform("max")
    recent = wrangle.latest(data[data["year"] > last - window], by=["economy", "series"])
    recent = recent.merge(reference[["economy", by]].drop_duplicates("economy"), on="economy")
    recent = recent[recent[by].notna()]
    out = recent.groupby([by, "series"], sort=True).agg(
        median=("value", "median"),
        n=("value", "count"),
        year_from=("year", "min"),
        year_to=("year", "max"),
    )
    return out.reset_index().astype({"n": "int64"})


# --- adoption curves -----------------------------------------------------------------------


def fit_adoption(
    frame: pd.DataFrame,
    by: str,
    saturation: float,
    level: float,
    value: str = "value",
    targets: tuple[float, ...] = TARGETS,
) -> pd.DataFrame:
    """``adoption.fractional_logit`` for each ``by`` unit (economy or group) of a long frame.

    A unit with values above ``saturation`` gets one row with status ``"above saturation"``
    instead of stopping the loop: the S-curve with that ceiling does not describe it.

    Returns:
        The model results with ``by`` prepended.
    """
    pieces = []
    for unit, grp in frame.dropna(subset=[value]).groupby(by, sort=True):
        series = pd.Series(grp[value].to_numpy(), index=grp["year"].to_numpy(), name=unit)
        peak = series.max()
        if peak > saturation:
            note = f"values reach {peak:.0f}, above the saturation level {saturation:g}"
            result = insufficient("slope", "fractional_logit_ar1", len(series), note)
            result["status"] = "above saturation"
        else:
            result = adoption.fractional_logit(series, saturation, level, targets, SENSITIVITY)
        result.insert(0, by, unit)
        pieces.append(result)
    if not pieces:
        return pd.DataFrame(columns=[by, *RESULT_COLUMNS])
    return pd.concat(pieces, ignore_index=True)


def _status(rows: pd.DataFrame) -> tuple[str, str]:
    if rows.empty:
        return "no data", "no values in the years asked for"
    status = rows["status"].iloc[0]
    if status != OK:
        return status, rows["note"].iloc[0]
    reach = rows[rows["term"].str.fullmatch(r"year_reach_[^ ]+")]
    if reach["estimate"].isna().all():
        notes = reach["note"].tolist()
        for phrase, status in (
            ("level off below", "ceiling below level"),
            ("not significant", "upward trend not significant"),
        ):
            if any(phrase in note for note in notes):
                return status, notes[0]
        return "no upward trend", notes[0] if notes else ""
    return OK, "; ".join(dict.fromkeys(n for n in reach["note"] if n))


def _sensitivity_years(fit: pd.DataFrame, target: float) -> tuple[float, float]:
    """Years of reaching ``target`` at the lower and at the higher saturation."""
    prefix = f"year_reach_{target:g} (saturation "
    rows = fit[fit["term"].str.startswith(prefix, na=False)]
    if rows.empty:
        return np.nan, np.nan
    saturation = rows["term"].str.slice(len(prefix), -1).astype(float)
    rows = rows.assign(_saturation=saturation.to_numpy()).sort_values("_saturation")
    return rows["estimate"].iloc[0], rows["estimate"].iloc[-1]


def reach_table(
    results: pd.DataFrame, units: list[str], by: str, targets: tuple[float, ...] = TARGETS
) -> pd.DataFrame:
    """One row per unit asked for: projected years of reaching each target, with intervals.

    Units without a usable fit keep their row, with NaN years and ``status``/``note``
    saying why (``no data``, ``insufficient data``, ``above saturation``, ``no upward
    trend``, ``upward trend not significant``, ``ceiling below level``). Besides each
    target's year and interval, the table has ``sat_low_<t>`` and ``sat_high_<t>``: the years
    at a saturation ``SENSITIVITY`` lower and higher (NaN where that fit cannot run), and
    ``ceiling``, ``ceiling_low``, ``ceiling_high``: the ceiling estimated from the data (NaN
    while the data show no bend).
    """
    rows = []
    for unit in units:
        fit = results[results[by] == unit]
        status, note = _status(fit)
        row = {by: unit}
        for target in targets:
            term = fit[fit["term"] == f"year_reach_{target:g}"]
            found = not term.empty
            row[f"year_reach_{target:g}"] = term["estimate"].iloc[0] if found else np.nan
            row[f"ci_low_{target:g}"] = term["ci_low"].iloc[0] if found else np.nan
            row[f"ci_high_{target:g}"] = term["ci_high"].iloc[0] if found else np.nan
            row[f"sat_low_{target:g}"], row[f"sat_high_{target:g}"] = _sensitivity_years(
                fit, target
            )
        ceiling = fit[fit["term"] == "ceiling"]
        for column, source in (
            ("ceiling", "estimate"),
            ("ceiling_low", "ci_low"),
            ("ceiling_high", "ci_high"),
        ):
            row[column] = ceiling[source].iloc[0] if len(ceiling) else np.nan
        slope = fit[fit["term"] == "slope"]["estimate"]
        row["slope_logit"] = slope.iloc[0] if len(slope) else np.nan
        row["n"] = int(fit["n"].iloc[0]) if len(fit) else 0
        rows.append({**row, "status": status, "note": note})
    return pd.DataFrame(rows)


def adoption_curves(
    frame: pd.DataFrame,
    units: list[str],
    by: str,
    years: list[int],
    saturation: float,
    level: float,
    value: str = "value",
) -> pd.DataFrame:
    """Fitted curves with their intervals over ``years`` for each unit (for plotting).

    Returns:
        Columns ``<by>, year, fitted, ci_low, ci_high, status``; units with values above
        ``saturation`` or no data are left out.
    """
    pieces = []
    for unit in units:
        grp = frame[(frame[by] == unit)].dropna(subset=[value])
        if grp.empty or grp[value].max() > saturation:
            continue
        series = pd.Series(grp[value].to_numpy(), index=grp["year"].to_numpy(), name=unit)
        curve = adoption.predict_fractional_logit(series, years, saturation, level)
        pieces.append(curve.drop(columns="note").assign(**{by: unit}))
    if not pieces:
        return pd.DataFrame(columns=[by, "year", "fitted", "ci_low", "ci_high", "status"])
    out = pd.concat(pieces, ignore_index=True)
    return out[[by, "year", "fitted", "ci_low", "ci_high", "status"]]


def adoption_table(
    frame: pd.DataFrame,
    medians: pd.DataFrame,
    economies: list[str],
    saturations: dict[str, float],
    level: float,
) -> pd.DataFrame | None:
    """Projected years of reaching the targets for each economy asked for and each income
    group (fitted on the group's median series), for every series in ``saturations`` (None
    when ``saturations`` is empty).

    Returns:
        ``reach_table`` rows with ``unit`` (economy code or income group), ``kind``
        (``"economy"`` or ``"income group"``), ``series`` and ``saturation`` first.
    """
    pieces = []
    for sid, saturation in saturations.items():
        data = frame[(frame["series"] == sid) & frame["economy"].isin(economies)]
        fits = fit_adoption(data, "economy", saturation, level)
        table = reach_table(fits, economies, "economy").rename(columns={"economy": "unit"})
        pieces.append(table.assign(kind="economy", series=sid, saturation=saturation))
        group = medians[medians["series"] == sid]
        fits = fit_adoption(group, "income_group", saturation, level, value="median")
        names = [g for g in wrangle.INCOME_ORDER if g in set(group["income_group"])]
        table = reach_table(fits, names, "income_group").rename(columns={"income_group": "unit"})
        pieces.append(table.assign(kind="income group", series=sid, saturation=saturation))
    if not pieces:
        return None
    out = pd.concat(pieces, ignore_index=True)
    first = ["unit", "kind", "series", "saturation"]
    return out[first + [c for c in out.columns if c not in first]]


# --- the digital divide --------------------------------------------------------------------


def income_gap(medians: pd.DataFrame, high: str = HIGH, low: str = LOW) -> pd.DataFrame:
    """Gap between two income groups' medians per year (``high - low``), from
    ``wrangle.group_medians`` output for one series.

    Returns:
        Columns ``year, high, low, gap``; years where either median is missing are dropped.
    """
    wide = medians.pivot_table(index="year", columns="income_group", values="median")
    for group in (high, low):
        if group not in wide:
            wide[group] = np.nan
    out = pd.DataFrame({"high": wide[high], "low": wide[low]}).dropna()
    return out.assign(gap=out["high"] - out["low"]).reset_index()


def medians_over_time(frame: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Income-group medians per series and year, over the well-covered years only
    (``trim_thin_years`` then ``wrangle.group_medians``)."""
    return wrangle.group_medians(trim_thin_years(frame), reference)


def trim_thin_years(frame: pd.DataFrame, min_share: float = 0.5) -> pd.DataFrame:
    """Drop, per series, the years in which fewer than ``min_share`` times the median yearly
    number of economies report.

    The latest year often holds only the early reporters (and the first years of a new
    series only the early adopters): a median or a dispersion over them would change
    because the sample changed, not because access did.
    """
    data = frame.dropna(subset=["value"])
    counts = data.groupby(["series", "year"])["economy"].nunique()
    typical = counts.groupby(level="series").transform("median")
    keep = counts[counts >= min_share * typical].index
    index = pd.MultiIndex.from_frame(data[["series", "year"]])
    return data[index.isin(keep)].reset_index(drop=True)
