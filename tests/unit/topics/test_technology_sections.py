"""The sections of notebook 03 (technology access): sentences, tables and figures on the demo
store, and the one-sentence skip note when the series a section needs are absent."""

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers import tidy
from helpers.notebook import page
from helpers.store import Store
from helpers.topics.technology import data as technology
from helpers.topics.technology import figures, sections, text

ECONOMIES = ["KEN", "BGD", "ETH"]


@pytest.fixture(scope="module")
def demo(demo_root):
    """The notebook's tidy rows and reference table, from the demo store."""
    store = Store(demo_root)
    tech = tidy.load(list(technology.SERIES), start=1995, end=2024, store=store)
    return tech, tidy.economies(store=store)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _only(tech: pd.DataFrame, *series: str) -> pd.DataFrame:
    return tech[tech["series"].isin(series)].reset_index(drop=True)


def test_check_section_names_each_missing_series(demo):
    tech, _ = demo
    assert sections.check_section(tech).text == []
    (note,) = sections.check_section(tech[tech["series"] != technology.BROADBAND]).text
    assert note.startswith("**The fixed broadband part is skipped:**")
    assert technology.BROADBAND in note
    assert len(sections.check_section(None).text) == 4


def test_latest_section_shows_readable_tables_and_saves_raw_ones(demo, tmp_path):
    tech, reference = demo
    section = sections.latest_section(tech, reference, ECONOMIES)
    assert section.ok
    (sentence,) = section.text
    assert sentence.startswith("Share of the population using the internet:")
    assert sentence.count("\n- ") == len(ECONOMIES)
    assert set(section.shown) == {"latest_values", "income_group_latest_medians"}
    assert set(section.saved) == {*section.shown, "income_group_medians"}
    assert list(section.figures) == ["technology_trajectories"]
    page.show(section, tmp_path)
    saved = pd.read_csv(tmp_path / "latest_values.csv")  # raw, not the "value (year)" view
    assert {"economy", "series", "year", "value"} <= set(saved.columns)
    assert (tmp_path / "technology_trajectories.png").exists()


def test_latest_section_is_skipped_without_any_series():
    section = sections.latest_section(pd.DataFrame(), pd.DataFrame(), ECONOMIES)
    assert not section.ok
    assert section.note.startswith("**The latest-values section is skipped:**")
    assert technology.INTERNET in section.note and technology.HIGH_TECH in section.note


def _adoption(tech, reference):
    return sections.adoption_section(
        tech,
        reference,
        ECONOMIES,
        mobile_saturation=150.0,
        level=0.95,
        end_year=2024,
        horizon=10,
    )


def test_adoption_section_fits_the_series_there(demo, tmp_path):
    tech, reference = demo
    section = _adoption(_only(tech, technology.INTERNET), reference)
    assert section.ok
    assert section.text[0].startswith("Income-group medians on the fitted curves:")
    assert "Low income, internet users: 50 around" in section.text[0]
    assert "note" not in section.shown["adoption_reach"]
    raw = section.saved["adoption_reach"]
    assert set(raw["series"]) == {technology.INTERNET} and "note" in raw
    assert list(section.figures) == ["adoption_curves"]
    page.show(section, tmp_path)
    assert "note" in pd.read_csv(tmp_path / "adoption_reach.csv")


def test_adoption_section_is_skipped_without_internet_or_mobile(demo):
    tech, reference = demo
    section = _adoption(_only(tech, technology.BROADBAND), reference)
    assert section.note.startswith("**The adoption-curve section is skipped:**")
    assert technology.INTERNET in section.note and technology.MOBILE in section.note


def test_divide_section_reads_the_gap_and_convergence(demo):
    tech, reference = demo
    section = sections.divide_section(tech, reference, 0.95)
    assert section.ok
    gap, sigma, beta = section.text
    assert gap.startswith("The high-income median exceeded the low-income median by")
    assert sigma.startswith("The spread across economies") and beta.startswith("Beta ")
    table = section.tables["internet_convergence"]
    assert table["term"].tolist() == ["sigma_trend", "beta"]
    assert set(section.saved) == {"internet_income_gap", "internet_dispersion"}
    assert list(section.figures) == ["digital_divide"]


def test_divide_section_is_skipped_without_internet(demo):
    tech, reference = demo
    section = sections.divide_section(_only(tech, technology.MOBILE), reference, 0.95)
    assert section.note.startswith("**The digital-divide section is skipped:**")
    assert technology.INTERNET in section.note


def test_figure_and_table_helpers_do_nothing_without_data():
    empty = pd.DataFrame()
    assert figures.trajectories_figure(None, ECONOMIES) is None
    assert (
        figures.adoption_figure(empty, None, {technology.INTERNET: 100.0}, 0.95, 2024, 10) is None
    )
    assert figures.divide_figure(None, empty, empty, empty) is None
    _fig, axes = plt.subplots(1, 3)
    figures.draw_trajectories(axes, None, ECONOMIES)
    figures.draw_divide(axes, empty, empty, empty)
    figures.draw_adoption(axes[:1], None, None, {technology.INTERNET: 100.0}, [2000], 0.95)
    assert not any(ax.lines or ax.texts for ax in axes)
    assert text.latest_wide(None) is None and text.recent_wide(empty) is None
    assert text.adoption_view(None) is None and technology.coverage(empty) is None
