"""The country scorecard's sections, one function each, as the notebook shows them.

Each function composes the topic's data, text and figure functions and returns a
:class:`~helpers.topics.section.Section` (sentences, tables, figures), which
``notebooks/04_country_scorecard.ipynb`` shows with one call to ``page.show``. Missing data
is not an error: the scorecard shows what the store holds for the economy and says in one
sentence what it leaves out.

The arguments are the frames the notebook loads once: ``own`` (the economy's tidy rows),
``panel`` (every economy's, for the peers), ``aggregates`` (World Bank group aggregates),
``reference`` (``tidy.economies()``), ``targets`` (``data.load_targets()``), ``prof``
(``profile.profile(...)``), the indicator ``table`` (``data.indicator_table(...)``) and the
progress frame ``prog`` (``data.assess(...)``).

Saved names: tables ``scorecard`` and ``progress``; figures ``scorecard_trends`` and
``progress_chart``. The readable views of the two tables are in ``shown`` (displayed, not
saved) and the raw tables of the same names in ``saved``, so the CSVs stay raw.
"""

from __future__ import annotations

import pandas as pd

from helpers.models import progress
from helpers.topics import plots
from helpers.topics.scorecard import data, figures, profile, text
from helpers.topics.section import Section


def economy_section(prof: pd.Series) -> Section:
    """(a) Who the economy is: region, income group, group flags and role, as a table."""
    return Section(text=[profile.header_markdown(prof)])


def coverage_section(
    own: pd.DataFrame | None, prof: pd.Series, targets: pd.DataFrame, candidates: list[str]
) -> Section:
    """Which catalogue series apply to the economy and which of them have no data."""
    missing, applicable = _gaps(own, prof, targets, candidates)
    return Section(text=[text.gaps_sentence(missing, applicable, prof["economy_name"])])


def indicator_section(
    table: pd.DataFrame, prof: pd.Series, start_year: int, end_year: int
) -> Section:
    """(b) The indicator table: readable view shown, raw table saved as ``scorecard``.

    Without any series for the economy, the coverage sentence says so (and the empty table
    is still saved); series whose trend could not be fitted are named with the reason.
    """
    view = text.readable(table)
    if view is None:
        name = prof["economy_name"]
        return Section(
            text=[text.coverage_sentence(table, name, start_year, end_year)],
            saved={"scorecard": table},
        )
    short = text.short_trends_sentence(table)
    return Section(
        text=[short] if short else [],
        shown={"scorecard": view},
        saved={"scorecard": table},
    )


def trends_section(
    table: pd.DataFrame,
    own: pd.DataFrame | None,
    panel: pd.DataFrame,
    reference: pd.DataFrame,
    prof: pd.Series,
    start_year: int,
    end_year: int,
) -> Section:
    """Trends beside the income-group median: small multiples saved as ``scorecard_trends``.

    At most ``figures.MAX_PANELS`` panels (no denominators); the series left out are named.
    Skipped, in one sentence, when there is no series to draw.
    """
    name, group = prof["economy_name"], prof["income_group"]
    panels = figures.pick_panels(table) if own is not None and len(own) else []
    medians = figures.group_medians(panel, reference, group) if panels else None
    fig = figures.plot_trends(own, medians, table, panels, name, group)
    if fig is None:
        return Section.skipped(f"**The trend figure is skipped:** no series to draw for {name}.")
    plots.finish(
        fig,
        title=f"{name}: SDG 17 indicators, {start_year}-{end_year}",
        subtitle=figures.trends_subtitle(name, group),
        data=panel[panel["series"].isin(panels)],
    )
    left_out = [s for s in table["series"] if s not in panels]
    sentences = []
    if left_out:
        sentences.append(
            f"Not drawn (at most {figures.MAX_PANELS} panels, denominators first): "
            f"{', '.join(left_out)}."
        )
    return Section(text=sentences, figures={"scorecard_trends": fig})


def progress_section(
    prog: pd.DataFrame, own: pd.DataFrame | None, prof: pd.Series, base_year: int
) -> Section:
    """(c) Progress against targets: the sentence, the assessed series and the progress chart.

    The whole progress frame is saved as ``progress``; the chart (``progress_chart``) is
    skipped, in one sentence, when no series is assessed.
    """
    name = prof["economy_name"]
    sentences = [text.progress_sentence(prog, name, base_year)]
    view = text.progress_table(prog)
    fig = figures.plot_progress(prog, name)
    if fig is None:
        sentences.append(f"**The progress chart is skipped:** nothing to assess for {name}.")
        return Section(text=sentences, saved={"progress": prog})
    assessed = prog.loc[prog["category"] != data.NOT_ASSESSED, "series"]
    plots.finish(
        fig,
        title=f"{name}: progress towards SDG 17 targets since {base_year}",
        subtitle=(
            f"{text.method_label(data.method_of(prog))}; targets: helpers/reference/targets.yaml"
        ),
        data=own[own["series"].isin(assessed)],
    )
    return Section(
        text=sentences,
        shown={"progress": view},
        saved={"progress": prog},
        figures={"progress_chart": fig},
    )


def brief_section(
    table: pd.DataFrame,
    prog: pd.DataFrame,
    own: pd.DataFrame | None,
    targets: pd.DataFrame,
    prof: pd.Series,
    candidates: list[str],
    *,
    start_year: int,
    end_year: int,
    base_year: int,
) -> Section:
    """In brief: coverage, progress, the largest gap to peers and the data gaps, one sentence
    each: the scorecard's key findings."""
    name = prof["economy_name"]
    sentences = [text.coverage_sentence(table, name, start_year, end_year)]
    sentences.append(text.progress_sentence(prog, name, base_year, with_method=False))
    if not table.empty:
        sentences.append(text.gap_sentence(table, targets, name))
    missing, applicable = _gaps(own, prof, targets, candidates)
    sentences.append(text.gaps_sentence(missing, applicable, name))
    return Section(text=sentences)


def economy_facts(prof: pd.Series, prog: pd.DataFrame) -> dict:
    """The economy's line in the report site's country index: code, name, region, income
    group and how many series fall in each progress category."""
    has = prog is not None and len(prog)
    counts = data.category_counts(prog) if has else pd.Series(dtype=int)
    method = progress.method_spec(data.method_of(prog) if has else progress.DEFAULT_METHOD)
    return {
        "code": prof["economy"],
        "name": prof["economy_name"],
        "region": prof["region"],
        "income_group": prof["income_group"],
        "progress": {
            "method": method["name"],
            "counts": {str(k): int(v) for k, v in counts.items()},
        },
    }


def _gaps(own, prof, targets, candidates) -> tuple[list[str], list[str]]:
    applicable = data.applicable_series(prof, targets, candidates)
    rows = own if own is not None else pd.DataFrame(columns=["series"])
    return data.missing_series(rows, applicable), applicable
