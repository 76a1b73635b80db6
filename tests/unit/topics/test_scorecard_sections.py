"""The country scorecard's sections (helpers.topics.scorecard.sections) on the demo store.

Each section is checked twice: with the demo data for Kenya (text, tables, figures) and with
the rows it needs taken away (its one-sentence note). The notebook runs are in
tests/notebooks/test_notebook_04.py.
"""

from __future__ import annotations

from types import SimpleNamespace

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers import tidy
from helpers.notebook import page
from helpers.store import Store
from helpers.topics.scorecard import data as scorecard
from helpers.topics.scorecard import figures, sections, text
from helpers.topics.scorecard import profile as scorecard_profile
from helpers.topics.section import Section

START, END, BASE = 2000, 2024, 2015


@pytest.fixture(scope="module")
def kenya(demo_root):
    """Everything the notebook loads for Kenya from the demo store, and the empty case."""
    store = Store(demo_root)
    candidates = scorecard.candidate_series("constant")
    panel = tidy.load(candidates, start=START, end=END, missing="ignore", store=store)
    aggregates = tidy.load(
        candidates, start=START, end=END, aggregates=True, missing="ignore", store=store
    )
    reference = tidy.economies(store=store)
    prof = scorecard_profile.profile("KEN", reference)
    own = panel[panel["economy"] == "KEN"]
    targets = scorecard.load_targets()
    table = scorecard.indicator_table(own, panel, aggregates, reference, prof)
    none = own.iloc[0:0]
    return SimpleNamespace(
        candidates=candidates,
        panel=panel,
        reference=reference,
        prof=prof,
        own=own,
        none=none,
        targets=targets,
        table=table,
        empty_table=scorecard.indicator_table(none, panel, aggregates, reference, prof),
        prog=scorecard.assess(own, targets, BASE),
    )


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _text(section: Section) -> str:
    return " ".join(section.text)


def test_economy_section_shows_the_profile_table(kenya):
    section = sections.economy_section(kenya.prof)
    assert section.ok
    assert "| Economy | Kenya (KEN) |" in _text(section)
    assert "| Role in this scorecard | ODA recipient |" in _text(section)


def test_economy_section_says_when_a_group_is_missing(kenya):
    prof = kenya.prof.copy()
    prof["income_group"] = None
    assert "| Income group (World Bank) | not classified |" in _text(sections.economy_section(prof))


def test_coverage_section_with_every_series_held(kenya):
    section = sections.coverage_section(kenya.own, kenya.prof, kenya.targets, kenya.candidates)
    assert section.ok
    assert _text(section) == "Every catalogue series that applies to Kenya has data in the store."


def test_coverage_section_lists_the_missing_series(kenya):
    section = sections.coverage_section(kenya.none, kenya.prof, kenya.targets, kenya.candidates)
    applicable = scorecard.applicable_series(kenya.prof, kenya.targets, kenya.candidates)
    assert _text(section).startswith(
        f"Data gaps: the store holds no data for Kenya on {len(applicable)} of the "
        f"{len(applicable)} catalogue series"
    )
    assert "IT.NET.USER.ZS" in _text(section)


def test_indicator_section_shows_the_readable_table_and_saves_the_raw_one(kenya, tmp_path):
    section = sections.indicator_section(kenya.table, kenya.prof, START, END)
    assert section.ok and not section.figures
    shown, saved = section.shown["scorecard"], section.saved["scorecard"]
    assert "rank in income group" in shown and "latest_value" not in shown
    assert set(saved["series"]) == set(kenya.own["series"])
    page.show(section, tmp_path)  # the CSV is the raw table, not the view shown
    written = pd.read_csv(tmp_path / "scorecard.csv")
    assert {"latest_value", "income_median", "trend"} <= set(written.columns)


def test_indicator_section_without_data_says_so_and_saves_the_empty_table(kenya):
    section = sections.indicator_section(kenya.empty_table, kenya.prof, START, END)
    assert section.ok and not section.tables
    assert section.saved["scorecard"].empty
    assert _text(section) == "The store holds no catalogue series for Kenya in 2000-2024."


def test_indicator_section_names_the_series_without_a_trend(kenya):
    table = kenya.table.copy()
    table.loc[0, ["trend_status", "trend_note"]] = ["insufficient data", "3 years"]
    section = sections.indicator_section(table, kenya.prof, START, END)
    assert _text(section) == f"No trend for 1 series ({table.loc[0, 'series']}): 3 years."


def test_trends_section_draws_the_small_multiples(kenya):
    args = (kenya.panel, kenya.reference, kenya.prof, START, END)
    section = sections.trends_section(kenya.table, kenya.own, *args)
    assert section.ok
    fig = section.figures["scorecard_trends"]
    assert fig._suptitle.get_text() == "Kenya: SDG 17 indicators, 2000-2024"
    assert any("synthetic demo" in t.get_text() for t in fig.texts)  # source line from data
    drawn = [ax for ax in fig.axes if ax.get_visible()]
    assert 0 < len(drawn) <= 12


def test_trends_section_is_skipped_without_data(kenya):
    args = (kenya.panel, kenya.reference, kenya.prof, START, END)
    section = sections.trends_section(kenya.empty_table, kenya.none, *args)
    assert not section.ok
    assert section.note == "**The trend figure is skipped:** no series to draw for Kenya."


def test_progress_section_has_sentence_table_and_chart(kenya, tmp_path):
    section = sections.progress_section(kenya.prog, kenya.own, kenya.prof, BASE)
    assert section.ok
    assert _text(section).startswith("Of the ")
    shown = section.shown["progress"]
    assert scorecard.NOT_ASSESSED not in set(shown["category"])
    assert "SP.POP.TOTL" in set(section.saved["progress"]["series"])
    assert "progress_chart" in section.figures
    page.show(section, tmp_path)
    assert len(pd.read_csv(tmp_path / "progress.csv")) == len(kenya.prog)
    assert (tmp_path / "progress_chart.png").stat().st_size > 0


def test_progress_section_skips_the_chart_when_nothing_is_assessed(kenya):
    prog = kenya.prog[kenya.prog["category"] == scorecard.NOT_ASSESSED]
    section = sections.progress_section(prog, kenya.own, kenya.prof, BASE)
    assert not section.figures and not section.tables
    assert section.text[-1] == "**The progress chart is skipped:** nothing to assess for Kenya."
    empty = sections.progress_section(kenya.prog.iloc[0:0], kenya.none, kenya.prof, BASE)
    assert empty.text[0].startswith("There is nothing to assess for Kenya")
    assert empty.saved["progress"].empty


def test_brief_section_is_the_key_findings_one_sentence_each(kenya):
    args = (kenya.own, kenya.targets, kenya.prof, kenya.candidates)
    years = {"start_year": START, "end_year": END, "base_year": BASE}
    section = sections.brief_section(kenya.table, kenya.prog, *args, **years)
    coverage, progress, gap, gaps = section.text
    assert coverage.startswith("The store holds ")
    assert "judged by the Open SDG / Statistics Canada progress measure" in progress
    assert "Categories follow" not in progress  # the rules and citation stay in section (e)
    assert gap.startswith("The largest gap to peers is in")
    assert gaps == "Every catalogue series that applies to Kenya has data in the store."


def test_brief_section_without_data(kenya):
    args = (kenya.none, kenya.targets, kenya.prof, kenya.candidates)
    years = {"start_year": START, "end_year": END, "base_year": BASE}
    section = sections.brief_section(kenya.empty_table, kenya.prog.iloc[0:0], *args, **years)
    text = " ".join(section.text)
    assert text.startswith("The store holds no catalogue series for Kenya in 2000-2024.")
    assert "There is nothing to assess for Kenya" in text
    assert "The largest gap" not in text and "Data gaps:" in text


def test_economy_facts_for_the_country_index(kenya):
    facts = sections.economy_facts(kenya.prof, kenya.prog)
    assert {k: facts[k] for k in ("code", "name")} == {"code": "KEN", "name": "Kenya"}
    assert facts["region"] == kenya.prof["region"]
    assert facts["income_group"] == kenya.prof["income_group"]
    counts = facts["progress"]["counts"]
    assert sum(counts.values()) == len(kenya.prog)
    assert all(isinstance(n, int) and n > 0 for n in counts.values())
    assert facts["progress"]["method"] == "Open SDG / Statistics Canada progress measure"


def test_draw_and_table_helpers_accept_nothing(kenya):
    assert figures.plot_trends(kenya.none, None, kenya.empty_table, [], "Kenya", "LMC") is None
    assert figures.plot_progress(None, "Kenya") is None
    assert text.readable(None) is None and text.readable(kenya.empty_table) is None
    assert text.progress_table(None) is None
    assert text.short_trends_sentence(kenya.empty_table) is None
