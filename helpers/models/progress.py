"""Progress towards a target, judged by a named, published method.

Each method's thresholds, category labels, constants and citation are in
``helpers/reference/progress_methods.yaml``; this module holds the rules and no number of its
own. Choose a method with ``method=``; :func:`categories` gives its labels, best to worst.

``open_sdg``: the Open SDG / Statistics Canada progress measure (Open SDG, "Progress
Measurement Methodology for the Sustainable Development Goals",
https://open-sdg.readthedocs.io/en/latest/progress-methodology/; reference code
``open-sdg/sdg-build``, ``sdg/ProgressMeasure.py``). With y0 the value in the base year t0
(the base year if observed, otherwise the first year after it), yi the latest value at ti,
d = +1 or -1 for the desired direction and s = -1 when the values are negative:

* observed growth CAGR = (yi / y0)^(1 / (ti - t0)) - 1;
* with a target yT for tT: R = s * d * CAGR / |CAGR_T|, CAGR_T = (yT / y0)^(1 / (tT - t0)) - 1;
  "Target achieved" when yi has reached yT, whatever R; otherwise R is compared with the
  configured thresholds (0.95, 0.60, 0);
* without a target: s * d * CAGR is compared with the configured growth thresholds (1.5% and
  0.5% a year, and 0). Near a natural limit ylim (``limit=``) the thresholds above 0 are
  multiplied by C = 1 - (y0 / ylim)^a below the limit, 1 - ((2 ylim - y0) / ylim)^a above it
  (a minimum limit) and 1 from 2 ylim on; only a limit in the desired direction counts;
* a zero base value or target is replaced by 0.001; at least two years of data are needed, and
  base and latest values of one sign. Otherwise the status is "insufficient data" and the note
  gives the method's own label ("Unable to assess") and the reason.

Every decline is "Deterioration" under this method (R < 0 or CAGR < 0): it has no tolerance
band, so 40 -> 39.9 is a deterioration, as its documentation says.

``escap``: ESCAP's Anticipated Progress Index is in the configuration with its citation but
not available: the weights of its time-weighted regression and the thresholds of its
anticipated-progress categories could not be read from its technical notes (the file lists
what is missing), and this module does not guess them.

The UN Statistics Division's SDG Progress Chart method is not offered: its technical note was
not available to read its thresholds from.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from helpers.models.results import INSUFFICIENT, OK, prepare_series
from helpers.reference import methods as method_config

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
    "method",
)
DIRECTIONS = ("increase", "decrease")
DEFAULT_METHOD = method_config.default_method()


# --- the methods --------------------------------------------------------------------------


def available_methods(config: Mapping[str, dict] | None = None) -> tuple[str, ...]:
    """Ids of the configured methods that can be run (``available: true``)."""
    config = method_config.load_progress_methods() if config is None else config
    return tuple(key for key, spec in config.items() if spec.get("available"))


def method_spec(method: str = DEFAULT_METHOD, config: Mapping[str, dict] | None = None) -> dict:
    """The configuration of ``method``: name, citation, categories, thresholds, constants.

    Raises:
        ValueError: the method is unknown (naming the known ones) or not available (naming
            what its documentation left unread).
    """
    config = method_config.load_progress_methods() if config is None else config
    if method not in config:
        raise ValueError(
            f"unknown progress method {method!r}; known methods: {', '.join(config)} "
            f"(available: {', '.join(available_methods(config))})"
        )
    spec = config[method]
    if not spec.get("available") or method not in _RULES:
        missing = "; ".join(spec.get("missing") or ["no implementation of its rules"])
        raise ValueError(
            f"progress method {method!r} ({spec['name']}) is configured but not available: "
            f"missing {missing}. Available: {', '.join(available_methods(config))}"
        )
    return spec


def categories(method: str = DEFAULT_METHOD, config=None) -> tuple[str, ...]:
    """The category labels of ``method``, best to worst, as its documentation prints them."""
    return tuple(method_spec(method, config)["categories"])


def citation(method: str = DEFAULT_METHOD, config=None) -> str:
    """'Publisher (year), "Title", url' for ``method``."""
    cite = method_spec(method, config)["citation"]
    return f'{cite["publisher"]} ({cite["year"]}), "{cite["title"]}", {cite["url"]}'


# --- assessment ---------------------------------------------------------------------------


def assess_progress(
    data: pd.Series,
    target: float | None = None,
    direction: str = "increase",
    base_year: int = 2015,
    target_year: int = 2030,
    method: str = DEFAULT_METHOD,
    *,
    limit: float | None = None,
    config: Mapping[str, dict] | None = None,
) -> pd.DataFrame:
    """Classify progress since ``base_year`` by ``method`` (see the module docstring).

    Args:
        data: values indexed by year; NaNs are dropped.
        target: the value to reach by ``target_year``; None for direction-only indicators.
        direction: ``"increase"`` or ``"decrease"``, the desired direction of change.
        base_year: the base year; the first observation from it on is the base.
        target_year: the year the target should be met.
        method: a method id in ``progress_methods.yaml`` (default: the file's default).
        limit: a natural limit of the indicator (e.g. 100 for a share), used without a target.
        config: methods as from ``helpers.reference.methods.load_progress_methods`` (default:
            the project's file); lets a test or a user try other thresholds.

    Returns:
        One row with ``PROGRESS_COLUMNS``; ``category`` is one of :func:`categories`, or NaN
        with status ``"insufficient data"`` and a note saying why.

    Raises:
        ValueError: bad arguments, or a method that is unknown or not available.
    """
    spec = method_spec(method, config)
    _check_arguments(target, direction, base_year, target_year, limit)
    return _RULES[method](
        prepare_series(data), target, direction, base_year, target_year, limit, spec
    ).assign(method=method)


def _check_arguments(target, direction, base_year, target_year, limit) -> None:
    if direction not in DIRECTIONS:
        raise ValueError(f"direction must be one of {DIRECTIONS}, got {direction!r}")
    if target is not None and not (np.isfinite(target) and target >= 0):
        raise ValueError(f"target must be zero or a positive number, got {target!r}")
    if limit is not None and not np.isfinite(limit):
        raise ValueError(f"limit must be a finite number, got {limit!r}")
    if not target_year > base_year:
        raise ValueError(f"target_year must be after base_year, got {base_year}, {target_year}")


def _classify(value: float, bounds: Mapping[str, float], labels) -> str:
    """The first label whose lower bound ``value`` reaches; the last label otherwise."""
    for label in labels:
        if label in bounds and value >= bounds[label]:
            return label
    return labels[-1]


# --- Open SDG / Statistics Canada ---------------------------------------------------------


def _open_sdg(clean, target, direction, base_year, target_year, limit, spec) -> pd.DataFrame:
    constants, labels = spec["constants"], spec["categories"]
    unable = spec["unable"]
    after = clean[clean.index >= base_year]
    if after.empty:
        return _result(
            note=f"{unable}: no observation in or after {base_year}", status=INSUFFICIENT
        )
    base = {"base_year": int(after.index[0]), "base_value": float(after.iloc[0])}
    latest = {"latest_year": int(after.index[-1]), "latest_value": float(after.iloc[-1])}
    if len(after) < constants["min_years"]:
        note = f"{unable}: one year of data from {base['base_year']}; at least two are needed"
        return _result(**base, **latest, note=note, status=INSUFFICIENT)
    notes = []
    y0, yi = base["base_value"], latest["latest_value"]
    if y0 == 0:
        y0 = constants["zero_replacement"]
        notes.append(f"base value 0 replaced by {y0:g}")
    if y0 * yi < 0:
        note = f"{unable}: base and latest values differ in sign; the growth model needs one sign"
        return _result(**base, **latest, note=note, status=INSUFFICIENT)
    sign = -1.0 if y0 < 0 else 1.0
    d = 1.0 if direction == "increase" else -1.0
    actual = (yi / y0) ** (1 / (latest["latest_year"] - base["base_year"])) - 1
    row = {**base, **latest, "actual_cagr": actual}
    if target is None:
        category, note = _open_sdg_without_target(sign * d * actual, y0, direction, limit, spec)
        return _result(**row, category=category, note="; ".join([note, *notes]))
    goal = float(target)
    if goal == 0:
        goal = constants["zero_replacement"]
        notes.append(f"target 0 replaced by {goal:g}")
    if goal * y0 < 0:
        note = f"{unable}: the target and the base value have opposite signs"
        return _result(**row, note=note, status=INSUFFICIENT)
    required = (goal / y0) ** (1 / (target_year - base["base_year"])) - 1
    numerator = sign * d * actual
    if required != 0:
        ratio = numerator / abs(required)
    else:  # the base sat exactly on the target: any move is away from or along it
        ratio = float(np.sign(numerator)) * np.inf if numerator else 0.0
    achieved = yi >= goal if d > 0 else yi <= goal
    if achieved:
        category = labels[0]
        note = f"target achieved at the latest observation ({yi:g} against {target:g})"
    else:
        category = _classify(ratio, spec["thresholds"]["with_target"], labels)
        note = f"R = observed / |required| CAGR ({direction} to {target:g} by {target_year})"
    return _result(
        **row,
        required_cagr=required,
        ratio=ratio,
        category=category,
        note="; ".join([note, *notes]),
    )


def _open_sdg_without_target(growth, y0, direction, limit, spec) -> tuple[str, str]:
    bounds = dict(spec["thresholds"]["without_target"])
    text = ", ".join(f"{100 * v:g}%" for v in bounds.values() if v > 0)
    note = f"no numerical target; CAGR in the desired direction ({direction}) against {text} a year"
    factor = _limit_factor(y0, limit, direction, spec["constants"]["limit_exponent"])
    if factor is not None:
        # Only thresholds above 0 are scaled; at C = 0 (base on the limit) every
        # non-negative growth is "On track", as the documentation states.
        bounds = {k: v * factor if v > 0 else v for k, v in bounds.items()}
        note += f", scaled by C = {factor:.3g} for the limit {limit:g}"
    return _classify(growth, bounds, spec["categories"][1:]), note


def _limit_factor(y0: float, limit: float | None, direction: str, a: float) -> float | None:
    """The scaling factor C, or None when there is no limit in the desired direction."""
    if limit is None:
        return None
    base, lim = abs(y0), abs(limit)
    # A maximum limit (base below it) matters for an increase, a minimum one for a decrease.
    if (direction == "increase" and base > lim) or (direction == "decrease" and base < lim):
        return None
    if base >= 2 * lim:
        return 1.0
    if base <= lim:
        return 1 - (base / lim) ** a
    return 1 - ((2 * lim - base) / lim) ** a


_RULES = {"open_sdg": _open_sdg}
# The default method's labels, best to worst (after _RULES, which categories() consults).
CATEGORIES = categories(DEFAULT_METHOD)


def _result(status: str = OK, **values) -> pd.DataFrame:
    row = {column: values.get(column, np.nan) for column in PROGRESS_COLUMNS}
    row["status"] = status
    frame = pd.DataFrame([row], columns=list(PROGRESS_COLUMNS))
    numeric = ("base_value", "latest_value", "actual_cagr", "required_cagr", "ratio")
    years = dict.fromkeys(("base_year", "latest_year"), "Int64")
    return frame.astype(
        {**years, **dict.fromkeys(numeric, "float64"), "category": "object", "method": "object"}
    )
