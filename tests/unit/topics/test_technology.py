import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from helpers.models import convergence
from helpers.topics.technology import data as technology
from helpers.topics.technology import figures as technology_figures
from helpers.topics.technology import text as technology_text

NET, MOB = technology.INTERNET, technology.MOBILE
YEARS = list(range(2000, 2012))


def _tidy(rows: list[tuple]) -> pd.DataFrame:
    """(economy, year, series, value) tuples as a canonical tidy frame."""
    frame = pd.DataFrame(rows, columns=["economy", "year", "series", "value"])
    return frame.assign(economy_name=frame["economy"] + " name", source="worldbank", vintage="v")


def _logistic(mid: float, slope: float = 0.6, saturation: float = 100.0) -> list[float]:
    return [saturation / (1 + np.exp(-slope * (y - mid))) for y in YEARS]


def _reference() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "economy": ["KEN", "BGD", "ETH", "USA", "DEU"],
            "income_group": ["Lower middle income"] * 2 + ["Low income"] + ["High income"] * 2,
        }
    )


def test_latest_values_in_the_order_asked():
    frame = _tidy(
        [
            ("KEN", 2020, NET, 30.0),
            ("KEN", 2022, NET, 40.8),
            ("BGD", 2021, NET, 38.0),
            ("BGD", 2023, NET, np.nan),
            ("ETH", 2022, NET, 19.0),
        ]
    )
    out = technology.latest_values(frame, ["KEN", "BGD"])
    assert out[["economy", "year", "value"]].values.tolist() == [
        ["KEN", 2022, 40.8],
        ["BGD", 2021, 38.0],
    ]


def test_recent_group_medians_leave_out_values_older_than_the_window():
    frame = _tidy(
        [
            ("KEN", 2022, NET, 40.0),
            ("BGD", 2019, NET, 20.0),
            ("BGD", 2021, NET, 30.0),
            ("ETH", 2015, NET, 5.0),  # too old: the series ends in 2022
            ("USA", 2022, NET, 90.0),
        ]
    )
    out = technology.recent_group_medians(frame, _reference(), window=5)
    expected = pd.DataFrame(
        {
            "income_group": ["High income", "Lower middle income"],
            "series": NET,
            "median": [90.0, 35.0],
            "n": [1, 2],
            "year_from": [2022, 2021],
            "year_to": [2022, 2022],
        }
    )
    assert_frame_equal(out, expected)


def test_recent_wide_orders_income_groups():
    recent = pd.DataFrame(
        {"income_group": ["High income", "Low income"], "series": NET, "median": [90.04, 20.0]}
    )
    out = technology_text.recent_wide(recent)
    assert out["income_group"].tolist() == ["Low income", "High income"]
    assert out[technology.SERIES[NET]].tolist() == [20.0, 90.0]


def test_latest_wide_keeps_one_row_per_economy_when_names_differ():
    latest = pd.DataFrame(
        {
            "economy": ["VNM", "VNM"],
            "economy_name": ["Viet Nam", "Vietnam"],
            "series": [NET, MOB],
            "year": [2023, 2021],
            "value": [78.1, 138.9],
        }
    )
    out = technology_text.latest_wide(latest)
    assert len(out) == 1 and out["economy_name"].iloc[0] == "Viet Nam"
    assert out[technology.SERIES[NET]].iloc[0] == "78.1 (2023)"
    assert out[technology.SERIES[MOB]].iloc[0] == "138.9 (2021)"


def test_fit_adoption_and_reach_table_give_one_row_per_unit_with_the_reason():
    frame = pd.DataFrame(
        {
            "economy": ["KEN"] * 12 + ["BGD"] * 3 + ["ETH"] * 12,
            "year": YEARS + YEARS[:3] + YEARS,
            "value": [*_logistic(2008), 1.0, 2.0, 3.0, *_logistic(2003, saturation=160.0)],
        }
    )
    fits = technology.fit_adoption(frame, "economy", saturation=150.0, level=0.95)
    out = technology.reach_table(fits, ["KEN", "BGD", "ETH", "NPL"], "economy")
    assert out["economy"].tolist() == ["KEN", "BGD", "ETH", "NPL"]
    assert out["status"].tolist() == ["ok", "insufficient data", "above saturation", "no data"]
    # KEN follows 100 / (1 + exp(-0.6 (t - 2008))), which is 50 in 2008; fitted against a
    # ceiling of 150 the curve is not exact, so only the neighbourhood is checked.
    assert 2005 < out.loc[0, "year_reach_50"] < 2010
    assert out.loc[0, "ci_low_50"] < out.loc[0, "year_reach_50"] < out.loc[0, "ci_high_50"]
    assert "at least 6" in out.loc[1, "note"]
    assert np.isnan(out.loc[2, "year_reach_50"]) and "above the saturation" in out.loc[2, "note"]


def test_reach_table_flags_no_upward_trend():
    flat = pd.DataFrame({"economy": "KEN", "year": YEARS, "value": [20.0, 21.0, 19.0] * 4})
    fits = technology.fit_adoption(flat, "economy", saturation=100.0, level=0.95)
    out = technology.reach_table(fits, ["KEN"], "economy")
    assert out.loc[0, "status"] == "no upward trend"
    assert "no upward trend" in out.loc[0, "note"]


def test_adoption_table_covers_economies_and_income_groups():
    frame = _tidy([("KEN", y, NET, v) for y, v in zip(YEARS, _logistic(2009), strict=True)])
    medians = pd.DataFrame(
        {"income_group": "Low income", "series": NET, "year": YEARS, "median": _logistic(2012)}
    )
    out = technology.adoption_table(frame, medians, ["KEN", "BGD"], {NET: 100.0}, 0.95)
    assert out[["unit", "kind", "status"]].values.tolist() == [
        ["KEN", "economy", "ok"],
        ["BGD", "economy", "no data"],
        ["Low income", "income group", "ok"],
    ]
    assert out.loc[0, "year_reach_50"] == pytest.approx(2009, abs=0.01)
    assert technology_text.status_sentences(out) == [
        "- BGD, internet users: no data (no values in the years asked for)."
    ]
    (line,) = technology_text.reach_sentences(out, 0.95)
    assert line.startswith("- Low income, internet users: 50 around 2012")


def test_adoption_curves_skip_units_above_saturation():
    values = _logistic(2008) + _logistic(2003, saturation=160.0)  # VNM passes 150
    frame = pd.DataFrame({"economy": ["KEN"] * 12 + ["VNM"] * 12, "year": YEARS * 2})
    frame = frame.assign(value=values)
    out = technology.adoption_curves(frame, ["KEN", "VNM"], "economy", [2000, 2020], 150.0, 0.95)
    assert out["economy"].unique().tolist() == ["KEN"]
    assert (out["ci_low"] <= out["fitted"]).all() and (out["fitted"] <= out["ci_high"]).all()


def test_trim_thin_years_drops_years_with_few_reporters():
    rows = [(e, y, NET, 1.0) for e in ["KEN", "BGD", "ETH", "USA"] for y in (2020, 2021)]
    rows += [("KEN", 2022, NET, 1.0)]
    out = technology.trim_thin_years(_tidy(rows))
    assert sorted(out["year"].unique()) == [2020, 2021]


def test_income_gap_is_high_minus_low():
    medians = pd.DataFrame(
        {
            "income_group": ["High income", "Low income", "High income"],
            "year": [2020, 2020, 2021],
            "median": [90.0, 20.0, 91.0],
        }
    )
    out = technology.income_gap(medians)
    expected = pd.DataFrame({"year": [2020], "high": [90.0], "low": [20.0], "gap": [70.0]})
    assert_frame_equal(out, expected, check_names=False)


def test_convergence_sentences_read_signs():
    frame = pd.DataFrame(
        {
            "economy": list("abcdef") * 2,
            "year": [2000] * 6 + [2010] * 6,
            "value": [0, 10, 20, 30, 40, 50, 40, 45, 52, 60, 66, 71.0],
        }
    )
    beta = convergence.beta_convergence(frame, 2000, 2010, log=False)
    (line,) = technology_text.convergence_sentences(beta, 0.95)
    assert line.startswith("Beta -") and "started lower gained more" in line


def test_figures_draw_without_error():
    frame = _tidy([("KEN", y, NET, v) for y, v in zip(YEARS, _logistic(2009), strict=True)])
    _fig, axes = plt.subplots(2, 2)
    technology_figures.draw_trajectories(axes, frame, ["KEN"])
    assert axes[0, 0].get_lines() and axes[1, 1].texts[0].get_text() == "no data"
    medians = pd.DataFrame(
        {"income_group": "Low income", "series": NET, "year": YEARS, "median": _logistic(2012)}
    )
    adoption = technology.adoption_table(frame, medians, ["KEN"], {NET: 100.0}, 0.95)
    _fig, axes = plt.subplots(1, 1, squeeze=False)
    technology_figures.draw_adoption(axes, frame, adoption, {NET: 100.0}, YEARS, 0.95)
    _fig, axes = plt.subplots(1, 3)
    gap = technology.income_gap(medians)
    technology_figures.draw_divide(axes, medians, gap, convergence.dispersion(frame))
    plt.close("all")


def test_reach_table_carries_sensitivity_range_and_ceiling():
    rng = np.random.default_rng(0)
    values = np.array(_logistic(2009, slope=0.5)) * np.exp(rng.normal(0, 0.03, len(YEARS)))
    frame = pd.DataFrame({"economy": "KEN", "year": YEARS, "value": values})
    fits = technology.fit_adoption(frame, "economy", saturation=100.0, level=0.95)
    row = technology.reach_table(fits, ["KEN"], "economy").iloc[0]
    years = row[["sat_low_50", "year_reach_50", "sat_high_50"]]
    assert years.notna().all() and years.max() - years.min() > 0.01
    assert {"ceiling", "ceiling_low", "ceiling_high"} <= set(row.index)


def test_reach_table_says_when_the_ceiling_is_below_the_level():
    frame = pd.DataFrame({"economy": "KEN", "year": YEARS, "value": _logistic(2004, saturation=85)})
    fits = technology.fit_adoption(frame, "economy", 100.0, 0.95, targets=(90.0,))
    row = technology.reach_table(fits, ["KEN"], "economy", targets=(90.0,)).iloc[0]
    assert np.isnan(row["year_reach_90"]) and row["status"] == "ceiling below level"
    assert row["ceiling"] == pytest.approx(85, abs=1)
