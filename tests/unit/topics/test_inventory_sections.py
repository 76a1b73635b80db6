"""The data inventory's sections: one call each, sentence, tables and figure, or a skip note."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pytest

from helpers import catalogue, tidy
from helpers.store import Store
from helpers.topics.inventory import data as inventory
from helpers.topics.inventory import sections


@pytest.fixture(scope="module")
def demo(demo_root):
    store = Store(demo_root)
    return {
        "store": store,
        "table": inventory.series_table(store),
        "obs": tidy.load(missing="ignore", store=store),
        "aggs": tidy.load(missing="ignore", aggregates=True, store=store),
        "reference": tidy.economies(store=store),
    }


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def test_vintages_counts_the_series_held_and_saves_the_table(demo):
    got = sections.vintages(demo["table"], demo["store"].root)
    n = len(catalogue.load().ids())
    assert got.ok and f"holds **{n} of the {n}**" in got.text[0]
    assert list(got.tables) == ["inventory"] and len(got.tables["inventory"]) == n


def test_missing_names_what_is_absent_and_how_to_obtain_it(demo):
    table = demo["table"].copy()
    table.loc[table["series"] == "IT.NET.USER.ZS", "kind"] = "missing"
    got = sections.missing(table)
    assert "**1 series are missing:** IT.NET.USER.ZS" in got.text[0]
    assert "sdg17 import" in got.text[0]
    assert sections.missing(demo["table"]).text == ["Every catalogue series is in the store."]


def test_coverage_returns_sentence_summary_saved_shares_and_heatmap(demo):
    codes, focus = ["KEN", "BGD"], ["IT.NET.USER.ZS", "DAC1.ODA.GNI.GE"]
    providers = inventory.provider_codes(demo["reference"])
    rows = demo["obs"][demo["obs"]["series"].isin(focus)]
    got = sections.coverage(
        rows, focus, 2000, 2020, codes, providers, absent=[], recent=2017, asked=["KEN", "BGD"]
    )
    assert "**2 of the 2 series** shown still cover" in got.text[0]
    assert set(got.saved["coverage"]["series"]) == set(focus)
    assert list(got.figures) == ["coverage_heatmap"]
    title = got.figures["coverage_heatmap"]._suptitle.get_text()
    assert title.startswith("Coverage: share of economies")


def test_coverage_of_an_empty_selection_still_draws_the_absent_rows(demo):
    got = sections.coverage(
        demo["obs"].iloc[0:0],
        ["IT.NET.USER.ZS"],
        2000,
        2020,
        ["KEN"],
        [],
        absent=["IT.NET.USER.ZS"],
        recent=2017,
        asked=["KEN"],
    )
    assert "**0 of the 1 series**" in got.text[0]


def test_gaps_shows_the_open_gaps_and_saves_all(demo):
    got = sections.gaps(
        demo["obs"], demo["aggs"], demo["reference"], ["KEN"], 2000, 2024, max_lag=3
    )
    assert set(got.saved["gaps"]["notebook"]) >= {"01_oda", "04_country_scorecard"}
    assert (got.tables["open_gaps"]["status"] != "ok").all()
    assert got.text[0].startswith("- **")
