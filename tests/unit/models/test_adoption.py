"""Fractional-logit adoption curves: known-parameter recovery and edge cases."""

from __future__ import annotations

import numpy as np
import pandas.testing as pdt
import pytest
from scipy import special

from helpers.models import adoption
from helpers.models.results import INSUFFICIENT, OK
from tests.unit.models import synthetic

# --- fractional logit ----------------------------------------------------------------------


def test_fractional_logit_recovers_year_reaching_targets():
    result = adoption.fractional_logit(synthetic.adoption(0.3, 2012.0))
    assert synthetic.term(result, "slope")["estimate"] == pytest.approx(0.3, abs=0.03)
    assert synthetic.term(result, "year_reach_50")["estimate"] == pytest.approx(2012.0, abs=1.0)
    reach_75 = synthetic.term(result, "year_reach_75")
    assert reach_75["estimate"] == pytest.approx(2012 + special.logit(0.75) / 0.3, abs=1.0)
    assert reach_75["ci_low"] < reach_75["estimate"] < reach_75["ci_high"]


def test_fractional_logit_notes_target_already_reached():
    note = synthetic.term(adoption.fractional_logit(synthetic.adoption()), "year_reach_50")["note"]
    assert "already reached in the data" in note


def test_fractional_logit_declining_share_gives_no_target_year():
    reach = synthetic.term(
        adoption.fractional_logit(synthetic.adoption(slope=-0.3)), "year_reach_75"
    )
    assert reach["status"] == OK
    assert np.isnan(reach["estimate"])
    assert "no upward trend" in reach["note"]


def test_fractional_logit_saturation_rescales_values():
    share = adoption.fractional_logit(synthetic.adoption() / 100, saturation=1.0, targets=(0.5,))
    percent = adoption.fractional_logit(synthetic.adoption(), saturation=100.0, targets=(50.0,))
    share.loc[share["term"] == "ceiling", "estimate"] *= 100  # the ceiling is in value units
    pdt.assert_series_equal(share["estimate"], percent["estimate"])


def test_fractional_logit_rejects_values_above_saturation():
    data = synthetic.adoption()
    data[2003] = 101.0
    with pytest.raises(ValueError, match=r"years \[2003\]"):
        adoption.fractional_logit(data)


def test_fractional_logit_rejects_non_positive_target():
    with pytest.raises(ValueError, match="targets"):
        adoption.fractional_logit(synthetic.adoption(), targets=(0.0,))


def test_fractional_logit_target_at_saturation_gives_no_year():
    reach = synthetic.term(
        adoption.fractional_logit(synthetic.adoption(), targets=(100.0,)), "year_reach_100"
    )
    assert reach["status"] == OK
    assert np.isnan(reach["estimate"])
    assert "below the level 100" in reach["note"] or "saturation 100 is below" in reach["note"]


def test_fractional_logit_ceiling_below_level_gives_no_year():
    # True ceiling 80, fitted at saturation 100: the data level off before 90.
    result = adoption.fractional_logit(0.8 * synthetic.adoption(), targets=(50.0, 90.0))
    ceiling = synthetic.term(result, "ceiling")
    assert ceiling["ci_low"] < 80 < ceiling["ci_high"] < 90
    reach = result[result["term"].str.startswith("year_reach_90")]
    assert len(reach) == 3 and reach["estimate"].isna().all()
    assert (reach["status"] == OK).all()
    assert "level off below 90" in reach["note"].iloc[0]
    assert np.isfinite(synthetic.term(result, "year_reach_50")["estimate"])


def test_fractional_logit_recovers_ceiling():
    ceiling = synthetic.term(adoption.fractional_logit(synthetic.adoption()), "ceiling")
    assert ceiling["estimate"] == pytest.approx(100, abs=3)
    assert ceiling["ci_low"] < 100 < ceiling["ci_high"]


def test_fractional_logit_ceiling_unknown_before_the_bend():
    early = synthetic.adoption().loc[:2008]  # all before the midpoint, 2012
    ceiling = synthetic.term(adoption.fractional_logit(early), "ceiling")
    assert ceiling["status"] == OK
    assert np.isnan(ceiling["estimate"]) or ceiling["ci_high"] > 2 * ceiling["estimate"]


def test_fractional_logit_sensitivity_rows_are_ordered():
    data = 0.85 * synthetic.adoption(slope=0.3, midpoint=2016.0)  # below 90, so every fit runs
    result = adoption.fractional_logit(data, targets=(75.0,)).set_index("term")
    terms = ["year_reach_75 (saturation 90)", "year_reach_75", "year_reach_75 (saturation 110)"]
    years = result.loc[terms, "estimate"]
    assert years.notna().all()
    # A lower ceiling is reached later.
    assert years.iloc[0] > years.iloc[1] > years.iloc[2]
    assert "conditional on saturation 90" in result.loc[terms[0], "note"]


def test_fractional_logit_sensitivity_none_leaves_rows_out():
    result = adoption.fractional_logit(synthetic.adoption(), sensitivity=None)
    assert result["term"].tolist() == [
        "intercept",
        "slope",
        "ceiling",
        "year_reach_50",
        "year_reach_75",
    ]


def test_fractional_logit_sensitivity_above_data_says_why():
    result = adoption.fractional_logit(synthetic.adoption())  # values reach 96.6 > 90
    reach = synthetic.term(result, "year_reach_50 (saturation 90)")
    assert np.isnan(reach["estimate"])
    assert "above the saturation 90" in reach["note"]


def test_fractional_logit_notes_saturation_conditionality():
    result = adoption.fractional_logit(synthetic.adoption(), saturation=100.0)
    for term in ("slope", "year_reach_50", "year_reach_75"):
        assert "conditional on saturation 100" in synthetic.term(result, term)["note"]


def test_fractional_logit_widens_intervals_for_autocorrelated_noise():
    rng = np.random.default_rng(3)
    noise = np.zeros(len(synthetic.YEARS))
    for i in range(1, len(noise)):
        noise[i] = 0.8 * noise[i - 1] + rng.normal(0, 0.15)
    smooth = synthetic.series(100 * special.expit(0.3 * (synthetic.YEARS - 2012) + noise))
    slope = synthetic.term(adoption.fractional_logit(smooth), "slope")
    assert "AR(1)" in slope["note"]
    rho = float(slope["note"].split("rho ")[1].split(")")[0])
    assert rho > 0.3


def test_ar1_sandwich_is_ols_variance_without_autocorrelation():
    years = np.arange(2000, 2012)
    design = np.column_stack([np.ones(12), years - years.mean()])
    resid = np.array([1.0, -1.0] * 6)  # negative lag-1 autocorrelation: treated as none
    cov, rho, df = adoption.ar1_sandwich(design, resid, years)
    assert rho == 0.0 and df == 10
    expected = resid @ resid / 10 * np.linalg.inv(design.T @ design)
    np.testing.assert_allclose(cov, expected, atol=1e-15)


def test_fractional_logit_perfect_separation_is_insufficient():
    jump = synthetic.series([0.0, 0.0, 0.0, 0.0, 100.0, 100.0, 100.0, 100.0])
    synthetic.assert_insufficient(adoption.fractional_logit(jump), 8, "not identified")


def test_predict_fractional_logit_returns_curve_in_value_units():
    curve = adoption.predict_fractional_logit(synthetic.adoption(), [2000, 2012, 2030])
    assert list(curve.columns) == ["year", "fitted", "ci_low", "ci_high", "status", "note"]
    assert curve["fitted"].tolist() == pytest.approx(
        100 * special.expit(0.3 * np.array([-12, 0, 18])), abs=2.0
    )
    assert (curve["ci_low"] < curve["fitted"]).all() and (curve["fitted"] < curve["ci_high"]).all()


def test_predict_fractional_logit_with_too_few_points_is_insufficient():
    curve = adoption.predict_fractional_logit(synthetic.adoption().iloc[:4], [2030])
    assert curve["status"].tolist() == [INSUFFICIENT]
    assert curve["fitted"].isna().all()
