"""What a notebook puts on its page: sections, Markdown, the demo banner, saved tables.

A notebook shows each section of analysis with one call, ``page.show(section, output_dir)``:
its sentences, tables and figures, or the one sentence saying why it is skipped; the tables are
saved as CSV and the figures as PNG and SVG in ``output_dir`` (nothing is written when it is
empty, as in JupyterLab).
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from helpers.notebook import tables
from helpers.sources.demo.notice import DEMO_NOTICE
from helpers.topics import plots, prose
from helpers.topics.section import Section


def md(text: str | None) -> None:
    """Show Markdown in a notebook (plain text elsewhere); None shows nothing.

    Every text a helper shows passes here, so amounts stay text: ``$`` and TeX commands are
    escaped (``prose.markdown_text``) and never typeset as math in JupyterLab or in HTML.
    """
    if not text:
        return
    try:
        from IPython.display import Markdown, display

        display(Markdown(prose.markdown_text(text)))
    except ImportError:  # pragma: no cover - IPython is a dependency
        print(text)


def demo_banner(frame: pd.DataFrame | None) -> str | None:
    if plots.is_demo(frame):
        return f"> ⚠️ **{DEMO_NOTICE}** Every number and figure below is made up for the demo."
    return None


def save_table(frame: pd.DataFrame | None, name: str, output_dir: str | Path | None) -> Path | None:
    """Write a table as CSV in ``output_dir`` (nothing when it is empty, e.g. in JupyterLab,
    or when there is no table)."""
    if not output_dir or frame is None:
        return None
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.csv"
    frame.to_csv(path, index=False, float_format="%.6g")
    return path


def show(section: Section | None, output_dir: str | Path | None = None) -> None:
    """Show a section (its sentences, tables, figures, or the note why it is skipped) and save
    its tables and figures in ``output_dir``. ``None`` shows nothing."""
    if section is None:
        return
    if not section.ok:
        md(section.note)
        return
    for text in section.text:
        md(text)
    for name, table in section.tables.items():
        if table is not None and len(table):  # an empty table is saved, not shown
            _display(table)
        save_table(table, name, output_dir)
    for table in section.shown.values():
        if table is not None and len(table):
            _display(table)
    for name, table in section.saved.items():
        save_table(table, name, output_dir)
    for name, fig in section.figures.items():
        if fig is None:
            continue
        plots.save(fig, name, output_dir)
        _display(fig)
        plt.close(fig)  # shown once, here, not again by the inline backend at the cell's end


def _display(obj) -> None:
    """Show a table formatted for people (``tables.for_people``) or a figure; the one place
    sections reach the notebook's output."""
    if isinstance(obj, pd.DataFrame):
        obj = tables.for_people(obj)
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        print(obj)
        return
    display(obj)
