"""Synthetic series with known parameters, shared by the model tests."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import special

YEARS = np.arange(2000, 2024)


def series(values, years=None) -> pd.Series:
    years = YEARS[: len(values)] if years is None else years
    return pd.Series(np.asarray(values, dtype=float), index=years)


def trend(seed: int = 0, phi: float = 0.5, sd: float = 0.5) -> pd.Series:
    """3 + 0.5 * (year - 2000) plus AR(1) noise."""
    rng = np.random.default_rng(seed)
    noise = np.zeros(len(YEARS))
    for i in range(1, len(YEARS)):
        noise[i] = phi * noise[i - 1] + rng.normal(0, sd)
    return series(3 + 0.5 * (YEARS - 2000) + noise)


def growth(rate: float = 0.04, seed: int = 0) -> pd.Series:
    rng = np.random.default_rng(seed)
    return series(10 * (1 + rate) ** (YEARS - 2000) * np.exp(rng.normal(0, 0.02, len(YEARS))))


def adoption(slope: float = 0.3, midpoint: float = 2012.0, seed: int = 0) -> pd.Series:
    """Percent of population on a logistic curve crossing 50 at ``midpoint``."""
    rng = np.random.default_rng(seed)
    return series(100 * special.expit(slope * (YEARS - midpoint) + rng.normal(0, 0.1, len(YEARS))))


def term(result: pd.DataFrame, term: str) -> pd.Series:
    return result.set_index("term").loc[term]


def assert_insufficient(result: pd.DataFrame, n: int, note_part: str) -> None:
    """One row, status "insufficient data", NaN estimates, and a note containing ``note_part``."""
    assert len(result) == 1
    row = result.iloc[0]
    assert row["status"] == "insufficient data"
    assert row["n"] == n
    assert row[["estimate", "ci_low", "ci_high", "p_value"]].isna().all()
    assert note_part in row["note"]
