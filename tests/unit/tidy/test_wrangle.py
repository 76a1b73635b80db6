import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from helpers.errors import CatalogueError
from helpers.tidy import wrangle


def _tidy(rows):
    return pd.DataFrame(rows, columns=["economy", "economy_name", "year", "series", "value"])


FRAME = _tidy(
    [
        ("KEN", "Kenya", 2000, "S", 1.0),
        ("KEN", "Kenya", 2005, "S", 3.0),
        ("BGD", "Bangladesh", 2001, "S", 2.0),
        ("BGD", "Bangladesh", 2001, "T", 9.0),
    ]
)


def test_latest_takes_the_most_recent_year_per_economy_and_series():
    got = wrangle.latest(FRAME)[["economy", "series", "year", "value"]]
    want = pd.DataFrame(
        {
            "economy": ["BGD", "BGD", "KEN"],
            "series": ["S", "T", "S"],
            "year": [2001, 2001, 2005],
            "value": [2.0, 9.0, 3.0],
        }
    )
    assert_frame_equal(got, want)


def test_years_is_inclusive():
    assert wrangle.years(FRAME, 2001, 2005)["year"].tolist() == [2005, 2001, 2001]


def test_wide_has_one_column_per_series():
    got = wrangle.wide(FRAME)
    assert list(got.columns) == ["economy", "economy_name", "year", "S", "T"]
    assert got.loc[got["economy"] == "BGD", "T"].item() == 9.0


def test_group_mean_weighted_and_unweighted():
    frame = pd.DataFrame({"g": ["a", "a", "b"], "value": [1.0, 3.0, 5.0]})
    plain = wrangle.group_mean(frame, ["g"])
    assert plain["value"].tolist() == [2.0, 5.0] and plain["n"].tolist() == [2, 1]
    weighted = wrangle.group_mean(frame, ["g"], weights=pd.Series([3.0, 1.0, 1.0]))
    assert weighted["value"].tolist() == [1.5, 5.0]


def test_with_groups_joins_reference_columns():
    ref = pd.DataFrame(
        {
            "economy": ["KEN", "BGD"],
            "income_group": ["Lower middle income"] * 2,
            "ldc": [False, True],
        }
    )
    got = wrangle.with_groups(FRAME, ref)
    assert got.loc[got["economy"] == "BGD", "ldc"].all()
    assert "region" not in got.columns


def test_price_series_switches_basis_and_rejects_unknown():
    assert wrangle.price_series("DAC1.ODA.NET.CURRENT", "constant") == "DAC1.ODA.NET.CONSTANT"
    with pytest.raises(CatalogueError):
        wrangle.price_series("DAC1.ODA.GNI.GE", "constant")


def test_coverage_counts_economies_per_series_year():
    got = wrangle.coverage(FRAME)
    assert got.loc[(got["series"] == "S") & (got["year"] == 2001), "economies"].item() == 1


def test_group_medians_drop_thinly_reported_years_with_min_share():
    ref = pd.DataFrame({"economy": ["A", "B", "C"], "income_group": ["Low income"] * 3})
    frame = pd.DataFrame(
        {
            "economy": ["A", "B", "C", "A"],
            "year": [2000, 2000, 2000, 2001],
            "value": [1.0, 2.0, 9.0, 5.0],
        }
    )
    every = wrangle.group_medians(frame, ref)
    assert every["median"].tolist() == [2.0, 5.0] and every["n"].tolist() == [3, 1]
    thin_dropped = wrangle.group_medians(frame, ref, min_share=0.5)
    assert thin_dropped["year"].tolist() == [2000]
