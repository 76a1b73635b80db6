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
    # Lending pairs are drawn, so compare the rows not by creditor (the same keys).
    assert not np.allclose(
        other.loc[other["creditor"] == "", "value"], obs.loc[obs["creditor"] == "", "value"]
    )


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
