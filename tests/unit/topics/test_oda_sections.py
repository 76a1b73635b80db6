import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers.topics.oda import data as oda
from helpers.topics.oda import figures as oda_figures
from helpers.topics.oda import ldc, sections
from tests.unit.topics.test_oda import REFERENCE, _received

GE, GNI, GNI_GE = oda.GE, oda.GNI, oda.GNI_GE
VOLUME = "DAC1.ODA.NET.CONSTANT"
DAC2A = "DAC2A.ODA.RECEIVED.CONSTANT"


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _tidy(rows, source="oecd"):
    frame = pd.DataFrame(rows, columns=["economy", "year", "series", "value"])
    names = {"NOR": "Norway", "USA": "United States", "ARE": "UAE", "DAC": "DAC countries"}
    return frame.assign(
        economy_name=frame["economy"].map(names).fillna(frame["economy"]),
        source=source,
        vintage="2026-01",
    )


def _dac1():
    return _tidy(
        [
            ("NOR", 2020, GNI_GE, 1.1),
            ("NOR", 2020, GE, 4400.0),
            ("NOR", 2020, GNI, 400000.0),
            ("USA", 2020, GNI_GE, 0.17),
            ("USA", 2020, GE, 35000.0),
            ("USA", 2020, GNI, 21000000.0),
            ("DAC", 2020, GNI_GE, 0.32),
            ("DAC", 2020, GE, 160000.0),
            ("DAC", 2020, GNI, 50000000.0),
        ]
    )


def _volume():
    years = np.arange(2005, 2021)
    values = 100000 * 1.03 ** (years - 2005) * (1 + 0.01 * np.sin(years))
    return _tidy([("DAC", int(y), VOLUME, float(v)) for y, v in zip(years, values, strict=True)])


def _dac2a():
    return _tidy(
        [
            ("LDC", 2019, DAC2A, 25.0),
            ("DPGC", 2019, DAC2A, 100.0),
            ("LDC", 2020, DAC2A, 30.0),
            ("DPGC", 2020, DAC2A, 120.0),
        ]
    )


# --- ranking ---------------------------------------------------------------------------------


def test_ranking_section_gives_the_sentence_tables_and_two_figures():
    got = sections.ranking_section(_dac1(), REFERENCE, ["NOR", "SWE"], 2018, 2020)
    assert got.ok
    assert got.text[0].startswith("In **2020**, 1 of the 2 providers")
    assert got.text[1] == "No ODA/GNI values in 2018-2020 for donors SWE."
    assert got.saved["oda_gni_latest"]["economy"].tolist() == ["NOR", "DAC", "USA"]
    shown = list(got.shown["oda_gni_latest"].columns)
    assert shown == [c if c != "value" else "oda_gni_pct" for c in sections.RANKING_SHOWN]
    assert set(got.saved["oda_gni"]["economy"]) == {"NOR", "USA", "DAC"}
    assert list(got.figures) == ["oda_gni_ranked", "oda_gni_trend"]
    assert all(fig is not None for fig in got.figures.values())


def test_ranking_section_is_skipped_without_the_ratio_series():
    dac1 = _dac1()
    got = sections.ranking_section(dac1[dac1["series"] != GNI_GE], REFERENCE, ["NOR"], 2018, 2020)
    assert not got.ok
    assert got.note.startswith("**The ODA/GNI section is skipped:** no data for DAC1.ODA.GNI.GE")


# --- volume ----------------------------------------------------------------------------------


def test_volume_section_gives_models_forecast_and_figure():
    got = sections.volume_section(_volume(), VOLUME, price_basis="constant", level=0.95, horizon=3)
    assert got.ok
    assert "DAC countries' net ODA changed by **+" in got.text[0]
    assert "A Chow test at 2018" in got.text[0]
    assert set(got.tables["dac_volume_models"]["model"]) == {"loglinear_trend", "chow_test"}
    assert got.saved["dac_volume_forecast"]["year"].tolist() == [2021, 2022, 2023]
    fig = got.figures["dac_oda_volume"]
    assert fig._suptitle.get_text() == "DAC countries' net ODA: trend and forecast"


def test_volume_section_is_skipped_without_the_dac_total():
    volume = _volume().assign(economy="NOR")
    got = sections.volume_section(volume, VOLUME, price_basis="constant", level=0.95, horizon=3)
    assert got.note.startswith("**The DAC volume section is skipped:** no data for " + VOLUME)


# --- gap -------------------------------------------------------------------------------------


def test_gap_section_gives_the_gap_table_and_sentence():
    got = sections.gap_section(_dac1(), REFERENCE, 2018, 2020)
    assert got.ok
    assert got.text[0].startswith("In 2020 the DAC countries together gave US$160.0 billion")
    gap = got.tables["oda_gap"].set_index("economy")
    assert gap.loc["USA", "gap_usd_bn"] == pytest.approx(0.007 * 21000 - 35)
    assert not got.figures


def test_gap_section_is_skipped_without_the_ranking_or_the_oda_series():
    dac1 = _dac1()
    no_ratio = sections.gap_section(dac1[dac1["series"] != GNI_GE], REFERENCE, 2018, 2020)
    assert no_ratio.note == "**The gap section is skipped:** it needs the ODA/GNI ranking above."
    no_oda = sections.gap_section(dac1[dac1["series"] != GE], REFERENCE, 2018, 2020)
    assert no_oda.note.startswith("**The gap section is skipped:** no data for DAC1.ODA.GE")


# --- recipients ------------------------------------------------------------------------------


def test_dependence_section_gives_medians_trend_and_figure():
    received = _received().assign(source="worldbank", vintage="2026-01")
    got = sections.dependence_section(received, REFERENCE)
    assert got.ok
    assert got.text[0].startswith("Across the 2 economies with data")
    assert "aid_dependence" in got.tables
    assert "aid_dependence_trend" in got.saved
    assert got.figures["aid_dependence"] is not None


def test_dependence_section_is_skipped_without_the_recipient_series():
    received = _received()
    got = sections.dependence_section(
        received[received["series"] == oda.RECIPIENT_SERIES[0]], REFERENCE
    )
    assert got.note.startswith(
        "**The aid-dependence section is skipped:** no data for DT.ODA.ODAT.PC.ZS"
    )


# --- LDC share -------------------------------------------------------------------------------


def test_ldc_section_gives_the_share_and_figure():
    got = sections.ldc_section(_dac2a(), DAC2A, "constant")
    assert got.ok
    assert got.text[0].startswith("In **2020** the least developed countries received **25.0%**")
    assert got.saved["ldc_share"]["share"].tolist() == [25.0, 25.0]
    assert got.figures["ldc_share"] is not None


def test_ldc_section_is_skipped_without_the_series_or_a_common_year():
    got = sections.ldc_section(_dac2a().iloc[0:0], DAC2A, "constant")
    assert got.note.startswith("**The LDC-share section is skipped:** no data for " + DAC2A)
    only_ldc = _dac2a()[lambda f: f["economy"] == "LDC"]
    got = sections.ldc_section(only_ldc, DAC2A, "constant")
    assert got.note == "**The LDC-share section is skipped:** no year has both totals."


# --- figures without data --------------------------------------------------------------------


def test_figures_of_nothing_are_none():
    empty = pd.DataFrame()
    assert oda_figures.ranked_figure(None, empty) is None
    assert oda_figures.trend_figure(empty, ["DAC"], empty) is None
    assert oda_figures.dependence_figure(None, None, empty) is None
    assert oda_figures.ldc_figure(empty, "constant", empty) is None
    assert (
        oda_figures.volume_figure(
            pd.Series(dtype=float),
            empty,
            empty,
            level=0.95,
            price_basis="constant",
            horizon=3,
            data=empty,
            series=[VOLUME],
        )
        is None
    )


def test_draw_functions_do_nothing_without_data():
    _fig, axes = plt.subplots(1, 3)
    oda_figures.plot_ranked(axes[0], None)
    oda_figures.plot_oda_gni_trend(axes[0], pd.DataFrame(), ["DAC"])
    oda_figures.plot_volume(axes[0], None, None, None, 0.95, "constant prices")
    oda_figures.plot_dependence(axes, None, None)
    oda_figures.plot_ldc_share(axes[0], pd.DataFrame())
    assert not any(ax.lines or ax.patches for ax in axes)


# --- ODA to the LDCs against 0.15-0.20% of GNI -----------------------------------------------
LDCG, TOTG = ldc.LDC_AID, ldc.UN_ODA_GNI


def _un():
    rows = []
    for year in range(2012, 2023):
        rows += [
            ("NOR", year, LDCG, 0.30 + 0.002 * (year - 2012)),
            ("NOR", year, TOTG, 0.95),
            ("USA", year, LDCG, 0.07 - 0.001 * (year - 2012) + 0.001 * (-1) ** year),
            ("USA", year, TOTG, 0.18),
            ("DAC", year, LDCG, 0.10 + 0.0005 * (-1) ** year),
            ("DAC", year, TOTG, 0.31),
        ]
    return _tidy(rows, source="unsdg")


def test_ldc_target_section_ranks_counts_trends_and_draws():
    got = sections.ldc_target_section(_un(), REFERENCE, ["NOR", "ARE"], 2012, 2022, 0.95)
    assert got.ok
    assert got.text[0].startswith(
        "In **2022**, **1 of the 2** donors with data gave at least 0.15%"
    )
    assert "The ratio of the DAC countries changed by" in got.text[1]
    assert "Of the 2 donors, 1 rose and 1 fell" in got.text[1]
    assert "UN SDG Global Database series DC_ODA_LDCG and DC_ODA_TOTG" in got.text[2]
    assert "vintage: 2026-01" in got.text[2]
    assert got.text[3].startswith("No DC_ODA_LDCG values in 2012-2022 for donors ARE")
    assert got.lead == got.text[0]
    latest = got.saved["oda_ldc_latest"]
    assert latest["economy"].tolist() == ["NOR", "DAC", "USA"]
    assert latest["meets_low"].tolist() == [True, False, False]
    shown = got.shown["oda_ldc_latest"]
    assert list(shown.columns) == list(sections.LDC_SHOWN.values())
    assert shown["Against the band"].tolist() == ["0.20% or more", "under 0.15%", "under 0.15%"]
    assert set(got.saved["oda_ldc_trends"]["verdict"]) == {"rising", "falling", "no clear trend"}
    assert list(got.figures) == ["oda_ldc_ranked", "oda_ldc_trend"]
    assert all(fig is not None for fig in got.figures.values())
    ranked_fig = got.figures["oda_ldc_ranked"]
    assert ranked_fig._suptitle.get_text() == "ODA to the LDCs in 2022, % of GNI"


def test_ldc_target_section_says_how_to_get_the_series_when_the_store_lacks_it():
    un = _un()
    got = sections.ldc_target_section(
        un[un["series"] != LDCG], REFERENCE, ["NOR"], 2012, 2022, 0.95
    )
    assert not got.ok
    assert got.note.startswith("**The ODA-to-LDCs section is skipped:** no data for DC_ODA_LDCG")
    assert "sdg17 fetch --series DC_ODA_LDCG" in got.note
    assert sections.ldc_target_section(un.iloc[0:0], REFERENCE, [], 2012, 2022, 0.95).note


def test_ldc_target_section_without_single_donors_is_skipped():
    un = _un()
    only_groups = un.assign(economy="G7", economy_name="G7")[un["economy"] == "DAC"]
    got = sections.ldc_target_section(only_groups, REFERENCE, [], 2012, 2022, 0.95)
    assert not got.ok and "no single donor has DC_ODA_LDCG" in got.note
