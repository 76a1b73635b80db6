"""The country scorecard: every SDG 17 series for one economy, with trend, peers and progress.

Used by ``notebooks/04_country_scorecard.ipynb``. Every function takes and returns plain
DataFrames (or a one-row profile Series) so the notebook stays a list of short calls.

Rules stated once here:

* **Trend model, chosen by the catalogue's ``unit_kind``.** Money and counts (``usd``,
  ``usd_millions``, ``count``) grow multiplicatively, so their trend is
  ``models.loglinear_trend`` reported as growth in % per year. Shares, rates, per-100 ratios
  and scores (``percent``, ``percent_open``, ``per_100``, ``index``) are compared in their
  own units, so their trend is ``models.linear_trend``: the slope in units per year (for a
  percentage, percentage points per year). Both with Newey-West errors and the notebook's
  confidence level.
* **Projection.** The latest value carried forward ``horizon`` years along that trend
  (shares clipped to 0-100): a what-if at the recent pace, not a forecast.
* **Peers.** The economies (aggregates excluded) of the same World Bank income group, or
  region, with a value in the economy's latest year; the economy itself is one of them.
  ``*_median`` is their median, ``*_rank`` the economy's rank with 1 = highest value, and
  ``*_percentile`` the share of peers (in %) whose value is at or below the economy's.
  ``*_aggregate_value`` is the World Bank aggregate for the group (e.g. LMC, SSF) in the same
  year, where the store holds it.
* **Progress.** ``helpers.progress.assess_progress`` with the target and direction in
  ``helpers/reference/targets.yaml``; the base is the later of the notebook's base year and
  the series' ``earliest_base``. Series with direction ``none`` are "not assessed".
* **Roles.** Provider = DAC member or provider beyond the DAC; recipient = not a DAC member
  and low- or middle-income or an LDC (an approximation of the DAC List of ODA Recipients).
  They decide which missing series count as data gaps (``applies_to`` in targets.yaml).
"""

from __future__ import annotations

import math
import os
import textwrap
from pathlib import Path

import matplotlib.ticker as mticker
import numpy as np
import pandas as pd
import yaml

from helpers import catalogue, groups, models, plots, progress, report
from helpers.errors import SchemaError
from helpers.paths import REFERENCE_DIR

TARGETS_FILE = REFERENCE_DIR / "targets.yaml"
LOG_TREND_KINDS = ("usd", "usd_millions", "count")
DIRECTIONS = ("increase", "decrease", "none")
ROLES = ("all", "provider", "recipient")
NOT_ASSESSED = "not assessed"
CATEGORY_ORDER = [*progress.CATEGORIES, models.INSUFFICIENT, NOT_ASSESSED]
CATEGORY_COLOURS = {
    "on track": "#1b7837",
    "moderate progress": "#e6ab02",
    "off track": "#d95f02",
    "regressing": "#b2182b",
    models.INSUFFICIENT: "#9e9e9e",
}
MAX_PANELS = 12
_LOW_INCOME = {"LIC", "LMC", "UMC"}
_MIN_PEERS_FOR_GAP = 3
_TARGET_DEFAULTS = {
    "target": None,
    "target_year": 2030,
    "earliest_base": None,
    "applies_to": "all",
    "basis": "",
}


# --- parameters and profile ----------------------------------------------------------------


def check_economy(economy: object, reference: pd.DataFrame) -> str:
    """The economy code, normalised; a one-sentence ParameterError for anything else.

    Validation goes through ``report.resolve_economies`` (unknown codes are named with close
    matches); a group name or an aggregate code is refused, since a scorecard is for one
    economy.
    """
    if not isinstance(economy, str) or not economy.strip():
        raise report.ParameterError(
            f"economy must be one economy code such as 'KEN', got {economy!r}"
        )
    codes = report.resolve_economies([economy], reference)
    code = economy.strip().upper()
    row = reference[reference["economy"] == code]
    aggregate = groups.is_known_aggregate(code) or bool(
        row["is_aggregate"].fillna(False).astype(bool).any()
    )
    if len(codes) != 1 or codes[0] != code or aggregate:
        raise report.ParameterError(
            f"the scorecard is for one economy, but {economy!r} is a group or an aggregate; "
            "give one economy code such as 'KEN'"
        )
    if row.empty:
        raise report.ParameterError(
            f"{code} is a known code but not in this store's economy reference, so it has no "
            "data to score; give an economy the store holds"
        )
    return code


def profile(economy: str, reference: pd.DataFrame) -> pd.Series:
    """One economy's reference row with its group codes and its role (provider, recipient)."""
    row = reference.loc[reference["economy"] == economy].iloc[0].copy()
    income = income_code(row["income_group"])
    row["income_code"] = income
    row["region_code"] = region_code(row["region"])
    row["provider"] = bool(row.get("dac_member", False) or row.get("beyond_dac", False))
    row["recipient"] = not bool(row.get("dac_member", False)) and (
        income in _LOW_INCOME or bool(row.get("ldc", False))
    )
    return row


def income_code(name: object) -> str:
    """World Bank income-group code (LIC, LMC, UMC, HIC) for a name or code; "" if none."""
    if not isinstance(name, str) or not name.strip():
        return ""
    table = groups.load().income_groups
    key = name.strip().casefold()
    lookup = {c.casefold(): c for c in table} | {n.casefold(): c for c, n in table.items()}
    return lookup.get(key, "")


def region_code(name: object) -> str:
    """World Bank region code (SSF, EAS, ...) for a region name, alias or code; "" if none."""
    if not isinstance(name, str) or not name.strip():
        return ""
    g = groups.load()
    lookup = {c.casefold(): c for c in g.regions}
    lookup |= {n.casefold(): c for c, n in g.regions.items()}
    lookup |= {n.casefold(): c for n, c in g.region_aliases.items()}
    return lookup.get(name.strip().casefold(), "")


def header_markdown(prof: pd.Series) -> str:
    """A two-column Markdown table: name, region, income group, group flags, role."""

    def yes(flag: object) -> str:
        return "yes" if bool(flag) and not pd.isna(flag) else "no"

    definition = os.environ.get(groups.GLOBAL_SOUTH_ENV) or groups.DEFAULT_GLOBAL_SOUTH
    roles = [
        r
        for r, on in (("ODA provider", prof["provider"]), ("ODA recipient", prof["recipient"]))
        if on
    ]
    rows = [
        ("Economy", f"{prof['economy_name']} ({prof['economy']})"),
        ("Region", _label(prof["region"])),
        ("Income group (World Bank)", _label(prof["income_group"])),
        ("Least developed country (UN)", yes(prof.get("ldc"))),
        ("DAC member", yes(prof.get("dac_member"))),
        ("Provider beyond the DAC", yes(prof.get("beyond_dac"))),
        (
            f"Global South, as {groups.GLOBAL_SOUTH_DEFINITIONS.get(definition, definition)}",
            yes(prof.get("global_south")),
        ),
        (
            "Role in this scorecard",
            " and ".join(roles) if roles else "neither provider nor recipient",
        ),
    ]
    lines = ["| | |", "|---|---|", *(f"| {k} | {v} |" for k, v in rows)]
    return "\n".join(lines)


def _label(value: object) -> str:
    return value if isinstance(value, str) and value.strip() else "not classified"


# --- targets and series --------------------------------------------------------------------


def load_targets(path=None) -> pd.DataFrame:
    """``targets.yaml`` as a frame: series, direction, target, target_year, earliest_base,
    applies_to, basis; one row per catalogue series.

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
    ]
    frame = pd.DataFrame(rows).reindex(columns=columns)
    frame["target"] = pd.to_numeric(frame["target"], errors="coerce").astype("float64")
    frame["target_year"] = frame["target_year"].astype("int64")
    frame["earliest_base"] = pd.array(frame["earliest_base"], dtype="Int64")
    return frame


def candidate_series(price_basis: str) -> list[str]:
    """Every catalogue id, keeping only the ``price_basis`` twin of current/constant pairs."""
    ids = catalogue.load().ids()
    other = "CONSTANT" if price_basis == "current" else "CURRENT"
    keep = []
    for sid in ids:
        stem, _, last = sid.rpartition(".")
        if last == other and f"{stem}.{price_basis.upper()}" in ids:
            continue
        keep.append(sid)
    return keep


def applicable_series(prof: pd.Series, targets: pd.DataFrame, candidates: list[str]) -> list[str]:
    """The candidates whose ``applies_to`` covers this economy's role, in catalogue order."""
    roles = {"all"} | {r for r in ("provider", "recipient") if prof[r]}
    scope = targets.set_index("series")["applies_to"]
    return [s for s in candidates if scope.get(s, "all") in roles]


def missing_series(own: pd.DataFrame, applicable: list[str]) -> list[str]:
    """Applicable series with no value for the economy (in the years loaded)."""
    have = set(own["series"]) if len(own) else set()
    return [s for s in applicable if s not in have]


# --- the indicator table -------------------------------------------------------------------


def trend_method(unit_kind: str) -> str:
    """``"loglinear"`` for money and counts, ``"linear"`` otherwise (module docstring)."""
    return "loglinear" if unit_kind in LOG_TREND_KINDS else "linear"


def latest_values(own: pd.DataFrame) -> pd.DataFrame:
    """Latest year and value per series: series, latest_year, latest_value, first_year, n_years."""
    if own.empty:
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
    trend_n, trend_status, trend_note, projection_year, projection.
    """
    rows = []
    for sid, grp in own.groupby("series", sort=True):
        entry = catalogue.get(sid)
        data = pd.Series(grp["value"].to_numpy(), index=grp["year"].to_numpy(), name=sid)
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

    Adds ``gap_to_income_median_pct``: (value - income median) / |median| in %, only for
    scale-free series (shares, ratios, scores; not money or counts, whose gap mostly measures
    the economy's size) and NaN when the median is 0 or fewer than 3 peers have a value.
    """
    ids = list(latest["series"])
    labels = pd.DataFrame(
        [
            {
                "series": s.id,
                "title": s.title,
                "sdg": s.sdg,
                "sdg_relation": s.sdg_relation,
                "unit": s.unit,
                "unit_kind": s.unit_kind,
            }
            for s in (catalogue.resolve(ids) if ids else [])
        ],
        columns=["series", "title", "sdg", "sdg_relation", "unit", "unit_kind"],
    )
    table = labels.merge(latest, on="series", how="left", validate="one_to_one")
    for part in parts:
        table = table.merge(part, on="series", how="left", validate="one_to_one")
    if "income_median" in table:
        enough = table["income_n"] >= _MIN_PEERS_FOR_GAP
        scale_free = ~table["unit_kind"].isin(LOG_TREND_KINDS)
        median = table["income_median"].where(enough & scale_free & (table["income_median"] != 0))
        table["gap_to_income_median_pct"] = 100 * (table["latest_value"] - median) / median.abs()
    return table


def readable(table: pd.DataFrame) -> pd.DataFrame:
    """A narrow view of the indicator table for reading in the notebook (numbers as text)."""
    view = pd.DataFrame(
        {
            "series": table["series"],
            "SDG": table["sdg"],
            "unit": table["unit"],
            "latest": table["latest_value"].map(_num),
            "year": table["latest_year"],
            "trend": table["trend"].map(lambda v: f"{v:+.2f}" if pd.notna(v) else ""),
            "trend unit": table["trend_unit"],
            "p": table["trend_p"].round(3),
            "income median": table["income_median"].map(_num),
            "rank in income group": _rank_text(table, "income"),
            "region median": table["region_median"].map(_num),
            "rank in region": _rank_text(table, "region"),
        }
    )
    return view


def _rank_text(table: pd.DataFrame, prefix: str) -> pd.Series:
    def text(rank, n):
        return f"{int(rank)} of {int(n)}" if not pd.isna(rank) and n else ""

    return pd.Series(
        [text(r, n) for r, n in zip(table[f"{prefix}_rank"], table[f"{prefix}_n"], strict=True)],
        index=table.index,
    )


# --- progress ------------------------------------------------------------------------------


def assess(own: pd.DataFrame, targets: pd.DataFrame, base_year: int) -> pd.DataFrame:
    """Progress category per series of ``own`` with ``progress.assess_progress``.

    Columns: series, title, sdg, direction, target, target_year, base_from, then the
    ``progress.PROGRESS_COLUMNS``, and basis. ``category`` is "insufficient data" when the
    method says so and "not assessed" for direction ``none``.
    """
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
        if tgt["direction"] == "none":
            result = {
                "category": NOT_ASSESSED,
                "status": NOT_ASSESSED,
                "note": "no desired direction",
            }
        elif int(tgt["target_year"]) <= base + 2:
            note = f"base year {base} is too close to the target year {int(tgt['target_year'])}"
            result = {"category": models.INSUFFICIENT, "status": models.INSUFFICIENT, "note": note}
        else:
            data = pd.Series(grp["value"].to_numpy(), index=grp["year"].to_numpy(), name=sid)
            target = None if pd.isna(tgt["target"]) else float(tgt["target"])
            out = (
                progress.assess_progress(
                    data, target, tgt["direction"], base, int(tgt["target_year"])
                )
                .iloc[0]
                .to_dict()
            )
            if out["status"] == models.INSUFFICIENT:
                out["category"] = models.INSUFFICIENT
            result = out
        rows.append({**head, **result, "basis": tgt["basis"]})
    columns = ["series", "title", "sdg", "direction", "target", "target_year", "base_from"]
    columns += [*progress.PROGRESS_COLUMNS, "basis"]
    frame = pd.DataFrame(rows, columns=columns)
    frame = frame.astype({"base_year": "Int64", "latest_year": "Int64", "target": "float64"})
    order = {s: i for i, s in enumerate(catalogue.load().ids())}
    return frame.sort_values("series", key=lambda s: s.map(order)).reset_index(drop=True)


def category_counts(prog: pd.DataFrame) -> pd.Series:
    """How many series fall in each category (assessed ones first), zeros dropped."""
    counts = prog["category"].value_counts()
    return counts.reindex([c for c in CATEGORY_ORDER if c in counts.index])


# --- narrative -----------------------------------------------------------------------------


def progress_sentence(prog: pd.DataFrame, name: str, base_year: int) -> str:
    """'Of the N Kenya series with a desired direction, a are on track, ...'."""
    if prog.empty:
        return f"There is nothing to assess for {name}: the store holds no series for it."
    judged = prog[prog["category"] != NOT_ASSESSED]
    if judged.empty:
        return (
            f"None of the series the store holds for {name} has a target or a desired "
            "direction, so there is no progress assessment."
        )
    counts = category_counts(judged)
    parts = [
        f"{n} {'with ' if cat == models.INSUFFICIENT else ''}{cat}" for cat, n in counts.items()
    ]
    text = _join_list(parts)
    skipped = int((prog["category"] == NOT_ASSESSED).sum())
    rest = f"; {skipped} more have no desired direction and are not assessed" if skipped else ""
    return (
        f"Of the {len(judged)} series for {name} with a target or desired direction, judged "
        f"on growth since {base_year} (or the series' first year), {text}{rest}."
    )


def gap_sentence(table: pd.DataFrame, targets: pd.DataFrame, name: str) -> str:
    """The series furthest, in relative terms, from its income-group median.

    Series with a desired direction come first (a gap there is ahead or behind); the others
    (not denominators) only when none of those has a gap.
    """
    direction = table["series"].map(targets.set_index("series")["direction"])
    usable = table.assign(direction=direction)
    usable = usable[
        (usable["sdg_relation"] != "denominator") & usable["gap_to_income_median_pct"].notna()
    ]
    if usable.empty:
        return (
            f"No share, ratio or score for {name} has at least {_MIN_PEERS_FOR_GAP} "
            "income-group peers with a value in the same year to compare with."
        )
    directed = usable[usable["direction"] != "none"]
    pool = directed if len(directed) else usable
    top = pool.loc[pool["gap_to_income_median_pct"].abs().idxmax()]
    gap = top["gap_to_income_median_pct"]
    side = "above" if gap > 0 else "below"
    verdict = ""
    if top["direction"] != "none":
        ahead = (gap > 0) == (top["direction"] == "increase")
        where = "ahead of" if ahead else "behind"
        verdict = f"; {where} its peers, as the aim is to {top['direction']} it"
    return (
        f"The largest gap to peers is in {_short(top['title'])} ({top['series']}): "
        f"{_with_unit(top['latest_value'], top['unit'])} in {int(top['latest_year'])}, "
        f"{abs(gap):.0f}% {side} the median of {_with_unit(top['income_median'], top['unit'])} "
        f"across {int(top['income_n'])} {top['income']} economies (rank "
        f"{int(top['income_rank'])} of {int(top['income_n'])}, 1 = highest){verdict}."
    )


def _with_unit(value: float, unit: str) -> str:
    return f"{_num(value)}{unit}" if unit.startswith("%") else f"{_num(value)} {unit}"


def coverage_sentence(table: pd.DataFrame, name: str, start_year: int, end_year: int) -> str:
    """How many series the table has and how recent they are."""
    if table.empty:
        return f"The store holds no catalogue series for {name} in {start_year}-{end_year}."
    newest, oldest = int(table["latest_year"].max()), int(table["latest_year"].min())
    span = f"in {newest}" if newest == oldest else f"between {oldest} and {newest}"
    stale = table.loc[table["latest_year"] == oldest, "series"].tolist()
    tail = "" if newest == oldest else f" (the oldest: {_join_list(stale[:3])})"
    return (
        f"The store holds {len(table)} catalogue series for {name} in {start_year}-{end_year}; "
        f"their latest observations fall {span}{tail}."
    )


def gaps_sentence(missing: list[str], applicable: list[str], name: str) -> str:
    """Which applicable catalogue series are missing for the economy."""
    if not missing:
        return f"Every catalogue series that applies to {name} has data in the store."
    return (
        f"Data gaps: the store holds no data for {name} on {len(missing)} of the "
        f"{len(applicable)} catalogue series that apply to it: {', '.join(missing)}."
    )


def _join_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def _short(title: str) -> str:
    return title.split(" (")[0]


def _num(value: float) -> str:
    if pd.isna(value):
        return "n/a"
    size = abs(value)
    for scale, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if size >= scale:
            return f"{value / scale:,.1f}{word}"
    return f"{value:,.2f}" if size < 10 else f"{value:,.1f}"


# --- figures -------------------------------------------------------------------------------


def pick_panels(table: pd.DataFrame, limit: int = MAX_PANELS) -> list[str]:
    """Series for the small multiples: no denominators; one per SDG indicator first.

    Within an indicator official series come before proxies, then catalogue order; rounds
    go through the indicators until ``limit`` panels are chosen.
    """
    order = {s: i for i, s in enumerate(catalogue.load().ids())}
    work = table[table["sdg_relation"] != "denominator"].copy()
    if work.empty:
        return []
    work["_official"] = (work["sdg_relation"] != "official").astype(int)
    work["_cat"] = work["series"].map(order)
    work = work.sort_values(["_official", "_cat"])
    work["_round"] = work.groupby("sdg").cumcount()
    work = work.sort_values(["_round", "_official", "_cat"])
    return work["series"].head(limit).tolist()


def group_medians(
    panel: pd.DataFrame, reference: pd.DataFrame, group: object, min_share: float = 0.5
) -> pd.DataFrame:
    """Median per series and year over the (non-aggregate) economies of an income group.

    Years in which fewer than ``min_share`` of the most economies reporting in any year
    report are dropped, so that a late year with a handful of early reporters does not
    make the median jump.
    """
    if not isinstance(group, str) or not group:
        return pd.DataFrame(columns=["series", "year", "value", "n"])
    singles = reference.loc[~reference["is_aggregate"].fillna(False).astype(bool)]
    members = singles.loc[singles["income_group"] == group, "economy"]
    rows = panel[panel["economy"].isin(members)]
    out = rows.groupby(["series", "year"])["value"].agg(["median", "size"]).reset_index()
    out = out.rename(columns={"median": "value", "size": "n"})
    most = out.groupby("series")["n"].transform("max")
    return out[out["n"] >= min_share * most].reset_index(drop=True)


def plot_trends(
    own: pd.DataFrame,
    medians: pd.DataFrame,
    table: pd.DataFrame,
    series: list[str],
    name: str,
    group: str,
):
    """Small multiples: one panel per series, the economy solid, the group median dashed."""
    ncols = min(4, max(1, len(series)))
    nrows = math.ceil(len(series) / ncols)
    fig, axes = plots.figure(nrows, ncols, figsize=(4.2 * ncols, 3.1 * nrows + 1.2), squeeze=False)
    labels = table.set_index("series")
    for ax, sid in zip(axes.flat, series, strict=False):
        mine = own[own["series"] == sid].sort_values("year")
        ax.plot(mine["year"], mine["value"], color="C0", lw=2, marker="o", ms=2.5, label=name)
        med = medians[medians["series"] == sid].sort_values("year")
        if len(med):
            ax.plot(
                med["year"], med["value"], color="0.35", lw=1.3, ls="--", label=f"{group} median"
            )
        entry = labels.loc[sid]
        ax.set_title(panel_title(entry.name, entry["sdg"], entry["title"]), fontsize=9)
        ax.set_ylabel("\n".join(textwrap.wrap(entry["unit"], 28)[:2]), fontsize=8)
        ax.set_xlabel("Year", fontsize=8)
        ax.tick_params(labelsize=7)
        ax.yaxis.set_major_formatter(mticker.FuncFormatter(_compact))
        ax.xaxis.set_major_locator(mticker.MaxNLocator(5, integer=True))
    for ax in list(axes.flat)[len(series) :]:
        ax.set_visible(False)
    axes.flat[0].legend(fontsize=7, loc="best", frameon=True)
    return fig


def trends_subtitle(name: str, group: object) -> str:
    """The subtitle of the trend figure, saying what the dashed line is (if any)."""
    if not isinstance(group, str) or not group:
        return f"Solid: {name}. No income group, so no peer median is drawn."
    return f"Solid: {name}. Dashed: median of the {group} economies in the store, each year."


def panel_title(series: str, sdg: str, title: str) -> str:
    """'17.8.1 · IT.NET.USER.ZS' over the title, shortened to two lines of 40 characters."""
    label = _short(title).replace("low- and middle-income economies in", "developing")
    lines = textwrap.wrap(label, 40)
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), 40, placeholder="…")]
    return "\n".join([f"{sdg} · {series}", *lines])


def _years(base: object, latest: object, base_from: int) -> str:
    if pd.isna(base) or pd.isna(latest):
        return f"no base from {base_from}"
    return f"{int(base)}-{int(latest)}"


def _compact(value: float, _pos=None) -> str:
    size = abs(value)
    for scale, word in ((1e12, "tn"), (1e9, "bn"), (1e6, "m")):
        if size >= scale:
            return f"{value / scale:g} {word}"
    return f"{value:g}"


def plot_progress(prog: pd.DataFrame, name: str):
    """Progress-chart style: one row per assessed series, a coloured marker per category.

    x is the growth per year since the base in the desired direction (positive = good); a
    black bar marks the growth needed to meet a numerical target by its year.
    """
    rows = prog[prog["category"] != NOT_ASSESSED].reset_index(drop=True)
    fig, ax = plots.figure(figsize=(10, 1.6 + 0.55 * len(rows)))
    sign = np.where(rows["direction"] == "decrease", -1.0, 1.0)
    actual = 100 * rows["actual_cagr"].to_numpy() * sign
    required = 100 * rows["required_cagr"].to_numpy() * sign
    ys = np.arange(len(rows))[::-1]
    finite = np.concatenate([actual[np.isfinite(actual)], required[np.isfinite(required)], [0.0]])
    span = max(1.0, float(np.max(np.abs(finite)))) * 1.25
    for y, row, x, need in zip(ys, rows.itertuples(index=False), actual, required, strict=True):
        colour = CATEGORY_COLOURS.get(row.category, CATEGORY_COLOURS[models.INSUFFICIENT])
        if np.isfinite(x):
            ax.scatter([x], [y], s=170, marker="s", color=colour, zorder=3, edgecolor="white")
        else:
            ax.scatter([0], [y], s=170, marker="s", facecolor="white", edgecolor=colour, zorder=3)
        if np.isfinite(need) and need > 0:  # a negative "need" means the target was met
            ax.plot([need, need], [y - 0.3, y + 0.3], color="black", lw=2.2, zorder=4)
        met = isinstance(row.note, str) and row.note.startswith("target met")
        ax.annotate(
            f"{row.category}{' (target met)' if met else ''}",
            (span, y),
            xytext=(6, 0),
            textcoords="offset points",
            va="center",
            fontsize=9,
            color=colour,
            fontweight="bold",
            annotation_clip=False,
        )
    ax.axvline(0, color="0.4", lw=0.8)
    ax.set_xlim(-span, span)
    ax.set_ylim(-0.7, len(rows) - 0.3)
    ax.set_yticks(ys)
    ax.set_yticklabels(
        [
            f"{r.sdg} {textwrap.shorten(_short(r.title), 44, placeholder='…')}\n"
            f"{r.series}, {_years(r.base_year, r.latest_year, r.base_from)}"
            for r in rows.itertuples()
        ],
        fontsize=8,
    )
    ax.set_xlabel("Growth per year since the base year, in the desired direction (% per year)")
    ax.grid(axis="y", visible=False)
    key = "■ actual growth (colour = category)   ▌ growth needed to meet the target by its year"
    ax.text(0.0, 1.01, key, transform=ax.transAxes, fontsize=8, color="0.3")
    return fig
