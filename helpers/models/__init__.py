"""The models layer: trends, tests, forecasts, adoption curves, convergence and progress.

Every model returns a tidy frame of results (``helpers.models.results``): estimate, interval,
p-value, n, method and status, with "insufficient data" instead of an exception on short series.
"""

from helpers.models.adoption import fractional_logit, predict_fractional_logit
from helpers.models.breaks import chow_test, cusum_test
from helpers.models.convergence import beta_convergence, dispersion, sigma_convergence
from helpers.models.forecasts import FORECAST_METHODS, forecast
from helpers.models.progress import CATEGORIES, PROGRESS_COLUMNS, assess_progress
from helpers.models.results import INSUFFICIENT, OK, RESULT_COLUMNS
from helpers.models.trends import by_group, cagr, linear_trend, loglinear_trend
from helpers.models.volatility import detrended_cv, median_interval

__all__ = [
    "CATEGORIES",
    "FORECAST_METHODS",
    "INSUFFICIENT",
    "OK",
    "PROGRESS_COLUMNS",
    "RESULT_COLUMNS",
    "assess_progress",
    "beta_convergence",
    "by_group",
    "cagr",
    "chow_test",
    "cusum_test",
    "detrended_cv",
    "dispersion",
    "forecast",
    "fractional_logit",
    "linear_trend",
    "loglinear_trend",
    "median_interval",
    "predict_fractional_logit",
    "sigma_convergence",
]
