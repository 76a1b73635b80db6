"""Generators of the synthetic demo series, and the seeded random building blocks they share.

:func:`world_bank_series` makes one economy's World Bank series, :func:`dac1_series` one
provider's OECD DAC1 series.

The settings per economy (scale anchors, growth, provider ODA paths) are in
``helpers/reference/demo_economies.yaml`` (:func:`economies`); ``helpers.sources.demo`` runs the
generators for every economy, adds the aggregates and the DAC2A series, and stores the result.
Every random draw comes from ``numpy.random.default_rng`` seeded with the demo seed and the
names of the economy and generator, so adding a generator does not change the others.

Generators (t = year, income = World Bank income group):

* population and GNI per capita: smooth growth with small yearly noise, run back from rounded
  anchors in the last year; GNI = GNI per capita x population.
* technology adoption (IT.NET.USER.ZS, IT.CEL.SETS.P2, IT.NET.BBND.P2): logistic curves
  ``ceiling / (1 + exp(-k (t - midpoint)))`` with the midpoint later for poorer economies;
  internet below 100 %, mobile subscriptions saturating at 90-140 per 100, broadband from 1998
  with a much lower ceiling.
* aid received (DT.ODA.ODAT.*, developing economies only): ODA as % of GNI drifting down,
  with AR(1) log-normal shocks and rare spikes; the level, % of GNI and per-capita series are
  computed from one another, so they agree.
* shares of GDP / exports (remittances, FDI, debt service, high-tech exports): noisy AR(1)
  levels around an economy-specific mean.
* GDP growth (NY.GDP.MKTP.KD.ZG, every economy): an economy-specific mean growth by income
  group plus AR(1) noise, with shared world shocks in 2009 and 2020 and a partial rebound
  the year after (settings in ``_GDP_SHOCKS``); real GDP can shrink, so no clipping at 0.
* current account balance (BN.CAB.XOKA.GD.ZS, every economy): a persistent AR(1) around an
  economy-specific mean (surpluses likelier among high-income economies).
* SPI overall score: from 2016 only (the real series starts then), closing a few % of its
  gap to 100 each year.
* South-South trade (TX.VAL.MRCH.R1-R6.ZS, developing exporters): a total share to
  low- and middle-income economies that trends up, split across the six regions with more
  going to the exporter's own region.
* OECD DAC1 (providers): ODA % of GNI as AR(1) noise around a path between two anchors, much
  more volatile beyond the DAC; constant prices = current / a provider deflator (base year
  ``last_year - 1``); grant-equivalent series only from 2018, a few % off net flows so the
  break shows; DAC1.ODA.GNI.GE = GE / GNI x 100.
"""

from __future__ import annotations

import zlib
from dataclasses import dataclass
from functools import cache

import numpy as np
import yaml

from helpers import paths
from helpers.errors import SchemaError
from helpers.reference import groups

DEMO_FILE = paths.REFERENCE_DIR / "demo_economies.yaml"
GE_FROM = 2018  # the DAC's headline ODA measure became grant equivalents in 2018
SPI_FROM = 2016
BROADBAND_FROM = 1998

_POP_GROWTH = {"LIC": 0.028, "LMC": 0.018, "UMC": 0.009, "HIC": 0.005}
_GNI_PC_GROWTH = {"LIC": 0.035, "LMC": 0.05, "UMC": 0.06, "HIC": 0.035}
# Logistic adoption: (ceiling range, midpoint year, steepness) by income group.
_INTERNET = {
    "HIC": ((88, 98), 2002, 0.35),
    "UMC": ((80, 92), 2012, 0.30),
    "LMC": ((70, 88), 2018, 0.28),
    "LIC": ((60, 80), 2026, 0.22),
}
_MOBILE = {
    "HIC": ((115, 140), 1999, 0.50),
    "UMC": ((110, 135), 2005, 0.45),
    "LMC": ((105, 130), 2009, 0.45),
    "LIC": ((90, 115), 2013, 0.40),
}
_BROADBAND = {
    "HIC": ((30, 45), 2006, 0.30),
    "UMC": ((12, 25), 2014, 0.30),
    "LMC": ((2, 10), 2019, 0.30),
    "LIC": ((0.3, 2), 2024, 0.30),
}
_ODA_GNI_START = {"LIC": (8, 16), "LMC": (1.5, 6), "UMC": (0.2, 1.0)}
_TECH_EXPORTS = {"HIC": (10, 30), "UMC": (5, 25), "LMC": (2, 12), "LIC": (0.5, 6)}
_REMITTANCES = {"HIC": 0.3, "UMC": 1.2, "LMC": 3.5, "LIC": 3.5}  # median % of GDP
# Real GDP growth: (range of the economy's mean yearly %, AR(1) sd); world shocks by year.
_GDP_GROWTH = {
    "HIC": ((1.2, 2.8), 1.3),
    "UMC": ((2.5, 5.5), 2.0),
    "LMC": ((3.5, 6.5), 2.0),
    "LIC": ((3.5, 7.0), 2.5),
}
_GDP_SHOCKS = {2009: -4.0, 2010: 1.5, 2020: -6.0, 2021: 3.5}  # points added, before scaling
# Current account balance, % of GDP: range of the economy's mean.
_CURRENT_ACCOUNT = {"HIC": (-3.0, 6.0), "UMC": (-4.0, 3.0), "LMC": (-6.0, 1.0), "LIC": (-9.0, -1.0)}
_SPI = {"HIC": (78, 92), "UMC": (60, 80), "LMC": (50, 72), "LIC": (35, 60)}
# TX.VAL.MRCH.R1..R6: exports to low- and middle-income economies of these regions.
_SOUTH_REGIONS = ("EAS", "ECS", "LCN", "MEA", "SAS", "SSF")

POP, GNI = "SP.POP.TOTL", "NY.GNP.MKTP.CD"
ODA, ODA_GNI, ODA_PC = "DT.ODA.ODAT.CD", "DT.ODA.ODAT.GN.ZS", "DT.ODA.ODAT.PC.ZS"
NET_CUR, NET_CON = "DAC1.ODA.NET.CURRENT", "DAC1.ODA.NET.CONSTANT"
GE_CUR, GE_CON = "DAC1.ODA.GE.CURRENT", "DAC1.ODA.GE.CONSTANT"
GE_GNI, DAC_GNI = "DAC1.ODA.GNI.GE", "DAC1.GNI.CURRENT"
GDP_GROWTH, CURRENT_ACCOUNT = "NY.GDP.MKTP.KD.ZG", "BN.CAB.XOKA.GD.ZS"


@dataclass(frozen=True)
class DemoEconomy:
    """One row of ``demo_economies.yaml``: real classification, synthetic generator settings."""

    code: str
    name: str
    region: str
    income_group: str
    population_2024_m: float
    gni_pc_2024: float
    population_growth: float | None = None
    gni_pc_growth: float | None = None
    provider: dict | None = None

    @property
    def income(self) -> str:
        return {v: k for k, v in groups.load().income_groups.items()}[self.income_group]

    @property
    def region_code(self) -> str:
        return {v: k for k, v in groups.load().regions.items()}[self.region]

    @property
    def developing(self) -> bool:
        return self.income != "HIC"


@cache
def economies() -> tuple[DemoEconomy, ...]:
    """The demo economies, in file order."""
    raw = yaml.safe_load(DEMO_FILE.read_text(encoding="utf-8"))["economies"]
    out = tuple(DemoEconomy(**entry) for entry in raw)
    g = groups.load()
    for e in out:
        if e.region not in g.regions.values() or e.income_group not in g.income_groups.values():
            raise SchemaError(
                f"{DEMO_FILE}: {e.code} has region {e.region!r} / income group "
                f"{e.income_group!r}; use the names in {groups.GROUPS_FILE.name}"
            )
    return out


# -- random building blocks --------------------------------------------------------------
def seeded_rng(seed: int, *keys: str) -> np.random.Generator:
    """A generator for one (economy, generator) pair: independent of every other draw."""
    return np.random.default_rng([seed, *(zlib.crc32(k.encode()) for k in keys)])


def ar1(rng: np.random.Generator, n: int, sd: float, phi: float) -> np.ndarray:
    """A stationary AR(1) path with innovation sd ``sd``."""
    shocks = rng.normal(0.0, sd, n)
    out = np.empty(n)
    out[0] = shocks[0] / np.sqrt(1 - phi**2)
    for i in range(1, n):
        out[i] = phi * out[i - 1] + shocks[i]
    return out


def _backcast(anchor: float, growth: np.ndarray) -> np.ndarray:
    """Levels whose last value is ``anchor`` and whose yearly log growth is ``growth``."""
    steps = np.concatenate([growth[1:], [0.0]])
    return anchor * np.exp(-np.cumsum(steps[::-1])[::-1])


def _logistic(rng: np.random.Generator, years: np.ndarray, spec: tuple) -> np.ndarray:
    (lo, hi), midpoint, steepness = spec
    ceiling = rng.uniform(lo, hi)
    mid = midpoint + rng.normal(0, 2)
    k = steepness * rng.uniform(0.85, 1.15)
    jitter = rng.normal(0, 0.25, len(years))  # a little noise on the adoption clock
    return ceiling / (1 + np.exp(-k * (years + jitter - mid)))


def log_path(start: float, end: float, years: np.ndarray) -> np.ndarray:
    """Log-linear interpolation from ``start`` (first year) to ``end`` (last year)."""
    share = (years - years[0]) / max(years[-1] - years[0], 1)
    return np.exp(np.log(start) + share * (np.log(end) - np.log(start)))


def round_exact(values: np.ndarray, decimals: int) -> np.ndarray:
    """Round through decimal text, so a CSV written with as many decimals reads back exactly."""
    return np.array([float(f"{v:.{decimals}f}") for v in values], dtype=float)


# -- World Bank series for one economy ---------------------------------------------------
def world_bank_series(e: DemoEconomy, seed: int, years: np.ndarray) -> dict[str, np.ndarray]:
    """Every World Bank series for one economy, by series id (NaN where it has no value)."""
    n, inc = len(years), e.income
    nan = np.full(n, np.nan)

    def r(name: str) -> np.random.Generator:
        return seeded_rng(seed, e.code, name)

    rng = r("population")
    growth = e.population_growth if e.population_growth is not None else _POP_GROWTH[inc]
    pop = round_exact(_backcast(e.population_2024_m * 1e6, growth + rng.normal(0, 0.002, n)), 0)
    rng = r("gni")
    gpc = e.gni_pc_growth if e.gni_pc_growth is not None else _GNI_PC_GROWTH[inc]
    gni = round_exact(_backcast(e.gni_pc_2024, gpc + ar1(rng, n, 0.04, 0.3)) * pop, 0)
    out = {POP: pop, GNI: gni}

    out["IT.NET.USER.ZS"] = np.clip(_logistic(r("internet"), years, _INTERNET[inc]), 0, 99.9)
    out["IT.CEL.SETS.P2"] = _logistic(r("mobile"), years, _MOBILE[inc])
    bb = _logistic(r("broadband"), years, _BROADBAND[inc])
    out["IT.NET.BBND.P2"] = np.where(years >= BROADBAND_FROM, bb, np.nan)

    rng = r("tech_exports")
    lo, hi = _TECH_EXPORTS[inc]
    tech = rng.uniform(lo, hi) * np.exp(ar1(rng, n, 0.2, 0.7))
    out["TX.VAL.TECH.MF.ZS"] = np.clip(tech, 0, 100)

    rng = r("remittances")
    level = np.exp(rng.normal(np.log(_REMITTANCES[inc]), 0.7))
    trend = log_path(1.0, rng.uniform(1.0, 3.0) if e.developing else rng.uniform(0.8, 1.2), years)
    out["BX.TRF.PWKR.DT.GD.ZS"] = np.clip(level * trend * np.exp(ar1(rng, n, 0.12, 0.6)), 0.01, 35)
    rng = r("fdi")
    out["BX.KLT.DINV.WD.GD.ZS"] = np.clip(rng.uniform(0.5, 4) + ar1(rng, n, 1.2, 0.4), -5, 15)

    rng = r("gdp_growth")
    (lo, hi), sd = _GDP_GROWTH[inc]
    shock = np.array([_GDP_SHOCKS.get(int(y), 0.0) for y in years])
    # The 2009 and 2020 shocks hit high-income economies hardest.
    scale = 1.0 if inc == "HIC" else rng.uniform(0.4, 0.9)
    out[GDP_GROWTH] = rng.uniform(lo, hi) + ar1(rng, n, sd, 0.3) + scale * shock
    rng = r("current_account")
    lo, hi = _CURRENT_ACCOUNT[inc]
    out[CURRENT_ACCOUNT] = np.clip(rng.uniform(lo, hi) + ar1(rng, n, 1.2, 0.8), -25, 25)

    rng = r("spi")
    lo, hi = _SPI[inc]
    gap = (100 - rng.uniform(lo, hi)) * np.exp(-rng.uniform(0.02, 0.06) * (years - SPI_FROM))
    spi = np.clip(100 - gap + rng.normal(0, 0.7, n), 0, 100)
    out["IQ.SPI.OVRL"] = np.where(years >= SPI_FROM, spi, np.nan)

    for sid in [ODA, ODA_GNI, ODA_PC, "DT.TDS.DECT.EX.ZS", *_south_ids()]:
        out[sid] = nan.copy()
    if e.developing:
        out.update(_aid_received(r("oda"), e, years, gni, pop))
        rng = r("debt_service")
        elevated = 1 + 0.6 * np.exp(-(years - years[0]) / 8)  # the 1990s debt overhang
        debt = rng.uniform(6, 22) * elevated * np.exp(ar1(rng, n, 0.2, 0.6))
        out["DT.TDS.DECT.EX.ZS"] = np.clip(debt, 0.5, 80)
        out.update(_south_south(r("south_south"), e, years))
    return out


def _south_ids() -> list[str]:
    return [f"TX.VAL.MRCH.R{i}.ZS" for i in range(1, len(_SOUTH_REGIONS) + 1)]


def _aid_received(
    rng: np.random.Generator, e: DemoEconomy, years: np.ndarray, gni: np.ndarray, pop: np.ndarray
) -> dict[str, np.ndarray]:
    """Net ODA received: % of GNI drifting down, AR(1) log-normal shocks, rare spikes."""
    n = len(years)
    lo, hi = _ODA_GNI_START[e.income]
    size = min(max((e.population_2024_m / 30) ** -0.25, 0.3), 2.0)  # big economies get less
    start = rng.uniform(lo, hi) * size
    share = log_path(start, start * rng.uniform(0.3, 0.7), years)
    spikes = np.where(rng.random(n) < 0.04, rng.uniform(0.4, 1.1, n), 0.0)
    share = share * np.exp(ar1(rng, n, 0.25, 0.5) + spikes)
    oda = round_exact(share / 100 * gni, 0)
    return {ODA: oda, ODA_GNI: oda / gni * 100, ODA_PC: oda / pop}


def _south_south(
    rng: np.random.Generator, e: DemoEconomy, years: np.ndarray
) -> dict[str, np.ndarray]:
    """Shares of exports to developing regions: a rising total, more to the home region."""
    n = len(years)
    start = rng.uniform(10, 28)
    total = start + (years - years[0]) / (years[-1] - years[0]) * rng.uniform(8, 22)
    total = total + ar1(rng, n, 1.0, 0.5)
    alpha = np.ones(len(_SOUTH_REGIONS))
    if e.region_code in _SOUTH_REGIONS:
        alpha[_SOUTH_REGIONS.index(e.region_code)] += 4
    weights = rng.dirichlet(alpha)
    noise = np.exp(rng.normal(0, 0.08, (len(_SOUTH_REGIONS), n)))
    shares = np.clip(total * weights[:, None] * noise, 0, 100)
    return dict(zip(_south_ids(), shares, strict=True))


# -- OECD series for one provider ----------------------------------------------------------
def dac1_series(e: DemoEconomy, seed: int, years: np.ndarray, gni_usd: np.ndarray) -> dict:
    """DAC1 series for one provider; constant prices have base year ``years[-1] - 1``."""
    p, n = e.provider, len(years)
    rng = seeded_rng(seed, e.code, "dac1")
    volatile = e.code not in groups.load().dac_members  # aid beyond the DAC swings widely
    ratio = log_path(p["oda_gni_start"], p["oda_gni_end"], years)
    ratio = ratio * np.exp(ar1(rng, n, 0.35 if volatile else 0.06, 0.6))
    # USD deflator: domestic inflation plus exchange-rate swings.
    index = np.exp(np.cumsum(0.02 + rng.normal(0, 0.04, n)))
    index = 100 * index / index[years == years[-1] - 1][0]
    ge_factor = 1 + rng.normal(0.03, 0.03) + rng.normal(0, 0.01, n)

    reports = years >= p["oecd_from"]
    ge_years = reports & (years >= GE_FROM)
    gni_m = round_exact(gni_usd / 1e6, 4)
    net = round_exact(ratio / 100 * gni_m, 4)
    ge = round_exact(net * ge_factor, 4)

    def hide(values: np.ndarray, shown: np.ndarray) -> np.ndarray:
        return np.where(shown, values, np.nan)

    return {
        DAC_GNI: hide(gni_m, reports),
        NET_CUR: hide(net, reports),
        NET_CON: hide(net * 100 / index, reports),
        GE_CUR: hide(ge, ge_years),
        GE_CON: hide(ge * 100 / index, ge_years),
        GE_GNI: hide(ge / gni_m * 100, ge_years),
    }
