"""Sections and their skip notes."""

import pandas as pd

from helpers.topics.section import missing_note, require


def _tidy(source="worldbank"):
    return pd.DataFrame(
        {
            "economy": ["KEN"],
            "economy_name": ["Kenya"],
            "year": [2020],
            "series": ["S"],
            "value": [1.0],
            "unit": ["%"],
            "source": [source],
            "vintage": ["updated 2026-04-08"],
            "snapshot_id": ["x"],
        }
    )


def test_missing_note_names_the_absent_series_and_how_to_get_them():
    note = missing_note(_tidy(), ["S", "IT.NET.USER.ZS"], "The internet section")
    assert "IT.NET.USER.ZS" in note and "sdg17 import" in note
    assert missing_note(_tidy(), ["S"], "x") is None


def test_require_skips_a_section_whose_series_are_absent():
    assert require(_tidy(), "S", "The S section") is None
    skipped = require(_tidy(), ["S", "IT.NET.USER.ZS"], "The internet section")
    assert not skipped.ok and skipped.note.startswith("**The internet section is skipped:**")
    assert "IT.NET.USER.ZS" in require(None, "IT.NET.USER.ZS", "The section").note
