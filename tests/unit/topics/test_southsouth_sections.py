"""The South-South notebook's sections: one call each, sentences, tables and figures, or a
one-sentence skip note when their series are absent (on the session demo store)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers import tidy
from helpers.store import Store
from helpers.topics.southsouth import data as southsouth
from helpers.topics.southsouth import figures as southsouth_figures
from helpers.topics.southsouth import sections

CODES = ["KEN", "BGD", "BRA"]
NET_Q = "DAC1.ODA.NET.CONSTANT"


@pytest.fixture(scope="module")
def demo(demo_root):
    store = Store(demo_root)
    span = {"start": 2000, "end": 2024, "missing": "ignore", "store": store}
    return {
        "reference": tidy.economies(store=store),
        "dac1": tidy.load(southsouth.dac1_series("constant"), **span),
        "trade": tidy.load(southsouth.SOUTH_SOUTH_SERIES, **span),
        "resources": tidy.load([southsouth.REMITTANCES, southsouth.FDI], **span),
    }


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _without(frame: pd.DataFrame, *series: str) -> pd.DataFrame:
    return frame[~frame["series"].isin(series)]


# --- providers -----------------------------------------------------------------------------


def test_providers_section_has_the_ratio_sentence_tables_and_figure(demo):
    got = sections.providers_section(demo["dac1"], demo["reference"], "constant")
    assert got.ok
    assert f"(`{NET_Q}`)" in got.text[0]
    assert got.text[1].startswith("In 2024 the median provider beyond the DAC gave")
    assert list(got.shown) == ["provider_group_volumes", "beyond_dac_oda_gni_latest"]
    assert got.tables == {}
    assert set(got.saved["provider_group_volumes"]["provider_group"]) == {
        southsouth.BEYOND_DAC,
        southsouth.DAC_MEMBERS,
    }
    wide = got.shown["provider_group_volumes"]  # the reader sees years by group
    assert wide.index.name == "year" and southsouth.BEYOND_DAC in wide.columns.get_level_values(1)
    assert got.figures["beyond_dac_oda_gni"] is not None


def test_providers_section_is_skipped_without_net_oda(demo):
    got = sections.providers_section(_without(demo["dac1"], NET_Q), demo["reference"], "constant")
    assert not got.ok
    assert got.note.startswith("**The section on providers beyond the DAC is skipped:**")
    assert NET_Q in got.note


def test_providers_section_is_skipped_when_no_provider_beyond_the_dac_reports(demo):
    ref = demo["reference"]
    dac_only = demo["dac1"][~demo["dac1"]["economy"].isin(ref.loc[ref["beyond_dac"], "economy"])]
    got = sections.providers_section(dac_only, ref, "constant")
    assert not got.ok and "no provider beyond the DAC reports" in got.note


def test_growth_section_has_growth_forecast_and_volume_figure(demo):
    got = sections.growth_section(demo["dac1"], demo["reference"], "constant", 5, 0.95)
    assert got.ok
    assert any(t.startswith(f"{southsouth.BEYOND_DAC}: ") for t in got.text)
    assert got.text[-1].startswith("A local-linear-trend forecast puts")
    assert list(got.tables) == ["provider_group_growth"]
    assert got.saved["beyond_dac_forecast"]["year"].tolist() == list(range(2025, 2030))
    assert got.figures["beyond_dac_volumes"] is not None


def test_growth_section_is_skipped_without_net_oda(demo):
    got = sections.growth_section(None, demo["reference"], "constant", 5, 0.95)
    assert not got.ok and got.note.startswith("**The growth section is skipped:**")


# --- South-South trade ---------------------------------------------------------------------


def test_trade_section_has_sentences_tables_and_figure(demo):
    got = sections.trade_section(demo["trade"], demo["reference"], [*CODES, "XXX"], 2024)
    assert got.ok
    assert got.text[0].startswith("The latest year with South-South trade data is **2024**.")
    assert got.text[1].startswith("The median developing exporter sent")
    assert got.text[-1] == "No complete South-South trade data for: XXX."
    assert list(got.tables) == ["south_south_destinations"]
    assert set(got.saved["south_south_economies"]["economy"]) == set(CODES)
    assert "south_south_by_region" in got.saved
    assert got.figures["south_south_trade"] is not None


def test_trade_section_is_skipped_when_a_region_is_absent(demo):
    missing = southsouth.SOUTH_SOUTH_SERIES[-1]
    got = sections.trade_section(_without(demo["trade"], missing), demo["reference"], CODES, 2024)
    assert not got.ok
    assert got.note.startswith("**The South-South trade section is skipped:**")
    assert missing in got.note


def test_trade_section_is_skipped_when_no_exporter_is_complete(demo):
    trade = demo["trade"]
    # Every region is reported somewhere, but never all six by one economy in one year.
    patchy = trade[trade["series"].map(southsouth.SOUTH_SOUTH_SERIES.index) == trade["year"] % 6]
    got = sections.trade_section(patchy, demo["reference"], CODES, 2024)
    assert not got.ok and "no developing exporter reports all six regions" in got.note


# --- remittances and FDI -------------------------------------------------------------------


def test_resources_section_has_latest_values_medians_and_figure(demo):
    got = sections.resources_section(demo["resources"], demo["reference"], CODES)
    assert got.ok and got.text == []
    assert set(got.saved["resources_latest"]["economy"]) == set(CODES)
    assert list(got.shown["resources_latest"].columns) == [
        "economy",
        "economy_name",
        "series",
        "year",
        "value",
    ]
    medians = got.saved["resources_income_medians"]
    assert set(medians["income_group"]) <= set(southsouth.DEVELOPING_INCOME)
    assert got.figures["remittances_fdi"] is not None


def test_resources_section_names_a_missing_part_and_runs(demo):
    resources = _without(demo["resources"], southsouth.REMITTANCES)
    got = sections.resources_section(resources, demo["reference"], CODES)
    assert got.ok
    (note,) = got.text
    assert note.startswith("**The remittances part is skipped:**")
    assert southsouth.REMITTANCES in note


def test_resources_section_is_skipped_when_both_parts_are_absent(demo):
    got = sections.resources_section(demo["resources"].iloc[0:0], demo["reference"], CODES)
    assert not got.ok
    assert "The remittances part is skipped" in got.note and "The FDI part is skipped" in got.note


def test_resource_trends_section_has_one_sentence_per_group_and_series(demo):
    got = sections.resource_trends_section(demo["resources"], demo["reference"], 0.95)
    assert got.ok
    trends = got.tables["resources_trends"]
    assert len(got.text) == len(trends) > 0
    assert all("percentage points of GDP a year" in t for t in got.text)


def test_resource_trends_section_is_skipped_without_either_series(demo):
    got = sections.resource_trends_section(None, demo["reference"], 0.95)
    assert not got.ok
    assert got.note.startswith("**The section on trends in remittances and FDI is skipped:**")


# --- figures without data ------------------------------------------------------------------


def test_figures_and_draw_functions_do_nothing_without_data():
    empty = pd.DataFrame()
    assert southsouth_figures.volumes_figure(None, empty, None, "constant", empty) is None
    assert southsouth_figures.ratio_figure(empty, None, 2020, empty) is None
    assert southsouth_figures.trade_figure(None, None, empty) is None
    assert southsouth_figures.resources_figure(empty, empty) is None
    _fig, axes = plt.subplots(1, 2)
    southsouth_figures.draw_volumes(axes, None, None, None, None, "x")
    southsouth_figures.draw_ratio_bars(axes[0], empty, None)
    southsouth_figures.draw_trade(axes, empty, None)
    southsouth_figures.draw_resources(axes, None)
    assert not any(ax.lines or ax.patches or ax.texts for ax in axes)
