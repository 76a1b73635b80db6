"""What a notebook puts on its page: shown sections, saved tables and figures."""

import matplotlib.pyplot as plt
import pandas as pd

from helpers.notebook import page
from helpers.topics import plots
from helpers.topics.section import Section
from tests.fakes.frames import one_row


def test_save_table_writes_csv_only_with_an_output_dir(tmp_path):
    assert page.save_table(one_row(), "t", "") is None
    assert page.save_table(one_row(), "t", tmp_path).read_text().startswith("economy,")


def test_show_saves_tables_and_figures_and_shows_the_skip_note(tmp_path, monkeypatch):
    said = []
    monkeypatch.setattr(page, "md", said.append)
    fig, _ = plots.figure()
    shown = Section(
        text=["A finding."],
        tables={"shown": pd.DataFrame({"a": [1]}), "empty": pd.DataFrame({"a": []})},
        shown={"view": pd.DataFrame({"b": ["2.0"]})},
        saved={"behind": pd.DataFrame({"b": [2]})},
        figures={"chart": fig},
    )
    displayed = []
    monkeypatch.setattr(page, "_display", displayed.append)
    page.show(shown, tmp_path)
    written = sorted(p.name for p in tmp_path.iterdir())
    assert written == ["behind.csv", "chart.png", "chart.svg", "empty.csv", "shown.csv"]
    assert not plt.fignum_exists(fig.number)  # shown once, then closed
    assert [type(d).__name__ for d in displayed] == ["DataFrame", "DataFrame", "Figure"]
    assert displayed[1]["b"].tolist() == ["2.0"]  # the view is shown, not saved
    page.show(Section.skipped("**X is skipped:** no data."), tmp_path / "skipped")
    assert not (tmp_path / "skipped").exists()
    page.show(None, tmp_path / "none")
    assert not (tmp_path / "none").exists()
    assert said == ["A finding.", "**X is skipped:** no data."]


def test_md_of_nothing_shows_nothing(monkeypatch):
    shown = []
    monkeypatch.setattr("IPython.display.display", shown.append)
    page.md(None)
    page.md("")
    assert shown == []
