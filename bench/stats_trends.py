"""Size, power and coverage of the trend, break and forecast models (``bench_stats.py --only
trends``).

Errors are independent standard normal ("iid") or stationary AR(1) with rho 0.6 and unit
variance ("AR(1) 0.6"), so a "3-sd" shift is three times the noise sd either way. Only public
names of ``helpers.models`` are called; a keyword the code under test lacks gives ``None``.
Forecast cells are slow, so they use a quarter of the replications (at least 20).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import stats_common as common

from helpers import models

START = 2000
ALPHA = 0.05


def _noise(rng: np.random.Generator, reps: int, n: int, rho: float) -> np.ndarray:
    return common.ar1(rng, n, rho, reps).T


def _series(values: np.ndarray) -> pd.Series:
    return pd.Series(values, index=np.arange(START, START + len(values)))


def _call(func: Callable, *args, **kwargs) -> pd.DataFrame | None:
    """``func(*args, **kwargs)``, or None when the code under test lacks one of the keywords."""
    try:
        return func(*args, **kwargs)
    except TypeError as err:
        if "unexpected keyword" in str(err):
            return None
        raise


def _rate(hits: list[bool | None]) -> float | None:
    return None if not hits or any(h is None for h in hits) else float(np.mean(hits))


# --- CUSUM ---------------------------------------------------------------------------------


def _cusum(reps: int, seed: int) -> list[dict]:
    out = []
    for n in common.SIZES:
        for errors, rho in common.ERRORS.items():
            noise = _noise(np.random.default_rng([seed, 1, n, int(10 * rho)]), reps, n, rho)
            line = 0.5 * np.arange(n)
            rejects = [
                models.cusum_test(_series(line + e))["p_value"].iloc[0] < ALPHA for e in noise
            ]
            target = "0.02-0.09" if rho == 0 else "0.05 (assumes iid)"
            out.append(common.row("cusum_test", "size", n, errors, float(np.mean(rejects)), target))
        shift = np.where(np.arange(n) >= n // 2, 3.0, 0.0)
        noise = _noise(np.random.default_rng([seed, 2, n]), reps, n, 0.0)
        rejects = [
            models.cusum_test(_series(0.5 * np.arange(n) + shift + e))["p_value"].iloc[0] < ALPHA
            for e in noise
        ]
        out.append(
            common.row(
                "cusum_test", "power (3-sd shift mid)", n, "iid", float(np.mean(rejects)), "high"
            )
        )
    return out


# --- trend intervals -----------------------------------------------------------------------


def _coverage(reps: int, seed: int) -> list[dict]:
    out = []
    for n in common.SIZES:
        for errors, rho in common.ERRORS.items():
            target = ">= 0.92" if rho == 0 else ">= 0.80"
            noise = _noise(np.random.default_rng([seed, 3, n, int(10 * rho)]), reps, n, rho)
            t = np.arange(n)
            hits = []
            for e in noise:
                slope = models.linear_trend(_series(0.5 * t + e)).set_index("term").loc["slope"]
                hits.append(slope["ci_low"] < 0.5 < slope["ci_high"])
            out.append(
                common.row(
                    "linear_trend", "slope coverage", n, errors, float(np.mean(hits)), target
                )
            )
            growth, hits = np.expm1(0.03), []
            for e in noise:
                data = _series(100 * np.exp(0.03 * t + 0.05 * e))
                rate = models.cagr(data).set_index("term").loc["cagr"]
                hits.append(rate["ci_low"] < growth < rate["ci_high"])
            out.append(
                common.row("cagr", "growth coverage", n, errors, float(np.mean(hits)), target)
            )
    return out


# --- Chow ----------------------------------------------------------------------------------


def _chow(reps: int, seed: int) -> list[dict]:
    out = []
    probe = _series(0.5 * np.arange(12) + np.sin(np.arange(12)))
    default = models.chow_test(probe, START + 6)["method"].iloc[0]
    robust = _call(models.chow_test, probe, START + 6, errors="ar1")
    same = robust is not None and robust["method"].iloc[0] == default
    variants = {"chow_test (default)": {}, "chow_test errors=iid": {"errors": "iid"}}
    if not same:
        variants["chow_test errors=ar1"] = {"errors": "ar1"}

    def rates(data_rows: np.ndarray, n: int) -> dict[str, float | None]:
        got = {}
        for name, kwargs in variants.items():
            hits = []
            for values in data_rows:
                result = _call(models.chow_test, _series(values), START + n // 2, **kwargs)
                hits.append(None if result is None else bool(result["p_value"].iloc[0] < ALPHA))
            got[name] = _rate(hits)
        if same:
            got["chow_test errors=ar1"] = got["chow_test (default)"]
        return got

    for n in common.SIZES:
        t = np.arange(n)
        for errors, rho in common.ERRORS.items():
            noise = _noise(np.random.default_rng([seed, 4, n, int(10 * rho)]), reps, n, rho)
            for name, value in rates(0.5 * t + noise, n).items():
                out.append(common.row(name, "size", n, errors, value, "0.05"))
            if n == common.SIZES[-1]:
                shift = np.where(t >= n // 2, 3.0, 0.0)
                for name, value in rates(0.5 * t + shift + noise, n).items():
                    out.append(common.row(name, "power (3-sd shift mid)", n, errors, value, "high"))
    return out


# --- forecasts -----------------------------------------------------------------------------


def _forecasts(reps: int, seed: int) -> list[dict]:
    reps = max(20, reps // 4)
    n, horizon = 10, 5
    rng = np.random.default_rng([seed, 5])
    paths = 10 + np.cumsum(0.5 + rng.standard_normal((reps, n + horizon)), axis=1)
    out = []
    for method in ("local_linear_trend", "holt"):
        hits = np.zeros(horizon)
        offered = True
        for path in paths:
            result = models.forecast(_series(path[:n]), horizon=horizon, method=method)
            low, high = result["ci_low"].to_numpy(), result["ci_high"].to_numpy()
            offered = offered and not np.isnan(low).all()
            hits += (low < path[n:]) & (path[n:] < high)
        for h in range(horizon):
            value = float(hits[h] / reps) if offered else None
            target = f"0.95 ({reps} reps; RW + drift)"
            out.append(
                common.row(f"forecast {method}", f"coverage h={h + 1}", n, "iid", value, target)
            )
    # A share climbing towards 100: how often does an interval leave 0-100?
    rng = np.random.default_rng([seed, 6])
    t = np.arange(n)
    shares = 100 / (1 + np.exp(-(2.5 + 0.25 * t + 0.3 * _noise(rng, reps, n, 0.6))))
    for label, kwargs in (("no bounds", {}), ("bounds=(0, 100)", {"bounds": (0, 100)})):
        outside = []
        for values in shares:
            result = _call(models.forecast, _series(values), horizon=horizon, **kwargs)
            if result is None:
                outside.append(None)
                continue
            cells = result[["estimate", "ci_low", "ci_high"]].to_numpy()
            outside.append(bool(((cells < 0) | (cells > 100)).any()))
        out.append(
            common.row(
                "forecast local_linear_trend",
                f"share interval outside 0-100 ({label})",
                n,
                "AR(1) 0.6",
                _rate(outside),
                f"0 ({reps} reps; share 92-99.5)",
            )
        )
    return out


def rows(reps: int, seed: int) -> list[dict]:
    """Every cell of the trends area: CUSUM, trend coverage, Chow, forecasts."""
    return [
        *_cusum(reps, seed),
        *_coverage(reps, seed),
        *_chow(reps, seed),
        *_forecasts(reps, seed),
    ]
