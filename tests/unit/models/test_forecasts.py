"""Forecasts: years, intervals, Holt's point forecasts, logit bounds, warnings and arguments."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from helpers import models
from helpers.models import forecasts
from helpers.models.results import OK
from tests.unit.models import synthetic


def _clean_trend() -> pd.Series:
    rng = np.random.default_rng(1)
    return synthetic.series(3 + 0.5 * (synthetic.YEARS[:20] - 2000) + rng.normal(0, 0.2, 20))


def _near_full_share() -> pd.Series:
    """A share climbing towards 100: a straight-line model would forecast above it."""
    return synthetic.series([90.0, 92.5, 94.0, 95.6, 96.8, 97.5, 98.3, 98.9, 99.3, 99.6])


def test_forecast_years_follow_the_last_observation():
    result = models.forecast(_clean_trend(), horizon=3)
    pdt.assert_series_equal(
        result["year"], pd.Series([2020, 2021, 2022], dtype="Int64", name="year")
    )
    assert (result["term"] == "forecast").all()


def test_forecast_intervals_widen_with_horizon():
    result = models.forecast(synthetic.trend(), horizon=6)
    assert (np.diff(result["ci_high"] - result["ci_low"]) > 0).all()


def test_forecast_intervals_contain_true_continuation():
    result = models.forecast(_clean_trend(), horizon=5)
    truth = 3 + 0.5 * (result["year"].to_numpy(dtype=float) - 2000)
    assert ((result["ci_low"] < truth) & (truth < result["ci_high"])).all()


def test_forecast_holt_gives_point_forecasts_only():
    result = models.forecast(_clean_trend(), horizon=5, method="holt")
    truth = 3 + 0.5 * (result["year"].to_numpy(dtype=float) - 2000)
    assert result["estimate"].to_numpy() == pytest.approx(truth, abs=0.5)
    assert result[["ci_low", "ci_high"]].isna().all().all()
    assert (result["status"] == OK).all()
    assert result["note"].str.contains("point forecasts only").all()


def test_forecast_short_series_carries_a_caveat():
    note = models.forecast(_clean_trend().iloc[:10])["note"].iloc[0]
    assert "caveat: with only 10 points" in note


def test_forecast_with_bounds_stays_inside_them():
    unbounded = models.forecast(_near_full_share(), horizon=5)
    assert (unbounded["ci_high"] > 100).any()  # why the bounds are needed
    result = models.forecast(_near_full_share(), horizon=5, bounds=(0, 100))
    values = result[["estimate", "ci_low", "ci_high"]].to_numpy()
    assert ((values > 0) & (values < 100)).all()
    assert (result["ci_low"] < result["estimate"]).all()
    assert result["note"].str.contains("logit scale").all()


def test_forecast_with_bounds_accepts_values_on_the_bound():
    data = _near_full_share()
    data.iloc[-2:] = 100.0
    result = models.forecast(data, horizon=3, bounds=(0, 100))
    assert (result["status"] == OK).all() and (result["ci_high"] <= 100).all()


@pytest.mark.parametrize(
    ("bounds", "match"), [((0, 50), "outside bounds"), ((100, 0), "low < high"), (5, "bounds")]
)
def test_forecast_rejects_bad_bounds(bounds, match):
    with pytest.raises(ValueError, match=match):
        models.forecast(_near_full_share(), bounds=bounds)


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

    monkeypatch.setattr(forecasts, "_ucm_forecast", noisy_fit)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may escape to the caller
        result = models.forecast(synthetic.trend(), horizon=2)
    assert result["note"].str.endswith("; did not fully converge").all()


@pytest.mark.parametrize(("argument", "value"), [("horizon", 0), ("method", "arima")])
def test_forecast_rejects_bad_arguments(argument, value):
    with pytest.raises(ValueError, match=argument):
        models.forecast(synthetic.trend(), **{argument: value})
