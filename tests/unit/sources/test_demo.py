"""The synthetic demo dataset: deterministic, complete, plausible, and stored as one snapshot."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from helpers import catalogue
from helpers.reference import groups, schema
from helpers.sources.demo import generators as demo_generators
from helpers.sources.demo import synthetic as demo
from helpers.sources.demo import unsdg as demo_unsdg
from helpers.sources.demo.notice import DEMO_NOTICE
from helpers.sources.payload import sha256
from helpers.store import Store
from helpers.store import demo as demo_store


@pytest.fixture(scope="module")
def frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    return demo.build_frames()


@pytest.fixture(scope="module")
def obs(frames) -> pd.DataFrame:
    return frames[0]


@pytest.fixture(scope="module")
def reference(frames) -> pd.DataFrame:
    return frames[1]


@pytest.fixture(scope="module")
def wide(obs) -> pd.DataFrame:
    return obs.pivot_table(index="year", columns=["series", "economy"], values="value")


def test_two_builds_give_identical_bytes(tmp_path):
    first = demo_store.write_demo_store(tmp_path / "one")
    second = demo_store.write_demo_store(tmp_path / "two")
    assert first.path != second.path
    for name in (demo.OBSERVATIONS, demo.ECONOMIES):
        assert sha256(first.read(name)) == sha256(second.read(name))


def test_another_seed_gives_other_numbers(obs):
    other, _ = demo.build_frames(seed=demo.SEED + 1)
    assert other["vintage"].iloc[0] == f"synthetic demo data (seed {demo.SEED + 1})"
    # Lending pairs and the years of sparse series are drawn, so compare the rows both hold.
    both = obs.merge(other, on=schema.KEY, suffixes=("", "_other"))
    assert len(both) > 0.9 * len(obs)
    assert not np.allclose(both["value"], both["value_other"])


def test_covers_every_catalogue_series(obs):
    assert set(obs["series"]) == set(catalogue.load().ids())


def test_about_40_real_economies_across_regions_and_incomes(reference):
    singles = reference[~reference["is_aggregate"]]
    assert 38 <= len(singles) <= 45
    assert set(singles["region"]) == set(groups.load().regions.values())
    assert set(singles["income_group"]) == set(groups.load().income_groups.values())
    assert set(groups.validate_economies(singles["economy"].tolist())) == set(singles["economy"])
    assert len(set(singles["economy"]) & set(groups.ldc_codes())) >= 5


def test_years_run_from_1990_to_the_last_complete_year(obs):
    assert obs["year"].min() == 1990
    assert obs["year"].max() == demo.LAST_YEAR == 2024


def test_columns_and_provenance(obs):
    assert list(obs.columns) == schema.COLUMNS
    assert set(obs["source"]) == {"demo"}
    assert set(obs["vintage"]) == {f"synthetic demo data (seed {demo.SEED})"}
    assert set(obs["snapshot_id"]) == {""}


def test_economies_and_aggregates_each_pass_the_schema(obs, reference):
    singles, aggregates = groups.split_aggregates(obs, reference)
    assert len(singles) and len(aggregates)
    schema.validate(singles)
    schema.validate(aggregates)
    assert set(aggregates["economy"]) == set(reference.loc[reference["is_aggregate"], "economy"])


def test_the_aggregates_the_notebooks_need_are_there(obs):
    by_series = obs.groupby("series")["economy"].agg(set)
    wb = {"LIC", "LMC", "UMC", "HIC", "LMY", "WLD", "EAS", "ECS", "LCN", "MEA", "NAC", "SAS", "SSF"}
    assert wb <= by_series["IT.NET.USER.ZS"]
    assert {"DAC", "WXDAC"} <= by_series["DAC1.ODA.NET.CURRENT"]
    assert {"DPGC", "LDC"} <= by_series["DAC2A.ODA.RECEIVED.CURRENT"]


def test_internet_use_grows_like_a_logistic_curve(wide, reference):
    singles = reference.loc[~reference["is_aggregate"], "economy"]
    internet = wide["IT.NET.USER.ZS"][singles]
    assert internet.loc[2024].median() > internet.loc[1995].median() + 30
    assert (internet.max() < 100).all()
    yearly = internet.median(axis=1).diff().dropna()
    assert (yearly > -1).all()  # rising, barring noise


def test_mobile_subscriptions_can_exceed_100_but_saturate(wide):
    mobile = wide["IT.CEL.SETS.P2"]
    assert (mobile.loc[2024] > 100).any()
    assert mobile.max().max() < 150


def test_spi_starts_in_2016(obs):
    assert obs.loc[obs["series"] == "IQ.SPI.OVRL", "year"].min() == 2016


@pytest.mark.parametrize(
    "series", ["DAC1.ODA.GE.CURRENT", "DAC1.ODA.GE.CONSTANT", "DAC1.ODA.GNI.GE"]
)
def test_grant_equivalent_series_start_in_2018(obs, series):
    assert obs.loc[obs["series"] == series, "year"].min() == demo_generators.GE_FROM == 2018


def test_grant_equivalents_differ_from_net_flows(wide):
    ratio = wide["DAC1.ODA.GE.CURRENT"] / wide["DAC1.ODA.NET.CURRENT"]
    assert not np.allclose(ratio.loc[2018:].stack(), 1.0, atol=0.005)


@pytest.mark.parametrize(
    "series",
    ["DAC1.ODA.NET.CURRENT", "DAC1.ODA.GE.CURRENT", "DAC1.GNI.CURRENT", "DAC1.ODA.NET.CONSTANT"],
)
def test_dac_aggregate_is_the_sum_of_dac_members(wide, series):
    table = wide[series]
    members = [c for c in table.columns if c in groups.dac_member_codes()]
    assert len(members) == 14
    pd.testing.assert_series_equal(
        table[members].sum(axis=1, min_count=1).dropna(),
        table["DAC"].dropna(),
        check_names=False,
        atol=0.01,
    )


def test_oda_gni_grant_equivalent_is_ge_over_gni(wide):
    computed = wide["DAC1.ODA.GE.CURRENT"] / wide["DAC1.GNI.CURRENT"] * 100
    reported = wide["DAC1.ODA.GNI.GE"]
    both = pd.concat([computed.stack(), reported.stack()], axis=1).dropna()
    assert len(both) > 100
    assert np.allclose(both[0], both[1], atol=1e-4)


def test_aid_received_only_by_developing_economies_and_consistent(wide, reference):
    oda = wide["DT.ODA.ODAT.CD"]
    high = reference.loc[reference["income_group"] == "High income", "economy"]
    assert not set(high) & set(oda.columns)
    share = oda / wide["NY.GNP.MKTP.CD"][oda.columns] * 100
    assert np.allclose(share.stack(), wide["DT.ODA.ODAT.GN.ZS"][oda.columns].stack(), atol=1e-4)
    per_head = oda / wide["SP.POP.TOTL"][oda.columns]
    assert np.allclose(per_head.stack(), wide["DT.ODA.ODAT.PC.ZS"][oda.columns].stack(), atol=0.01)


def test_south_south_shares_are_partial_and_rising(wide, reference):
    shares = [f"TX.VAL.MRCH.R{i}.ZS" for i in range(1, 7)]
    singles = reference.loc[~reference["is_aggregate"], "economy"]
    exporters = [c for c in wide[shares[0]].columns if c in set(singles)]
    total = sum(wide[s][exporters] for s in shares)
    assert (total.max() < 80).all()
    assert (total.loc[2020:2024].mean() > total.loc[1990:1994].mean()).mean() > 0.8


def test_dac2a_ldc_total_is_the_sum_of_ldc_recipients(wide):
    received = wide["DAC2A.ODA.RECEIVED.CURRENT"]
    ldcs = [c for c in received.columns if c in groups.ldc_codes()]
    assert np.allclose(received[ldcs].sum(axis=1), received["LDC"], atol=0.01)


# -- the store ---------------------------------------------------------------------------
def test_write_demo_store_writes_one_demo_snapshot(tmp_path, obs, reference):
    snap = demo_store.write_demo_store(tmp_path / "demo")
    assert snap.path.parent == tmp_path / "demo" / "raw" / "demo"
    meta = json.loads((snap.path / "metadata.json").read_text())
    assert meta["kind"] == "demo" and meta["source"] == "demo" and meta["format"] == "demo-csv"
    assert meta["extra"]["notice"] == DEMO_NOTICE
    assert meta["extra"]["seed"] == demo.SEED
    assert meta["retrieved_at"] == "2025-01-01T00:00:00Z"
    assert meta["vintage"] == "synthetic demo data (seed 17)"
    assert set(meta["series"]) == set(catalogue.load().ids())
    assert Store(tmp_path / "demo").is_demo()
    assert_frame_equal(demo.parse(snap), obs.assign(snapshot_id=snap.id))
    assert_frame_equal(demo.parse_economies(snap), reference)


def test_write_demo_store_defaults_to_the_demo_dir_and_is_idempotent(tmp_path):
    first = demo_store.write_demo_store()
    second = demo_store.write_demo_store()
    assert first.path == second.path
    assert first.path.is_relative_to(tmp_path / "demo")
    assert len(Store(tmp_path / "demo").snapshots()) == 1


def test_demo_reference_works_with_groups(reference):
    flags = groups.economies_frame(reference)
    assert flags["dac_member"].sum() == 14
    assert set(flags.loc[flags["beyond_dac"], "economy"]) == {"ARE", "SAU", "QAT", "KWT", "TUR"}
    assert set(flags.loc[flags["ldc"], "economy"]) == {
        "ETH",
        "UGA",
        "MOZ",
        "RWA",
        "SEN",
        "BGD",
        "NPL",
        "HTI",
    }
    assert len(groups.members("LDC", reference)) == 8


def test_an_edited_demo_payload_is_written_anew(tmp_path):
    first = demo_store.write_demo_store(tmp_path / "demo")
    obs = first.path / "observations.csv"
    obs.write_text(obs.read_text().replace("KEN", "KEX", 1))
    again = demo_store.write_demo_store(tmp_path / "demo")
    assert again.id != first.id and not again.changed()


# -- IDS-style lending by creditor -----------------------------------------------------------
def _lending(obs: pd.DataFrame) -> pd.DataFrame:
    return obs[obs["creditor"] != ""]


def test_lending_covers_the_demo_creditors_for_developing_debtors_only(obs, reference):
    lent = _lending(obs)
    by_creditor = {s.id for s in catalogue.load().series if s.by_creditor}
    assert set(lent["series"]) == by_creditor
    assert set(obs.loc[obs["series"].isin(by_creditor), "creditor"]) - {""} == set(lent["creditor"])
    assert {"CHN", "IND", "BRA", "SAU", "TUR", "USA", "JPN", "FRA", "DEU", "WLD"} == set(
        lent["creditor"]
    )
    rich = set(reference.loc[reference["income_group"] == "High income", "economy"])
    assert not set(lent["economy"]) & rich
    assert (lent["creditor"] != lent["economy"]).all()
    assert set(obs.loc[obs["creditor"] == "", "creditor_name"]) == {""}
    assert set(obs["creditor_group"]) == {""}  # the tidy build assigns it


def test_all_creditors_exceed_the_sum_of_the_creditors_shown(obs):
    lent = _lending(obs)
    for sid in ("DT.DIS.BLAT.CD", "DT.TDS.BLAT.CD", "DT.DIS.BLTC.CD"):
        part = lent[lent["series"] == sid]
        world = part[part["creditor"] == "WLD"].set_index(["economy", "year"])["value"]
        shown = part[part["creditor"] != "WLD"].groupby(["economy", "year"])["value"].sum()
        assert (world.reindex(shown.index) >= shown - 1).all(), sid


def test_lending_series_hang_together(obs):
    wide = _lending(obs).pivot_table(
        index=["economy", "creditor", "year"], columns="series", values="value"
    )
    assert (wide["DT.DIS.BLTC.CD"] <= wide["DT.DIS.BLAT.CD"] + 1).all()
    assert (wide["DT.TDS.BLAT.CD"] >= 0).all() and (wide["DT.DIS.BLAT.CD"] >= 0).all()
    assert (wide["DT.NFL.BLAT.CD"] <= wide["DT.DIS.BLAT.CD"]).all()


# -- UN SDG Global Database series and the 17.13.1 proxies ------------------------------------
UN_GROUPS = {"DEVELOPING", "LDC", "SIDS"}
FLAGS = ["SG_PLN_MSTKSDG_R", "SG_STT_FPOS", "SG_STT_NSDSFND", "SG_STT_NSDSIMPL", "SG_REG_CENSUSN"]


def test_the_un_series_leave_every_other_series_unchanged(obs, monkeypatch):
    monkeypatch.setattr(demo, "_un_series", lambda *args: pd.DataFrame(columns=obs.columns[:4]))
    monkeypatch.setattr(demo, "_check_coverage", lambda frame: None)
    without, _ = demo.build_frames()
    un = {s.id for s in catalogue.load().series if s.source == "unsdg"}
    assert_frame_equal(
        obs[~obs["series"].isin(un)].reset_index(drop=True), without.reset_index(drop=True)
    )


def test_un_broadband_is_the_world_bank_series_republished(wide, reference):
    singles = reference.loc[~reference["is_aggregate"], "economy"]
    un = wide["IT_NET_BBND"]
    assert set(un.columns) == set(singles)
    pd.testing.assert_frame_equal(un, wide["IT.NET.BBND.P2"][un.columns], check_names=False)


def test_oda_gni_by_donor_is_the_dac1_headline_measure(wide):
    totg = wide["DC_ODA_TOTG"]
    members = [c for c in totg.columns if c != "DAC"]
    assert set(members) <= set(groups.dac_member_codes())  # the UN series is for DAC donors
    assert len(members) == 14 and "DAC" in totg.columns
    net = wide["DAC1.ODA.NET.CURRENT"][members] / wide["DAC1.GNI.CURRENT"][members] * 100
    np.testing.assert_allclose(totg.loc[2000:2017, members], net.loc[2000:2017], atol=1e-4)
    np.testing.assert_allclose(
        totg.loc[2018:, members], wide["DAC1.ODA.GNI.GE"].loc[2018:, members], atol=1e-4
    )
    np.testing.assert_allclose(
        totg.loc[2018:, "DAC"], wide["DAC1.ODA.GNI.GE"].loc[2018:, "DAC"], atol=1e-4
    )
    assert totg.index[totg.notna().any(axis=1)].min() == 2000


def test_oda_to_ldcs_is_a_donor_specific_fraction_and_one_year_shorter(wide):
    totg, ldcg = wide["DC_ODA_TOTG"], wide["DC_ODA_LDCG"]
    share = (ldcg / totg[ldcg.columns]).stack()
    assert share.between(0.1, 0.5).all()
    latest = ldcg.dropna(how="all").index.max()
    assert latest == totg.dropna(how="all").index.max() - 1
    donors = ldcg.loc[latest].drop("DAC")
    assert 2 <= (donors >= 0.15).sum() <= len(donors) - 2  # some meet the target, some don't
    assert donors.min() <= ldcg.loc[latest, "DAC"] <= donors.max()


def test_recipient_series_cover_developing_economies_with_sums(wide, reference):
    developing = set(reference.loc[reference["income_group"].ne("High income"), "economy"])
    developing -= set(reference.loc[reference["is_aggregate"], "economy"])
    for sid in ("DC_FTA_TOTAL", "SG_STT_CAPTY", "SG_PLN_REPOLRES", "GF_COM_PPPI"):
        assert set(wide[sid].columns) - {"DEVELOPING", "LDC"} <= developing, sid
    ta = wide["DC_FTA_TOTAL"]
    ldcs = [c for c in ta.columns if c in groups.ldc_codes()]
    np.testing.assert_allclose(ta[ldcs].sum(axis=1, min_count=1), ta["LDC"], atol=0.01)
    assert (wide["GF_COM_PPPI"].stack() >= 0).all()


def test_monitoring_round_series_only_in_round_years(obs):
    for sid in ("SG_PLN_REPOLRES", "SG_PLN_MSTKSDG_R"):
        years = set(obs.loc[obs["series"] == sid, "year"])
        assert years == set(demo_unsdg.ROUNDS), sid
    wide = obs[obs["series"].isin(["SG_PLN_REPOLRES", "SG_PLN_MSTKSDG_R"])].pivot_table(
        index=["economy", "year"], columns="series", values="value"
    )
    took_part = wide["SG_PLN_REPOLRES"].notna()
    assert (wide.loc[took_part, "SG_PLN_MSTKSDG_R"] == 1).all()
    assert (wide.loc[~took_part, "SG_PLN_MSTKSDG_R"] == 0).all()


@pytest.mark.parametrize("series", FLAGS)
def test_flags_are_zero_or_one(obs, series):
    values = obs.loc[obs["series"] == series, "value"]
    assert len(values) and set(values) <= {0.0, 1.0}


def test_a_funded_statistical_plan_is_one_under_implementation(wide):
    funded = wide["SG_STT_NSDSFND"].stack()
    implemented = wide["SG_STT_NSDSIMPL"].stack().reindex(funded.index)
    assert (funded <= implemented).all()
    assert funded.sum() > 0 and (implemented - funded).sum() > 0


def test_group_series_are_for_the_un_groups(wide, reference):
    for sid in ("TX_EXP_GBMRCH", "TX_IMP_GBMRCH", "TM_TAX_DPRF"):
        assert set(wide[sid].columns) == UN_GROUPS, sid
    exports = wide["TX_EXP_GBMRCH"].dropna()
    assert (exports["DEVELOPING"] > 25).all() and (exports["LDC"] < 2).all()
    named = reference.set_index("economy")
    assert named.loc[sorted(UN_GROUPS), "is_aggregate"].all()
    assert named.loc["DEVELOPING", "economy_name"].startswith("Developing")


def test_gdp_growth_has_the_world_recessions_and_aggregates(wide):
    growth = wide["NY.GDP.MKTP.KD.ZG"]
    assert {"WLD", "LMY", "HIC", "SSF"} <= set(growth.columns)
    assert growth.loc[2020, "HIC"] < 0 < growth.loc[2019, "HIC"]
    assert growth.loc[2021, "WLD"] > growth.loc[2020, "WLD"]
    assert wide["BN.CAB.XOKA.GD.ZS"].stack().between(-25, 25).all()
