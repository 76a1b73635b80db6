"""South-South lending verbs, sentences and sections on a small frame with known sums."""

import numpy as np
import pandas as pd
import pytest

from helpers.topics.lending import data as lending
from helpers.topics.lending import sections as lending_sections
from helpers.topics.lending import text as lending_text

YEARS = range(2015, 2021)
CREDITORS = {
    "CHN": ("China", "Southern"),
    "IND": ("India", "Southern"),
    "USA": ("United States", "DAC"),
    "FRA": ("France", "DAC"),
}
# debtor -> creditor -> disbursements a year (US$); debt service is half of it
LOANS = {
    "KEN": {"CHN": 300e6, "IND": 0.0, "USA": 100e6, "FRA": 100e6},
    "AGO": {"CHN": 900e6, "IND": 0.0, "USA": 50e6, "FRA": 50e6},
    "PAK": {"CHN": 200e6, "IND": 0.0, "USA": 300e6, "FRA": 0.0},
}
NAMES = {"KEN": "Kenya", "AGO": "Angola", "PAK": "Pakistan"}


def _rows() -> pd.DataFrame:
    rows = []
    for debtor, loans in LOANS.items():
        for year in YEARS:
            for series, factor in ((lending.DISBURSED, 1.0), (lending.SERVICE, 0.5)):
                for code, amount in loans.items():
                    name, group = CREDITORS[code]
                    rows.append((debtor, year, series, amount * factor, code, name, group))
                total = sum(loans.values()) * factor
                rows.append((debtor, year, series, total, "WLD", "World", "all creditors"))
    frame = pd.DataFrame(
        rows,
        columns=[
            "economy",
            "year",
            "series",
            "value",
            "creditor",
            "creditor_name",
            "creditor_group",
        ],
    )
    return frame.assign(economy_name=frame["economy"].map(NAMES), source="demo", vintage="v")


REFERENCE = pd.DataFrame(
    {
        "economy": ["KEN", "AGO", "PAK"],
        "region": ["Sub-Saharan Africa", "Sub-Saharan Africa", "South Asia"],
        "income_group": ["Lower middle income"] * 3,
    }
)


def test_group_flows_sum_debtors_and_creditors_and_net_transfers():
    flows = lending.group_flows(_rows()).set_index(["creditor_group", "year"])
    southern = flows.loc[("Southern", 2020)]
    assert southern["disbursements"] == pytest.approx(1400e6)
    assert southern["debt_service"] == pytest.approx(700e6)
    assert southern["net_transfers"] == pytest.approx(700e6)
    assert flows.loc[("DAC", 2020), "disbursements"] == pytest.approx(600e6)
    assert "all creditors" not in flows.index.get_level_values(0)  # WLD is not a group


def test_southern_share_by_region_over_the_window():
    shares = lending.southern_share(_rows(), REFERENCE, "region").set_index("region")
    africa = (300 + 900) / (500 + 1000)
    assert shares.loc["Sub-Saharan Africa", "disbursements_share"] == pytest.approx(africa)
    assert shares.loc["South Asia", "disbursements_share"] == pytest.approx(200 / 500)
    assert shares.loc[lending.ALL_DEBTORS, "disbursements_share"] == pytest.approx(1400 / 2000)
    assert shares.loc[lending.ALL_DEBTORS, "debt_service_share"] == pytest.approx(1400 / 2000)
    assert shares.loc["Sub-Saharan Africa", "debtors"] == 2


def test_top_creditors_and_main_borrowers():
    top = lending.top_creditors(_rows())
    assert top["creditor"].tolist() == ["CHN", "USA", "FRA"]  # India lent nothing: left out
    assert top.loc[0, "total"] == pytest.approx(1400e6 * 5)  # the last five years
    main = lending.main_borrowers(_rows(), ["CHN"])
    assert main["economy"].tolist() == ["AGO", "KEN", "PAK"]
    assert main["share"].tolist() == pytest.approx([9 / 14, 3 / 14, 2 / 14])


def test_borrower_table_by_creditor_group():
    own = _rows()[lambda f: f["economy"] == "KEN"]
    table = lending.borrower_table(own).set_index(["series", "creditor_group"])
    row = table.loc[(lending.DISBURSED, "Southern")]
    assert (row["latest_year"], row["latest"], row["average"]) == (2020, 300e6, 300e6)
    assert row["share_of_total"] == pytest.approx(0.6)
    assert row["trend"] == pytest.approx(0.0, abs=1e-3) or np.isnan(row["trend"])
    assert table.loc[(lending.SERVICE, "other"), "latest"] == 0.0


def test_sentences_state_the_shares_and_the_lenders():
    rows = _rows()
    flows = lending.group_flows(rows)
    sentence = lending_text.flows_sentence(flows)
    assert sentence.startswith("In 2020, on public and publicly guaranteed debt")
    assert "Southern creditors disbursed **US$1.4 billion**" in sentence
    shares = lending.southern_share(rows, REFERENCE, "region")
    share = lending_text.share_sentence(shares, (2016, 2020))
    assert "Southern creditors provided **70%**" in share
    assert "highest in Sub-Saharan Africa (80%)" in share
    ranking = lending_text.ranking_sentence(lending.top_creditors(rows), (2016, 2020))
    assert ranking.startswith(
        "The largest bilateral lenders by disbursements over 2016-2020: China"
    )
    assert ranking.endswith("1 of the top 3 are Southern creditors.")


def test_sections_show_readable_tables_and_save_raw_ones():
    section = lending_sections.flows_section(_rows(), REFERENCE)
    assert section.ok and section.lead.startswith("Over ")
    view = section.shown["southern_share_by_region"].set_index("region")
    assert view.loc[lending.ALL_DEBTORS, "southern_share_of_disbursements_pct"] == pytest.approx(70)
    assert section.saved["southern_share_by_region"]["disbursements_share"].max() <= 1
    assert section.figures["lending_by_group"] is not None
    creditors = lending_sections.creditors_section(_rows())
    assert "**China** lent most to Angola (64%)" in creditors.text[1]
    by_year = creditors.saved["southern_lenders_by_year"]
    china = by_year[(by_year["creditor"] == "CHN") & (by_year["series"] == lending.DISBURSED)]
    assert china["year"].tolist() == list(YEARS) and (china["value"] == 1400e6).all()
    assert set(by_year["creditor"]) == {"CHN"}  # India lent nothing here: not a top lender
    assert creditors.figures["southern_lenders_by_year"] is not None
    borrower = lending_sections.borrower_section(_rows()[lambda f: f["economy"] == "KEN"], "Kenya")
    assert borrower.text[0] == (
        "Over the five years to 2020, Southern creditors provided **60%** of Kenya's bilateral "
        "disbursements of public and publicly guaranteed debt (US$300.0 million a year on "
        "average) and received 60% of its bilateral debt service (US$150.0 million a year)."
    )
    nothing = lending_sections.borrower_section(None, "Norway")
    assert "no International Debt Statistics for Norway" in nothing.text[0]
