"""What the store holds and what the notebooks still lack: the data inventory's verbs.

Coverage is measured against the economies a series is meant to cover: DAC1 series are
reported by providers (DAC members and providers beyond the DAC), so their share is of the
providers; every other series is measured over the economies the analyst asked for.

Example:
    >>> from helpers.topics.inventory import data as inventory
    >>> table = inventory.series_table(Store())
    >>> cov = inventory.coverage_share(obs, series_ids, 2000, 2024, codes, providers)
"""

from __future__ import annotations

from functools import cache

import pandas as pd

from helpers import catalogue
from helpers.errors import ParameterError
from helpers.store import Store
from helpers.tidy import status
from helpers.topics.partnerships import data as partnerships
from helpers.topics.scorecard import data as scorecard

# What each downstream notebook reads, as (series, scope). Scopes: "economies" (the economies
# asked for), "providers" (DAC members and providers beyond the DAC), "beyond_dac" (providers
# beyond the DAC only), "aggregates" (the OECD recipient totals LDC and DPGC), "groups" (the
# UN economy groups of SDG 17.11.1 and 17.12.1: developing, LDC, LLDC, SIDS).
_DT_ODA = ["DT.ODA.ODAT.CD", "DT.ODA.ODAT.GN.ZS", "DT.ODA.ODAT.PC.ZS"]
_DAC1_ODA = [
    "DAC1.ODA.GNI.GE",
    "DAC1.ODA.NET.CURRENT",
    "DAC1.ODA.NET.CONSTANT",
    "DAC1.ODA.GE.CURRENT",
    "DAC1.GNI.CURRENT",
]
_SOUTH_SOUTH_TRADE = [f"TX.VAL.MRCH.R{i}.ZS" for i in range(1, 7)]
_TECHNOLOGY = ["IT.NET.USER.ZS", "IT.NET.BBND.P2", "IT.CEL.SETS.P2", "TX.VAL.TECH.MF.ZS"]
SCOPES = ("economies", "providers", "beyond_dac", "aggregates", "groups")
RECIPIENT_AGGREGATES = ("LDC", "DPGC")
UN_GROUPS = tuple(partnerships.TRADE_GROUPS)
GAP_COLUMNS = [
    "notebook",
    "series",
    "scope",
    "status",
    "first_year",
    "last_year",
    "economies",
]


def default_scope(series_id: str) -> str:
    """The scope a series' coverage is judged on, from ``targets.yaml``: the providers for
    series reported by donors (``applies_to: provider``: DAC1, the UN's ODA-to-GNI series),
    the economy groups for series published for groups only (``published_for: groups``: the
    UN's 17.11.1 and 17.12.1 series), the economies asked for otherwise."""
    row = _targets().set_index("series").loc[series_id]
    if row["applies_to"] == "provider":
        return "providers"
    if row["published_for"] == scorecard.GROUPS:
        return "groups"
    return "economies"


@cache
def _targets() -> pd.DataFrame:
    return scorecard.load_targets()


def notebook_needs() -> dict[str, list[tuple[str, str]]]:
    """The series each downstream notebook reads, with the scope their coverage is judged on."""
    return {
        "01_oda": [
            *((s, "providers") for s in _DAC1_ODA),
            *(
                (s, "aggregates")
                for s in ("DAC2A.ODA.RECEIVED.CURRENT", "DAC2A.ODA.RECEIVED.CONSTANT")
            ),
            *((s, "economies") for s in _DT_ODA),
        ],
        "02_south_south": [
            ("DAC1.ODA.NET.CURRENT", "beyond_dac"),
            ("DAC1.ODA.GNI.GE", "beyond_dac"),
            *((s, "economies") for s in _SOUTH_SOUTH_TRADE),
            ("BX.TRF.PWKR.DT.GD.ZS", "economies"),
            ("BX.KLT.DINV.WD.GD.ZS", "economies"),
        ],
        "03_technology_access": [(s, "economies") for s in _TECHNOLOGY],
        "04_country_scorecard": [(s, default_scope(s)) for s in catalogue.load().ids()],
        "05_partnerships_capacity": [
            *((s, "economies") for s in partnerships.SERIES),
            *((s, default_scope(s)) for s in partnerships.GROUP_SERIES),
        ],
    }


def check_series(series_ids: list[str] | str) -> list[str]:
    """Catalogue ids to focus on, in catalogue order; an empty list means every series.

    Raises:
        ParameterError: naming the unknown ids.
    """
    if isinstance(series_ids, str):
        series_ids = [series_ids]
    known = catalogue.load().ids()
    unknown = [s for s in series_ids if s not in known]
    if unknown:
        raise ParameterError(
            f"series_focus names unknown series {', '.join(map(str, unknown))}; valid ids are "
            "listed in helpers/catalogue.yaml (or run `sdg17 status --all`)"
        )
    wanted = set(series_ids)
    return [s for s in known if not wanted or s in wanted]


def series_table(store: Store) -> pd.DataFrame:
    """One row per catalogue series: source, kind, vintage, retrieved-at, staleness, coverage.

    ``kind`` is api, import or demo ("missing" when the store lacks the series); ``stale`` is
    "yes" for api snapshots older than the freshness window (7 days unless configured) and
    "n/a" for imports and demo data, which cannot be refreshed by a fetch.
    """
    table = status.status_table(store, show_all=True)  # `sdg17 status --all`'s table
    # An empty store yields only the "missing" columns; give it the full set.
    columns = ["series", "source", "vintage", "retrieved_at", "economies", "aggregates"]
    table = table.reindex(columns=[*columns, "years", "rows", "stale"])
    kind = table["source"].str.extract(r"\((\w+)\)$", expand=False).fillna("missing")
    table = table.assign(
        source=table["source"].str.replace(r"\s*\(\w+\)$", "", regex=True),
        kind=kind,
        title=[catalogue.get(s).title for s in table["series"]],
    )
    for col in ("economies", "aggregates", "rows"):
        table[col] = table[col].fillna(0).astype("int64")
    table["stale"] = table["stale"].fillna("")
    table["retrieved_at"] = table["retrieved_at"].fillna("")
    table["years"] = table["years"].fillna("")
    columns = ["series", "title", "source", "kind", "vintage", "retrieved_at", "stale"]
    return table[[*columns, "economies", "aggregates", "years", "rows"]]


def missing_series(table: pd.DataFrame) -> pd.DataFrame:
    """The catalogue series the store lacks, each with how to obtain it."""
    missing = table.loc[table["kind"] == "missing", ["series", "title", "source"]]
    return missing.assign(
        how_to_obtain=[catalogue.how_to_obtain([s]) for s in missing["series"]]
    ).reset_index(drop=True)


def provider_codes(reference: pd.DataFrame) -> list[str]:
    """DAC members and providers beyond the DAC in the economy reference, sorted."""
    mask = reference["dac_member"].astype(bool) | reference["beyond_dac"].astype(bool)
    return sorted(reference.loc[mask, "economy"].unique().tolist())


def coverage_share(
    frame: pd.DataFrame,
    series_ids: list[str],
    start: int,
    end: int,
    economies: list[str],
    providers: list[str],
) -> pd.DataFrame:
    """Per series and year, how many of the economies it should cover have a value.

    Args:
        frame: tidy rows (economies, not aggregates).
        series_ids: the series to report, each gets every year from start to end.
        start, end: inclusive year range.
        economies: the economies asked for (the universe of non-DAC1 series).
        providers: provider codes (the universe of DAC1 series).

    Returns:
        Columns ``series, year, universe, with_value, share`` (share in percent; NaN when the
        universe is empty).
    """
    rows = []
    for sid in series_ids:
        universe = set(providers if default_scope(sid) == "providers" else economies)
        mine = frame[(frame["series"] == sid) & frame["economy"].isin(universe)]
        counts = mine.groupby("year")["economy"].nunique().to_dict()
        for year in range(start, end + 1):
            n = int(counts.get(year, 0))
            share = 100 * n / len(universe) if universe else float("nan")
            rows.append(
                {
                    "series": sid,
                    "year": year,
                    "universe": len(universe),
                    "with_value": n,
                    "share": share,
                }
            )
    return pd.DataFrame(rows, columns=["series", "year", "universe", "with_value", "share"])


def coverage_matrix(coverage: pd.DataFrame, missing: list[str] | None = None) -> pd.DataFrame:
    """Series by year of coverage shares, rows labelled ``<id> (n)`` or ``<id> (not in store)``."""
    missing = set(missing or [])
    matrix = coverage.pivot(index="series", columns="year", values="share")
    order = list(dict.fromkeys(coverage["series"]))
    matrix = matrix.loc[order]
    # A series the store lacks has no coverage to show, not zero coverage: leave it blank.
    matrix.loc[matrix.index.isin(missing)] = float("nan")
    universe = coverage.groupby("series")["universe"].first()
    matrix.index = [
        f"{s} (not in store)" if s in missing else f"{s} (of {universe[s]})" for s in order
    ]
    matrix.columns.name = None
    return matrix


def _scope_rows(
    obs: pd.DataFrame,
    aggs: pd.DataFrame,
    scope: str,
    economies: list[str],
    reference: pd.DataFrame,
) -> pd.DataFrame:
    if scope == "economies":
        return obs[obs["economy"].isin(economies)]
    if scope == "providers":
        return obs[obs["economy"].isin(provider_codes(reference))]
    if scope == "beyond_dac":
        beyond = reference.loc[reference["beyond_dac"].astype(bool), "economy"]
        return obs[obs["economy"].isin(beyond)]
    if scope == "aggregates":
        return aggs[aggs["economy"].isin(RECIPIENT_AGGREGATES)]
    if scope == "groups":
        return aggs[aggs["economy"].isin(UN_GROUPS)]
    raise ValueError(f"unknown scope {scope!r}; expected one of {SCOPES}")


def notebook_gaps(
    obs: pd.DataFrame,
    aggs: pd.DataFrame,
    reference: pd.DataFrame,
    economies: list[str],
    start: int,
    end: int,
    max_lag: int = 3,
    needs: dict[str, list[tuple[str, str]]] | None = None,
) -> pd.DataFrame:
    """Per notebook and series it needs: ok, missing, no values, or stale.

    A series is "missing" when the store lacks it, "no values" when it holds none for the
    scope within start-end, and "stale" when its last year is before ``end - max_lag``.

    Args:
        obs, aggs: the tidy economies and aggregates tables (any years).
        reference: ``tidy.economies()``.
        economies: the economies asked for (scope "economies").
        start, end: the year range the notebooks are asked about.
        max_lag: how many years before ``end`` the data may stop.
        needs: notebook -> [(series, scope)]; default ``notebook_needs()``.
    """
    needs = notebook_needs() if needs is None else needs
    in_store = set(obs["series"]) | set(aggs["series"])
    obs = obs[(obs["year"] >= start) & (obs["year"] <= end)]
    aggs = aggs[(aggs["year"] >= start) & (aggs["year"] <= end)]
    rows = []
    for notebook, wanted in needs.items():
        for sid, scope in wanted:
            mine = _scope_rows(obs, aggs, scope, economies, reference)
            mine = mine[mine["series"] == sid]
            first = int(mine["year"].min()) if len(mine) else pd.NA
            last = int(mine["year"].max()) if len(mine) else pd.NA
            if sid not in in_store:
                status = "missing"
            elif mine.empty:
                status = "no values"
            elif last < end - max_lag:
                status = "stale"
            else:
                status = "ok"
            rows.append(
                {
                    "notebook": notebook,
                    "series": sid,
                    "scope": scope,
                    "status": status,
                    "first_year": first,
                    "last_year": last,
                    "economies": int(mine["economy"].nunique()),
                }
            )
    out = pd.DataFrame(rows, columns=GAP_COLUMNS)
    return out.astype({"first_year": "Int64", "last_year": "Int64", "economies": "int64"})


def coverage_summary(coverage: pd.DataFrame, half: float = 50.0) -> pd.DataFrame:
    """Per series: the peak share and the last year at least ``half`` % of economies report.

    Returns:
        Columns ``series, universe, peak_share, last_year_half`` (``<NA>`` when never).
    """
    reached = coverage[coverage["share"] >= half].groupby("series")["year"].max()
    out = coverage.groupby("series", sort=False).agg(
        universe=("universe", "first"), peak_share=("share", "max")
    )
    out["last_year_half"] = reached.reindex(out.index).astype("Int64")
    return out.reset_index()
