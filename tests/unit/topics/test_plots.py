"""The figure look: source line, demo notice, files."""

import matplotlib.pyplot as plt
import pytest

from helpers.errors import UsageError
from helpers.sources.demo.notice import DEMO_NOTICE
from helpers.topics import plots
from tests.fakes.frames import one_row


def test_source_line_names_source_series_and_vintage():
    line = plots.source_line(one_row())
    assert line == "Source: World Bank WDI, S (updated 2026-04-08)"


def test_demo_figures_carry_the_notice_and_save_png_and_svg_on_demand(tmp_path, monkeypatch):
    monkeypatch.setenv(plots.FORMATS_ENV, "png, svg")
    fig, ax = plots.figure()
    ax.plot([1, 2], [3, 4])
    plots.finish(
        fig,
        title="t",
        source=plots.source_line(one_row("demo")),
        demo=plots.is_demo(one_row("demo")),
    )
    texts = [t.get_text() for t in fig.texts]
    assert DEMO_NOTICE in texts
    written = plots.save(fig, "fig", tmp_path)
    assert [p.suffix for p in written] == [".png", ".svg"]
    assert all(p.stat().st_size > 1000 for p in written)
    assert DEMO_NOTICE in (tmp_path / "fig.svg").read_text()


def test_figures_are_saved_as_png_only_by_default(tmp_path, monkeypatch):
    monkeypatch.delenv(plots.FORMATS_ENV, raising=False)
    fig, ax = plots.figure()
    ax.plot([1, 2], [3, 4])
    assert plots.save(fig, "fig", tmp_path) == [tmp_path / "fig.png"]
    plt.close(fig)


def test_an_unknown_figure_format_is_refused_naming_the_valid_ones(monkeypatch):
    monkeypatch.setenv(plots.FORMATS_ENV, "png,jpeg")
    with pytest.raises(UsageError, match=r"unknown figure format.*jpeg.*png, svg, pdf"):
        plots.figure_formats()


def test_finish_derives_the_source_line_and_the_demo_notice_from_the_data():
    fig, ax = plots.figure()
    ax.plot([1, 2], [3, 4])
    plots.finish(fig, title="t", data=one_row("demo"))
    texts = [t.get_text() for t in fig.texts]
    assert DEMO_NOTICE in texts
    assert "Source: synthetic demo, S (updated 2026-04-08)" in texts
    fig2, _ = plots.figure()
    plots.finish(fig2, title="t", data=one_row("worldbank"), series=["S"])
    texts = [t.get_text() for t in fig2.texts]
    assert DEMO_NOTICE not in texts
    assert "Source: World Bank WDI, S (updated 2026-04-08)" in texts
    plt.close("all")
