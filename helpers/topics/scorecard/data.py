"""The country scorecard's data verbs: series and targets, the indicator table, progress.

Used by ``notebooks/04_country_scorecard.ipynb``. Every function takes and returns plain
DataFrames so the notebook stays a list of short calls. The economy's profile is in
``profile``, the sentences and readable tables in ``text``, the figures in ``figures`` and
the sections the notebook shows, composed of all of them, in ``sections`` (this package).

Rules stated once here:

* **Trend model, chosen by the catalogue's ``unit_kind``.** Money and counts (``usd``,
  ``usd_millions``, ``count``) grow multiplicatively, so their trend is
  ``models.loglinear_trend`` reported as growth in % per year. Shares, rates, per-100 ratios
  and scores (``percent``, ``percent_open``, ``per_100``, ``index``) are compared in their
  own units, so their trend is ``models.linear_trend``: the slope in units per year (for a
  percentage, percentage points per year). Both with AR(1) errors (Prais-Winsten GLS,
  ``errors="ar1"``) and the notebook's confidence level.
* **Projection.** The latest value carried forward ``horizon`` years along that trend
  (shares clipped to 0-100): a what-if at the recent pace, not a forecast.
* **Peers.** The economies (aggregates excluded) of the same World Bank income group, or
  region, with a value in the economy's latest year; the economy itself is one of them.
  ``*_median`` is their median, ``*_rank`` the economy's rank with 1 = highest value, and
  ``*_percentile`` the share of peers (in %) whose value is at or below the economy's.
  ``*_aggregate_value`` is the World Bank aggregate for the group (e.g. LMC, SSF) in the same
  year, where the store holds it.
* **Progress.** ``helpers.models.progress.assess_progress`` by a published method chosen with
  ``method`` (ids, thresholds and citations in ``helpers/reference/progress_methods.yaml``;
  default the Open SDG / Statistics Canada progress measure), with the target and direction in
  ``helpers/reference/targets.yaml``; the base is the later of the notebook's base year and
  the series' ``earliest_base``. Series with direction ``none`` are "not assessed".
* **Roles** (provider, recipient; see ``helpers.topics.scorecard.profile``) decide which missing
  series count as data gaps (``applies_to`` in targets.yaml). Series by donor (UN
  ``DC_ODA_TOTG``, ``DC_ODA_LDCG``; OECD DAC1) apply to providers that way.
* **Yes/no series** (``unit_kind`` ``flag``: 1 = yes, 0 = no) get no trend, no peer gap and no
  progress category: a line through 0s and 1s, or a growth rate of a 0/1 answer, has no
  meaning. The card shows the latest answer and its year.
* **Group series** (``published_for: groups`` in targets.yaml: developing countries' and LDCs'
  share of world merchandise exports and imports, 17.11.1; tariffs developed countries apply
  to imports from each group, 17.12.1) have a group of economies (the UN's DEVELOPING, LDC,
  SIDS ...) as their economy, never one country. They are left out of a country's card rather
  than shown as context: a group's value is not the economy's own, its trend and progress
  would be the group's, and counting it would overstate what the store holds for the economy.
  The card lists them as published for groups only (``goal17``); notebook 05 reads them by
  group. See :func:`group_series`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers import catalogue, models
from helpers.errors import SchemaError
from helpers.models import progress, results
from helpers.paths import REFERENCE_DIR

TARGETS_FILE = REFERENCE_DIR / "targets.yaml"
LOG_TREND_KINDS = ("usd", "usd_millions", "count")
FLAG = "flag"
NOT_APPLICABLE = "not applicable"
FLAG_NOTE = "a yes/no series (1 = yes, 0 = no): no trend or growth rate is fitted to it"
GROUPS = "groups"  # ``published_for`` of a series published for groups of economies only
DIRECTIONS = ("increase", "decrease", "none")
ROLES = ("all", "provider", "recipient")
NOT_ASSESSED = "not assessed"
NO_DIRECTION = "no desired direction"
FLAG_PROGRESS_NOTE = "a yes/no answer: growth-based progress methods do not apply"
# The default method's categories, best to worst, then the two the scorecard adds.
CATEGORY_ORDER = [*progress.CATEGORIES, results.INSUFFICIENT, NOT_ASSESSED]
# Fewer income-group peers than this and the gap to their median is not computed.
MIN_PEERS_FOR_GAP = 3
_TARGET_DEFAULTS = {
    "target": None,
    "target_year": 2030,
    "earliest_base": None,
    "applies_to": "all",
    "basis": "",
    "published_for": "",
}


# --- targets and series --------------------------------------------------------------------


def load_targets(path=None) -> pd.DataFrame:
    """``targets.yaml`` as a frame: series, direction, target, target_year, earliest_base,
    applies_to, basis, published_for ("groups" or ""); one row per catalogue series. Other
    fields (``target_band``, read by ``helpers.topics.oda``) are left out.

    Raises:
        SchemaError: naming the series with a missing entry or a bad field.
    """
    path = path or TARGETS_FILE
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    defaults = {**_TARGET_DEFAULTS, **(raw.get("defaults") or {})}
    entries = raw.get("series") or {}
    rows = []
    for sid, entry in entries.items():
        row = {"series": sid, **defaults, **(entry or {})}
        if row.get("direction") not in DIRECTIONS:
            raise SchemaError(f"{path}: {sid}: direction must be one of {DIRECTIONS}")
        if row.get("applies_to") not in ROLES:
            raise SchemaError(f"{path}: {sid}: applies_to must be one of {ROLES}")
        if (row.get("published_for") or "") not in ("", GROUPS):
            raise SchemaError(f"{path}: {sid}: published_for must be {GROUPS!r} or absent")
        if row.get("target") is not None and (
            row["direction"] == "none" or not float(row["target"]) > 0
        ):
            raise SchemaError(f"{path}: {sid}: a target must be positive and have a direction")
        rows.append(row)
    missing = sorted(set(catalogue.load().ids()) - {r["series"] for r in rows})
    if missing:
        raise SchemaError(f"{path} has no entry for catalogue series {', '.join(missing)}")
    columns = [
        "series",
        "direction",
        "target",
        "target_year",
        "earliest_base",
        "applies_to",
        "basis",
        "published_for",
    ]
    frame = pd.DataFrame(rows).reindex(columns=columns)
    frame["published_for"] = frame["published_for"].fillna("").astype(str)
    frame["target"] = pd.to_numeric(frame["target"], errors="coerce").astype("float64")
    frame["target_year"] = frame["target_year"].astype("int64")
    frame["earliest_base"] = pd.array(frame["earliest_base"], dtype="Int64")
    return frame


def group_series(targets: pd.DataFrame) -> list[str]:
    """The series published for groups of economies only (``published_for: groups``), which
    a country's card leaves out (module docstring)."""
    if "published_for" not in targets:
        return []
    return targets.loc[targets["published_for"] == GROUPS, "series"].tolist()


def candidate_series(price_basis: str, targets: pd.DataFrame | None = None) -> list[str]:
    """Every catalogue id, keeping only the ``price_basis`` twin of current/constant pairs.

    Series by creditor (IDS) are left out: one value per economy and year is what the
    scorecard scores, and they hold one per creditor. Given ``targets``, so are the series
    published for groups of economies only (:func:`group_series`), which hold no economy's
    own values.
    """
    groups = set(group_series(targets)) if targets is not None else set()
    ids = [s.id for s in catalogue.load().series if not s.by_creditor and s.id not in groups]
    other = "CONSTANT" if price_basis == "current" else "CURRENT"
    keep = []
    for sid in ids:
        stem, _, last = sid.rpartition(".")
        if last == other and f"{stem}.{price_basis.upper()}" in ids:
            continue
        keep.append(sid)
    return keep


def applicable_series(prof: pd.Series, targets: pd.DataFrame, candidates: list[str]) -> list[str]:
    """The candidates whose ``applies_to`` covers this economy's role, in catalogue order;
    never a series published for groups only (no economy holds it, so it is no data gap)."""
    roles = {"all"} | {r for r in ("provider", "recipient") if prof[r]}
    scope = targets.set_index("series")["applies_to"]
    groups = set(group_series(targets))
    return [s for s in candidates if scope.get(s, "all") in roles and s not in groups]


def missing_series(own: pd.DataFrame, applicable: list[str]) -> list[str]:
    """Applicable series with no value for the economy (in the years loaded)."""
    have = set(own["series"]) if len(own) else set()
    return [s for s in applicable if s not in have]


# --- the indicator table -------------------------------------------------------------------


def trend_method(unit_kind: str) -> str:
    """``"loglinear"`` for money and counts, ``"linear"`` otherwise (module docstring)."""
    return "loglinear" if unit_kind in LOG_TREND_KINDS else "linear"


def latest_values(own: pd.DataFrame | None) -> pd.DataFrame:
    """Latest year and value per series: series, latest_year, latest_value, first_year, n_years.

    No rows (or None) give the same columns and no rows."""
    if own is None or own.empty:
        return pd.DataFrame(
            {
                "series": pd.Series(dtype=object),
                "latest_year": pd.Series(dtype="int64"),
                "latest_value": pd.Series(dtype="float64"),
                "first_year": pd.Series(dtype="int64"),
                "n_years": pd.Series(dtype="int64"),
            }
        )
    ordered = own.sort_values(["series", "year"])
    grouped = ordered.groupby("series", sort=True)
    return pd.DataFrame(
        {
            "latest_year": grouped["year"].last(),
            "latest_value": grouped["value"].last(),
            "first_year": grouped["year"].first(),
            "n_years": grouped["year"].size(),
        }
    ).reset_index()


def summarise_trends(own: pd.DataFrame, level: float = 0.95, horizon: int = 5) -> pd.DataFrame:
    """Trend per series with its interval, p-value and a projection ``horizon`` years on.

    Columns: series, trend_method, trend, trend_unit, trend_ci_low, trend_ci_high, trend_p,
    trend_n, trend_status, trend_note, projection_year, projection. A yes/no series gets
    status "not applicable" and no numbers (module docstring).
    """
    rows = []
    for sid, grp in own.groupby("series", sort=True):
        entry = catalogue.get(sid)
        data = pd.Series(grp["value"].to_numpy(), index=grp["year"].to_numpy(), name=sid)
        if entry.is_flag:
            rows.append(_no_trend(sid, data))
            continue
        method = trend_method(entry.unit_kind)
        if method == "loglinear":
            fit = models.loglinear_trend(data, level=level)
            term, scale, unit = "growth_rate", 100.0, "% per year"
        else:
            fit = models.linear_trend(data, level=level)
            term, scale, unit = "slope", 1.0, f"{entry.unit} per year"
        pick = fit[fit["term"] == term].iloc[0]
        latest = data.dropna().sort_index()
        rows.append(
            {
                "series": sid,
                "trend_method": method,
                "trend": pick["estimate"] * scale,
                "trend_unit": unit,
                "trend_ci_low": pick["ci_low"] * scale,
                "trend_ci_high": pick["ci_high"] * scale,
                "trend_p": pick["p_value"],
                "trend_n": int(pick["n"]),
                "trend_status": pick["status"],
                "trend_note": pick["note"],
                "projection_year": int(latest.index[-1]) + horizon,
                "projection": _project(latest.iloc[-1], pick["estimate"], method, horizon, entry),
            }
        )
    columns = [
        "series", "trend_method", "trend", "trend_unit", "trend_ci_low", "trend_ci_high",
        "trend_p", "trend_n", "trend_status", "trend_note", "projection_year", "projection",
    ]  # fmt: skip
    return pd.DataFrame(rows, columns=columns)


def _no_trend(sid: str, data: pd.Series) -> dict:
    return {
        "series": sid,
        "trend_method": NOT_APPLICABLE,
        "trend": np.nan,
        "trend_unit": "",
        "trend_ci_low": np.nan,
        "trend_ci_high": np.nan,
        "trend_p": np.nan,
        "trend_n": int(data.notna().sum()),
        "trend_status": NOT_APPLICABLE,
        "trend_note": FLAG_NOTE,
        "projection_year": pd.NA,
        "projection": np.nan,
    }


def _project(last: float, estimate: float, method: str, horizon: int, entry) -> float:
    if pd.isna(estimate):
        return np.nan
    value = last * (1 + estimate) ** horizon if method == "loglinear" else last + estimate * horizon
    return float(np.clip(value, 0, 100)) if entry.is_percent else float(value)


def compare_with_peers(
    latest: pd.DataFrame, panel: pd.DataFrame, reference: pd.DataFrame, economy: str
) -> pd.DataFrame:
    """Peer median, count, rank (1 = highest) and percentile by income group and by region.

    ``panel`` is the tidy table for all economies; peers are read in each series' latest year.
    """
    prof = reference.set_index("economy")
    rows = []
    singles = reference.loc[~reference["is_aggregate"].fillna(False).astype(bool)]
    for item in latest.itertuples(index=False):
        in_year = panel[(panel["series"] == item.series) & (panel["year"] == item.latest_year)]
        row = {"series": item.series}
        for column, prefix in (("income_group", "income"), ("region", "region")):
            group = prof.at[economy, column] if economy in prof.index else None
            row[prefix] = group if isinstance(group, str) and group else None
            members = singles.loc[singles[column] == group, "economy"] if row[prefix] else []
            values = in_year.loc[in_year["economy"].isin(members), ["economy", "value"]]
            row.update(_rank(values, economy, prefix))
        rows.append(row)
    columns = ["series"] + [
        f"{p}{s}"
        for p in ("income", "region")
        for s in ("", "_median", "_n", "_rank", "_percentile")
    ]
    return pd.DataFrame(rows, columns=columns)


def _rank(values: pd.DataFrame, economy: str, prefix: str) -> dict:
    out = {f"{prefix}_median": np.nan, f"{prefix}_n": 0, f"{prefix}_rank": pd.NA}
    out[f"{prefix}_percentile"] = np.nan
    if values.empty:
        return out
    out[f"{prefix}_median"] = float(values["value"].median())
    out[f"{prefix}_n"] = len(values)
    mine = values.loc[values["economy"] == economy, "value"]
    if len(mine):
        out[f"{prefix}_rank"] = int((values["value"] > mine.iloc[0]).sum()) + 1
        out[f"{prefix}_percentile"] = 100.0 * (values["value"] <= mine.iloc[0]).mean()
    return out


def aggregate_values(
    latest: pd.DataFrame, aggregates: pd.DataFrame, prof: pd.Series
) -> pd.DataFrame:
    """World Bank aggregate for the income group and region, in each series' latest year."""
    rows = []
    for item in latest.itertuples(index=False):
        row = {"series": item.series}
        for prefix, code in (("income", prof["income_code"]), ("region", prof["region_code"])):
            hit = aggregates[
                (aggregates["economy"] == code)
                & (aggregates["series"] == item.series)
                & (aggregates["year"] == item.latest_year)
            ]
            row[f"{prefix}_aggregate"] = code or None
            row[f"{prefix}_aggregate_value"] = float(hit["value"].iloc[0]) if len(hit) else np.nan
        rows.append(row)
    columns = ["series", "income_aggregate", "income_aggregate_value"]
    columns += ["region_aggregate", "region_aggregate_value"]
    return pd.DataFrame(rows, columns=columns)


def assemble(latest: pd.DataFrame, *parts: pd.DataFrame) -> pd.DataFrame:
    """The indicator table: catalogue labels, latest values, then each part joined on series.

    Adds ``area`` (the Goal 17 area of the series' indicator, ``catalogue.area_of``) and
    ``gap_to_income_median_pct``: (value - income median) / |median| in %, only for scale-free
    series (shares, ratios, scores; not money or counts, whose gap mostly measures the
    economy's size, nor yes/no answers) and NaN when the median is 0 or fewer than 3 peers
    have a value.
    """
    ids = list(latest["series"])
    labels = pd.DataFrame(
        [
            {
                "series": s.id,
                "title": s.title,
                "area": catalogue.area_of(s.sdg),
                "sdg": s.sdg,
                "sdg_relation": s.sdg_relation,
                "unit": s.unit,
                "unit_kind": s.unit_kind,
            }
            for s in (catalogue.resolve(ids) if ids else [])
        ],
        columns=["series", "title", "area", "sdg", "sdg_relation", "unit", "unit_kind"],
    )
    table = labels.merge(latest, on="series", how="left", validate="one_to_one")
    for part in parts:
        table = table.merge(part, on="series", how="left", validate="one_to_one")
    if "income_median" in table:
        enough = table["income_n"] >= MIN_PEERS_FOR_GAP
        scale_free = ~table["unit_kind"].isin([*LOG_TREND_KINDS, FLAG])
        median = table["income_median"].where(enough & scale_free & (table["income_median"] != 0))
        table["gap_to_income_median_pct"] = 100 * (table["latest_value"] - median) / median.abs()
    return table


def indicator_table(
    own: pd.DataFrame | None,
    panel: pd.DataFrame,
    aggregates: pd.DataFrame,
    reference: pd.DataFrame,
    prof: pd.Series,
    *,
    level: float = 0.95,
    horizon: int = 5,
) -> pd.DataFrame:
    """The indicator table of one economy: latest values, trends, peers and group aggregates.

    ``own`` is the economy's tidy rows, ``panel`` every economy's (the peers), ``aggregates``
    the World Bank group aggregates. Without rows for the economy the table has the columns
    of :func:`latest_values` and the labels, and no rows.
    """
    latest = latest_values(own)
    if latest.empty:
        return assemble(latest)
    trends = summarise_trends(own, level=level, horizon=horizon)
    peers = compare_with_peers(latest, panel, reference, prof["economy"])
    group_aggregates = aggregate_values(latest, aggregates, prof)
    return assemble(latest, trends, peers, group_aggregates)


# --- progress ------------------------------------------------------------------------------


def category_order(method: str = progress.DEFAULT_METHOD) -> list[str]:
    """The categories of ``method`` best to worst, then "insufficient data", "not assessed"."""
    return [*progress.categories(method), results.INSUFFICIENT, NOT_ASSESSED]


def method_of(prog: pd.DataFrame) -> str:
    """The progress method a frame from :func:`assess` was judged by (default if it says none)."""
    if "method" in prog and prog["method"].notna().any():
        return str(prog["method"].dropna().iloc[0])
    return progress.DEFAULT_METHOD


def assess(
    own: pd.DataFrame,
    targets: pd.DataFrame,
    base_year: int,
    method: str = progress.DEFAULT_METHOD,
) -> pd.DataFrame:
    """Progress category per series of ``own`` with ``progress.assess_progress`` by ``method``.

    Columns: series, title, sdg, direction, target, target_year, base_from, then the
    ``progress.PROGRESS_COLUMNS`` (``method`` included), and basis. ``category`` is one of
    ``progress.categories(method)``, "insufficient data" when the method cannot judge the
    series and "not assessed" for direction ``none`` and for yes/no series (module docstring).

    Raises:
        ValueError: ``method`` is unknown or not available (the message names the others).
    """
    progress.method_spec(method)  # fail before the loop on a bad method
    spec = targets.set_index("series")
    rows = []
    for sid, grp in own.groupby("series", sort=False):
        entry, tgt = catalogue.get(sid), spec.loc[sid]
        base = int(max(base_year, tgt["earliest_base"] if not pd.isna(tgt["earliest_base"]) else 0))
        head = {
            "series": sid,
            "title": entry.title,
            "sdg": entry.sdg,
            "direction": tgt["direction"],
            "target": tgt["target"],
            "target_year": int(tgt["target_year"]),
            "base_from": base,
        }
        if tgt["direction"] == "none" or entry.is_flag:
            result = {
                "category": NOT_ASSESSED,
                "status": NOT_ASSESSED,
                "note": NO_DIRECTION if tgt["direction"] == "none" else FLAG_PROGRESS_NOTE,
                "method": method,
            }
        elif int(tgt["target_year"]) <= base:
            note = f"base year {base} is not before the target year {int(tgt['target_year'])}"
            result = {
                "category": results.INSUFFICIENT,
                "status": results.INSUFFICIENT,
                "note": note,
                "method": method,
            }
        else:
            data = pd.Series(grp["value"].to_numpy(), index=grp["year"].to_numpy(), name=sid)
            target = None if pd.isna(tgt["target"]) else float(tgt["target"])
            out = (
                progress.assess_progress(
                    data, target, tgt["direction"], base, int(tgt["target_year"]), method
                )
                .iloc[0]
                .to_dict()
            )
            if out["status"] == results.INSUFFICIENT:
                out["category"] = results.INSUFFICIENT
            result = out
        rows.append({**head, **result, "basis": tgt["basis"]})
    columns = ["series", "title", "sdg", "direction", "target", "target_year", "base_from"]
    columns += [*progress.PROGRESS_COLUMNS, "basis"]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.astype({"base_year": "Int64", "latest_year": "Int64", "target": "float64"})
    order = {s: i for i, s in enumerate(catalogue.load().ids())}
    return frame.sort_values("series", key=lambda s: s.map(order)).reset_index(drop=True)


def category_counts(prog: pd.DataFrame) -> pd.Series:
    """How many series fall in each category (its method's order, best first), zeros dropped."""
    counts = prog["category"].value_counts()
    known = category_order(method_of(prog))
    rest = sorted(c for c in counts.index if c not in known)  # never drop a category silently
    return counts.reindex([c for c in known if c in counts.index] + rest)
