"""Partnerships, trade and capacity (notebook 05): the data and text verbs on small frames."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from helpers.models.results import INSUFFICIENT, OK
from helpers.topics.inventory import data as inventory
from helpers.topics.partnerships import data as partnerships
from helpers.topics.partnerships import text

P = partnerships
NAMES = {"KEN": "Kenya", "ETH": "Ethiopia", "BGD": "Bangladesh", "NPL": "Nepal", "IND": "India"}
REFERENCE = pd.DataFrame(
    {
        "economy": list(NAMES),
        "economy_name": list(NAMES.values()),
        "income_group": [
            "Lower middle income",
            "Low income",
            "Lower middle income",
            "Lower middle income",
            "Lower middle income",
        ],
    }
)


def tidy_rows(rows: list[tuple], source: str = "unsdg") -> pd.DataFrame:
    """Tidy rows from (economy, series, year, value) tuples."""
    frame = pd.DataFrame(rows, columns=["economy", "series", "year", "value"])
    return frame.assign(
        economy_name=frame["economy"].map(lambda c: NAMES.get(c, c)),
        unit="u",
        source=source,
        vintage="2024.Q4",
        snapshot_id="s",
    )


# --- latest values and spread --------------------------------------------------------------


def test_latest_values_take_each_economys_last_non_missing_year():
    frame = tidy_rows(
        [
            ("KEN", P.REVENUE, 2019, 16.0),
            ("KEN", P.REVENUE, 2021, 17.5),
            ("KEN", P.REVENUE, 2022, np.nan),
            ("ETH", P.REVENUE, 2018, 11.0),
            ("NPL", P.REVENUE, 2021, 22.0),
        ]
    )
    latest = P.latest_values(frame, [P.REVENUE], ["ETH", "KEN", "BGD"])
    assert latest["economy"].tolist() == ["ETH", "KEN"]  # order asked; BGD has none, NPL not asked
    assert latest["year"].tolist() == [2018, 2021]
    assert latest["value"].tolist() == [11.0, 17.5]


def test_spread_names_the_lowest_and_highest_and_the_years():
    latest = P.latest_values(
        tidy_rows(
            [
                ("KEN", P.REVENUE, 2021, 17.5),
                ("ETH", P.REVENUE, 2018, 11.0),
                ("NPL", P.REVENUE, 2020, 22.0),
            ]
        ),
        [P.REVENUE],
        ["KEN", "ETH", "NPL"],
    )
    row = P.spread(latest).iloc[0]
    assert row["economies"] == 3 and row["median"] == 17.5
    assert (row["year_from"], row["year_to"]) == (2018, 2021)
    assert row["lowest"] == "Ethiopia (11.0)" and row["highest"] == "Nepal (22.0)"
    sentence = text.spread_sentence(P.spread(latest), P.REVENUE, "Revenue", "%", 5)
    assert sentence == (
        "Revenue was a median 17.5% across 3 of the 5 economies asked for (latest year each, "
        "2018-2021; `GR_G14_GDP`), from Ethiopia (11.0) to Nepal (22.0)."
    )
    assert text.spread_sentence(P.spread(latest), P.TAX_FUNDED, "Taxes", "%", 5) is None


# --- yes/no series -------------------------------------------------------------------------


def test_flags_are_counted_at_each_economys_latest_report_and_no_report_is_not_no():
    sid = "SG_STT_FPOS"
    frame = tidy_rows(
        [
            ("KEN", sid, 2018, 0.0),
            ("KEN", sid, 2021, 1.0),  # latest report: yes
            ("ETH", sid, 2020, 0.0),
            ("BGD", sid, 2019, 1.0),
            ("IND", sid, 2019, 1.0),  # not asked for
        ]
    )
    row = P.flag_summary(frame, [sid], ["KEN", "ETH", "BGD", "NPL"]).iloc[0]
    assert (row["yes"], row["no"], row["no_report"], row["economies"]) == (2, 1, 1, 4)
    assert row["yes_share_pct"] == pytest.approx(200 / 3)
    assert (row["year_from"], row["year_to"]) == (2019, 2021)
    lines = text.flag_lines(P.flag_summary(frame, [sid], ["KEN", "ETH", "BGD", "NPL"]))
    assert "2 yes and 1 no of the 3 economies that reported (67% yes" in lines
    assert "1 of the 4 have no report" in lines


def test_a_flag_series_nobody_reported_says_so():
    row = P.flag_summary(tidy_rows([]), ["SG_REG_CENSUSN"], ["KEN", "ETH"]).iloc[0]
    assert (row["yes"], row["no"], row["no_report"]) == (0, 0, 2)
    assert np.isnan(row["yes_share_pct"])
    assert "no report from any of the 2" in text.flag_lines(
        P.flag_summary(tidy_rows([]), ["SG_REG_CENSUSN"], ["KEN", "ETH"])
    )


def test_a_flag_series_with_other_values_is_an_error():
    frame = tidy_rows([("KEN", "SG_STT_FPOS", 2020, 0.5)])
    with pytest.raises(ValueError, match=r"SG_STT_FPOS.*0\.5"):
        P.flag_summary(frame, ["SG_STT_FPOS"], ["KEN"])


# --- amounts -------------------------------------------------------------------------------


def test_amounts_by_recipient_rank_by_mean_per_reported_year():
    frame = tidy_rows(
        [
            ("KEN", P.TECH_COOP, 2010, 100.0),
            ("KEN", P.TECH_COOP, 2011, 300.0),
            ("ETH", P.TECH_COOP, 2011, 250.0),
            ("ETH", P.TECH_COOP, 1999, 900.0),  # before the years asked for
        ]
    )
    table = P.amounts_by_recipient(frame, P.TECH_COOP, ["KEN", "ETH"], 2000, 2020)
    assert table["economy"].tolist() == ["ETH", "KEN"]
    ken = table.set_index("economy").loc["KEN"]
    assert (ken["years"], ken["mean"], ken["total"]) == (2, 200.0, 400.0)
    assert (ken["latest_year"], ken["latest"]) == (2011, 300.0)
    sentence = text.amounts_sentence(table, "received it", 3, "constant US$", scale=1e6)
    assert sentence.startswith("2 of the 3 economies asked for received it; the largest per ")
    assert "Ethiopia (US$250.0 million), Kenya (US$200.0 million)" in sentence


# --- trade by group ------------------------------------------------------------------------


def _trade(latest_ldc: float) -> pd.DataFrame:
    return tidy_rows(
        [
            ("LDC", P.EXPORT_SHARE, 2005, 0.8),
            ("LDC", P.EXPORT_SHARE, 2011, 1.1),
            ("LDC", P.EXPORT_SHARE, 2022, latest_ldc),
            ("DEVELOPING", P.EXPORT_SHARE, 2022, 44.0),
            ("DEVELOPING", P.IMPORT_SHARE, 2022, 41.0),
            ("M49_202", P.EXPORT_SHARE, 2022, 2.0),  # a region: not one of the groups
        ]
    )


def test_group_trade_table_keeps_the_groups_and_the_2011_base():
    rows = P.group_rows(_trade(1.0), P.GROUP_SERIES)
    assert set(rows["economy"]) == {"LDC", "DEVELOPING"}
    table = P.group_trade_table(rows).set_index(["group", "series"])
    ldc = table.loc[("Least developed countries", P.EXPORT_SHARE)]
    assert (ldc["first_year"], ldc["base"], ldc["latest_year"], ldc["latest"]) == (
        2005,
        1.1,
        2022,
        1.0,
    )
    assert np.isnan(table.loc[("Developing economies", P.IMPORT_SHARE), "base"])


def test_ldc_sentence_judges_the_doubling_against_2011():
    short = text.ldc_export_sentence(P.group_trade_table(P.group_rows(_trade(1.0), P.GROUP_SERIES)))
    assert "1.00% in 2022, against 1.10% in 2011" in short
    assert "is short of the 2.20% that doubling it" in short
    met = text.ldc_export_sentence(P.group_trade_table(P.group_rows(_trade(2.3), P.GROUP_SERIES)))
    assert "has reached the 2.20%" in met


# --- aid volatility ------------------------------------------------------------------------


def _receipts() -> pd.DataFrame:
    years = np.arange(2005, 2021)
    pattern = np.tile([1.0, -1.0, -1.0, 1.0], 4)
    rows = []
    for code, c in (("KEN", 0.1), ("ETH", 0.3), ("BGD", 0.2), ("NPL", 0.0)):
        values = np.exp(np.log(500.0) + 0.02 * (years - 2005) + c * pattern)
        rows += [(code, P.RECEIVED_CONSTANT, int(y), v) for y, v in zip(years, values, strict=True)]
    rows += [("IND", P.RECEIVED_CONSTANT, 2019, 10.0), ("IND", P.RECEIVED_CONSTANT, 2020, 12.0)]
    return tidy_rows(rows, source="oecd")


def test_aid_receipts_prefer_constant_prices_and_fall_back_to_current():
    both = pd.concat([_receipts(), tidy_rows([("KEN", P.RECEIVED_CURRENT, 2020, 5e8)])])
    assert P.aid_receipts(both, ["KEN"])[1] == P.RECEIVED_CONSTANT
    current = both[both["series"] == P.RECEIVED_CURRENT]
    assert P.aid_receipts(current, ["KEN"])[1] == P.RECEIVED_CURRENT
    assert P.aid_receipts(current, ["ETH"])[1] == ""


def test_volatility_table_orders_recipients_and_keeps_the_unmeasured():
    table = P.volatility_table(_receipts(), REFERENCE)
    assert table["economy"].tolist() == ["NPL", "KEN", "BGD", "ETH", "IND"]
    ind = table.set_index("economy").loc["IND"]
    assert ind["status"] == INSUFFICIENT and np.isnan(ind["cv"])
    assert table.set_index("economy").loc["NPL", "cv"] == pytest.approx(0.0, abs=1e-12)
    assert (table.set_index("economy").loc["KEN", "trend_growth"]) == pytest.approx(
        np.exp(0.02) - 1
    )
    assert P.example_recipient(table) == "KEN"  # lower middle of four measured


def test_volatility_by_group_counts_and_gives_no_interval_for_few():
    table = P.volatility_table(_receipts(), REFERENCE)
    groups = P.volatility_by_group(table, 0.95).set_index("income_group")
    assert groups.index.tolist() == ["Low income", "Lower middle income"]
    lmic = groups.loc["Lower middle income"]
    assert lmic["n"] == 3  # IND is not measured
    assert lmic["median"] == pytest.approx(table.set_index("economy").loc["KEN", "cv"])
    assert np.isnan(lmic["ci_low"]) and "no interval: 3 economies" in lmic["note"]
    sentences = text.volatility_sentences(table, groups.reset_index(), P.RECEIVED_CONSTANT, 0.95)
    assert sentences[0].startswith("Aid receipts deviated from their log-linear trend with a ")
    assert "across 4 recipients (`DAC2A.ODA.RECEIVED.CONSTANT`, mostly 2005-2020)" in sentences[0]
    assert (
        "lower middle income" in sentences[0]
        and "(n = 3, too few for an interval)" in (sentences[0])
    )
    assert sentences[1].startswith("1 recipient(s) could not be measured")
    assert "do not test whether groups differ" in sentences[2]


def test_volatility_by_group_gives_an_interval_with_enough_recipients():
    table = pd.DataFrame(
        {
            "economy": [f"E{i}" for i in range(8)],
            "income_group": ["Low income"] * 8,
            "cv": [0.1, 0.15, 0.2, 0.22, 0.25, 0.3, 0.4, 0.6],
            "status": [OK] * 8,
        }
    )
    row = P.volatility_by_group(table, 0.9).iloc[0]
    assert row["n"] == 8 and row["median"] == pytest.approx(0.235)
    assert row["ci_low"] <= row["median"] <= row["ci_high"] and row["ci_low"] < row["ci_high"]
    assert (row["lowest"], row["highest"]) == (0.1, 0.6)


# --- gaps ----------------------------------------------------------------------------------


def test_coverage_gaps_tell_no_series_from_no_data_and_data_elsewhere():
    indicators = pd.DataFrame(
        {
            "indicator": ["17.1.1", "17.2.1", "17.5.1", "17.9.1"],
            "title": ["Revenue", "ODA", "Investment", "Capacity"],
            "area": ["finance", "finance", "finance", "capacity building"],
            "series": [[P.REVENUE], ["DAC1.ODA.GNI.GE"], [], [P.TECH_COOP]],
            "gap": ["", "", "Not compiled", ""],
        }
    )
    selection = tidy_rows([("KEN", P.REVENUE, 2020, 17.0)])
    store_rows = pd.concat([selection, tidy_rows([("NOR", "DAC1.ODA.GNI.GE", 2020, 1.0)])])
    gaps = P.coverage_gaps(selection, store_rows, indicators).set_index("indicator")
    assert gaps.index.tolist() == ["17.2.1", "17.5.1", "17.9.1"]
    assert gaps.loc["17.2.1", "why"] == "data only for other economies or groups"
    assert gaps.loc["17.5.1", "why"] == "no series: Not compiled"
    assert gaps.loc["17.9.1", "why"] == "no data in the store for these years"
    sentence = text.gaps_sentence(gaps.reset_index(), 24)
    assert sentence.startswith("3 of the 24 SDG 17 indicators have no data in this selection: ")
    assert "1 no series" in sentence and "1 data only for other economies or groups" in sentence


# --- the data inventory (notebook 00) lists what 05 reads ------------------------------------


def test_the_inventory_judges_05s_group_series_on_the_un_groups():
    needs = inventory.notebook_needs()["05_partnerships_capacity"]
    assert (P.EXPORT_SHARE, "groups") in needs and (P.REVENUE, "economies") in needs
    assert {s for s, _ in needs} == set(P.SERIES) | set(P.GROUP_SERIES)
    obs = tidy_rows([("KEN", P.REVENUE, 2022, 17.0)])
    aggs = tidy_rows(
        [("DEVELOPING", P.EXPORT_SHARE, 2023, 44.0), ("DPGC", P.IMPORT_SHARE, 2023, 1.0)]
    )
    wanted = {"05": [(P.EXPORT_SHARE, "groups"), (P.IMPORT_SHARE, "groups")]}
    got = inventory.notebook_gaps(obs, aggs, REFERENCE, ["KEN"], 2000, 2024, 3, wanted)
    assert got["status"].tolist() == ["ok", "no values"]  # DPGC is an OECD total, not a UN group


def test_the_inventory_scopes_donor_and_group_series_of_the_un():
    assert inventory.default_scope("DC_ODA_LDCG") == "providers"
    assert inventory.default_scope(P.PREF_TARIFF) == "groups"
    assert inventory.default_scope(P.TECH_COOP) == "economies"
