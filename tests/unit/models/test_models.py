"""The models' shared contract (tidy result, short data, bad levels), prepare_series, by_group."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from helpers import models
from helpers.models import adoption, results
from helpers.models.results import OK, RESULT_COLUMNS
from tests.unit.models import synthetic

# Every single-series model, with arguments that make it run, and its minimum points.
SERIES_MODELS = {
    "linear_trend": (models.linear_trend, {}, 5),
    "loglinear_trend": (models.loglinear_trend, {}, 5),
    "cagr": (models.cagr, {}, 5),
    "chow_test": (models.chow_test, {"break_year": 2005}, 6),
    "cusum_test": (models.cusum_test, {}, 8),
    "forecast_llt": (models.forecast, {"method": "local_linear_trend"}, 8),
    "forecast_holt": (models.forecast, {"method": "holt"}, 8),
    "fractional_logit": (adoption.fractional_logit, {}, 6),
}
LEVEL_MODELS = [k for k in SERIES_MODELS if k != "chow_test"]


def _run(name: str, data: pd.Series) -> pd.DataFrame:
    func, kwargs, _ = SERIES_MODELS[name]
    return func(data, **kwargs)


def _columns(name: str) -> list[str]:
    if name.startswith("forecast"):
        return ["term", "year", *RESULT_COLUMNS[1:]]
    return list(RESULT_COLUMNS)


# --- shared contract -----------------------------------------------------------------------


@pytest.mark.parametrize("name", SERIES_MODELS)
def test_result_has_the_tidy_columns_in_order(name):
    result = _run(name, synthetic.series(20 + 2 * np.arange(12) + np.sin(np.arange(12))))
    assert list(result.columns) == _columns(name)
    assert (result["status"] == OK).all()


@pytest.mark.parametrize("name", SERIES_MODELS)
def test_too_few_points_is_insufficient(name):
    minimum = SERIES_MODELS[name][2]
    result = _run(name, synthetic.series(20 + 2 * np.arange(minimum - 1)))
    synthetic.assert_insufficient(result, minimum - 1, "at least")
    assert list(result.columns) == _columns(name)


@pytest.mark.parametrize("name", SERIES_MODELS)
def test_constant_series_is_insufficient(name):
    synthetic.assert_insufficient(_run(name, synthetic.series(np.full(12, 7.0))), 12, "constant")


@pytest.mark.parametrize("name", SERIES_MODELS)
def test_all_nan_series_is_insufficient(name):
    synthetic.assert_insufficient(_run(name, synthetic.series(np.full(12, np.nan))), 0, "0 usable")


@pytest.mark.parametrize("name", SERIES_MODELS)
def test_nans_are_dropped_before_fitting(name):
    values = 20 + 2 * np.arange(14) + np.sin(np.arange(14))
    holed = values.copy()
    holed[[0, 13]] = np.nan  # at the ends, so Holt still sees consecutive years
    pdt.assert_frame_equal(
        _run(name, synthetic.series(holed)), _run(name, synthetic.series(values).iloc[1:13])
    )


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1])
@pytest.mark.parametrize("name", LEVEL_MODELS)
def test_bad_level_raises(name, level):
    func, kwargs, _ = SERIES_MODELS[name]
    with pytest.raises(ValueError, match="level"):
        func(synthetic.trend(), level=level, **kwargs)


# --- prepare_series ------------------------------------------------------------------------


def test_prepare_series_sorts_and_drops_nan():
    raw = pd.Series([3.0, np.nan, 1.0], index=[2002, 2001, 2000])
    expected = pd.Series([1.0, 3.0], index=pd.Index([2000, 2002], name="year"))
    pdt.assert_series_equal(results.prepare_series(raw), expected)


def test_prepare_series_rejects_duplicate_years():
    with pytest.raises(ValueError, match=r"duplicate years \[2001\]"):
        results.prepare_series(pd.Series([1.0, 2.0, 3.0], index=[2000, 2001, 2001]))


def test_prepare_series_rejects_fractional_years():
    with pytest.raises(ValueError, match="integer years"):
        results.prepare_series(pd.Series([1.0, 2.0], index=[2000.5, 2001.0]))


def test_prepare_series_rejects_a_dataframe():
    with pytest.raises(TypeError, match="Series"):
        results.prepare_series(pd.DataFrame({"value": [1.0]}))


def test_prepare_series_reads_years_from_a_datetime_index():
    raw = pd.Series([1.0, 2.0], index=pd.to_datetime(["2000-01-01", "2001-01-01"]))
    assert results.prepare_series(raw).index.tolist() == [2000, 2001]


# --- by_group ------------------------------------------------------------------------------


def _two_economies() -> pd.DataFrame:
    return pd.concat(
        [
            synthetic.trend(0).rename_axis("year").reset_index(name="value").assign(economy="KEN"),
            synthetic.trend(1).rename_axis("year").reset_index(name="value").assign(economy="BGD"),
        ]
    )


def test_by_group_prepends_group_columns():
    result = _two_economies().pipe(models.by_group, models.linear_trend, "economy", level=0.9)
    expected = models.linear_trend(synthetic.trend(1), level=0.9)
    expected.insert(0, "economy", "BGD")
    pdt.assert_frame_equal(result.iloc[:2].reset_index(drop=True), expected)
    assert result["economy"].tolist() == ["BGD", "BGD", "KEN", "KEN"]


def test_by_group_names_the_group_in_errors():
    frame = pd.concat([_two_economies(), _two_economies().iloc[:1]])  # duplicate KEN 2000
    with pytest.raises(ValueError, match="'economy': 'KEN'"):
        models.by_group(frame, models.linear_trend, ["economy"])


def test_by_group_rejects_missing_columns():
    with pytest.raises(ValueError, match="lacks columns"):
        models.by_group(_two_economies(), models.cagr, "series")
