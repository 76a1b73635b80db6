"""Progress towards a 2030 target, after the UN SDG Progress Chart method.

This is the project's implementation of the method in UN Statistics Division, *SDG Progress
Chart Technical Note*: the compound annual growth rate (CAGR) since a base year is compared
with the CAGR needed to reach the target by the target year, or, for indicators with no
numerical target, with fixed growth thresholds. The category labels and thresholds below are
the project's choice and are stated exactly, so a reader can check them against the note:

With a numerical target, ratio r = actual CAGR / required CAGR:
    ``"on track"`` r >= 0.95, or the target is already met at the latest observation;
    ``"moderate progress"`` 0.5 <= r < 0.95; ``"off track"`` 0 <= r < 0.5;
    ``"regressing"`` r < 0 (moving away from the target), or the target was met at the base
    and is no longer met.

Without a target (direction only), g = actual CAGR, sign flipped when the desired direction
is ``"decrease"``:
    ``"on track"`` g >= 1% a year; ``"moderate progress"`` 0.5% <= g < 1%;
    ``"off track"`` 0 <= g < 0.5%; ``"regressing"`` g < 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.models.results import INSUFFICIENT, OK, prepare_series

PROGRESS_COLUMNS = (
    "base_year",
    "base_value",
    "latest_year",
    "latest_value",
    "actual_cagr",
    "required_cagr",
    "ratio",
    "category",
    "status",
    "note",
)
CATEGORIES = ("on track", "moderate progress", "off track", "regressing")
DIRECTIONS = ("increase", "decrease")

_RATIO_ON_TRACK, _RATIO_MODERATE = 0.95, 0.5
_CAGR_ON_TRACK, _CAGR_MODERATE = 0.01, 0.005
_BASE_WINDOW = 2  # the base is the first observation in [base_year, base_year + 2]
_MIN_SPAN = 2  # years between base and latest observation


def assess_progress(
    data: pd.Series,
    target: float | None = None,
    direction: str = "increase",
    base_year: int = 2015,
    target_year: int = 2030,
) -> pd.DataFrame:
    """Classify progress since ``base_year`` (see the module docstring for the thresholds).

    Args:
        data: values indexed by year; NaNs are dropped.
        target: the value to reach by ``target_year``; None for direction-only indicators.
        direction: ``"increase"`` or ``"decrease"``, the desired direction of change.
        base_year: the first observation in [base_year, base_year + 2] is the base.
        target_year: the year the target should be met.

    Returns:
        One row with ``PROGRESS_COLUMNS``. Status is ``"insufficient data"`` (category NaN,
        note saying why) when there is no base observation, the latest observation is less
        than 2 years after the base, or a value is zero or negative (no CAGR exists).
    """
    _check_arguments(target, direction, base_year, target_year)
    clean = prepare_series(data)
    window = clean[(clean.index >= base_year) & (clean.index <= base_year + _BASE_WINDOW)]
    if window.empty:
        note = f"no observation between {base_year} and {base_year + _BASE_WINDOW} for a base"
        return _result(note=note, status=INSUFFICIENT)
    base = {"base_year": window.index[0], "base_value": window.iloc[0]}
    latest = {"latest_year": clean.index[-1], "latest_value": clean.iloc[-1]}
    span = latest["latest_year"] - base["base_year"]
    if span < _MIN_SPAN:
        note = f"latest observation is {span} year(s) after the base; at least {_MIN_SPAN} needed"
        return _result(**base, **latest, note=note, status=INSUFFICIENT)
    if base["base_value"] <= 0 or latest["latest_value"] <= 0:
        note = "base or latest value is zero or negative, so no growth rate exists"
        return _result(**base, **latest, note=note, status=INSUFFICIENT)
    actual = (latest["latest_value"] / base["base_value"]) ** (1 / span) - 1
    if target is None:
        category, note = _without_target(actual, direction)
        return _result(**base, **latest, actual_cagr=actual, category=category, note=note)
    required = (target / base["base_value"]) ** (1 / (target_year - base["base_year"])) - 1
    category, ratio, note = _with_target(
        actual, required, latest["latest_value"], target, direction
    )
    return _result(
        **base,
        **latest,
        actual_cagr=actual,
        required_cagr=required,
        ratio=ratio,
        category=category,
        note=note,
    )


def _check_arguments(target, direction, base_year, target_year) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    if target is not None and not (np.isfinite(target) and target > 0):
        raise ValueError(f"target must be a positive number for a CAGR comparison, got {target!r}")
    if not target_year > base_year + _BASE_WINDOW:
        raise ValueError(
            f"target_year must be after base_year + {_BASE_WINDOW}, got {base_year}, {target_year}"
        )


def _toward(rate: float, direction: str) -> float:
    """A growth rate measured in the desired direction (positive = good)."""
    return rate if direction == "increase" else -rate


def _without_target(actual: float, direction: str) -> tuple[str, str]:
    growth = _toward(actual, direction)
    if growth >= _CAGR_ON_TRACK:
        category = "on track"
    elif growth >= _CAGR_MODERATE:
        category = "moderate progress"
    elif growth >= 0:
        category = "off track"
    else:
        category = "regressing"
    return category, f"no numerical target; CAGR judged against 1% and 0.5% a year ({direction})"


def _with_target(actual, required, latest_value, target, direction) -> tuple[str, float, str]:
    met = latest_value >= target if direction == "increase" else latest_value <= target
    if _toward(required, direction) <= 0:
        # The base already met the target, so a required rate in the desired direction does
        # not exist and the ratio would be meaningless.
        if met:
            return "on track", np.nan, "target met (already at the base)"
        return "regressing", np.nan, "target met at the base but no longer at the latest year"
    ratio = actual / required
    if met:
        return "on track", ratio, "target met"
    if ratio >= _RATIO_ON_TRACK:
        category = "on track"
    elif ratio >= _RATIO_MODERATE:
        category = "moderate progress"
    elif ratio >= 0:
        category = "off track"
    else:
        category = "regressing"
    return category, ratio, f"ratio of actual to required CAGR ({direction} to {target:g})"


def _result(status: str = OK, **values) -> pd.DataFrame:
    row = {column: values.get(column, np.nan) for column in PROGRESS_COLUMNS}
    row["status"] = status
    frame = pd.DataFrame([row], columns=list(PROGRESS_COLUMNS))
    numeric = ("base_value", "latest_value", "actual_cagr", "required_cagr", "ratio")
    years = dict.fromkeys(("base_year", "latest_year"), "Int64")
    return frame.astype({**years, **dict.fromkeys(numeric, "float64"), "category": "object"})
