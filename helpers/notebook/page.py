"""What a notebook puts on its page: sections, Markdown, the demo banner, saved tables.

A notebook computes its sections first, opens with ``page.heading`` (its title) and
``page.key_findings`` (the lead sentence of each section and the parameters used), then shows
each section with one call, ``page.show(section, output_dir)``: its sentences, figures and
tables, or the one sentence saying why it is skipped; the tables are saved as CSV and the
figures as PNG and SVG in ``output_dir`` (nothing is written when it is empty, as in
JupyterLab).
"""

from __future__ import annotations

import base64
import io
import json
from collections.abc import Sequence
from pathlib import Path

import pandas as pd

from helpers import paths
from helpers.notebook import tables
from helpers.sources.demo.notice import DEMO_NOTICE
from helpers.topics import plots, prose
from helpers.topics.section import Section

MAX_FINDINGS = 5


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
    frame.to_csv(path, index=False)  # full precision: the CSVs stay unrounded
    return path


def show(section: Section | None, output_dir: str | Path | None = None) -> None:
    """Show a section (its sentences, then its figures, then its tables, or the note why it is
    skipped) and save its tables and figures in ``output_dir``. ``None`` shows nothing."""
    if section is None:
        return
    if not section.ok:
        md(section.note)
        return
    for text in section.text:
        md(text)
    for name, fig in section.figures.items():
        if fig is not None:
            written = plots.save(fig, name, output_dir)
            _display_figure(fig, name, png=next((p for p in written if p.suffix == ".png"), None))
    for name, table in section.tables.items():
        if table is not None and len(table):  # an empty table is saved, not shown
            _display(table)
        save_table(table, name, output_dir)
    for table in section.shown.values():
        if table is not None and len(table):
            _display(table)
    for name, table in section.saved.items():
        save_table(table, name, output_dir)


def heading(title: str) -> None:
    """The reader page's title (H1), naming the subject and the selection, e.g. "Kenya: SDG 17
    scorecard"; the reader version of the report opens with it."""
    md(f"# {title}")


def key_findings(
    title: str,
    findings: Sequence[Section | str | None],
    *,
    parameters: str,
    data: pd.DataFrame | None = None,
    output_dir: str | Path | None = None,
    economy: dict | None = None,
) -> None:
    """Show the key findings (up to five: the lead sentence of each section, or the sentences
    given, in order), the demo banner when ``data`` are synthetic, and the parameters the run
    used.

    With an ``output_dir`` they are also written to ``findings.json`` there (title, findings,
    parameters, demo flag and, for a country page, ``economy``), which the report site's home
    and country pages read; the HTML report takes its title from it.
    """
    leads = [item.lead if isinstance(item, Section) else item for item in findings]
    findings = [lead for lead in leads if lead][:MAX_FINDINGS]
    banner = demo_banner(data)
    if banner:
        md(banner)
    if findings:
        md("\n".join(f"- {finding}" for finding in findings))
    else:
        md("No section of this notebook has data to report on; each says below what is missing.")
    md(parameters)
    if output_dir:
        record = {
            "title": title,
            "findings": findings,
            "parameters": parameters,
            "demo": banner is not None,
            "economy": economy,
        }
        out = Path(output_dir)
        out.mkdir(parents=True, exist_ok=True)
        tmp = out / f".{paths.FINDINGS_FILE}.tmp"
        tmp.write_text(json.dumps(record, indent=1, ensure_ascii=False), encoding="utf-8")
        tmp.replace(out / paths.FINDINGS_FILE)


def _display(obj) -> None:
    """Show a table formatted for people (``tables.for_people``); the one place sections'
    tables reach the notebook's output."""
    if isinstance(obj, pd.DataFrame):
        obj = tables.for_people(obj)
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        print(obj)
        return
    display(obj)


SHOWN_DPI = 100  # figures in notebooks and reports; the PNG files are too (savefig.dpi)


def _display_figure(fig, name: str, png: Path | None = None) -> None:
    """Show a figure as a PNG with alt text (its titles, else its name in words), which the
    HTML reports carry as the image's ``alt``.

    Figures are not pyplot figures (``plots.figure``), so no backend shows them on its own;
    this draws the PNG itself, the same in a kernel with any backend. Given the PNG file just
    saved, it shows that image scaled to ``SHOWN_DPI`` instead of drawing the figure a second
    time (drawing the scorecard's 12-panel figure costs about 0.9 s); a file already at
    ``SHOWN_DPI`` (the default) is embedded byte for byte, without decoding it.
    """
    alt = figure_alt(fig, name)
    buffer = io.BytesIO()
    if png is not None:
        _scaled_png(png, buffer)
    else:
        fig.savefig(buffer, format="png", dpi=SHOWN_DPI, bbox_inches="tight")
    try:
        from IPython.display import display
    except ImportError:  # pragma: no cover - IPython is a dependency
        print(alt)
        return
    png = base64.b64encode(buffer.getvalue()).decode("ascii")
    display({"image/png": png, "text/plain": alt}, raw=True, metadata={"image/png": {"alt": alt}})


def _scaled_png(png: Path, buffer: io.BytesIO) -> None:
    """``png`` as shown: its own bytes when it is at ``SHOWN_DPI``, else resampled to it."""
    from PIL import Image  # Pillow comes with matplotlib

    with Image.open(png) as img:
        dpi = float((img.info.get("dpi") or (SHOWN_DPI,))[0])
        if abs(dpi - SHOWN_DPI) <= 1:
            buffer.write(png.read_bytes())
            return
        size = (round(img.width * SHOWN_DPI / dpi), round(img.height * SHOWN_DPI / dpi))
        img.resize(size, Image.Resampling.LANCZOS).save(
            buffer, format="PNG", dpi=(SHOWN_DPI, SHOWN_DPI)
        )


def figure_alt(fig, name: str) -> str:
    """A figure's alt text: its suptitle and axes titles, else ``name`` in words."""
    titles = [fig.get_suptitle()]
    titles += [ax.get_title(loc) for ax in fig.axes for loc in ("left", "center", "right")]
    titles = [title for title in titles if title]
    return "Figure: " + ("; ".join(titles) if titles else name.replace("_", " "))
