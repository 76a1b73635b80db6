"""Beta- and sigma-convergence across economies, as tidy result tables (``helpers.models.results``).

Beta-convergence asks whether economies that started lower grew faster; sigma-convergence
whether the spread between economies narrows over time (Barro and Sala-i-Martin 1992).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm
from scipy import stats

from helpers.models import results
from helpers.models.adoption import ar1_sandwich

_MIN_ECONOMIES = 5
_MIN_YEARS = 5
_GALTON = (
    "regression to the mean: a negative beta does not show that the spread narrows, and "
    "transitory shocks or measurement error in the start year push beta down by themselves "
    "(Galton's fallacy; Friedman 1992, Quah 1993): read it with sigma_convergence"
)
_MEASURES = {
    "log": "sd of log values",
    "cv": "coefficient of variation",
    "sd": "sd of values (in levels, common growth reads as divergence)",
}


# --- convergence across economies ----------------------------------------------------------


def _long_values(frame, economy_col, year_col, value_col) -> pd.DataFrame:
    results.require_columns(frame, [economy_col, year_col, value_col])
    data = frame[[economy_col, year_col, value_col]].dropna(subset=[value_col])
    dup = data[data.duplicated([economy_col, year_col], keep=False)]
    if len(dup):
        pairs = sorted(set(zip(dup[economy_col], dup[year_col], strict=True)))
        raise ValueError(f"duplicate (economy, year) rows: {pairs[:10]}")
    return data


def _require_positive(data: pd.DataFrame, economy_col: str, value_col: str) -> None:
    bad = sorted(data.loc[data[value_col] <= 0, economy_col].unique().tolist())
    if bad:
        raise ValueError(f"log=True needs positive values; zero or negative for {bad}")


def beta_convergence(
    frame: pd.DataFrame,
    start_year: int,
    end_year: int,
    economy_col: str = "economy",
    year_col: str = "year",
    value_col: str = "value",
    log: bool = True,
    level: float = 0.95,
) -> pd.DataFrame:
    """Absolute beta convergence: growth regressed on the starting level across economies.

    With ``log=True`` growth is (ln y_T - ln y_0) / T on ln y_0; with ``log=False`` it is the
    change in levels per year on y_0, which suits bounded shares (percent of population).
    Terms: ``beta`` (negative = convergence; HC1 errors, t intervals) and, for ``log=True``,
    ``speed`` = -ln(1 + beta * T) / T. Needs at least 5 economies observed in both years.

    A negative beta is not evidence that economies are drawing together: regression to the
    mean gives one whenever the start year holds transitory shocks or measurement error, even
    with a constant spread (Galton's fallacy; Friedman 1992, Quah 1993). The note says so;
    read beta with ``sigma_convergence``.
    """
    results.check_level(level)
    if not start_year < end_year:
        raise ValueError(f"start_year must precede end_year, got {start_year} and {end_year}")
    data = _long_values(frame, economy_col, year_col, value_col)
    data = data[data[year_col].isin([start_year, end_year])]
    if log:
        _require_positive(data, economy_col, value_col)
    wide = data.pivot(index=economy_col, columns=year_col, values=value_col)
    wide = wide.reindex(columns=[start_year, end_year]).dropna()
    method, n, span = "beta_convergence_ols_hc1", len(wide), end_year - start_year
    if n < _MIN_ECONOMIES:
        note = (
            f"{n} economies have values in both {start_year} and {end_year}; "
            f"at least {_MIN_ECONOMIES} are needed"
        )
        return results.insufficient("beta", method, n, note)
    levels = np.log(wide.to_numpy()) if log else wide.to_numpy()
    if np.ptp(levels[:, 0]) == 0:
        return results.insufficient("beta", method, n, "every economy starts at the same value")
    growth = (levels[:, 1] - levels[:, 0]) / span
    fit = sm.OLS(growth, sm.add_constant(levels[:, 0])).fit(cov_type="HC1", use_t=True)
    beta, ci, p_value = fit.params[1], fit.conf_int(alpha=1 - level)[1], fit.pvalues[1]
    note = results.join_notes(
        f"{start_year}-{end_year}; {'log' if log else 'level'} growth per year",
        _GALTON,
    )
    rows = [results.row("beta", beta, ci, p_value, n=n, method=method, note=note)]
    if log:
        rows.append(_speed_row(beta, ci, p_value, span, n, method))
    return results.frame(rows)


def _speed_row(beta, ci, p_value, span, n, method) -> dict:
    def speed(b: float) -> float:
        # As 1 + b*T falls to 0 the implied speed grows without bound.
        return -np.log(1 + b * span) / span if 1 + b * span > 0 else np.inf

    if not 1 + beta * span > 0:
        note = "implied speed undefined: 1 + beta * T <= 0"
        return results.row("speed", n=n, method=method, note=note)
    note = "implied speed -ln(1 + beta*T)/T; interval mapped from beta's"
    return results.row(
        "speed", speed(beta), (speed(ci[1]), speed(ci[0])), p_value, n=n, method=method, note=note
    )


def _dispersion_table(data, economy_col, year_col, value_col, log) -> pd.DataFrame:
    values = data[value_col]
    grouped = data.assign(_x=np.log(values) if log else values).groupby(year_col)
    table = pd.DataFrame(
        {
            "n": grouped[economy_col].nunique(),
            "sd": grouped["_x"].std(ddof=1),
            "cv": grouped[value_col].std(ddof=1) / grouped[value_col].mean(),
            "gap_max_min": grouped[value_col].max() - grouped[value_col].min(),
        }
    )
    return table.rename_axis("year").reset_index().astype({"year": "int64", "n": "int64"})


def dispersion(
    frame: pd.DataFrame,
    economy_col: str = "economy",
    year_col: str = "year",
    value_col: str = "value",
    log: bool = False,
) -> pd.DataFrame:
    """Dispersion across economies per year.

    Returns:
        Columns ``year, n, sd, cv, gap_max_min``. ``sd`` is the sample standard deviation of
        the values (of their logs if ``log=True``); ``cv`` (sd / mean) and ``gap_max_min``
        are always on levels. Years with one economy have NaN sd and cv.

    Raises:
        ValueError: no non-missing values, missing columns, duplicate rows, or non-positive
            values with ``log=True``.
    """
    data = _long_values(frame, economy_col, year_col, value_col)
    if data.empty:
        raise ValueError(f"no non-missing values in column {value_col!r}")
    if log:
        _require_positive(data, economy_col, value_col)
    return _dispersion_table(data, economy_col, year_col, value_col, log)


def _balanced(data, economy_col, year_col) -> tuple[pd.DataFrame, str]:
    """Economies observed in every year from the first to the last, and a note saying so."""
    years = range(int(data[year_col].min()), int(data[year_col].max()) + 1)
    counts = data.groupby(economy_col)[year_col].nunique()
    keep = counts.index[counts == len(years)]
    note = (
        f"balanced panel: {len(keep)} of {len(counts)} economies observed in every year "
        f"{years.start}-{years.stop - 1}"
    )
    return data[data[economy_col].isin(keep)], note


def sigma_convergence(
    frame: pd.DataFrame,
    economy_col: str = "economy",
    year_col: str = "year",
    value_col: str = "value",
    measure: str = "log",
    level: float = 0.95,
    balanced: bool = True,
) -> pd.DataFrame:
    """Sigma convergence: the linear trend of the dispersion across economies.

    The dispersion is, per ``measure``: ``"log"`` the standard deviation of log values
    (default; scale-free, so common growth leaves it unchanged, as in Barro and Sala-i-Martin
    1992), ``"cv"`` the coefficient of variation of the values (scale-free and defined at zero,
    for bounded shares), or ``"sd"`` the standard deviation of the values (grows with any
    common growth, so it reads growth as divergence).

    By default the panel is balanced: only economies observed in every year from the first
    to the last are kept, so that the spread cannot move because the economies reporting
    changed. ``balanced=False`` uses every economy each year and says so in ``method``
    (``..._unbalanced``) and ``note``.

    Term ``sigma_trend``: slope of the dispersion on year (negative = narrowing). A series of
    yearly dispersions drifts for years at a time, so the errors allow for AR(1)
    autocorrelation (``adoption.ar1_sandwich``; t intervals with effective degrees of
    freedom); with under about 15 years the intervals can still be too narrow, and a
    straight line summarises a hump (a spread that rises then falls) poorly. At least 5
    years with two or more economies are needed.

    Raises:
        ValueError: bad ``measure`` or ``level``, missing columns, duplicate rows, or
            non-positive values with ``measure="log"``.
    """
    results.check_level(level)
    if measure not in _MEASURES:
        raise ValueError(f"measure must be one of {sorted(_MEASURES)}, got {measure!r}")
    data = _long_values(frame, economy_col, year_col, value_col)
    if measure == "log":
        _require_positive(data, economy_col, value_col)
    method = "sigma_convergence_ols_ar1" + ("" if balanced else "_unbalanced")
    panel = ""
    if balanced and not data.empty:
        data, panel = _balanced(data, economy_col, year_col)
    table = _dispersion_table(data, economy_col, year_col, value_col, measure == "log")
    table = table[table["n"] >= 2]
    column = "cv" if measure == "cv" else "sd"
    clean = results.prepare_series(pd.Series(table[column].to_numpy(), index=table["year"]))
    why = results.shortage(clean, _MIN_YEARS)
    if why:
        return results.insufficient(
            "sigma_trend", method, len(clean), results.join_notes(why, panel)
        )
    if not balanced:
        counts = f"unbalanced panel: economies per year vary {table['n'].min()}-{table['n'].max()}"
        panel = counts + (
            ", so composition may drive dispersion" if table["n"].nunique() > 1 else ""
        )
    years = clean.index.to_numpy()
    design = np.column_stack([np.ones(len(years)), years - years.mean()])
    coef, *_ = np.linalg.lstsq(design, clean.to_numpy(), rcond=None)
    cov, rho, df = ar1_sandwich(design, clean.to_numpy() - design @ coef, years)
    se = np.sqrt(cov[1, 1])
    t_crit = stats.t.ppf(0.5 + level / 2, df)
    p_value = 2 * stats.t.sf(abs(coef[1]) / se, df) if se > 0 else 0.0
    note = results.join_notes(
        _MEASURES[measure],
        panel,
        f"years {years[0]}-{years[-1]}; OLS with AR(1)-corrected errors (rho {rho:.2f}), "
        f"t({df:.1f}) intervals",
    )
    ci = (coef[1] - t_crit * se, coef[1] + t_crit * se)
    row = results.row("sigma_trend", coef[1], ci, p_value, n=len(clean), method=method, note=note)
    return results.frame([row])
