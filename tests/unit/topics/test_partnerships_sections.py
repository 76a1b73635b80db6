"""The sections of notebook 05 (partnerships, trade and capacity) on the demo store: sentences,
tables and figures, and the one-sentence skip note when the series a section needs are absent."""

from __future__ import annotations

import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers import tidy
from helpers.store import Store
from helpers.topics.partnerships import data as partnerships
from helpers.topics.partnerships import sections

P = partnerships
ECONOMIES = ["KEN", "ETH", "BGD", "NPL", "RWA", "UGA", "GHA", "SEN", "PAK", "NGA", "IND"]


@pytest.fixture(scope="module")
def demo(demo_root):
    store = Store(demo_root)
    obs = tidy.load(P.SERIES, economies=ECONOMIES, start=2000, end=2024, store=store)
    aggs = P.group_rows(tidy.load(P.GROUP_SERIES, aggregates=True, store=store), P.GROUP_SERIES)
    return obs, aggs, tidy.economies(store=store)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    plt.close("all")


def _without(frame: pd.DataFrame, *series: str) -> pd.DataFrame:
    return frame[~frame["series"].isin(series)].reset_index(drop=True)


def test_check_section_is_silent_when_all_is_there_and_names_what_is_not(demo):
    obs, aggs, _ = demo
    assert sections.check_section(obs, aggs).text == []
    # one aid series is enough: the other is an alternative, not a lack
    assert sections.check_section(_without(obs, P.RECEIVED_CURRENT), aggs).text == []
    (note,) = sections.check_section(_without(obs, P.SPI), aggs.iloc[0:0]).text
    assert note.startswith("**Part of this page is skipped:**")
    assert P.SPI in note and P.EXPORT_SHARE in note and P.REVENUE not in note


def test_every_section_has_text_tables_and_a_figure(demo):
    obs, aggs, reference = demo
    built = {
        "domestic": sections.domestic_section(obs, reference, ECONOMIES),
        "capacity": sections.capacity_section(obs, ECONOMIES, 2000, 2024),
        "trade": sections.trade_section(obs, aggs, ECONOMIES),
        "policy": sections.policy_section(obs, reference, ECONOMIES, 2000, 2024),
        "statistics": sections.statistics_section(obs, reference, ECONOMIES, 2000, 2024),
        "aid": sections.volatility_section(obs, reference, ECONOMIES, 0.9),
    }
    for name, section in built.items():
        assert section.ok and section.lead, name
        assert section.figures and (section.saved or section.tables), name
    aid = built["aid"]
    assert set(aid.saved["aid_volatility"]["economy"]) == set(ECONOMIES)
    assert "90% interval" in aid.text[0]


def test_volatility_falls_back_to_current_prices_and_says_so(demo):
    obs, _, reference = demo
    section = sections.volatility_section(
        _without(obs, P.RECEIVED_CONSTANT), reference, ECONOMIES, 0.95
    )
    assert "`DT.ODA.ODAT.CD`" in section.lead
    assert any("at current prices" in sentence for sentence in section.text)


def test_sections_without_their_series_are_skipped_with_one_sentence(demo):
    obs, _, reference = demo
    empty = obs.iloc[0:0]
    notes = {
        "domestic": sections.domestic_section(empty, reference, ECONOMIES).note,
        "capacity": sections.capacity_section(empty, ECONOMIES, 2000, 2024).note,
        "trade": sections.trade_section(empty, None, ECONOMIES).note,
        "policy": sections.policy_section(empty, reference, ECONOMIES, 2000, 2024).note,
        "statistics": sections.statistics_section(empty, reference, ECONOMIES, 2000, 2024).note,
        "aid": sections.volatility_section(empty, reference, ECONOMIES, 0.95).note,
    }
    assert notes["domestic"].startswith("**The domestic-resources section is skipped:**")
    assert notes["aid"].startswith("**The aid-volatility section (either series) is skipped:**")
    assert P.RECEIVED_CONSTANT in notes["aid"] and P.RECEIVED_CURRENT in notes["aid"]
    for name, note in notes.items():
        assert note and "sdg17 fetch" in note, name


def test_a_section_with_part_of_its_series_shows_that_part(demo):
    obs, aggs, reference = demo
    policy = sections.policy_section(
        _without(obs, P.POLICY_COHERENCE, P.RESULTS_FRAMEWORKS, P.PPP),
        reference,
        ECONOMIES,
        2000,
        2024,
    )
    assert policy.ok and policy.lead.endswith("economies asked for have no report.")
    trade = sections.trade_section(_without(obs, P.MFN_TARIFF), aggs.iloc[0:0], ECONOMIES)
    assert not trade.ok
    only_mfn = sections.trade_section(obs, None, ECONOMIES)
    assert only_mfn.ok and any("economy-group part is skipped" in t for t in only_mfn.text)


def test_gaps_section_lists_the_catalogue_gap(demo):
    obs, aggs, _ = demo
    section = sections.gaps_section(pd.concat([obs, aggs]), pd.concat([obs, aggs]))
    gaps = section.tables["indicator_gaps"].set_index("indicator")
    assert gaps.loc["17.5.1", "why"].startswith("no series")
    assert section.text[0].startswith(f"{len(gaps)} of the 24 SDG 17 indicators")
