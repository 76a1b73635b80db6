"""The data inventory's sections, one call each from notebook 00."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers.topics import plots
from helpers.topics.inventory import data, figures, text
from helpers.topics.section import Section


def vintages(table: pd.DataFrame, root: Path | str) -> Section:
    """Every catalogue series with its source, kind, vintage and staleness (saved as inventory)."""
    return Section(text=[text.vintage_sentence(table, root)], tables={"inventory": table})


def missing(table: pd.DataFrame) -> Section:
    """The catalogue series the store lacks, each with how to obtain it."""
    absent = data.missing_series(table)
    return Section(text=[text.missing_sentence(absent)], tables={"missing_series": absent})


def coverage(
    rows: pd.DataFrame,
    series_ids: list[str],
    start_year: int,
    end_year: int,
    codes: list[str],
    providers: list[str],
    *,
    absent: list[str],
    recent: int,
    asked: list[str],
) -> Section:
    """Coverage share by series and year: sentence, per-series summary and heatmap.

    Args:
        rows: tidy rows of ``series_ids`` within the years.
        absent: catalogue series the store lacks (blank rows in the heatmap).
        recent: the year from which coverage counts as current (``end_year - max_lag_years``).
        asked: the ``economies`` parameter as given, for the subtitle.
    """
    share = data.coverage_share(rows, series_ids, start_year, end_year, codes, providers)
    summary = data.coverage_summary(share)
    matrix = data.coverage_matrix(share, absent)
    fig, ax = plots.figure(figsize=(12, max(5, 2.2 + 0.3 * len(matrix))))
    figures.draw_coverage(ax, matrix)
    plots.finish(
        fig,
        title="Coverage: share of economies with a value, by series and year",
        subtitle=f"{len(codes)} economies asked for ({', '.join(asked)}); "
        f"DAC1 series: {len(providers)} providers",
        source=figures.source_summary(rows),
        demo=plots.is_demo(rows),
    )
    sentence = text.coverage_sentence(summary, len(codes), len(providers), len(series_ids), recent)
    return Section(
        text=[sentence],
        tables={"coverage_summary": summary},
        saved={"coverage": share},
        figures={"coverage_heatmap": fig},
    )


def gaps(
    obs: pd.DataFrame,
    aggs: pd.DataFrame,
    reference: pd.DataFrame,
    codes: list[str],
    start_year: int,
    end_year: int,
    max_lag: int,
) -> Section:
    """What each downstream notebook lacks; the open gaps shown, all of them saved (gaps)."""
    found = data.notebook_gaps(obs, aggs, reference, codes, start_year, end_year, max_lag=max_lag)
    return Section(
        text=["\n".join(text.gap_sentences(found, end_year, max_lag))],
        tables={"open_gaps": found[found["status"] != "ok"]},
        saved={"gaps": found},
    )
