"""Fractional-logit adoption curves: known-parameter recovery and edge cases."""

from __future__ import annotations

import numpy as np
import pandas.testing as pdt
import pytest
from scipy import special

from helpers.models import adoption
from helpers.models.results import INSUFFICIENT, OK
from tests.unit.models import synthetic

# --- fractional logit ----------------------------------------------------------------------


def test_fractional_logit_recovers_year_reaching_targets():
    result = adoption.fractional_logit(synthetic.adoption(0.3, 2012.0))
    assert synthetic.term(result, "slope")["estimate"] == pytest.approx(0.3, abs=0.03)
    assert synthetic.term(result, "year_reach_50")["estimate"] == pytest.approx(2012.0, abs=1.0)
    reach_75 = synthetic.term(result, "year_reach_75")
    assert reach_75["estimate"] == pytest.approx(2012 + special.logit(0.75) / 0.3, abs=1.0)
    assert reach_75["ci_low"] < reach_75["estimate"] < reach_75["ci_high"]


def test_fractional_logit_notes_target_already_reached():
    note = synthetic.term(adoption.fractional_logit(synthetic.adoption()), "year_reach_50")["note"]
    assert "already reached in the data" in note


def test_fractional_logit_declining_share_gives_no_target_year():
    reach = synthetic.term(
        adoption.fractional_logit(synthetic.adoption(slope=-0.3)), "year_reach_75"
    )
    assert reach["status"] == OK
    assert np.isnan(reach["estimate"])
    assert "no upward trend" in reach["note"]


def test_fractional_logit_saturation_rescales_values():
    share = adoption.fractional_logit(synthetic.adoption() / 100, saturation=1.0, targets=(0.5,))
    percent = adoption.fractional_logit(synthetic.adoption(), saturation=100.0, targets=(50.0,))
    pdt.assert_series_equal(share["estimate"], percent["estimate"])


def test_fractional_logit_rejects_values_above_saturation():
    data = synthetic.adoption()
    data[2003] = 101.0
    with pytest.raises(ValueError, match=r"years \[2003\]"):
        adoption.fractional_logit(data)


def test_fractional_logit_rejects_target_at_saturation():
    with pytest.raises(ValueError, match="targets"):
        adoption.fractional_logit(synthetic.adoption(), targets=(100.0,))


def test_fractional_logit_perfect_separation_is_insufficient():
    jump = synthetic.series([0.0, 0.0, 0.0, 0.0, 100.0, 100.0, 100.0, 100.0])
    synthetic.assert_insufficient(adoption.fractional_logit(jump), 8, "not identified")


def test_predict_fractional_logit_returns_curve_in_value_units():
    curve = adoption.predict_fractional_logit(synthetic.adoption(), [2000, 2012, 2030])
    assert list(curve.columns) == ["year", "fitted", "ci_low", "ci_high", "status", "note"]
    assert curve["fitted"].tolist() == pytest.approx(
        100 * special.expit(0.3 * np.array([-12, 0, 18])), abs=2.0
    )
    assert (curve["ci_low"] < curve["fitted"]).all() and (curve["fitted"] < curve["ci_high"]).all()


def test_predict_fractional_logit_with_too_few_points_is_insufficient():
    curve = adoption.predict_fractional_logit(synthetic.adoption().iloc[:4], [2030])
    assert curve["status"].tolist() == [INSUFFICIENT]
    assert curve["fitted"].isna().all()
