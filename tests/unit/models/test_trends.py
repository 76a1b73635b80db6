"""Trends, structural-break tests and forecasts: known-parameter recovery and edge cases."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from helpers import models
from helpers.models import trends
from helpers.models.results import OK
from tests.unit.models import synthetic

# --- trends --------------------------------------------------------------------------------


def test_linear_trend_recovers_slope_under_ar1_noise():
    slope = synthetic.term(models.linear_trend(synthetic.trend()), "slope")
    assert slope["estimate"] == pytest.approx(0.5, abs=0.05)
    assert slope["ci_low"] < 0.5 < slope["ci_high"]
    assert slope["p_value"] < 0.001


def test_linear_trend_records_default_hac_lags():
    # 24 points: int(4 * 0.24 ** (2/9)) = 2
    assert "maxlags=2" in synthetic.term(models.linear_trend(synthetic.trend()), "slope")["note"]


def test_linear_trend_rejects_negative_hac_lags():
    with pytest.raises(ValueError, match="hac_lags"):
        models.linear_trend(synthetic.trend(), hac_lags=-1)


def test_loglinear_trend_recovers_growth_rate():
    growth = synthetic.term(models.loglinear_trend(synthetic.growth(0.04)), "growth_rate")
    assert growth["estimate"] == pytest.approx(0.04, abs=0.005)
    assert growth["ci_low"] < 0.04 < growth["ci_high"]


def test_loglinear_trend_counts_non_positive_values():
    values = synthetic.growth().to_numpy()
    values[[3, 7]] = [0.0, -1.0]
    synthetic.assert_insufficient(
        models.loglinear_trend(synthetic.series(values)), 24, "2 of 24 values"
    )


def test_cagr_endpoint_matches_hand_computation():
    data = synthetic.series([100.0, 90.0, 130.0, 120.0, 121.0])  # 2000..2004
    endpoint = synthetic.term(models.cagr(data), "cagr_endpoint")
    assert endpoint["estimate"] == pytest.approx(1.21**0.25 - 1)
    assert endpoint["status"] == OK
    assert np.isnan(endpoint["ci_low"]) and np.isnan(endpoint["ci_high"])


def test_cagr_from_loglinear_fit_covers_true_rate():
    rate = synthetic.term(models.cagr(synthetic.growth(0.04)), "cagr")
    assert rate["ci_low"] < 0.04 < rate["ci_high"]


# --- breaks --------------------------------------------------------------------------------


def _white_trend(seed: int, years=synthetic.YEARS) -> pd.Series:
    rng = np.random.default_rng(seed)
    return synthetic.series(3 + 0.5 * (years - 2000) + rng.normal(0, 0.5, len(years)), years)


def test_chow_detects_level_shift():
    data = _white_trend(0) + np.where(synthetic.YEARS >= 2018, 2.5, 0)  # 5 noise sd
    result = models.chow_test(data, 2018)
    assert result["p_value"].iloc[0] < 0.01
    assert "F(2, 20)" in result["note"].iloc[0]


def test_chow_does_not_reject_without_break():
    # A fixed seed; with a 5% test about one seed in twenty would reject.
    assert models.chow_test(_white_trend(2), 2018)["p_value"].iloc[0] > 0.05


def test_chow_short_segment_is_insufficient():
    result = models.chow_test(_white_trend(0), 2022)
    synthetic.assert_insufficient(result, 24, "22 points before 2022 and 2 from it")


def test_chow_rejects_min_segment_below_two():
    with pytest.raises(ValueError, match="min_segment"):
        models.chow_test(_white_trend(0), 2010, min_segment=1)


def test_cusum_detects_level_shift_in_long_series():
    years = np.arange(1960, 2024)
    data = _white_trend(0, years) + np.where(years >= 2000, 3.0, 0)
    assert models.cusum_test(data)["p_value"].iloc[0] < 0.01


def test_cusum_does_not_reject_stable_trend():
    result = models.cusum_test(_white_trend(0, np.arange(1960, 2024)))
    assert result["p_value"].iloc[0] > 0.05
    assert "stability not rejected" in result["note"].iloc[0]


def test_cusum_exact_line_is_insufficient():
    synthetic.assert_insufficient(
        models.cusum_test(synthetic.series(2.0 * np.arange(12))), 12, "straight line"
    )


# --- forecasts -----------------------------------------------------------------------------


def _clean_trend() -> pd.Series:
    rng = np.random.default_rng(1)
    return synthetic.series(3 + 0.5 * (synthetic.YEARS[:20] - 2000) + rng.normal(0, 0.2, 20))


def test_forecast_years_follow_the_last_observation():
    result = models.forecast(_clean_trend(), horizon=3)
    pdt.assert_series_equal(
        result["year"], pd.Series([2020, 2021, 2022], dtype="Int64", name="year")
    )
    assert (result["term"] == "forecast").all()


def test_forecast_intervals_widen_with_horizon():
    result = models.forecast(synthetic.trend(), horizon=6)
    assert (np.diff(result["ci_high"] - result["ci_low"]) > 0).all()


@pytest.mark.parametrize("method", models.FORECAST_METHODS)
def test_forecast_intervals_contain_true_continuation(method):
    result = models.forecast(_clean_trend(), horizon=5, method=method)
    truth = 3 + 0.5 * (result["year"].to_numpy(dtype=float) - 2000)
    assert ((result["ci_low"] < truth) & (truth < result["ci_high"])).all()


def test_forecast_is_deterministic():
    pdt.assert_frame_equal(models.forecast(synthetic.trend()), models.forecast(synthetic.trend()))


def test_forecast_local_linear_trend_accepts_gaps():
    result = models.forecast(synthetic.trend().drop([2005, 2010]))
    assert (result["status"] == OK).all()
    assert (result["n"] == 22).all()


def test_forecast_holt_with_gaps_is_insufficient():
    result = models.forecast(synthetic.trend().drop([2005, 2010]), method="holt")
    synthetic.assert_insufficient(result, 22, "missing [2005, 2010]")
    assert result["year"].isna().all()


def test_forecast_records_convergence_warning_in_note(monkeypatch):
    def noisy_fit(z, horizon, level):
        warnings.warn("optimiser stopped", ConvergenceWarning, stacklevel=1)
        return np.tile([0.0, -1.0, 1.0], (horizon, 1))

    monkeypatch.setattr(trends, "_ucm_forecast", noisy_fit)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may escape to the caller
        result = models.forecast(synthetic.trend(), horizon=2)
    assert (result["note"] == "did not fully converge").all()


@pytest.mark.parametrize(("argument", "value"), [("horizon", 0), ("method", "arima")])
def test_forecast_rejects_bad_arguments(argument, value):
    with pytest.raises(ValueError, match=argument):
        models.forecast(synthetic.trend(), **{argument: value})
