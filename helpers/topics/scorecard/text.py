"""What the country scorecard says in words: the readable indicator table and the sentences.

Used by ``helpers.topics.scorecard.sections``; the numbers come from the frames built by
``helpers.topics.scorecard.data``. The table helpers return None when given nothing to show.
"""

from __future__ import annotations

import pandas as pd

from helpers.models import progress, results
from helpers.topics.scorecard.data import (
    MIN_PEERS_FOR_GAP,
    NOT_ASSESSED,
    category_counts,
    method_of,
)

# --- the readable table -------------------------------------------------------------------


def readable(table: pd.DataFrame | None) -> pd.DataFrame | None:
    """A narrow view of the indicator table for reading in the notebook (numbers as text);
    None when the table is empty or None."""
    if table is None or table.empty:
        return None
    view = pd.DataFrame(
        {
            "series": table["series"],
            "SDG": table["sdg"],
            "unit": table["unit"],
            "latest": table["latest_value"].map(_num),
            "year": table["latest_year"],
            "trend": table["trend"].map(lambda v: f"{v:+.2f}" if pd.notna(v) else ""),
            "trend unit": table["trend_unit"],
            "p": table["trend_p"].round(3),
            "income median": table["income_median"].map(_num),
            "rank in income group": _rank_text(table, "income"),
            "region median": table["region_median"].map(_num),
            "rank in region": _rank_text(table, "region"),
        }
    )
    return view


PROGRESS_COLUMNS = [
    *["series", "direction", "target", "base_year", "base_value", "latest_year"],
    *["latest_value", "actual_cagr", "required_cagr", "category", "note"],
]


def progress_table(prog: pd.DataFrame | None) -> pd.DataFrame | None:
    """The assessed series of the progress frame, for reading (rounded to 4 digits); None
    when nothing is assessed (or ``prog`` is empty or None)."""
    if prog is None or prog.empty:
        return None
    assessed = prog[prog["category"] != NOT_ASSESSED]
    return None if assessed.empty else assessed[PROGRESS_COLUMNS].round(4)


def _rank_text(table: pd.DataFrame, prefix: str) -> pd.Series:
    def text(rank, n):
        return f"{int(rank)} of {int(n)}" if not pd.isna(rank) and n else ""

    return pd.Series(
        [text(r, n) for r, n in zip(table[f"{prefix}_rank"], table[f"{prefix}_n"], strict=True)],
        index=table.index,
    )


# --- narrative -----------------------------------------------------------------------------


def progress_sentence(
    prog: pd.DataFrame, name: str, base_year: int, *, with_method: bool = True
) -> str:
    """'Of the N Kenya series with a desired direction, judged by <method> ..., a are On
    track, ...', then, when the frame names its method and ``with_method``, the method's rules
    and citation (:func:`method_sentence`); the key findings leave those to the section."""
    if prog.empty:
        return f"There is nothing to assess for {name}: the store holds no series for it."
    judged = prog[prog["category"] != NOT_ASSESSED]
    if judged.empty:
        return (
            f"None of the series the store holds for {name} has a target or a desired "
            "direction, so there is no progress assessment."
        )
    counts = category_counts(judged)
    parts = [
        f"{n} {'with ' if cat == results.INSUFFICIENT else ''}{cat}" for cat, n in counts.items()
    ]
    text = _join_list(parts)
    skipped = int((prog["category"] == NOT_ASSESSED).sum())
    rest = f"; {skipped} more have no desired direction and are not assessed" if skipped else ""
    named = "method" in prog and prog["method"].notna().any()
    by = f" by the {progress.method_spec(method_of(prog))['name']}" if named else ""
    sentence = (
        f"Of the {len(judged)} series for {name} with a target or desired direction, judged{by} "
        f"on growth since {base_year} (or the series' first year), {text}{rest}."
    )
    if not named or not with_method:
        return sentence
    return f"{sentence} {method_sentence(method_of(prog))}"


def method_sentence(method: str = progress.DEFAULT_METHOD) -> str:
    """Which published method judged progress, its thresholds and where it is documented."""
    spec = progress.method_spec(method)
    bounds = spec["thresholds"]
    ratio = " and ".join(f"{100 * v:g}%" for v in bounds["with_target"].values() if v > 0)
    growth = " and ".join(f"{100 * v:g}%" for v in bounds["without_target"].values() if v > 0)
    decline = ""
    if min(bounds["without_target"].values()) == 0 and min(bounds["with_target"].values()) == 0:
        decline = f"; any decline is '{spec['categories'][-1]}'"
    return (
        f"Categories follow the {spec['name']} ({progress.citation(method)}): with a target, "
        f"the ratio of actual to required annual growth against {ratio}; without one, annual "
        f"growth in the desired direction against {growth} a year{decline}."
    )


def method_label(method: str = progress.DEFAULT_METHOD) -> str:
    """A short line for a figure's subtitle: the method's name, publisher and year."""
    spec = progress.method_spec(method)
    cite = spec["citation"]
    return f"{spec['name']} ({cite['publisher']}, {cite['year']})"


def gap_sentence(table: pd.DataFrame, targets: pd.DataFrame, name: str) -> str:
    """The series furthest, in relative terms, from its income-group median.

    Series with a desired direction come first (a gap there is ahead or behind); the others
    (not denominators) only when none of those has a gap.
    """
    direction = table["series"].map(targets.set_index("series")["direction"])
    usable = table.assign(direction=direction)
    usable = usable[
        (usable["sdg_relation"] != "denominator") & usable["gap_to_income_median_pct"].notna()
    ]
    if usable.empty:
        return (
            f"No share, ratio or score for {name} has at least {MIN_PEERS_FOR_GAP} "
            "income-group peers with a value in the same year to compare with."
        )
    directed = usable[usable["direction"] != "none"]
    pool = directed if len(directed) else usable
    top = pool.loc[pool["gap_to_income_median_pct"].abs().idxmax()]
    gap = top["gap_to_income_median_pct"]
    side = "above" if gap > 0 else "below"
    verdict = ""
    if top["direction"] != "none":
        ahead = (gap > 0) == (top["direction"] == "increase")
        where = "ahead of" if ahead else "behind"
        verdict = f"; {where} its peers, as the aim is to {top['direction']} it"
    return (
        f"The largest gap to peers is in {short_title(top['title'])} ({top['series']}): "
        f"{_with_unit(top['latest_value'], top['unit'])} in {int(top['latest_year'])}, "
        f"{abs(gap):.0f}% {side} the median of {_with_unit(top['income_median'], top['unit'])} "
        f"across {int(top['income_n'])} {top['income']} economies (rank "
        f"{int(top['income_rank'])} of {int(top['income_n'])}, 1 = highest){verdict}."
    )


def _with_unit(value: float, unit: str) -> str:
    return f"{_num(value)}{unit}" if unit.startswith("%") else f"{_num(value)} {unit}"


def coverage_sentence(table: pd.DataFrame, name: str, start_year: int, end_year: int) -> str:
    """How many series the table has and how recent they are."""
    if table.empty:
        return f"The store holds no catalogue series for {name} in {start_year}-{end_year}."
    newest, oldest = int(table["latest_year"].max()), int(table["latest_year"].min())
    span = f"in {newest}" if newest == oldest else f"between {oldest} and {newest}"
    stale = table.loc[table["latest_year"] == oldest, "series"].tolist()
    tail = "" if newest == oldest else f" (the oldest: {_join_list(stale[:3])})"
    return (
        f"The store holds {len(table)} catalogue series for {name} in {start_year}-{end_year}; "
        f"their latest observations fall {span}{tail}."
    )


def short_trends_sentence(table: pd.DataFrame | None) -> str | None:
    """'No trend for 2 series (A, B): ...' naming why, or None when every trend was fitted."""
    if table is None or "trend_status" not in table:
        return None
    short = table[table["trend_status"] != "ok"]
    if short.empty:
        return None
    return (
        f"No trend for {len(short)} series ({', '.join(short['series'])}): "
        f"{'; '.join(sorted(set(short['trend_note'])))}."
    )


def gaps_sentence(missing: list[str], applicable: list[str], name: str) -> str:
    """Which applicable catalogue series are missing for the economy."""
    if not missing:
        return f"Every catalogue series that applies to {name} has data in the store."
    return (
        f"Data gaps: the store holds no data for {name} on {len(missing)} of the "
        f"{len(applicable)} catalogue series that apply to it: {', '.join(missing)}."
    )


def _join_list(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]


def short_title(title: str) -> str:
    """A catalogue title without its parenthesised qualifier, for labels and sentences."""
    return title.split(" (")[0]


def _num(value: float) -> str:
    if pd.isna(value):
        return "n/a"
    size = abs(value)
    for scale, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if size >= scale:
            return f"{value / scale:,.1f}{word}"
    return f"{value:,.2f}" if size < 10 else f"{value:,.1f}"
