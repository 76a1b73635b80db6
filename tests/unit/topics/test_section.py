"""Sections and their skip notes."""

from helpers.topics.section import missing_note, require
from tests.fakes.frames import one_row


def test_missing_note_names_the_absent_series_and_how_to_get_them():
    note = missing_note(one_row(), ["S", "IT.NET.USER.ZS"], "The internet section")
    assert "IT.NET.USER.ZS" in note and "sdg17 import" in note
    assert missing_note(one_row(), ["S"], "x") is None


def test_require_skips_a_section_whose_series_are_absent():
    assert require(one_row(), "S", "The S section") is None
    skipped = require(one_row(), ["S", "IT.NET.USER.ZS"], "The internet section")
    assert not skipped.ok and skipped.note.startswith("**The internet section is skipped:**")
    assert "IT.NET.USER.ZS" in require(None, "IT.NET.USER.ZS", "The section").note
