"""Goal 17 as a whole for one economy: which of its 24 indicators the store covers, and the card
of every series grouped by the five areas.

Used by ``helpers.topics.scorecard.sections`` (notebook 04). The indicator list, its areas and
the catalogue's gaps come from ``helpers.catalogue`` (``indicators()``, ``AREAS``); the series
rows from the indicator table and the progress frame of ``helpers.topics.scorecard.data``.

**Accounting.** Every indicator of ``catalogue.indicators()`` is in exactly one state:

* ``covered``: at least one series that measures it (official or proxy; a denominator serves
  an indicator without measuring it) has a value for the economy in the years loaded;
* ``not covered``: the catalogue has series for it, but none with a value for the economy; the
  reason says which series have no data, which apply only to ODA providers or recipients
  (``applies_to`` in targets.yaml) and which are published for groups of economies only
  (``published_for`` in targets.yaml, ``data.group_series``);
* ``gap``: no catalogue series measures it; the reason is the catalogue's.

So ``covered + not covered + gap`` is always the number of indicators (24).
"""

from __future__ import annotations

import pandas as pd

from helpers import catalogue
from helpers.topics.scorecard import data

COVERED, NOT_COVERED, GAP = "covered", "not covered", "gap"
STATES = (COVERED, NOT_COVERED, GAP)
AREAS = tuple(catalogue.AREAS)
COVERAGE_COLUMNS = ["indicator", "title", "area", "status", "series", "reason"]
_ROLE_WORDS = {"provider": "ODA providers", "recipient": "ODA recipients"}


def coverage(
    held: list[str] | set[str],
    prof: pd.Series,
    targets: pd.DataFrame,
    candidates: list[str],
    cat: catalogue.Catalogue | None = None,
) -> pd.DataFrame:
    """One row per SDG 17 indicator: indicator, title, area, status, series, reason.

    ``held`` are the series with a value for the economy (its tidy rows' ``series``);
    ``series`` lists, comma-separated, the held series that measure a covered indicator, and
    ``reason`` says why an indicator is not covered or a gap ("" when covered). States and
    reasons as in the module docstring.
    """
    groups = set(data.group_series(targets))
    held = set(held) - groups  # never the economy's own
    applicable = set(data.applicable_series(prof, targets, candidates))  # groups left out
    scope = targets.set_index("series")["applies_to"]
    name = prof["economy_name"]
    rows = []
    for ind in catalogue.indicators(cat).itertuples(index=False):
        row = {"indicator": ind.indicator, "title": ind.title, "area": ind.area}
        have = [s for s in ind.series if s in held]
        if ind.gap:
            row.update(status=GAP, series="", reason=f"No catalogue series: {ind.gap}")
        elif have:
            row.update(status=COVERED, series=", ".join(have), reason="")
        else:
            reason = _why_not(ind.series, applicable, groups, candidates, scope, name)
            row.update(status=NOT_COVERED, series="", reason=reason)
        rows.append(row)
    return pd.DataFrame(rows, columns=COVERAGE_COLUMNS)


def _why_not(series, applicable, groups, candidates, scope, name) -> str:
    """'No data for Kenya in the store: A, B; for ODA providers only: C; ...'."""
    parts: dict[str, list[str]] = {}
    for sid in series:
        if sid in applicable:
            key = f"no data for {name} in the store"
        elif sid in groups:
            key = "published for groups of economies only, not for one economy"
        elif sid in candidates:
            key = f"for {_ROLE_WORDS.get(scope.get(sid), scope.get(sid))} only"
        else:  # the other price basis of a current/constant pair, or by creditor
            continue
        parts.setdefault(key, []).append(sid)
    text = "; ".join(f"{key}: {', '.join(ids)}" for key, ids in parts.items())
    return text[:1].upper() + text[1:] + "." if text else "No series for one economy."


def counts(cov: pd.DataFrame) -> dict[str, int]:
    """How many indicators are covered, not covered and gaps, and the total."""
    out = {state: int((cov["status"] == state).sum()) for state in STATES}
    return {**out, "total": len(cov)}


def area_counts(cov: pd.DataFrame) -> pd.DataFrame:
    """Per area (in ``catalogue.AREAS`` order): indicators, covered, not covered, gaps."""
    table = pd.crosstab(cov["area"], cov["status"]).reindex(
        index=[a for a in AREAS if a in set(cov["area"])], columns=list(STATES), fill_value=0
    )
    table.insert(0, "indicators", table.sum(axis=1))
    return table.rename_axis(index="area", columns=None).reset_index()


def card(table: pd.DataFrame, prog: pd.DataFrame | None) -> pd.DataFrame:
    """The indicator table with each series' progress category and note, sorted by area, then
    indicator (17.2.1 before 17.10.1), then catalogue order: the rows of the card.

    ``category`` is the progress frame's; series without a progress row (none, normally)
    get NaN.
    """
    cols = ["series", "direction", "target", "category", "note"]
    part = prog[cols] if prog is not None and len(prog) else pd.DataFrame(columns=cols)
    part = part.rename(columns={"note": "progress_note"})
    out = table.merge(part, on="series", how="left", validate="one_to_one")
    order = {s: i for i, s in enumerate(catalogue.load().ids())}
    key = pd.DataFrame(
        {
            "area": out["area"].map({a: i for i, a in enumerate(AREAS)}),
            "indicator": out["sdg"].map(_indicator_key),
            "catalogue": out["series"].map(order),
        }
    )
    return out.loc[key.sort_values(list(key.columns)).index].reset_index(drop=True)


def _indicator_key(indicator: str) -> tuple[int, ...]:
    return tuple(int(part) for part in str(indicator).split("."))


def by_area(frame: pd.DataFrame) -> dict[str, pd.DataFrame]:
    """``frame`` split by its ``area`` column, in ``catalogue.AREAS`` order, every area
    present (an area with no rows gets an empty frame)."""
    return {a: frame[frame["area"] == a].reset_index(drop=True) for a in AREAS}


area_targets = catalogue.area_targets  # '17.1-17.5' for finance
