"""The data inventory's sentences, computed from its tables."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from helpers import catalogue, paths


def _shown_path(root: Path | str) -> str:
    """The store's folder as a reader should see it: relative to the project when inside it
    (a report does not need, and should not publish, the machine's absolute paths)."""
    path = Path(root).resolve()
    return str(path.relative_to(paths.ROOT)) if path.is_relative_to(paths.ROOT) else str(path)


def vintage_sentence(table: pd.DataFrame, root: Path | str) -> str:
    """How many catalogue series the store holds, by kind, and which are stale."""
    held = table[table["kind"] != "missing"]
    kinds = ", ".join(f"{n} {k}" for k, n in held["kind"].value_counts().items())
    stale = held.loc[held["stale"] == "yes", "series"].tolist()
    return (
        f"The store at `{_shown_path(root)}` holds **{len(held)} of the {len(table)}** catalogue "
        f"series ({kinds or 'none'}). "
        + (f"Older than the freshness window: {', '.join(stale)}." if stale else "None is stale.")
    )


def missing_sentence(missing: pd.DataFrame) -> str:
    """The missing series and how to obtain them, or that none is missing."""
    if missing.empty:
        return "Every catalogue series is in the store."
    return (
        f"**{len(missing)} series are missing:** {', '.join(missing['series'])}. "
        + catalogue.how_to_obtain(missing["series"].tolist())
    )


def coverage_sentence(
    summary: pd.DataFrame, n_economies: int, n_providers: int, n_series: int, recent: int
) -> str:
    """How many series still cover at least half of their economies in ``recent`` or later."""
    current = summary.loc[summary["last_year_half"].fillna(0) >= recent, "series"]
    return (
        f"For the {n_economies} economies asked for and {n_providers} providers, "
        f"**{len(current)} of the {n_series} series** shown still cover at least half of "
        f"their economies in {recent} or later"
        + ("." if len(current) == n_series else "; the others stop earlier or are missing.")
    )


def gap_sentences(gaps: pd.DataFrame, end: int, max_lag: int = 3) -> list[str]:
    """One Markdown bullet per notebook: what it lacks, or that it has what it needs."""
    lines = []
    for notebook, grp in gaps.groupby("notebook", sort=True):
        parts = []
        missing = grp.loc[grp["status"] == "missing", "series"].tolist()
        if missing:
            parts.append(f"missing {', '.join(missing)}")
        empty = grp[grp["status"] == "no values"]
        if len(empty):
            listed = ", ".join(
                f"{s} ({sc})" for s, sc in zip(empty["series"], empty["scope"], strict=True)
            )
            parts.append(f"no values in the years and scope asked for: {listed}")
        stale = grp[grp["status"] == "stale"]
        if len(stale):
            listed = ", ".join(
                f"{s} (to {y})" for s, y in zip(stale["series"], stale["last_year"], strict=True)
            )
            parts.append(f"ending before {end - max_lag}: {listed}")
        if parts:
            lines.append(f"- **{notebook}**: " + "; ".join(parts) + ".")
        else:
            recent = end - max_lag
            lines.append(
                f"- **{notebook}**: every series it reads has values to {recent} or later."
            )
    return lines
