"""The fractional-logit model of S-shaped adoption: fit, target years, and the fitted curve.

A share that rises towards a ceiling (internet users towards 100% of the population) is
fitted as value / saturation by a Binomial GLM with logit link on year (Papke & Wooldridge
1996). Every number it gives is conditional on the saturation level it is told, so the result
also carries the years at saturation +-10% and a ceiling estimated from the data (a
three-parameter logistic). Results follow ``helpers.models.results``: one row per estimated
quantity, status ``"insufficient data"`` with a note when the data cannot support the fit.

Example:
    >>> from helpers.models import adoption
    >>> adoption.fractional_logit(internet, saturation=100.0, targets=(50.0, 75.0))
    >>> adoption.predict_fractional_logit(internet, range(2000, 2031))
"""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import optimize, special, stats

from helpers.models import results

_MIN_LOGIT = 6
_RHO_CAP = 0.9
_CEILING_MAX = 20.0  # a free ceiling above 20 x saturation means the data show no bend


def _check_saturation(saturation: float) -> None:
    if not isinstance(saturation, int | float) or not saturation > 0:
        raise ValueError(f"saturation must be a positive number, got {saturation!r}")


# --- serial correlation --------------------------------------------------------------------


def ar1_sandwich(
    design: np.ndarray, resid: np.ndarray, years: np.ndarray
) -> tuple[np.ndarray, float, float]:
    """Covariance of a (quasi-)least-squares fit whose errors follow an AR(1) across years.

    Why not Newey-West: with 10-25 annual points the residuals of a fitted trend absorb the
    slow swings of autocorrelated noise, so a kernel estimator with a rule-of-thumb lag sees
    too little of it (coverage 0.64-0.75 for a 95% slope interval at phi = 0.6 in
    ``bench/stats_adoption.py``). Here the lag-1 autocorrelation of the residuals is corrected
    for the downward bias a fitted trend gives it (about -(2 + 4 rho) / n), capped at 0.9;
    the error variance is the residual sum of squares over tr(M R) rather than n - k (exact
    for AR(1) errors with that rho); and intervals use a t reference with the effective
    degrees of freedom (n - k)(1 - rho) / (1 + rho), at least 2. Negative autocorrelation is
    treated as none. Still somewhat narrow for short, strongly autocorrelated series (about
    0.87-0.92 for a nominal 95% at phi = 0.6, n = 10-25); slightly wide for independent errors.

    Args:
        design: the whitened design, rows scaled by the square root of the working weight
            (for least squares the design itself; for a GLM sqrt(mu (1 - mu)) x).
        resid: the whitened (Pearson) residuals.
        years: the observation years; a gap of g years counts as lag g.

    Returns:
        ``(cov, rho, df)``: the covariance of the coefficients, the corrected rho and the
        degrees of freedom of the t reference.
    """
    n, k = design.shape
    bread = np.linalg.inv(design.T @ design)
    consecutive = np.diff(years) == 1
    total = float(resid @ resid)
    lag1 = float(resid[1:][consecutive] @ resid[:-1][consecutive])
    raw = lag1 / total if total > 0 else 0.0
    rho = float(np.clip((raw + 2 / n) / (1 - 4 / n), 0.0, _RHO_CAP)) if n > 4 else _RHO_CAP
    corr = rho ** np.abs(years[:, None] - years[None, :]).astype(float)
    residual_maker = np.eye(n) - design @ bread @ design.T
    sigma2 = total / float(np.trace(residual_maker @ corr))
    cov = sigma2 * bread @ design.T @ corr @ design @ bread
    return cov, rho, max(2.0, (n - k) * (1 - rho) / (1 + rho))


# --- fitting -------------------------------------------------------------------------------


def _logit_fit(clean: pd.Series, saturation: float):
    """Fractional-logit GLM on centred years: a fit dict, or the reason there is none."""
    why = results.shortage(clean, _MIN_LOGIT)
    if why:
        return why
    years = clean.index.to_numpy(dtype=float)
    # Centring keeps IRLS well conditioned; the year-0 intercept is recovered exactly below.
    centre = float(years.mean())
    design = sm.add_constant(years - centre)
    share = clean.to_numpy() / saturation
    with results.captured_warnings() as notes:
        fit = sm.GLM(share, design, family=sm.families.Binomial()).fit()
    mu = np.asarray(fit.mu)
    weight = np.sqrt(mu * (1 - mu))
    cov = np.full((2, 2), np.nan)
    if (weight > 1e-8).all():
        with contextlib.suppress(np.linalg.LinAlgError):
            cov, rho, df = ar1_sandwich(design * weight[:, None], (share - mu) / weight, years)
    if not np.isfinite(cov).all():
        # Typically a jump from 0 to saturation: the curve's steepness is not identified.
        return results.join_notes("the S-curve is not identified (no finite covariance)", *notes)
    return {
        "params": np.asarray(fit.params),
        "cov": cov,
        "centre": centre,
        "rho": rho,
        "df": df,
        "mu": mu,
        "notes": notes,
    }


def _ceiling_fit(clean: pd.Series, fit: dict, saturation: float, level: float) -> dict:
    """Three-parameter logistic with a free ceiling, by weighted least squares.

    Weights come from the fractional logit's variance function; intervals from
    ``ar1_sandwich`` on log(ceiling), so they are positive and asymmetric.
    """
    x = clean.index.to_numpy(dtype=float) - fit["centre"]
    share = clean.to_numpy() / saturation
    inv_sd = 1 / np.sqrt(np.clip(fit["mu"] * (1 - fit["mu"]), 1e-4, None))

    def resid(theta):
        return (share - np.exp(theta[2]) * special.expit(theta[0] + theta[1] * x)) * inv_sd

    def jac(theta):
        p, top = special.expit(theta[0] + theta[1] * x), np.exp(theta[2])
        slope = top * p * (1 - p)
        return -np.column_stack([slope, slope * x, top * p]) * inv_sd[:, None]

    low, high = np.log(0.5 * share.max()), np.log(_CEILING_MAX)
    start = [*fit["params"], float(np.clip(0.0, low + 1e-6, high - 1e-6))]
    none = {"estimate": np.nan, "ci": (np.nan, np.nan)}
    with np.errstate(all="ignore"):
        found = optimize.least_squares(
            resid, start, jac=jac, bounds=([-np.inf, -np.inf, low], [np.inf, np.inf, high])
        )
        theta = found.x
        if not found.success or theta[2] > high - 1e-3 or theta[1] <= 0:
            return {**none, "note": "the data show no bend towards a ceiling yet"}
        try:
            cov, _, df = ar1_sandwich(-jac(theta), resid(theta), clean.index.to_numpy())
        except np.linalg.LinAlgError:
            cov, df = np.full((3, 3), np.nan), 2.0
    se = np.sqrt(cov[2, 2])
    if not np.isfinite(se):
        return {**none, "note": "the ceiling is not identified (no finite covariance)"}
    half = stats.t.ppf(0.5 + level / 2, df) * se
    top = saturation * np.exp(theta[2])
    ci = (saturation * np.exp(theta[2] - half), saturation * np.exp(theta[2] + half))
    note = (
        "ceiling of a three-parameter logistic fitted to the data (weighted least squares, "
        f"AR(1)-corrected interval on the log scale, t({df:.1f})); poorly determined until "
        "the data have passed the curve's midpoint"
    )
    if ci[1] < saturation:
        note = results.join_notes(note, f"the data level off below the saturation {saturation:g}")
    return {"estimate": top, "ci": ci, "note": note}


def _fieller_year(fit: dict, target: float, saturation: float, crit: float):
    """Year the fitted curve reaches ``target`` and its Fieller interval (a ratio of estimates;
    bounded whenever the slope is significant at the level behind ``crit``)."""
    c0, c1 = fit["params"]
    cov, centre = fit["cov"], fit["centre"]
    gap = special.logit(target / saturation) - c0
    # (gap - c1 x)^2 <= crit^2 var(c0 + c1 x), with x = year - centre: A x^2 + B x + C <= 0.
    a = c1**2 - crit**2 * cov[1, 1]
    b = -2 * (gap * c1 + crit**2 * cov[0, 1])
    c = gap**2 - crit**2 * cov[0, 0]
    root = np.sqrt(max(b**2 - 4 * a * c, 0.0))
    low, high = sorted(((-b - root) / (2 * a), (-b + root) / (2 * a)))
    return centre + gap / c1, (centre + low, centre + high)


def _reach_rows(clean, fits, ceiling, targets, level, n, method) -> list[dict]:
    """Rows ``year_reach_<t>`` then ``year_reach_<t> (saturation <s>)`` for each variant."""
    rows = []
    for target in targets:
        for label, saturation, fit in fits:
            term = f"year_reach_{target:g}{label}"
            if isinstance(fit, str):
                rows.append(results.row(term, n=n, method=method, note=fit))
                continue
            conditional = f"conditional on saturation {saturation:g}"
            if target >= saturation:
                note = f"the saturation {saturation:g} is below the level {target:g}; never reached"
                rows.append(results.row(term, n=n, method=method, note=note))
                continue
            top, (lo, hi) = ceiling["estimate"], ceiling["ci"]
            estimated = f"estimated ceiling {top:.3g} ({level:.0%} interval {lo:.3g}-{hi:.3g})"
            if top < target:
                note = (
                    f"no year projected: the data level off below {target:g} ({estimated}); "
                    f"{conditional}"
                )
                rows.append(results.row(term, n=n, method=method, note=note))
                continue
            doubt = f"the {estimated} reaches below {target:g}" if lo < target else ""
            crit = stats.t.ppf(0.5 + level / 2, fit["df"])
            c1, se1 = fit["params"][1], np.sqrt(fit["cov"][1, 1])
            if not (c1 > 0 and abs(c1) / se1 > crit):
                flat = (
                    "no upward trend (slope not positive)"
                    if c1 <= 0
                    else f"upward trend not significant at level {level:g} with AR(1)-corrected "
                    f"errors (rho {fit['rho']:.2f}): a short series, or one the curve fits poorly"
                )
                note = results.join_notes(flat, "no year projected", conditional)
                rows.append(results.row(term, n=n, method=method, note=note))
                continue
            year, ci = _fieller_year(fit, target, saturation, crit)
            reached = clean.index[clean >= target]
            seen = f"already reached in the data in {reached[0]}" if len(reached) else ""
            note = results.join_notes(
                "fitted-curve crossing year, Fieller interval", conditional, doubt, seen
            )
            rows.append(results.row(term, year, ci, n=n, method=method, note=note))
    return rows


def fractional_logit(
    data: pd.Series,
    saturation: float = 100.0,
    level: float = 0.95,
    targets: Sequence[float] = (50.0, 75.0),
    sensitivity: float | None = 0.1,
) -> pd.DataFrame:
    """Fractional-logit trend for S-shaped adoption (Papke & Wooldridge 1996).

    The share value / saturation is fitted by a Binomial GLM with logit link on year. The
    saturation is taken as known, so every estimate is conditional on it (each note says so).
    Standard errors allow for AR(1) errors across years (``ar1_sandwich``: annual adoption
    data drift around the curve for years at a time, and the HC1 errors used before covered
    about half the time at phi = 0.6), with t intervals.

    Terms:
        ``intercept`` (year 0) and ``slope`` on the logit scale.
        ``ceiling``: the ceiling a three-parameter logistic finds in the data, with its
        interval (NaN while the data show no bend), to set the assumed saturation against.
        ``year_reach_<t>`` for each target: the year the fitted curve reaches t (value units),
        with a Fieller interval. NaN (status ok, note saying why) when the slope is not
        positive and significant at ``level``, when the saturation is at or below t, or when
        the estimated ceiling is below t (the data level off first: with a true ceiling of 80
        fitted at 100, this keeps a year for 90 out in most samples; an interval-based rule
        kept it in about half, see ``bench/stats_adoption.py``).
        ``year_reach_<t> (saturation <s>)``: the same at saturation * (1 - sensitivity)
        and * (1 + sensitivity), a sensitivity range for the assumed ceiling (for levels past
        the data's midpoint a lower saturation gives a later year). Left out with
        ``sensitivity=None``; NaN with a note when the data exceed the lower saturation.

    Values outside [0, saturation] raise ``ValueError``. At least 6 points.
    """
    results.check_level(level)
    _check_saturation(saturation)
    for target in targets:
        if not target > 0:
            raise ValueError(f"targets must be positive, got {target!r}")
    if sensitivity is not None and not 0 < sensitivity < 1:
        raise ValueError(f"sensitivity must lie strictly between 0 and 1, got {sensitivity!r}")
    method = "fractional_logit_ar1"
    clean = results.prepare_series(data)
    outside = clean.index[(clean < 0) | (clean > saturation)].tolist()
    if outside:
        raise ValueError(
            f"series {clean.name!r}: values outside [0, {saturation:g}] in years {outside}"
        )
    fit, n = _logit_fit(clean, saturation), len(clean)
    if isinstance(fit, str):
        return results.insufficient("slope", method, n, fit)
    conditional = f"logit of value / {saturation:g}, conditional on saturation {saturation:g}"
    serial = f"AR(1)-corrected errors (rho {fit['rho']:.2f}), t({fit['df']:.1f}) intervals"
    fit_note = results.join_notes(conditional, serial, *fit["notes"])
    # Year-0 intercept b0 = c0 - c1 * centre; its variance follows from the same linear map.
    shift = np.array([[1.0, -fit["centre"]], [0.0, 1.0]])
    params = shift @ fit["params"]
    se = np.sqrt(np.diag(shift @ fit["cov"] @ shift.T))
    p_values = 2 * stats.t.sf(np.abs(params / se), fit["df"])
    half = stats.t.ppf(0.5 + level / 2, fit["df"]) * se
    common = {"n": n, "method": method}
    rows = [
        results.row(
            term,
            params[i],
            (params[i] - half[i], params[i] + half[i]),
            p_values[i],
            note=fit_note,
            **common,
        )
        for i, term in enumerate(("intercept", "slope"))
    ]
    ceiling = _ceiling_fit(clean, fit, saturation, level)
    rows.append(
        results.row("ceiling", ceiling["estimate"], ceiling["ci"], note=ceiling["note"], **common)
    )
    fits = [("", saturation, fit)]
    for factor in () if sensitivity is None else (1 - sensitivity, 1 + sensitivity):
        other = saturation * factor
        if clean.max() > other:
            why = f"values reach {clean.max():g}, above the saturation {other:g}"
            fits.append((f" (saturation {other:g})", other, why))
        else:
            fits.append((f" (saturation {other:g})", other, _logit_fit(clean, other)))
    rows += _reach_rows(clean, fits, ceiling, targets, level, n, method)
    return results.frame(rows)


def predict_fractional_logit(
    data: pd.Series, years: Sequence[int], saturation: float = 100.0, level: float = 0.95
) -> pd.DataFrame:
    """Fitted fractional-logit curve in value units, for plotting.

    Returns:
        Columns ``year, fitted, ci_low, ci_high, status, note``; the interval is for the
        mean curve (on the logit scale with ``fractional_logit``'s AR(1)-corrected errors,
        then transformed) and, like the curve, conditional on ``saturation``. With
        insufficient data the values are NaN and status says so.
    """
    results.check_level(level)
    _check_saturation(saturation)
    grid = np.asarray(years, dtype=float)
    if grid.ndim != 1 or not np.isfinite(grid).all():
        raise ValueError(f"years must be a 1-d sequence of finite years, got {years!r}")
    clean = results.prepare_series(data)
    outside = clean.index[(clean < 0) | (clean > saturation)].tolist()
    if outside:
        raise ValueError(
            f"series {clean.name!r}: values outside [0, {saturation:g}] in years {outside}"
        )
    fit = _logit_fit(clean, saturation)
    out = pd.DataFrame({"year": grid.astype(int)})
    if isinstance(fit, str):
        return out.assign(
            fitted=np.nan, ci_low=np.nan, ci_high=np.nan, status=results.INSUFFICIENT, note=fit
        )
    design = np.column_stack([np.ones_like(grid), grid - fit["centre"]])
    eta = design @ fit["params"]
    half = stats.t.ppf(0.5 + level / 2, fit["df"]) * np.sqrt(
        np.einsum("ij,jk,ik->i", design, fit["cov"], design)
    )
    note = f"conditional on saturation {saturation:g}"
    return out.assign(
        fitted=saturation * special.expit(eta),
        ci_low=saturation * special.expit(eta - half),
        ci_high=saturation * special.expit(eta + half),
        status=results.OK,
        note=results.join_notes(note, *fit["notes"]),
    )
