"""Development cooperation beyond the DAC, South-South trade and private resources (SDG 17.3,
17.9, 17.11), as DataFrame -> DataFrame verbs for ``notebooks/02_south_south.ipynb`` (its
sentences are in ``southsouth.text``, its figures in ``southsouth.figures``, its sections in
``southsouth.sections``).

Three conventions are fixed here so that the notebook and its tests agree:

- **Provider groups.** ``"Providers beyond the DAC"`` are the ``beyond_dac`` economies of
  ``tidy.economies()``; ``"DAC members"`` are the DAC *countries*: EU Institutions (4EU001)
  are left out because their ODA is partly funded by the member states' own ODA, so adding
  it to the countries' total would count those flows twice.
- **ODA as % of GNI.** From 2018 the OECD headline is the grant-equivalent ratio
  (``DAC1.ODA.GNI.GE``); before 2018 it is computed here as net disbursements over GNI,
  both at current prices. A provider without a grant-equivalent ratio for a year from 2018
  falls back to the computed ratio, and ``measure`` says so.
- **South-South share.** The share of an economy's merchandise exports that goes to
  low- and middle-income economies is the sum of ``TX.VAL.MRCH.R1.ZS`` ... ``R6.ZS`` (the
  six developing regions). It is only computed when all six regions are reported: a
  missing region would bias the sum down without saying so.

Example:
    >>> volumes = southsouth.oda_volumes(dac1, reference, "constant")
    >>> volumes.pipe(southsouth.group_totals)
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers import models
from helpers.models import results
from helpers.reference import groups
from helpers.tidy import wrangle

BEYOND_DAC = "Providers beyond the DAC"
DAC_MEMBERS = "DAC members"
GE_START = 2018  # first year of the grant-equivalent headline measure
ODA_NET_CURRENT = "DAC1.ODA.NET.CURRENT"
ODA_GE_CURRENT = "DAC1.ODA.GE.CURRENT"
ODA_GNI_GE = "DAC1.ODA.GNI.GE"
GNI_CURRENT = "DAC1.GNI.CURRENT"
# The OECD's own total for non-DAC providers (DAC1 DONOR aggregate): it also holds providers
# the DAC1 table does not list one by one (Russia among them), which no sum over the
# providers beyond the DAC can include.
NON_DAC_TOTAL = "WXDAC"
REMITTANCES = "BX.TRF.PWKR.DT.GD.ZS"
FDI = "BX.KLT.DINV.WD.GD.ZS"
DESTINATIONS = {
    "TX.VAL.MRCH.R1.ZS": "East Asia & Pacific",
    "TX.VAL.MRCH.R2.ZS": "Europe & Central Asia",
    "TX.VAL.MRCH.R3.ZS": "Latin America & Caribbean",
    "TX.VAL.MRCH.R4.ZS": "Middle East & North Africa",
    "TX.VAL.MRCH.R5.ZS": "South Asia",
    "TX.VAL.MRCH.R6.ZS": "Sub-Saharan Africa",
}
SOUTH_SOUTH_SERIES = list(DESTINATIONS)
SHORT_NAMES = {REMITTANCES: "Remittances received", FDI: "FDI net inflows"}
ALL_EXPORTERS = "All developing exporters"
DEVELOPING_INCOME = wrangle.INCOME_ORDER[:3]  # low, lower-middle and upper-middle income


def dac1_series(price_basis: str) -> list[str]:
    """The DAC1 series the provider section needs for ``price_basis`` ("current"/"constant")."""
    volume = [wrangle.price_series(s, price_basis) for s in (ODA_NET_CURRENT, ODA_GE_CURRENT)]
    return list(dict.fromkeys([*volume, ODA_NET_CURRENT, ODA_GNI_GE, GNI_CURRENT]))


def developing(frame: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Rows of developing economies only (the ``global_south`` flag of ``tidy.economies()``)."""
    south = reference.loc[reference["global_south"].astype(bool), "economy"]
    return frame[frame["economy"].isin(south)]


# --- providers -----------------------------------------------------------------------------


def provider_groups(reference: pd.DataFrame) -> pd.DataFrame:
    """Economy -> ``provider_group`` (beyond the DAC, or DAC member country); others dropped."""
    institutions = set(groups.load().dac_institutions)
    ref = reference[~reference["is_aggregate"].fillna(False).astype(bool)]
    beyond = ref[ref["beyond_dac"].astype(bool)].assign(provider_group=BEYOND_DAC)
    dac = ref[ref["dac_member"].astype(bool) & ~ref["economy"].isin(institutions)]
    both = pd.concat([beyond, dac.assign(provider_group=DAC_MEMBERS)], ignore_index=True)
    return both[["economy", "provider_group"]].drop_duplicates("economy")


def oda_volumes(frame: pd.DataFrame, reference: pd.DataFrame, price_basis: str) -> pd.DataFrame:
    """ODA volume per provider and year: net disbursements and grant equivalent (from 2018).

    Returns:
        Columns ``economy, economy_name, provider_group, year, net, ge`` in US$ millions at
        ``price_basis`` prices; ``ge`` is NaN before 2018.
    """
    ids = {wrangle.price_series(ODA_NET_CURRENT, price_basis): "net"}
    ids[wrangle.price_series(ODA_GE_CURRENT, price_basis)] = "ge"
    rows = frame[frame["series"].isin(list(ids))]
    out = wrangle.wide(rows).rename(columns=ids)
    for column in ("net", "ge"):
        if column not in out:
            out[column] = np.nan
    out = out.merge(provider_groups(reference), on="economy", how="inner")
    columns = ["economy", "economy_name", "provider_group", "year", "net", "ge"]
    return out[columns].sort_values(["provider_group", "economy", "year"], ignore_index=True)


def group_totals(volumes: pd.DataFrame) -> pd.DataFrame:
    """Sum of net and grant-equivalent ODA per provider group and year, with provider counts.

    The count matters: when providers start or stop reporting, the total moves for that
    reason alone.
    """
    grouped = volumes.groupby(["provider_group", "year"], sort=True)
    out = pd.DataFrame(
        {
            "net": grouped["net"].sum(min_count=1),
            "ge": grouped["ge"].sum(min_count=1),
            "providers": grouped["net"].count(),
        }
    )
    return out.reset_index().astype({"providers": "int64"})


def non_dac_coverage(current: pd.DataFrame | None, reference: pd.DataFrame) -> pd.DataFrame:
    """Per year, the net ODA of the providers beyond the DAC summed here against the OECD's
    own non-DAC total (``WXDAC``), both at current prices.

    Current prices, because the OECD's constant-price total holds only the providers it can
    deflate, which are the listed ones: at constant prices the two agree by construction.

    Args:
        current: tidy rows of ``DAC1.ODA.NET.CURRENT`` for providers and aggregates.

    Returns:
        Columns ``year, providers, beyond_dac, oecd_non_dac, share`` (US$ millions; ``share``
        of the OECD total, 0-1); empty when the store has no ``WXDAC`` rows.
    """
    columns = ["year", "providers", "beyond_dac", "oecd_non_dac", "share"]
    if current is None or current.empty:
        return pd.DataFrame(columns=columns)
    net = current[current["series"] == ODA_NET_CURRENT]
    oecd = net[net["economy"] == NON_DAC_TOTAL]
    totals = group_totals(oda_volumes(net[net["economy"] != NON_DAC_TOTAL], reference, "current"))
    ours = totals[totals["provider_group"] == BEYOND_DAC]
    out = ours.rename(columns={"net": "beyond_dac"}).merge(
        oecd[["year", "value"]].rename(columns={"value": "oecd_non_dac"}), on="year"
    )
    out = out[out["oecd_non_dac"] > 0].assign(share=lambda f: f["beyond_dac"] / f["oecd_non_dac"])
    return out[columns].sort_values("year", ignore_index=True)


def index_totals(totals: pd.DataFrame, column: str = "net") -> pd.DataFrame:
    """Each group's total as an index, 100 in the first year every group reports."""
    data = totals.dropna(subset=[column])
    common = data.groupby("year")["provider_group"].nunique()
    base_years = common[common == data["provider_group"].nunique()].index
    if base_years.empty:
        return data.assign(index=np.nan)[["provider_group", "year", "index"]]
    base = data[data["year"] == base_years.min()].set_index("provider_group")[column]
    index = data[column] / data["provider_group"].map(base) * 100
    return data.assign(index=index)[["provider_group", "year", "index"]].reset_index(drop=True)


def oda_gni_ratio(frame: pd.DataFrame) -> pd.DataFrame:
    """ODA as % of GNI per provider and year, with the measure used.

    Grant-equivalent ratio (``DAC1.ODA.GNI.GE``) from 2018; before 2018, or when a provider
    lacks it, net disbursements / GNI * 100 at current prices.

    Returns:
        Columns ``economy, economy_name, year, value, measure``; rows without either
        measure are dropped.
    """
    needed = [ODA_GNI_GE, ODA_NET_CURRENT, GNI_CURRENT]
    wide = wrangle.wide(frame[frame["series"].isin(needed)])
    for sid in needed:
        if sid not in wide:
            wide[sid] = np.nan
    computed = wide[ODA_NET_CURRENT] / wide[GNI_CURRENT].where(wide[GNI_CURRENT] > 0) * 100
    use_ge = (wide["year"] >= GE_START) & wide[ODA_GNI_GE].notna()
    net_label = np.where(
        wide["year"] >= GE_START,
        "net flows / GNI (no grant-equivalent ratio reported)",
        "net flows / GNI",
    )
    out = wide.assign(
        value=wide[ODA_GNI_GE].where(use_ge, computed),
        measure=np.where(use_ge, "grant equivalent", net_label),
    )
    columns = ["economy", "economy_name", "year", "value", "measure"]
    return out.dropna(subset=["value"])[columns].reset_index(drop=True)


def latest_ratio_table(
    ratio: pd.DataFrame, volumes: pd.DataFrame, group: str = BEYOND_DAC
) -> pd.DataFrame:
    """Each provider's latest ODA/GNI ratio in ``group`` with its volume that year.

    Returns:
        Columns ``economy, economy_name, year, oda_gni_pct, measure, oda_net, oda_ge``
        (volumes in US$ millions), largest ratio first.
    """
    members = volumes.loc[volumes["provider_group"] == group, "economy"].unique()
    latest = wrangle.latest(ratio[ratio["economy"].isin(members)], by=["economy"])
    vols = volumes[["economy", "year", "net", "ge"]]
    out = latest.merge(vols, on=["economy", "year"], how="left")
    out = out.rename(columns={"value": "oda_gni_pct", "net": "oda_net", "ge": "oda_ge"})
    out = out.sort_values(["oda_gni_pct", "economy"], ascending=[False, True], ignore_index=True)
    return out[["economy", "economy_name", "year", "oda_gni_pct", "measure", "oda_net", "oda_ge"]]


def group_median_ratio(ratio: pd.DataFrame, volumes: pd.DataFrame, year: int) -> pd.DataFrame:
    """Median ODA/GNI ratio per provider group in ``year``, with the number of providers."""
    data = ratio[ratio["year"] == year].merge(
        volumes[["economy", "provider_group"]].drop_duplicates(), on="economy"
    )
    out = data.groupby("provider_group")["value"].agg(["median", "count"]).reset_index()
    return out.rename(columns={"count": "providers"}).assign(year=year)


def top_providers(volumes: pd.DataFrame, group: str = BEYOND_DAC, top: int = 5) -> pd.DataFrame:
    """Net ODA of the ``top`` providers in ``group`` (by latest volume) and the rest, wide.

    Returns:
        One row per year, one column per provider name plus ``"Other providers"`` when
        there are more than ``top``; US$ millions.
    """
    data = volumes[(volumes["provider_group"] == group) & volumes["net"].notna()]
    latest = wrangle.latest(data.rename(columns={"net": "value"}), by=["economy"])
    ranked = latest.sort_values("value", ascending=False)["economy_name"].tolist()
    keep = ranked[:top]
    label = data["economy_name"].where(data["economy_name"].isin(keep), "Other providers")
    wide = data.assign(label=label).pivot_table(
        index="year", columns="label", values="net", aggfunc="sum"
    )
    order = [c for c in [*keep, "Other providers"] if c in wide.columns]
    wide = wide[order]
    wide.columns.name = None
    return wide.reset_index()


# --- South-South trade ---------------------------------------------------------------------


def south_south_shares(frame: pd.DataFrame, min_regions: int = 6) -> pd.DataFrame:
    """Share of each economy's merchandise exports going to developing economies, per year.

    The sum of ``TX.VAL.MRCH.R1.ZS`` ... ``R6.ZS``; NaN when fewer than ``min_regions`` of
    the six are reported (the row is kept so that the gap can be counted).

    Returns:
        Columns ``economy, economy_name, year, value, regions`` (% of merchandise exports).
    """
    rows = frame[frame["series"].isin(SOUTH_SOUTH_SERIES)]
    wide = wrangle.wide(rows)
    present = [s for s in SOUTH_SOUTH_SERIES if s in wide]
    regions = wide[present].notna().sum(axis=1)
    value = wide[present].sum(axis=1).where(regions >= min_regions)
    out = wide[["economy", "economy_name", "year"]].assign(value=value, regions=regions)
    return out.astype({"regions": "int64"}).reset_index(drop=True)


def exporter_medians(shares: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Median South-South share per exporter region and year, plus all developing exporters.

    Returns:
        Columns ``exporter_region, year, median, n``; the overall rows have
        ``exporter_region == ALL_EXPORTERS``.
    """
    regions = wrangle.group_medians(shares, reference, by="region")
    overall = wrangle.group_medians(shares, reference.assign(region=ALL_EXPORTERS), by="region")
    out = pd.concat([regions, overall], ignore_index=True)
    return out.rename(columns={"region": "exporter_region"})


def destination_medians(
    frame: pd.DataFrame, exporters: pd.DataFrame, reference: pd.DataFrame, year: int
) -> pd.DataFrame:
    """Median share of exports to each developing region, by exporter region, in ``year``.

    Args:
        frame: the R1..R6 rows.
        exporters: ``south_south_shares`` output; only complete economy-years count.
        reference: ``tidy.economies()`` (for the exporter's region).
        year: the year to tabulate.

    Returns:
        One row per exporter region and a last row ``"All developing exporters"``; one
        column per destination region, then ``All developing regions`` and ``exporters``.
    """
    complete = exporters[(exporters["year"] == year) & exporters["value"].notna()]
    rows = frame[(frame["year"] == year) & frame["economy"].isin(complete["economy"])]
    wide = wrangle.wide(rows, index=["economy", "year"]).rename(columns=DESTINATIONS)
    wide = wide.merge(complete[["economy", "value"]], on="economy").rename(
        columns={"value": "All developing regions"}
    )
    wide = wide.merge(reference[["economy", "region"]], on="economy", how="left")
    columns = [c for c in [*DESTINATIONS.values(), "All developing regions"] if c in wide]
    by_region = wide.groupby("region")[columns].median()
    by_region["exporters"] = wide.groupby("region")["economy"].nunique()
    overall = wide[columns].median().to_frame(ALL_EXPORTERS).T
    overall["exporters"] = wide["economy"].nunique()
    out = pd.concat([by_region, overall]).rename_axis("exporter_region").reset_index()
    return out.assign(year=year).astype({"exporters": "int64"})


# --- remittances and FDI -------------------------------------------------------------------


def income_medians(frame: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """Median across developing economies per developing income group, series and year.

    Returns:
        Columns ``income_group, series, year, median, n`` (``DEVELOPING_INCOME`` groups only).
    """
    medians = wrangle.group_medians(developing(frame, reference), reference)
    return medians[medians["income_group"].isin(DEVELOPING_INCOME)]


def median_trends(medians: pd.DataFrame, by: str, level: float) -> pd.DataFrame:
    """Linear trend (AR(1) errors) of each group's median series: one ``slope`` row per group."""
    if medians.empty:
        return pd.DataFrame(columns=["series", by, *results.RESULT_COLUMNS])
    result = medians.pipe(
        models.by_group, models.linear_trend, ["series", by], value_col="median", level=level
    )
    return result[result["term"] != "intercept"].reset_index(drop=True)
