"""The ODA notebook, executed on the demo store and on the real files.

Key numbers in the saved tables are recomputed here from the tidy table, independently of
``helpers.oda``.
"""

from __future__ import annotations

import json

import pandas as pd
import papermill
import pytest

from helpers import tidy
from helpers.reference import groups
from helpers.sources.demo.notice import DEMO_NOTICE
from tests.notebooks.harness import error_outputs, execute, saved_table, store_runs, text_of

NAME = "01_oda"
pytestmark = pytest.mark.notebook
ODA_FIGURES = ["oda_gni_ranked", "oda_gni_trend", "dac_oda_volume"]
RECIPIENT_FIGURES = ["aid_dependence", "ldc_share"]
ODA_TABLES = [
    "oda_gni.csv",
    "oda_gni_latest.csv",
    "oda_gap.csv",
    "dac_volume_models.csv",
    "dac_volume_forecast.csv",
    "provenance.csv",
]
RECIPIENT_TABLES = ["aid_dependence.csv", "aid_dependence_trend.csv", "ldc_share.csv"]
# ODA to the LDCs against 0.15-0.20% of GNI (UN SDG Global Database; not in the real files).
LDC_AID_FIGURES = ["oda_ldc_ranked", "oda_ldc_trend"]
LDC_AID_TABLES = ["oda_ldc.csv", "oda_ldc_latest.csv", "oda_ldc_trends.csv"]


demo_run, real_run = store_runs(NAME)


def _value(root, economy, series, year, aggregates=False):
    rows = tidy.load(
        series, economies=[economy], start=year, end=year, aggregates=aggregates, store=root
    )
    assert len(rows) == 1, (economy, series, year)
    return float(rows["value"].iloc[0])


def _files(names):
    return [f"{n}.{ext}" for n in names for ext in ("png",)]  # SVG only on demand


def test_demo_run_writes_every_figure_andtable(demo_run):
    nb, out, _ = demo_run
    assert error_outputs(nb) == []
    figures = ODA_FIGURES + RECIPIENT_FIGURES + LDC_AID_FIGURES
    for name in _files(figures) + ODA_TABLES + RECIPIENT_TABLES + LDC_AID_TABLES:
        assert (out / name).stat().st_size > 0, name
    assert DEMO_NOTICE in text_of(nb)


def test_real_run_skips_the_sections_without_data(real_run):
    nb, out, _ = real_run
    assert error_outputs(nb) == []
    for name in _files(ODA_FIGURES) + ODA_TABLES:
        assert (out / name).stat().st_size > 0, name
    for name in _files(RECIPIENT_FIGURES + LDC_AID_FIGURES) + RECIPIENT_TABLES + LDC_AID_TABLES:
        assert not (out / name).exists(), name
    text = text_of(nb)
    assert DEMO_NOTICE not in text
    # The real files hold no UN series by donor: the section says so and how to get it.
    assert "The ODA-to-LDCs section is skipped:** no data for DC_ODA_LDCG" in text
    assert "sdg17 fetch --series DC_ODA_LDCG" in text
    assert "The aid-dependence section is skipped:** no data for DT.ODA.ODAT.GN.ZS" in text
    assert "The LDC-share section is skipped:** no data for DAC2A.ODA.RECEIVED.CONSTANT" in text
    # Three years of DAC1: the models say so in a sentence, not an error.
    assert "log-linear trend of DAC countries' net ODA is not estimated (insufficient data" in text
    assert "Chow test for a break at 2018 is not run (insufficient data" in text
    assert "No forecast is made (insufficient data" in text
    models = saved_table(out, "dac_volume_models")
    assert set(models["status"]) == {"insufficient data"}


def test_real_ranking_matches_the_reported_grant_equivalent_ratio(real_run):
    _, out, root = real_run
    ranked = saved_table(out, "oda_gni_latest").set_index("economy")
    assert set(ranked["year"]) == {2020}
    assert ranked.loc["NOR", "value"] == pytest.approx(1.11)
    assert ranked.loc["DAC", "value"] == pytest.approx(0.33)
    assert ranked.loc["DAC", "provider"] == "DAC total"
    for code in ("NOR", "USA", "ARE", "SAU"):
        assert ranked.loc[code, "value"] == pytest.approx(
            _value(root, code, "DAC1.ODA.GNI.GE", 2020)
        )
    assert ranked.loc["ARE", "provider"] == "Beyond the DAC"
    assert ranked["value"].is_monotonic_decreasing
    assert set(ranked["basis"]) == {"grant equivalent"}


def test_real_gap_is_target_share_of_gni_less_grant_equivalent_oda(real_run):
    _, out, root = real_run
    gap = saved_table(out, "oda_gap").set_index("economy")
    for code, aggregate in (("USA", False), ("NOR", False), ("DAC", True)):
        gni = _value(root, code, "DAC1.GNI.CURRENT", 2020, aggregate)
        oda = _value(root, code, "DAC1.ODA.GE.CURRENT", 2020, aggregate)
        assert gap.loc[code, "gap_usd_bn"] == pytest.approx((0.007 * gni - oda) / 1000, rel=1e-5)
    assert gap.loc["NOR", "gap_usd_bn"] < 0  # Norway gives more than 0.7%


def test_demo_ranking_and_gap_match_the_tidytable(demo_run):
    _, out, root = demo_run
    ranked = saved_table(out, "oda_gni_latest").set_index("economy")
    assert set(ranked["year"]) == {2024}
    for code in ("NOR", "USA", "SAU"):
        assert ranked.loc[code, "value"] == pytest.approx(
            _value(root, code, "DAC1.ODA.GNI.GE", 2024), rel=1e-5
        )
    gap = saved_table(out, "oda_gap").set_index("economy")
    gni = _value(root, "DEU", "DAC1.GNI.CURRENT", 2024)
    oda = _value(root, "DEU", "DAC1.ODA.GE.CURRENT", 2024)
    assert gap.loc["DEU", "gap_usd_bn"] == pytest.approx((0.007 * gni - oda) / 1000, rel=1e-5)


def test_demo_ratio_before_2018_is_net_flows_over_gni(demo_run):
    _, out, root = demo_run
    ratio = saved_table(out, "oda_gni").set_index(["economy", "year"])
    net = _value(root, "SWE", "DAC1.ODA.NET.CURRENT", 2010)
    gni = _value(root, "SWE", "DAC1.GNI.CURRENT", 2010)
    assert ratio.loc[("SWE", 2010), "value"] == pytest.approx(100 * net / gni, rel=1e-5)
    assert ratio.loc[("SWE", 2010), "basis"] == "net flows"
    assert ratio.loc[("SWE", 2018), "basis"] == "grant equivalent"


def test_demo_volume_models_use_the_dac_constant_price_series(demo_run):
    from helpers import models

    _, out, root = demo_run
    rows = tidy.load(
        "DAC1.ODA.NET.CONSTANT",
        economies=["DAC"],
        start=2000,
        end=2024,
        aggregates=True,
        store=root,
    )
    series = pd.Series(rows["value"].to_numpy(), index=rows["year"].to_numpy())
    want = models.loglinear_trend(series).set_index("term").loc["growth_rate"]
    got = saved_table(out, "dac_volume_models").set_index(["model", "term"])
    assert got.loc[("loglinear_trend", "growth_rate"), "estimate"] == pytest.approx(
        want["estimate"], rel=1e-4
    )
    assert got.loc[("chow_test", "chow_F"), "status"] == "ok"
    forecast = saved_table(out, "dac_volume_forecast")
    assert forecast["year"].tolist() == [2025, 2026, 2027, 2028, 2029]
    assert (forecast["ci_low"] < forecast["estimate"]).all()


def test_demo_recipient_tables_match_the_tidytable(demo_run):
    _, out, root = demo_run
    codes = groups.members("global_south", tidy.economies(store=root))
    received = tidy.load("DT.ODA.ODAT.GN.ZS", economies=codes, start=2000, end=2024, store=root)
    latest = received.sort_values("year").groupby("economy").tail(1)
    medians = saved_table(out, "aid_dependence")
    overall = medians.query("grouping == 'All' and series == 'DT.ODA.ODAT.GN.ZS'").iloc[0]
    assert overall["median"] == pytest.approx(latest["value"].median(), rel=1e-5)
    assert overall["economies"] == latest["economy"].nunique()
    share = saved_table(out, "ldc_share").set_index("year")
    ldc = _value(root, "LDC", "DAC2A.ODA.RECEIVED.CONSTANT", 2024, aggregates=True)
    all_dev = _value(root, "DPGC", "DAC2A.ODA.RECEIVED.CONSTANT", 2024, aggregates=True)
    assert share.loc[2024, "share"] == pytest.approx(100 * ldc / all_dev, rel=1e-5)


def test_demo_ldc_aid_section_ranks_donors_against_the_band_as_the_tidytable_says(demo_run):
    from helpers import models

    nb, out, root = demo_run
    aid = tidy.load("DC_ODA_LDCG", start=2000, end=2024, store=root)
    year = int(aid["year"].max())
    assert year == 2023  # the demo's aid to LDCs ends a year before the totals
    latest = aid[aid["year"] == year].set_index("economy")["value"]
    ranked = saved_table(out, "oda_ldc_latest").set_index("economy")
    assert set(ranked["year"]) == {year}
    singles = ranked[ranked["provider"] != "DAC total"]
    assert set(singles.index) == set(latest.index)
    for code in latest.index:
        assert singles.loc[code, "value"] == pytest.approx(latest[code], rel=1e-9)
    assert singles["value"].is_monotonic_decreasing
    low, high = (latest >= 0.15).sum(), (latest >= 0.20).sum()
    assert 0 < high <= low < len(latest)  # the demo has donors on both sides of the band
    text = text_of(nb)
    assert f"In **{year}**, **{low} of the {len(latest)}** donors with data gave at least " in text
    assert f"and **{high}** at least 0.20%" in text
    dac = _value(root, "DAC", "DC_ODA_LDCG", year, aggregates=True)
    assert ranked.loc["DAC", "value"] == pytest.approx(dac, rel=1e-9)
    assert f"The DAC countries together gave **{dac:.2f}%**" in text
    # The DAC trend, refitted here from the tidy table with the project's trend model.
    rows = tidy.load("DC_ODA_LDCG", economies=["DAC"], aggregates=True, store=root)
    series = pd.Series(rows["value"].to_numpy(), index=rows["year"].to_numpy())
    want = models.linear_trend(series).set_index("term").loc["slope"]
    trends = saved_table(out, "oda_ldc_trends").set_index("economy")
    assert trends.loc["DAC", "estimate"] == pytest.approx(want["estimate"], rel=1e-6)
    slope = want["estimate"]
    said = f"{slope:+.4f}" if abs(slope) >= 0.00005 else "less than 0.0001"
    assert f"changed by **{said} percentage points a year**" in text
    assert "synthetic demo data standing in for the UN SDG Global Database" in text
    assert "No DC_ODA_LDCG values in 2000-2024 for donors ARE, SAU" in text
    findings = json.loads((out / "findings.json").read_text())["findings"]
    assert any(f.startswith(f"In **{year}**, **{low} of the") for f in findings)


@pytest.mark.parametrize(
    ("params", "sentence"),
    [
        ({"economies": ["KEN", "XYZ"]}, "unknown economy codes: XYZ"),
        ({"start_year": 2024, "end_year": 2000}, "start_year 2024 is after end_year 2000"),
        ({"donors": ["NOR", "NOX"]}, "unknown donor codes: NOX (did you mean NOR"),
    ],
)
def test_bad_parameters_stop_with_one_sentence(demo_root, tmp_path, params, sentence):
    with pytest.raises(papermill.PapermillExecutionError) as exc:
        execute(NAME, demo_root, tmp_path, **params)
    assert sentence in str(exc.value)
    assert "Parameter error" in str(exc.value)
