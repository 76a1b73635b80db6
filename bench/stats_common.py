"""What the ``stats_<area>.py`` benchmark modules share: the grid, the row and AR(1) noise."""

from __future__ import annotations

import numpy as np

SIZES = (10, 15, 25)
ERRORS = {"iid": 0.0, "AR(1) 0.6": 0.6}


def row(model: str, measure: str, n: int, errors: str, value, target: str) -> dict:
    """One line of the benchmark table (``value`` None: the code under test lacks the option)."""
    return {
        "model": model,
        "measure": measure,
        "n": n,
        "errors": errors,
        "value": value,
        "target": target,
    }


def ar1(rng: np.random.Generator, n: int, phi: float, size: int = 1) -> np.ndarray:
    """``size`` stationary AR(1) paths of length ``n`` with unit variance, shape (n, size)."""
    shocks = rng.standard_normal((n, size))
    out = shocks.copy()
    for i in range(1, n):
        out[i] = phi * out[i - 1] + np.sqrt(1 - phi**2) * shocks[i]
    return out
