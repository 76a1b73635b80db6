"""Structural-break tests on a linear trend: Chow at a known year, CUSUM at an unknown one.

Both take a Series indexed by integer year and return one ``helpers.models.results`` row. Their
notes state the assumptions; below 20 points they add a ``caveat`` part (see
``helpers.models.trends``) that a sentence quoting the test should print.

Example:
    >>> from helpers import models
    >>> models.chow_test(series, 2018)            # AR(1)-robust by default
    >>> models.chow_test(series, 2018, errors="iid")   # the classical F test
"""

from __future__ import annotations

from functools import lru_cache

import numpy as np
import pandas as pd
from scipy import stats

from helpers.models import results
from helpers.models.trends import (
    RHO_GRID,
    ar1_reml,
    caveat,
    check_errors,
    check_int,
    exact_fit,
    line_design,
    prais_winsten,
    residual_ss,
    shortage,
)

_MIN_CUSUM = 8
# Below this many points the tests' known weaknesses (low power; Chow under strong
# autocorrelation still rejecting too often) are worth a caveat in the sentence quoting them.
_SHORT_TEST = 20
_CHOW_DRAWS = 499
_CUSUM_DRAWS = 9999
# Fixed seeds: the simulated p-values are part of the result, so they must not change between
# runs. Monte Carlo error of a p-value near 0.05 is about 0.01 (Chow) and 0.002 (CUSUM).
_CHOW_SEED = 20240617
_CUSUM_SEED = 20240618


# --- Chow ----------------------------------------------------------------------------------


def chow_test(
    data: pd.Series, break_year: int, min_segment: int = 3, errors: str = "ar1"
) -> pd.DataFrame:
    """Chow test for a break in a linear trend (level and slope) at a known year.

    Years >= ``break_year`` form the second segment. Term ``chow_F``: the F statistic as
    estimate, with its p-value. Both variants assume normal errors with the same variance in
    both segments; the note says which variant ran.

    ``errors="ar1"`` (default): annual series are autocorrelated, and the classical test then
    rejects far too often (about 0.25-0.45 at a nominal 0.05 with AR(1) rho = 0.6 in
    simulations at 10-25 years). This variant estimates rho by REML under the break model
    (see ``helpers.models.trends.ar1_reml``; calendar-year gaps allowed), computes the F
    statistic on the Prais-Winsten-transformed regressions, and takes its p-value from a
    seeded parametric bootstrap under the fitted AR(1) null (499 draws, rho re-estimated in
    each), which allows for rho being estimated. Simulated size at 0.05 with rho = 0.6: about
    0.09 at 25 years, 0.11-0.16 at 10-15 years (hence a caveat below 20 points); about 0.02-0.04
    with independent errors. Needs ``max(2 * min_segment, 6)`` points.

    ``errors="iid"``: the classical test, F(2, n - 4); needs ``max(2 * min_segment, 5)``.

    Both segments lying exactly on lines leaves F undefined: status "insufficient data".
    """
    check_int("min_segment", min_segment, 2)
    check_errors(errors, ("ar1", "iid"))
    if not isinstance(break_year, int | np.integer):
        raise ValueError(f"break_year must be an integer year, got {break_year!r}")
    clean = results.prepare_series(data)
    method = "chow_ar1" if errors == "ar1" else "chow"
    why = shortage(clean, max(2 * min_segment, 6 if errors == "ar1" else 5), residuals=True)
    if why:
        return results.insufficient("chow_F", method, len(clean), why)
    years = clean.index.to_numpy(dtype=float)
    after = years >= break_year
    n_before, n_after = int((~after).sum()), int(after.sum())
    segments = f"{n_before} points before {break_year}, {n_after} from it"
    if min(n_before, n_after) < min_segment:
        note = (
            f"{n_before} points before {break_year} and {n_after} from it; "
            f"each segment needs at least {min_segment}"
        )
        return results.insufficient("chow_F", method, len(clean), note)
    restricted = line_design(years)
    unrestricted = np.column_stack([restricted * ~after[:, None], restricted * after[:, None]])
    y = clean.to_numpy()
    if exact_fit(y, unrestricted):
        why = "both segments lie exactly on straight lines; the F statistic is undefined"
        return results.insufficient("chow_F", method, len(clean), why)
    if errors == "iid":
        f_stat, p_value, note = _chow_iid(y, restricted, unrestricted, segments)
    else:
        f_stat, p_value, note = _chow_ar1(years, y, restricted, unrestricted, segments)
    return results.frame(
        [results.row("chow_F", f_stat, p_value=p_value, n=len(clean), method=method, note=note)]
    )


def _chow_iid(y, restricted, unrestricted, segments):
    n = len(y)
    rss_r, rss_u = (
        residual_ss(x[None], y[None, :, None])[0, 0] for x in (restricted, unrestricted)
    )
    df = n - 4
    f_stat = ((rss_r - rss_u) / 2) / (rss_u / df)
    note = results.join_notes(
        f"F(2, {df})",
        segments,
        "assumes independent errors with the same variance in both segments: autocorrelated "
        "errors make it reject far too often",
        _short_caveat(
            n, "the test has little power, and rejects too often if the errors are autocorrelated"
        ),
    )
    return f_stat, float(stats.f.sf(f_stat, 2, df)), note


def _gls_chow_f(years, restricted, unrestricted, response):
    """F statistics (B,) of each response column at its REML rho, and those rho indices."""
    index, x_u, y_t = ar1_reml(years, unrestricted, response)
    x_r, _ = prais_winsten(RHO_GRID, years, restricted)
    columns = np.arange(response.shape[1])
    rss_u = residual_ss(x_u, y_t)[index, columns]
    rss_r = residual_ss(x_r, y_t)[index, columns]
    df = len(years) - unrestricted.shape[1] - 1
    return ((rss_r - rss_u) / 2) / (rss_u / df), index


def _chow_ar1(years, y, restricted, unrestricted, segments):
    n = len(y)
    (f_stat,), (index,) = _gls_chow_f(years, restricted, unrestricted, y[:, None])
    rho = float(RHO_GRID[index])
    # F is invariant to the trend's coefficients and to scale, so the null needs noise only.
    noise = ar1_noise(np.random.default_rng(_CHOW_SEED), years, rho, _CHOW_DRAWS)
    null, _ = _gls_chow_f(years, restricted, unrestricted, noise)
    p_value = (1 + int(np.sum(null >= f_stat))) / (_CHOW_DRAWS + 1)
    note = results.join_notes(
        f"F on Prais-Winsten GLS fits, AR(1) errors in calendar years (rho {rho:.2f} by REML "
        f"under the break model); p-value by parametric bootstrap under the AR(1) null "
        f"({_CHOW_DRAWS} draws)",
        segments,
        "assumes AR(1) normal errors with the same variance in both segments",
        _short_caveat(
            n,
            "the test has little power, and rejects too often if the errors "
            "are strongly autocorrelated",
        ),
    )
    return float(f_stat), p_value, note


def ar1_noise(rng: np.random.Generator, years: np.ndarray, rho: float, draws: int) -> np.ndarray:
    """Unit-variance AR(1) noise at ``years`` (gap g: correlation rho ** g), shape (n, draws)."""
    shocks = rng.standard_normal((len(years), draws))
    out = np.empty_like(shocks)
    out[0] = shocks[0]
    for i, gap in enumerate(np.diff(years), start=1):
        decay = rho**gap
        out[i] = decay * out[i - 1] + np.sqrt(1 - decay**2) * shocks[i]
    return out


def _short_caveat(n: int, text: str) -> str:
    return caveat(f"with only {n} points {text}") if n < _SHORT_TEST else ""


# --- CUSUM ---------------------------------------------------------------------------------


def cusum_test(data: pd.Series, level: float = 0.95) -> pd.DataFrame:
    """CUSUM test of the stability of a linear trend, on its OLS residuals.

    Term ``cusum_sup``: max |cumulative residual| / (s * sqrt(n)) (Ploberger & Krämer 1992),
    s the residual standard error. Its textbook p-value (Brownian bridge, critical value 1.36
    at 5%) is for regressors without a trend; with a trend the null distribution is far
    tighter (95% quantile about 0.75 at 24 points) and the test never rejected. Here the
    p-value and critical value are simulated under this series' own design (its years, gaps
    included) with independent normal errors: exact under that assumption, seeded (9,999
    draws). This beat the recursive-residual CUSUM (Brown, Durbin & Evans 1975) in
    simulations: power 0.54 against 0.07-0.10 for a mid-series level shift of 3 noise sd at
    24 points. Assumes independent errors: autocorrelated errors make it reject too often.
    At least 8 points; below 20 the note adds a caveat on power.
    """
    results.check_level(level)
    clean = results.prepare_series(data)
    method = "cusum_ols_resid_simulated"
    why = shortage(clean, _MIN_CUSUM, residuals=True)
    if why:
        return results.insufficient("cusum_sup", method, len(clean), why)
    years = clean.index.to_numpy(dtype=int)
    design = line_design(years)
    (sup,) = _cusum_stats(design, clean.to_numpy()[None, :])
    null = _cusum_null(tuple(years - years[0]))
    p_value = (1 + int(np.sum(null >= sup))) / (len(null) + 1)
    critical = float(np.quantile(null, level))
    verdict = "rejected" if sup > critical else "not rejected"
    note = results.join_notes(
        f"p-value simulated under this design ({_CUSUM_DRAWS} draws)",
        f"critical value at level {level:g}: {critical:.3f}; stability {verdict}",
        "assumes independent errors: autocorrelated errors make it reject too often",
        _short_caveat(len(clean), "the test has little power against a break"),
    )
    return results.frame(
        [results.row("cusum_sup", sup, p_value=p_value, n=len(clean), method=method, note=note)]
    )


def _cusum_stats(design: np.ndarray, values: np.ndarray) -> np.ndarray:
    """The CUSUM statistic of each row of ``values`` (shape (B, n)) on ``design``."""
    n, k = design.shape
    resid = values - values @ (design @ np.linalg.pinv(design)).T
    scale = np.sqrt((resid**2).sum(axis=1) / (n - k) * n)
    return np.abs(np.cumsum(resid, axis=1)).max(axis=1) / scale


@lru_cache(maxsize=64)
def _cusum_null(offsets: tuple[int, ...]) -> np.ndarray:
    """Simulated null statistics for years at these offsets (the statistic is pivotal)."""
    design = line_design(np.array(offsets, dtype=float))
    rng = np.random.default_rng(_CUSUM_SEED)
    return _cusum_stats(design, rng.standard_normal((_CUSUM_DRAWS, len(offsets))))
