"""Numbers and phrases for the sentences the topics write (computed, never typed in)."""

from __future__ import annotations

import pandas as pd


def fmt(value: float, unit: str = "", digits: int = 1) -> str:
    """A number for prose: 1.2 billion, 3.4 million, 0.31%, or 'n/a' for missing."""
    if value is None or pd.isna(value):
        return "n/a"
    if unit == "%":
        return f"{value:,.{digits}f}%"
    if unit == "pp":
        return f"{value:+,.{digits}f} percentage points"
    sign = "-" if value < 0 else ""
    value = abs(value)
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if value >= size:
            return f"{sign}{unit}{value / size:,.{digits}f} {word}"
    return f"{sign}{unit}{value:,.{digits}f}"
