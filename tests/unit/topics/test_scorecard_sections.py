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

from helpers import catalogue, tidy
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
    targets = scorecard.load_targets()
    candidates = scorecard.candidate_series("constant", targets)
    panel = tidy.load(candidates, start=START, end=END, missing="ignore", store=store)
    aggregates = tidy.load(
        candidates, start=START, end=END, aggregates=True, missing="ignore", store=store
    )
    reference = tidy.economies(store=store)
    prof = scorecard_profile.profile("KEN", reference)
    own = panel[panel["economy"] == "KEN"]
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
        cov=sections.coverage(own, prof, targets, candidates),
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
    covered = int((kenya.cov["status"] == "covered").sum())
    assert section.text[0].startswith(f"{covered} of 24 SDG 17 indicators covered for Kenya")
    assert section.text[1] == "Every catalogue series that applies to Kenya has data in the store."
    counts = section.shown["indicator_coverage"]
    assert counts["area"].tolist() == ["Finance", "Technology", "Capacity building", "Trade",
                                       "Systemic issues"]  # fmt: skip
    assert counts["indicators"].sum() == 24 and counts["covered"].sum() == covered
    saved = section.saved["indicator_coverage"]
    assert len(saved) == 24 and set(saved["status"]) <= {"covered", "not covered", "gap"}


def test_coverage_section_lists_the_missing_series(kenya):
    section = sections.coverage_section(kenya.none, kenya.prof, kenya.targets, kenya.candidates)
    applicable = scorecard.applicable_series(kenya.prof, kenya.targets, kenya.candidates)
    assert _text(section).startswith("0 of 24 SDG 17 indicators covered for Kenya")
    assert section.text[1].startswith(
        f"Data gaps: the store holds no data for Kenya on {len(applicable)} of the "
        f"{len(applicable)} catalogue series"
    )
    assert "IT.NET.USER.ZS" in _text(section)
    assert "TX_EXP_GBMRCH" not in section.text[1]  # published for groups: not a data gap


def test_kenya_coverage_on_the_demo_store(kenya):
    """Kenya, a recipient, on the demo store: what is covered and why the rest is not."""
    cov = kenya.cov.set_index("indicator")
    assert len(cov) == 24
    held = set(kenya.own["series"])
    for row in cov.itertuples():
        measuring = catalogue.indicators().set_index("indicator").at[row.Index, "series"]
        if row.status == "covered":
            assert set(row.series.split(", ")) == held & set(measuring), row.Index
        elif row.status == "not covered":
            assert not held & set(measuring), row.Index
    assert cov.at["17.12.1", "status"] == "not covered"
    assert "groups of economies only" in cov.at["17.12.1", "reason"]
    assert cov.at["17.5.1", "status"] == "gap"
    assert not {"DC_ODA_TOTG", "DC_ODA_LDCG"} & held  # a recipient is no donor


def test_indicator_section_saves_the_raw_table(kenya, tmp_path):
    section = sections.indicator_section(kenya.table, kenya.prof, START, END)
    assert section.ok and not section.figures and not section.shown
    saved = section.saved["scorecard"]
    assert set(saved["series"]) == set(kenya.own["series"])
    assert set(saved["area"]) <= set(catalogue.AREAS)
    page.show(section, tmp_path)
    written = pd.read_csv(tmp_path / "scorecard.csv")
    assert {"latest_value", "income_median", "trend", "area"} <= set(written.columns)


def test_area_sections_show_the_card_area_by_area(kenya):
    areas = sections.area_sections(kenya.table, kenya.prog, kenya.cov, kenya.prof)
    assert [s.text[0] for s in areas] == [
        "### Finance (targets 17.1-17.5)",
        "### Technology (targets 17.6-17.8)",
        "### Capacity building (targets 17.9)",
        "### Trade (targets 17.10-17.12)",
        "### Systemic issues (targets 17.13-17.19)",
    ]
    shown = pd.concat([t for s in areas for t in s.shown.values()])
    assert sorted(shown["series"]) == sorted(set(kenya.own["series"]))  # every series once
    for section, area in zip(areas, catalogue.AREAS, strict=True):
        for table in section.shown.values():
            assert {catalogue.area_of(i) for i in table["indicator"]} == {area}
        assert not section.saved
    flags = shown[shown["unit"] == "yes/no"]
    assert len(flags) and set(flags["latest"]) <= {"Yes", "No"}
    assert set(flags[text.TREND_COLUMN]) == {"none (yes/no)"}
    assert "no target" in set(shown["progress"])
    systemic = areas[-1].text[1]
    assert systemic.split(" indicators covered")[0].endswith("of 10 systemic issues")


def test_indicator_section_without_data_says_so_and_saves_the_empty_table(kenya):
    section = sections.indicator_section(kenya.empty_table, kenya.prof, START, END)
    assert section.ok and not section.tables
    assert section.saved["scorecard"].empty
    assert _text(section) == "The store holds no catalogue series for Kenya in 2000-2024."
    areas = sections.area_sections(kenya.empty_table, kenya.prog.iloc[0:0], kenya.cov, kenya.prof)
    assert len(areas) == 5 and not any(s.shown for s in areas)


def test_indicator_section_names_the_series_without_a_trend(kenya):
    table = kenya.table.copy()
    table["trend_status"] = table["trend_status"].where(table["unit_kind"] == "flag", "ok")
    table.loc[0, ["trend_status", "trend_note"]] = ["insufficient data", "3 years"]
    section = sections.indicator_section(table, kenya.prof, START, END)
    assert section.text[0] == f"No trend for 1 series ({table.loc[0, 'series']}): 3 years."


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
    assert coverage.startswith(
        f"{int((kenya.cov['status'] == 'covered').sum())} of 24 SDG 17 indicators covered"
    )
    assert "The store holds " in coverage
    assert "judged by the Open SDG / Statistics Canada progress measure" in progress
    assert "Categories follow" not in progress  # the rules and citation stay in section (e)
    assert gap.startswith("The largest gap to peers is in")
    assert gaps == "Every catalogue series that applies to Kenya has data in the store."


def test_brief_section_without_data(kenya):
    args = (kenya.none, kenya.targets, kenya.prof, kenya.candidates)
    years = {"start_year": START, "end_year": END, "base_year": BASE}
    section = sections.brief_section(kenya.empty_table, kenya.prog.iloc[0:0], *args, **years)
    text = " ".join(section.text)
    assert text.startswith("0 of 24 SDG 17 indicators covered for Kenya")
    assert "The store holds no catalogue series for Kenya in 2000-2024." in text
    assert "There is nothing to assess for Kenya" in text
    assert "The largest gap" not in text and "Data gaps:" in text


def test_economy_facts_for_the_country_index(kenya):
    facts = sections.economy_facts(kenya.prof, kenya.prog, kenya.cov)
    indicators = facts["indicators"]
    assert indicators["total"] == 24
    assert indicators["covered"] + indicators["not covered"] + indicators["gap"] == 24
    assert "indicators" not in sections.economy_facts(kenya.prof, kenya.prog)
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
    assert text.card_view(None) is None and text.card_view(kenya.empty_table) is None
    assert text.progress_table(None) is None
    assert text.short_trends_sentence(kenya.empty_table) is None
