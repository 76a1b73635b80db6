"""The data inventory notebook, executed on the demo store and on the real files."""

from __future__ import annotations

import pandas as pd
import papermill
import pytest

from helpers import catalogue, tidy
from helpers.reference import groups
from helpers.sources.demo.notice import DEMO_NOTICE
from helpers.store import Store
from tests.notebooks.harness import error_outputs, execute, saved_table, store_runs, text_of

NAME = "00_data_inventory"
pytestmark = pytest.mark.notebook
FILES = ["inventory.csv", "coverage.csv", "gaps.csv", "provenance.csv"]
FIGURES = ["coverage_heatmap.png"]  # SVG only on demand (SDG17_FIGURE_FORMATS)


demo_run, real_run = store_runs(NAME)


@pytest.mark.parametrize("run", ["demo_run", "real_run"])
def test_runs_end_to_end_and_writes_its_outputs(run, request):
    nb, out, _ = request.getfixturevalue(run)
    assert error_outputs(nb) == []
    for name in FILES + FIGURES:
        assert (out / name).stat().st_size > 0, name


def test_demo_run_says_the_data_are_synthetic(demo_run):
    nb, _, _ = demo_run
    assert DEMO_NOTICE in text_of(nb)


@pytest.mark.parametrize("run", ["demo_run", "real_run"])
def test_inventory_lists_every_catalogue_series_with_its_rows(run, request):
    _, out, root = request.getfixturevalue(run)
    table = saved_table(out, "inventory")
    assert table["series"].tolist() == catalogue.load().ids()
    store = Store(root)
    rows = pd.concat(
        [
            tidy.load(missing="ignore", store=store),
            tidy.load(missing="ignore", aggregates=True, store=store),
        ]
    )
    want = rows.groupby("series").size()
    got = table.set_index("series")["rows"]
    assert got[want.index].tolist() == want.tolist()
    assert (got.drop(want.index) == 0).all()
    assert set(table.loc[table["rows"] == 0, "kind"]) <= {"missing"}


def test_coverage_matches_the_tidytable(real_run):
    _, out, root = real_run
    coverage = saved_table(out, "coverage")
    reference = tidy.economies(store=root)
    codes = groups.members("global_south", reference)
    internet = tidy.load("IT.NET.USER.ZS", economies=codes, start=2010, end=2010, store=root)
    row = coverage.query("series == 'IT.NET.USER.ZS' and year == 2010").iloc[0]
    assert row["universe"] == len(codes)
    assert row["with_value"] == internet["economy"].nunique()
    assert row["share"] == pytest.approx(100 * internet["economy"].nunique() / len(codes), rel=1e-5)
    # DAC1 series are measured over the providers, not over the economies asked for.
    providers = reference.loc[reference["dac_member"] | reference["beyond_dac"], "economy"]
    dac1 = tidy.load("DAC1.ODA.GNI.GE", economies=list(providers), start=2020, end=2020, store=root)
    row = coverage.query("series == 'DAC1.ODA.GNI.GE' and year == 2020").iloc[0]
    assert row["universe"] == providers.nunique()
    assert row["with_value"] == dac1["economy"].nunique()


def test_real_gaps_name_what_the_other_notebooks_lack(real_run):
    nb, out, _ = real_run
    gaps = saved_table(out, "gaps").set_index(["notebook", "series"])
    assert gaps.loc[("01_oda", "DAC1.ODA.GNI.GE"), "status"] == "stale"
    assert gaps.loc[("01_oda", "DAC1.ODA.GNI.GE"), "last_year"] == 2020
    assert gaps.loc[("01_oda", "DT.ODA.ODAT.GN.ZS"), "status"] == "missing"
    assert gaps.loc[("01_oda", "DAC2A.ODA.RECEIVED.CONSTANT"), "status"] == "missing"
    assert gaps.loc[("02_south_south", "TX.VAL.MRCH.R1.ZS"), "status"] == "stale"
    assert gaps.loc[("02_south_south", "BX.TRF.PWKR.DT.GD.ZS"), "status"] == "missing"
    assert gaps.loc[("03_technology_access", "IT.NET.BBND.P2"), "status"] == "stale"
    assert gaps.loc[("03_technology_access", "IT.NET.USER.ZS"), "status"] == "ok"
    text = text_of(nb)
    assert "ending before 2021: IT.NET.BBND.P2 (to 2017)" in text
    assert "series are missing:** DT.ODA.ODAT.CD" in text
    assert DEMO_NOTICE not in text


def test_demo_gaps_are_all_ok(demo_run):
    _, out, _ = demo_run
    assert set(saved_table(out, "gaps")["status"]) == {"ok"}


@pytest.mark.parametrize(
    ("params", "sentence"),
    [
        ({"economies": ["KEN", "XYZ"]}, "unknown economy codes: XYZ"),
        ({"start_year": 2024, "end_year": 1990}, "start_year 2024 is after end_year 1990"),
    ],
)
def test_bad_parameters_stop_with_one_sentence(demo_root, tmp_path, params, sentence):
    with pytest.raises(papermill.PapermillExecutionError) as exc:
        execute(NAME, demo_root, tmp_path, **params)
    assert sentence in str(exc.value)
    assert "Parameter error" in str(exc.value)
