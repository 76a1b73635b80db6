import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from pandas.testing import assert_frame_equal

from helpers import models
from helpers.tidy import wrangle
from helpers.topics.southsouth import data as southsouth
from helpers.topics.southsouth import figures as southsouth_figures
from helpers.topics.southsouth import text as southsouth_text

NET_Q, GE_Q = "DAC1.ODA.NET.CONSTANT", "DAC1.ODA.GE.CONSTANT"
R = southsouth.SOUTH_SOUTH_SERIES


def _tidy(rows: list[tuple]) -> pd.DataFrame:
    """(economy, year, series, value) tuples as a canonical tidy frame."""
    frame = pd.DataFrame(rows, columns=["economy", "year", "series", "value"])
    return frame.assign(
        economy_name=frame["economy"] + " name",
        unit="u",
        source="worldbank",
        vintage="v1",
        snapshot_id="s1",
    )


def _reference() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "economy": ["ARE", "TUR", "USA", "DEU", "4EU001", "KEN", "BGD", "BRA", "NOR"],
            "economy_name": ["UAE", "Turkey", "US", "Germany", "EU", "Kenya", "BD", "BR", "NO"],
            "region": ["MEA", "ECS", "NAC", "ECS", None, "SSF", "SAS", "LCN", "ECS"],
            "income_group": ["HIC", "UMC", "HIC", "HIC", None, "LMC", "LMC", "UMC", "HIC"],
            "is_aggregate": [False] * 9,
            "dac_member": [False, False, True, True, True, False, False, False, True],
            "beyond_dac": [True, True, False, False, False, False, False, False, False],
            "global_south": [False, True, False, False, False, True, True, True, False],
        }
    )


def test_provider_groups_leave_eu_institutions_and_non_providers_out():
    out = southsouth.provider_groups(_reference()).set_index("economy")["provider_group"]
    assert out.to_dict() == {
        "ARE": southsouth.BEYOND_DAC,
        "TUR": southsouth.BEYOND_DAC,
        "USA": southsouth.DAC_MEMBERS,
        "DEU": southsouth.DAC_MEMBERS,
        "NOR": southsouth.DAC_MEMBERS,
    }


def test_dac1_series_follows_the_price_basis():
    assert southsouth.dac1_series("current")[:2] == ["DAC1.ODA.NET.CURRENT", "DAC1.ODA.GE.CURRENT"]
    assert NET_Q in southsouth.dac1_series("constant")


def test_oda_volumes_keeps_providers_at_the_price_basis_asked():
    frame = _tidy(
        [
            ("ARE", 2017, NET_Q, 10.0),
            ("ARE", 2018, NET_Q, 12.0),
            ("ARE", 2018, GE_Q, 13.0),
            ("ARE", 2018, "DAC1.ODA.NET.CURRENT", 99.0),
            ("KEN", 2018, NET_Q, 1.0),  # not a provider
        ]
    )
    out = southsouth.oda_volumes(frame, _reference(), "constant")
    assert out["economy"].tolist() == ["ARE", "ARE"]
    assert out["net"].tolist() == [10.0, 12.0]
    assert np.isnan(out["ge"].iloc[0]) and out["ge"].iloc[1] == 13.0


def test_group_totals_sum_and_count_providers():
    volumes = pd.DataFrame(
        {
            "provider_group": ["b", "b", "b", "d"],
            "year": [2018, 2018, 2019, 2018],
            "net": [1.0, 2.0, np.nan, 5.0],
            "ge": [np.nan, np.nan, np.nan, 6.0],
        }
    )
    out = southsouth.group_totals(volumes)
    expected = pd.DataFrame(
        {
            "provider_group": ["b", "b", "d"],
            "year": [2018, 2019, 2018],
            "net": [3.0, np.nan, 5.0],
            "ge": [np.nan, np.nan, 6.0],
            "providers": [2, 0, 1],
        }
    )
    assert_frame_equal(out, expected)


def test_reporting_sentence_only_when_the_number_of_providers_changes():
    totals = pd.DataFrame({"provider_group": ["b", "b", "d", "d"], "providers": [3, 5, 2, 2]})
    assert southsouth_text.reporting_sentence(totals).startswith(
        "The number of providers reporting changes over these years (b: 3 to 5)"
    )
    assert southsouth_text.reporting_sentence(totals.iloc[2:]) is None


def test_index_totals_starts_at_100_in_the_first_common_year():
    totals = pd.DataFrame(
        {"provider_group": ["a", "a", "a", "b", "b"], "year": [2000, 2001, 2002, 2001, 2002]}
    ).assign(net=[1.0, 2.0, 4.0, 10.0, 5.0])
    out = southsouth.index_totals(totals)
    assert out["index"].tolist() == [50.0, 100.0, 200.0, 100.0, 50.0]


def test_oda_gni_ratio_uses_grant_equivalent_from_2018_and_net_over_gni_before():
    frame = _tidy(
        [
            ("ARE", 2017, southsouth.ODA_NET_CURRENT, 5.0),
            ("ARE", 2017, southsouth.GNI_CURRENT, 1000.0),
            ("ARE", 2018, southsouth.ODA_NET_CURRENT, 6.0),
            ("ARE", 2018, southsouth.GNI_CURRENT, 1000.0),
            ("ARE", 2018, southsouth.ODA_GNI_GE, 0.52),
            ("TUR", 2018, southsouth.ODA_NET_CURRENT, 3.0),
            ("TUR", 2018, southsouth.GNI_CURRENT, 100.0),
        ]
    )
    out = southsouth.oda_gni_ratio(frame).set_index(["economy", "year"])
    assert out.loc[("ARE", 2017), "value"] == pytest.approx(0.5)
    assert out.loc[("ARE", 2017), "measure"] == "net flows / GNI"
    assert out.loc[("ARE", 2018), "value"] == 0.52
    assert out.loc[("ARE", 2018), "measure"] == "grant equivalent"
    assert out.loc[("TUR", 2018), "value"] == pytest.approx(3.0)
    assert "no grant-equivalent" in out.loc[("TUR", 2018), "measure"]


def test_latest_ratio_table_takes_each_providers_latest_year_largest_first():
    ratio = pd.DataFrame(
        {
            "economy": ["ARE", "ARE", "TUR", "USA"],
            "economy_name": ["UAE", "UAE", "Turkey", "US"],
            "year": [2019, 2020, 2019, 2020],
            "value": [0.6, 0.5, 1.1, 0.2],
            "measure": ["grant equivalent"] * 4,
        }
    )
    volumes = pd.DataFrame(
        {
            "economy": ["ARE", "TUR", "USA"],
            "provider_group": [southsouth.BEYOND_DAC, southsouth.BEYOND_DAC, "DAC members"],
            "year": [2020, 2019, 2020],
            "net": [100.0, 200.0, 300.0],
            "ge": [101.0, 201.0, 301.0],
        }
    )
    out = southsouth.latest_ratio_table(ratio, volumes)
    assert out["economy"].tolist() == ["TUR", "ARE"]
    assert out["year"].tolist() == [2019, 2020]
    assert out["oda_gni_pct"].tolist() == [1.1, 0.5]
    assert out["oda_net"].tolist() == [200.0, 100.0]


def test_group_median_ratio_counts_providers():
    ratio = pd.DataFrame({"economy": ["ARE", "TUR", "USA"], "year": 2020, "value": [1, 3, 2.0]})
    volumes = pd.DataFrame(
        {"economy": ["ARE", "TUR", "USA"], "provider_group": ["b", "b", "d"], "year": 2020}
    )
    out = southsouth.group_median_ratio(ratio, volumes, 2020).set_index("provider_group")
    assert out.loc["b", "median"] == 2.0 and out.loc["b", "providers"] == 2


def test_top_providers_groups_the_rest():
    volumes = pd.DataFrame(
        {
            "economy": ["A", "B", "C"],
            "economy_name": ["a", "b", "c"],
            "provider_group": southsouth.BEYOND_DAC,
            "year": 2020,
            "net": [1.0, 5.0, 3.0],
        }
    )
    out = southsouth.top_providers(volumes, top=2)
    assert out.columns.tolist() == ["year", "b", "c", "Other providers"]
    assert out.iloc[0].tolist() == [2020, 5.0, 3.0, 1.0]


def test_growth_sentence_says_why_growth_is_not_estimated():
    short = models.cagr(pd.Series([1.0, 2.0, 3.0], index=[2018, 2019, 2020]))
    text = southsouth_text.growth_sentence(short, "Providers", 0.95)
    assert text.startswith("Growth for Providers is not estimated: 3 usable")
    assert "no data" in southsouth_text.growth_sentence(short.iloc[0:0], "X", 0.95)


def test_growth_sentence_quotes_the_rate_and_interval():
    series = pd.Series(100 * 1.05 ** np.arange(8) * [1, 1.01, 0.99, 1, 1.02, 0.98, 1, 1.01])
    result = models.cagr(series.set_axis(range(2000, 2008)))
    text = southsouth_text.growth_sentence(result, "DAC members", 0.9)
    assert text.startswith("DAC members: +5.") and "90% interval" in text


def test_forecast_sentence_with_too_few_years():
    result = models.forecast(pd.Series([1.0, 2.0, 3.0], index=[2018, 2019, 2020]))
    assert "at least 8" in southsouth_text.forecast_sentence(result, "x", 0.95)


def test_fmt_usd_reads_millions():
    assert southsouth_text.fmt_usd(2500.0) == "US$2.5 billion"


def _trade() -> pd.DataFrame:
    rows = [("KEN", 2010, s, v) for s, v in zip(R, [1, 2, 3, 4, 5, 6.0], strict=True)]
    rows += [("BGD", 2010, s, v) for s, v in zip(R, [3, 2, 1, 1, 10, 3.0], strict=True)]
    rows += [("BRA", 2010, s, 1.0) for s in R[:5]]  # one region missing
    return _tidy(rows)


def test_south_south_share_is_the_sum_of_the_six_regions_when_all_are_reported():
    out = southsouth.south_south_shares(_trade()).set_index("economy")
    assert out.loc["KEN", "value"] == 21.0
    assert out.loc["BGD", "value"] == 20.0
    assert np.isnan(out.loc["BRA", "value"]) and out.loc["BRA", "regions"] == 5
    relaxed = southsouth.south_south_shares(_trade(), min_regions=5).set_index("economy")
    assert relaxed.loc["BRA", "value"] == 5.0


def test_group_medians_by_reference_column_and_year():
    frame = pd.DataFrame(
        {
            "economy": ["KEN", "BGD", "BRA", "XXX"],
            "year": 2010,
            "series": "S",
            "value": [1.0, 3.0, 10.0, 50.0],
        }
    )
    out = wrangle.group_medians(frame, _reference(), by="income_group")
    expected = pd.DataFrame(
        {
            "income_group": ["LMC", "UMC"],
            "series": "S",
            "year": 2010,
            "median": [2.0, 10.0],
            "n": [2, 1],
        }
    )
    assert_frame_equal(out, expected)


def test_exporter_medians_add_all_developing_exporters():
    shares = southsouth.south_south_shares(_trade()).dropna(subset=["value"])
    out = southsouth.exporter_medians(shares, _reference()).set_index("exporter_region")
    assert out.loc["SSF", "median"] == 21.0
    assert out.loc[southsouth.ALL_EXPORTERS, "median"] == 20.5
    assert out.loc[southsouth.ALL_EXPORTERS, "n"] == 2


def test_destination_medians_tabulate_exporter_by_destination_region():
    trade = _trade()
    shares = southsouth.south_south_shares(trade)
    out = southsouth.destination_medians(trade, shares, _reference(), 2010)
    out = out.set_index("exporter_region")
    assert out.loc["SSF", "Sub-Saharan Africa"] == 6.0
    assert out.loc["SAS", "South Asia"] == 10.0
    assert out.loc[southsouth.ALL_EXPORTERS, "East Asia & Pacific"] == 2.0
    assert out.loc[southsouth.ALL_EXPORTERS, "All developing regions"] == 20.5
    assert out.loc[southsouth.ALL_EXPORTERS, "exporters"] == 2  # BRA is incomplete


def test_median_trends_and_sentences():
    medians = pd.DataFrame(
        {
            "income_group": "Low income",
            "series": southsouth.FDI,
            "year": range(2000, 2010),
            "median": [1.0, 1.2, 1.1, 1.4, 1.5, 1.4, 1.7, 1.8, 1.8, 2.0],
        }
    )
    trends = southsouth.median_trends(medians, "income_group", 0.95)
    assert trends["term"].tolist() == ["slope"]
    (sentence,) = southsouth_text.trend_sentences(trends, "income_group", 0.95)
    assert sentence.startswith("FDI net inflows, Low income: median +0.1")
    assert "a clear trend" in sentence
    empty = southsouth.median_trends(medians.iloc[0:0], "income_group", 0.95)
    assert empty.empty and "estimate" in empty.columns


def test_figures_draw_without_error():
    _fig, axes = plt.subplots(1, 2)
    trade = _trade()
    shares = southsouth.south_south_shares(trade).dropna(subset=["value"])
    southsouth_figures.draw_trade(
        axes,
        southsouth.exporter_medians(shares, _reference()),
        southsouth.destination_medians(trade, shares, _reference(), 2010),
    )
    # The project theme puts titles on the left (helpers.plots); read whichever slot holds it.
    titles = {axes[1].get_title(loc=loc) for loc in ("left", "center")}
    assert "Median share by destination, 2010" in titles
    _fig2, axes2 = plt.subplots(1, 2)
    southsouth_figures.draw_resources(
        axes2, pd.DataFrame(columns=["series", "income_group", "year"])
    )
    assert "No data for" in axes2[0].texts[0].get_text()
    plt.close("all")


def test_growth_sentence_prints_the_short_series_caveat():
    series = pd.Series(100 * 1.05 ** np.arange(8) * [1, 1.01, 0.99, 1, 1.02, 0.98, 1, 1.01])
    result = models.cagr(series.set_axis(range(2000, 2008)))
    text = southsouth_text.growth_sentence(result, "DAC members", 0.9)
    assert "allowing for AR(1) errors)." in text
    assert text.endswith(
        "With only 8 years the autocorrelation is poorly estimated and the "
        "interval is likely too narrow if the errors are autocorrelated."
    )


def test_non_dac_coverage_compares_the_sum_beyond_the_dac_with_the_oecd_total():
    reference = pd.DataFrame(
        {
            "economy": ["TUR", "SAU", "NOR"],
            "economy_name": ["Türkiye", "Saudi Arabia", "Norway"],
            "dac_member": [False, False, True],
            "beyond_dac": [True, True, False],
            "is_aggregate": [False, False, False],
        }
    )
    current = pd.DataFrame(
        {
            "economy": ["TUR", "SAU", "NOR", "WXDAC", "TUR", "SAU", "WXDAC"],
            "economy_name": ["Türkiye", "Saudi Arabia", "Norway", "Non-DAC", "T", "S", "N"],
            "series": ["DAC1.ODA.NET.CURRENT"] * 7,
            "year": [2020, 2020, 2020, 2020, 2019, 2019, 2019],
            "value": [600.0, 350.0, 4000.0, 1000.0, 500.0, 400.0, 900.0],
        }
    )
    coverage = southsouth.non_dac_coverage(current, reference)
    assert coverage["year"].tolist() == [2019, 2020]
    assert coverage["share"].tolist() == pytest.approx([1.0, 0.95])
    sentence = southsouth_text.coverage_sentence(coverage)
    assert sentence.startswith("In 2020 the 2 providers beyond the DAC summed here gave US$950.0")
    assert "**95%** of the OECD's own total for non-DAC providers" in sentence
    assert "Russia among them" in sentence
    complete = southsouth_text.coverage_sentence(coverage.iloc[:1])
    assert "**100%**" in complete and "Russia" not in complete
    assert southsouth.non_dac_coverage(None, reference).empty
    assert southsouth_text.coverage_sentence(coverage.iloc[0:0]) is None
