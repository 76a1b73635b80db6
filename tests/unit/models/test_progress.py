"""Tests for helpers.progress: UN Progress Chart categories on hand-computed cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from helpers.models.progress import PROGRESS_COLUMNS, assess_progress
from helpers.models.results import INSUFFICIENT


def _from(base: float, latest: float, base_year: int = 2015, latest_year: int = 2020) -> pd.Series:
    return pd.Series([base, latest], index=[base_year, latest_year])


def _category(data: pd.Series, **kwargs) -> str:
    return assess_progress(data, **kwargs)["category"].iloc[0]


def test_full_row_for_on_track_by_ratio():
    # actual (15/10)**(1/5) - 1 = 0.0844718; required (20/10)**(1/15) - 1 = 0.0472941
    expected = pd.DataFrame(
        {
            "base_year": pd.array([2015], dtype="Int64"),
            "base_value": [10.0],
            "latest_year": pd.array([2020], dtype="Int64"),
            "latest_value": [15.0],
            "actual_cagr": [0.0844717712],
            "required_cagr": [0.0472941228],
            "ratio": [1.7860945],
            "category": ["on track"],
            "status": ["ok"],
            "note": ["ratio of actual to required CAGR (increase to 20)"],
        }
    )
    result = assess_progress(_from(10.0, 15.0), target=20.0)
    pdt.assert_frame_equal(result, expected, rtol=1e-6)


@pytest.mark.parametrize(
    ("latest", "category"),
    [
        (11.5, "moderate progress"),  # actual 0.02835, ratio 0.599
        (10.5, "off track"),  # actual 0.00980, ratio 0.207
        (9.0, "regressing"),  # actual -0.02085, ratio -0.441
    ],
)
def test_increase_target_categories(latest, category):
    assert _category(_from(10.0, latest), target=20.0) == category


def test_target_met_is_on_track_whatever_the_ratio():
    # 10 in 2015 -> 20.5 in 2032 meets 20 although the ratio is 0.0431 / 0.0473 = 0.91
    result = assess_progress(_from(10.0, 20.5, latest_year=2032), target=20.0)
    assert result["category"].iloc[0] == "on track"
    assert result["note"].iloc[0] == "target met"


def test_target_met_at_base_and_lost_is_regressing():
    result = assess_progress(_from(25.0, 18.0), target=20.0)
    assert result["category"].iloc[0] == "regressing"
    assert np.isnan(result["ratio"].iloc[0])


@pytest.mark.parametrize(
    ("latest", "category"),
    [
        (15.0, "on track"),  # actual -0.0559, required -0.0452, ratio 1.24
        (17.0, "moderate progress"),  # actual -0.0320, ratio 0.71
        (19.5, "off track"),  # actual -0.0051, ratio 0.11
        (22.0, "regressing"),  # actual +0.0192, ratio -0.42
        (9.0, "on track"),  # below the target of 10: met
    ],
)
def test_decrease_target_categories(latest, category):
    assert _category(_from(20.0, latest), target=10.0, direction="decrease") == category


def test_decrease_target_ratio_is_positive_when_falling():
    result = assess_progress(_from(20.0, 15.0), target=10.0, direction="decrease")
    assert result["required_cagr"].iloc[0] < 0
    assert result["ratio"].iloc[0] == pytest.approx((0.75**0.2 - 1) / (0.5 ** (1 / 15) - 1))


@pytest.mark.parametrize(
    ("latest", "category"),
    [
        (110.0, "on track"),  # 1.92% a year
        (103.0, "moderate progress"),  # 0.59%
        (101.0, "off track"),  # 0.20%
        (95.0, "regressing"),  # -1.02%
    ],
)
def test_no_target_increase_thresholds(latest, category):
    assert _category(_from(100.0, latest)) == category


def test_no_target_decrease_flips_the_sign():
    assert _category(_from(100.0, 90.0), direction="decrease") == "on track"
    assert _category(_from(100.0, 110.0), direction="decrease") == "regressing"


def test_base_is_first_observation_in_window():
    data = pd.Series([50.0, 10.0, 12.0, 20.0], index=[2014, 2016, 2017, 2021])
    result = assess_progress(data)
    assert result["base_year"].iloc[0] == 2016
    assert result["base_value"].iloc[0] == 10.0


def test_no_base_observation_is_insufficient():
    result = assess_progress(pd.Series([10.0, 12.0], index=[2012, 2020]))
    assert result["status"].iloc[0] == INSUFFICIENT
    assert "between 2015 and 2017" in result["note"].iloc[0]
    assert pd.isna(result["category"].iloc[0])


def test_latest_too_close_to_base_is_insufficient():
    result = assess_progress(_from(10.0, 11.0, latest_year=2016))
    assert result["status"].iloc[0] == INSUFFICIENT
    assert "1 year(s) after the base" in result["note"].iloc[0]


def test_non_positive_value_is_insufficient():
    result = assess_progress(_from(0.0, 5.0), target=10.0)
    assert result["status"].iloc[0] == INSUFFICIENT
    assert np.isnan(result["actual_cagr"].iloc[0])


def test_all_nan_is_insufficient():
    result = assess_progress(pd.Series([np.nan] * 3, index=[2015, 2016, 2017]))
    assert result["status"].iloc[0] == INSUFFICIENT
    assert list(result.columns) == list(PROGRESS_COLUMNS)


def test_nans_are_dropped_first():
    holed = pd.Series([np.nan, 10.0, 11.0, np.nan, 13.0, np.nan], index=range(2015, 2021))
    pdt.assert_frame_equal(
        assess_progress(holed, target=20.0), assess_progress(holed.dropna(), target=20.0)
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"direction": "up"}, "direction"),
        ({"target": 0.0}, "target"),
        ({"target": -5.0}, "target"),
        ({"target_year": 2016}, "target_year"),
    ],
)
def test_bad_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        assess_progress(_from(10.0, 15.0), **kwargs)
