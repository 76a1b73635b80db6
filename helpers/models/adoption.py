"""The fractional-logit model of S-shaped adoption: fit, target years, and the fitted curve.

A share that rises towards a ceiling (internet users towards 100% of the population) is
fitted as value / saturation by a Binomial GLM with logit link on year (Papke & Wooldridge
1996). Results follow ``helpers.models.results``: one row per estimated quantity, status
``"insufficient data"`` with a note when the data cannot support the fit.

Example:
    >>> from helpers import adoption
    >>> adoption.fractional_logit(internet, saturation=100.0, targets=(50.0, 75.0))
    >>> adoption.predict_fractional_logit(internet, range(2000, 2031))
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import special, stats

from helpers.models import results

_MIN_LOGIT = 6


def _check_saturation(saturation: float) -> None:
    if not isinstance(saturation, int | float) or not saturation > 0:
        raise ValueError(f"saturation must be a positive number, got {saturation!r}")


def _logit_fit(data: pd.Series, saturation: float):
    """Fractional-logit GLM on centred years: (clean, fit dict) or (clean, reason)."""
    clean = results.prepare_series(data)
    outside = clean.index[(clean < 0) | (clean > saturation)].tolist()
    if outside:
        raise ValueError(
            f"series {clean.name!r}: values outside [0, {saturation:g}] in years {outside}"
        )
    why = results.shortage(clean, _MIN_LOGIT)
    if why:
        return clean, why
    # Centring keeps IRLS well conditioned; the year-0 intercept is recovered exactly below.
    centre = float(clean.index.to_numpy().mean())
    design = sm.add_constant(clean.index.to_numpy(dtype=float) - centre)
    with results.captured_warnings() as notes:
        # HC1 sandwich errors: the quasi-likelihood is right only in the mean (Papke & Wooldridge).
        fit = sm.GLM(clean.to_numpy() / saturation, design, family=sm.families.Binomial()).fit(
            cov_type="HC1"
        )
    cov = np.asarray(fit.cov_params())
    if not np.isfinite(cov).all():
        # Typically a jump from 0 to saturation: the curve's steepness is not identified.
        return clean, results.join_notes(
            "the S-curve is not identified (no finite covariance)", *notes
        )
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
    results.check_level(level)
    _check_saturation(saturation)
    for target in targets:
        if not 0 < target < saturation:
            raise ValueError(f"targets must lie strictly between 0 and {saturation:g}: {target!r}")
    method = "fractional_logit_hc1"
    clean, fit = _logit_fit(data, saturation)
    if isinstance(fit, str):
        return results.insufficient("slope", method, len(clean), fit)
    c0, c1 = fit["params"]
    cov, centre, n = fit["cov"], fit["centre"], len(clean)
    z = stats.norm.ppf(0.5 + level / 2)
    fit_note = results.join_notes(*fit["notes"])
    # Year-0 intercept b0 = c0 - c1 * centre; its variance follows from the same linear map.
    shift = np.array([[1.0, -centre], [0.0, 1.0]])
    params, se = shift @ fit["params"], np.sqrt(np.diag(shift @ cov @ shift.T))
    p_values = 2 * stats.norm.sf(np.abs(params / se))
    bounds = np.column_stack([params - z * se, params + z * se])
    rows = [
        results.row(term, params[i], bounds[i], p_values[i], n=n, method=method, note=fit_note)
        for i, term in enumerate(("intercept", "slope"))
    ]
    upward = c1 > 0 and p_values[1] < 1 - level
    for target in targets:
        term = f"year_reach_{target:g}"
        if not upward:
            flat = f"no upward trend (slope not positive at level {level:g})"
            note = results.join_notes(flat, "target not reached in projection", fit_note)
            rows.append(results.row(term, n=n, method=method, note=note))
            continue
        gap = special.logit(target / saturation) - c0
        grad = np.array([-1 / c1, -gap / c1**2])
        year, half = centre + gap / c1, z * np.sqrt(grad @ cov @ grad)
        reached = clean.index[clean >= target]
        seen = f"already reached in the data in {reached[0]}" if len(reached) else ""
        note = results.join_notes(
            "fitted-curve crossing year, delta-method interval", seen, fit_note
        )
        rows.append(
            results.row(term, year, (year - half, year + half), n=n, method=method, note=note)
        )
    return results.frame(rows)


def predict_fractional_logit(
    data: pd.Series, years: Sequence[int], saturation: float = 100.0, level: float = 0.95
) -> pd.DataFrame:
    """Fitted fractional-logit curve in value units, for plotting.

    Returns:
        Columns ``year, fitted, ci_low, ci_high, status, note``; the interval is for the
        mean curve (on the logit scale, then transformed). With insufficient data the
        values are NaN and status says so.
    """
    results.check_level(level)
    _check_saturation(saturation)
    grid = np.asarray(years, dtype=float)
    if grid.ndim != 1 or not np.isfinite(grid).all():
        raise ValueError(f"years must be a 1-d sequence of finite years, got {years!r}")
    _, fit = _logit_fit(data, saturation)
    out = pd.DataFrame({"year": grid.astype(int)})
    if isinstance(fit, str):
        return out.assign(
            fitted=np.nan, ci_low=np.nan, ci_high=np.nan, status=results.INSUFFICIENT, note=fit
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
        status=results.OK,
        note=results.join_notes(*fit["notes"]),
    )
