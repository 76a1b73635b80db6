"""Linear and log-linear trends and growth rates, with intervals that allow for AR(1) errors.

Single-series models take a pandas Series indexed by integer year (float values; NaNs are
dropped first) and return one row per estimated quantity, in the shape of
``helpers.models.results`` (``RESULT_COLUMNS``; status ``"insufficient data"`` with a note when the
data cannot support the fit). ``by_group`` applies one of them to every group of a long frame.
Structural-break tests are in ``helpers.models.breaks``, forecasts in
``helpers.models.forecasts``, the S-shaped adoption model in ``helpers.models.adoption`` and
convergence across economies in ``helpers.models.convergence``.

Every ``note`` names the method and its limits. When the data are short enough for the interval
or test to be doubtful, the note ends with a part starting ``"caveat: "`` (``CAVEAT``) that a
sentence quoting the interval can print as it is.

Example:
    >>> from helpers import models
    >>> models.linear_trend(series).query("term == 'slope'")
    >>> long.pipe(models.by_group, models.cagr, "economy")
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from helpers.models import results

ERRORS = ("ar1", "iid", "hac")
CAVEAT = "caveat: "

_MIN_TREND = 5
# Below this many points the AR(1) coefficient is poorly estimated (simulated slope coverage of
# the 95% interval is about 0.87 at n = 10 with rho = 0.6): sentences should say so.
SHORT = 15
# rho is searched on [0, RHO_MAX]. Negative autocorrelation is rare in annual indicators, and
# rho >= 0 keeps the interval at least as wide as the classical one; near 1 the trend and a
# random walk cannot be told apart, so the search stops short of it.
RHO_MAX = 0.95
RHO_GRID = np.linspace(0.0, RHO_MAX, 96)


# --- input ---------------------------------------------------------------------------------


def check_int(name: str, value: object, minimum: int) -> None:
    """Raise ``ValueError`` unless ``value`` is an integer (not bool) >= ``minimum``."""
    if not isinstance(value, int | np.integer) or isinstance(value, bool) or value < minimum:
        raise ValueError(f"{name} must be an integer >= {minimum}, got {value!r}")


def check_errors(errors: str, allowed: Sequence[str] = ERRORS) -> None:
    """Raise ``ValueError`` unless ``errors`` names one of the ``allowed`` error models."""
    if errors not in allowed:
        raise ValueError(f"errors must be one of {tuple(allowed)}, got {errors!r}")


def shortage(
    clean: pd.Series, minimum: int, *, positive: bool = False, residuals: bool = False
) -> str | None:
    """Why ``clean`` cannot support the fit, or None if it can (``residuals``: a test on the
    residuals of a straight line needs some)."""
    why = results.shortage(clean, minimum, positive=positive)
    if why or not residuals:
        return why
    if exact_fit(clean.to_numpy(), line_design(clean.index)):
        return "the series lies exactly on a straight line; no residual variation to test"
    return None


def line_design(years: pd.Index | np.ndarray) -> np.ndarray:
    """Columns (1, year - mean year): centred so the fit is well conditioned."""
    years = np.asarray(years, dtype=float)
    return np.column_stack([np.ones_like(years), years - years.mean()])


def exact_fit(y: np.ndarray, design: np.ndarray) -> bool:
    """Whether ``y`` is (to rounding) an exact linear combination of the ``design`` columns."""
    coef, *_ = np.linalg.lstsq(design, y, rcond=None)
    ssr = float(np.sum((y - design @ coef) ** 2))
    return ssr <= 1e-12 * max(float(np.sum((y - y.mean()) ** 2)), np.finfo(float).tiny)


def caveat(text: str) -> str:
    """A note part that sentences quoting the interval or test should print."""
    return CAVEAT + text


# --- AR(1) errors on a calendar-year scale -------------------------------------------------


def prais_winsten(rho: np.ndarray, years: np.ndarray, columns: np.ndarray):
    """Gap-aware Prais-Winsten transform of ``columns`` for every ``rho``.

    Errors follow AR(1) in calendar years, so two observations ``g`` years apart correlate
    ``rho ** g``: a missing year is a longer step, not a one-year lag. Row 1 is kept, row i
    becomes ``(x_i - rho**g x_{i-1}) / sqrt(1 - rho**(2g))``; the rows are then independent
    with the stationary variance.

    Args:
        rho: AR(1) coefficients, shape (G,).
        years: the (sorted, distinct) years, shape (n,).
        columns: shape (n, m): design and response columns side by side.

    Returns:
        The transformed columns, shape (G, n, m), and log det of the correlation matrix, (G,).
    """
    gaps = np.diff(years)[None, :]
    decay = rho[:, None] ** gaps
    scale = np.sqrt(1.0 - decay**2)
    first = np.broadcast_to(columns[None, :1], (len(rho), 1, columns.shape[1]))
    rest = (columns[None, 1:] - decay[:, :, None] * columns[None, :-1]) / scale[:, :, None]
    return np.concatenate([first, rest], axis=1), 2.0 * np.log(scale).sum(axis=1)


def residual_ss(design: np.ndarray, response: np.ndarray) -> np.ndarray:
    """Residual sums of squares of each response on its design: (G, n, k), (G, n, B) -> (G, B)."""
    q, _ = np.linalg.qr(design)
    projected = np.einsum("gnk,gnb->gkb", q, response)
    return np.maximum((response**2).sum(axis=1) - (projected**2).sum(axis=1), 0.0)


def ar1_reml(years: np.ndarray, design: np.ndarray, response: np.ndarray):
    """Restricted (residual) maximum likelihood of rho for y = X b + AR(1), on a grid.

    REML rather than ML or the residual autocorrelation: with a trend in the regression those
    are biased towards 0 in short series, and REML removes most of that bias (Cheang & Reinsel
    2000, JASA 95:1173). rho is searched on [0, ``RHO_MAX``] in steps of 0.01.

    Args:
        years: shape (n,); design: shape (n, k); response: shape (n, B), one series a column.

    Returns:
        For each response column: the grid index of rho (B,), and the transformed design
        (G, n, k) and responses (G, n, B) for every grid value, for reuse.
    """
    n, k = design.shape
    transformed, logdet = prais_winsten(RHO_GRID, years, np.column_stack([design, response]))
    x_t, y_t = transformed[:, :, :k], transformed[:, :, k:]
    rss = residual_ss(x_t, y_t)
    _, xtx_logdet = np.linalg.slogdet(np.einsum("gni,gnj->gij", x_t, x_t))
    with np.errstate(divide="ignore"):
        minus2 = logdet[:, None] + xtx_logdet[:, None] + (n - k) * np.log(rss)
    return np.argmin(minus2, axis=0), x_t, y_t


# --- one fitted line -----------------------------------------------------------------------


@dataclass(frozen=True)
class LineFit:
    """A straight line in year: intercept (at year 0) and slope, their covariance, the t
    degrees of freedom, and the note and method suffix describing how it was estimated."""

    params: np.ndarray
    cov: np.ndarray
    df: float
    note: str
    method: str

    def ci(self, i: int, level: float) -> tuple[float, float]:
        half = stats.t.ppf(0.5 + level / 2, self.df) * np.sqrt(self.cov[i, i])
        return self.params[i] - half, self.params[i] + half

    def p_value(self, i: int) -> float:
        se = np.sqrt(self.cov[i, i])
        if se == 0:
            return 0.0 if self.params[i] != 0 else 1.0
        return float(2 * stats.t.sf(abs(self.params[i] / se), self.df))


def _default_lags(n: int) -> int:
    # Newey-West (1994) rule of thumb; one lag at least so short series still get HAC.
    return max(1, int(4 * (n / 100) ** (2 / 9)))


def fit_line(clean: pd.Series, y: np.ndarray, errors: str, hac_lags: int | None) -> LineFit:
    """Fit ``y`` (values of ``clean`` or their logs) on year under the ``errors`` model."""
    years = clean.index.to_numpy(dtype=float)
    n = len(years)
    span = f"years {clean.index[0]}-{clean.index[-1]}"
    gaps = np.diff(years).max() > 1
    if errors == "hac":
        lags = _default_lags(n) if hac_lags is None else hac_lags
        fit = sm.OLS(y, sm.add_constant(years)).fit(
            cov_type="HAC", cov_kwds={"maxlags": lags}, use_t=True
        )
        note = results.join_notes(
            f"OLS, Newey-West HAC, maxlags={lags}, t intervals",
            span,
            "lags count observations, not years" if gaps else "",
            caveat(
                "Newey-West intervals are too narrow on short series (95% intervals "
                "covered 0.6-0.85 in simulations with 5-25 years)"
            ),
        )
        return LineFit(fit.params, fit.cov_params(), fit.df_resid, note, "ols_hac")
    design = line_design(years)
    k = design.shape[1]
    if errors == "iid" or exact_fit(y, design):
        rho, x_t, y_t = 0.0, design, y
        why = "exact fit, zero-width interval" if errors == "ar1" else ""
    else:
        index, x_all, y_all = ar1_reml(years, design, y[:, None])
        rho, x_t, y_t = RHO_GRID[index[0]], x_all[index[0]], y_all[index[0], :, 0]
        why = ""
    coef, *_ = np.linalg.lstsq(x_t, y_t, rcond=None)
    # One degree of freedom more is spent on rho in the AR(1) fit.
    df = n - k - (1 if errors == "ar1" else 0)
    sigma2 = float(np.sum((y_t - x_t @ coef) ** 2)) / (n - k)
    cov = sigma2 * np.linalg.inv(x_t.T @ x_t)
    # Back from centred years to the intercept at year 0.
    to_raw = np.array([[1.0, -years.mean()], [0.0, 1.0]])
    params, cov = to_raw @ coef, to_raw @ cov @ to_raw.T
    if errors == "iid":
        note = results.join_notes(
            f"OLS, t({df}) intervals",
            span,
            "assumes independent errors: too narrow if they are autocorrelated",
        )
        return LineFit(params, cov, df, note, "ols")
    note = results.join_notes(
        f"Prais-Winsten GLS, AR(1) errors in calendar years (rho {rho:.2f} by REML), "
        f"t({df}) intervals",
        span,
        why,
        "too narrow if errors are more persistent than AR(1)",
        _ar1_caveat(n, rho),
    )
    return LineFit(params, cov, df, note, "gls_ar1")


def _ar1_caveat(n: int, rho: float) -> str:
    if rho >= RHO_MAX:
        return caveat(
            f"the errors look close to a random walk (rho at its {RHO_MAX:g} cap), so trend "
            "and noise cannot be told apart and the interval is unreliable"
        )
    if n < SHORT:
        return caveat(
            f"with only {n} years the autocorrelation is poorly estimated and the interval "
            "is likely too narrow if the errors are autocorrelated"
        )
    return ""


def _check_errors_and_lags(errors: str, hac_lags: int | None) -> str:
    """The error model to use: passing ``hac_lags`` alone keeps the old Newey-West behaviour."""
    check_errors(errors)
    if hac_lags is None:
        return errors
    check_int("hac_lags", hac_lags, 0)
    if errors == "iid":
        raise ValueError("hac_lags applies only with errors='hac'")
    return "hac"


# --- linear and log-linear trends ----------------------------------------------------------


def linear_trend(
    data: pd.Series, level: float = 0.95, hac_lags: int | None = None, errors: str = "ar1"
) -> pd.DataFrame:
    """Trend of value on year, with intervals that allow for AR(1) errors.

    Terms: ``intercept`` (value at year 0, so fitted = intercept + slope * year) and
    ``slope`` (change per year). At least 5 points.

    Why this method: annual indicators are short (10-30 years) and autocorrelated. Newey-West
    errors need long series (their 95% intervals covered 0.6-0.85 in simulations at 5-25
    years); a parametric AR(1) uses one parameter. The default fits Prais-Winsten GLS with
    rho by REML (less biased than OLS residual autocorrelation in short trending series) and
    t intervals with n - 3 degrees of freedom. In simulations (slope, 95%) it covered about
    0.96 at n = 15 with independent errors and 0.87-0.90 at n = 10-25 with AR(1) rho = 0.6.
    Missing years are handled by calendar year: correlation rho ** gap. Its limits: errors
    more persistent than AR(1) (or near a random walk) make it too narrow; the note says so
    and adds a ``caveat`` part below 15 years.

    Args:
        data: values indexed by year.
        level: confidence level of the intervals.
        hac_lags: opt in to the old OLS with Newey-West (HAC) errors and these maxlags (or
            pass ``errors="hac"`` for ``int(4 * (n / 100) ** (2 / 9))``, at least 1).
        errors: ``"ar1"`` (default), ``"iid"`` (classical OLS) or ``"hac"`` (Newey-West).
    """
    results.check_level(level)
    errors = _check_errors_and_lags(errors, hac_lags)
    clean = results.prepare_series(data)
    method = {"ar1": "gls_ar1", "iid": "ols", "hac": "ols_hac"}[errors]
    why = shortage(clean, _MIN_TREND)
    if why:
        return results.insufficient("slope", method, len(clean), why)
    fit = fit_line(clean, clean.to_numpy(), errors, hac_lags)
    rows = [
        results.row(
            term,
            fit.params[i],
            fit.ci(i, level),
            fit.p_value(i),
            n=len(clean),
            method=fit.method,
            note=fit.note,
        )
        for i, term in enumerate(("intercept", "slope"))
    ]
    return results.frame(rows)


def _loglinear(data: pd.Series, level: float, errors: str, hac_lags: int | None):
    """Shared log-linear fit: (clean, (slope, slope CI, p, note, method)) or (clean, reason)."""
    clean = results.prepare_series(data)
    why = shortage(clean, _MIN_TREND, positive=True)
    if why:
        return clean, why
    fit = fit_line(clean, np.log(clean.to_numpy()), errors, hac_lags)
    return clean, (fit.params[1], np.array(fit.ci(1, level)), fit.p_value(1), fit.note, fit.method)


def loglinear_trend(
    data: pd.Series, level: float = 0.95, hac_lags: int | None = None, errors: str = "ar1"
) -> pd.DataFrame:
    """Trend of log(value) on year, with intervals that allow for AR(1) errors.

    Terms: ``slope_log`` (change in log per year) and ``growth_rate`` = exp(slope) - 1, whose
    interval is the slope interval transformed the same way. Values must be positive; at
    least 5 points. Method, its limits and the arguments as in ``linear_trend``.
    """
    results.check_level(level)
    errors = _check_errors_and_lags(errors, hac_lags)
    method = "loglinear_" + {"ar1": "gls_ar1", "iid": "ols", "hac": "ols_hac"}[errors]
    clean, fit = _loglinear(data, level, errors, hac_lags)
    if isinstance(fit, str):
        return results.insufficient("growth_rate", method, len(clean), fit)
    slope, ci, p_value, note, how = fit
    common = {"n": len(clean), "method": "loglinear_" + how, "note": note}
    return results.frame(
        [
            results.row("slope_log", slope, ci, p_value, **common),
            results.row("growth_rate", np.expm1(slope), np.expm1(ci), p_value, **common),
        ]
    )


def cagr(data: pd.Series, level: float = 0.95, errors: str = "ar1") -> pd.DataFrame:
    """Compound annual growth rate, from the log-linear trend and from the endpoints.

    ``cagr`` is exp(slope) - 1 of the log-linear fit (``loglinear_trend``, AR(1) errors by
    default): it uses every year, so one odd endpoint cannot swing it, and it has an interval.
    ``cagr_endpoint`` is (last / first) ** (1 / years between them) - 1, the textbook figure,
    with no interval. Values must be positive; at least 5 points.
    """
    results.check_level(level)
    check_errors(errors)
    clean, fit = _loglinear(data, level, errors, None)
    method = "cagr_loglinear_" + {"ar1": "gls_ar1", "iid": "ols", "hac": "ols_hac"}[errors]
    if isinstance(fit, str):
        return results.insufficient("cagr", method, len(clean), fit)
    slope, ci, p_value, note, _ = fit
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
                method=method,
                note=note,
            ),
            results.row(
                "cagr_endpoint", endpoint, n=len(clean), method="cagr_endpoint", note=span_note
            ),
        ]
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
