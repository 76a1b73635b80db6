"""The sections of ``notebooks/03_technology_access.ipynb``, one function each, as the notebook
shows them with one call to ``page.show``.

Each function composes the topic's data, text and figure functions and returns a
:class:`~helpers.topics.section.Section` (sentences, tables, figures), or a skipped one saying
in one sentence which series it lacks. The arguments are what the notebook loads once:
``tech`` (the tidy rows of ``data.SERIES``), ``reference`` (``tidy.economies()``) and the
economy codes asked for.

Saved names: tables ``latest_values``, ``income_group_latest_medians``,
``income_group_medians``, ``adoption_reach``, ``internet_income_gap``,
``internet_dispersion``, ``internet_convergence``; figures ``technology_trajectories``,
``adoption_curves``, ``digital_divide``. Readable views are in ``shown`` (displayed, not saved)
and the raw tables of the same names in ``saved``, so the CSVs stay raw.
"""

from __future__ import annotations

import pandas as pd

from helpers.models import convergence
from helpers.topics.section import Section, missing_note, require
from helpers.topics.technology import data as technology
from helpers.topics.technology import figures, text


def check_section(tech: pd.DataFrame | None) -> Section:
    """One sentence per technology series the store lacks for these years, with how to get it
    (nothing when all four are there)."""
    notes = [
        missing_note(tech, [sid], f"The {label.split(' (')[0].lower()} part")
        for sid, label in technology.SERIES.items()
    ]
    return Section(text=[note for note in notes if note])


def latest_section(
    tech: pd.DataFrame | None, reference: pd.DataFrame, economies: list[str]
) -> Section:
    """Latest values of the economies asked for, income-group medians of the most recent
    values, the internet sentence and the trajectories figure; the medians over the
    well-covered years are saved too (``income_group_medians``)."""
    if not _present(tech):
        what = "The latest-values section"
        return Section.skipped(missing_note(tech, list(technology.SERIES), what))
    latest = technology.latest_values(tech, economies)
    recent = technology.recent_group_medians(tech, reference)
    medians = technology.medians_over_time(tech, reference)
    sentence = text.internet_sentence(latest, recent, reference)
    return Section(
        text=[sentence] if sentence else [],
        shown=_shown(
            latest_values=text.latest_wide(latest),
            income_group_latest_medians=text.recent_wide(recent),
        ),
        saved={
            "latest_values": latest,
            "income_group_latest_medians": recent,
            "income_group_medians": medians,
        },
        figures=_shown(technology_trajectories=figures.trajectories_figure(tech, economies)),
    )


def adoption_section(
    tech: pd.DataFrame | None,
    reference: pd.DataFrame,
    economies: list[str],
    *,
    mobile_saturation: float,
    level: float,
    end_year: int,
    horizon: int,
) -> Section:
    """S-shaped adoption curves of internet use (saturation 100) and mobile subscriptions
    (``mobile_saturation``), for each economy and income group: projected years of reaching
    50 and 75, the sentences, the table and the curves figure."""
    saturations = {technology.INTERNET: 100.0, technology.MOBILE: float(mobile_saturation)}
    saturations = {s: v for s, v in saturations.items() if s in _present(tech)}
    if not saturations:
        wanted = [technology.INTERNET, technology.MOBILE]
        return Section.skipped(missing_note(tech, wanted, "The adoption-curve section"))
    medians = technology.medians_over_time(tech, reference)
    adoption = technology.adoption_table(tech, medians, economies, saturations, level)
    fig = figures.adoption_figure(tech, adoption, saturations, level, end_year, horizon)
    return Section(
        text=text.adoption_sentences(adoption, level),
        shown=_shown(adoption_reach=text.adoption_view(adoption)),
        saved={"adoption_reach": adoption},
        figures=_shown(adoption_curves=fig),
    )


def divide_section(tech: pd.DataFrame | None, reference: pd.DataFrame, level: float) -> Section:
    """The digital divide in internet use: the high-low income gap, dispersion,
    sigma-convergence (coefficient of variation, balanced panel) and beta-convergence (in
    levels), over the well-covered years; sentences, the convergence table and the divide
    figure."""
    if skip := require(tech, technology.INTERNET, "The digital-divide section"):
        return skip
    internet = technology.trim_thin_years(tech)
    internet = internet[internet["series"] == technology.INTERNET]
    medians = technology.medians_over_time(tech, reference)
    medians = medians[medians["series"] == technology.INTERNET]
    gap = technology.income_gap(medians)
    spread = convergence.dispersion(internet)
    # The coefficient of variation: scale-free like logs, but defined at the 0% some
    # economies reported early on; on a balanced panel (the default).
    sigma = convergence.sigma_convergence(internet, measure="cv", level=level)
    first, last = int(internet["year"].min()), int(internet["year"].max())
    beta = convergence.beta_convergence(internet, first, last, log=False, level=level)
    table = pd.concat([sigma, beta], ignore_index=True)
    sentence = text.gap_sentence(gap)
    return Section(
        text=([sentence] if sentence else []) + text.convergence_sentences(table, level),
        tables={"internet_convergence": table},
        saved={"internet_income_gap": gap, "internet_dispersion": spread},
        figures=_shown(digital_divide=figures.divide_figure(internet, medians, gap, spread)),
    )


def _present(tech: pd.DataFrame | None) -> list[str]:
    return [] if tech is None or tech.empty else sorted(set(tech["series"]))


def _shown(**items):
    """The tables or figures that exist (helpers return None without data)."""
    return {name: item for name, item in items.items() if item is not None}
