"""The sections on South-South lending: ``02_south_south`` (flows over time; who lends to
whom) and the country scorecard (one borrower by creditor group).

Each returns a :class:`~helpers.topics.section.Section`, or a skipped one naming the IDS series
the store lacks and how to get them. Saved tables: ``lending_by_group``,
``southern_share_by_region``, ``southern_share_by_income``, ``top_bilateral_lenders``,
``main_borrowers``, ``southern_lenders_by_year``; scorecard: ``bilateral_borrowing``.
"""

from __future__ import annotations

import pandas as pd

from helpers.topics.lending import data, figures, text
from helpers.topics.section import Section, require

TOP_SOUTHERN = 3  # Southern lenders whose main borrowers are named
TOP_OVER_TIME = 5  # Southern lenders drawn year by year


def flows_section(rows: pd.DataFrame | None, reference: pd.DataFrame) -> Section:
    """Disbursements, debt service and net transfers by creditor group over time, and the
    Southern creditors' share by debtor region and income group."""
    if skip := require(rows, [data.DISBURSED, data.SERVICE], "The South-South lending section"):
        return skip
    flows = data.group_flows(rows)
    by_region = data.southern_share(rows, reference, "region")
    by_income = data.southern_share(rows, reference, "income_group")
    span = data.window(data.totals(rows)) or (0, 0)
    sentences = [text.flows_sentence(flows), text.share_sentence(by_region, span)]
    return Section(
        text=[s for s in sentences if s],
        finding=sentences[1] or sentences[0],
        shown={
            "southern_share_by_region": text.shares_view(by_region),
            "southern_share_by_income": text.shares_view(by_income),
        },
        saved={
            "lending_by_group": flows,
            "southern_share_by_region": by_region,
            "southern_share_by_income": by_income,
        },
        figures={"lending_by_group": figures.flows_figure(flows, rows)},
    )


def creditors_section(rows: pd.DataFrame | None) -> Section:
    """China and the other large Southern lenders beside the DAC lenders, the largest
    Southern lenders' disbursements and debt service year by year, and the main borrowers of
    the largest Southern ones."""
    if skip := require(rows, [data.DISBURSED], "The section on the largest lenders"):
        return skip
    top = data.top_creditors(rows)
    span = data.window(data.by_creditor(rows)) or (0, 0)
    southern = top.loc[top["creditor_group"] == data.SOUTHERN, "creditor"].head(TOP_SOUTHERN)
    main = data.main_borrowers(rows, southern.tolist())
    sentences = [text.ranking_sentence(top, span), *text.borrowers_sentences(main)]
    leaders = top.loc[top["creditor_group"] == data.SOUTHERN, "creditor"].head(TOP_OVER_TIME)
    lent = data.creditor_years(rows, leaders.tolist(), data.DISBURSED)
    serviced = data.creditor_years(rows, leaders.tolist(), data.SERVICE)
    over_time = figures.southern_lenders_figure(lent, serviced, rows)
    return Section(
        text=[s for s in sentences if s],
        shown={"top_bilateral_lenders": text.creditors_view(top)},
        saved={
            "top_bilateral_lenders": top,
            "main_borrowers": main,
            "southern_lenders_by_year": pd.concat(
                [lent.assign(series=data.DISBURSED), serviced.assign(series=data.SERVICE)],
                ignore_index=True,
            ),
        },
        figures={
            "top_bilateral_lenders": figures.creditors_figure(top, span, rows),
            "southern_lenders_by_year": over_time,
        },
    )


def borrower_section(own: pd.DataFrame | None, name: str, level: float = 0.95) -> Section:
    """One borrower's bilateral disbursements and debt service by creditor group: latest
    year, five-year average, share of all bilateral creditors, trend."""
    table = data.borrower_table(own, level=level)
    return Section(
        text=[text.borrower_sentence(table, name)],
        shown={"bilateral_borrowing": text.borrower_view(table)},
        saved={"bilateral_borrowing": table},
    )
