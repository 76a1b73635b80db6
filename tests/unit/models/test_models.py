"""Tests for helpers.models: known-parameter recovery on synthetic series, and edge cases."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
from scipy import special
from statsmodels.tools.sm_exceptions import ConvergenceWarning

from helpers import models
from helpers.models import adoption, convergence, results, trends
from helpers.models.results import INSUFFICIENT, OK, RESULT_COLUMNS

YEARS = np.arange(2000, 2024)


def _series(values, years=None) -> pd.Series:
    years = YEARS[: len(values)] if years is None else years
    return pd.Series(np.asarray(values, dtype=float), index=years)


def _trend(seed: int = 0, phi: float = 0.5, sd: float = 0.5) -> pd.Series:
    """3 + 0.5 * (year - 2000) plus AR(1) noise."""
    rng = np.random.default_rng(seed)
    noise = np.zeros(len(YEARS))
    for i in range(1, len(YEARS)):
        noise[i] = phi * noise[i - 1] + rng.normal(0, sd)
    return _series(3 + 0.5 * (YEARS - 2000) + noise)


def _growth(rate: float = 0.04, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    return _series(10 * (1 + rate) ** (YEARS - 2000) * np.exp(rng.normal(0, 0.02, len(YEARS))))


def _adoption(slope: float = 0.3, midpoint: float = 2012.0, seed: int = 0) -> pd.Series:
    """Percent of population on a logistic curve crossing 50 at ``midpoint``."""
    rng = np.random.default_rng(seed)
    return _series(100 * special.expit(slope * (YEARS - midpoint) + rng.normal(0, 0.1, len(YEARS))))


def _term(result: pd.DataFrame, term: str) -> pd.Series:
    return result.set_index("term").loc[term]


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


def _assert_insufficient(result: pd.DataFrame, n: int, note_part: str) -> None:
    assert len(result) == 1
    row = result.iloc[0]
    assert row["status"] == INSUFFICIENT
    assert row["n"] == n
    assert row[["estimate", "ci_low", "ci_high", "p_value"]].isna().all()
    assert note_part in row["note"]


# --- shared contract -----------------------------------------------------------------------


@pytest.mark.parametrize("name", SERIES_MODELS)
def test_result_has_the_tidy_columns_in_order(name):
    result = _run(name, _series(20 + 2 * np.arange(12) + np.sin(np.arange(12))))
    assert list(result.columns) == _columns(name)
    assert (result["status"] == OK).all()


@pytest.mark.parametrize("name", SERIES_MODELS)
def test_too_few_points_is_insufficient(name):
    minimum = SERIES_MODELS[name][2]
    result = _run(name, _series(20 + 2 * np.arange(minimum - 1)))
    _assert_insufficient(result, minimum - 1, "at least")
    assert list(result.columns) == _columns(name)


@pytest.mark.parametrize("name", SERIES_MODELS)
def test_constant_series_is_insufficient(name):
    _assert_insufficient(_run(name, _series(np.full(12, 7.0))), 12, "constant")


@pytest.mark.parametrize("name", SERIES_MODELS)
def test_all_nan_series_is_insufficient(name):
    _assert_insufficient(_run(name, _series(np.full(12, np.nan))), 0, "0 usable")


@pytest.mark.parametrize("name", SERIES_MODELS)
def test_nans_are_dropped_before_fitting(name):
    values = 20 + 2 * np.arange(14) + np.sin(np.arange(14))
    holed = values.copy()
    holed[[0, 13]] = np.nan  # at the ends, so Holt still sees consecutive years
    pdt.assert_frame_equal(_run(name, _series(holed)), _run(name, _series(values).iloc[1:13]))


@pytest.mark.parametrize("level", [0, 1, 1.5, -0.1])
@pytest.mark.parametrize("name", LEVEL_MODELS)
def test_bad_level_raises(name, level):
    func, kwargs, _ = SERIES_MODELS[name]
    with pytest.raises(ValueError, match="level"):
        func(_trend(), level=level, **kwargs)


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


# --- trends --------------------------------------------------------------------------------


def test_linear_trend_recovers_slope_under_ar1_noise():
    slope = _term(models.linear_trend(_trend()), "slope")
    assert slope["estimate"] == pytest.approx(0.5, abs=0.05)
    assert slope["ci_low"] < 0.5 < slope["ci_high"]
    assert slope["p_value"] < 0.001


def test_linear_trend_records_default_hac_lags():
    # 24 points: int(4 * 0.24 ** (2/9)) = 2
    assert "maxlags=2" in _term(models.linear_trend(_trend()), "slope")["note"]


def test_linear_trend_rejects_negative_hac_lags():
    with pytest.raises(ValueError, match="hac_lags"):
        models.linear_trend(_trend(), hac_lags=-1)


def test_loglinear_trend_recovers_growth_rate():
    growth = _term(models.loglinear_trend(_growth(0.04)), "growth_rate")
    assert growth["estimate"] == pytest.approx(0.04, abs=0.005)
    assert growth["ci_low"] < 0.04 < growth["ci_high"]


def test_loglinear_trend_counts_non_positive_values():
    values = _growth().to_numpy()
    values[[3, 7]] = [0.0, -1.0]
    _assert_insufficient(models.loglinear_trend(_series(values)), 24, "2 of 24 values")


def test_cagr_endpoint_matches_hand_computation():
    data = _series([100.0, 90.0, 130.0, 120.0, 121.0])  # 2000..2004
    endpoint = _term(models.cagr(data), "cagr_endpoint")
    assert endpoint["estimate"] == pytest.approx(1.21**0.25 - 1)
    assert endpoint["status"] == OK
    assert np.isnan(endpoint["ci_low"]) and np.isnan(endpoint["ci_high"])


def test_cagr_from_loglinear_fit_covers_true_rate():
    rate = _term(models.cagr(_growth(0.04)), "cagr")
    assert rate["ci_low"] < 0.04 < rate["ci_high"]


# --- breaks --------------------------------------------------------------------------------


def _white_trend(seed: int, years=YEARS) -> pd.Series:
    rng = np.random.default_rng(seed)
    return _series(3 + 0.5 * (years - 2000) + rng.normal(0, 0.5, len(years)), years)


def test_chow_detects_level_shift():
    data = _white_trend(0) + np.where(YEARS >= 2018, 2.5, 0)  # 5 noise sd
    result = models.chow_test(data, 2018)
    assert result["p_value"].iloc[0] < 0.01
    assert "F(2, 20)" in result["note"].iloc[0]


def test_chow_does_not_reject_without_break():
    # A fixed seed; with a 5% test about one seed in twenty would reject.
    assert models.chow_test(_white_trend(2), 2018)["p_value"].iloc[0] > 0.05


def test_chow_short_segment_is_insufficient():
    result = models.chow_test(_white_trend(0), 2022)
    _assert_insufficient(result, 24, "22 points before 2022 and 2 from it")


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
    _assert_insufficient(models.cusum_test(_series(2.0 * np.arange(12))), 12, "straight line")


# --- forecasts -----------------------------------------------------------------------------


def _clean_trend() -> pd.Series:
    rng = np.random.default_rng(1)
    return _series(3 + 0.5 * (YEARS[:20] - 2000) + rng.normal(0, 0.2, 20))


def test_forecast_years_follow_the_last_observation():
    result = models.forecast(_clean_trend(), horizon=3)
    pdt.assert_series_equal(
        result["year"], pd.Series([2020, 2021, 2022], dtype="Int64", name="year")
    )
    assert (result["term"] == "forecast").all()


def test_forecast_intervals_widen_with_horizon():
    result = models.forecast(_trend(), horizon=6)
    assert (np.diff(result["ci_high"] - result["ci_low"]) > 0).all()


@pytest.mark.parametrize("method", models.FORECAST_METHODS)
def test_forecast_intervals_contain_true_continuation(method):
    result = models.forecast(_clean_trend(), horizon=5, method=method)
    truth = 3 + 0.5 * (result["year"].to_numpy(dtype=float) - 2000)
    assert ((result["ci_low"] < truth) & (truth < result["ci_high"])).all()


def test_forecast_is_deterministic():
    pdt.assert_frame_equal(models.forecast(_trend()), models.forecast(_trend()))


def test_forecast_local_linear_trend_accepts_gaps():
    result = models.forecast(_trend().drop([2005, 2010]))
    assert (result["status"] == OK).all()
    assert (result["n"] == 22).all()


def test_forecast_holt_with_gaps_is_insufficient():
    result = models.forecast(_trend().drop([2005, 2010]), method="holt")
    _assert_insufficient(result, 22, "missing [2005, 2010]")
    assert result["year"].isna().all()


def test_forecast_records_convergence_warning_in_note(monkeypatch):
    def noisy_fit(z, horizon, level):
        warnings.warn("optimiser stopped", ConvergenceWarning, stacklevel=1)
        return np.tile([0.0, -1.0, 1.0], (horizon, 1))

    monkeypatch.setattr(trends, "_ucm_forecast", noisy_fit)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # nothing may escape to the caller
        result = models.forecast(_trend(), horizon=2)
    assert (result["note"] == "did not fully converge").all()


@pytest.mark.parametrize(("argument", "value"), [("horizon", 0), ("method", "arima")])
def test_forecast_rejects_bad_arguments(argument, value):
    with pytest.raises(ValueError, match=argument):
        models.forecast(_trend(), **{argument: value})


# --- fractional logit ----------------------------------------------------------------------


def test_fractional_logit_recovers_year_reaching_targets():
    result = adoption.fractional_logit(_adoption(0.3, 2012.0))
    assert _term(result, "slope")["estimate"] == pytest.approx(0.3, abs=0.03)
    assert _term(result, "year_reach_50")["estimate"] == pytest.approx(2012.0, abs=1.0)
    reach_75 = _term(result, "year_reach_75")
    assert reach_75["estimate"] == pytest.approx(2012 + special.logit(0.75) / 0.3, abs=1.0)
    assert reach_75["ci_low"] < reach_75["estimate"] < reach_75["ci_high"]


def test_fractional_logit_notes_target_already_reached():
    note = _term(adoption.fractional_logit(_adoption()), "year_reach_50")["note"]
    assert "already reached in the data" in note


def test_fractional_logit_declining_share_gives_no_target_year():
    reach = _term(adoption.fractional_logit(_adoption(slope=-0.3)), "year_reach_75")
    assert reach["status"] == OK
    assert np.isnan(reach["estimate"])
    assert "no upward trend" in reach["note"]


def test_fractional_logit_saturation_rescales_values():
    share = adoption.fractional_logit(_adoption() / 100, saturation=1.0, targets=(0.5,))
    percent = adoption.fractional_logit(_adoption(), saturation=100.0, targets=(50.0,))
    pdt.assert_series_equal(share["estimate"], percent["estimate"])


def test_fractional_logit_rejects_values_above_saturation():
    data = _adoption()
    data[2003] = 101.0
    with pytest.raises(ValueError, match=r"years \[2003\]"):
        adoption.fractional_logit(data)


def test_fractional_logit_rejects_target_at_saturation():
    with pytest.raises(ValueError, match="targets"):
        adoption.fractional_logit(_adoption(), targets=(100.0,))


def test_fractional_logit_perfect_separation_is_insufficient():
    jump = _series([0.0, 0.0, 0.0, 0.0, 100.0, 100.0, 100.0, 100.0])
    _assert_insufficient(adoption.fractional_logit(jump), 8, "not identified")


def test_predict_fractional_logit_returns_curve_in_value_units():
    curve = adoption.predict_fractional_logit(_adoption(), [2000, 2012, 2030])
    assert list(curve.columns) == ["year", "fitted", "ci_low", "ci_high", "status", "note"]
    assert curve["fitted"].tolist() == pytest.approx(
        100 * special.expit(0.3 * np.array([-12, 0, 18])), abs=2.0
    )
    assert (curve["ci_low"] < curve["fitted"]).all() and (curve["fitted"] < curve["ci_high"]).all()


def test_predict_fractional_logit_with_too_few_points_is_insufficient():
    curve = adoption.predict_fractional_logit(_adoption().iloc[:4], [2030])
    assert curve["status"].tolist() == [INSUFFICIENT]
    assert curve["fitted"].isna().all()


# --- convergence ---------------------------------------------------------------------------


def _beta_panel(beta: float = -0.02, n: int = 30, span: int = 20, seed: int = 0) -> pd.DataFrame:
    """Economies whose log growth per year is 0.2 + beta * ln(y0) + noise."""
    rng = np.random.default_rng(seed)
    start = rng.uniform(6, 10, n)
    growth = 0.2 + beta * start + rng.normal(0, 0.002, n)
    return pd.DataFrame(
        {
            "economy": np.repeat([f"E{i:02d}" for i in range(n)], 2),
            "year": np.tile([2000, 2000 + span], n),
            "value": np.exp(np.column_stack([start, start + span * growth]).ravel()),
        }
    )


def test_beta_convergence_recovers_negative_beta_and_speed():
    result = convergence.beta_convergence(_beta_panel(), 2000, 2020)
    beta = _term(result, "beta")
    assert beta["estimate"] == pytest.approx(-0.02, abs=0.003)
    assert beta["ci_low"] < -0.02 < beta["ci_high"]
    speed = _term(result, "speed")
    assert speed["estimate"] == pytest.approx(-np.log(1 + beta["estimate"] * 20) / 20)
    assert speed["ci_low"] < speed["estimate"] < speed["ci_high"]


def test_beta_convergence_in_levels_has_no_speed():
    result = convergence.beta_convergence(_beta_panel(), 2000, 2020, log=False)
    assert result["term"].tolist() == ["beta"]


def test_beta_convergence_counts_economies_with_both_endpoints():
    panel = _beta_panel(n=5)
    panel = panel[~((panel["economy"] == "E00") & (panel["year"] == 2020))]
    _assert_insufficient(convergence.beta_convergence(panel, 2000, 2020), 4, "4 economies")


def test_beta_convergence_log_rejects_non_positive_values():
    panel = _beta_panel()
    panel.loc[0, "value"] = 0.0
    with pytest.raises(ValueError, match="E00"):
        convergence.beta_convergence(panel, 2000, 2020)


def test_beta_convergence_rejects_inverted_years():
    with pytest.raises(ValueError, match="start_year"):
        convergence.beta_convergence(_beta_panel(), 2020, 2000)


def test_beta_convergence_rejects_bad_level():
    with pytest.raises(ValueError, match="level"):
        convergence.beta_convergence(_beta_panel(), 2000, 2020, level=1.0)


def test_beta_convergence_same_start_everywhere_is_insufficient():
    panel = _beta_panel().assign(value=lambda f: np.where(f["year"] == 2000, 5.0, f["value"]))
    _assert_insufficient(convergence.beta_convergence(panel, 2000, 2020), 30, "same value")


def _long(wide: dict[str, list[float]], years) -> pd.DataFrame:
    frame = pd.DataFrame(wide, index=pd.Index(years, name="year"))
    return frame.reset_index().melt(id_vars="year", var_name="economy", value_name="value")


def test_dispersion_matches_hand_computation():
    frame = _long({"A": [1.0, 2.0], "B": [3.0, 2.0], "C": [5.0, np.nan]}, [2000, 2001])
    expected = pd.DataFrame(
        {
            "year": [2000, 2001],
            "n": [3, 2],
            "sd": [2.0, 0.0],
            "cv": [2.0 / 3.0, 0.0],
            "gap_max_min": [4.0, 0.0],
        }
    )
    pdt.assert_frame_equal(convergence.dispersion(frame), expected)


def test_dispersion_rejects_all_missing_values():
    with pytest.raises(ValueError, match="no non-missing values"):
        convergence.dispersion(_long({"A": [np.nan], "B": [np.nan]}, [2000]))


def test_sigma_convergence_negative_slope_for_shrinking_dispersion():
    years = np.arange(2000, 2016)
    offsets = np.linspace(-1, 1, 8)
    shrink = 1 - 0.04 * (years - 2000)
    frame = _long({f"E{i}": 50 + 10 * o * shrink for i, o in enumerate(offsets)}, years)
    result = convergence.sigma_convergence(frame)
    assert result["term"].tolist() == ["sigma_trend"]
    assert result["estimate"].iloc[0] < 0
    assert result["p_value"].iloc[0] < 0.01


def test_sigma_convergence_too_few_years_is_insufficient():
    frame = _long({"A": [1.0, 2.0, 3.0], "B": [2.0, 5.0, 3.5]}, [2000, 2001, 2002])
    result = convergence.sigma_convergence(frame)
    _assert_insufficient(result, 3, "at least 5")
    assert result["term"].tolist() == ["sigma_trend"]


def test_sigma_convergence_constant_dispersion_is_insufficient():
    years = np.arange(2000, 2010)
    frame = _long({"A": [1.0] * 10, "B": [3.0] * 10}, years)
    _assert_insufficient(convergence.sigma_convergence(frame), 10, "constant")


def test_sigma_convergence_notes_changing_composition():
    years = np.arange(2000, 2010)
    values = {"A": np.linspace(1, 2, 10), "B": np.linspace(5, 3, 10), "C": [np.nan] * 5 + [9.0] * 5}
    note = convergence.sigma_convergence(_long(values, years))["note"].iloc[0]
    assert "economies per year vary 2-3" in note


# --- by_group ------------------------------------------------------------------------------


def _two_economies() -> pd.DataFrame:
    return pd.concat(
        [
            _trend(0).rename_axis("year").reset_index(name="value").assign(economy="KEN"),
            _trend(1).rename_axis("year").reset_index(name="value").assign(economy="BGD"),
        ]
    )


def test_by_group_prepends_group_columns():
    result = _two_economies().pipe(models.by_group, models.linear_trend, "economy", level=0.9)
    expected = models.linear_trend(_trend(1), level=0.9)
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


def test_beta_convergence_all_missing_is_insufficient():
    panel = _beta_panel().assign(value=np.nan)
    _assert_insufficient(convergence.beta_convergence(panel, 2000, 2020), 0, "0 economies")


def test_beta_convergence_ignores_missing_endpoints():
    panel = _beta_panel()
    panel.loc[(panel["economy"] == "E03") & (panel["year"] == 2020), "value"] = np.nan
    assert convergence.beta_convergence(panel, 2000, 2020)["n"].tolist() == [29, 29]


def test_sigma_convergence_all_missing_is_insufficient():
    frame = _long({"A": [np.nan] * 6, "B": [np.nan] * 6}, np.arange(2000, 2006))
    _assert_insufficient(convergence.sigma_convergence(frame), 0, "0 usable")


def test_sigma_convergence_drops_missing_values_first():
    years = np.arange(2000, 2010)
    values = {"A": np.linspace(1, 2, 10), "B": np.linspace(5, 3, 10), "C": np.linspace(9, 4, 10)}
    holed = _long(values, years)
    holed.loc[[0, 5], "value"] = np.nan
    pdt.assert_frame_equal(
        convergence.sigma_convergence(holed), convergence.sigma_convergence(holed.dropna())
    )


def test_sigma_convergence_rejects_bad_level():
    frame = _long({"A": [1.0, 2.0], "B": [3.0, 5.0]}, [2000, 2001])
    with pytest.raises(ValueError, match="level"):
        convergence.sigma_convergence(frame, level=0)
