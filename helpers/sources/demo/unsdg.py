"""Generators of the demo's UN SDG Global Database series (synthetic, like the rest of the demo).

Every number below is a SETTING OF THE GENERATOR, chosen so the synthetic series have plausible
magnitudes and shapes; none is a statistic. Every draw comes from the demo's seeded
generator keyed by the economy (or group) and the generator's name, so adding one here
changes no other series.

By donor (DAC members of the demo; the UN publishes 17.2.1 for OECD DAC donors):

* DC_ODA_TOTG: the DAC's headline ODA as % of GNI, i.e. the donor's own DAC1 series: net
  flows (DAC1.ODA.NET.CURRENT / DAC1.GNI.CURRENT) before 2018, grant equivalents
  (DAC1.ODA.GNI.GE) from 2018; from ``UN_FROM``.
* DC_ODA_LDCG: DC_ODA_TOTG x a donor-specific share going to LDCs, drawn in
  ``LDC_SHARE`` (0.2-0.4), drifting by up to +-15 % over the period with small AR(1) noise
  (kept within 0.1-0.5);
  one year shorter than DC_ODA_TOTG (``LDC_LAG``: the OECD publishes aid by recipient about a
  year after the totals). With these settings some donors reach 0.15 % of GNI and some don't.

By recipient (developing economies):

* DC_FTA_TOTAL: a recipient-specific share (``TECH_COOP_SHARE``) of its net ODA received at
  constant prices (the demo's DAC2A.ODA.RECEIVED.CONSTANT), with log-normal noise; from UN_FROM.
* SG_STT_CAPTY: a recipient-specific share (``STATS_SHARE``, about 0.1-0.6 %) of its net ODA
  received (current US$), heavy-tailed noise; from ``STATS_FROM`` to the year before the last.
* SG_PLN_REPOLRES and SG_PLN_MSTKSDG_R: only in Global Partnership monitoring rounds
  (``ROUNDS``); each recipient takes part in a round with probability ``ROUND_TAKE_UP``. The
  % of results frameworks used is a persistent level plus round-to-round noise; the flag is 1
  in a round the recipient took part in, 0 in one it did not.
* GF_COM_PPPI: lumpy: in a year with a deal (probability by income group, ``PPI_DEAL``) a
  log-normal amount around ``PPI_SCALE`` % of GNI, a share that shrinks for big economies
  (x (GNI / US$50 billion) ^ -0.3), otherwise 0; from UN_FROM to the year before the last.

By economy (every demo economy unless noted):

* GR_G14_GDP (revenue % of GDP) and GC_GOB_TAXD (% of the domestic budget funded by domestic
  taxes): AR(1) around an economy-specific level drawn by income group (``REVENUE``,
  ``TAX_FUNDED``), from UN_FROM to the year before the last; low-income economies miss a year
  with probability ``MISSING_LIC``.
* TM_TAX_WMFN (MFN tariff applied, trade-weighted, %): a level by income group falling
  gently over time (``TARIFF``), from ``TARIFF_FROM``; plus a world figure, the GNI-weighted
  mean (GNI standing in for imports), made in ``helpers.sources.demo.synthetic``.
* SG_CPA_SDEVP (policy coherence, % of the maximum score): from ``COHERENCE_FROM``, reported in
  a year with probability 0.5 (at least once), a level by income group rising a few points a
  year.
* Flags (1 = yes, 0 = no): SG_STT_FPOS (legislation compliant, from ``FPOS_FROM``; once 1 stays
  1), SG_STT_NSDSIMPL and SG_STT_NSDSFND (developing economies only, from ``NSDS_FROM``: a plan
  under implementation in most years with gaps between plans, funded in only some of those
  years, so funded <= implemented), SG_REG_CENSUSN (from ``CENSUS_FROM``: 1 when the last
  census, on a roughly ten-year cycle that poorer economies let slip, is at most ten years old).
* IT_NET_BBND: the UN's broadband subscriptions per 100 inhabitants (any speed) is the same
  ITU figure the World Bank republishes as IT.NET.BBND.P2, so the demo copies that series.

By group (economy = the group: DEVELOPING, LDC, SIDS; ``GROUP_PATHS``): TX_EXP_GBMRCH,
TX_IMP_GBMRCH (share of world merchandise exports / imports) and TM_TAX_DPRF (preferential
tariff developed countries apply to the group's exports): log-linear paths between two anchors
with AR(1) noise, from UN_FROM to the year before the last.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from helpers.sources.demo.generators import (
    DAC_GNI,
    GE_FROM,
    GE_GNI,
    NET_CUR,
    DemoEconomy,
    ar1,
    log_path,
    seeded_rng,
)

UN_FROM = 2000  # the UN SDG Global Database's series mostly start in 2000
LDC_LAG = 1
LDC_SHARE = (0.2, 0.4)
TECH_COOP_SHARE = (0.08, 0.25)
STATS_FROM = 2006
STATS_SHARE = (0.001, 0.006)
ROUNDS = (2016, 2018, 2024)  # years standing for Global Partnership monitoring rounds
ROUND_TAKE_UP = 0.8
PPI_DEAL = {"LIC": 0.35, "LMC": 0.6, "UMC": 0.75}
PPI_SCALE = 0.4  # % of GNI committed in a year with a deal (median, at GNI = US$50 billion)
PPI_SIZE = -0.3  # elasticity of that share to GNI
REVENUE = {"HIC": (33, 45), "UMC": (20, 30), "LMC": (14, 22), "LIC": (11, 17)}
TAX_FUNDED = {"HIC": (65, 88), "UMC": (55, 80), "LMC": (45, 75), "LIC": (35, 65)}
MISSING_LIC = 0.25
TARIFF_FROM = 2005
TARIFF = {"HIC": (1.5, 3.5), "UMC": (3.5, 8.0), "LMC": (5.0, 11.0), "LIC": (7.0, 13.0)}
COHERENCE_FROM = 2019
COHERENCE = {"HIC": (55, 85), "UMC": (35, 70), "LMC": (25, 60), "LIC": (15, 50)}
FPOS_FROM = 2019
# Probability that an economy adopts compliant legislation at all, in a year drawn from
# FPOS_FROM - 3 to FPOS_FROM + 9 (so some adopt after the demo's last year).
FPOS_BY = {"HIC": 0.95, "UMC": 0.7, "LMC": 0.6, "LIC": 0.45}
NSDS_FROM = 2017
NSDS_FUNDED = {"UMC": 0.6, "LMC": 0.4, "LIC": 0.2}
CENSUS_FROM = 2015
CENSUS_SLIP = {"HIC": 0.5, "UMC": 1.5, "LMC": 3.0, "LIC": 5.0}  # mean years of delay
# Group series: (start anchor, end anchor, AR(1) sd as a fraction of the level).
GROUP_PATHS = {
    "TX_EXP_GBMRCH": {
        "DEVELOPING": (32.0, 45.0, 0.015),
        "LDC": (0.55, 1.05, 0.03),
        "SIDS": (2.5, 2.35, 0.02),
    },
    "TX_IMP_GBMRCH": {
        "DEVELOPING": (29.0, 42.5, 0.015),
        "LDC": (0.7, 1.4, 0.03),
        "SIDS": (2.6, 2.45, 0.02),
    },
    "TM_TAX_DPRF": {
        "DEVELOPING": (3.4, 2.0, 0.03),
        "LDC": (2.6, 1.0, 0.05),
        "SIDS": (3.0, 1.6, 0.04),
    },
}
GROUPS = ("DEVELOPING", "LDC", "SIDS")

TOTG, LDCG = "DC_ODA_TOTG", "DC_ODA_LDCG"
TECH_COOP, STATS = "DC_FTA_TOTAL", "SG_STT_CAPTY"
REPOLRES, MSTK, PPI = "SG_PLN_REPOLRES", "SG_PLN_MSTKSDG_R", "GF_COM_PPPI"
REVENUE_GDP, TAXD, TARIFF_MFN, COHERENCE_SCORE = (
    "GR_G14_GDP",
    "GC_GOB_TAXD",
    "TM_TAX_WMFN",
    "SG_CPA_SDEVP",
)
FPOS, NSDSFND, NSDSIMPL, CENSUS = (
    "SG_STT_FPOS",
    "SG_STT_NSDSFND",
    "SG_STT_NSDSIMPL",
    "SG_REG_CENSUSN",
)
BROADBAND_UN, BROADBAND_WB = "IT_NET_BBND", "IT.NET.BBND.P2"


def _show(values: np.ndarray, shown: np.ndarray) -> np.ndarray:
    return np.where(shown, values, np.nan)


# -- by donor ------------------------------------------------------------------------------
def headline_oda_gni(years: np.ndarray, net: np.ndarray, gni: np.ndarray, ge_gni: np.ndarray):
    """The DAC's headline ODA % of GNI: net flows before ``GE_FROM``, grant equivalents after."""
    return np.where(years >= GE_FROM, ge_gni, net / gni * 100)


def donor_series(e: DemoEconomy, seed: int, years: np.ndarray, dac1: dict) -> dict:
    """DC_ODA_TOTG and DC_ODA_LDCG for one DAC member, from its DAC1 series."""
    rng = seeded_rng(seed, e.code, "un_oda_ldc")
    n = len(years)
    totg = headline_oda_gni(years, dac1[NET_CUR], dac1[DAC_GNI], dac1[GE_GNI])
    share = log_path(1.0, rng.uniform(0.85, 1.15), years) * rng.uniform(*LDC_SHARE)
    share = np.clip(share * np.exp(ar1(rng, n, 0.05, 0.6)), 0.1, 0.5)
    totg = _show(totg, years >= UN_FROM)
    return {TOTG: totg, LDCG: _show(totg * share, years <= years[-1] - LDC_LAG)}


# -- by recipient --------------------------------------------------------------------------
def recipient_series(
    e: DemoEconomy,
    seed: int,
    years: np.ndarray,
    oda_usd: np.ndarray,
    oda_con_mn: np.ndarray,
    gni_usd: np.ndarray,
) -> dict:
    """UN series by recipient for one developing economy (NaN where it has no value)."""
    n = len(years)

    def r(name: str) -> np.random.Generator:
        return seeded_rng(seed, e.code, name)

    out = {}
    rng = r("un_tech_coop")
    tc = oda_con_mn * rng.uniform(*TECH_COOP_SHARE) * np.exp(ar1(rng, n, 0.15, 0.5))
    out[TECH_COOP] = _show(tc, years >= UN_FROM)

    rng = r("un_stats_capacity")
    stats = oda_usd * rng.uniform(*STATS_SHARE) * np.exp(rng.normal(0, 0.6, n))
    out[STATS] = _show(stats, (years >= STATS_FROM) & (years < years[-1]))

    rng = r("un_monitoring_rounds")
    level = rng.uniform(40, 80)
    took_part = rng.random(len(ROUNDS)) < ROUND_TAKE_UP
    used = np.clip(level + rng.normal(0, 8, len(ROUNDS)), 5, 100)
    repolres, mstk = np.full(n, np.nan), np.full(n, np.nan)
    for year, part, value in zip(ROUNDS, took_part, used, strict=True):
        at = years == year
        repolres[at] = value if part else np.nan
        mstk[at] = 1.0 if part else 0.0
    out[REPOLRES], out[MSTK] = repolres, mstk

    rng = r("un_ppi")
    deal = rng.random(n) < PPI_DEAL[e.income]
    share = PPI_SCALE / 100 * (gni_usd / 50e9) ** PPI_SIZE
    amount = gni_usd / 1e6 * share * np.exp(rng.normal(0, 0.9, n))
    out[PPI] = _show(np.where(deal, amount, 0.0), (years >= UN_FROM) & (years < years[-1]))
    return out


# -- by economy ----------------------------------------------------------------------------
def economy_series(e: DemoEconomy, seed: int, years: np.ndarray, broadband: np.ndarray) -> dict:
    """UN series for one economy, every demo economy (NSDS flags: developing ones only)."""
    n, inc = len(years), e.income

    def r(name: str) -> np.random.Generator:
        return seeded_rng(seed, e.code, name)

    out = {BROADBAND_UN: broadband.copy()}  # the same ITU figure as IT.NET.BBND.P2
    fiscal = (years >= UN_FROM) & (years < years[-1])

    rng = r("un_revenue")
    revenue = rng.uniform(*REVENUE[inc]) * np.exp(ar1(rng, n, 0.04, 0.7))
    gaps = rng.random(n) < (MISSING_LIC if inc == "LIC" else 0.0)
    out[REVENUE_GDP] = _show(revenue, fiscal & ~gaps)
    rng = r("un_tax_funded")
    taxd = np.clip(rng.uniform(*TAX_FUNDED[inc]) + ar1(rng, n, 3.0, 0.7), 5, 100)
    gaps = rng.random(n) < (MISSING_LIC if inc == "LIC" else 0.0)
    out[TAXD] = _show(taxd, fiscal & ~gaps)

    rng = r("un_tariff_mfn")
    lo, hi = TARIFF[inc]
    tariff = log_path(1.0, rng.uniform(0.6, 0.9), years) * rng.uniform(lo, hi)
    tariff = tariff * np.exp(ar1(rng, n, 0.05, 0.6))
    out[TARIFF_MFN] = _show(tariff, (years >= TARIFF_FROM) & (years < years[-1]))

    rng = r("un_policy_coherence")
    score = rng.uniform(*COHERENCE[inc]) + rng.uniform(1, 4) * (years - COHERENCE_FROM)
    reported = (years >= COHERENCE_FROM) & (rng.random(n) < 0.5)
    if not reported.any():
        reported = years == years[-1]
    out[COHERENCE_SCORE] = _show(np.clip(score, 0, 100), reported)

    rng = r("un_fpos")
    late = years >= FPOS_FROM
    since = FPOS_FROM + rng.integers(-3, 10) if rng.random() < FPOS_BY[inc] else 10_000
    out[FPOS] = _show((years >= since).astype(float), late)

    for sid in (NSDSIMPL, NSDSFND):
        out[sid] = np.full(n, np.nan)
    if e.developing:
        rng = r("un_nsds")
        implemented = rng.random(n) < 0.8
        funded = implemented & (rng.random(n) < NSDS_FUNDED[inc])
        shown = years >= NSDS_FROM
        out[NSDSIMPL] = _show(implemented.astype(float), shown)
        out[NSDSFND] = _show(funded.astype(float), shown)

    rng = r("un_census")
    held, year = [], int(rng.integers(1998, 2004))
    while year <= years[-1]:
        held.append(year)
        year += 10 + int(rng.poisson(CENSUS_SLIP[inc]))
    recent = np.array([any(0 <= t - c < 10 for c in held) for t in years], dtype=float)
    out[CENSUS] = _show(recent, years >= CENSUS_FROM)
    return out


# -- by group ------------------------------------------------------------------------------
def group_series(seed: int, years: np.ndarray) -> pd.DataFrame:
    """TX_EXP_GBMRCH, TX_IMP_GBMRCH and TM_TAX_DPRF for the groups (economy = group code)."""
    shown = (years >= UN_FROM) & (years < years[-1])
    parts = []
    for sid, paths in GROUP_PATHS.items():
        for group, (start, end, sd) in paths.items():
            rng = seeded_rng(seed, group, sid)
            values = log_path(start, end, years[shown]) * np.exp(
                ar1(rng, int(shown.sum()), sd, 0.7)
            )
            parts.append(
                pd.DataFrame(
                    {"economy": group, "year": years[shown], "series": sid, "value": values}
                )
            )
    return pd.concat(parts, ignore_index=True)
