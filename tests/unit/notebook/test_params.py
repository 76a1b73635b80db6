"""The notebook parameter specs: declared once, enforced the same way everywhere."""

from __future__ import annotations

import json

import pytest

from helpers import paths, tidy
from helpers.errors import ParameterError
from helpers.notebook import params
from helpers.run import params as runparams
from helpers.store import Store


@pytest.fixture(scope="module")
def economy_reference(demo_root):
    return tidy.economies(store=Store(demo_root))


def _notebooks():
    return sorted(paths.NOTEBOOKS.glob("0*.ipynb"))


@pytest.mark.parametrize("path", _notebooks(), ids=lambda p: p.stem)
def test_every_notebook_parameter_has_a_spec_and_its_default_fits_it(path):
    declared = runparams.declared(path)
    assert set(declared) <= set(params.SPECS), set(declared) - set(params.SPECS)
    params.check(declared)  # the notebook's own defaults are valid


@pytest.mark.parametrize(
    ("name", "value", "needle"),
    [
        ("forecast_horizon", 500, "forecast_horizon must be from 1 to 20; got 500"),
        ("forecast_horizon", 2.5, "forecast_horizon must be a whole number"),
        ("forecast_horizon", True, "forecast_horizon must be a whole number"),
        ("confidence_level", 1.0, "confidence_level must be from 0.5 to 0.999"),
        ("price_basis", "nominal", "price_basis must be one of current, constant"),
        ("economies", "KEN", "economies must be a list of strings"),
        ("economy", ["KEN"], "economy must be a string (one economy code)"),
        ("mobile_saturation", 50, "mobile_saturation must be from 80 to 500"),
    ],
)
def test_a_value_out_of_its_spec_is_named_with_what_it_must_be(name, value, needle):
    with pytest.raises(ParameterError) as err:
        params.check_value(name, value)
    assert needle in str(err.value)
    assert err.value._render_traceback_() == [f"Parameter error: {err.value}"]


def test_names_without_a_spec_are_left_alone():
    params.check_value("reference", object())
    params.check({"reference": object(), "forecast_horizon": 20, "confidence_level": 0.5})


@pytest.mark.parametrize(
    ("values", "needle"),
    [
        ({"start_year": 2024, "end_year": 2000}, "start_year 2024 is after end_year 2000"),
        (
            {"start_year": 2000, "end_year": 2024, "base_year": 1990},
            "base_year must be from start_year 2000 to end_year 2024; got 1990",
        ),
    ],
)
def test_the_year_rule_is_checked_across_parameters(values, needle):
    with pytest.raises(ParameterError, match=needle):
        params.check(values)


def test_the_range_in_a_notebook_is_the_range_sdg17_run_enforces():
    declared = {"forecast_horizon": 5}
    with pytest.raises(ParameterError, match="forecast_horizon must be from 1 to 20"):
        runparams.check(
            "01_oda", declared, paths.NOTEBOOKS / "01_oda.ipynb", "forecast_horizon", 21
        )
    runparams.check("01_oda", declared, paths.NOTEBOOKS / "01_oda.ipynb", "forecast_horizon", 20)


def test_resolve_economies_turns_an_unknown_code_into_one_parameter_sentence(economy_reference):
    assert params.resolve_economies("ken", economy_reference) == ["KEN"]
    with pytest.raises(ParameterError, match="unknown economy codes: XYZ"):
        params.resolve_economies(["KEN", "XYZ"], economy_reference)
    with pytest.raises(ParameterError, match="economies is empty"):
        params.resolve_economies([], economy_reference)


def test_readme_documents_every_parameter_from_the_specs():
    readme = (paths.ROOT / "README.md").read_text(encoding="utf-8")
    assert params.markdown_table() in readme, "regenerate with params.markdown_table()"


def test_notebook_check_cells_use_the_specs_not_their_own_ranges():
    for path in _notebooks():
        source = "".join(
            "".join(c["source"])
            for c in json.loads(path.read_text())["cells"]
            if c["cell_type"] == "code"
        )
        assert "params.check(globals())" in source, path.name
        assert "check_range(" not in source and "check_choice(" not in source, path.name


def test_inverted_years_stop_with_one_sentence():
    with pytest.raises(ParameterError, match="after end_year") as err:
        params.check_years(2020, 2000)
    assert err.value._render_traceback_() == [f"Parameter error: {err.value}"]


@pytest.mark.parametrize("value", [0, 1.5, "0.9", True])
def test_confidence_level_must_be_a_probability(value):
    with pytest.raises(ParameterError, match="confidence_level"):
        params.check_value("confidence_level", value)


def test_choice_names_the_options():
    with pytest.raises(ParameterError, match="current, constant"):
        params.check_value("price_basis", "nominal")


def test_statement_names_every_parameter_but_the_output_folder():
    values = {
        "economies": ["LDC", "KEN"],
        "start_year": 2000,
        "end_year": 2024,
        "series_focus": [],
        "output_dir": "/tmp/x",
        "reference": object(),
    }
    got = params.statement(values, economies=["KEN", "BGD", "NPL"])
    assert got == (
        "**Parameters of this run:** `economies` = LDC, KEN (3 economies); "
        "`series_focus` = none; `start_year` = 2000; `end_year` = 2024."
    )
