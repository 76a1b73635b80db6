import math

import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from helpers import catalogue, paths
from helpers.errors import ParameterError
from helpers.store import Store
from helpers.tidy import wrangle
from helpers.topics.inventory import data as inventory
from helpers.topics.inventory import figures as inventory_figures
from helpers.topics.inventory import text as inventory_text


def _tidy(rows, source="worldbank", vintage="v1"):
    frame = pd.DataFrame(rows, columns=["economy", "year", "series", "value"])
    return frame.assign(economy_name=frame["economy"], source=source, vintage=vintage)


REFERENCE = pd.DataFrame(
    {
        "economy": ["KEN", "BGD", "NOR", "ARE", "DAC"],
        "economy_name": ["Kenya", "Bangladesh", "Norway", "UAE", "DAC countries"],
        "region": ["SSF", "SAS", "ECS", "MEA", None],
        "income_group": ["LMC", "LMC", "HIC", "HIC", None],
        "is_aggregate": [False, False, False, False, True],
        "ldc": [False, True, False, False, False],
        "dac_member": [False, False, True, False, False],
        "beyond_dac": [False, False, False, True, False],
        "global_south": [True, True, False, False, False],
    }
)


def test_check_series_empty_means_every_catalogue_series():
    assert inventory.check_series([]) == catalogue.load().ids()


def test_check_series_keeps_catalogue_order():
    got = inventory.check_series(["DAC1.GNI.CURRENT", "IT.NET.USER.ZS"])
    assert got == ["IT.NET.USER.ZS", "DAC1.GNI.CURRENT"]


def test_check_series_names_unknown_ids():
    with pytest.raises(ParameterError, match=r"unknown series NOPE\.X"):
        inventory.check_series(["IT.NET.USER.ZS", "NOPE.X"])


def test_default_scope_is_providers_for_dac1_only():
    assert inventory.default_scope("DAC1.ODA.GNI.GE") == "providers"
    assert inventory.default_scope("DAC2A.ODA.RECEIVED.CURRENT") == "economies"
    assert inventory.default_scope("IT.NET.USER.ZS") == "economies"


def test_notebook_needs_cover_the_five_downstream_notebooks():
    needs = inventory.notebook_needs()
    assert set(needs) == {
        "01_oda",
        "02_south_south",
        "03_technology_access",
        "04_country_scorecard",
        "05_partnerships_capacity",
    }
    assert ("DAC1.ODA.NET.CURRENT", "beyond_dac") in needs["02_south_south"]
    assert len(needs["04_country_scorecard"]) == len(catalogue.load().ids())


def test_provider_codes_are_dac_members_and_beyond_dac():
    assert inventory.provider_codes(REFERENCE) == ["ARE", "NOR"]


def test_coverage_share_uses_providers_for_dac1_series():
    frame = _tidy(
        [
            ("KEN", 2000, "IT.NET.USER.ZS", 1.0),
            ("NOR", 2000, "DAC1.GNI.CURRENT", 1.0),
            ("ARE", 2001, "DAC1.GNI.CURRENT", 1.0),
            ("KEN", 2001, "DAC1.GNI.CURRENT", 1.0),  # not a provider: not counted
        ]
    )
    got = inventory.coverage_share(
        frame, ["IT.NET.USER.ZS", "DAC1.GNI.CURRENT"], 2000, 2001, ["KEN", "BGD"], ["NOR", "ARE"]
    )
    want = pd.DataFrame(
        {
            "series": ["IT.NET.USER.ZS"] * 2 + ["DAC1.GNI.CURRENT"] * 2,
            "year": [2000, 2001, 2000, 2001],
            "universe": [2, 2, 2, 2],
            "with_value": [1, 0, 1, 1],
            "share": [50.0, 0.0, 50.0, 50.0],
        }
    )
    assert_frame_equal(got, want)


def test_coverage_share_is_nan_when_nothing_to_cover():
    got = inventory.coverage_share(_tidy([]), ["DAC1.GNI.CURRENT"], 2000, 2000, ["KEN"], [])
    assert math.isnan(got["share"].iloc[0])


def test_coverage_matrix_blanks_and_labels_missing_series():
    coverage = pd.DataFrame(
        {
            "series": ["A", "A", "B", "B"],
            "year": [2000, 2001, 2000, 2001],
            "universe": [4, 4, 4, 4],
            "with_value": [2, 4, 0, 0],
            "share": [50.0, 100.0, 0.0, 0.0],
        }
    )
    got = inventory.coverage_matrix(coverage, missing=["B"])
    assert list(got.index) == ["A (of 4)", "B (not in store)"]
    assert got.loc["A (of 4)"].tolist() == [50.0, 100.0]
    assert got.loc["B (not in store)"].isna().all()


def test_coverage_summary_gives_last_year_with_half_covered():
    coverage = pd.DataFrame(
        {
            "series": ["A", "A", "A", "B"],
            "year": [2000, 2001, 2002, 2000],
            "universe": [2, 2, 2, 2],
            "with_value": [2, 1, 0, 0],
            "share": [100.0, 50.0, 0.0, 0.0],
        }
    )
    got = inventory.coverage_summary(coverage)
    assert got["series"].tolist() == ["A", "B"]
    assert got["peak_share"].tolist() == [100.0, 0.0]
    assert got["last_year_half"].tolist() == [2001, pd.NA]


def test_notebook_gaps_classifies_missing_empty_stale_and_ok():
    obs = _tidy(
        [
            ("KEN", 2010, "TX.VAL.MRCH.R1.ZS", 1.0),  # stale: ends 2010 < 2024 - 3
            ("KEN", 2022, "IT.NET.USER.ZS", 1.0),  # ok
            ("NOR", 2023, "DAC1.ODA.NET.CURRENT", 1.0),  # a DAC member, not beyond the DAC
            ("BGD", 2023, "IT.CEL.SETS.P2", 1.0),  # outside the economies asked for
        ]
    )
    aggs = _tidy([("LDC", 2023, "DAC2A.ODA.RECEIVED.CURRENT", 1.0)])
    needs = {
        "nb": [
            ("TX.VAL.MRCH.R1.ZS", "economies"),
            ("IT.NET.USER.ZS", "economies"),
            ("DAC1.ODA.NET.CURRENT", "beyond_dac"),
            ("IT.CEL.SETS.P2", "economies"),
            ("SP.POP.TOTL", "economies"),
            ("DAC2A.ODA.RECEIVED.CURRENT", "aggregates"),
        ]
    }
    got = inventory.notebook_gaps(obs, aggs, REFERENCE, ["KEN"], 2000, 2024, 3, needs)
    assert got["status"].tolist() == ["stale", "ok", "no values", "no values", "missing", "ok"]
    assert got["last_year"].tolist() == [2010, 2022, pd.NA, pd.NA, pd.NA, 2023]
    assert got["economies"].tolist() == [1, 1, 0, 0, 0, 1]


def test_notebook_gaps_ignores_years_outside_the_range():
    obs = _tidy([("KEN", 2024, "IT.NET.USER.ZS", 1.0), ("KEN", 2015, "IT.NET.USER.ZS", 1.0)])
    needs = {"nb": [("IT.NET.USER.ZS", "economies")]}
    got = inventory.notebook_gaps(obs, _tidy([]), REFERENCE, ["KEN"], 2000, 2020, 3, needs)
    assert got["status"].tolist() == ["stale"]
    assert got["last_year"].tolist() == [2015]


def test_gap_sentences_say_what_each_notebook_lacks():
    gaps = pd.DataFrame(
        {
            "notebook": ["a", "a", "b"],
            "series": ["S1", "S2", "S3"],
            "scope": ["economies"] * 3,
            "status": ["missing", "stale", "ok"],
            "first_year": pd.array([pd.NA, 1990, 1990], dtype="Int64"),
            "last_year": pd.array([pd.NA, 2011, 2024], dtype="Int64"),
            "economies": [0, 3, 3],
        }
    )
    lines = inventory_text.gap_sentences(gaps, 2024, 3)
    assert lines == [
        "- **a**: missing S1; ending before 2021: S2 (to 2011).",
        "- **b**: every series it reads has values to 2021 or later.",
    ]


def test_missing_series_tells_how_to_obtain_each():
    table = pd.DataFrame(
        {
            "series": ["IT.NET.USER.ZS", "DAC2A.ODA.RECEIVED.CURRENT"],
            "title": ["t1", "t2"],
            "source": ["worldbank", "oecd"],
            "kind": ["import", "missing"],
        }
    )
    got = inventory.missing_series(table)
    assert got["series"].tolist() == ["DAC2A.ODA.RECEIVED.CURRENT"]
    assert "sdg17 fetch --series DAC2A.ODA.RECEIVED.CURRENT" in got["how_to_obtain"].iloc[0]


def test_source_summary_counts_series_per_source_and_vintage():
    frame = pd.concat(
        [
            _tidy([("KEN", 2000, "A", 1.0), ("KEN", 2000, "B", 1.0)], "worldbank", "v1"),
            _tidy([("NOR", 2000, "C", 1.0)], "oecd", "v2"),
        ]
    )
    assert inventory_figures.source_summary(frame) == (
        "Source: OECD DAC, 1 series (v2). World Bank WDI, 2 series (v1). "
        "Series by series: inventory.csv."
    )
    assert inventory_figures.source_summary(frame.iloc[0:0]) == "Source: no data"


def test_rows_used_stacks_frames():
    a, b = _tidy([("KEN", 2000, "A", 1.0)]), _tidy([("BGD", 2000, "A", 2.0)])
    assert wrangle.stack(a, b)["economy"].tolist() == ["KEN", "BGD"]
    assert wrangle.stack(a.iloc[0:0], None)["economy"].tolist() == []


def test_series_table_has_one_row_per_catalogue_series(demo_root):
    table = inventory.series_table(Store(demo_root))
    assert table["series"].tolist() == catalogue.load().ids()
    assert set(table["kind"]) == {"demo"}
    assert set(table["stale"]) == {"n/a"}
    assert (table["rows"] > 0).all()


def test_series_table_marks_missing_series(store):
    table = inventory.series_table(store)  # an empty store
    assert set(table["kind"]) == {"missing"}
    assert (table["rows"] == 0).all()


def test_vintage_sentence_shows_the_store_relative_to_the_project(tmp_path):
    table = pd.DataFrame({"series": ["A"], "kind": ["demo"], "stale": ["no"]})
    inside = inventory_text.vintage_sentence(table, paths.ROOT / "data" / "demo")
    assert inside.startswith("The store at `data/demo` holds **1 of the 1**")
    assert f"`{tmp_path}`" in inventory_text.vintage_sentence(table, tmp_path)
