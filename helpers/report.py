"""What notebooks need around the analysis: parameter checks, missing-data notes, provenance.

A parameter error stops a notebook at its first cells with one sentence (IPython shows
``_render_traceback_`` instead of a traceback). Missing data is not an error: ``missing_note``
gives the sentence a section prints before it skips itself.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import catalogue
from helpers.demo_notice import DEMO_NOTICE
from helpers.errors import UsageError

PRICE_BASES = ("current", "constant")


class ParameterError(UsageError):
    """A notebook parameter is wrong; shown as one sentence, not a traceback."""

    def _render_traceback_(self) -> list[str]:
        return [f"Parameter error: {self}"]


def check_years(start_year: int, end_year: int) -> None:
    if not isinstance(start_year, int) or not isinstance(end_year, int):
        raise ParameterError(
            f"start_year and end_year must be whole years, got {start_year!r} and {end_year!r}"
        )
    if start_year > end_year:
        raise ParameterError(
            f"start_year {start_year} is after end_year {end_year}: the year "
            "range is empty; swap them"
        )


def check_choice(name: str, value, choices) -> None:
    if value not in choices:
        raise ParameterError(f"{name} must be one of {', '.join(map(str, choices))}; got {value!r}")


def check_range(name: str, value, low: float, high: float, *, integer: bool = False) -> None:
    ok_type = isinstance(value, int) if integer else isinstance(value, int | float)
    if isinstance(value, bool) or not ok_type or not low <= value <= high:
        kind = "a whole number" if integer else "a number"
        raise ParameterError(f"{name} must be {kind} from {low} to {high}; got {value!r}")


def resolve_economies(items: list[str] | str, reference: pd.DataFrame) -> list[str]:
    """Economy codes and group names (``"LDC"``, ``"Low income"``, ``"SSF"``) to codes.

    Raises:
        ParameterError: naming each unknown code or group.
    """
    from helpers import groups

    if isinstance(items, str):
        items = [items]
    if not items:
        raise ParameterError("economies is empty: give at least one economy code or group")
    try:
        return groups.validate_groups_or_economies(list(items), reference)
    except UsageError as exc:
        raise ParameterError(str(exc)) from None


def missing_note(frame: pd.DataFrame, series: list[str] | str, what: str) -> str | None:
    """A sentence naming the series this section needs but the data lacks, or None."""
    if isinstance(series, str):
        series = [series]
    have = set(frame["series"]) if len(frame) else set()
    absent = [s for s in series if s not in have]
    if not absent:
        return None
    from helpers.tidy import how_to_obtain

    return (
        f"**{what} is skipped:** no data for {', '.join(absent)} in the years and economies "
        f"asked for. {how_to_obtain(absent)}"
    )


def md(text: str) -> None:
    """Show Markdown in a notebook (plain text elsewhere)."""
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
    from helpers.store import Store

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


def save_table(frame: pd.DataFrame, name: str, output_dir: str | Path | None) -> Path | None:
    """Write a table as CSV in ``output_dir`` (nothing when it is empty, e.g. in JupyterLab)."""
    if not output_dir:
        return None
    out = Path(output_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / f"{name}.csv"
    frame.to_csv(path, index=False, float_format="%.6g")
    return path


def fmt(value: float, unit: str = "", digits: int = 1) -> str:
    """A number for prose: 1.2 billion, 3.4 million, 0.31%, or 'n/a' for missing."""
    if value is None or pd.isna(value):
        return "n/a"
    if unit == "%":
        return f"{value:,.{digits}f}%"
    if unit == "pp":
        return f"{value:+,.{digits}f} percentage points"
    sign = "-" if value < 0 else ""
    value = abs(value)
    for size, word in ((1e12, "trillion"), (1e9, "billion"), (1e6, "million")):
        if value >= size:
            return f"{sign}{unit}{value / size:,.{digits}f} {word}"
    return f"{sign}{unit}{value:,.{digits}f}"
