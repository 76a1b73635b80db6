"""The tidy result table the models return, its builders, and the input checks they share.

``helpers.models``, ``adoption`` and ``convergence`` all return one row per estimated
quantity, with the columns in ``RESULT_COLUMNS``. Data shortage never raises: the result is a
single row with status ``INSUFFICIENT``, NaN estimates and a note saying why (``insufficient``).
``ValueError`` is kept for bad arguments and for data that is wrong rather than short.

Example:
    >>> from helpers import results
    >>> clean = results.prepare_series(series)
    >>> results.frame([results.row("slope", 0.5, (0.4, 0.6), 0.01, n=len(clean), method="ols")])
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager

import numpy as np
import pandas as pd
from statsmodels.tools.sm_exceptions import ConvergenceWarning

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


def check_level(level: float) -> None:
    """Raise ``ValueError`` unless ``level`` (a confidence level) lies strictly in (0, 1)."""
    if not isinstance(level, int | float) or not 0 < level < 1:
        raise ValueError(f"level must be strictly between 0 and 1, got {level!r}")


def require_columns(frame: pd.DataFrame, columns: Sequence[str]) -> None:
    """Raise ``ValueError`` naming the ``columns`` that ``frame`` lacks."""
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"frame lacks columns {missing}; it has {list(frame.columns)}")


def shortage(clean: pd.Series, minimum: int, *, positive: bool = False) -> str | None:
    """Why ``clean`` (from ``prepare_series``) cannot support a fit, or None if it can.

    Args:
        clean: the validated series.
        minimum: the fewest points the fit needs.
        positive: the fit takes logs, so every value must be positive.
    """
    n = len(clean)
    if n < minimum:
        return f"{n} usable (non-missing) points; at least {minimum} are needed"
    values = clean.to_numpy()
    if positive and (values <= 0).any():
        bad = int((values <= 0).sum())
        return f"{bad} of {n} values are zero or negative; a log model needs positive values"
    if np.ptp(values) == 0:
        return f"the series is constant ({values[0]:g}) over {n} points; nothing to estimate"
    return None


# --- result frames -------------------------------------------------------------------------


def row(term, estimate=np.nan, ci=(np.nan, np.nan), p_value=np.nan, *, n, method, note=""):
    """One result row (a dict with ``RESULT_COLUMNS`` keys) with status ``OK``."""
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


def frame(rows: list[dict]) -> pd.DataFrame:
    """Result rows as a frame with ``RESULT_COLUMNS`` and their dtypes."""
    out = pd.DataFrame(rows, columns=list(RESULT_COLUMNS))
    numeric = dict.fromkeys(("estimate", "ci_low", "ci_high", "p_value"), "float64")
    return out.astype({**numeric, "n": "int64"})


def insufficient(term: str, method: str, n: int, note: str) -> pd.DataFrame:
    """The single-row result every model returns when the data cannot support it."""
    result = row(term, n=n, method=method, note=note)
    result["status"] = INSUFFICIENT
    return frame([result])


@contextmanager
def captured_warnings() -> Iterator[list[str]]:
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


def join_notes(*parts: str) -> str:
    """The non-empty ``parts`` joined into one ``note`` ("a; b")."""
    return "; ".join(p for p in parts if p)
