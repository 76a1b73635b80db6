"""Adoption-curve statistics for ``bench_stats.py``: interval coverage of the fractional logit
and how often it projects a year for a level the true curve never reaches.

Data: a logistic share ``ceiling * expit(0.25 * (year - 2016))`` over the last n years to 2023,
plus noise of standard deviation ``4 * sqrt(p (1 - p))`` percentage points (p the share of the
ceiling reached; binomial-like, 2 points at the midpoint), independent or AR(1) with phi = 0.6,
clipped to (0, ceiling). The noise is additive in levels, so the fractional logit's mean is
right and its true slope is 0.25. Only public names of ``helpers.models.adoption`` are called,
so the same module measures an older checkout (``value`` None where it lacks an option).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import stats_common as common
from scipy import special

from helpers.models import adoption

SLOPE, MIDPOINT, LAST = 0.25, 2016.0, 2023


def _series(rng, n: int, phi: float, ceiling: float = 100.0):
    years = np.arange(LAST - n + 1, LAST + 1)
    share = special.expit(SLOPE * (years - MIDPOINT))
    noise = common.ar1(rng, n, phi)[:, 0]
    values = ceiling * share + 4 * np.sqrt(share * (1 - share)) * noise
    return pd.Series(np.clip(values, 1e-3, ceiling - 1e-3), index=years)


def _row(measure: str, n: int, errors: str, value, target: str) -> dict:
    return common.row("fractional_logit", measure, n, errors, value, target)


def _covers(result, term: str, truth: float) -> float | None:
    """1/0 when ``term`` has an interval, None when it is absent or NaN."""
    found = result[result["term"] == term]
    if found.empty or not np.isfinite(found["ci_low"].iloc[0]):
        return None
    return float(found["ci_low"].iloc[0] <= truth <= found["ci_high"].iloc[0])


def _mean(values: list) -> float | None:
    kept = [v for v in values if v is not None]
    return float(np.mean(kept)) if kept else None


def _coverage(reps: int, seed: int) -> list[dict]:
    truths = {
        "slope": SLOPE,
        "year_reach_50": MIDPOINT,
        "year_reach_75": MIDPOINT + special.logit(0.75) / SLOPE,
    }
    rows = []
    for n in common.SIZES:
        for k, (errors, phi) in enumerate(common.ERRORS.items()):
            rng = np.random.default_rng([seed, 1, n, k])
            hits = {term: [] for term in truths}
            for _ in range(reps):
                result = adoption.fractional_logit(_series(rng, n, phi), targets=(50.0, 75.0))
                for term, truth in truths.items():
                    hits[term].append(_covers(result, term, truth))
            for term in truths:
                rows.append(_row(f"coverage {term}", n, errors, _mean(hits[term]), ">= 0.90"))
    return rows


def _ceiling(reps: int, seed: int) -> list[dict]:
    """True ceiling 80, fitted at saturation 100: is a year given for 90 (never reached)?
    And with the true ceiling at 100, is the year for 90 still given?"""
    rows = []
    for n in common.SIZES:
        for k, (errors, phi) in enumerate(common.ERRORS.items()):
            rng = np.random.default_rng([seed, 2, n, k])
            false, ceiling_hits, kept = [], [], []
            for _ in range(reps):
                low = adoption.fractional_logit(_series(rng, n, phi, 80.0), targets=(90.0,))
                year = low.loc[low["term"] == "year_reach_90", "estimate"].iloc[0]
                false.append(float(np.isfinite(year)))
                ceiling_hits.append(_covers(low, "ceiling", 80.0))
                full = adoption.fractional_logit(_series(rng, n, phi, 100.0), targets=(90.0,))
                year = full.loc[full["term"] == "year_reach_90", "estimate"].iloc[0]
                kept.append(float(np.isfinite(year)))
            rows += [
                _row(
                    "false projection rate (ceiling 80, level 90)",
                    n,
                    errors,
                    float(np.mean(false)),
                    "<= 0.05",
                ),
                _row("coverage ceiling (ceiling 80)", n, errors, _mean(ceiling_hits), ">= 0.90"),
                _row(
                    "projection rate (ceiling 100, level 90)",
                    n,
                    errors,
                    float(np.mean(kept)),
                    ">= 0.90",
                ),
            ]
    return rows


def rows(reps: int, seed: int) -> list[dict]:
    """Coverage of slope and target years, then the wrong-ceiling cases (see module doc)."""
    return _coverage(reps, seed) + _ceiling(reps, seed)
