"""What notebooks need around the analysis: parameter checks, missing-data notes, provenance.

A parameter error stops a notebook at its first cells with one sentence (IPython shows
``_render_traceback_`` instead of a traceback). Missing data is not an error: ``missing_note``
gives the sentence a section prints before it skips itself.
"""

from __future__ import annotations

from pathlib import Path

import matplotlib.pyplot as plt
import pandas as pd

from helpers import catalogue
from helpers.sources.demo.notice import DEMO_NOTICE
from helpers.store import Store
from helpers.topics import plots
from helpers.topics.prose import fmt  # noqa: F401  (notebooks call report.fmt)
from helpers.topics.section import Section, missing_note  # noqa: F401


def md(text: str | None) -> None:
    """Show Markdown in a notebook (plain text elsewhere); None shows nothing."""
    if not text:
        return
    try:
        from IPython.display import Markdown, display

        display(Markdown(text))
    except ImportError:  # pragma: no cover - IPython is a dependency
        print(text)


def demo_banner(frame: pd.DataFrame) -> str | None:
    if len(frame) and (frame["source"] == "demo").any():
        return f"> ⚠️ **{DEMO_NOTICE}** Every number and figure below is made up for the demo."
    return None


def provenance(frame: pd.DataFrame, store=None) -> pd.DataFrame:
    """The data behind a notebook: series, title, source, vintage, retrieved, licence, citation."""
    store = store if store is not None else Store()
    if frame.empty:
        return pd.DataFrame(
            columns=["series", "title", "source", "vintage", "retrieved_at", "licence", "citation"]
        )
    known = {s.id: s for s in catalogue.load().series}
    rows = []
    for (sid, snap_id), grp in frame.groupby(["series", "snapshot_id"], sort=True):
        meta = {}
        for snap in store.history(sid):
            if snap.id == snap_id:
                meta = snap.meta
                break
        entry = known.get(sid)
        rows.append(
            {
                "series": sid,
                "title": entry.title if entry else "",
                "source": grp["source"].iloc[0],
                "vintage": grp["vintage"].iloc[0],
                "retrieved_at": meta.get("retrieved_at", ""),
                "licence": meta.get("licence") or (entry.licence if entry else ""),
                "citation": meta.get("citation") or (entry.citation if entry else ""),
                "snapshot": snap_id,
                "rows": len(grp),
            }
        )
    return pd.DataFrame(rows)


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
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        print(obj)
        return
    display(obj)
