"""Beta- and sigma-convergence across economies, as tidy result tables (``helpers.models.results``).

Beta-convergence asks whether economies that started lower grew faster; sigma-convergence
whether the spread between economies narrows over time (Barro and Sala-i-Martin 1992).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import statsmodels.api as sm

from helpers.models import results
from helpers.models.trends import linear_trend

_MIN_ECONOMIES = 5


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
    note = f"{start_year}-{end_year}; {'log' if log else 'level'} growth per year"
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


def sigma_convergence(
    frame: pd.DataFrame,
    economy_col: str = "economy",
    year_col: str = "year",
    value_col: str = "value",
    log: bool = False,
    level: float = 0.95,
) -> pd.DataFrame:
    """Sigma convergence: the linear trend of the cross-economy standard deviation.

    Term ``sigma_trend``: slope of ``dispersion(...).sd`` on year (negative = dispersion
    shrinking) from ``linear_trend``, HAC intervals. Years with fewer than two economies are
    left out; at least 5 years are needed.
    """
    results.check_level(level)
    data = _long_values(frame, economy_col, year_col, value_col)
    if log:
        _require_positive(data, economy_col, value_col)
    table = _dispersion_table(data, economy_col, year_col, value_col, log)
    table = table[table["n"] >= 2]
    result = linear_trend(pd.Series(table["sd"].to_numpy(), index=table["year"]), level=level)
    result = result[result["term"] != "intercept"].reset_index(drop=True)
    scale = "sd of log values" if log else "sd of values"
    counts = f"economies per year vary {table['n'].min()}-{table['n'].max()}, so composition "
    varies = counts + "may drive dispersion" if table["n"].nunique() > 1 else ""
    result["note"] = [results.join_notes(scale, varies, note) for note in result["note"]]
    return result.assign(term="sigma_trend", method="sigma_convergence_ols_hac")
