"""Beta- and sigma-convergence and dispersion: known-parameter recovery and edge cases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest

from helpers.models import convergence
from tests.unit.models import synthetic

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
    beta = synthetic.term(result, "beta")
    assert beta["estimate"] == pytest.approx(-0.02, abs=0.003)
    assert beta["ci_low"] < -0.02 < beta["ci_high"]
    speed = synthetic.term(result, "speed")
    assert speed["estimate"] == pytest.approx(-np.log(1 + beta["estimate"] * 20) / 20)
    assert speed["ci_low"] < speed["estimate"] < speed["ci_high"]


def test_beta_convergence_in_levels_has_no_speed():
    result = convergence.beta_convergence(_beta_panel(), 2000, 2020, log=False)
    assert result["term"].tolist() == ["beta"]


def test_beta_convergence_counts_economies_with_both_endpoints():
    panel = _beta_panel(n=5)
    panel = panel[~((panel["economy"] == "E00") & (panel["year"] == 2020))]
    synthetic.assert_insufficient(convergence.beta_convergence(panel, 2000, 2020), 4, "4 economies")


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
    synthetic.assert_insufficient(convergence.beta_convergence(panel, 2000, 2020), 30, "same value")


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
    result = convergence.sigma_convergence(frame, measure="sd")
    assert result["term"].tolist() == ["sigma_trend"]
    assert result["estimate"].iloc[0] < 0
    assert result["p_value"].iloc[0] < 0.01


def test_sigma_convergence_too_few_years_is_insufficient():
    frame = _long({"A": [1.0, 2.0, 3.0], "B": [2.0, 5.0, 3.5]}, [2000, 2001, 2002])
    result = convergence.sigma_convergence(frame)
    synthetic.assert_insufficient(result, 3, "at least 5")
    assert result["term"].tolist() == ["sigma_trend"]


def test_sigma_convergence_constant_dispersion_is_insufficient():
    years = np.arange(2000, 2010)
    frame = _long({"A": [1.0] * 10, "B": [3.0] * 10}, years)
    synthetic.assert_insufficient(convergence.sigma_convergence(frame), 10, "constant")


def test_sigma_convergence_notes_changing_composition():
    years = np.arange(2000, 2010)
    values = {"A": np.linspace(1, 2, 10), "B": np.linspace(5, 3, 10), "C": [np.nan] * 5 + [9.0] * 5}
    result = convergence.sigma_convergence(_long(values, years), balanced=False)
    assert "unbalanced panel: economies per year vary 2-3" in result["note"].iloc[0]
    assert result["method"].iloc[0].endswith("_unbalanced")


def test_beta_convergence_all_missing_is_insufficient():
    panel = _beta_panel().assign(value=np.nan)
    synthetic.assert_insufficient(convergence.beta_convergence(panel, 2000, 2020), 0, "0 economies")


def test_beta_convergence_ignores_missing_endpoints():
    panel = _beta_panel()
    panel.loc[(panel["economy"] == "E03") & (panel["year"] == 2020), "value"] = np.nan
    assert convergence.beta_convergence(panel, 2000, 2020)["n"].tolist() == [29, 29]


def test_sigma_convergence_all_missing_is_insufficient():
    frame = _long({"A": [np.nan] * 6, "B": [np.nan] * 6}, np.arange(2000, 2006))
    synthetic.assert_insufficient(convergence.sigma_convergence(frame), 0, "0 usable")


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


def _common_growth(shrink: float = 0.0, years: int = 20, seed: int = 0) -> pd.DataFrame:
    """30 economies growing 5% a year together; log dispersion constant (or shrinking by
    ``shrink`` a year), with small independent noise."""
    rng = np.random.default_rng(seed)
    start = rng.normal(0, 0.8, 30)
    year = np.arange(2000, 2000 + years)
    logs = (
        np.log(100)
        + start[None, :] * (1 - shrink * (year - 2000))[:, None]
        + 0.05 * (year - 2000)[:, None]
        + rng.normal(0, 0.02, (years, 30))
    )
    return _long({f"E{i:02d}": np.exp(logs[:, i]) for i in range(30)}, year)


def test_sigma_convergence_default_is_on_logs_and_sees_no_divergence_with_common_growth():
    frame = _common_growth()
    result = convergence.sigma_convergence(frame)
    assert "sd of log values" in result["note"].iloc[0]
    assert result["p_value"].iloc[0] > 0.05
    assert result["ci_low"].iloc[0] < 0 < result["ci_high"].iloc[0]
    # In levels, the same data look like divergence.
    levels = convergence.sigma_convergence(frame, measure="sd")
    assert levels["estimate"].iloc[0] > 0 and levels["p_value"].iloc[0] < 0.05


def test_sigma_convergence_on_logs_finds_shrinking_log_dispersion():
    result = convergence.sigma_convergence(_common_growth(shrink=0.02))
    assert result["estimate"].iloc[0] < 0
    assert result["p_value"].iloc[0] < 0.05


def test_sigma_convergence_cv_is_scale_free():
    frame = _common_growth()
    scaled = frame.assign(value=frame["value"] * 1000)
    pdt.assert_frame_equal(
        convergence.sigma_convergence(frame, measure="cv"),
        convergence.sigma_convergence(scaled, measure="cv"),
    )


def test_sigma_convergence_balanced_panel_drops_economies_missing_years():
    frame = _common_growth(years=10)
    holed = frame[~((frame["economy"] == "E03") & (frame["year"] == 2004))]
    result = convergence.sigma_convergence(holed)
    assert (
        "balanced panel: 29 of 30 economies observed in every year 2000-2009"
        in (result["note"].iloc[0])
    )
    without = convergence.sigma_convergence(frame[frame["economy"] != "E03"])
    pdt.assert_frame_equal(result.drop(columns="note"), without.drop(columns="note"))
    unbalanced = convergence.sigma_convergence(holed, balanced=False)
    assert unbalanced["method"].iloc[0] == "sigma_convergence_ols_ar1_unbalanced"
    assert "unbalanced panel" in unbalanced["note"].iloc[0]


def test_sigma_convergence_balanced_panel_too_thin_is_insufficient():
    frame = _long(
        {"A": [1.0, 2.0, np.nan, 3.0, 4.0, 5.0], "B": [2.0, np.nan] + [3.0] * 4}, range(6)
    )
    result = convergence.sigma_convergence(frame)
    synthetic.assert_insufficient(result, 0, "balanced panel: 0 of 2")


def test_sigma_convergence_log_rejects_zero():
    frame = _long({"A": [0.0, 2.0], "B": [3.0, 5.0]}, [2000, 2001])
    with pytest.raises(ValueError, match="positive"):
        convergence.sigma_convergence(frame)


def test_sigma_convergence_rejects_unknown_measure():
    with pytest.raises(ValueError, match="measure"):
        convergence.sigma_convergence(_common_growth(), measure="range")


def test_beta_convergence_notes_regression_to_the_mean():
    note = synthetic.term(convergence.beta_convergence(_beta_panel(), 2000, 2020), "beta")["note"]
    assert "Galton" in note and "Quah 1993" in note and "Friedman 1992" in note
