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
progress frame ``prog`` (``data.assess(...)``) and the indicator coverage ``cov``
(``goal17.coverage(...)``: all 24 SDG 17 indicators, covered or not, and why).

Saved names: tables ``indicator_coverage``, ``scorecard`` and ``progress``; figures
``scorecard_trends`` and ``progress_chart``. The readable views of the tables are in ``shown``
(displayed, not saved) and the raw tables in ``saved``, so the CSVs stay raw. The card is shown
area by area (``area_sections``: one section per Goal 17 area), so a long list of series reads
in five short tables, each with the indicators of its area that are not covered.
"""

from __future__ import annotations

import pandas as pd

from helpers.models import progress
from helpers.topics import plots
from helpers.topics.scorecard import data, figures, goal17, profile, text
from helpers.topics.section import Section


def economy_section(prof: pd.Series) -> Section:
    """(a) Who the economy is: region, income group, group flags and role, as a table."""
    return Section(text=[profile.header_markdown(prof)])


def coverage_section(
    own: pd.DataFrame | None, prof: pd.Series, targets: pd.DataFrame, candidates: list[str]
) -> Section:
    """How many of the 24 SDG 17 indicators the store covers for the economy, per area, and
    which applicable catalogue series have no data. The 24 rows, with the reason for each
    indicator not covered, are saved as ``indicator_coverage``."""
    cov = coverage(own, prof, targets, candidates)
    missing, applicable = _gaps(own, prof, targets, candidates)
    name = prof["economy_name"]
    return Section(
        text=[text.indicators_sentence(cov, name), text.gaps_sentence(missing, applicable, name)],
        shown={"indicator_coverage": text.area_counts_view(goal17.area_counts(cov))},
        saved={"indicator_coverage": cov},
    )


def coverage(
    own: pd.DataFrame | None, prof: pd.Series, targets: pd.DataFrame, candidates: list[str]
) -> pd.DataFrame:
    """``goal17.coverage`` for the economy's tidy rows (None or empty: nothing held)."""
    held = set(own["series"]) if own is not None and len(own) else set()
    return goal17.coverage(held, prof, targets, candidates)


def indicator_section(
    table: pd.DataFrame, prof: pd.Series, start_year: int, end_year: int
) -> Section:
    """(c) The card's opening: the raw indicator table saved as ``scorecard``, with the series
    whose trend could not be fitted named with the reason and the trends the model warns
    about (short series). The rows themselves are shown area by area (``area_sections``).

    Without any series for the economy, the coverage sentence says so (and the empty table
    is still saved).
    """
    if table is None or table.empty:
        name = prof["economy_name"]
        return Section(
            text=[text.coverage_sentence(table, name, start_year, end_year)],
            saved={"scorecard": table},
        )
    sentences = [text.short_trends_sentence(table), text.trend_caveat_sentence(table)]
    return Section(text=[s for s in sentences if s], saved={"scorecard": table})


def area_sections(
    table: pd.DataFrame, prog: pd.DataFrame | None, cov: pd.DataFrame, prof: pd.Series
) -> list[Section]:
    """The card, one section per Goal 17 area (``catalogue.AREAS`` order): its heading, how
    many of its indicators are covered and why the others are not, and its series (latest
    value and year, trend, progress category, income-group peers). Nothing is saved here:
    the raw rows are ``scorecard.csv`` and ``progress.csv``."""
    name = prof["economy_name"]
    rows = goal17.by_area(goal17.card(table, prog)) if len(table) else {}
    out = []
    for area, area_cov in goal17.by_area(cov).items():
        view = text.card_view(rows.get(area))
        out.append(
            Section(
                text=[text.area_heading(area), text.area_sentence(area_cov, name)],
                shown={f"card_{area.replace(' ', '_')}": view} if view is not None else {},
            )
        )
    return out


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
            f"Not drawn (at most {figures.MAX_PANELS} panels, one per indicator first; no "
            f"denominators or yes/no series): "
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
    """In brief: indicators covered (of 24) and series held, progress, the largest gap to
    peers and the data gaps, one finding each: the scorecard's key findings."""
    name = prof["economy_name"]
    cov = coverage(own, prof, targets, candidates)
    held = text.coverage_sentence(table, name, start_year, end_year)
    sentences = [f"{text.indicators_sentence(cov, name)} {held}"]
    sentences.append(text.progress_sentence(prog, name, base_year, with_method=False))
    if not table.empty:
        sentences.append(text.gap_sentence(table, targets, name))
    missing, applicable = _gaps(own, prof, targets, candidates)
    sentences.append(text.gaps_sentence(missing, applicable, name))
    return Section(text=sentences)


def economy_facts(prof: pd.Series, prog: pd.DataFrame, cov: pd.DataFrame | None = None) -> dict:
    """The economy's line in the report site's country index: code, name, region, income
    group, how many series fall in each progress category and, given the coverage, how many
    of the SDG 17 indicators are covered (``indicators``: covered, not covered, gap, total)."""
    has = prog is not None and len(prog)
    counts = data.category_counts(prog) if has else pd.Series(dtype=int)
    method = progress.method_spec(data.method_of(prog) if has else progress.DEFAULT_METHOD)
    facts = {
        "code": prof["economy"],
        "name": prof["economy_name"],
        "region": prof["region"],
        "income_group": prof["income_group"],
        "progress": {
            "method": method["name"],
            "counts": {str(k): int(v) for k, v in counts.items()},
        },
    }
    if cov is not None:
        facts["indicators"] = goal17.counts(cov)
    return facts


def _gaps(own, prof, targets, candidates) -> tuple[list[str], list[str]]:
    applicable = data.applicable_series(prof, targets, candidates)
    rows = own if own is not None else pd.DataFrame(columns=["series"])
    return data.missing_series(rows, applicable), applicable
