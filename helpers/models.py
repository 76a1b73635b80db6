"""Trend and convergence models that return tidy result tables.

Single-series models take a pandas Series indexed by integer year (float values; NaNs are
dropped first) and return one row per estimated quantity, with the columns in
``RESULT_COLUMNS``. Convergence models take a long frame (economy, year, value).

Data shortage never raises: the result is a single row with status ``"insufficient data"``,
NaN estimates and a note saying why. ``ValueError`` is kept for bad arguments and for data
that is wrong rather than short (duplicate years, shares above saturation).

Example:
    >>> from helpers import models
    >>> models.linear_trend(series).query("term == 'slope'")
    >>> long.pipe(models.by_group, models.cagr, "economy")
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import special, stats
from statsmodels.stats.diagnostic import breaks_cusumolsresid
from statsmodels.tools.sm_exceptions import ConvergenceWarning
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.statespace.structural import UnobservedComponents

RESULT_COLUMNS = (
    "term",
    "estimate",
    "ci_low",
    "ci_high",
    "p_value",
    "n",
    "method",
    "status",
    "note",
)
OK = "ok"
INSUFFICIENT = "insufficient data"
FORECAST_METHODS = ("local_linear_trend", "holt")

_MIN_TREND = 5
_MIN_CUSUM = 8
_MIN_FORECAST = 8
_MIN_LOGIT = 6
_MIN_ECONOMIES = 5


# --- input ---------------------------------------------------------------------------------


def prepare_series(data: pd.Series) -> pd.Series:
    """Validate a year-indexed series: integer years, sorted, NaNs dropped.

    Args:
        data: values indexed by year (integers, or a DatetimeIndex/PeriodIndex).

    Returns:
        A float Series indexed by int ``year``, sorted, without NaNs.

    Raises:
        TypeError: ``data`` is not a Series.
        ValueError: non-integer or duplicate years, or infinite values.
    """
    if not isinstance(data, pd.Series):
        raise TypeError(f"expected a pandas Series indexed by year, got {type(data).__name__}")
    name = data.name
    if isinstance(data.index, pd.DatetimeIndex | pd.PeriodIndex):
        years = np.asarray(data.index.year, dtype=float)
    else:
        years = pd.to_numeric(pd.Series(data.index), errors="coerce").to_numpy(dtype=float)
    bad = [label for label, year in zip(data.index, years, strict=True) if not year.is_integer()]
    if bad:
        raise ValueError(f"series {name!r}: index must hold integer years, got {bad[:10]}")
    values = data.to_numpy(dtype=float, na_value=np.nan)
    clean = pd.Series(values, index=pd.Index(years.astype(int), name="year"), name=name)
    duplicated = clean.index[clean.index.duplicated()].unique().tolist()
    if duplicated:
        raise ValueError(f"series {name!r}: duplicate years {duplicated}")
    infinite = clean.index[np.isinf(values)].tolist()
    if infinite:
        raise ValueError(f"series {name!r}: infinite values in years {infinite}")
    return clean.dropna().sort_index()


def _check_level(level: float) -> None:
    if not isinstance(level, int | float) or not 0 < level < 1:
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")


def _check_int(name: str, value: object, minimum: int) -> None:
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


def _require_columns(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks columns {missing}; it has {list(frame.columns)}")


def _shortage(
    clean: pd.Series, minimum: int, *, positive: bool = False, residuals: bool = False
) -> str | None:
    """Why ``clean`` cannot support the fit, or None if it can."""
    n = len(clean)
    if n < minimum:
        return f"{n} usable (non-missing) points; at least {minimum} are needed"
    values = clean.to_numpy()
    if positive and (values <= 0).any():
        bad = int((values <= 0).sum())
        return f"{bad} of {n} values are zero or negative; a log model needs positive values"
    if np.ptp(values) == 0:
        return f"the series is constant ({values[0]:g}) over {n} points; nothing to estimate"
    if residuals and _line_ssr(clean) <= 1e-12 * np.sum((values - values.mean()) ** 2):
        return "the series lies exactly on a straight line; no residual variation to test"
    return None


# --- result frames -------------------------------------------------------------------------


def _row(term, estimate=np.nan, ci=(np.nan, np.nan), p_value=np.nan, *, n, method, note=""):
    return {
        "term": term,
        "estimate": estimate,
        "ci_low": ci[0],
        "ci_high": ci[1],
        "p_value": p_value,
        "n": n,
        "method": method,
        "status": OK,
        "note": note,
    }


def _frame(rows: list[dict]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    numeric = dict.fromkeys(("estimate", "ci_low", "ci_high", "p_value"), "float64")
    return frame.astype({**numeric, "n": "int64"})


def _insufficient(term: str, method: str, n: int, note: str) -> pd.DataFrame:
    """The single-row result every model returns when the data cannot support it."""
    row = _row(term, n=n, method=method, note=note)
    row["status"] = INSUFFICIENT
    return _frame([row])


@contextmanager
def _captured_warnings() -> Iterator[list[str]]:
    """Collect warnings raised during a fit so they land in ``note``, not on stderr."""
    notes: list[str] = []
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        yield notes
    for warning in caught:
        if issubclass(warning.category, ConvergenceWarning):
            text = "did not fully converge"
        else:
            text = f"{warning.category.__name__}: {str(warning.message).splitlines()[0]}"
        if text not in notes:
            notes.append(text)


def _join(*parts: str) -> str:
    return "; ".join(p for p in parts if p)


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
    _check_level(level)
    if hac_lags is not None:
        _check_int("hac_lags", hac_lags, 0)
    clean = prepare_series(data)
    method = "ols_hac"
    why = _shortage(clean, _MIN_TREND)
    if why:
        return _insufficient("slope", method, len(clean), why)
    fit, note = _ols_hac(clean, clean.to_numpy(), hac_lags)
    ci = fit.conf_int(alpha=1 - level)
    rows = [
        _row(term, fit.params[i], ci[i], fit.pvalues[i], n=len(clean), method=method, note=note)
        for i, term in enumerate(("intercept", "slope"))
    ]
    return _frame(rows)


def _loglinear(data: pd.Series, level: float, hac_lags: int | None):
    """Shared log-linear fit: (clean, slope, slope CI, p, note) or (clean, reason)."""
    clean = prepare_series(data)
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
    _check_level(level)
    if hac_lags is not None:
        _check_int("hac_lags", hac_lags, 0)
    method = "loglinear_ols_hac"
    clean, fit = _loglinear(data, level, hac_lags)
    if isinstance(fit, str):
        return _insufficient("growth_rate", method, len(clean), fit)
    slope, ci, p_value, note = fit
    common = {"n": len(clean), "method": method, "note": note}
    return _frame(
        [
            _row("slope_log", slope, ci, p_value, **common),
            _row("growth_rate", np.expm1(slope), np.expm1(ci), p_value, **common),
        ]
    )


def cagr(data: pd.Series, level: float = 0.95) -> pd.DataFrame:
    """Compound annual growth rate, from the log-linear trend and from the endpoints.

    ``cagr`` is exp(slope) - 1 of the log-linear HAC fit: it uses every year, so one odd
    endpoint cannot swing it, and it has an interval. ``cagr_endpoint`` is
    (last / first) ** (1 / years between them) - 1, the textbook figure, with no interval.
    Values must be positive; at least 5 points.
    """
    _check_level(level)
    clean, fit = _loglinear(data, level, None)
    if isinstance(fit, str):
        return _insufficient("cagr", "cagr_loglinear_hac", len(clean), fit)
    slope, ci, p_value, note = fit
    span = clean.index[-1] - clean.index[0]
    endpoint = (clean.iloc[-1] / clean.iloc[0]) ** (1 / span) - 1
    span_note = f"{clean.index[0]} to {clean.index[-1]}; no interval for an endpoint ratio"
    return _frame(
        [
            _row(
                "cagr",
                np.expm1(slope),
                np.expm1(ci),
                p_value,
                n=len(clean),
                method="cagr_loglinear_hac",
                note=note,
            ),
            _row("cagr_endpoint", endpoint, n=len(clean), method="cagr_endpoint", note=span_note),
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
    clean = prepare_series(data)
    method = "chow"
    why = _shortage(clean, max(2 * min_segment, 5), residuals=True)
    if why:
        return _insufficient("chow_F", method, len(clean), why)
    before, after = clean[clean.index < break_year], clean[clean.index >= break_year]
    if min(len(before), len(after)) < min_segment:
        note = (
            f"{len(before)} points before {break_year} and {len(after)} from it; "
            f"each segment needs at least {min_segment}"
        )
        return _insufficient("chow_F", method, len(clean), note)
    df_resid = len(clean) - 4
    split = _line_ssr(before) + _line_ssr(after)
    with np.errstate(divide="ignore"):
        f_stat = ((_line_ssr(clean) - split) / 2) / (split / df_resid)
    note = f"F(2, {df_resid}); {len(before)} points before {break_year}, {len(after)} from it"
    p_value = stats.f.sf(f_stat, 2, df_resid)
    return _frame([_row("chow_F", f_stat, p_value=p_value, n=len(clean), method=method, note=note)])


def cusum_test(data: pd.Series, level: float = 0.95) -> pd.DataFrame:
    """CUSUM test of parameter stability on the OLS residuals of the linear trend.

    Term ``cusum_sup``: the sup of the scaled cumulative residuals (Ploberger & Krämer 1992)
    with its asymptotic p-value; the note gives the critical value at ``level``. At least
    8 points, as the test is asymptotic.
    """
    _check_level(level)
    clean = prepare_series(data)
    method = "cusum_ols_resid"
    why = _shortage(clean, _MIN_CUSUM, residuals=True)
    if why:
        return _insufficient("cusum_sup", method, len(clean), why)
    design = sm.add_constant(clean.index.to_numpy(dtype=float))
    resid = sm.OLS(clean.to_numpy(), design).fit().resid
    sup, p_value, _ = breaks_cusumolsresid(resid, ddof=2)
    critical = stats.kstwobign.ppf(level)
    verdict = "rejected" if sup > critical else "not rejected"
    note = f"critical value at level {level:g}: {critical:.3f}; stability {verdict}"
    return _frame([_row("cusum_sup", sup, p_value=p_value, n=len(clean), method=method, note=note)])


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
    _check_level(level)
    _check_int("horizon", horizon, 1)
    if method not in FORECAST_METHODS:
        raise ValueError(f"method must be one of {FORECAST_METHODS}, got {method!r}")
    clean = prepare_series(data)
    why = _shortage(clean, _MIN_FORECAST)
    years = np.arange(clean.index[0], clean.index[-1] + 1) if len(clean) else np.array([])
    gaps = sorted(set(years) - set(clean.index))
    if not why and method == "holt" and gaps:
        why = f"Holt's method needs consecutive years; missing {[int(y) for y in gaps]}"
    if why:
        return _with_year(_insufficient("forecast", method, len(clean), why), [pd.NA])
    # Fit on the standardised series so optimiser tolerances do not depend on units (USD vs %).
    centre, scale = clean.mean(), clean.std()
    z = ((clean - centre) / scale).reindex(years).to_numpy()
    fitter = _ucm_forecast if method == "local_linear_trend" else _ets_forecast
    with _captured_warnings() as notes:
        pred = fitter(z, horizon, level)
    pred = pred * scale + centre
    future = years[-1] + np.arange(1, horizon + 1)
    rows = [
        _row("forecast", mean, (low, high), n=len(clean), method=method, note=_join(*notes))
        for mean, low, high in pred
    ]
    return _with_year(_frame(rows), future)


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


# --- fractional logit (S-shaped adoption) --------------------------------------------------


def _check_saturation(saturation: float) -> None:
    if not isinstance(saturation, int | float) or not saturation > 0:
        raise ValueError(f"saturation must be a positive number, got {saturation!r}")


def _logit_fit(data: pd.Series, saturation: float):
    """Fractional-logit GLM on centred years: (clean, fit dict) or (clean, reason)."""
    clean = prepare_series(data)
    outside = clean.index[(clean < 0) | (clean > saturation)].tolist()
    if outside:
        raise ValueError(
            f"series {clean.name!r}: values outside [0, {saturation:g}] in years {outside}"
        )
    why = _shortage(clean, _MIN_LOGIT)
    if why:
        return clean, why
    # Centring keeps IRLS well conditioned; the year-0 intercept is recovered exactly below.
    centre = float(clean.index.to_numpy().mean())
    design = sm.add_constant(clean.index.to_numpy(dtype=float) - centre)
    with _captured_warnings() as notes:
        # HC1 sandwich errors: the quasi-likelihood is right only in the mean (Papke & Wooldridge).
        fit = sm.GLM(clean.to_numpy() / saturation, design, family=sm.families.Binomial()).fit(
            cov_type="HC1"
        )
    cov = np.asarray(fit.cov_params())
    if not np.isfinite(cov).all():
        # Typically a jump from 0 to saturation: the curve's steepness is not identified.
        return clean, _join("the S-curve is not identified (no finite covariance)", *notes)
    return clean, {"params": np.asarray(fit.params), "cov": cov, "centre": centre, "notes": notes}


def fractional_logit(
    data: pd.Series,
    saturation: float = 100.0,
    level: float = 0.95,
    targets: Sequence[float] = (50.0, 75.0),
) -> pd.DataFrame:
    """Fractional-logit trend for S-shaped adoption (Papke & Wooldridge 1996).

    The share value / saturation is fitted by a Binomial GLM with logit link on year, with
    HC1 errors. Terms: ``intercept`` (year 0) and ``slope`` on the logit scale, and for each
    target ``year_reach_<t>``: the year the fitted curve reaches t (value units), with a
    delta-method interval (symmetric in years, so a rough guide far from the data). If the
    slope is not positive and significant at ``level`` the target year is NaN (status ok)
    with a note. Values outside [0, saturation] raise
    ``ValueError``. At least 6 points.
    """
    _check_level(level)
    _check_saturation(saturation)
    for target in targets:
        if not 0 < target < saturation:
            raise ValueError(f"targets must lie strictly between 0 and {saturation:g}: {target!r}")
    method = "fractional_logit_hc1"
    clean, fit = _logit_fit(data, saturation)
    if isinstance(fit, str):
        return _insufficient("slope", method, len(clean), fit)
    c0, c1 = fit["params"]
    cov, centre, n = fit["cov"], fit["centre"], len(clean)
    z = stats.norm.ppf(0.5 + level / 2)
    fit_note = _join(*fit["notes"])
    # Year-0 intercept b0 = c0 - c1 * centre; its variance follows from the same linear map.
    shift = np.array([[1.0, -centre], [0.0, 1.0]])
    params, se = shift @ fit["params"], np.sqrt(np.diag(shift @ cov @ shift.T))
    p_values = 2 * stats.norm.sf(np.abs(params / se))
    bounds = np.column_stack([params - z * se, params + z * se])
    rows = [
        _row(term, params[i], bounds[i], p_values[i], n=n, method=method, note=fit_note)
        for i, term in enumerate(("intercept", "slope"))
    ]
    upward = c1 > 0 and p_values[1] < 1 - level
    for target in targets:
        term = f"year_reach_{target:g}"
        if not upward:
            flat = f"no upward trend (slope not positive at level {level:g})"
            note = _join(flat, "target not reached in projection", fit_note)
            rows.append(_row(term, n=n, method=method, note=note))
            continue
        gap = special.logit(target / saturation) - c0
        grad = np.array([-1 / c1, -gap / c1**2])
        year, half = centre + gap / c1, z * np.sqrt(grad @ cov @ grad)
        reached = clean.index[clean >= target]
        seen = f"already reached in the data in {reached[0]}" if len(reached) else ""
        note = _join("fitted-curve crossing year, delta-method interval", seen, fit_note)
        rows.append(_row(term, year, (year - half, year + half), n=n, method=method, note=note))
    return _frame(rows)


def predict_fractional_logit(
    data: pd.Series, years: Sequence[int], saturation: float = 100.0, level: float = 0.95
) -> pd.DataFrame:
    """Fitted fractional-logit curve in value units, for plotting.

    Returns:
        Columns ``year, fitted, ci_low, ci_high, status, note``; the interval is for the
        mean curve (on the logit scale, then transformed). With insufficient data the
        values are NaN and status says so.
    """
    _check_level(level)
    _check_saturation(saturation)
    grid = np.asarray(years, dtype=float)
    if grid.ndim != 1 or not np.isfinite(grid).all():
        raise ValueError(f"years must be a 1-d sequence of finite years, got {years!r}")
    _, fit = _logit_fit(data, saturation)
    out = pd.DataFrame({"year": grid.astype(int)})
    if isinstance(fit, str):
        return out.assign(
            fitted=np.nan, ci_low=np.nan, ci_high=np.nan, status=INSUFFICIENT, note=fit
        )
    design = np.column_stack([np.ones_like(grid), grid - fit["centre"]])
    eta = design @ fit["params"]
    half = stats.norm.ppf(0.5 + level / 2) * np.sqrt(
        np.einsum("ij,jk,ik->i", design, fit["cov"], design)
    )
    return out.assign(
        fitted=saturation * special.expit(eta),
        ci_low=saturation * special.expit(eta - half),
        ci_high=saturation * special.expit(eta + half),
        status=OK,
        note=_join(*fit["notes"]),
    )


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
    _require_columns(frame, [*cols, year_col, value_col])
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
