"""The data behind a notebook, from the snapshot metadata."""

import pytest

from helpers import tidy
from helpers.notebook import provenance
from helpers.store import Store


@pytest.fixture(scope="module")
def rows(demo_root):
    store = Store(demo_root)
    return store, tidy.load(["IT.NET.USER.ZS", "DAC1.ODA.GNI.GE"], store=store)


def test_one_row_per_series_and_snapshot_with_licence_and_citation(rows):
    store, frame = rows
    table = provenance.table(frame, store)
    assert table["series"].tolist() == ["DAC1.ODA.GNI.GE", "IT.NET.USER.ZS"]
    assert table["rows"].sum() == len(frame)
    assert (table["licence"] == "CC0 1.0 (synthetic)").all()
    assert table["retrieved_at"].str.startswith("2025-01-01").all()


def test_section_stacks_what_the_notebook_read_and_saves_it_as_provenance(rows):
    store, frame = rows
    internet, oda = (frame[frame["series"] == s] for s in ("IT.NET.USER.ZS", "DAC1.ODA.GNI.GE"))
    got = provenance.section(internet, None, oda.iloc[0:0], oda, store=store)
    assert list(got.tables) == ["provenance"]
    assert got.tables["provenance"]["rows"].sum() == len(frame)


def test_nothing_read_gives_an_empty_table_with_the_columns(rows):
    store, _ = rows
    got = provenance.section(None, store=store).tables["provenance"]
    assert got.empty and {"series", "source", "vintage", "licence"} <= set(got.columns)
