"""Aid volatility: the CV of detrended receipts and the bootstrap interval of a group median."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.models import volatility
from helpers.models.results import INSUFFICIENT, OK

YEARS = np.arange(2001, 2017)  # 16 years
# A pattern orthogonal to a constant and to a linear trend in the year (sum 0, sum t*h 0), so
# that OLS of log receipts on year leaves it as the residual, exactly.
PATTERN = np.tile([1.0, -1.0, -1.0, 1.0], 4)


def _series(log_values: np.ndarray, name: str = "KEN") -> pd.Series:
    return pd.Series(np.exp(log_values), index=YEARS, name=name)


def _term(result: pd.DataFrame, term: str) -> pd.Series:
    return result.set_index("term").loc[term]


def test_the_pattern_is_orthogonal_to_the_trend():
    t = YEARS - YEARS.mean()
    assert PATTERN.sum() == 0 and (t * PATTERN).sum() == 0


def test_known_cv_of_a_constructed_series():
    c = 0.2
    receipts = _series(np.log(300.0) + 0.03 * (YEARS - 2001) + c * PATTERN)
    # detrended receipts are exp(+-c), eight of each: their CV by hand, with n - 2 df
    d = np.exp(c * PATTERN)
    expected = np.sqrt(((d - d.mean()) ** 2).sum() / (len(d) - 2)) / d.mean()
    result = volatility.detrended_cv(receipts)
    cv = _term(result, "cv")
    assert cv["status"] == OK and cv["n"] == 16
    assert cv["estimate"] == pytest.approx(expected, rel=1e-10)
    assert cv["estimate"] == pytest.approx(0.2110, abs=1e-4)  # tanh(0.2) * sqrt(16 / 14)
    growth = _term(result, "trend_growth")["estimate"]
    assert growth == pytest.approx(np.exp(0.03) - 1, rel=1e-10)
    assert cv["note"] == "2001-2016"


def test_detrending_removes_a_pure_trend():
    rising = _series(np.log(50.0) + 0.08 * (YEARS - 2001))
    falling = _series(np.log(900.0) - 0.05 * (YEARS - 2001))
    for receipts in (rising, falling):
        fitted = volatility.detrend(receipts)
        np.testing.assert_allclose(fitted["detrended"], 1.0, rtol=1e-12)
        assert _term(volatility.detrended_cv(receipts), "cv")["estimate"] == pytest.approx(
            0.0, abs=1e-12
        )


def test_the_cv_does_not_depend_on_the_scale_of_receipts():
    noise = np.random.default_rng(1).normal(0, 0.3, len(YEARS))
    small = _series(np.log(10.0) + noise)
    large = _series(np.log(10_000.0) + noise)
    assert _term(volatility.detrended_cv(small), "cv")["estimate"] == pytest.approx(
        _term(volatility.detrended_cv(large), "cv")["estimate"], rel=1e-10
    )


def test_a_trend_is_not_counted_as_volatility_but_a_break_is():
    steady = _series(np.log(100.0) + 0.1 * (YEARS - 2001))
    broken = steady.where(YEARS < 2009, steady / 3)  # receipts drop to a third from 2009
    assert _term(volatility.detrended_cv(steady), "cv")["estimate"] < 1e-9
    assert _term(volatility.detrended_cv(broken), "cv")["estimate"] > 0.25


def test_short_series_is_insufficient_data():
    receipts = _series(np.log(100.0) + 0.1 * PATTERN).iloc[:9]
    result = volatility.detrended_cv(receipts)
    assert len(result) == 1 and result["status"].iloc[0] == INSUFFICIENT
    assert np.isnan(result["estimate"].iloc[0])
    assert "9 usable (non-missing) points; at least 10" in result["note"].iloc[0]


def test_missing_years_count_against_the_minimum_and_are_named():
    receipts = _series(np.log(100.0) + 0.1 * PATTERN)
    receipts.iloc[[3, 4]] = np.nan
    cv = _term(volatility.detrended_cv(receipts), "cv")
    assert cv["n"] == 14 and cv["note"] == "2001-2016, 2 missing year(s) inside"
    assert volatility.detrended_cv(receipts, min_years=15)["status"].iloc[0] == INSUFFICIENT


def test_negative_net_receipts_are_insufficient_not_an_error():
    receipts = _series(np.log(100.0) + 0.1 * PATTERN)
    receipts.iloc[5] = -20.0
    result = volatility.detrended_cv(receipts)
    assert result["status"].iloc[0] == INSUFFICIENT
    assert "zero or negative" in result["note"].iloc[0]


def test_median_interval_contains_the_median_and_is_reproducible():
    values = np.random.default_rng(3).lognormal(-1.5, 0.5, 30)
    first = volatility.median_interval(values, 0.9, n_resamples=2000, seed=7).iloc[0]
    again = volatility.median_interval(values, 0.9, n_resamples=2000, seed=7).iloc[0]
    assert first["estimate"] == pytest.approx(np.median(values))
    assert first["ci_low"] < first["estimate"] < first["ci_high"]
    assert (first["ci_low"], first["ci_high"]) == (again["ci_low"], again["ci_high"])
    assert first["n"] == 30 and "percentile bootstrap, 2000 resamples, seed 7" in first["note"]
    wider = volatility.median_interval(values, 0.99, n_resamples=2000, seed=7).iloc[0]
    assert wider["ci_high"] - wider["ci_low"] > first["ci_high"] - first["ci_low"]


def test_median_interval_gives_no_interval_for_a_handful_of_economies():
    result = volatility.median_interval([0.1, 0.3, 0.2, np.nan], 0.95).iloc[0]
    assert result["estimate"] == pytest.approx(0.2) and result["n"] == 3
    assert np.isnan(result["ci_low"]) and np.isnan(result["ci_high"])
    assert result["note"] == "no interval: 3 economies; an interval needs at least 5"
    assert volatility.median_interval([], 0.95)["status"].iloc[0] == INSUFFICIENT


def test_median_interval_rejects_a_bad_level():
    with pytest.raises(ValueError, match="level"):
        volatility.median_interval([0.1] * 10, 1.5)
