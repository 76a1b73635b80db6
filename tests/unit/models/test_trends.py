"""Linear and log-linear trends and growth rates: known-parameter recovery and edge cases."""

from __future__ import annotations

import numpy as np
import pytest
import statsmodels.api as sm

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


def test_linear_trend_note_names_the_method_and_its_limit():
    slope = synthetic.term(models.linear_trend(synthetic.trend()), "slope")
    assert slope["method"] == "gls_ar1"
    assert "Prais-Winsten GLS, AR(1) errors" in slope["note"]
    assert "by REML" in slope["note"] and "t(21) intervals" in slope["note"]
    assert "more persistent than AR(1)" in slope["note"]
    assert trends.CAVEAT not in slope["note"]  # 24 years: no short-series caveat


def test_linear_trend_short_series_carries_a_caveat():
    note = synthetic.term(models.linear_trend(synthetic.trend().iloc[:10]), "slope")["note"]
    assert note.split("; ")[-1].startswith("caveat: with only 10 years")


def test_linear_trend_iid_matches_classical_ols():
    data = synthetic.trend()
    slope = synthetic.term(models.linear_trend(data, level=0.9, errors="iid"), "slope")
    fit = sm.OLS(data.to_numpy(), sm.add_constant(data.index.to_numpy(dtype=float))).fit()
    assert slope["method"] == "ols"
    assert slope["estimate"] == pytest.approx(fit.params[1])
    assert [slope["ci_low"], slope["ci_high"]] == pytest.approx(fit.conf_int(0.1)[1])
    assert slope["p_value"] == pytest.approx(fit.pvalues[1])


def test_linear_trend_gaps_use_calendar_year_correlation():
    # GLS with corr = rho ** |year difference| at the REML rho, written out in full.
    data = synthetic.trend().drop([2005, 2006, 2015])
    years = data.index.to_numpy(dtype=float)
    index, *_ = trends.ar1_reml(years, trends.line_design(years), data.to_numpy()[:, None])
    rho = trends.RHO_GRID[index[0]]
    corr = rho ** np.abs(years[:, None] - years[None, :])
    fit = sm.GLS(data.to_numpy(), sm.add_constant(years), sigma=corr).fit()
    slope = synthetic.term(models.linear_trend(data), "slope")
    assert slope["estimate"] == pytest.approx(fit.params[1])
    half = (slope["ci_high"] - slope["ci_low"]) / 2
    assert half == pytest.approx(fit.bse[1] * trends.stats.t.ppf(0.975, len(years) - 3))
    assert f"rho {rho:.2f} by REML" in slope["note"]


def test_linear_trend_exact_line_has_zero_width_interval():
    slope = synthetic.term(models.linear_trend(synthetic.series(2.0 + 0.5 * np.arange(8))), "slope")
    assert slope["estimate"] == pytest.approx(0.5)
    assert slope["ci_low"] == pytest.approx(0.5) and slope["ci_high"] == pytest.approx(0.5)
    assert "exact fit" in slope["note"]


def test_linear_trend_hac_lags_opts_in_to_newey_west():
    slope = synthetic.term(models.linear_trend(synthetic.trend(), hac_lags=3), "slope")
    assert slope["method"] == "ols_hac"
    assert "maxlags=3" in slope["note"] and "caveat: Newey-West" in slope["note"]


def test_linear_trend_records_default_hac_lags():
    # 24 points: int(4 * 0.24 ** (2/9)) = 2
    result = models.linear_trend(synthetic.trend(), errors="hac")
    assert "maxlags=2" in synthetic.term(result, "slope")["note"]


def test_linear_trend_rejects_negative_hac_lags():
    with pytest.raises(ValueError, match="hac_lags"):
        models.linear_trend(synthetic.trend(), hac_lags=-1)


@pytest.mark.parametrize(
    ("kwargs", "match"), [({"errors": "ar2"}, "errors"), ({"errors": "iid", "hac_lags": 2}, "hac")]
)
def test_linear_trend_rejects_bad_error_models(kwargs, match):
    with pytest.raises(ValueError, match=match):
        models.linear_trend(synthetic.trend(), **kwargs)


def test_loglinear_trend_recovers_growth_rate():
    growth = synthetic.term(models.loglinear_trend(synthetic.growth(0.04)), "growth_rate")
    assert growth["estimate"] == pytest.approx(0.04, abs=0.005)
    assert growth["ci_low"] < 0.04 < growth["ci_high"]
    assert growth["method"] == "loglinear_gls_ar1"


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
    assert rate["method"] == "cagr_loglinear_gls_ar1"
    assert "Prais-Winsten" in rate["note"]
