import matplotlib.pyplot as plt
import pandas as pd
import pytest

from helpers.errors import ParameterError
from helpers.notebook import params
from helpers.notebook import support as report
from helpers.sources.demo.notice import DEMO_NOTICE
from helpers.topics import plots
from helpers.topics.section import Section, require


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


def test_inverted_years_stop_with_one_sentence():
    with pytest.raises(ParameterError, match="after end_year") as err:
        params.check_years(2020, 2000)
    assert err.value._render_traceback_() == [f"Parameter error: {err.value}"]


@pytest.mark.parametrize("value", [0, 1.5, "0.9", True])
def test_confidence_level_must_be_a_probability(value):
    with pytest.raises(ParameterError, match="confidence_level"):
        params.check_value("confidence_level", value)


def test_choice_names_the_options():
    with pytest.raises(ParameterError, match="current, constant"):
        params.check_value("price_basis", "nominal")


def test_missing_note_names_the_absent_series_and_how_to_get_them():
    note = report.missing_note(_tidy(), ["S", "IT.NET.USER.ZS"], "The internet section")
    assert "IT.NET.USER.ZS" in note and "sdg17 import" in note
    assert report.missing_note(_tidy(), ["S"], "x") is None


def test_fmt_scales_numbers_for_prose():
    assert report.fmt(1.234e9, "$") == "$1.2 billion"
    assert report.fmt(-2.5e6) == "-2.5 million"
    assert report.fmt(0.314, "%", 2) == "0.31%"
    assert report.fmt(float("nan")) == "n/a"


def test_save_table_writes_csv_only_with_an_output_dir(tmp_path):
    assert report.save_table(_tidy(), "t", "") is None
    assert report.save_table(_tidy(), "t", tmp_path).read_text().startswith("economy,")


def test_source_line_names_source_series_and_vintage():
    line = plots.source_line(_tidy())
    assert line == "Source: World Bank WDI, S (updated 2026-04-08)"


def test_demo_figures_carry_the_notice_and_save_png_and_svg(tmp_path):
    fig, ax = plots.figure()
    ax.plot([1, 2], [3, 4])
    plots.finish(
        fig, title="t", source=plots.source_line(_tidy("demo")), demo=plots.is_demo(_tidy("demo"))
    )
    texts = [t.get_text() for t in fig.texts]
    assert DEMO_NOTICE in texts
    written = plots.save(fig, "fig", tmp_path)
    assert [p.suffix for p in written] == [".png", ".svg"]
    assert all(p.stat().st_size > 1000 for p in written)
    assert DEMO_NOTICE in (tmp_path / "fig.svg").read_text()


def test_finish_derives_the_source_line_and_the_demo_notice_from_the_data():
    fig, ax = plots.figure()
    ax.plot([1, 2], [3, 4])
    plots.finish(fig, title="t", data=_tidy("demo"))
    texts = [t.get_text() for t in fig.texts]
    assert DEMO_NOTICE in texts
    assert "Source: synthetic demo, S (updated 2026-04-08)" in texts
    fig2, _ = plots.figure()
    plots.finish(fig2, title="t", data=_tidy("worldbank"), series=["S"])
    texts = [t.get_text() for t in fig2.texts]
    assert DEMO_NOTICE not in texts
    assert "Source: World Bank WDI, S (updated 2026-04-08)" in texts
    plt.close("all")


def test_show_saves_tables_and_figures_and_shows_the_skip_note(tmp_path, monkeypatch):
    said = []
    monkeypatch.setattr(report, "md", said.append)
    fig, _ = plots.figure()
    shown = Section(
        text=["A finding."],
        tables={"shown": pd.DataFrame({"a": [1]}), "empty": pd.DataFrame({"a": []})},
        shown={"view": pd.DataFrame({"b": ["2.0"]})},
        saved={"behind": pd.DataFrame({"b": [2]})},
        figures={"chart": fig},
    )
    displayed = []
    monkeypatch.setattr(report, "_display", displayed.append)
    report.show(shown, tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["behind.csv", "chart.png", "chart.svg", "empty.csv", "shown.csv"]
    assert not plt.fignum_exists(fig.number)  # shown once, then closed
    assert [type(d).__name__ for d in displayed] == ["DataFrame", "DataFrame", "Figure"]
    assert displayed[1]["b"].tolist() == ["2.0"]  # the view is shown, not saved
    report.show(Section.skipped("**X is skipped:** no data."), tmp_path / "skipped")
    assert not (tmp_path / "skipped").exists()
    report.show(None, tmp_path / "none")
    assert not (tmp_path / "none").exists()
    assert said == ["A finding.", "**X is skipped:** no data."]


def test_require_skips_a_section_whose_series_are_absent():
    assert require(_tidy(), "S", "The S section") is None
    skipped = require(_tidy(), ["S", "IT.NET.USER.ZS"], "The internet section")
    assert not skipped.ok and skipped.note.startswith("**The internet section is skipped:**")
    assert "IT.NET.USER.ZS" in require(None, "IT.NET.USER.ZS", "The section").note
