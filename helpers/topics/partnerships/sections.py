"""The sections of ``notebooks/05_partnerships_capacity.ipynb``, one function each, as the
notebook shows them with one call to ``page.show``.

Each function composes the topic's data, text and figure functions and returns a
:class:`~helpers.topics.section.Section`, or a skipped one saying in one sentence which series
it lacks. The arguments are what the notebook loads once: ``obs`` (the tidy rows of
``data.SERIES`` for the economies asked for), ``aggs`` (the aggregate rows of
``data.GROUP_SERIES``), ``reference`` (``tidy.economies()``) and the economy codes asked for.

Saved names: tables ``domestic_resources_latest``, ``domestic_resources_spread``,
``domestic_resources_group_medians``, ``technical_cooperation``,
``technical_cooperation_by_year``, ``trade_by_group``, ``tariffs_mfn_latest``,
``partnership_scores_spread``, ``partnership_flags``, ``ppp_commitments``,
``statistics_spread``, ``statistics_group_medians``, ``statistics_flags``,
``statistical_capacity_support``, ``aid_volatility``, ``aid_volatility_by_group``,
``indicator_gaps``; figures ``domestic_resources``, ``technical_cooperation``,
``trade_groups``, ``partnerships``, ``statistical_capacity``, ``aid_volatility``.
"""

from __future__ import annotations

import pandas as pd

from helpers import catalogue
from helpers.topics.partnerships import data as partnerships
from helpers.topics.partnerships import figures, text
from helpers.topics.section import Section, missing_note

P = partnerships


def check_section(obs: pd.DataFrame | None, aggs: pd.DataFrame | None) -> Section:
    """One sentence naming the series the store lacks for these years and economies, with
    how to get them (nothing when all are there)."""
    absent = [s for s in P.SERIES if s not in P.present(obs, P.SERIES)]
    absent = [s for s in absent if s not in P.AID_SERIES or not P.present(obs, P.AID_SERIES)]
    absent += [s for s in P.GROUP_SERIES if s not in P.present(aggs, P.GROUP_SERIES)]
    note = missing_note(None, absent, "Part of this page") if absent else None
    return Section(text=[note] if note else [])


def domestic_section(
    obs: pd.DataFrame | None, reference: pd.DataFrame, economies: list[str]
) -> Section:
    """Government revenue (17.1.1) and the share of the budget funded by domestic taxes
    (17.1.2): the spread of latest values, income-group medians, the figure by income group."""
    series = P.present(obs, P.DOMESTIC)
    if not series:
        return Section.skipped(missing_note(obs, P.DOMESTIC, "The domestic-resources section"))
    latest = P.latest_values(obs, series, economies)
    spread = P.spread(latest)
    medians = P.group_latest_medians(obs[obs["economy"].isin(economies)], reference, series)
    sentences = [
        text.spread_sentence(spread, P.REVENUE, "Central government revenue", "%", len(economies)),
        text.group_median_sentence(medians, P.REVENUE, "%"),
        text.spread_sentence(
            spread,
            P.TAX_FUNDED,
            "The share of the budget funded by domestic taxes",
            "%",
            len(economies),
        ),
    ]
    fig = figures.scores_figure(
        latest, reference, series, None, obs, title="Domestic resource mobilisation (SDG 17.1)"
    )
    return Section(
        text=[s for s in sentences if s],
        shown={"domestic_resources_spread": text.spread_view(spread)},
        saved={
            "domestic_resources_latest": latest,
            "domestic_resources_spread": spread,
            "domestic_resources_group_medians": medians,
        },
        figures=_some(domestic_resources=fig),
    )


def capacity_section(
    obs: pd.DataFrame | None, economies: list[str], start: int, end: int, top: int = P.TOP
) -> Section:
    """Technical cooperation received (17.9.1, constant prices): the largest recipients per
    reported year, the yearly total over the recipients reporting."""
    if not P.present(obs, P.TECH_COOP):
        return Section.skipped(missing_note(obs, P.TECH_COOP, "The capacity-building section"))
    table = P.amounts_by_recipient(obs, P.TECH_COOP, economies, start, end)
    by_year = P.yearly_total(obs, P.TECH_COOP, economies)
    sentence = text.amounts_sentence(
        table,
        "received technical cooperation (`DC_FTA_TOTAL`)",
        len(economies),
        "constant US$ of the UN release's base year",
        scale=1e6,
    )
    fig = figures.amounts_figure(
        table,
        obs,
        P.TECH_COOP,
        top=top,
        title="Technical cooperation received (SDG 17.9.1)",
        unit="US$ millions, constant prices",
    )
    return Section(
        text=[s for s in [sentence] if s],
        shown={"technical_cooperation": text.amounts_view(table, top)},
        saved={"technical_cooperation": table, "technical_cooperation_by_year": by_year},
        figures=_some(technical_cooperation=fig),
    )


def trade_section(
    obs: pd.DataFrame | None, aggs: pd.DataFrame | None, economies: list[str]
) -> Section:
    """Trade and tariffs: developing and least developed countries' shares of world exports and
    imports (17.11.1), developed countries' preferential tariffs on their goods (17.12.1), and
    the weighted MFN tariff of the economies asked for (17.10.1)."""
    rows = P.group_rows(aggs, P.GROUP_SERIES)
    has_mfn = bool(P.present(obs, P.MFN_TARIFF))
    if rows.empty and not has_mfn:
        wanted = [*P.GROUP_SERIES, P.MFN_TARIFF]
        return Section.skipped(missing_note(None, wanted, "The trade section"))
    trade = P.group_trade_table(rows)
    mfn = P.latest_values(obs, [P.MFN_TARIFF], economies) if has_mfn else None
    mfn_spread = P.spread(mfn) if mfn is not None and len(mfn) else None
    sentences = [
        text.ldc_export_sentence(trade),
        text.group_trade_lines(trade),
        text.spread_sentence(
            mfn_spread, P.MFN_TARIFF, "The trade-weighted MFN tariff", "%", len(economies)
        ),
    ]
    if rows.empty:
        sentences.append(missing_note(None, P.GROUP_SERIES, "The economy-group part"))
    return Section(
        text=[s for s in sentences if s],
        shown=_some(
            trade_by_group=text.trade_view(trade), tariffs_mfn=text.spread_view(mfn_spread)
        ),
        saved={
            "trade_by_group": trade,
            "tariffs_mfn_latest": mfn if mfn is not None else pd.DataFrame(),
        },
        figures=_some(trade_groups=figures.trade_figure(rows)),
    )


def policy_section(
    obs: pd.DataFrame | None,
    reference: pd.DataFrame,
    economies: list[str],
    start: int,
    end: int,
    top: int = P.TOP,
) -> Section:
    """Policy coherence (17.14.1), country-owned results frameworks (17.15.1),
    multi-stakeholder monitoring (17.16.1) and public-private partnerships (17.17.1)."""
    scores = P.present(obs, [P.POLICY_COHERENCE, P.RESULTS_FRAMEWORKS])
    has_flag = bool(P.present(obs, P.MULTI_STAKEHOLDER))
    has_ppp = bool(P.present(obs, P.PPP))
    if not scores and not has_flag and not has_ppp:
        wanted = [P.POLICY_COHERENCE, P.RESULTS_FRAMEWORKS, P.MULTI_STAKEHOLDER, P.PPP]
        return Section.skipped(missing_note(obs, wanted, "The partnerships section"))
    latest = P.latest_values(obs, scores, economies) if scores else None
    spread = P.spread(latest) if latest is not None and len(latest) else None
    flags = P.flag_summary(obs, [P.MULTI_STAKEHOLDER], economies) if has_flag else None
    ppp = P.amounts_by_recipient(obs, P.PPP, economies, start, end) if has_ppp else None
    n = len(economies)
    sentences = [
        text.spread_sentence(
            spread, P.POLICY_COHERENCE, "The score of mechanisms for policy coherence", "%", n
        ),
        text.spread_sentence(
            spread,
            P.RESULTS_FRAMEWORKS,
            "The extent to which providers use the recipient's own results frameworks",
            "%",
            n,
        ),
        text.flag_sentence(
            flags, P.MULTI_STAKEHOLDER, "report progress in multi-stakeholder monitoring"
        ),
        text.amounts_sentence(
            ppp,
            "have public-private infrastructure commitments (`GF_COM_PPPI`)",
            n,
            "current US$",
            scale=1e6,
        ),
    ]
    fig = figures.scores_figure(
        latest,
        reference,
        scores,
        flags,
        obs,
        title="Policy coherence, country ownership and partnerships (SDG 17.14-17.17)",
    )
    return Section(
        text=[s for s in sentences if s],
        shown=_some(
            partnership_scores_spread=text.spread_view(spread),
            partnership_flags=text.flags_view(flags),
            ppp_commitments=text.amounts_view(ppp, top),
        ),
        saved=_some(partnership_scores_spread=spread, partnership_flags=flags, ppp_commitments=ppp),
        figures=_some(partnerships=fig),
    )


def statistics_section(
    obs: pd.DataFrame | None,
    reference: pd.DataFrame,
    economies: list[str],
    start: int,
    end: int,
) -> Section:
    """Statistical capacity: the Statistical Performance Indicators score (17.18.1), the
    yes/no indicators of 17.18.2, 17.18.3 and 17.19.2, and support received (17.19.1)."""
    flag_ids = P.present(obs, P.STATISTICS_FLAGS)
    has_spi = bool(P.present(obs, P.SPI))
    has_aid = bool(P.present(obs, P.STAT_CAPACITY_AID))
    if not flag_ids and not has_spi and not has_aid:
        wanted = [P.SPI, *P.STATISTICS_FLAGS, P.STAT_CAPACITY_AID]
        return Section.skipped(missing_note(obs, wanted, "The statistical-capacity section"))
    latest = P.latest_values(obs, [P.SPI], economies) if has_spi else None
    spread = P.spread(latest) if latest is not None and len(latest) else None
    scoped = obs[obs["economy"].isin(economies)]
    medians = P.group_latest_medians(scoped, reference, [P.SPI]) if has_spi else None
    flags = P.flag_summary(obs, P.STATISTICS_FLAGS, economies) if flag_ids else None
    support = (
        P.amounts_by_recipient(obs, P.STAT_CAPACITY_AID, economies, start, end) if has_aid else None
    )
    n = len(economies)
    sentences = [
        text.spread_sentence(spread, P.SPI, "The statistical performance score", "", n),
        text.group_median_sentence(medians, P.SPI, ""),
        text.flag_lines(flags),
        text.amounts_sentence(
            support,
            "received support for statistical capacity (`SG_STT_CAPTY`)",
            n,
            "current US$",
        ),
    ]
    fig = figures.scores_figure(
        latest,
        reference,
        [P.SPI] if has_spi else [],
        flags,
        obs,
        title="Statistical capacity (SDG 17.18, 17.19)",
    )
    return Section(
        text=[s for s in sentences if s],
        shown=_some(
            statistics_spread=text.spread_view(spread),
            statistics_flags=text.flags_view(flags),
            statistical_capacity_support=text.amounts_view(support, P.TOP, per_million=1e6),
        ),
        saved=_some(
            statistics_spread=spread,
            statistics_group_medians=medians,
            statistics_flags=flags,
            statistical_capacity_support=support,
        ),
        figures=_some(statistical_capacity=fig),
    )


def volatility_section(
    obs: pd.DataFrame | None, reference: pd.DataFrame, economies: list[str], level: float
) -> Section:
    """The predictability of aid: each recipient's coefficient of variation of detrended
    receipts (``volatility.detrended_cv``), medians by income group with bootstrap intervals,
    the figure and the tables."""
    receipts, series = P.aid_receipts(obs, economies) if obs is not None else (None, "")
    if not series:
        return Section.skipped(
            missing_note(None, list(P.AID_SERIES), "The aid-volatility section (either series)")
        )
    table = P.volatility_table(receipts, reference)
    groups = P.volatility_by_group(table, level)
    sentences = text.volatility_sentences(table, groups, series, level)
    if series == P.RECEIVED_CURRENT:
        sentences.append(
            f"Measured on `{series}` at current prices, as the store holds no "
            f"`{P.RECEIVED_CONSTANT}` for these economies: the log-linear trend takes up steady "
            "inflation, but changes in inflation and exchange rates count as volatility."
        )
    example = P.example_recipient(table)
    fig = figures.volatility_figure(table, groups, receipts, example, level)
    return Section(
        text=sentences,
        shown=_some(
            aid_volatility_by_group=text.volatility_groups_view(groups),
            aid_volatility=text.volatility_view(table),
        ),
        saved={"aid_volatility": table, "aid_volatility_by_group": groups},
        figures=_some(aid_volatility=fig),
    )


def gaps_section(selection: pd.DataFrame | None, store_rows: pd.DataFrame | None) -> Section:
    """The SDG 17 indicators this page cannot report on: no catalogue series, or no data in
    the store for the economies and years asked for."""
    indicators = catalogue.indicators()
    gaps = P.coverage_gaps(selection, store_rows, indicators)
    return Section(
        text=[text.gaps_sentence(gaps, len(indicators))],
        tables={"indicator_gaps": gaps},
    )


def _some(**items):
    """The tables or figures that exist (helpers return None without data)."""
    return {name: item for name, item in items.items() if item is not None}
