"""The sections of ``notebooks/02_south_south.ipynb``, each one :class:`Section` (sentences,
tables, figures) or a one-sentence note when its data are missing.

Each function takes the tidy frames the notebook loads and composes the topic's verbs
(``southsouth.data``), sentences (``southsouth.text``) and figures (``southsouth.figures``).

Example:
    >>> page.show(southsouth_sections.trade_section(trade, reference, codes, 2024), out)
"""

from __future__ import annotations

import pandas as pd

from helpers import models
from helpers.models import results
from helpers.tidy import wrangle
from helpers.topics.section import Section, missing_note, require
from helpers.topics.southsouth import data as southsouth
from helpers.topics.southsouth import figures as southsouth_figures
from helpers.topics.southsouth import text as southsouth_text

_NO_PROVIDER = "no provider beyond the DAC reports in these years."


def _totals(
    dac1: pd.DataFrame | None, reference: pd.DataFrame, price_basis: str, what: str
) -> tuple[pd.DataFrame, pd.DataFrame] | Section:
    """Volumes per provider and totals per group, or the skipped section saying why not."""
    net_id = wrangle.price_series(southsouth.ODA_NET_CURRENT, price_basis)
    if skip := require(dac1, [net_id], what):
        return skip
    volumes = southsouth.oda_volumes(dac1, reference, price_basis)
    totals = southsouth.group_totals(volumes)
    if not (totals["provider_group"] == southsouth.BEYOND_DAC).any():
        return Section.skipped(f"**{what} is skipped:** {_NO_PROVIDER}")
    return volumes, totals


def providers_section(
    dac1: pd.DataFrame | None,
    reference: pd.DataFrame,
    price_basis: str,
    current: pd.DataFrame | None = None,
) -> Section:
    """ODA volume per provider group and the ODA/GNI ratio of each provider beyond the DAC.

    Tables ``provider_group_volumes`` (shown by year and group), ``non_dac_coverage`` (the
    sum beyond the DAC against the OECD's non-DAC total at current prices, from ``current``:
    the ``DAC1.ODA.NET.CURRENT`` rows of providers and aggregates) and
    ``beyond_dac_oda_gni_latest``; figure ``beyond_dac_oda_gni``.
    """
    found = _totals(dac1, reference, price_basis, "The section on providers beyond the DAC")
    if isinstance(found, Section):
        return found
    volumes, totals = found
    net_id = wrangle.price_series(southsouth.ODA_NET_CURRENT, price_basis)
    coverage = southsouth.non_dac_coverage(current, reference)
    covered = southsouth_text.coverage_sentence(coverage)
    section = Section(
        text=[
            southsouth_text.volumes_sentence(net_id, price_basis),
            *([covered] if covered else []),
        ],
        # shown by year and group; saved long
        shown={"provider_group_volumes": totals.set_index(["year", "provider_group"]).unstack()},
        saved={"provider_group_volumes": totals, "non_dac_coverage": coverage},
    )
    ratio = southsouth.oda_gni_ratio(dac1)
    table = southsouth.latest_ratio_table(ratio, volumes)
    if table.empty:
        section.text.append("No provider beyond the DAC has an ODA/GNI ratio in these years.")
        return section
    year = int(table["year"].max())
    medians = southsouth.group_median_ratio(ratio, volumes, year).set_index("provider_group")
    dac_median = medians["median"].get(southsouth.DAC_MEMBERS, float("nan"))
    section.text.append(southsouth_text.ratio_sentence(table, medians, year))
    section.finding = section.text[-1]  # the key finding: how generous, not what the table holds
    # shown after the volumes, in the order of the sentences; saved like every table
    section.shown["beyond_dac_oda_gni_latest"] = section.saved["beyond_dac_oda_gni_latest"] = table
    fig = southsouth_figures.ratio_figure(table, dac_median, year, dac1)
    section.figures["beyond_dac_oda_gni"] = fig
    return section


def growth_section(
    dac1: pd.DataFrame | None,
    reference: pd.DataFrame,
    price_basis: str,
    horizon: int,
    level: float,
) -> Section:
    """CAGR of each group's net ODA and a forecast of the beyond-DAC total.

    Table ``provider_group_growth``, saved ``beyond_dac_forecast``; figure
    ``beyond_dac_volumes``.
    """
    found = _totals(dac1, reference, price_basis, "The growth section")
    if isinstance(found, Section):
        return found
    volumes, totals = found
    growth = totals.pipe(
        models.by_group, models.cagr, "provider_group", value_col="net", level=level
    )
    text = [southsouth_text.reporting_sentence(totals)]
    for group in (southsouth.BEYOND_DAC, southsouth.DAC_MEMBERS):
        rows = growth[growth["provider_group"] == group]
        text.append(southsouth_text.growth_sentence(rows, group, level))
    beyond = totals[totals["provider_group"] == southsouth.BEYOND_DAC].set_index("year")["net"]
    forecast = models.forecast(beyond, horizon, level)
    label = f"the net ODA of providers beyond the DAC ({price_basis} prices)"
    text.append(southsouth_text.forecast_sentence(forecast, label, level))
    usable = bool((forecast["status"] == results.OK).all())
    volume_ids = [
        wrangle.price_series(s, price_basis)
        for s in (southsouth.ODA_NET_CURRENT, southsouth.ODA_GE_CURRENT)
    ]
    fig = southsouth_figures.volumes_figure(
        southsouth.top_providers(volumes),
        totals,
        forecast if usable else None,
        price_basis,
        data=dac1,
        series=volume_ids,
    )
    return Section(
        text=[t for t in text if t],
        finding=text[1],  # growth beyond the DAC, not the reporting caveat before it
        tables={"provider_group_growth": growth},
        saved={"beyond_dac_forecast": forecast},
        figures={"beyond_dac_volumes": fig},
    )


def trade_section(
    trade: pd.DataFrame | None, reference: pd.DataFrame, economies: list[str], end_year: int
) -> Section:
    """The share of developing economies' exports going to other developing economies.

    Table ``south_south_destinations``, saved ``south_south_by_region`` and
    ``south_south_economies`` (the ``economies`` asked for); figure ``south_south_trade``.
    """
    what = "The South-South trade section"
    if skip := require(trade, southsouth.SOUTH_SOUTH_SERIES, what):
        return skip
    shares = southsouth.south_south_shares(southsouth.developing(trade, reference))
    incomplete = int(shares["value"].isna().sum())
    shares = shares.dropna(subset=["value"])
    if shares.empty:
        return Section.skipped(
            f"**{what} is skipped:** no developing exporter reports all six regions in these years."
        )
    medians = southsouth.exporter_medians(shares, reference)
    year = int(shares["year"].max())
    destinations = southsouth.destination_medians(trade, shares, reference, year)
    overall = medians[medians["exporter_region"] == southsouth.ALL_EXPORTERS].set_index("year")
    chosen = shares[shares["economy"].isin(economies)]
    absent = [c for c in economies if c not in set(chosen["economy"])]
    text = [
        southsouth_text.trade_coverage_sentence(shares, incomplete, end_year),
        southsouth_text.trade_sentence(overall, year),
        *southsouth_text.economies_sentences(wrangle.latest(chosen, by=["economy"]), absent),
    ]
    fig = southsouth_figures.trade_figure(medians, destinations, trade)
    return Section(
        text=text,
        finding=text[1],  # the median share, not the coverage sentence before it
        tables={"south_south_destinations": destinations},
        saved={"south_south_by_region": medians, "south_south_economies": chosen},
        figures={"south_south_trade": fig},
    )


def _resource_notes(resources: pd.DataFrame | None) -> list[str]:
    notes = [
        missing_note(resources, [southsouth.REMITTANCES], "The remittances part"),
        missing_note(resources, [southsouth.FDI], "The FDI part"),
    ]
    return [n for n in notes if n]


def resources_section(
    resources: pd.DataFrame | None, reference: pd.DataFrame, economies: list[str]
) -> Section:
    """Remittances and FDI received: medians by income group and the latest value per economy.

    One sentence for a resource without data; skipped when both lack data. Table
    ``resources_latest`` (shown without its provenance columns), saved
    ``resources_income_medians``; figure ``remittances_fdi``.
    """
    notes = _resource_notes(resources)
    if len(notes) == 2:
        return Section.skipped("\n\n".join(notes))
    medians = southsouth.income_medians(resources, reference)
    latest = wrangle.latest(resources[resources["economy"].isin(economies)])
    return Section(
        text=notes,
        shown={"resources_latest": latest[["economy", "economy_name", "series", "year", "value"]]},
        saved={"resources_latest": latest, "resources_income_medians": medians},
        figures={"remittances_fdi": southsouth_figures.resources_figure(medians, resources)},
    )


def resource_trends_section(
    resources: pd.DataFrame | None, reference: pd.DataFrame, level: float
) -> Section:
    """Linear trend of each developing income group's median remittances and FDI.

    Table ``resources_trends``; skipped when neither series has data.
    """
    series = [southsouth.REMITTANCES, southsouth.FDI]
    if len(_resource_notes(resources)) == len(series):
        return Section.skipped(
            missing_note(resources, series, "The section on trends in remittances and FDI")
        )
    medians = southsouth.income_medians(resources, reference)
    trends = southsouth.median_trends(medians, "income_group", level)
    return Section(
        text=southsouth_text.trend_sentences(trends, "income_group", level),
        tables={"resources_trends": trends},
    )
