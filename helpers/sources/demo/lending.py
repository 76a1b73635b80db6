"""Synthetic IDS-style lending by creditor for the demo: what a generator makes, not data.

Every developing demo economy borrows from some of :data:`CREDITORS` (four Southern lenders,
Türkiye and four DAC members); each debtor-creditor pair is drawn once, and a pair that is
not drawn is absent (as in IDS, where most pairs have no flows). For a pair that lends:

* disbursements (``DT.DIS.BLAT.CD``) are a share of the debtor's GNI, log-normal with AR(1)
  shocks, starting in a drawn year (China's lending starts in the 2000s and grows fastest);
* the concessional part (``DT.DIS.BLTC.CD``) is a creditor-specific share of disbursements;
* debt service (``DT.TDS.BLAT.CD``) is 9% a year of the pair's past disbursements still
  outstanding, of which two thirds is principal;
* net flows (``DT.NFL.BLAT.CD``) are disbursements less that principal.

``WLD`` (all creditors) is the sum over the creditors shown plus a drawn share (10-40%) for
bilateral creditors the demo does not show, so it always exceeds that sum. The demo notice
(``helpers.sources.demo.notice``) covers these rows like every other demo row.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.sources.demo.generators import DemoEconomy, ar1, round_exact, seeded_rng

DIS, DIS_CONC, TDS, NFL = "DT.DIS.BLAT.CD", "DT.DIS.BLTC.CD", "DT.TDS.BLAT.CD", "DT.NFL.BLAT.CD"
SERIES = (DIS, DIS_CONC, TDS, NFL)
ALL_CREDITORS = ("WLD", "World")
# code, name, chance a debtor borrows from it, size (% of the debtor's GNI at full scale),
# first year it may lend, concessional share of its lending.
CREDITORS = (
    ("CHN", "China", 0.9, 0.9, 2002, 0.35),
    ("IND", "India", 0.55, 0.15, 2005, 0.6),
    ("BRA", "Brazil", 0.35, 0.08, 2004, 0.4),
    ("SAU", "Saudi Arabia", 0.5, 0.15, 1990, 0.7),
    ("TUR", "Turkiye", 0.35, 0.06, 2008, 0.3),
    ("USA", "United States", 0.6, 0.12, 1990, 0.5),
    ("JPN", "Japan", 0.7, 0.35, 1990, 0.95),
    ("FRA", "France", 0.6, 0.2, 1990, 0.8),
    ("DEU", "Germany", 0.55, 0.12, 1990, 0.85),
)
_RATE, _PRINCIPAL = 0.09, 2 / 3


def _pair(
    rng: np.random.Generator, years: np.ndarray, gni: np.ndarray, spec: tuple
) -> dict[str, np.ndarray] | None:
    _, _, chance, size, first, concessional = spec
    if rng.random() >= chance:
        return None
    start = max(first, int(rng.integers(years[0], years[-1] - 5)))
    active = years >= start
    ramp = np.clip((years - start + 1) / 8, 0, 1)  # a lender builds up over some years
    share = size * rng.uniform(0.3, 1.5) * ramp * np.exp(ar1(rng, len(years), 0.35, 0.5))
    dis = np.where(active, round_exact(share / 100 * gni, 0), 0.0)
    outstanding = np.zeros(len(years))
    for t in range(1, len(years)):
        outstanding[t] = outstanding[t - 1] * (1 - _RATE * _PRINCIPAL) + dis[t - 1]
    tds = round_exact(outstanding * _RATE, 0)
    conc = round_exact(dis * min(concessional * rng.uniform(0.85, 1.15), 1.0), 0)
    nfl = dis - round_exact(tds * _PRINCIPAL, 0)
    shown = active | (outstanding > 0)
    return {
        DIS: np.where(shown, dis, np.nan),
        DIS_CONC: np.where(shown, conc, np.nan),
        TDS: np.where(shown, tds, np.nan),
        NFL: np.where(shown, nfl, np.nan),
    }


def lending(
    debtors: list[DemoEconomy], gni: dict[str, np.ndarray], seed: int, years: np.ndarray
) -> pd.DataFrame:
    """Rows ``economy, year, series, value, creditor, creditor_name`` for every demo debtor
    (developing economies) and the creditors that lend to it, with ``WLD`` for all creditors.
    """
    parts = []
    for e in debtors:
        if not e.developing:
            continue
        pairs: dict[tuple[str, str], dict[str, np.ndarray]] = {}
        for spec in CREDITORS:
            if spec[0] == e.code:
                continue  # no economy lends to itself
            got = _pair(seeded_rng(seed, e.code, "lending", spec[0]), years, gni[e.code], spec)
            if got is not None:
                pairs[spec[:2]] = got
        if not pairs:
            continue
        other = 1 + seeded_rng(seed, e.code, "lending", "WLD").uniform(0.1, 0.4)
        # All creditors: the years in which any creditor shown has a row.
        any_row = np.any([~np.isnan(p[DIS]) for p in pairs.values()], axis=0)
        total = {}
        for sid in (DIS, DIS_CONC, TDS):
            stacked = np.vstack([p[sid] for p in pairs.values()])
            total[sid] = round_exact(np.nansum(stacked, axis=0) * other, 0)
        total[NFL] = total[DIS] - round_exact(total[TDS] * _PRINCIPAL, 0)
        total = {sid: np.where(any_row, v, np.nan) for sid, v in total.items()}
        pairs[ALL_CREDITORS] = total
        for (code, name), series in pairs.items():
            for sid, values in series.items():
                frame = pd.DataFrame({"year": years, "value": values})
                frame = frame[frame["value"].notna()]
                parts.append(
                    frame.assign(economy=e.code, series=sid, creditor=code, creditor_name=name)
                )
    out = pd.concat(parts, ignore_index=True)
    return out[["economy", "year", "series", "value", "creditor", "creditor_name"]]
