import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from helpers import models
from helpers.errors import ParameterError
from helpers.topics.oda import data as oda
from helpers.topics.oda import figures as oda_figures
from helpers.topics.oda import ldc
from helpers.topics.oda import text as oda_text

GE, NET, GNI, GNI_GE = oda.GE, oda.NET, oda.GNI, oda.GNI_GE


def _tidy(rows):
    frame = pd.DataFrame(rows, columns=["economy", "year", "series", "value"])
    names = {"NOR": "Norway", "USA": "United States", "ARE": "UAE", "DAC": "DAC countries"}
    return frame.assign(economy_name=frame["economy"].map(names).fillna(frame["economy"]))


REFERENCE = pd.DataFrame(
    {
        "economy": ["NOR", "USA", "ARE", "KEN", "BGD", "DAC", "G7"],
        "economy_name": ["Norway", "United States", "UAE", "Kenya", "Bangladesh", "DAC", "G7"],
        "region": ["ECS", "NAC", "MEA", "Sub-Saharan Africa", "South Asia", None, None],
        "income_group": [
            "High income",
            "High income",
            "High income",
            "Lower middle income",
            "Low income",
            None,
            None,
        ],
        "is_aggregate": [False, False, False, False, False, True, True],
        "ldc": [False, False, False, False, True, False, False],
        "dac_member": [True, True, False, False, False, False, False],
        "beyond_dac": [False, False, True, False, False, False, False],
        "global_south": [False, False, False, True, True, False, False],
    }
)


# --- parameters ----------------------------------------------------------------------------


def test_check_donors_normalises_and_accepts_provider_groups():
    assert oda.check_donors(["nor", " DAC", "G7", "4EU001"], REFERENCE) == [
        "NOR",
        "DAC",
        "G7",
        "4EU001",
    ]
    assert oda.check_donors("ARE", REFERENCE) == ["ARE"]


def test_check_donors_names_unknown_codes_with_close_matches():
    with pytest.raises(ParameterError, match=r"unknown donor codes: NOX \(did you mean NOR"):
        oda.check_donors(["NOR", "NOX"], REFERENCE)


def test_check_donors_rejects_recipient_aggregates():
    with pytest.raises(ParameterError, match="SSF"):
        oda.check_donors(["SSF"], REFERENCE)


def test_ratio_needs_follow_the_switch_year():
    assert oda.ratio_needs(2000, 2024) == [NET, GNI, GNI_GE]
    assert oda.ratio_needs(2000, 2010) == [NET, GNI]
    assert oda.ratio_needs(2018, 2020) == [GNI_GE]
    assert oda.gap_needs(2020) == [GE, GNI]
    assert oda.gap_needs(2017) == [NET, GNI]


# --- ODA/GNI -------------------------------------------------------------------------------


def test_oda_gni_series_uses_net_flows_before_and_grant_equivalent_from_2018():
    frame = _tidy(
        [
            ("NOR", 2017, NET, 4000.0),
            ("NOR", 2017, GNI, 400000.0),
            ("NOR", 2017, GNI_GE, 9.9),  # ignored before the switch
            ("NOR", 2018, NET, 4000.0),  # ignored from the switch
            ("NOR", 2018, GNI, 400000.0),
            ("NOR", 2018, GNI_GE, 1.11),
        ]
    )
    got = oda.oda_gni_series(frame)
    assert got["value"].tolist() == pytest.approx([1.0, 1.11])
    assert got["basis"].tolist() == ["net flows", "grant equivalent"]
    assert set(got["series"]) == {"ODA/GNI"}
    assert set(got["unit"]) == {"% of GNI"}


def test_oda_gni_series_drops_years_without_gni_or_with_zero_gni():
    frame = _tidy(
        [
            ("NOR", 2010, NET, 4000.0),
            ("NOR", 2011, NET, 4000.0),
            ("NOR", 2011, GNI, 0.0),
            ("USA", 2011, NET, 30.0),
            ("USA", 2011, GNI, 3000.0),
        ]
    )
    got = oda.oda_gni_series(frame)
    assert got[["economy", "year", "value"]].values.tolist() == [["USA", 2011, 1.0]]


def test_oda_gni_series_of_nothing_is_empty():
    got = oda.oda_gni_series(_tidy([]))
    assert got.empty
    assert "basis" in got.columns


def test_label_providers_keeps_single_providers_and_the_dac_total():
    frame = _tidy(
        [
            ("NOR", 2020, "ODA/GNI", 1.1),
            ("ARE", 2020, "ODA/GNI", 0.5),
            ("DAC", 2020, "ODA/GNI", 0.3),
            ("G7", 2020, "ODA/GNI", 0.3),
            ("KEN", 2020, "ODA/GNI", 0.01),
        ]
    )
    got = oda.label_providers(frame, REFERENCE)
    assert got["economy"].tolist() == ["NOR", "ARE", "DAC", "KEN"]
    assert got["provider"].tolist() == [
        "DAC member",
        "Beyond the DAC",
        "DAC total",
        "Other provider",
    ]


def _ratio():
    frame = _tidy(
        [
            ("NOR", 2019, "ODA/GNI", 1.0),
            ("NOR", 2020, "ODA/GNI", 1.1),
            ("USA", 2020, "ODA/GNI", 0.2),
            ("ARE", 2020, "ODA/GNI", 0.7),
            ("DAC", 2020, "ODA/GNI", 0.3),
        ]
    ).assign(basis="grant equivalent")
    return oda.label_providers(frame, REFERENCE)


def test_rank_latest_ranks_single_providers_in_the_latest_year():
    got = oda.rank_latest(_ratio())
    assert got["economy"].tolist() == ["NOR", "ARE", "DAC", "USA"]
    assert got["rank"].tolist() == [1, 2, pd.NA, 3]
    assert got["meets_target"].tolist() == [True, True, False, False]
    assert set(got["year"]) == {2020}


def test_rank_latest_of_nothing_is_empty():
    assert oda.rank_latest(_ratio().iloc[0:0]).empty


def test_ranking_sentence_names_who_meets_the_target():
    text = oda_text.ranking_sentence(oda.rank_latest(_ratio()))
    assert "In **2020**, 2 of the 3 providers" in text
    assert "Norway (1.10%), UAE (0.70%)" in text
    assert "**0.30%**, 0.40 percentage points short" in text


# --- the gap ---------------------------------------------------------------------------------


def _dac1():
    return _tidy(
        [
            ("NOR", 2020, GE, 4200.0),
            ("NOR", 2020, NET, 4000.0),
            ("NOR", 2020, GNI, 400000.0),
            ("USA", 2020, GE, 35000.0),
            ("USA", 2020, GNI, 21000000.0),
            ("USA", 2017, NET, 30000.0),
            ("USA", 2017, GNI, 20000000.0),
            ("DAC", 2020, GE, 160000.0),
            ("DAC", 2020, GNI, 50000000.0),
        ]
    )


def test_oda_gap_is_target_share_of_gni_less_oda_in_billions():
    got = oda.oda_gap(_dac1(), 2020)
    want = pd.DataFrame(
        {
            "economy": ["DAC", "USA", "NOR"],
            "economy_name": ["DAC countries", "United States", "Norway"],
            "year": [2020, 2020, 2020],
            "oda_measure": ["grant equivalent"] * 3,
            "gni_usd_bn": [50000.0, 21000.0, 400.0],
            "oda_usd_bn": [160.0, 35.0, 4.2],
            "oda_gni_pct": [0.32, 35 / 21000 * 100, 1.05],
            "target_usd_bn": [350.0, 147.0, 2.8],
            "gap_usd_bn": [190.0, 112.0, -1.4],
        }
    )
    assert_frame_equal(got, want, check_exact=False, rtol=1e-9)


def test_oda_gap_uses_net_flows_before_the_switch():
    got = oda.oda_gap(_dac1(), 2017)
    assert got["economy"].tolist() == ["USA"]
    assert got["oda_measure"].iloc[0] == "net flows"
    assert got["gap_usd_bn"].iloc[0] == pytest.approx(0.007 * 20000 - 30)


def test_gap_sentence_gives_the_dac_total_and_the_shortfalls():
    text = oda_text.gap_sentence(oda.oda_gap(_dac1(), 2020))
    assert "a gap of **US$190.0 billion**" in text
    assert "1 of the 2 providers with data fall short of 0.7%, by US$112.0 billion" in text
    assert "1 reach it (Norway)" in text


def test_gap_sentence_flags_rounded_ratios_that_fall_short():
    gap = oda.oda_gap(_dac1(), 2020)
    ranked = pd.DataFrame({"economy": ["USA"], "meets_target": [True]})
    assert "United States reaches 0.7% as reported" in oda_text.gap_sentence(gap, ranked)


def test_gap_sentence_without_data():
    assert "no gap is computed" in oda_text.gap_sentence(oda.oda_gap(_dac1(), 1990))


# --- volume ----------------------------------------------------------------------------------


def test_year_series_is_indexed_by_year():
    frame = _tidy([("DAC", 2001, NET, 2.0), ("DAC", 2000, NET, 1.0), ("NOR", 2000, NET, 9.0)])
    got = oda.year_series(frame, "DAC", NET)
    assert got.index.tolist() == [2000, 2001]
    assert got.tolist() == [1.0, 2.0]


def test_fitted_loglinear_reproduces_an_exact_exponential():
    data = pd.Series(100 * 1.05 ** np.arange(10), index=range(2000, 2010))
    slope = models.loglinear_trend(data).set_index("term").loc["slope_log", "estimate"]
    got = oda.fitted_loglinear(data, slope)
    assert got.to_numpy() == pytest.approx(data.to_numpy())
    assert oda.fitted_loglinear(data, float("nan")).empty


def test_model_sentences_say_when_data_are_insufficient():
    short = pd.Series([1.0, 2.0, 3.0], index=[2018, 2019, 2020])
    assert "not estimated (insufficient data: 3 usable" in oda_text.trend_sentence(
        models.loglinear_trend(short), 0.95, "ODA"
    )
    assert "not run (insufficient data" in oda_text.chow_sentence(
        models.chow_test(short, 2018), 2018, 0.95
    )
    assert oda_text.forecast_sentence(models.forecast(short), 0.95, "constant prices").startswith(
        "No forecast is made (insufficient data"
    )


def test_model_sentences_report_estimates():
    rng = np.random.default_rng(1)
    years = np.arange(2000, 2025)
    data = pd.Series(1000 * 1.03 ** (years - 2000) * np.exp(rng.normal(0, 0.02, len(years))), years)
    trend = models.loglinear_trend(data, level=0.9)
    growth = trend.set_index("term").loc["growth_rate", "estimate"]
    text = oda_text.trend_sentence(trend, 0.9, "ODA")
    assert f"**{100 * growth:+.1f}% a year** over 2000-2024 (90% interval" in text
    chow = models.chow_test(data, 2018)
    assert f"p = {chow['p_value'].iloc[0]:.3f}" in oda_text.chow_sentence(chow, 2018, 0.95)
    outlook = models.forecast(data, horizon=3)
    assert "for 2027, with a 95% prediction interval" in oda_text.forecast_sentence(
        outlook, 0.95, "constant prices"
    )


def test_volume_titles_say_what_could_not_be_fitted():
    ok = pd.DataFrame({"status": ["ok"], "note": [""]})
    short = pd.DataFrame({"status": ["insufficient data"], "note": ["3 points"]})
    assert oda_text.volume_titles(ok, ok, "constant", 5) == (
        "DAC countries' net ODA: trend and forecast",
        "Net disbursements, constant prices; 5-year forecast",
    )
    assert oda_text.volume_titles(short, short, "current", 5) == (
        "DAC countries' net ODA",
        "Net disbursements, current prices; too few years for a trend or a forecast",
    )
    assert oda_text.volume_titles(ok, short, "current", 5)[1].endswith(
        "too few years for a forecast"
    )


def test_model_table_names_each_model():
    got = oda.model_table(a=pd.DataFrame({"term": ["x"]}), b=pd.DataFrame({"term": ["y"]}))
    assert got.columns.tolist() == ["model", "term"]
    assert got["model"].tolist() == ["a", "b"]


# --- recipients ------------------------------------------------------------------------------


def _received():
    gni, pc = oda.RECIPIENT_SERIES
    return _tidy(
        [
            ("KEN", 2019, gni, 9.0),
            ("KEN", 2020, gni, 1.0),  # the latest year counts
            ("BGD", 2019, gni, 3.0),
            ("KEN", 2020, pc, 20.0),
            ("BGD", 2018, pc, 40.0),
        ]
    )


def test_recipient_medians_use_each_economys_latest_year():
    got = oda.recipient_medians(_received(), REFERENCE)
    overall = got[got["grouping"] == "All"].set_index("series")
    assert overall.loc["DT.ODA.ODAT.GN.ZS", "median"] == 2.0
    assert overall.loc["DT.ODA.ODAT.GN.ZS", "first_year"] == 2019
    assert overall.loc["DT.ODA.ODAT.GN.ZS", "last_year"] == 2020
    assert overall.loc["DT.ODA.ODAT.PC.ZS", "median"] == 30.0
    income = got[(got["grouping"] == "Income group") & (got["series"] == "DT.ODA.ODAT.GN.ZS")]
    assert income["group"].tolist() == ["Low income", "Lower middle income"]  # income order
    assert income["median"].tolist() == [3.0, 1.0]
    assert set(got.loc[got["grouping"] == "Region", "group"]) == {
        "South Asia",
        "Sub-Saharan Africa",
    }


def test_median_trend_is_per_group_and_year():
    got = oda.median_trend(_received(), REFERENCE, "DT.ODA.ODAT.GN.ZS")
    assert got.to_dict("list") == {
        "group": ["Low income", "Lower middle income", "Lower middle income"],
        "year": [2019, 2019, 2020],
        "median": [3.0, 9.0, 1.0],
        "economies": [1, 1, 1],
    }


def test_dependence_sentence():
    text = oda_text.dependence_sentence(oda.recipient_medians(_received(), REFERENCE))
    assert "Across the 2 economies with data (latest year 2019-2020)" in text
    assert "**2.00% of GNI** and US$30 per person" in text
    assert "Low income 3.00%, Lower middle income 1.00%" in text
    assert "No recipient" in oda_text.dependence_sentence(
        oda.recipient_medians(_tidy([]), REFERENCE)
    )


def test_ldc_share_divides_ldc_by_developing_countries():
    sid = "DAC2A.ODA.RECEIVED.CONSTANT"
    aggs = _tidy(
        [
            ("LDC", 2000, sid, 25.0),
            ("DPGC", 2000, sid, 100.0),
            ("LDC", 2001, sid, 30.0),  # no DPGC in 2001: dropped
            ("SIDS", 2000, sid, 5.0),
        ]
    )
    got = oda.ldc_share(aggs, sid)
    assert got.to_dict("list") == {
        "year": [2000],
        "ldc_usd_mn": [25.0],
        "developing_usd_mn": [100.0],
        "share": [25.0],
    }
    assert oda.ldc_share(aggs[aggs["economy"] != "DPGC"], sid).empty


def test_ldc_sentence():
    share = pd.DataFrame(
        {
            "year": [2000, 2020],
            "ldc_usd_mn": [25.0, 30000.0],
            "developing_usd_mn": [100.0, 150000.0],
            "share": [25.0, 20.0],
        }
    )
    text = oda_text.ldc_sentence(share, "constant")
    assert text == (
        "In **2020** the least developed countries received **20.0%** of the ODA disbursed to "
        "developing countries (US$30.0 billion of US$150.0 billion, constant prices), against "
        "25.0% in 2000."
    )
    assert "No year" in oda_text.ldc_sentence(share.iloc[0:0], "constant")


def test_ratio_sources_follow_the_bases_present():
    frame = pd.DataFrame({"basis": ["grant equivalent"]})
    assert oda.ratio_sources(frame) == [GNI_GE]
    assert oda.ratio_sources(pd.DataFrame({"basis": ["net flows", "grant equivalent"]})) == [
        NET,
        GNI,
        GNI_GE,
    ]


@pytest.fixture
def axes():
    import matplotlib.pyplot as plt

    from helpers.topics import plots

    fig, ax = plots.figure(1, 3)
    yield ax
    plt.close(fig)


def test_plot_ranked_draws_one_bar_per_row_and_the_target(axes):
    ranked = oda.rank_latest(_ratio())
    oda_figures.plot_ranked(axes[0], ranked)
    assert len(axes[0].patches) == len(ranked)
    assert axes[0].get_yticklabels()[0].get_text() == "Norway"
    assert "0.7% target" in [t.get_text() for t in axes[0].get_legend().get_texts()]


def test_plot_oda_gni_trend_marks_the_switch_only_inside_the_years(axes):
    oda_figures.plot_oda_gni_trend(axes[0], _ratio(), ["DAC", "NOR"])
    assert not axes[0].texts  # 2019-2020 only: no change of measure to mark
    wider = pd.concat([_ratio(), _ratio().assign(year=2016)])
    oda_figures.plot_oda_gni_trend(axes[1], wider, ["DAC", "NOR"])
    assert [t.get_text() for t in axes[1].texts] == ["grant-equivalent measure from 2018"]


def test_plot_volume_without_forecast_shows_the_observations(axes):
    observed = pd.Series([1000.0, 2000.0, 3000.0], index=[2018, 2019, 2020])
    outlook = models.forecast(observed)
    oda_figures.plot_volume(
        axes[0], observed, pd.Series(dtype=float), outlook, 0.95, "constant prices"
    )
    assert [t.get_text() for t in axes[0].get_legend().get_texts()] == ["observed"]
    assert axes[0].get_ylim()[0] == 0


def test_plot_dependence_and_ldc_share_draw(axes):
    received = _received()
    trend = oda.median_trend(received, REFERENCE, oda.RECIPIENT_SERIES[0])
    oda_figures.plot_dependence(axes, trend, oda.recipient_medians(received, REFERENCE))
    assert len(axes[0].lines) == 2
    assert len(axes[1].patches) == len(axes[2].patches) > 0
    share = pd.DataFrame({"year": [2000, 2001], "share": [20.0, 60.0]})
    oda_figures.plot_ldc_share(axes[0], share)
    assert axes[0].get_ylim()[1] == pytest.approx(66.0)


def test_model_sentences_state_the_assumption_and_the_short_series_caveat():
    rng = np.random.default_rng(1)
    years = np.arange(2008, 2020)
    data = pd.Series(1000 * 1.03 ** (years - 2000) * np.exp(rng.normal(0, 0.02, 12)), years)
    chow = oda_text.chow_sentence(models.chow_test(data, 2014), 2014, 0.95)
    assert "allows for AR(1) errors" in chow
    assert "With only 12 points the test has little power" in chow
    trend = oda_text.trend_sentence(models.loglinear_trend(data), 0.95, "ODA")
    assert "over 2008-2019 (95% interval" in trend and "allowing for AR(1) errors" in trend
    assert trend.endswith("likely too narrow if the errors are autocorrelated.")
    classical = oda_text.chow_sentence(models.chow_test(data, 2014, errors="iid"), 2014, 0.95)
    assert "assumes independent errors" in classical


# --- ODA to the LDCs against 0.15-0.20% of GNI -----------------------------------------------
BAND = (0.15, 0.20)
LDCG, TOTG = ldc.LDC_AID, ldc.UN_ODA_GNI


def _un(rows):
    return _tidy(rows).assign(vintage="2025.Q1", source="unsdg")


def _ldc_aid():
    rows = [
        ("NOR", 2021, LDCG, 0.31),
        ("NOR", 2022, LDCG, 0.30),
        ("NOR", 2022, TOTG, 0.86),
        ("USA", 2022, LDCG, 0.06),
        ("USA", 2022, TOTG, 0.22),
        ("ARE", 2022, LDCG, 0.15),  # exactly the low end: meets it
        ("DAC", 2022, LDCG, 0.09),
        ("DAC", 2022, TOTG, 0.36),
        ("G7", 2022, LDCG, 0.07),  # another provider group: left out
    ]
    return ldc.ldc_aid_series(_un(rows), REFERENCE)


def test_ldc_band_is_read_from_targets_yaml_with_its_citation():
    assert ldc.ldc_band() == BAND
    text = ldc.TARGETS_FILE.read_text(encoding="utf-8")
    assert "Istanbul Programme of Action" in text and "A/RES/76/258" in text


def test_ldc_band_refuses_a_malformed_entry(tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text("series:\n  DC_ODA_LDCG: {direction: increase, target_band: [0.2, 0.15]}\n")
    with pytest.raises(ParameterError, match="target_band"):
        ldc.ldc_band(path)


def test_ldc_aid_series_keeps_donors_and_the_dac_total_with_the_total_beside():
    aid = _ldc_aid()
    assert set(aid["economy"]) == {"NOR", "USA", "ARE", "DAC"}
    row = aid.set_index(["economy", "year"])
    assert row.loc[("NOR", 2022), "total_oda_gni_pct"] == 0.86
    assert np.isnan(row.loc[("NOR", 2021), "total_oda_gni_pct"])  # no total that year
    assert row.loc[("DAC", 2022), "provider"] == "DAC total"
    assert ldc.ldc_aid_series(_un([("NOR", 2022, TOTG, 0.9)]), REFERENCE).empty


def test_rank_ldc_aid_ranks_the_latest_year_and_places_donors_against_the_band():
    ranked = ldc.rank_ldc_aid(_ldc_aid(), BAND)
    assert set(ranked["year"]) == {2022}
    assert ranked["economy"].tolist() == ["NOR", "ARE", "DAC", "USA"]
    assert ranked["rank"].tolist() == [1, 2, pd.NA, 3]
    status = ranked.set_index("economy")["band_status"]
    assert status.to_dict() == {
        "NOR": "0.20% or more",
        "ARE": "0.15% to under 0.20%",
        "DAC": "under 0.15%",
        "USA": "under 0.15%",
    }
    assert ldc.band_counts(ranked) == {"donors": 3, "meets_low": 2, "meets_high": 1}


def test_rank_ldc_aid_takes_a_given_year_and_handles_nothing():
    assert ldc.rank_ldc_aid(_ldc_aid(), BAND, year=2021)["economy"].tolist() == ["NOR"]
    empty = ldc.rank_ldc_aid(_ldc_aid().iloc[0:0], BAND)
    assert empty.empty and {"rank", "band_status"} <= set(empty.columns)


def test_donor_trends_fit_a_line_per_donor_and_say_which_way():
    years = range(2010, 2022)
    rows = [("NOR", y, LDCG, 0.20 + 0.01 * (y - 2010) + 0.002 * (-1) ** y) for y in years]
    rows += [("USA", y, LDCG, 0.10 - 0.005 * (y - 2010) + 0.002 * (-1) ** y) for y in years]
    rows += [("DAC", y, LDCG, 0.09 + 0.004 * (-1) ** y) for y in years]
    rows += [("ARE", y, LDCG, 0.1) for y in (2020, 2021)]  # too short for a trend
    aid = ldc.ldc_aid_series(_un(rows), REFERENCE)
    trends = ldc.donor_trends(aid, 0.95)
    verdicts = ldc.trend_verdicts(trends).set_axis(trends["economy"]).to_dict()
    assert verdicts == {
        "NOR": "rising",
        "DAC": "no clear trend",
        "USA": "falling",
        "ARE": "not estimated",
    }
    slope = trends.set_index("economy").loc["NOR", "estimate"]
    assert slope == pytest.approx(0.01, abs=0.001)


def test_ldc_ranking_sentence_counts_both_ends_and_places_the_dac_total():
    ranked = ldc.rank_ldc_aid(_ldc_aid(), BAND)
    text = oda_text.ldc_ranking_sentence(ranked, BAND)
    assert "In **2022**, **2 of the 3** donors with data gave at least 0.15%" in text
    assert "**1** at least 0.20% (0.20% or more: Norway 0.30%; within the band: UAE 0.15%)" in text
    assert "together gave **0.09%**, 0.06 percentage points short of 0.15%" in text
    assert "0.36% of GNI as ODA to all recipients" in text
    assert "No donor" in oda_text.ldc_ranking_sentence(ranked.iloc[0:0], BAND)


def test_ldc_ranking_sentence_when_no_donor_meets_the_band():
    ranked = ldc.rank_ldc_aid(_ldc_aid(), (0.5, 0.6))
    text = oda_text.ldc_ranking_sentence(ranked, (0.5, 0.6))
    assert "**0 of the 3** donors" in text and "**0** at least 0.60%." in text


def test_ldc_trend_sentence_gives_the_dac_trend_the_counts_and_the_short_series_caveat():
    years = range(2014, 2022)  # 8 years: the model's short-series caveat applies
    rows = [("DAC", y, LDCG, 0.09 + 0.002 * (y - 2014) + 0.001 * (-1) ** y) for y in years]
    rows += [("NOR", y, LDCG, 0.3 + 0.003 * (-1) ** y) for y in years]
    trends = ldc.donor_trends(ldc.ldc_aid_series(_un(rows), REFERENCE), 0.95)
    text = oda_text.ldc_trend_sentence(trends, ldc.trend_verdicts(trends), 0.95)
    slope = trends.set_index("economy").loc["DAC", "estimate"]
    assert slope == pytest.approx(0.002, abs=0.0002)
    assert f"The ratio of the DAC countries changed by **{slope:+.4f} percentage points" in text
    assert "over 2014-2021" in text and "8 years): a rise." in text
    assert "only 8 years" in text  # the caveat of helpers.models.trends
    assert "Of the 1 donors, 1 show no clear trend" in text
    assert "No donor" in oda_text.ldc_trend_sentence(trends.iloc[0:0], pd.Series(), 0.95)


def test_ldc_source_sentence_names_the_database_the_vintage_and_the_band():
    frame = _un([("NOR", 2022, LDCG, 0.3), ("NOR", 2022, TOTG, 0.9)])
    text = oda_text.ldc_source_sentence(frame, BAND)
    assert text.startswith("Figures: the UN SDG Global Database series DC_ODA_LDCG and DC_ODA_TOTG")
    assert "OECD DAC" in text and "vintage: 2025.Q1" in text
    assert "Istanbul 2011" in text and "Doha 2022" in text
    demo = oda_text.ldc_source_sentence(frame.assign(source="demo"), BAND)
    assert demo.startswith("Figures: synthetic demo data standing in for")


def test_plot_ldc_ranked_shades_the_band_and_colours_by_status(axes):
    ranked = ldc.rank_ldc_aid(_ldc_aid(), BAND)
    oda_figures.plot_ldc_ranked(axes[0], ranked, BAND)
    assert len(axes[0].patches) >= len(ranked) + 1  # the bars and the shaded band
    labels = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert "0.20% or more" in labels and "DAC total" in labels
    assert any("0.15-0.20%" in label for label in labels)


def test_plot_ldc_trend_draws_the_donors_asked_for(axes):
    oda_figures.plot_ldc_trend(axes[0], _ldc_aid(), ["DAC", "NOR", "SWE"], BAND)
    labels = [t.get_text() for t in axes[0].get_legend().get_texts()]
    assert labels[:2] == ["DAC countries", "Norway"] and "0.15-0.20% band" in labels
