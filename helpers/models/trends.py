"""Trend, growth, structural-break and forecast models that return tidy result tables.

Single-series models take a pandas Series indexed by integer year (float values; NaNs are
dropped first) and return one row per estimated quantity, in the shape of
``helpers.models.results`` (``RESULT_COLUMNS``; status ``"insufficient data"`` with a note when the
data cannot support the fit). ``by_group`` applies one of them to every group of a long frame.
The S-shaped adoption model is in ``helpers.models.adoption``, convergence across economies in
``helpers.models.convergence``.

Example:
    >>> from helpers import models
    >>> models.linear_trend(series).query("term == 'slope'")
    >>> long.pipe(models.by_group, models.cagr, "economy")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats
from statsmodels.stats.diagnostic import breaks_cusumolsresid
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.statespace.structural import UnobservedComponents

from helpers.models import results

FORECAST_METHODS = ("local_linear_trend", "holt")

_MIN_TREND = 5
_MIN_CUSUM = 8
_MIN_FORECAST = 8


# --- input ---------------------------------------------------------------------------------


def _check_int(name: str, value: object, minimum: int) -> None:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


def _shortage(
    clean: pd.Series, minimum: int, *, positive: bool = False, residuals: bool = False
) -> str | None:
    """Why ``clean`` cannot support the fit, or None if it can (``residuals``: a test on the
    residuals of a straight line needs some)."""
    why = results.shortage(clean, minimum, positive=positive)
    if why or not residuals:
        return why
    values = clean.to_numpy()
    if _line_ssr(clean) <= 1e-12 * np.sum((values - values.mean()) ** 2):
        return "the series lies exactly on a straight line; no residual variation to test"
    return None


# --- linear and log-linear trends ----------------------------------------------------------


def _default_lags(n: int) -> int:
    # Newey-West (1994) rule of thumb; one lag at least so short series still get HAC.
    return max(1, int(4 * (n / 100) ** (2 / 9)))


def _line_ssr(clean: pd.Series) -> float:
    years = clean.index.to_numpy(dtype=float)
    design = np.column_stack([np.ones_like(years), years - years.mean()])
    coef, *_ = np.linalg.lstsq(design, clean.to_numpy(), rcond=None)
    return float(np.sum((clean.to_numpy() - design @ coef) ** 2))


def _ols_hac(clean: pd.Series, y: np.ndarray, hac_lags: int | None):
    """OLS of ``y`` on year with Newey-West errors; t intervals because samples are short."""
    lags = _default_lags(len(y)) if hac_lags is None else hac_lags
    design = sm.add_constant(clean.index.to_numpy(dtype=float))
    fit = sm.OLS(y, design).fit(cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True)
    span = f"years {clean.index[0]}-{clean.index[-1]}"
    return fit, f"Newey-West HAC, maxlags={lags}, t intervals; {span}"


def linear_trend(data: pd.Series, level: float = 0.95, hac_lags: int | None = None) -> pd.DataFrame:
    """OLS trend of value on year with Newey-West (HAC) standard errors.

    Terms: ``intercept`` (value at year 0, so fitted = intercept + slope * year) and
    ``slope`` (change per year). At least 5 points.

    Args:
        data: values indexed by year.
        level: confidence level of the intervals.
        hac_lags: HAC maxlags; default ``int(4 * (n / 100) ** (2 / 9))``, at least 1.
    """
    results.check_level(level)
    if hac_lags is not None:
        _check_int("hac_lags", hac_lags, 0)
    clean = results.prepare_series(data)
    method = "ols_hac"
    why = _shortage(clean, _MIN_TREND)
    if why:
        return results.insufficient("slope", method, len(clean), why)
    fit, note = _ols_hac(clean, clean.to_numpy(), hac_lags)
    ci = fit.conf_int(alpha=1 - level)
    rows = [
        results.row(
            term, fit.params[i], ci[i], fit.pvalues[i], n=len(clean), method=method, note=note
        )
        for i, term in enumerate(("intercept", "slope"))
    ]
    return results.frame(rows)


def _loglinear(data: pd.Series, level: float, hac_lags: int | None):
    """Shared log-linear fit: (clean, slope, slope CI, p, note) or (clean, reason)."""
    clean = results.prepare_series(data)
    why = _shortage(clean, _MIN_TREND, positive=True)
    if why:
        return clean, why
    fit, note = _ols_hac(clean, np.log(clean.to_numpy()), hac_lags)
    return clean, (fit.params[1], fit.conf_int(alpha=1 - level)[1], fit.pvalues[1], note)


def loglinear_trend(
    data: pd.Series, level: float = 0.95, hac_lags: int | None = None
) -> pd.DataFrame:
    """OLS trend of log(value) on year with Newey-West (HAC) standard errors.

    Terms: ``slope_log`` (change in log per year) and ``growth_rate`` = exp(slope) - 1, whose
    interval is the slope interval transformed the same way. Values must be positive; at
    least 5 points.
    """
    results.check_level(level)
    if hac_lags is not None:
        _check_int("hac_lags", hac_lags, 0)
    method = "loglinear_ols_hac"
    clean, fit = _loglinear(data, level, hac_lags)
    if isinstance(fit, str):
        return results.insufficient("growth_rate", method, len(clean), fit)
    slope, ci, p_value, note = fit
    common = {"n": len(clean), "method": method, "note": note}
    return results.frame(
        [
            results.row("slope_log", slope, ci, p_value, **common),
            results.row("growth_rate", np.expm1(slope), np.expm1(ci), p_value, **common),
        ]
    )


def cagr(data: pd.Series, level: float = 0.95) -> pd.DataFrame:
    """Compound annual growth rate, from the log-linear trend and from the endpoints.

    ``cagr`` is exp(slope) - 1 of the log-linear HAC fit: it uses every year, so one odd
    endpoint cannot swing it, and it has an interval. ``cagr_endpoint`` is
    (last / first) ** (1 / years between them) - 1, the textbook figure, with no interval.
    Values must be positive; at least 5 points.
    """
    results.check_level(level)
    clean, fit = _loglinear(data, level, None)
    if isinstance(fit, str):
        return results.insufficient("cagr", "cagr_loglinear_hac", len(clean), fit)
    slope, ci, p_value, note = fit
    span = clean.index[-1] - clean.index[0]
    endpoint = (clean.iloc[-1] / clean.iloc[0]) ** (1 / span) - 1
    span_note = f"{clean.index[0]} to {clean.index[-1]}; no interval for an endpoint ratio"
    return results.frame(
        [
            results.row(
                "cagr",
                np.expm1(slope),
                np.expm1(ci),
                p_value,
                n=len(clean),
                method="cagr_loglinear_hac",
                note=note,
            ),
            results.row(
                "cagr_endpoint", endpoint, n=len(clean), method="cagr_endpoint", note=span_note
            ),
        ]
    )


# --- structural breaks ---------------------------------------------------------------------


def chow_test(data: pd.Series, break_year: int, min_segment: int = 3) -> pd.DataFrame:
    """Chow test for a break in a linear trend at a known year.

    Years >= ``break_year`` form the second segment. Term ``chow_F``: the F statistic as
    estimate, its p-value from F(2, n - 4); the note gives the degrees of freedom. Needs
    ``min_segment`` points in each segment and ``max(2 * min_segment, 5)`` in all.
    """
    _check_int("min_segment", min_segment, 2)
    if not isinstance(break_year, int | np.integer):
        raise ValueError(f"break_year must be an integer year, got {break_year!r}")
    clean = results.prepare_series(data)
    method = "chow"
    why = _shortage(clean, max(2 * min_segment, 5), residuals=True)
    if why:
        return results.insufficient("chow_F", method, len(clean), why)
    before, after = clean[clean.index < break_year], clean[clean.index >= break_year]
    if min(len(before), len(after)) < min_segment:
        note = (
            f"{len(before)} points before {break_year} and {len(after)} from it; "
            f"each segment needs at least {min_segment}"
        )
        return results.insufficient("chow_F", method, len(clean), note)
    df_resid = len(clean) - 4
    split = _line_ssr(before) + _line_ssr(after)
    with np.errstate(divide="ignore"):
        f_stat = ((_line_ssr(clean) - split) / 2) / (split / df_resid)
    note = f"F(2, {df_resid}); {len(before)} points before {break_year}, {len(after)} from it"
    p_value = stats.f.sf(f_stat, 2, df_resid)
    return results.frame(
        [results.row("chow_F", f_stat, p_value=p_value, n=len(clean), method=method, note=note)]
    )


def cusum_test(data: pd.Series, level: float = 0.95) -> pd.DataFrame:
    """CUSUM test of parameter stability on the OLS residuals of the linear trend.

    Term ``cusum_sup``: the sup of the scaled cumulative residuals (Ploberger & Krämer 1992)
    with its asymptotic p-value; the note gives the critical value at ``level``. At least
    8 points, as the test is asymptotic.
    """
    results.check_level(level)
    clean = results.prepare_series(data)
    method = "cusum_ols_resid"
    why = _shortage(clean, _MIN_CUSUM, residuals=True)
    if why:
        return results.insufficient("cusum_sup", method, len(clean), why)
    design = sm.add_constant(clean.index.to_numpy(dtype=float))
    resid = sm.OLS(clean.to_numpy(), design).fit().resid
    sup, p_value, _ = breaks_cusumolsresid(resid, ddof=2)
    critical = stats.kstwobign.ppf(level)
    verdict = "rejected" if sup > critical else "not rejected"
    note = f"critical value at level {level:g}: {critical:.3f}; stability {verdict}"
    return results.frame(
        [results.row("cusum_sup", sup, p_value=p_value, n=len(clean), method=method, note=note)]
    )


# --- forecasts -----------------------------------------------------------------------------


def forecast(
    data: pd.Series, horizon: int = 5, level: float = 0.95, method: str = "local_linear_trend"
) -> pd.DataFrame:
    """Forecasts with prediction intervals (observation noise included), one row per year.

    Unlike the other models the result has a ``year`` column (nullable Int64) right after
    ``term``; every row has ``term="forecast"``. Methods: ``"local_linear_trend"``
    (UnobservedComponents; gaps between years are treated as missing) and ``"holt"``
    (ETSModel, additive error and trend; needs consecutive years). At least 8 points.
    Fit warnings (e.g. non-convergence) are recorded in ``note``.
    """
    results.check_level(level)
    _check_int("horizon", horizon, 1)
    if method not in FORECAST_METHODS:
        raise ValueError(f"method must be one of {FORECAST_METHODS}, got {method!r}")
    clean = results.prepare_series(data)
    why = _shortage(clean, _MIN_FORECAST)
    years = np.arange(clean.index[0], clean.index[-1] + 1) if len(clean) else np.array([])
    gaps = sorted(set(years) - set(clean.index))
    if not why and method == "holt" and gaps:
        why = f"Holt's method needs consecutive years; missing {[int(y) for y in gaps]}"
    if why:
        return _with_year(results.insufficient("forecast", method, len(clean), why), [pd.NA])
    # Fit on the standardised series so optimiser tolerances do not depend on units (USD vs %).
    centre, scale = clean.mean(), clean.std()
    z = ((clean - centre) / scale).reindex(years).to_numpy()
    fitter = _ucm_forecast if method == "local_linear_trend" else _ets_forecast
    with results.captured_warnings() as notes:
        pred = fitter(z, horizon, level)
    pred = pred * scale + centre
    future = years[-1] + np.arange(1, horizon + 1)
    rows = [
        results.row(
            "forecast",
            mean,
            (low, high),
            n=len(clean),
            method=method,
            note=results.join_notes(*notes),
        )
        for mean, low, high in pred
    ]
    return _with_year(results.frame(rows), future)


def _ucm_forecast(z: np.ndarray, horizon: int, level: float) -> np.ndarray:
    fit = UnobservedComponents(z, level="local linear trend").fit(disp=False)
    table = fit.get_forecast(horizon).summary_frame(alpha=1 - level)
    return table[["mean", "mean_ci_lower", "mean_ci_upper"]].to_numpy()


def _ets_forecast(z: np.ndarray, horizon: int, level: float) -> np.ndarray:
    # A pandas endog is required: ETS prediction summaries fail on bare arrays.
    model = ETSModel(pd.Series(z, index=pd.RangeIndex(len(z))), error="add", trend="add")
    fit = model.fit(disp=False)
    table = fit.get_prediction(start=len(z), end=len(z) + horizon - 1).summary_frame(
        alpha=1 - level
    )
    return table[["mean", "pi_lower", "pi_upper"]].to_numpy()


def _with_year(frame: pd.DataFrame, years: Sequence) -> pd.DataFrame:
    frame.insert(1, "year", pd.array(list(years), dtype="Int64"))
    return frame


# --- groups --------------------------------------------------------------------------------


def by_group(
    frame: pd.DataFrame,
    func: Callable[..., pd.DataFrame],
    group_cols: str | Sequence[str],
    year_col: str = "year",
    value_col: str = "value",
    **kwargs,
) -> pd.DataFrame:
    """Apply a single-series model to every group of a long frame.

    Example:
        >>> long.pipe(by_group, linear_trend, ["economy", "series"], level=0.9)

    Returns:
        The concatenated results with the group columns prepended.
    """
    cols = [group_cols] if isinstance(group_cols, str) else list(group_cols)
    if not cols:
        raise ValueError("group_cols must name at least one column")
    results.require_columns(frame, [*cols, year_col, value_col])
    if frame.empty:
        raise ValueError("frame has no rows to group")
    pieces = []
    for key, group in frame.groupby(cols, sort=True, dropna=False):
        labels = dict(zip(cols, key, strict=True))
        series = pd.Series(group[value_col].to_numpy(), index=group[year_col].to_numpy())
        try:
            result = func(series, **kwargs)
        except ValueError as err:
            raise ValueError(f"group {labels}: {err}") from err
        for position, (col, label) in enumerate(labels.items()):
            result.insert(position, col, label)
        pieces.append(result)
    return pd.concat(pieces, ignore_index=True)
