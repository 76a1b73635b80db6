"""Forecasts with prediction intervals, on the logit scale for bounded series such as shares.

``forecast`` takes a Series indexed by integer year and returns one row per future year in the
``helpers.models.results`` shape, with a ``year`` column after ``term``.

Example:
    >>> from helpers import models
    >>> models.forecast(series, horizon=5)                       # local linear trend
    >>> models.forecast(access_pct, horizon=5, bounds=(0, 100))  # a share: stays in 0-100
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import special
from statsmodels.tsa.exponential_smoothing.ets import ETSModel
from statsmodels.tsa.statespace.structural import UnobservedComponents

from helpers.models import results
from helpers.models.trends import caveat, check_int, shortage

FORECAST_METHODS = ("local_linear_trend", "holt")

_MIN_FORECAST = 8
_SHORT_FORECAST = 15
# Values this close to a bound (as a fraction of the range) are moved to this distance, so the
# logit stays finite for a share that reaches 100 (or 0).
_BOUND_MARGIN = 0.001


def forecast(
    data: pd.Series,
    horizon: int = 5,
    level: float = 0.95,
    method: str = "local_linear_trend",
    bounds: tuple[float, float] | None = None,
) -> pd.DataFrame:
    """Forecasts, with prediction intervals (observation noise included), one row per year.

    Unlike the other models the result has a ``year`` column (nullable Int64) right after
    ``term``; every row has ``term="forecast"``. At least 8 points. Fit warnings (e.g.
    non-convergence) are recorded in ``note``.

    Methods:
        ``"local_linear_trend"`` (default): UnobservedComponents; gaps between years are
        treated as missing. Its intervals take the fitted variances as known, so they are
        too narrow on short series (95% intervals covered about 0.8-0.87 at horizons 1-5 in
        simulations of 10-year random walks with drift); below 15 points the note has a
        caveat.
        ``"holt"``: Holt's linear method (ETSModel, additive error and trend; consecutive
        years only). Point forecasts only: with four parameters estimated from a short series
        its intervals, analytic or simulated, covered 0.35-0.75 in the same simulations, so
        none is offered.

    Args:
        data: values indexed by year.
        horizon: years ahead.
        level: level of the prediction intervals.
        method: one of ``FORECAST_METHODS``.
        bounds: ``(low, high)`` for a bounded series, e.g. ``(0, 100)`` for a percentage share:
            the model runs on logit((value - low) / (high - low)) and is mapped back, so the
            forecast and its interval stay inside the bounds; the forecast is then the median
            path. Values within 0.1% of the range from a bound are moved to that distance.

    Raises:
        ValueError: bad arguments, or values outside ``bounds``.
    """
    results.check_level(level)
    check_int("horizon", horizon, 1)
    if method not in FORECAST_METHODS:
        raise ValueError(f"method must be one of {FORECAST_METHODS}, got {method!r}")
    clean = results.prepare_series(data)
    if bounds is not None:
        _check_bounds(clean, bounds)
    why = shortage(clean, _MIN_FORECAST)
    years = np.arange(clean.index[0], clean.index[-1] + 1) if len(clean) else np.array([])
    gaps = sorted(set(years) - set(clean.index))
    if not why and method == "holt" and gaps:
        why = f"Holt's method needs consecutive years; missing {[int(y) for y in gaps]}"
    if why:
        return _with_year(results.insufficient("forecast", method, len(clean), why), [pd.NA])
    work = clean if bounds is None else _to_logit(clean, bounds)
    # Fit on the standardised series so optimiser tolerances do not depend on units (USD vs %).
    centre, scale = work.mean(), work.std()
    z = ((work - centre) / scale).reindex(years).to_numpy()
    fitter = _ucm_forecast if method == "local_linear_trend" else _holt_forecast
    with results.captured_warnings() as notes:
        pred = fitter(z, horizon, level)
    pred = pred * scale + centre
    if bounds is not None:
        pred = bounds[0] + (bounds[1] - bounds[0]) * special.expit(pred)
    note = results.join_notes(*_method_notes(method, len(clean), bounds), *notes)
    future = years[-1] + np.arange(1, horizon + 1)
    rows = [
        results.row("forecast", mean, (low, high), n=len(clean), method=method, note=note)
        for mean, low, high in pred
    ]
    return _with_year(results.frame(rows), future)


def _check_bounds(clean: pd.Series, bounds: tuple[float, float]) -> None:
    if (
        not isinstance(bounds, tuple | list)
        or len(bounds) != 2
        or not all(isinstance(b, int | float) and np.isfinite(b) for b in bounds)
        or not bounds[0] < bounds[1]
    ):
        raise ValueError(f"bounds must be (low, high) with finite low < high, got {bounds!r}")
    outside = clean.index[(clean < bounds[0]) | (clean > bounds[1])].tolist()
    if outside:
        raise ValueError(f"series {clean.name!r}: values outside bounds {bounds} in {outside}")


def _to_logit(clean: pd.Series, bounds: tuple[float, float]) -> pd.Series:
    share = (clean - bounds[0]) / (bounds[1] - bounds[0])
    return special.logit(share.clip(_BOUND_MARGIN, 1 - _BOUND_MARGIN))


def _method_notes(method: str, n: int, bounds) -> list[str]:
    if method == "holt":
        parts = [
            "Holt's linear method, point forecasts only: intervals ignoring the uncertainty "
            "in its four estimated parameters covered well below their level in simulations"
        ]
    else:
        parts = ["local linear trend; intervals take the fitted variances as known"]
        if n < _SHORT_FORECAST:
            parts.append(
                caveat(f"with only {n} points the prediction interval is likely too narrow")
            )
    if bounds is not None:
        parts.insert(1, f"fitted on the logit scale within {bounds}; the forecast is a median")
    return parts


def _ucm_forecast(z: np.ndarray, horizon: int, level: float) -> np.ndarray:
    fit = UnobservedComponents(z, level="local linear trend").fit(disp=False)
    table = fit.get_forecast(horizon).summary_frame(alpha=1 - level)
    return table[["mean", "mean_ci_lower", "mean_ci_upper"]].to_numpy()


def _holt_forecast(z: np.ndarray, horizon: int, level: float) -> np.ndarray:
    # A pandas endog is required: ETS prediction summaries fail on bare arrays.
    fit = ETSModel(pd.Series(z, index=pd.RangeIndex(len(z))), error="add", trend="add").fit(
        disp=False
    )
    mean = np.asarray(fit.forecast(horizon))
    return np.column_stack([mean, np.full(horizon, np.nan), np.full(horizon, np.nan)])


def _with_year(frame: pd.DataFrame, years: Sequence) -> pd.DataFrame:
    frame.insert(1, "year", pd.array(list(years), dtype="Int64"))
    return frame
