"""Convergence statistics for ``bench_stats.py``: size and power of sigma-convergence, size of
beta-convergence.

Sigma: 30 economies over n years (n = 10, 15, 25), log value = 4.6 + a_i * (1 - shrink * t)
+ 0.05 t + e_it, with a_i ~ N(0, 0.8) fixed, 5% common growth, and e_it of standard deviation
0.05, independent or AR(1) with phi = 0.6 within each economy. With shrink = 0 the dispersion
of logs is constant (size, default call); with shrink = 0.01 it narrows by 1% of its start a
year (power). Beta: 30 economies whose growth over 20 years does not depend on where they
started, with and without transitory noise of sd 0.2 in the observed start (the noise alone
makes beta negative: Galton's fallacy). Only public names of ``helpers.models.convergence`` are
called, so the same module measures an older checkout.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import stats_common as common

from helpers.models import convergence

ECONOMIES = 30
LEVEL = 0.95


def _panel(rng, years: int, phi: float, shrink: float) -> pd.DataFrame:
    start = rng.normal(0, 0.8, ECONOMIES)
    t = np.arange(years)
    noise = common.ar1(rng, years, phi, ECONOMIES)
    logs = 4.6 + start[None, :] * (1 - shrink * t)[:, None] + 0.05 * t[:, None] + 0.05 * noise
    return pd.DataFrame(
        {
            "economy": np.tile([f"E{i:02d}" for i in range(ECONOMIES)], years),
            "year": np.repeat(2000 + t, ECONOMIES),
            "value": np.exp(logs).ravel(),
        }
    )


def _sigma(reps: int, seed: int) -> list[dict]:
    rows = []
    cases = (
        ("size (constant log dispersion, 5% common growth)", 0.0, "0.05"),
        ("power (log dispersion shrinking 1%/year)", 0.01, ">= 0.80"),
    )
    for c, (measure, shrink, target) in enumerate(cases):
        for n in common.SIZES:
            for k, (errors, phi) in enumerate(common.ERRORS.items()):
                rng = np.random.default_rng([seed, 3, c, n, k])
                hits = []
                for _ in range(reps):
                    result = convergence.sigma_convergence(_panel(rng, n, phi, shrink))
                    row = result.iloc[0]
                    significant = row["p_value"] < 1 - LEVEL
                    # Power counts only narrowing found; size counts either direction.
                    hits.append(significant and (shrink == 0 or row["estimate"] < 0))
                rows.append(
                    common.row(
                        "sigma_convergence", measure, n, errors, float(np.mean(hits)), target
                    )
                )
    return rows


def _beta(reps: int, seed: int) -> list[dict]:
    rows = []
    for c, noise in enumerate((0.0, 0.2)):
        rng = np.random.default_rng([seed, 4, c])
        hits = []
        for _ in range(reps):
            start = rng.normal(8, 1, ECONOMIES)
            end = start + 20 * rng.normal(0.02, 0.01, ECONOMIES)
            observed = start + rng.normal(0, noise, ECONOMIES)
            frame = pd.DataFrame(
                {
                    "economy": np.tile([f"E{i:02d}" for i in range(ECONOMIES)], 2),
                    "year": np.repeat([2000, 2020], ECONOMIES),
                    "value": np.exp(np.concatenate([observed, end])),
                }
            )
            beta = convergence.beta_convergence(frame, 2000, 2020).iloc[0]
            hits.append(beta["p_value"] < 1 - LEVEL)
        label = "size (no convergence)" if noise == 0 else "size (no convergence, noisy start)"
        rows.append(
            common.row("beta_convergence", label, ECONOMIES, "iid", float(np.mean(hits)), "0.05")
        )
    return rows


def rows(reps: int, seed: int) -> list[dict]:
    """Sigma size and power at n = 10, 15, 25 years; beta size (n = economies)."""
    return _sigma(reps, seed) + _beta(reps, seed)
