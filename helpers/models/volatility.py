"""Aid volatility: the coefficient of variation of receipts around their trend, and a bootstrap
interval for a group median.

The measure follows the literature that judges aid volatility on the deviations of aid from
its trend rather than on its raw year-to-year changes (Bulíř and Hamann 2003, 2008, who
detrend with a Hodrick-Prescott filter). Here the trend is log-linear, fitted by OLS:

    log(y_t) = a + b * t + e_t        detrended receipts d_t = y_t / exp(a + b * t) = exp(e_t)

and the volatility is the coefficient of variation of ``d_t``: its standard deviation (with
n - 2 degrees of freedom, as the trend used two) over its mean. It is scale-free, so a
recipient of US$50 million and one of US$5 billion compare, and a pure log-linear trend has
a CV of 0.

Why a log-linear trend and not the HP filter: on 10 to 25 annual points the filter's trend
bends towards the deviations (and most of all at both ends), so part of the volatility would
be read as trend; a log-linear trend states its assumption plainly (steady growth or decline
at one rate over the window) and the CV is then the spread around that path.

What the measure assumes, and cannot know:

- that a constant growth rate is the right "expected" path; a break in the trend (a
  recipient graduating, a donor exit, a war) shows as volatility;
- deviations from trend are treated as unpredictable, though some were announced ahead
  (debt relief, humanitarian surges): it measures volatility, not unpredictability, which
  would need commitments or forecasts beside disbursements;
- receipts must be positive in every year (logs); a year of negative net receipts leaves the
  recipient out with a note.

Example:
    >>> from helpers.models import volatility
    >>> volatility.detrended_cv(receipts)           # a year-indexed Series
    >>> volatility.median_interval(cvs, level=0.95)  # a bootstrap interval for the median
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

from helpers.models.results import (
    check_level,
    frame,
    insufficient,
    prepare_series,
    row,
    shortage,
)

METHOD = "cv_loglinear_detrended"
MEDIAN_METHOD = "median_percentile_bootstrap"
MIN_YEARS = 10  # fewer annual points leave too few residual degrees of freedom for a spread
MIN_GROUP = 5  # fewer economies: the bootstrap distribution of a median has a handful of values
N_RESAMPLES = 9999


def detrend(data: pd.Series) -> pd.DataFrame:
    """The log-linear trend of a positive year-indexed series and the receipts relative to it.

    Returns:
        Columns ``year, value, trend, detrended`` (``detrended`` = value / trend).

    Raises:
        ValueError: fewer than two points, or a value that is zero or negative.
    """
    clean = prepare_series(data)
    if len(clean) < 2 or (clean <= 0).any():
        raise ValueError(f"series {data.name!r}: needs two or more positive values to detrend")
    years = clean.index.to_numpy(dtype=float)
    slope, intercept = np.polyfit(years - years.mean(), np.log(clean.to_numpy()), 1)
    trend = np.exp(intercept + slope * (years - years.mean()))
    return pd.DataFrame(
        {
            "year": clean.index.to_numpy(),
            "value": clean.to_numpy(),
            "trend": trend,
            "detrended": clean.to_numpy() / trend,
        }
    )


def detrended_cv(data: pd.Series, min_years: int = MIN_YEARS) -> pd.DataFrame:
    """Volatility of one recipient's receipts: the CV of receipts relative to their log-linear
    trend, and the trend's growth rate.

    Args:
        data: receipts indexed by year (constant prices preferred: otherwise the trend also
            carries inflation, and a change in inflation shows as volatility).
        min_years: the fewest non-missing years the measure needs.

    Returns:
        Result rows (``helpers.models.results``): ``cv`` (a fraction: 0.25 is 25%) and
        ``trend_growth`` (exp(b) - 1, a fraction per year), with ``n`` and a note naming the
        years; no interval (the years are not independent draws). A single
        "insufficient data" row when the series is short, constant or not positive.
    """
    clean = prepare_series(data)
    why = shortage(clean, min_years, positive=True)
    if why:
        return insufficient("cv", METHOD, len(clean), why)
    fitted = detrend(clean)
    d = fitted["detrended"].to_numpy()
    cv = float(np.std(d, ddof=2) / np.mean(d))
    years = fitted["year"]
    growth = float((fitted["trend"].iloc[-1] / fitted["trend"].iloc[0]) ** (1 / np.ptp(years)) - 1)
    span = f"{years.min()}-{years.max()}"
    gaps = int(np.ptp(years)) + 1 - len(years)
    note = f"{span}" + (f", {gaps} missing year(s) inside" if gaps else "")
    n = len(clean)
    return frame(
        [
            row("cv", cv, n=n, method=METHOD, note=note),
            row("trend_growth", growth, n=n, method=METHOD, note=note),
        ]
    )


def median_interval(
    values: pd.Series | np.ndarray | list,
    level: float = 0.95,
    *,
    n_resamples: int = N_RESAMPLES,
    seed: int = 0,
    min_n: int = MIN_GROUP,
) -> pd.DataFrame:
    """The median of ``values`` with a percentile-bootstrap interval (``scipy.stats.bootstrap``).

    The interval treats the values (one per economy) as independent draws from a population
    of similar economies. With few values the percentile bootstrap of a median is too narrow
    and lumpy (the resampled medians take only a few distinct values), so below ``min_n``
    values only the median is returned, with a note.

    Returns:
        One result row, term ``median``, with ``ci_low``/``ci_high``, ``n`` and a note giving
        the resamples and seed (so the interval can be reproduced).
    """
    check_level(level)
    data = pd.Series(values, dtype=float).dropna().to_numpy()
    n = len(data)
    if n == 0:
        return insufficient("median", MEDIAN_METHOD, 0, "no values")
    median = float(np.median(data))
    if n < min_n or np.ptp(data) == 0:
        why = f"{n} economies; an interval needs at least {min_n}" if n < min_n else "all equal"
        result = row("median", median, n=n, method=MEDIAN_METHOD, note=f"no interval: {why}")
        return frame([result])
    boot = stats.bootstrap(
        (data,),
        np.median,
        confidence_level=level,
        n_resamples=n_resamples,
        method="percentile",
        random_state=np.random.default_rng(seed),
    )
    ci = (float(boot.confidence_interval.low), float(boot.confidence_interval.high))
    note = f"percentile bootstrap, {n_resamples} resamples, seed {seed}"
    return frame([row("median", median, ci, n=n, method=MEDIAN_METHOD, note=note)])
