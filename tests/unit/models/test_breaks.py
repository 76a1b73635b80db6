"""Chow and CUSUM tests: detection, non-rejection, the exact-fit and short-data cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from helpers import models
from helpers.models import breaks
from tests.unit.models import synthetic


def _white_trend(seed: int, years=synthetic.YEARS) -> pd.Series:
    rng = np.random.default_rng(seed)
    return synthetic.series(3 + 0.5 * (years - 2000) + rng.normal(0, 0.5, len(years)), years)


# --- Chow ----------------------------------------------------------------------------------


@pytest.mark.parametrize("errors", ["ar1", "iid"])
def test_chow_detects_level_shift(errors):
    data = _white_trend(0) + np.where(synthetic.YEARS >= 2018, 2.5, 0)  # 5 noise sd
    assert models.chow_test(data, 2018, errors=errors)["p_value"].iloc[0] < 0.01


@pytest.mark.parametrize("errors", ["ar1", "iid"])
def test_chow_does_not_reject_without_break(errors):
    # A fixed seed; with a 5% test about one seed in twenty would reject.
    assert models.chow_test(_white_trend(2), 2018, errors=errors)["p_value"].iloc[0] > 0.05


def test_chow_default_allows_for_ar1_errors_and_says_so():
    row = models.chow_test(_white_trend(0), 2012).iloc[0]
    assert row["method"] == "chow_ar1"
    assert "AR(1) errors" in row["note"] and "parametric bootstrap" in row["note"]
    assert "same variance in both segments" in row["note"]


def test_chow_classical_variant_states_its_assumption():
    row = models.chow_test(_white_trend(0), 2018, errors="iid").iloc[0]
    assert row["method"] == "chow"
    assert row["note"].startswith("F(2, 20); 18 points before 2018, 6 from it")
    assert "assumes independent errors" in row["note"]


def test_chow_is_deterministic():
    pdt.assert_frame_equal(
        models.chow_test(synthetic.trend(), 2012), models.chow_test(synthetic.trend(), 2012)
    )


def test_chow_exact_fit_is_insufficient():
    years = synthetic.YEARS[:12]
    data = synthetic.series(np.where(years >= 2006, 10 + 2.0 * (years - 2006), 0.5 * years - 990))
    for errors in ("ar1", "iid"):
        result = models.chow_test(data, 2006, errors=errors)
        synthetic.assert_insufficient(result, 12, "both segments lie exactly on straight lines")


def test_chow_short_segment_is_insufficient():
    result = models.chow_test(_white_trend(0), 2022)
    synthetic.assert_insufficient(result, 24, "22 points before 2022 and 2 from it")


def test_chow_short_series_carries_a_caveat():
    note = models.chow_test(_white_trend(0).iloc[:12], 2006)["note"].iloc[0]
    assert "caveat: with only 12 points" in note


@pytest.mark.parametrize(("argument", "value"), [("min_segment", 1), ("errors", "hac")])
def test_chow_rejects_bad_arguments(argument, value):
    with pytest.raises(ValueError, match=argument):
        models.chow_test(_white_trend(0), 2010, **{argument: value})


# --- CUSUM ---------------------------------------------------------------------------------


def test_cusum_null_is_tighter_than_the_brownian_bridge():
    # With a trend in the regression the 95% quantile is about 0.75 at 24 points, not 1.36.
    assert np.quantile(breaks._cusum_null(tuple(range(24))), 0.95) == pytest.approx(0.75, abs=0.03)


def test_cusum_rejects_a_large_shift_in_a_short_series():
    data = _white_trend(0) + np.where(synthetic.YEARS >= 2012, 3.0, 0)  # 6 noise sd
    result = models.cusum_test(data).iloc[0]
    assert result["p_value"] < 0.01
    assert "stability rejected" in result["note"]


def test_cusum_detects_level_shift_in_long_series():
    years = np.arange(1960, 2024)
    data = _white_trend(0, years) + np.where(years >= 2000, 3.0, 0)
    assert models.cusum_test(data)["p_value"].iloc[0] < 0.01


def test_cusum_does_not_reject_stable_trend():
    result = models.cusum_test(_white_trend(0, np.arange(1960, 2024)))
    assert result["p_value"].iloc[0] > 0.05
    assert "stability not rejected" in result["note"].iloc[0]
    assert "assumes independent errors" in result["note"].iloc[0]


def test_cusum_does_not_reject_a_clean_short_line():
    # A fixed seed (seed 0 happens to fall in the 5% that reject).
    result = models.cusum_test(_white_trend(2)).iloc[0]
    assert result["p_value"] > 0.05
    assert result["method"] == "cusum_ols_resid_simulated"


def test_cusum_exact_line_is_insufficient():
    synthetic.assert_insufficient(
        models.cusum_test(synthetic.series(2.0 * np.arange(12))), 12, "straight line"
    )
