import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from helpers.errors import SchemaError
from helpers.reference import schema


def _frame(**overrides):
    base = {
        "economy": ["KEN", "KEN"],
        "economy_name": ["Kenya", "Kenya"],
        "year": [2000, 2001],
        "series": ["IT.NET.USER.ZS"] * 2,
        "value": [1.5, 2.5],
        "unit": ["% of population"] * 2,
        "source": ["worldbank"] * 2,
        "vintage": ["v1"] * 2,
        "snapshot_id": ["s1"] * 2,
    }
    base.update(overrides)
    return pd.DataFrame(base)


def test_valid_frame_passes_with_canonical_dtypes():
    out = schema.validate(_frame())
    assert list(out.columns) == schema.COLUMNS
    assert out["year"].dtype == "int64" and out["value"].dtype == "float64"


def test_duplicate_keys_are_named():
    with pytest.raises(SchemaError, match="duplicate") as err:
        schema.validate(_frame(year=[2000, 2000]))
    assert "KEN" in str(err.value) and "2000" in str(err.value)


def test_year_out_of_range_is_rejected():
    with pytest.raises(SchemaError, match="1900"):
        schema.validate(_frame(year=[1900, 2001]))


def test_mixed_units_for_one_series_are_rejected():
    with pytest.raises(SchemaError, match="more than one unit"):
        schema.validate(_frame(unit=["% of population", "per 100 people"]))


def test_percent_outside_0_100_is_named():
    with pytest.raises(SchemaError, match="outside 0-100") as err:
        schema.validate(_frame(value=[50.0, 101.0]))
    assert "101" in str(err.value)


def test_open_percent_series_may_exceed_100():
    frame = _frame(series=["DT.ODA.ODAT.GN.ZS"] * 2, value=[120.0, -3.0], unit=["% of GNI"] * 2)
    assert len(schema.validate(frame)) == 2


def _flag_frame(values):
    return _frame(
        series=["SG_STT_FPOS"] * 2, value=values, unit=["1 = yes, 0 = no"] * 2, source=["unsdg"] * 2
    )


def test_a_yes_no_series_holds_only_0_and_1():
    assert schema.validate(_flag_frame([0.0, 1.0]))["value"].tolist() == [0.0, 1.0]
    with pytest.raises(SchemaError, match="yes/no series with values other than 0 and 1") as err:
        schema.validate(_flag_frame([1.0, 0.5]))
    assert "0.5" in str(err.value)


def test_missing_value_is_rejected():
    with pytest.raises(SchemaError):
        schema.validate(_frame(value=[1.0, None]))


def test_empty_has_the_canonical_columns():
    assert_frame_equal(schema.empty(), schema.coerce(schema.empty()))
    assert list(schema.empty().columns) == schema.COLUMNS


# -- creditor columns (IDS lending by creditor) ---------------------------------------------
def test_a_frame_without_creditor_columns_gets_them_empty():
    out = schema.coerce(_frame())
    assert list(out.columns) == schema.COLUMNS
    for col in schema.CREDITOR_COLUMNS:
        assert out[col].tolist() == ["", ""]


def test_rows_by_creditor_may_share_economy_year_and_series():
    frame = _frame(
        year=[2000, 2000],
        creditor=["CHN", "WLD"],
        creditor_name=["China", "World"],
        creditor_group=["Southern", "all creditors"],
    )
    assert len(schema.validate(frame)) == 2
    with pytest.raises(SchemaError, match="duplicate"):
        schema.validate(frame.assign(creditor="CHN"))


def test_an_unknown_creditor_group_is_rejected():
    with pytest.raises(SchemaError, match="creditor_group"):
        schema.validate(_frame(creditor=["CHN"] * 2, creditor_group=["South"] * 2))
