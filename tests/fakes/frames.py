"""Small tidy frames for unit tests."""

from __future__ import annotations

import pandas as pd


def one_row(source: str = "worldbank", series: str = "S") -> pd.DataFrame:
    """One canonical tidy row (KEN 2020) of ``series`` from ``source``."""
    return pd.DataFrame(
        {
            "economy": ["KEN"],
            "economy_name": ["Kenya"],
            "year": [2020],
            "series": [series],
            "value": [1.0],
            "unit": ["%"],
            "source": [source],
            "vintage": ["updated 2026-04-08"],
            "snapshot_id": ["x"],
        }
    )
