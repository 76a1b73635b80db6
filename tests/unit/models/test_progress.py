"""Tests for helpers.models.progress: published progress methods, from their documentation.

Open SDG / Statistics Canada: "Progress Measurement Methodology for the Sustainable Development
Goals", https://open-sdg.readthedocs.io/en/latest/progress-methodology/ (cited below as
"Open SDG, <section>"), with its reference code open-sdg/sdg-build ``sdg/ProgressMeasure.py``.
The page prints its rules as tables and special cases rather than worked numeric examples, so
the tests reproduce each printed number (thresholds, replacements, limits) on hand-computed
series.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pandas.testing as pdt
import pytest
import yaml

from helpers.models import progress
from helpers.models.progress import PROGRESS_COLUMNS, assess_progress
from helpers.models.results import INSUFFICIENT
from helpers.reference import methods

TARGET_ACHIEVED, ON_TRACK, ACCELERATE, LIMITED, DETERIORATION = progress.categories("open_sdg")


def _from(base: float, latest: float, base_year: int = 2015, latest_year: int = 2020) -> pd.Series:
    return pd.Series([base, latest], index=[base_year, latest_year])


def _category(data: pd.Series, **kwargs) -> str:
    return assess_progress(data, **kwargs)["category"].iloc[0]


# --- the configuration --------------------------------------------------------------------


def test_every_configured_method_has_a_name_and_a_citation():
    for key, spec in methods.load_progress_methods().items():
        cite = spec["citation"]
        assert spec["name"] and all(cite[f] for f in methods.CITATION_FIELDS), key
        assert spec["available"] or spec["missing"], key


def test_open_sdg_configuration_holds_the_documented_labels_and_thresholds():
    """Open SDG, Methodology: the two category tables and their symbols' labels; Minimum data
    requirements: "Unable to assess"; the replacement value 0.001 (Special considerations)."""
    spec = methods.load_progress_methods()["open_sdg"]
    assert spec["categories"] == [
        "Target achieved",
        "On track",
        "Progress made but acceleration needed",
        "Limited progress",
        "Deterioration",
    ]
    assert spec["unable"] == "Unable to assess"
    assert list(spec["thresholds"]["with_target"].values()) == [0.95, 0.60, 0.0]
    assert list(spec["thresholds"]["without_target"].values()) == [0.015, 0.005, 0.0]
    assert spec["constants"]["zero_replacement"] == 0.001


def test_changing_a_configured_threshold_changes_the_classification(tmp_path):
    """The code reads its thresholds from the file: R = 0.7 is 'acceleration needed' at the
    documented 60% bound and 'Limited progress' when a copied file raises the bound to 75%."""
    data = pd.Series([100.0, 170.0], index=[2015, 2016])  # R = 0.70 / ((400/100)^(1/2) - 1)
    kwargs = {"target": 400.0, "target_year": 2017}
    assert _category(data, **kwargs) == ACCELERATE
    raw = yaml.safe_load(methods.PROGRESS_METHODS_FILE.read_text(encoding="utf-8"))
    raw["methods"]["open_sdg"]["thresholds"]["with_target"][ACCELERATE] = 0.75
    copied = tmp_path / "progress_methods.yaml"
    copied.write_text(yaml.safe_dump(raw, sort_keys=False), encoding="utf-8")
    config = methods.load_progress_methods(copied)
    assert _category(data, config=config, **kwargs) == LIMITED


def test_a_method_without_a_citation_is_refused(tmp_path):
    raw = yaml.safe_load(methods.PROGRESS_METHODS_FILE.read_text(encoding="utf-8"))
    del raw["methods"]["open_sdg"]["citation"]["url"]
    copied = tmp_path / "progress_methods.yaml"
    copied.write_text(yaml.safe_dump(raw), encoding="utf-8")
    with pytest.raises(Exception, match="url"):
        methods.load_progress_methods(copied)


def test_unknown_method_names_the_known_ones():
    with pytest.raises(ValueError, match="known methods: open_sdg, escap"):
        assess_progress(_from(10.0, 15.0), method="unsd_progress_chart")


def test_escap_is_configured_but_refused_with_what_is_missing():
    assert progress.available_methods() == ("open_sdg",)
    with pytest.raises(ValueError, match="not available: missing the weights"):
        assess_progress(_from(10.0, 15.0), target=20.0, method="escap")


# --- Open SDG: indicators with a quantitative target --------------------------------------


def test_full_row_for_on_track_by_ratio():
    """Open SDG, Indicators with quantitative targets: R = d * CAGR_i / |CAGR_T|.
    CAGR_i = (15/10)^(1/5) - 1 = 0.0844718; CAGR_T = (20/10)^(1/15) - 1 = 0.0472941."""
    expected = pd.DataFrame(
        {
            "base_year": pd.array([2015], dtype="Int64"),
            "base_value": [10.0],
            "latest_year": pd.array([2020], dtype="Int64"),
            "latest_value": [15.0],
            "actual_cagr": [0.0844717712],
            "required_cagr": [0.0472941228],
            "ratio": [1.7860945],
            "category": [ON_TRACK],
            "status": ["ok"],
            "note": ["R = observed / |required| CAGR (increase to 20 by 2030)"],
            "method": ["open_sdg"],
        }
    )
    pdt.assert_frame_equal(assess_progress(_from(10.0, 15.0), target=20.0), expected, rtol=1e-6)


@pytest.mark.parametrize(
    ("latest", "category"),
    [
        (195.0, ON_TRACK),  # R = 0.95: "R >= 95%"
        (194.0, ACCELERATE),  # R = 0.94: "60% <= R < 95%"
        (160.0, ACCELERATE),  # R = 0.60
        (159.0, LIMITED),  # R = 0.59: "0% <= R < 60%"
        (100.0, LIMITED),  # R = 0
        (99.0, DETERIORATION),  # R = -0.01: "R < 0%"
    ],
)
def test_ratio_thresholds_at_the_documented_bounds(latest, category):
    """Open SDG, Indicators with quantitative targets (table): 95%, 60% and 0%. The required
    growth from 100 to 400 in two years is exactly 100% a year, so R = latest/100 - 1."""
    data = pd.Series([100.0, latest], index=[2015, 2016])
    assert _category(data, target=400.0, target_year=2017) == category


def test_target_achieved_whatever_the_trend():
    """Open SDG, Aggregated progress status: "Indicators that achieve the target are
    automatically assigned ... regardless of the underlying trend" (here R = 0.91)."""
    result = assess_progress(_from(10.0, 20.5, latest_year=2032), target=20.0)
    assert result["ratio"].iloc[0] < 0.95
    assert result["category"].iloc[0] == TARGET_ACHIEVED
    assert result["note"].iloc[0].startswith("target achieved")


def test_base_beyond_the_target_then_falling_back_is_deterioration():
    """Open SDG: the ratio accounts for "cases where the base value achieves the target": the
    required rate's magnitude is used, so moving against d gives R < 0."""
    result = assess_progress(_from(25.0, 18.0), target=20.0)
    assert result["ratio"].iloc[0] < 0
    assert result["category"].iloc[0] == DETERIORATION


@pytest.mark.parametrize(
    ("latest", "category"),
    [
        (15.0, ON_TRACK),  # CAGR -0.0559, required -0.0452, R 1.24
        (17.0, ACCELERATE),  # R 0.71
        (19.5, LIMITED),  # R 0.11
        (22.0, DETERIORATION),  # R -0.42
        (9.0, TARGET_ACHIEVED),  # below the target of 10
    ],
)
def test_decrease_target_categories(latest, category):
    assert _category(_from(20.0, latest), target=10.0, direction="decrease") == category


def test_zero_target_is_replaced_by_a_thousandth():
    """Open SDG, Special considerations for the base value and the target value: "If the
    target value is zero, it is replaced by 0.001"."""
    result = assess_progress(_from(10.0, 5.0), target=0.0, direction="decrease")
    assert result["required_cagr"].iloc[0] == pytest.approx((0.001 / 10.0) ** (1 / 15) - 1)
    assert "target 0 replaced by 0.001" in result["note"].iloc[0]


# --- Open SDG: indicators without a quantitative target -----------------------------------


@pytest.mark.parametrize(
    ("latest", "category"),
    [
        (101.51, ON_TRACK),  # CAGR 1.51%: "CAGR >= 1.5%"
        (101.49, ACCELERATE),  # 1.49%: "0.5% <= CAGR < 1.5%"
        (100.51, ACCELERATE),  # 0.51%
        (100.49, LIMITED),  # 0.49%: "0% <= CAGR < 0.5%"
        (100.0, LIMITED),  # CAGR 0
        (99.9, DETERIORATION),  # "CAGR < 0%"
    ],
)
def test_growth_thresholds_either_side_of_the_documented_bounds(latest, category):
    """Open SDG, Indicators without quantitative targets (table): 1.5%, 0.5% and 0%. (Either
    side, not on them: 101.5/100 - 1 is 0.01499... in binary floating point.)"""
    assert _category(pd.Series([100.0, latest], index=[2015, 2016])) == category


def test_a_small_decline_is_deterioration_because_the_method_has_no_tolerance():
    """Open SDG, Indicators without quantitative targets: "CAGR < 0%" is Deterioration, so
    40 -> 39.9 (a CAGR of -0.05% a year) is one; the method has no band around zero."""
    assert _category(_from(40.0, 39.9)) == DETERIORATION


def test_decrease_without_target_flips_the_sign():
    assert _category(_from(100.0, 90.0), direction="decrease") == ON_TRACK
    assert _category(_from(100.0, 110.0), direction="decrease") == DETERIORATION


def test_scaling_factor_near_a_maximum_limit():
    """Open SDG, natural limits (e.g. 9.c.1 cannot exceed 100%): thresholds above 0% are
    multiplied by C = 1 - (y0/ylim)^4.44 = 1 - 0.95^4.44 = 0.2038 for a base of 95, so a
    CAGR of 0.21% a year passes the scaled 0.5% bound (0.102%)."""
    data = _from(95.0, 96.0)
    assert _category(data) == LIMITED
    result = assess_progress(data, limit=100.0)
    assert result["category"].iloc[0] == ACCELERATE
    assert f"C = {1 - 0.95**4.44:.3g}" in result["note"].iloc[0]


def test_scaling_factor_near_a_minimum_limit():
    """Open SDG, natural limits: for a minimum limit C = 1 - ((2 ylim - y0)/ylim)^4.44; a base
    of 11 above a floor of 10 gives C = 1 - 0.9^4.44 = 0.3733."""
    data = _from(11.0, 10.85)  # CAGR -0.27% a year, +0.27% in the desired direction
    assert _category(data, direction="decrease") == LIMITED
    result = assess_progress(data, direction="decrease", limit=10.0)
    assert result["category"].iloc[0] == ACCELERATE
    assert f"C = {1 - 0.9**4.44:.3g}" in result["note"].iloc[0]


def test_base_on_the_limit_is_on_track_unless_it_falls():
    """Open SDG, Special considerations: when y0 = ylim, C = 0 and "if the calculated progress
    value is zero or greater (CAGR >= 0) ... a progress status of 'On track'"."""
    assert _category(_from(100.0, 100.0), limit=100.0) == ON_TRACK
    assert _category(_from(100.0, 99.0), limit=100.0) == DETERIORATION


def test_a_limit_against_the_desired_direction_is_ignored():
    """Open SDG: "a maximum limit is not considered for indicators whose desired direction of
    progress is negative"."""
    data = _from(95.0, 94.0)
    assert "C =" not in assess_progress(data, direction="decrease", limit=100.0)["note"].iloc[0]


def test_zero_base_is_replaced_by_a_thousandth():
    """Open SDG, Special considerations: "If the base value is zero, it is replaced by 0.001"."""
    result = assess_progress(_from(0.0, 5.0))
    assert result["actual_cagr"].iloc[0] == pytest.approx((5.0 / 0.001) ** (1 / 5) - 1)
    assert "base value 0 replaced by 0.001" in result["note"].iloc[0]


def test_negative_values_flip_the_direction():
    """Open SDG, Minimum data requirements: "If all values are negative, the desired direction
    of progress is flipped": -10 -> -5 is a rise, so progress for an increase."""
    assert _category(_from(-10.0, -5.0)) == ON_TRACK


def test_values_of_both_signs_are_unable_to_assess():
    result = assess_progress(_from(-10.0, 5.0))
    assert result["status"].iloc[0] == INSUFFICIENT
    assert result["note"].iloc[0].startswith("Unable to assess")


# --- Open SDG: base year and data requirements --------------------------------------------


def test_base_is_the_first_year_after_a_missing_base_year():
    """Open SDG, Special considerations for the base year: "Should there be no available data
    for 2015, the first available year following 2015 will be used"."""
    data = pd.Series([50.0, 10.0, 12.0, 20.0], index=[2014, 2016, 2017, 2021])
    result = assess_progress(data)
    assert result["base_year"].iloc[0] == 2016
    assert result["base_value"].iloc[0] == 10.0


def test_one_year_of_data_is_unable_to_assess():
    """Open SDG, Minimum data requirements: "At least two years of data is required"."""
    result = assess_progress(pd.Series([10.0, 12.0], index=[2012, 2016]))
    assert result["status"].iloc[0] == INSUFFICIENT
    assert "at least two are needed" in result["note"].iloc[0]
    assert pd.isna(result["category"].iloc[0])


def test_nothing_from_the_base_year_on_is_unable_to_assess():
    result = assess_progress(pd.Series([10.0, 12.0], index=[2010, 2012]))
    assert result["status"].iloc[0] == INSUFFICIENT
    assert "no observation in or after 2015" in result["note"].iloc[0]


def test_all_nan_is_insufficient():
    result = assess_progress(pd.Series([np.nan] * 3, index=[2015, 2016, 2017]))
    assert result["status"].iloc[0] == INSUFFICIENT
    assert list(result.columns) == list(PROGRESS_COLUMNS)


def test_nans_are_dropped_first():
    holed = pd.Series([np.nan, 10.0, 11.0, np.nan, 13.0, np.nan], index=range(2015, 2021))
    pdt.assert_frame_equal(
        assess_progress(holed, target=20.0), assess_progress(holed.dropna(), target=20.0)
    )


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"direction": "up"}, "direction"),
        ({"target": -5.0}, "target"),
        ({"target": np.inf}, "target"),
        ({"target_year": 2015}, "target_year"),
        ({"limit": np.nan}, "limit"),
    ],
)
def test_bad_arguments_raise(kwargs, match):
    with pytest.raises(ValueError, match=match):
        assess_progress(_from(10.0, 15.0), **kwargs)
