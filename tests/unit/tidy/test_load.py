"""``tidy.load`` catches an analyst's typos instead of returning nothing (issue 9, item 7)."""

from __future__ import annotations

import pytest

from helpers import tidy
from helpers.errors import CatalogueError, UsageError
from helpers.reference import groups

SERIES = "IT.NET.USER.ZS"


def _economies(frame) -> set[str]:
    return set(frame["economy"])


def test_a_single_economy_code_is_accepted(demo_root):
    assert _economies(tidy.load(SERIES, economies="KEN", store=demo_root)) == {"KEN"}


def test_economy_codes_ignore_case(demo_root):
    assert _economies(tidy.load(SERIES, economies=["ken", " bgd"], store=demo_root)) == {
        "KEN",
        "BGD",
    }


def test_series_ids_ignore_case(demo_root):
    frame = tidy.load("it.net.user.zs", economies="KEN", store=demo_root)
    assert set(frame["series"]) == {SERIES} and len(frame) > 0


def test_an_unknown_economy_is_refused_with_a_suggestion(demo_root):
    with pytest.raises(UsageError, match=r"KNE \(did you mean KEN"):
        tidy.load(SERIES, economies=["KNE"], store=demo_root)


def test_an_unknown_series_is_refused_with_a_suggestion(demo_root):
    with pytest.raises(CatalogueError, match=r"did you mean IT\.NET\.USER\.ZS"):
        tidy.load("IT.NET.USR.ZS", store=demo_root)


@pytest.mark.parametrize("group", ["LDC", "Low income", "global_south", "ssf"])
def test_groups_true_loads_the_members_of_a_group(demo_root, group):
    reference = tidy.economies(store=demo_root)
    frame = tidy.load(SERIES, economies=group, groups=True, store=demo_root)
    members = set(groups.members(group, reference))
    assert members and _economies(frame) == members & set(
        tidy.load(SERIES, store=demo_root)["economy"]
    )


def test_groups_and_codes_mix(demo_root):
    frame = tidy.load(SERIES, economies=["LDC", "IND"], groups=True, store=demo_root)
    assert "IND" in _economies(frame) and "ETH" in _economies(frame)


def test_a_group_name_without_groups_says_how_to_load_it(demo_root):
    with pytest.raises(UsageError, match=r"LDC: a group of economies.*groups=True.*aggregates="):
        tidy.load(SERIES, economies=["LDC"], store=demo_root)


def test_a_group_name_that_is_no_code_without_groups_says_how_to_load_it(demo_root):
    with pytest.raises(UsageError, match=r"Low income.*groups=True"):
        tidy.load(SERIES, economies="Low income", store=demo_root)


def test_aggregate_codes_are_read_from_the_aggregates_table(demo_root):
    frame = tidy.load(
        "DAC2A.ODA.RECEIVED.CURRENT", economies=["ldc", "dpgc"], aggregates=True, store=demo_root
    )
    assert _economies(frame) == {"LDC", "DPGC"}


def test_an_economy_asked_of_the_aggregates_table_is_refused(demo_root):
    with pytest.raises(UsageError, match=r"KEN: an economy, not an aggregate"):
        tidy.load(SERIES, economies=["KEN"], aggregates=True, store=demo_root)


def test_groups_cannot_be_expanded_in_the_aggregates_table(demo_root):
    with pytest.raises(UsageError, match="groups=True"):
        tidy.load(SERIES, economies=["LDC"], aggregates=True, groups=True, store=demo_root)
