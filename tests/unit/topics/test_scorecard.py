"""Units of helpers.scorecard on tiny inline frames (the notebook runs are in test_notebook_04)."""

from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest

from helpers import catalogue
from helpers.errors import ParameterError, SchemaError, UsageError
from helpers.models import progress
from helpers.topics.scorecard import data as scorecard
from helpers.topics.scorecard import figures as scorecard_figures
from helpers.topics.scorecard import goal17
from helpers.topics.scorecard import profile as scorecard_profile
from helpers.topics.scorecard import text as scorecard_text

REFERENCE = pd.DataFrame(
    {
        "economy": ["KEN", "UGA", "TZA", "NOR", "VEN", "SSF", "WLD"],
        "economy_name": ["Kenya", "Uganda", "Tanzania", "Norway", "Venezuela", "SSA", "World"],
        "region": ["Sub-Saharan Africa"] * 3 + ["Europe & Central Asia", None, None, None],
        "income_group": [
            *["Lower middle income", "Low income", "Lower middle income", "High income"],
            *[None, None, None],
        ],
        "is_aggregate": [False] * 5 + [True, True],
        "ldc": [False, True, True, False, False, False, False],
        "dac_member": [False, False, False, True, False, False, False],
        "beyond_dac": [False] * 7,
        "global_south": [True, True, True, False, False, False, False],
    }
)


def tidy_rows(economy: str, series: str, values: dict[int, float]) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "economy": economy,
            "year": list(values),
            "series": series,
            "value": list(values.values()),
            "source": "demo",
        }
    )


# --- parameters and profile ----------------------------------------------------------------


def test_check_economy_normalises_a_code():
    assert scorecard_profile.check_economy(" ken ", REFERENCE) == "KEN"


def test_check_economy_names_an_unknown_code():
    # Unknown codes come from the one economy check (groups), as a UsageError.
    with pytest.raises(UsageError, match="unknown economy codes: XYZ"):
        scorecard_profile.check_economy("XYZ", REFERENCE)


@pytest.mark.parametrize("code", ["SSF", "WLD", "LDC", "Low income"])
def test_check_economy_refuses_groups_and_aggregates(code):
    with pytest.raises(ParameterError, match="the scorecard is for one economy"):
        scorecard_profile.check_economy(code, REFERENCE)


def test_check_economy_refuses_a_list():
    with pytest.raises(ParameterError, match="one economy code"):
        scorecard_profile.check_economy(["KEN", "UGA"], REFERENCE)


def test_profile_sets_codes_and_roles():
    ken = scorecard_profile.profile("KEN", REFERENCE)
    nor = scorecard_profile.profile("NOR", REFERENCE)
    ven = scorecard_profile.profile("VEN", REFERENCE)
    assert (ken["income_code"], ken["region_code"]) == ("LMC", "SSF")
    assert (ken["recipient"], ken["provider"]) == (True, False)
    assert (nor["recipient"], nor["provider"]) == (False, True)
    assert (ven["income_code"], ven["recipient"], ven["provider"]) == ("", False, False)


def test_income_and_region_codes_accept_names_codes_and_aliases():
    assert scorecard_profile.income_code("Low income") == "LIC"
    assert scorecard_profile.income_code("hic") == "HIC"
    assert scorecard_profile.region_code("Latin America and Caribbean") == "LCN"
    assert scorecard_profile.region_code(None) == ""


def test_header_markdown_lists_the_flags():
    text = scorecard_profile.header_markdown(scorecard_profile.profile("UGA", REFERENCE))
    assert "| Economy | Uganda (UGA) |" in text
    assert "| Least developed country (UN) | yes |" in text
    assert "| Role in this scorecard | ODA recipient |" in text


# --- targets and series --------------------------------------------------------------------


def test_targets_cover_the_catalogue_with_the_documented_numbers():
    targets = scorecard.load_targets().set_index("series")
    assert set(targets.index) == set(catalogue.load().ids())
    assert targets.at["DAC1.ODA.GNI.GE", "target"] == 0.7
    assert targets.at["DAC1.ODA.GNI.GE", "earliest_base"] == 2018
    assert targets.at["IT.NET.USER.ZS", "target"] == 100
    assert targets.at["DT.TDS.DECT.EX.ZS", "direction"] == "decrease"
    assert targets.at["SP.POP.TOTL", "direction"] == "none"


def test_load_targets_names_a_missing_series(tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text("series:\n  IT.NET.USER.ZS: {direction: increase}\n")
    with pytest.raises(SchemaError, match=r"no entry for catalogue series .*SP\.POP\.TOTL"):
        scorecard.load_targets(path)


def test_load_targets_refuses_a_target_without_direction(tmp_path):
    path = tmp_path / "targets.yaml"
    path.write_text("series:\n  IT.NET.USER.ZS: {direction: none, target: 100}\n")
    with pytest.raises(SchemaError, match=r"IT\.NET\.USER\.ZS: a target must"):
        scorecard.load_targets(path)


def test_candidate_series_keeps_one_price_basis():
    constant = scorecard.candidate_series("constant")
    assert "DAC1.ODA.NET.CONSTANT" in constant and "DAC1.ODA.NET.CURRENT" not in constant
    assert "DAC1.GNI.CURRENT" in constant  # no constant twin
    assert "DT.ODA.ODAT.CD" in constant
    assert "DAC2A.ODA.RECEIVED.CURRENT" in scorecard.candidate_series("current")


def test_applicable_series_follow_the_role():
    targets = scorecard.load_targets()
    ids = scorecard.candidate_series("constant")
    provider = scorecard.applicable_series(
        scorecard_profile.profile("NOR", REFERENCE), targets, ids
    )
    recipient = scorecard.applicable_series(
        scorecard_profile.profile("KEN", REFERENCE), targets, ids
    )
    assert "DAC1.ODA.GNI.GE" in provider and "DAC2A.ODA.RECEIVED.CONSTANT" not in provider
    assert "DAC2A.ODA.RECEIVED.CONSTANT" in recipient and "DAC1.ODA.GNI.GE" not in recipient
    assert "IT.NET.USER.ZS" in provider and "IT.NET.USER.ZS" in recipient


def test_missing_series():
    own = tidy_rows("KEN", "IT.NET.USER.ZS", {2020: 1.0})
    assert scorecard.missing_series(own, ["IT.NET.USER.ZS", "SP.POP.TOTL"]) == ["SP.POP.TOTL"]
    assert scorecard.missing_series(own.iloc[0:0], ["SP.POP.TOTL"]) == ["SP.POP.TOTL"]


# --- the indicator table -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "method"),
    [
        *[("usd", "loglinear"), ("usd_millions", "loglinear"), ("count", "loglinear")],
        *[("percent", "linear"), ("percent_open", "linear"), ("per_100", "linear")],
        ("index", "linear"),
    ],
)
def test_trend_method_follows_unit_kind(kind, method):
    assert scorecard.trend_method(kind) == method


def test_latest_values_take_the_last_year_per_series():
    own = pd.concat(
        [
            tidy_rows("KEN", "IT.NET.USER.ZS", {2019: 10.0, 2021: 12.0, 2020: 11.0}),
            tidy_rows("KEN", "SP.POP.TOTL", {2010: 5.0}),
        ]
    )
    out = scorecard.latest_values(own)
    expected = pd.DataFrame(
        {
            "series": ["IT.NET.USER.ZS", "SP.POP.TOTL"],
            "latest_year": [2021, 2010],
            "latest_value": [12.0, 5.0],
            "first_year": [2019, 2010],
            "n_years": [3, 1],
        }
    )
    pd.testing.assert_frame_equal(out, expected)


def test_summarise_trends_linear_slope_and_clipped_projection():
    noise = [0.1, -0.1, 0.05, -0.05, 0.0, 0.1, -0.1]
    values = {2010 + i: 90 + 1.5 * i + e for i, e in enumerate(noise)}
    out = scorecard.summarise_trends(tidy_rows("KEN", "IT.NET.USER.ZS", values), horizon=5)
    row = out.iloc[0]
    assert row["trend_method"] == "linear"
    assert row["trend"] == pytest.approx(1.5, abs=0.05)
    assert row["trend_ci_low"] < row["trend"] < row["trend_ci_high"]
    assert row["trend_unit"] == "% of population per year"
    assert (row["projection_year"], row["projection"]) == (2021, 100.0)  # clipped to a share


def test_summarise_trends_loglinear_growth_in_percent():
    values = {2010 + i: 100 * 1.05**i * (1.001 if i % 2 else 0.999) for i in range(8)}
    out = scorecard.summarise_trends(tidy_rows("KEN", "SP.POP.TOTL", values), horizon=2)
    row = out.iloc[0]
    assert row["trend_method"] == "loglinear"
    assert row["trend_unit"] == "% per year"
    assert row["trend"] == pytest.approx(5.0, abs=0.1)
    assert row["projection"] == pytest.approx(values[2017] * (1 + row["trend"] / 100) ** 2)


def test_summarise_trends_says_when_data_are_short():
    out = scorecard.summarise_trends(tidy_rows("NOR", "DAC1.ODA.GNI.GE", {2018: 1, 2019: 1.1}))
    assert out.iloc[0]["trend_status"] == "insufficient data"
    assert np.isnan(out.iloc[0]["projection"])


def test_compare_with_peers_median_rank_percentile():
    panel = pd.concat(
        [
            tidy_rows("KEN", "IT.NET.USER.ZS", {2020: 30.0, 2021: 40.0}),
            tidy_rows("TZA", "IT.NET.USER.ZS", {2021: 20.0}),
            tidy_rows("UGA", "IT.NET.USER.ZS", {2021: 60.0}),  # Low income: region peer only
            tidy_rows("NOR", "IT.NET.USER.ZS", {2021: 99.0}),
        ]
    )
    latest = scorecard.latest_values(panel[panel["economy"] == "KEN"])
    out = scorecard.compare_with_peers(latest, panel, REFERENCE, "KEN").iloc[0]
    assert (out["income"], out["income_n"], out["income_median"]) == (
        "Lower middle income",
        2,
        30.0,
    )
    assert (out["income_rank"], out["income_percentile"]) == (1, 100.0)
    assert (out["region_n"], out["region_median"], out["region_rank"]) == (3, 40.0, 2)
    assert out["region_percentile"] == pytest.approx(200 / 3)


def test_compare_with_peers_without_a_group():
    panel = tidy_rows("VEN", "IT.NET.USER.ZS", {2021: 70.0})
    out = scorecard.compare_with_peers(scorecard.latest_values(panel), panel, REFERENCE, "VEN")
    assert out.iloc[0]["income_n"] == 0 and np.isnan(out.iloc[0]["income_median"])


def test_aggregate_values_read_the_same_year():
    aggregates = pd.concat(
        [
            tidy_rows("LMC", "IT.NET.USER.ZS", {2020: 25.0, 2021: 27.0}),
            tidy_rows("SSF", "IT.NET.USER.ZS", {2020: 22.0}),
        ]
    )
    latest = scorecard.latest_values(tidy_rows("KEN", "IT.NET.USER.ZS", {2021: 40.0}))
    out = scorecard.aggregate_values(
        latest, aggregates, scorecard_profile.profile("KEN", REFERENCE)
    )
    row = out.iloc[0]
    assert (row["income_aggregate"], row["income_aggregate_value"]) == ("LMC", 27.0)
    assert row["region_aggregate"] == "SSF" and np.isnan(row["region_aggregate_value"])


def _peers(series, median, n):
    return pd.DataFrame({"series": series, "income_median": median, "income_n": n})


def test_assemble_gap_only_for_scale_free_series_with_enough_peers():
    latest = pd.DataFrame(
        {
            "series": ["IT.NET.USER.ZS", "SP.POP.TOTL", "IT.NET.BBND.P2"],
            "latest_year": [2021] * 3,
            "latest_value": [30.0, 2e6, 1.0],
        }
    )
    peers = _peers(latest["series"], [40.0, 1e6, 2.0], [5, 5, 2])
    table = scorecard.assemble(latest, peers).set_index("series")
    assert table.at["IT.NET.USER.ZS", "gap_to_income_median_pct"] == pytest.approx(-25.0)
    assert np.isnan(table.at["SP.POP.TOTL", "gap_to_income_median_pct"])  # a count
    assert np.isnan(table.at["IT.NET.BBND.P2", "gap_to_income_median_pct"])  # 2 peers
    assert table.at["SP.POP.TOTL", "title"] == "Population, total"


def test_assemble_of_nothing_is_empty():
    assert scorecard.assemble(scorecard.latest_values(tidy_rows("X", "SP.POP.TOTL", {})[:0])).empty


# --- progress ------------------------------------------------------------------------------


def test_assess_matches_assess_progress_and_skips_directionless_series():
    values = {2015: 20.0, 2016: 25.0, 2018: 35.0, 2020: 45.0}
    own = pd.concat(
        [tidy_rows("KEN", "IT.NET.USER.ZS", values), tidy_rows("KEN", "SP.POP.TOTL", values)]
    )
    out = scorecard.assess(own, scorecard.load_targets(), 2015).set_index("series")
    direct = progress.assess_progress(pd.Series(values), 100, "increase", 2015, 2030).iloc[0]
    assert out.at["IT.NET.USER.ZS", "category"] == direct["category"]
    assert out.at["IT.NET.USER.ZS", "actual_cagr"] == pytest.approx(direct["actual_cagr"])
    assert out.at["SP.POP.TOTL", "category"] == scorecard.NOT_ASSESSED
    assert set(out["method"]) == {"open_sdg"}


def test_assess_passes_the_method_on_and_refuses_an_unknown_one():
    own = tidy_rows("KEN", "IT.NET.USER.ZS", {2015: 20.0, 2020: 45.0})
    out = scorecard.assess(own, scorecard.load_targets(), 2015, method="open_sdg")
    assert out.at[0, "method"] == "open_sdg"
    assert out.at[0, "category"] in progress.categories("open_sdg")
    with pytest.raises(ValueError, match="known methods"):
        scorecard.assess(own, scorecard.load_targets(), 2015, method="made_up")


def test_category_counts_follow_the_method_order_best_first():
    prog = pd.DataFrame(
        {
            "category": ["Deterioration", "On track", "insufficient data", "On track"],
            "method": "open_sdg",
        }
    )
    counts = scorecard.category_counts(prog)
    assert list(counts.index) == ["On track", "Deterioration", "insufficient data"]
    assert list(counts) == [2, 1, 1]


def test_assess_uses_the_earliest_base_and_names_short_data():
    own = pd.concat(
        [
            tidy_rows("NOR", "DAC1.ODA.GNI.GE", {2018: 0.94, 2019: 1.02, 2020: 1.11}),
            # one year only: Open SDG needs two ("Unable to assess")
            tidy_rows("NOR", "DAC1.ODA.NET.CONSTANT", {2020: 3.0}),
        ]
    )
    out = scorecard.assess(own, scorecard.load_targets(), 2015).set_index("series")
    assert out.at["DAC1.ODA.GNI.GE", "base_from"] == 2018
    assert out.at["DAC1.ODA.GNI.GE", "category"] == "Target achieved"
    assert out.at["DAC1.ODA.GNI.GE", "note"].startswith("target achieved")
    assert out.at["DAC1.ODA.NET.CONSTANT", "category"] == "insufficient data"
    assert out.at["DAC1.ODA.NET.CONSTANT", "note"].startswith("Unable to assess")


# --- narrative -----------------------------------------------------------------------------


def _progress(categories):
    return pd.DataFrame({"category": categories})


def test_progress_sentence_counts_categories():
    text = scorecard_text.progress_sentence(
        _progress(["On track", "Deterioration", "On track", "insufficient data", "not assessed"]),
        "Kenya",
        2015,
    )
    assert "Of the 4 series for Kenya" in text
    assert "2 On track, 1 Deterioration and 1 with insufficient data" in text
    assert "1 more have no desired direction" in text


def test_progress_sentence_names_and_cites_the_method():
    prog = _progress(["On track", "Deterioration"]).assign(method="open_sdg")
    text = scorecard_text.progress_sentence(prog, "Kenya", 2015)
    assert "Open SDG / Statistics Canada progress measure" in text
    assert "https://open-sdg.readthedocs.io/en/latest/progress-methodology/" in text
    assert "against 95% and 60%" in text and "against 1.5% and 0.5% a year" in text
    assert "any decline is 'Deterioration'" in text


def test_method_label_names_publisher_and_year():
    label = scorecard_text.method_label("open_sdg")
    assert label.startswith("Open SDG / Statistics Canada progress measure (Open SDG")
    assert "2025" in label


def test_category_colours_go_by_rank_not_by_label():
    colours = scorecard_figures.category_colours("open_sdg")
    ranked = [colours[c] for c in progress.categories("open_sdg")]
    assert ranked[0] == scorecard_figures.RANK_COLOURS[0]
    assert ranked[-1] == scorecard_figures.RANK_COLOURS[-1]
    assert len(set(ranked)) == len(ranked)
    assert colours["insufficient data"] == scorecard_figures.NO_CATEGORY_COLOUR


def test_progress_sentence_without_anything_to_assess():
    assert "nothing to assess" in scorecard_text.progress_sentence(_progress([]), "X", 2015)
    assert "no progress assessment" in scorecard_text.progress_sentence(
        _progress(["not assessed"]), "X", 2015
    )


def test_gap_sentence_prefers_series_with_a_direction():
    table = pd.DataFrame(
        {
            "series": ["TX.VAL.MRCH.R6.ZS", "DT.TDS.DECT.EX.ZS"],
            "title": ["Exports to SSA (% of x)", "Total debt service (% of exports)"],
            "sdg_relation": ["proxy", "official"],
            "unit": ["% of x", "% of exports"],
            "latest_year": [2011, 2020],
            "latest_value": [40.0, 20.0],
            "income": "Lower middle income",
            "income_median": [4.0, 10.0],
            "income_n": [30, 20],
            "income_rank": [2, 3],
            "gap_to_income_median_pct": [900.0, 100.0],
        }
    )
    text = scorecard_text.gap_sentence(table, scorecard.load_targets(), "Kenya")
    assert "Total debt service (DT.TDS.DECT.EX.ZS): 20.0% of exports in 2020" in text
    assert "100% above the median of 10.0% of exports across 20 Lower middle income" in text
    assert "behind its peers, as the aim is to decrease it" in text


def test_gaps_and_coverage_sentences():
    assert "on 1 of the 2 catalogue series that apply to it: SP.POP.TOTL" in (
        scorecard_text.gaps_sentence(["SP.POP.TOTL"], ["SP.POP.TOTL", "IT.NET.USER.ZS"], "Kenya")
    )
    assert "Every catalogue series" in scorecard_text.gaps_sentence([], ["SP.POP.TOTL"], "Kenya")
    table = pd.DataFrame({"series": ["A", "B"], "latest_year": [2011, 2023]})
    text = scorecard_text.coverage_sentence(table, "Kenya", 2000, 2024)
    assert "holds 2 catalogue series" in text and "between 2011 and 2023 (the oldest: A)" in text
    assert "holds no catalogue series" in scorecard_text.coverage_sentence(
        table[:0], "K", 2000, 2024
    )


# --- figures -------------------------------------------------------------------------------


def test_pick_panels_goes_round_the_indicators_and_drops_denominators():
    table = pd.DataFrame(
        {
            "series": [
                *["DT.ODA.ODAT.CD", "DT.ODA.ODAT.GN.ZS", "NY.GNP.MKTP.CD", "IT.NET.USER.ZS"],
                *["IT.CEL.SETS.P2", "BX.KLT.DINV.WD.GD.ZS"],
            ],
            "sdg": ["17.3.1", "17.3.1", "17.2.1", "17.8.1", "17.8.1", "17.3.1"],
            "sdg_relation": ["proxy", "proxy", "denominator", "official", "proxy", "proxy"],
            "unit_kind": "percent",
        }
    )
    # Round 1: the first of each indicator (official first); round 2 in catalogue order;
    # then drawn in the card's order: finance (17.3.1) before technology (17.8.1).
    assert scorecard_figures.pick_panels(table, limit=3) == [
        "DT.ODA.ODAT.CD",
        "DT.ODA.ODAT.GN.ZS",
        "IT.NET.USER.ZS",
    ]
    assert "NY.GNP.MKTP.CD" not in scorecard_figures.pick_panels(table)


def test_pick_panels_leaves_out_yes_no_series():
    table = pd.DataFrame(
        {
            "series": ["SG_STT_FPOS", "IQ.SPI.OVRL"],
            "sdg": ["17.18.2", "17.18.1"],
            "sdg_relation": ["official", "official"],
            "unit_kind": ["flag", "index"],
        }
    )
    assert scorecard_figures.pick_panels(table) == ["IQ.SPI.OVRL"]


def test_group_medians_drop_sparse_years():
    panel = pd.concat(
        [
            tidy_rows("KEN", "IT.NET.USER.ZS", {2020: 10.0, 2021: 20.0}),
            tidy_rows("TZA", "IT.NET.USER.ZS", {2020: 30.0}),
            tidy_rows("UGA", "IT.NET.USER.ZS", {2020: 99.0}),  # other income group
        ]
    )
    out = scorecard_figures.group_medians(panel, REFERENCE, "Lower middle income", min_share=0.6)
    assert out[["year", "value", "n"]].values.tolist() == [[2020, 20.0, 2]]
    assert scorecard_figures.group_medians(panel, REFERENCE, None).empty


def test_panel_title_has_the_id_and_at_most_two_title_lines():
    entry = catalogue.get("TX.VAL.MRCH.R1.ZS")
    lines = scorecard_figures.panel_title(entry.id, entry.sdg, entry.title).split("\n")
    assert lines[0] == "Trade · 17.11.1 · TX.VAL.MRCH.R1.ZS"
    assert len(lines) <= 3 and all(len(line) <= 40 for line in lines[1:])


def test_plots_draw_one_panel_per_series_and_one_row_per_assessed_series():
    own = pd.concat(
        [
            tidy_rows("KEN", "IT.NET.USER.ZS", {2015: 20.0, 2016: 25.0, 2018: 35.0}),
            tidy_rows("KEN", "SP.POP.TOTL", {2015: 1.0, 2016: 2.0, 2018: 3.0}),
        ]
    )
    table = scorecard.assemble(scorecard.latest_values(own))
    medians = scorecard_figures.group_medians(own, REFERENCE, "Lower middle income")
    fig = scorecard_figures.plot_trends(own, medians, table, ["IT.NET.USER.ZS"], "Kenya", "LMC")
    assert len([ax for ax in fig.axes if ax.get_visible()]) == 1
    prog = scorecard.assess(own, scorecard.load_targets(), 2015)
    fig2 = scorecard_figures.plot_progress(prog, "Kenya")
    assert len(fig2.axes[0].get_yticklabels()) == 1
    plt.close("all")


# --- all of Goal 17: flags, group series, the 24-indicator accounting, the card by area ------


def targets_frame(**overrides: dict) -> pd.DataFrame:
    """A targets table for every catalogue series (direction none, for every economy), with
    ``overrides`` per series id (``DC_ODA_TOTG={"applies_to": "provider"}``), independent of
    helpers/reference/targets.yaml."""
    rows = []
    for sid in catalogue.load().ids():
        row = {"series": sid, "direction": "none", "target": np.nan, "target_year": 2030}
        row |= {"earliest_base": pd.NA, "applies_to": "all", "basis": "", "published_for": ""}
        rows.append(row | overrides.get(sid.replace(".", "_"), {}))
    return pd.DataFrame(rows)


DONOR_ONLY = {"applies_to": "provider", "direction": "increase"}
ROLE_TARGETS = targets_frame(
    DC_ODA_TOTG=DONOR_ONLY,
    DC_ODA_LDCG=DONOR_ONLY | {"target": 0.15},
    DAC1_ODA_GNI_GE=DONOR_ONLY,
    DAC1_ODA_NET_CONSTANT=DONOR_ONLY,
    DAC1_ODA_GE_CONSTANT=DONOR_ONLY,
    DAC2A_ODA_RECEIVED_CONSTANT={"applies_to": "recipient"},
    DT_ODA_ODAT_CD={"applies_to": "recipient"},
    DT_ODA_ODAT_GN_ZS={"applies_to": "recipient"},
    DT_ODA_ODAT_PC_ZS={"applies_to": "recipient"},
    SG_STT_FPOS={"direction": "increase"},
    IT_NET_USER_ZS={"direction": "increase", "target": 100.0},
    TX_EXP_GBMRCH={"published_for": "groups"},
    TX_IMP_GBMRCH={"published_for": "groups"},
    TM_TAX_DPRF={"published_for": "groups"},
)


CANDIDATES = scorecard.candidate_series("constant", ROLE_TARGETS)


def test_candidate_series_leave_out_group_series():
    groups = scorecard.group_series(ROLE_TARGETS)
    assert groups == ["TX_EXP_GBMRCH", "TX_IMP_GBMRCH", "TM_TAX_DPRF"]
    ids = scorecard.candidate_series("constant", ROLE_TARGETS)
    assert not set(groups) & set(ids)
    assert set(groups) <= set(scorecard.candidate_series("constant"))  # without targets
    assert {"DC_ODA_LDCG", "SG_STT_FPOS", "TM_TAX_WMFN"} <= set(ids)
    prof = scorecard_profile.profile("KEN", REFERENCE)
    every = scorecard.candidate_series("constant")
    applicable = scorecard.applicable_series(prof, ROLE_TARGETS, every)
    assert not set(groups) & set(applicable)


def test_targets_mark_the_group_series_and_refuse_other_scopes(tmp_path):
    targets = scorecard.load_targets()
    assert set(scorecard.group_series(targets)) == {"TX_EXP_GBMRCH", "TX_IMP_GBMRCH", "TM_TAX_DPRF"}
    assert {catalogue.get(s).sdg for s in scorecard.group_series(targets)} == {
        "17.11.1",
        "17.12.1",
    }
    path = tmp_path / "targets.yaml"
    path.write_text("series:\n  IT.NET.USER.ZS: {direction: increase, published_for: donors}\n")
    with pytest.raises(SchemaError, match=r"IT\.NET\.USER\.ZS: published_for must be 'groups'"):
        scorecard.load_targets(path)


def test_a_flag_gets_no_trend_and_no_progress_category():
    own = tidy_rows("KEN", "SG_STT_FPOS", {2016: 0.0, 2018: 1.0, 2019: 1.0, 2020: 1.0, 2021: 1.0})
    trend = scorecard.summarise_trends(own).iloc[0]
    assert trend["trend_status"] == "not applicable" and np.isnan(trend["trend"])
    assert "yes/no" in trend["trend_note"] and np.isnan(trend["projection"])
    prog = scorecard.assess(own, ROLE_TARGETS, 2015).iloc[0]
    assert prog["category"] == scorecard.NOT_ASSESSED
    assert prog["note"] == scorecard.FLAG_PROGRESS_NOTE


def test_a_flag_has_no_gap_to_peers():
    latest = pd.DataFrame({"series": ["SG_STT_FPOS"], "latest_year": [2021], "latest_value": [1.0]})
    table = scorecard.assemble(latest, _peers(["SG_STT_FPOS"], [0.5], [10]))
    assert np.isnan(table.at[0, "gap_to_income_median_pct"])
    assert table.at[0, "area"] == "systemic issues"


def _held(*series: str) -> set[str]:
    return set(series)


def test_coverage_accounts_for_every_indicator():
    prof = scorecard_profile.profile("KEN", REFERENCE)
    held = _held("IT.NET.USER.ZS", "DT.ODA.ODAT.CD", "SP.POP.TOTL", "SG_STT_FPOS")
    cov = goal17.coverage(held, prof, ROLE_TARGETS, CANDIDATES)
    assert len(cov) == 24 == len(catalogue.indicators())
    assert list(cov["indicator"]) == list(catalogue.indicators()["indicator"])
    counts = goal17.counts(cov)
    assert counts["covered"] + counts["not covered"] + counts["gap"] == counts["total"] == 24
    status = cov.set_index("indicator")["status"]
    # a denominator (population, 17.6.1) serves an indicator without measuring it
    assert status[["17.8.1", "17.3.1", "17.18.2"]].eq("covered").all()
    assert status["17.6.1"] == "not covered"
    assert (counts["covered"], counts["gap"]) == (3, len(catalogue.gaps()))
    assert set(cov.loc[cov["status"] == "gap", "indicator"]) == set(catalogue.gaps()["indicator"])
    assert cov.set_index("indicator").at["17.3.1", "series"] == "DT.ODA.ODAT.CD"


def test_coverage_reasons_name_donor_only_and_group_series():
    candidates = CANDIDATES
    ken = scorecard_profile.profile("KEN", REFERENCE)
    nor = scorecard_profile.profile("NOR", REFERENCE)
    ken_cov = goal17.coverage(set(), ken, ROLE_TARGETS, candidates).set_index("indicator")
    nor_cov = goal17.coverage(set(), nor, ROLE_TARGETS, candidates).set_index("indicator")
    # 17.2.1 for a recipient: the by-donor series are for providers, aid received has no data
    reason = ken_cov.at["17.2.1", "reason"]
    assert "For ODA providers only: " in reason and "DC_ODA_LDCG" in reason
    assert "no data for Kenya in the store: DAC2A.ODA.RECEIVED.CONSTANT" in reason
    # for a provider, the by-donor series are simply missing
    assert nor_cov.at["17.2.1", "reason"].startswith("No data for Norway in the store: ")
    assert "DC_ODA_TOTG" in nor_cov.at["17.2.1", "reason"]
    assert "ODA providers only" not in nor_cov.at["17.2.1", "reason"]
    # 17.12.1 is published for groups of economies only
    assert ken_cov.at["17.12.1", "reason"] == (
        "Published for groups of economies only, not for one economy: TM_TAX_DPRF."
    )
    assert ken_cov.at["17.5.1", "status"] == "gap"
    assert ken_cov.at["17.5.1", "reason"].startswith("No catalogue series: ")


def test_donor_series_held_by_a_donor_cover_17_2_1():
    nor = scorecard_profile.profile("NOR", REFERENCE)
    cov = goal17.coverage({"DC_ODA_LDCG"}, nor, ROLE_TARGETS, CANDIDATES)
    assert cov.set_index("indicator").at["17.2.1", "status"] == "covered"


def test_area_counts_follow_the_five_areas():
    prof = scorecard_profile.profile("KEN", REFERENCE)
    cov = goal17.coverage({"IT.NET.USER.ZS"}, prof, ROLE_TARGETS, CANDIDATES)
    table = goal17.area_counts(cov)
    assert list(table["area"]) == list(catalogue.AREAS)
    assert table["indicators"].tolist() == [7, 3, 1, 3, 10]  # 17.1-17.5 ... 17.13-17.19
    assert table.set_index("area").at["technology", "covered"] == 1
    assert table["indicators"].sum() == 24
    assert (table["covered"] + table["not covered"] + table["gap"] == table["indicators"]).all()
    assert goal17.area_targets("finance") == "17.1-17.5"
    assert goal17.area_targets("capacity building") == "17.9"


def _card_own() -> pd.DataFrame:
    years = range(2010, 2021)
    return pd.concat(
        [
            tidy_rows("KEN", "TM_TAX_WMFN", {y: 8.0 - 0.2 * (y - 2010) for y in years}),
            tidy_rows("KEN", "IT.NET.USER.ZS", {y: 10.0 + 3 * (y - 2010) for y in years}),
            tidy_rows("KEN", "SG_STT_FPOS", {2018: 0.0, 2020: 1.0}),
            tidy_rows("KEN", "GR_G14_GDP", {2018: 15.0, 2019: 16.0, 2020: 15.5}),
            tidy_rows("KEN", "DT.ODA.ODAT.CD", {y: 1e9 * 1.03 ** (y - 2010) for y in years}),
        ]
    ).assign(value=lambda f: f["value"] + np.tile([0.01, -0.01], len(f) // 2 + 1)[: len(f)])


def test_card_rows_are_grouped_by_area_then_indicator():
    own = _card_own()
    table = scorecard.assemble(scorecard.latest_values(own), scorecard.summarise_trends(own))
    card = goal17.card(table, scorecard.assess(own, ROLE_TARGETS, 2015))
    assert card["series"].tolist() == [
        "GR_G14_GDP",  # finance, 17.1.1
        "DT.ODA.ODAT.CD",  # finance, 17.3.1
        "IT.NET.USER.ZS",  # technology
        "TM_TAX_WMFN",  # trade
        "SG_STT_FPOS",  # systemic issues
    ]
    areas = goal17.by_area(card)
    assert list(areas) == list(catalogue.AREAS)
    assert areas["capacity building"].empty and len(areas["finance"]) == 2


def test_card_view_shows_flags_targets_and_trends_for_people():
    own = _card_own()
    table = scorecard.assemble(
        scorecard.latest_values(own),
        scorecard.summarise_trends(own),
        _peers(own["series"].unique(), 1.0, 5).assign(income_rank=1),
    )
    card = goal17.card(table, scorecard.assess(own, ROLE_TARGETS, 2015)).set_index("series")
    view = scorecard_text.card_view(card.reset_index()).set_index("series")
    assert view.at["SG_STT_FPOS", "latest"] == "Yes" and view.at["SG_STT_FPOS", "year"] == 2020
    assert view.at["SG_STT_FPOS", scorecard_text.TREND_COLUMN] == "none (yes/no)"
    assert view.at["SG_STT_FPOS", "progress"] == "not assessed (yes/no)"
    assert view.at["SG_STT_FPOS", "income median"] == ""  # no median of yes/no answers
    assert view.at["TM_TAX_WMFN", "progress"] == "no target"  # direction none here
    assert view.at["IT.NET.USER.ZS", "progress"] in progress.categories("open_sdg")
    trend = view.at["IT.NET.USER.ZS", scorecard_text.TREND_COLUMN]
    assert trend.startswith("+3.00 pp (") and "to +3." in trend
    assert view.at["DT.ODA.ODAT.CD", scorecard_text.TREND_COLUMN].startswith("+3.0")
    assert "% (" in view.at["DT.ODA.ODAT.CD", scorecard_text.TREND_COLUMN]  # growth, in %
    assert view.at["GR_G14_GDP", scorecard_text.TREND_COLUMN] == (
        "none: 3 usable (non-missing) points"
    )
    assert view.at["IT.NET.USER.ZS", "latest"] == "40.0"


def test_short_trends_carry_the_models_caveat():
    own = tidy_rows("KEN", "IT.NET.USER.ZS", {2015: 1.0, 2016: 2.1, 2017: 2.9, 2018: 4.2, 2019: 5})
    table = scorecard.assemble(scorecard.latest_values(own), scorecard.summarise_trends(own))
    card = goal17.card(table, None)
    assert scorecard_text.card_view(card).at[0, scorecard_text.TREND_COLUMN].endswith(" †")
    sentence = scorecard_text.trend_caveat_sentence(table)
    assert sentence.startswith(
        "† The trend model warns about 1 trend, whose interval may be too narrow or unreliable: "
        "IT.NET.USER.ZS, few years: the autocorrelation is poorly estimated"
    )
    assert "interval is likely too narrow" in sentence
    assert scorecard_text.trend_caveat_sentence(table.iloc[0:0]) is None


def test_indicator_and_area_sentences_account_for_all_24():
    prof = scorecard_profile.profile("KEN", REFERENCE)
    cov = goal17.coverage(
        {"IT.NET.USER.ZS", "IQ.SPI.OVRL"},
        prof,
        ROLE_TARGETS,
        scorecard.candidate_series("constant"),
    )
    n_gaps = len(catalogue.gaps())
    sentence = scorecard_text.indicators_sentence(cov, "Kenya")
    assert sentence.startswith("2 of 24 SDG 17 indicators covered for Kenya; not covered: 17.1.1,")
    not_covered = sentence.split("not covered: ")[1].split(";")[0].split(", ")
    assert len(not_covered) == 22 - n_gaps and "17.8.1" not in not_covered
    assert f"; no catalogue series: {', '.join(catalogue.gaps()['indicator'])} (the" in sentence
    tech = goal17.by_area(cov)["technology"]
    text = scorecard_text.area_sentence(tech, "Kenya")
    assert text.startswith("1 of 3 technology indicators covered for Kenya: 17.8.1.")
    assert (
        "- **17.6.1** Fixed Internet broadband subscriptions per 100 inhabitants, by speed: "
        in text
    )
    assert "not covered. No data for Kenya in the store: IT.NET.BBND.P2, IT_NET_BBND." in text
    finance = scorecard_text.area_sentence(goal17.by_area(cov)["finance"], "Kenya")
    assert "**17.5.1**" in finance and "catalogue gap." in finance
    assert scorecard_text.area_heading("capacity building") == (
        "### Capacity building (targets 17.9)"
    )


@pytest.mark.parametrize(
    ("title", "short"),
    [
        ("Net ODA received (% of GNI)", "Net ODA received"),
        ("Statistical performance indicators (SPI) overall score (scale 0-100)",
         "Statistical performance indicators (SPI) overall score"),
        ("ODA (gross disbursements) for technical cooperation, by recipient",
         "ODA (gross disbursements) for technical cooperation, by recipient"),
    ],
)  # fmt: skip
def test_short_title_drops_only_a_closing_qualifier(title, short):
    assert scorecard_text.short_title(title) == short
