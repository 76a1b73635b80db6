"""A section of a notebook as one value: its sentences, tables and figures, or why it is skipped.

Each topic builds its sections with functions that return a :class:`Section`; the notebook
shows one with a single call (``helpers.notebook.page.show``), which also saves its tables
(CSV) and figures (PNG, SVG). A section whose data are missing is a :meth:`Section.skipped`
with one sentence saying what is missing and how to get it, and the rest of the notebook runs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from helpers import catalogue


@dataclass
class Section:
    """What one section of a notebook shows.

    Attributes:
        text: Markdown sentences, in order (numbers computed, never typed in).
        tables: shown under the text and saved as ``<name>.csv``.
        shown: shown, not saved: a readable view (labels, rounding) of a table in ``saved``.
        saved: saved as ``<name>.csv`` without being shown (raw tables, tables behind a figure).
        figures: shown and saved as ``<name>.png`` and ``<name>.svg``.
        note: set when the section is skipped: the one sentence saying why.
        finding: the sentence the notebook's key findings quote; by default the first
            sentence of ``text`` that stands alone (see ``lead``).
    """

    text: list[str] = field(default_factory=list)
    tables: dict[str, pd.DataFrame] = field(default_factory=dict)
    shown: dict[str, pd.DataFrame] = field(default_factory=dict)
    saved: dict[str, pd.DataFrame] = field(default_factory=dict)
    figures: dict[str, object] = field(default_factory=dict)
    note: str | None = None
    finding: str | None = None

    @classmethod
    def skipped(cls, note: str) -> Section:
        return cls(note=note)

    @property
    def ok(self) -> bool:
        """False when the section was skipped."""
        return self.note is None

    @property
    def lead(self) -> str | None:
        """The section's headline for the key findings: ``finding`` when set, else the first
        paragraph of ``text`` that reads on its own (not a table, list, quote or a lead-in
        ending with a colon); None for a skipped section or one with no such sentence."""
        if not self.ok:
            return None
        if self.finding:
            return self.finding
        for block in self.text:
            first = block.strip().split("\n\n")[0].split("\n")[0].strip()
            if (
                first
                and not first.startswith(("|", "- ", "> ", "* ", "#"))
                and not first.endswith(":")
            ):
                return first
        return None


def missing_note(frame: pd.DataFrame | None, series: list[str] | str, what: str) -> str | None:
    """A sentence naming the series a section needs but ``frame`` lacks, or None."""
    if isinstance(series, str):
        series = [series]
    have = set(frame["series"]) if frame is not None and len(frame) else set()
    absent = [s for s in series if s not in have]
    if not absent:
        return None
    return (
        f"**{what} is skipped:** no data for {', '.join(absent)} in the years and economies "
        f"asked for. {catalogue.how_to_obtain(absent)}"
    )


def require(frame: pd.DataFrame | None, series: list[str] | str, what: str) -> Section | None:
    """A skipped section when ``frame`` lacks any of ``series``, else None.

    Example:
        >>> if (skip := require(dac1, [net_id], "The gap section")):
        ...     return skip
    """
    note = missing_note(frame, series, what)
    return Section.skipped(note) if note else None
