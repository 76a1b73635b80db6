"""Notebook 05 (partnerships, trade and capacity) executed on the demo store and on the real files.

One execution per store is shared by the tests of this module; the key numbers in the saved
tables are recomputed here straight from the tidy table (the volatility by hand with numpy,
not with the helper under test).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import papermill
import pytest

from helpers import catalogue, tidy
from helpers.reference import groups
from helpers.sources.demo.notice import DEMO_NOTICE
from helpers.store import Store
from helpers.topics.partnerships import data as partnerships
from tests.notebooks.harness import (
    error_outputs,
    execute,
    load_json,
    saved_table,
    store_runs,
    text_of,
)

pytestmark = pytest.mark.notebook

NAME = "05_partnerships_capacity"
SECTIONS = [
    "## Domestic resource mobilisation (17.1)",
    "## Capacity building (17.9.1)",
    "## Trade and tariffs (17.10-17.12)",
    "## Policy coherence, country ownership and partnerships (17.14-17.17)",
    "## Statistical capacity (17.18, 17.19)",
    "## Predictability of aid: how volatile receipts are",
    "## What this page does not cover",
    "## Data behind this notebook",
]
FIGURES = [
    "domestic_resources",
    "technical_cooperation",
    "trade_groups",
    "partnerships",
    "statistical_capacity",
    "aid_volatility",
]
TABLES = [
    "domestic_resources_latest",
    "domestic_resources_spread",
    "domestic_resources_group_medians",
    "technical_cooperation",
    "technical_cooperation_by_year",
    "trade_by_group",
    "tariffs_mfn_latest",
    "partnership_scores_spread",
    "partnership_flags",
    "ppp_commitments",
    "statistics_spread",
    "statistics_group_medians",
    "statistics_flags",
    "statistical_capacity_support",
    "aid_volatility",
    "aid_volatility_by_group",
    "indicator_gaps",
    "provenance",
]

demo_run, real_run = store_runs(NAME)


def _global_south(root) -> list[str]:
    reference = tidy.economies(store=Store(root))
    return groups.validate_groups_or_economies(["global_south"], reference)


def _cv_by_hand(values: pd.Series) -> float:
    """The CV of receipts over their log-linear trend, computed independently of the helper."""
    years = values.index.to_numpy(dtype=float)
    slope, intercept = np.polyfit(years, np.log(values.to_numpy()), 1)
    detrended = values.to_numpy() / np.exp(intercept + slope * years)
    return float(np.std(detrended, ddof=2) / detrended.mean())


# --- demo data -----------------------------------------------------------------------------


def test_demo_runs_to_the_end_with_every_section_and_the_notice(demo_run):
    nb, out, _ = demo_run
    assert error_outputs(nb) == []
    text = text_of(nb)
    assert DEMO_NOTICE in text and "is skipped:**" not in text
    positions = [text.index(heading) for heading in SECTIONS]
    assert positions == sorted(positions)
    for name in FIGURES:
        assert (out / f"{name}.png").stat().st_size > 10_000, name
    for name in TABLES:
        assert (out / f"{name}.csv").exists(), name


def test_demo_findings_lead_with_aid_volatility(demo_run):
    _, out, _ = demo_run
    record = load_json(out / "findings.json")
    assert record["title"] == "Partnerships, trade and capacity, 2000-2024: Global South"
    assert record["demo"] is True and 3 <= len(record["findings"]) <= 5
    assert record["findings"][0].startswith("Aid receipts deviated from their log-linear trend")
    assert "Least developed countries' share of world merchandise exports" in " ".join(
        record["findings"]
    )


def test_demo_volatility_matches_a_computation_by_hand(demo_run):
    _, out, root = demo_run
    codes = _global_south(root)
    receipts = tidy.load(
        partnerships.RECEIVED_CONSTANT, economies=codes, start=2000, end=2024, store=Store(root)
    )
    table = saved_table(out, "aid_volatility").set_index("economy")
    assert set(table.index) == set(receipts["economy"])
    for code in ("KEN", "ETH", "BGD"):
        values = receipts[receipts["economy"] == code].set_index("year")["value"].sort_index()
        assert table.loc[code, "cv"] == pytest.approx(_cv_by_hand(values), rel=1e-6)
        assert table.loc[code, "n"] == len(values)
    by_group = saved_table(out, "aid_volatility_by_group").set_index("income_group")
    measured = table[table["status"] == "ok"]
    for group, cvs in measured.groupby("income_group")["cv"]:
        assert by_group.loc[group, "n"] == len(cvs)
        assert by_group.loc[group, "median"] == pytest.approx(cvs.median(), rel=1e-9)
        if len(cvs) >= 5:
            assert by_group.loc[group, "ci_low"] <= cvs.median() <= by_group.loc[group, "ci_high"]
        else:
            assert np.isnan(by_group.loc[group, "ci_low"])


def test_demo_flags_count_every_economy_asked_for(demo_run):
    _, out, root = demo_run
    codes = _global_south(root)
    flags = saved_table(out, "statistics_flags").set_index("series")
    assert (flags[["yes", "no", "no_report"]].sum(axis=1) == len(codes)).all()
    rows = tidy.load("SG_STT_FPOS", economies=codes, start=2000, end=2024, store=Store(root))
    last = rows.sort_values("year").groupby("economy").tail(1)
    assert flags.loc["SG_STT_FPOS", "yes"] == int((last["value"] == 1).sum())
    assert flags.loc["SG_STT_FPOS", "no_report"] == len(codes) - last["economy"].nunique()


def test_demo_trade_and_gaps(demo_run):
    _, out, root = demo_run
    aggs = tidy.load(
        partnerships.EXPORT_SHARE, aggregates=True, start=2000, end=2024, store=Store(root)
    )
    ldc = aggs[aggs["economy"] == "LDC"].sort_values("year")
    trade = saved_table(out, "trade_by_group").set_index(["group", "series"])
    row = trade.loc[("Least developed countries", partnerships.EXPORT_SHARE)]
    assert row["latest"] == pytest.approx(ldc["value"].iloc[-1])
    assert row["base"] == pytest.approx(ldc.loc[ldc["year"] == 2011, "value"].iloc[0])
    gaps = saved_table(out, "indicator_gaps")
    assert set(catalogue.gaps()["indicator"]) <= set(gaps["indicator"])


# --- real data -----------------------------------------------------------------------------


def test_real_runs_and_says_what_it_lacks(real_run):
    nb, out, root = real_run
    assert error_outputs(nb) == []
    text = text_of(nb)
    assert DEMO_NOTICE not in text
    for heading in SECTIONS:
        assert heading in text
    # The real files hold no aid received by recipient: the section says so in one sentence.
    assert "**The aid-volatility section (either series) is skipped:**" in text
    gaps = saved_table(out, "indicator_gaps").set_index("indicator")
    assert gaps.loc["17.5.1", "why"].startswith("no series")
    held = set(tidy.load(store=Store(root))["series"])
    if partnerships.TECH_COOP not in held:
        assert gaps.loc["17.9.1", "why"] == "no data in the store for these years"


def test_real_un_series_when_imported(real_run):
    """With the UN SDG files imported: Kenya's technical cooperation and the LDC export share
    as in the DDF files (2020 release)."""
    nb, out, root = real_run
    held = set(tidy.load(store=Store(root))["series"])
    if partnerships.TECH_COOP not in held:
        pytest.skip("the real-files store holds no UN SDG series (DDF files not imported)")
    coop = saved_table(out, "technical_cooperation").set_index("economy")
    assert (coop.loc["KEN", "latest_year"], coop.loc["KEN", "latest"]) == (
        2018,
        pytest.approx(382.57888),
    )
    trade = saved_table(out, "trade_by_group").set_index(["group", "series"])
    ldc = trade.loc[("Least developed countries", partnerships.EXPORT_SHARE)]
    assert ldc["base"] == pytest.approx(1.1054) and ldc["latest_year"] == 2018
    assert "it is short of the 2.21% that doubling it" in text_of(nb)


# --- bad parameters ------------------------------------------------------------------------


def test_unknown_economy_stops_with_one_sentence(demo_root, tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as exc:
        execute(NAME, demo_root, tmp_path, economies=["KENYA"])
    assert "unknown economy codes: KENYA (did you mean KEN?)" in str(exc.value)


def test_a_small_selection_runs_and_counts_its_own_economies(demo_root, tmp_path):
    nb = execute(NAME, demo_root, tmp_path, economies=["KEN", "ETH", "BGD"], start_year=2010)
    assert error_outputs(nb) == []
    flags = saved_table(tmp_path, "statistics_flags")
    assert (flags[["yes", "no", "no_report"]].sum(axis=1) == 3).all()
    assert set(saved_table(tmp_path, "aid_volatility")["economy"]) == {"KEN", "ETH", "BGD"}
    assert "too few for an interval" in text_of(nb)
