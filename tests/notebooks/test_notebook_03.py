"""Notebook 03 (technology access) executed on the demo store and on the real files.

One execution per store is shared by the tests of this module; the key numbers in the saved
tables are recomputed here straight from the tidy table.
"""

from __future__ import annotations

import pandas as pd
import papermill
import pytest

from helpers import tidy
from helpers.sources.demo.notice import DEMO_NOTICE
from helpers.store import Store
from helpers.topics.technology import data as technology
from tests.notebooks.harness import error_outputs, execute, saved_table, store_runs, text_of

pytestmark = pytest.mark.notebook

NAME = "03_technology_access"
ECONOMIES = ["KEN", "BGD", "ETH", "IND", "NGA", "VNM", "RWA", "GHA"]  # the notebook's default
FIGURES = ["technology_trajectories", "adoption_curves", "digital_divide"]
TABLES = [
    "latest_values",
    "income_group_latest_medians",
    "income_group_medians",
    "adoption_reach",
    "internet_income_gap",
    "internet_dispersion",
    "internet_convergence",
    "provenance",
]


demo_run, real_run = store_runs(NAME)


def _internet(root, **kwargs) -> pd.DataFrame:
    frame = tidy.load([technology.INTERNET], start=1995, end=2024, store=Store(root), **kwargs)
    ref = tidy.economies(store=Store(root))[["economy", "income_group"]]
    return frame.merge(ref, on="economy")


def _check_latest(out, root, economy: str) -> pd.Series:
    """The table's latest internet value is the economy's last non-missing tidy row."""
    table = saved_table(out, "latest_values").set_index(["economy", "series"])
    row = table.loc[(economy, technology.INTERNET)]
    data = _internet(root).query("economy == @economy").dropna(subset=["value"])
    last = data.loc[data["year"].idxmax()]
    assert row["year"] == last["year"]
    assert row["value"] == pytest.approx(last["value"], rel=1e-5)
    return row


def _check_recent_medians(out, root) -> None:
    """Most-recent-value medians: economies' latest value within 5 years of the last year."""
    data = _internet(root).dropna(subset=["value"])
    recent = data[data["year"] > data["year"].max() - 5].sort_values("year")
    recent = recent.groupby("economy").tail(1)
    expected = recent.groupby("income_group")["value"].median()
    table = saved_table(out, "income_group_latest_medians").query("series == @technology.INTERNET")
    table = table.set_index("income_group")["median"]
    assert set(table.index) == set(expected.index)
    for group, value in expected.items():
        assert table[group] == pytest.approx(value, rel=1e-5)


def _check_yearly_gap(out, root, year: int) -> None:
    data = _internet(root).query("year == @year").dropna(subset=["value"])
    medians = data.groupby("income_group")["value"].median()
    gap = saved_table(out, "internet_income_gap").set_index("year").loc[year]
    assert gap["high"] == pytest.approx(medians["High income"], rel=1e-5)
    assert gap["gap"] == pytest.approx(medians["High income"] - medians["Low income"], rel=1e-5)


def _check_adoption_rows(out) -> pd.DataFrame:
    table = saved_table(out, "adoption_reach")
    internet = table[(table["series"] == technology.INTERNET) & (table["kind"] == "economy")]
    assert internet["unit"].tolist() == ECONOMIES  # one row per economy asked, in order
    groups = table[table["kind"] == "income group"]
    assert set(groups["unit"]) == {"Low income", "Lower middle income", "Upper middle income",
                                   "High income"}  # fmt: skip
    return internet.set_index("unit")


# --- demo data -----------------------------------------------------------------------------


def test_demo_runs_to_the_end_with_the_synthetic_notice(demo_run):
    nb, out, _ = demo_run
    assert error_outputs(nb) == []
    assert DEMO_NOTICE in text_of(nb)
    for name in FIGURES:
        assert (out / f"{name}.png").stat().st_size > 10_000
        assert not (out / f"{name}.svg").exists()  # SVG only on demand
    for name in TABLES:
        assert (out / f"{name}.csv").exists(), name


def test_demo_tables_match_the_tidytable(demo_run):
    _, out, root = demo_run
    assert _check_latest(out, root, "KEN")["year"] == 2024
    _check_recent_medians(out, root)
    _check_yearly_gap(out, root, 2010)


def test_demo_adoption_and_convergence(demo_run):
    _, out, _ = demo_run
    internet = _check_adoption_rows(out)
    assert (internet["status"] == "ok").all()
    assert (internet["ci_low_50"] < internet["year_reach_50"]).all()
    # 75 gets a year only where the curve's estimated ceiling is not below it
    projected = internet["year_reach_75"].notna()
    assert projected.sum() >= 3
    both = internet[projected]
    assert (both["year_reach_50"] < both["year_reach_75"]).all()
    assert (internet.loc[~projected, "ceiling"] < 75).all()
    assert internet.loc[~projected, "note"].str.contains("level off below 75").all()
    conv = saved_table(out, "internet_convergence").set_index("term")
    assert conv.loc["beta", "n"] == 42 and conv.loc["beta", "note"].startswith("1995-2024")


# --- real data -----------------------------------------------------------------------------


def test_real_runs_fully(real_run):
    nb, out, _ = real_run
    assert error_outputs(nb) == []
    text = text_of(nb)
    assert DEMO_NOTICE not in text and "is skipped:**" not in text
    for name in FIGURES:
        assert (out / f"{name}.png").exists() and not (out / f"{name}.svg").exists()
    for name in TABLES:
        assert (out / f"{name}.csv").exists(), name


def test_real_kenya_latest_internet_use_and_group_medians(real_run):
    _, out, root = real_run
    row = _check_latest(out, root, "KEN")
    assert row["year"] == 2022 and row["value"] == pytest.approx(40.8137, abs=1e-4)
    _check_recent_medians(out, root)
    _check_yearly_gap(out, root, 2015)


def test_real_adoption_table_and_well_covered_years(real_run):
    _, out, _ = real_run
    internet = _check_adoption_rows(out)
    assert internet.loc["KEN", "status"] == "ok"
    # 2023 holds only the early reporters: medians and convergence stop in 2022.
    assert saved_table(out, "internet_income_gap")["year"].max() == 2022
    conv = saved_table(out, "internet_convergence").set_index("term")
    assert conv.loc["beta", "note"].startswith("1995-2022")


# --- bad parameters ------------------------------------------------------------------------


def test_unknown_economy_stops_with_one_sentence(demo_root, tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as exc:
        execute(NAME, demo_root, tmp_path, economies=["KENYA"])
    assert "unknown economy codes: KENYA (did you mean KEN?)" in str(exc.value)


def test_inverted_years_stop_with_one_sentence(demo_root, tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as exc:
        execute(NAME, demo_root, tmp_path, start_year=2024, end_year=1995)
    assert "start_year 2024 is after end_year 1995" in str(exc.value)
