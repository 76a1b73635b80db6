"""The country scorecard notebook, executed on the demo store (KEN, ETH, NOR) and on the real
files (KEN, NOR).

Key numbers in the saved tables are recomputed here from the tidy table and the economy
reference, independently of ``helpers.scorecard``.
"""

from __future__ import annotations

import papermill
import pytest

from helpers import catalogue, tidy
from helpers.models import progress
from helpers.sources.demo.notice import DEMO_NOTICE
from tests.notebooks.harness import error_outputs, execute, load_json, saved_table, text_of

NAME = "04_country_scorecard"
pytestmark = pytest.mark.notebook
START, END = 2000, 2024
FIGURES = ["scorecard_trends", "progress_chart"]
TABLES = ["indicator_coverage.csv", "scorecard.csv", "progress.csv", "provenance.csv"]
AREA_HEADINGS = [
    "### Finance (targets 17.1-17.5)",
    "### Technology (targets 17.6-17.8)",
    "### Capacity building (targets 17.9)",
    "### Trade (targets 17.10-17.12)",
    "### Systemic issues (targets 17.13-17.19)",
]
DEMO_ECONOMIES = ["KEN", "ETH", "NOR"]  # a lower-middle-income recipient, an LDC, a provider
REAL_ECONOMIES = ["KEN", "NOR"]


def _runs(economies, root, tmp_path_factory, label):
    runs = {}
    for economy in economies:
        out = tmp_path_factory.mktemp(f"nb04-{label}-{economy}")
        runs[economy] = (execute(NAME, root, out, economy=economy), out)
    return runs


@pytest.fixture(scope="module")
def demo_runs(demo_root, tmp_path_factory):
    return _runs(DEMO_ECONOMIES, demo_root, tmp_path_factory, "demo"), demo_root


@pytest.fixture(scope="module")
def real_runs(real_root, tmp_path_factory):
    return _runs(REAL_ECONOMIES, real_root, tmp_path_factory, "real"), real_root


def _table(out, name="scorecard"):
    return saved_table(out, name)


def _series(root, economy, series):
    rows = tidy.load(series, economies=[economy], start=START, end=END, store=root)
    return rows.set_index("year")["value"].sort_index()


def _constant_basis_ids():
    """Catalogue ids with the CURRENT twin of each CURRENT/CONSTANT pair left out."""
    ids = catalogue.load().ids()
    return [i for i in ids if not (i.endswith(".CURRENT") and i[:-8] + ".CONSTANT" in ids)]


def _covered_indicators(root, economy):
    """The SDG 17 indicators with a measuring series (not a denominator, not by creditor, not
    published for groups only) that has data for ``economy``, from the tidy table directly."""
    groups = {"TX_EXP_GBMRCH", "TX_IMP_GBMRCH", "TM_TAX_DPRF"}  # targets.yaml: published_for
    ids = [i for i in _constant_basis_ids() if not catalogue.get(i).by_creditor and i not in groups]
    held = set(
        tidy.load(ids, economies=[economy], start=START, end=END, missing="ignore", store=root)[
            "series"
        ]
    )
    table = catalogue.indicators()
    return {row.indicator for row in table.itertuples() if held & set(row.series)}


def _check_latest(table, root, economy):
    for row in table.itertuples():
        values = _series(root, economy, row.series)
        assert row.latest_year == values.index.max(), row.series
        assert row.latest_value == pytest.approx(values.iloc[-1], rel=1e-5), row.series


def _check_income_median(table, root, economy):
    reference = tidy.economies(store=root)
    group = reference.set_index("economy").at[economy, "income_group"]
    peers = reference.loc[
        (reference["income_group"] == group) & ~reference["is_aggregate"].astype(bool), "economy"
    ].tolist()
    for row in table.itertuples():
        year = int(row.latest_year)
        values = tidy.load(row.series, economies=peers, start=year, end=year, store=root)
        assert row.income_n == len(values), row.series
        assert row.income_median == pytest.approx(values["value"].median(), rel=1e-5), row.series
        mine = values.loc[values["economy"] == economy, "value"].iloc[0]
        rank = int((values["value"] > mine).sum()) + 1
        assert row.income_rank == rank, row.series


def _check_progress(out, root, economy, series, target, base_year):
    prog = _table(out, "progress").set_index("series")
    direct = progress.assess_progress(
        _series(root, economy, series), target, "increase", base_year, 2030
    ).iloc[0]
    assert prog.at[series, "category"] == direct["category"]
    assert prog.at[series, "actual_cagr"] == pytest.approx(direct["actual_cagr"], rel=1e-5)
    return direct["category"]


# --- demo store ----------------------------------------------------------------------------


def test_demo_runs_write_every_figure_and_table(demo_runs):
    runs, _ = demo_runs
    for economy, (nb, out) in runs.items():
        assert error_outputs(nb) == [], economy
        for name in [f"{f}.{ext}" for f in FIGURES for ext in ("png",)] + TABLES:
            assert (out / name).stat().st_size > 0, (economy, name)
        assert DEMO_NOTICE in text_of(nb), economy


def test_demo_latest_values_and_income_medians_match_the_tidy_table(demo_runs):
    runs, root = demo_runs
    for economy, (_, out) in runs.items():
        table = _table(out)
        _check_latest(table, root, economy)
        _check_income_median(table, root, economy)


def test_demo_tables_hold_the_series_each_role_should_have(demo_runs):
    runs, _ = demo_runs
    ken, eth, nor = (set(_table(runs[e][1])["series"]) for e in DEMO_ECONOMIES)
    assert "DAC2A.ODA.RECEIVED.CONSTANT" in ken and "DAC2A.ODA.RECEIVED.CURRENT" not in ken
    assert "DT.ODA.ODAT.GN.ZS" in eth
    assert {"DAC1.ODA.GNI.GE", "DAC1.ODA.GE.CONSTANT"} <= nor
    assert not any(s.startswith("DAC1.") for s in ken | eth)


def test_demo_header_and_narrative(demo_runs):
    runs, _ = demo_runs
    eth = text_of(runs["ETH"][0])
    assert "| Least developed country (UN) | yes |" in eth
    assert "| Income group (World Bank) | Low income |" in eth
    nor = text_of(runs["NOR"][0])
    assert "| DAC member | yes |" in nor and "| Role in this scorecard | ODA provider |" in nor
    ken = text_of(runs["KEN"][0])
    assert "| Global South, as World Bank low- and middle-income" in ken
    assert "| Role in this scorecard | ODA recipient |" in ken
    assert "The largest gap to peers is in" in ken
    assert "Every catalogue series that applies to Kenya has data in the store." in ken


def test_demo_bilateral_borrowing_by_creditor_group(demo_runs):
    runs, root = demo_runs
    nb, out = runs["KEN"]
    table = _table(out, "bilateral_borrowing").set_index(["series", "creditor_group"])
    rows = tidy.load("DT.DIS.BLAT.CD", economies="KEN", store=root)
    last = rows["year"].max()
    window = rows[rows["year"] > last - 5]
    southern = window.loc[window["creditor_group"] == "Southern", "value"].sum()
    total = window.loc[window["creditor"] == "WLD", "value"].sum()
    row = table.loc[("DT.DIS.BLAT.CD", "Southern")]
    assert row["latest_year"] == last
    assert row["share_of_total"] == pytest.approx(southern / total, rel=1e-5)
    assert row["average"] == pytest.approx(southern / 5, rel=1e-5)
    assert "Southern creditors provided" in text_of(nb)
    nor = text_of(runs["NOR"][0])  # a DAC member borrows nothing in IDS
    assert "The store has no International Debt Statistics for Norway" in nor


def test_demo_progress_category_matches_assess_progress(demo_runs):
    runs, root = demo_runs
    # 17.8.1: universal Internet use (100% by 2030), base 2015, as targets.yaml documents.
    _check_progress(runs["KEN"][1], root, "KEN", "IT.NET.USER.ZS", 100, 2015)
    # 17.2.1: 0.7% of GNI, from 2018, the first year of the grant-equivalent measure.
    _check_progress(runs["NOR"][1], root, "NOR", "DAC1.ODA.GNI.GE", 0.7, 2018)
    prog = _table(runs["KEN"][1], "progress").set_index("series")
    assert prog.at["SP.POP.TOTL", "category"] == "not assessed"


def test_demo_card_accounts_for_all_24_indicators_by_area(demo_runs):
    runs, root = demo_runs
    gaps = set(catalogue.gaps()["indicator"])
    for economy, (nb, out) in runs.items():
        text = text_of(nb)
        positions = [text.index(h) for h in AREA_HEADINGS]
        assert positions == sorted(positions), economy  # the five areas, in order
        covered = _covered_indicators(root, economy)
        coverage = _table(out, "indicator_coverage")
        assert len(coverage) == 24 and list(coverage["indicator"]) == list(
            catalogue.indicators()["indicator"]
        )
        assert set(coverage.loc[coverage["status"] == "covered", "indicator"]) == covered
        assert set(coverage.loc[coverage["status"] == "gap", "indicator"]) == gaps
        assert (coverage["status"] == "not covered").sum() == 24 - len(covered) - len(gaps)
        assert f"{len(covered)} of 24 SDG 17 indicators covered for " in text, economy
        facts = load_json(out / "findings.json")["economy"]["indicators"]
        assert facts == {
            "covered": len(covered),
            "not covered": 24 - len(covered) - len(gaps),
            "gap": len(gaps),
            "total": 24,
        }
        # every series of the card sits under its area's heading
        card = _table(out)
        assert set(card["area"]) <= set(catalogue.AREAS)
        assert (card["area"] == card["sdg"].map(catalogue.area_of)).all()


def test_demo_donor_series_and_group_series(demo_runs):
    runs, _ = demo_runs
    ken, eth, nor = (set(_table(runs[e][1])["series"]) for e in DEMO_ECONOMIES)
    assert {"DC_ODA_TOTG", "DC_ODA_LDCG"} <= nor  # a donor's own 17.2.1
    assert not {"DC_ODA_TOTG", "DC_ODA_LDCG"} & (ken | eth)
    assert not {"TX_EXP_GBMRCH", "TX_IMP_GBMRCH", "TM_TAX_DPRF"} & (ken | eth | nor)
    coverage = _table(runs["KEN"][1], "indicator_coverage").set_index("indicator")
    assert "groups of economies only" in coverage.at["17.12.1", "reason"]
    nor_text = text_of(runs["NOR"][0])
    assert "For ODA recipients only: DT.TDS.DECT.EX.ZS." in nor_text  # 17.4.1 for a donor


def test_demo_flags_show_yes_or_no_without_trend_or_category(demo_runs):
    runs, root = demo_runs
    nb, out = runs["KEN"]
    table = _table(out).set_index("series")
    prog = _table(out, "progress").set_index("series")
    flags = [s for s in table.index if catalogue.get(s).unit_kind == "flag"]
    assert flags
    for sid in flags:
        assert table.at[sid, "trend_status"] == "not applicable"
        assert prog.at[sid, "category"] == "not assessed"
        latest = _series(root, "KEN", sid)
        assert table.at[sid, "latest_value"] == latest.iloc[-1]
    assert "none (yes/no)" in nb_html_tables(nb)


def nb_html_tables(nb) -> str:
    """The HTML of the tables the notebook shows (styled tables have no Markdown)."""
    return "\n".join(
        o.get("data", {}).get("text/html", "")
        for cell in nb.cells
        for o in cell.get("outputs", [])
        if isinstance(o.get("data", {}).get("text/html", ""), str)
    )


# --- real store ----------------------------------------------------------------------------


def test_real_runs_write_every_figure_and_table(real_runs):
    runs, _ = real_runs
    for economy, (nb, out) in runs.items():
        assert error_outputs(nb) == [], economy
        for name in [f"{f}.{ext}" for f in FIGURES for ext in ("png",)] + TABLES:
            assert (out / name).stat().st_size > 0, (economy, name)
        assert DEMO_NOTICE not in text_of(nb), economy


def test_real_kenya_rows_are_only_what_exists(real_runs):
    runs, root = real_runs
    nb, out = runs["KEN"]
    table = _table(out)
    held = tidy.load(
        _constant_basis_ids(), economies=["KEN"], start=START, end=END, missing="ignore", store=root
    )
    assert set(table["series"]) == set(held["series"])
    assert {"IT.NET.USER.ZS", "IT.NET.BBND.P2", "TX.VAL.MRCH.R6.ZS"} <= set(table["series"])
    mrch = table.set_index("series").at["TX.VAL.MRCH.R6.ZS", "latest_year"]
    assert mrch == 2011
    _check_latest(table, root, "KEN")
    _check_income_median(table, root, "KEN")
    text = text_of(nb)
    assert "Data gaps: the store holds no data for Kenya on" in text
    for absent in ("DT.ODA.ODAT.CD", "NY.GNP.MKTP.CD", "SP.POP.TOTL", "IQ.SPI.OVRL"):
        assert absent in text.split("Data gaps:")[1].split("\n")[0], absent
    _check_progress(out, root, "KEN", "IT.NET.USER.ZS", 100, 2015)


def test_real_norway_is_scored_as_a_provider(real_runs):
    runs, root = real_runs
    nb, out = runs["NOR"]
    table = _table(out).set_index("series")
    assert table.at["DAC1.ODA.GNI.GE", "latest_year"] == 2020
    assert table.at["DAC1.ODA.GNI.GE", "trend_status"] == "insufficient data"  # 3 years
    _check_latest(table.reset_index(), root, "NOR")
    _check_income_median(table.reset_index(), root, "NOR")
    # above 0.7% of GNI: the Open SDG measure's first category
    assert _check_progress(out, root, "NOR", "DAC1.ODA.GNI.GE", 0.7, 2018) == "Target achieved"
    prog = _table(out, "progress").set_index("series")
    # no 2015 value: the Open SDG measure starts from the first later year, so it is assessed
    row = prog.loc["DAC1.ODA.NET.CONSTANT"]
    assert row["base_year"] > 2015 and row["category"] == "On track"
    assert "| Role in this scorecard | ODA provider |" in text_of(nb)


# --- bad parameters ------------------------------------------------------------------------


def test_an_unknown_economy_stops_with_one_sentence(demo_root, tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as exc:
        execute(NAME, demo_root, tmp_path, economy="XYZ")
    assert "Parameter error: unknown economy codes: XYZ" in str(exc.value)


def test_an_empty_year_range_stops_with_one_sentence(demo_root, tmp_path):
    with pytest.raises(papermill.PapermillExecutionError) as exc:
        execute(NAME, demo_root, tmp_path, start_year=2020, end_year=2010)
    assert "start_year 2020 is after end_year 2010" in str(exc.value)
