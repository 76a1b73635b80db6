"""ODA to the least developed countries against 0.15-0.20% of GNI (the second half of 17.2.1).

The figures are the UN SDG Global Database's series by donor: ``DC_ODA_LDCG`` (net ODA to the
LDCs, % of the donor's GNI) and ``DC_ODA_TOTG`` (all net ODA, % of GNI) beside it; the UN
republishes OECD DAC figures there. The band and its citation (SDG target 17.2; the Istanbul
and Doha Programmes of Action for the LDCs) are in ``helpers/reference/targets.yaml``
(:func:`ldc_band`). Sentences are in ``oda.text``, figures in ``oda.figures``.

Example:
    >>> aid = ldc.ldc_aid_series(un, tidy.economies())
    >>> ranked = ldc.rank_ldc_aid(aid)
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from helpers import models, paths
from helpers.errors import ParameterError
from helpers.topics.oda.data import label_providers

LDC_AID = "DC_ODA_LDCG"  # UN SDG Global Database: net ODA to LDCs, % of the donor's GNI
UN_ODA_GNI = "DC_ODA_TOTG"  # the same database's total net ODA, % of the donor's GNI
LDC_SERIES = [LDC_AID, UN_ODA_GNI]
TARGETS_FILE = paths.REFERENCE_DIR / "targets.yaml"


# --- ODA to the LDCs against 0.15-0.20% of GNI -----------------------------------------------


@cache
def _band(path: Path) -> tuple[float, float]:
    entry = (yaml.safe_load(path.read_text(encoding="utf-8")).get("series") or {}).get(LDC_AID)
    band = (entry or {}).get("target_band")
    if not isinstance(band, list) or len(band) != 2 or not float(band[0]) < float(band[1]):
        raise ParameterError(
            f"{path}: {LDC_AID} needs `target_band: [low, high]` with low < high (the UN band "
            "of 0.15-0.20% of GNI as ODA to the LDCs)"
        )
    return float(band[0]), float(band[1])


def ldc_band(path: Path | None = None) -> tuple[float, float]:
    """The UN band for ODA to the LDCs, % of the donor's GNI: (0.15, 0.20), from targets.yaml.

    Raises:
        ParameterError: naming the file when the entry is missing or malformed.
    """
    return _band(Path(path or TARGETS_FILE))


def band_labels(band: tuple[float, float]) -> tuple[str, str, str]:
    """The three ``band_status`` labels: at least the high end, within the band, below it."""
    low, high = band
    return f"{high:.2f}% or more", f"{low:.2f}% to under {high:.2f}%", f"under {low:.2f}%"


def ldc_aid_series(frame: pd.DataFrame, reference: pd.DataFrame) -> pd.DataFrame:
    """ODA to the LDCs by donor and year, with the donor's total ODA/GNI beside it.

    Args:
        frame: tidy rows of ``DC_ODA_LDCG`` and (optionally) ``DC_ODA_TOTG``, single donors
            and the DAC total together (``load_providers``).
        reference: the economy reference with group flags (``tidy.economies()``).

    Returns:
        Columns ``economy, economy_name, year, provider, value`` (net ODA to LDCs, % of GNI),
        ``total_oda_gni_pct`` (all net ODA, % of GNI; NaN where the UN gives none) and
        ``vintage``; single donors and the DAC total only (``label_providers``).
    """
    cols = ["economy", "economy_name", "year", "provider", "value", "total_oda_gni_pct"]
    rows = frame[frame["series"] == LDC_AID]
    if rows.empty:
        return pd.DataFrame(columns=[*cols, "vintage"])
    total = frame.loc[frame["series"] == UN_ODA_GNI, ["economy", "year", "value"]]
    out = rows.pipe(label_providers, reference).merge(
        total.rename(columns={"value": "total_oda_gni_pct"}),
        on=["economy", "year"],
        how="left",
        validate="many_to_one",
    )
    return out[[*cols, "vintage"]].sort_values(["economy", "year"]).reset_index(drop=True)


def rank_ldc_aid(
    frame: pd.DataFrame, band: tuple[float, float] | None = None, year: int | None = None
) -> pd.DataFrame:
    """Donors in the latest year (or ``year``) by ODA to LDCs, highest first, against the band.

    The DAC total, if present, is kept for comparison but not ranked. ``band_status``
    (:func:`band_labels`) says whether a donor gave at least the band's high end, at least its
    low end, or less; values are compared as published (no rounding).

    Returns:
        ``frame``'s rows of that year with ``rank``, ``meets_low``, ``meets_high`` and
        ``band_status`` added.
    """
    low, high = band or ldc_band()
    extra = {
        "rank": pd.Series(dtype="Int64"),
        "meets_low": pd.Series(dtype=bool),
        "meets_high": pd.Series(dtype=bool),
        "band_status": pd.Series(dtype=object),
    }
    if frame.empty:
        return frame.assign(**extra)
    year = int(frame["year"].max()) if year is None else year
    out = frame[frame["year"] == year].sort_values("value", ascending=False, kind="stable")
    out = out.reset_index(drop=True)
    single = out["provider"] != "DAC total"
    out["rank"] = pd.array(np.where(single, single.cumsum(), pd.NA), dtype="Int64")
    out["meets_low"] = out["value"] >= low
    out["meets_high"] = out["value"] >= high
    labels = band_labels((low, high))
    out["band_status"] = np.select([out["meets_high"], out["meets_low"]], labels[:2], labels[2])
    return out


def band_counts(ranked: pd.DataFrame) -> dict[str, int]:
    """How many ranked donors (the DAC total left out) meet the band's low and high ends."""
    singles = ranked[ranked["provider"] != "DAC total"]
    return {
        "donors": len(singles),
        "meets_low": int(singles["meets_low"].sum()),
        "meets_high": int(singles["meets_high"].sum()),
    }


def donor_trends(frame: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """The linear trend of each donor's ODA to LDCs (% of GNI, percentage points a year).

    ``helpers.models.linear_trend`` per donor (AR(1) errors by default; "insufficient data"
    below five years); its note carries the method and, for short series, the caveat.

    Returns:
        Columns ``economy, economy_name, provider`` and the model's result columns, the
        ``slope`` rows only, steepest rise first; empty without rows.
    """
    if frame.empty:
        return pd.DataFrame(columns=["economy", "economy_name", "provider", "term", "estimate"])
    fits = models.by_group(frame, models.linear_trend, "economy", level=level)
    fits = fits[fits["term"] == "slope"]
    names = frame.drop_duplicates("economy").set_index("economy")[["economy_name", "provider"]]
    out = fits.join(names, on="economy")
    front = ["economy", "economy_name", "provider"]
    out = out[front + [c for c in out.columns if c not in front]]
    return out.sort_values("estimate", ascending=False, kind="stable").reset_index(drop=True)


def trend_verdicts(trends: pd.DataFrame) -> pd.Series:
    """Per trend row: "rising" or "falling" when the interval excludes zero, else "no clear
    trend"; "not estimated" where the model had too few years."""
    ok = trends["status"] == "ok"
    return pd.Series(
        np.select(
            [~ok, ok & (trends["ci_low"] > 0), ok & (trends["ci_high"] < 0)],
            ["not estimated", "rising", "falling"],
            "no clear trend",
        ),
        index=trends.index,
        name="verdict",
    )
