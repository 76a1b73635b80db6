"""What the country scorecard says in words: the card's tables, area by area, and the sentences.

Used by ``helpers.topics.scorecard.sections``; the numbers come from the frames built by
``helpers.topics.scorecard.data``. The table helpers return None when given nothing to show.
"""

from __future__ import annotations

import re

import numpy as np
import pandas as pd

from helpers.models import progress, results
from helpers.models.trends import CAVEAT
from helpers.topics.scorecard import goal17
from helpers.topics.scorecard.data import (
    FLAG,
    MIN_PEERS_FOR_GAP,
    NO_DIRECTION,
    NOT_APPLICABLE,
    NOT_ASSESSED,
    category_counts,
    method_of,
)

TREND_COLUMN = "Trend a year (interval)"
SHORT_MARK = "†"  # a trend whose interval is likely too narrow (the model's caveat)
NO_TARGET = "no target"
PERCENT_KINDS = ("percent", "percent_open")  # a slope in percentage points

# --- the card, area by area ---------------------------------------------------------------


def card_view(rows: pd.DataFrame | None) -> pd.DataFrame | None:
    """The card rows of one area (``goal17.card``) for reading: indicator, series, title,
    latest value (Yes/No for a yes/no series), unit, year, trend per year with its interval
    (``SHORT_MARK`` where the model warns the interval is likely too narrow), progress
    category ("no target" without a desired direction), income-group median and rank.
    None when there are no rows."""
    if rows is None or rows.empty:
        return None
    flag = rows["unit_kind"] == FLAG
    if "income_median" not in rows:  # a table built without peers
        rows = rows.assign(income_median=np.nan, income_rank=pd.NA, income_n=0)
    return pd.DataFrame(
        {
            "indicator": rows["sdg"],
            "series": rows["series"],
            "title": rows["title"].map(short_title),
            "latest": [_latest(v, f) for v, f in zip(rows["latest_value"], flag, strict=True)],
            "unit": rows["unit"].where(~flag, "yes/no"),
            "year": rows["latest_year"].astype("Int64"),
            TREND_COLUMN: [_trend(r) for r in rows.itertuples(index=False)],
            "progress": [_progress(r) for r in rows.itertuples(index=False)],
            "income median": rows["income_median"].where(~flag).map(_num_or_blank),
            "rank in income group": _rank_text(rows, "income").where(~flag, ""),
        }
    )


def _latest(value: float, flag: bool) -> str:
    if flag:
        return "n/a" if pd.isna(value) else ("Yes" if value >= 0.5 else "No")
    return _num(value)


def _trend(row) -> str:
    """'+1.50 pp (+1.20 to +1.80)': growth in % for money and counts, else the slope in the
    series' unit (percentage points for a %); "none: why" without a fitted trend."""
    if row.trend_status == NOT_APPLICABLE:
        return "none (yes/no)"
    if row.trend_status != results.OK or pd.isna(row.trend):
        # the note's first part says why (the full note is in scorecard.csv)
        return (
            f"none: {row.trend_note.split(';')[0]}" if isinstance(row.trend_note, str) else "none"
        )
    if row.trend_method == "loglinear":
        unit = "%"
    else:
        unit = " pp" if row.unit_kind in PERCENT_KINDS else ""
    mark = f" {SHORT_MARK}" if is_short(row.trend_note) else ""
    return f"{row.trend:+.2f}{unit} ({row.trend_ci_low:+.2f} to {row.trend_ci_high:+.2f}){mark}"


def is_short(note: object) -> bool:
    """Whether a trend's note carries the model's caveat (interval likely too narrow)."""
    return isinstance(note, str) and CAVEAT in note


def _progress(row) -> str:
    category = row.category
    if category == NOT_ASSESSED:
        return NO_TARGET if row.progress_note == NO_DIRECTION else "not assessed (yes/no)"
    return str(category) if isinstance(category, str) else "–"


def _num_or_blank(value: float) -> str:
    return "" if pd.isna(value) else _num(value)


def trend_caveat_sentence(rows: pd.DataFrame | None) -> str | None:
    """'† The trend model warns about 3 trends: A and B (its caveat); C (its caveat).' naming
    each caveat once, or None when no trend carries one."""
    if rows is None or rows.empty or "trend_note" not in rows:
        return None
    short = rows[rows["trend_note"].map(is_short)]
    if short.empty:
        return None
    by_caveat: dict[str, list[str]] = {}
    for sid, note in zip(short["series"], short["trend_note"], strict=True):
        caveat = note.split(CAVEAT, 1)[1].split(";")[0].strip()
        # "with only 7 years the autocorrelation ..." differs by the count alone: merged
        caveat = re.sub(r"^with only \d+ years ", "few years: ", caveat)
        by_caveat.setdefault(caveat, []).append(sid)
    parts = [f"{_join_list(ids)}, {caveat}" for caveat, ids in by_caveat.items()]
    n = len(short)
    return (
        f"{SHORT_MARK} The trend model warns about {n} trend{'s' if n != 1 else ''}, whose "
        f"interval may be too narrow or unreliable: {'; '.join(parts)}."
    )


def area_heading(area: str) -> str:
    """'### Finance (targets 17.1-17.5)'."""
    return f"### {area[:1].upper()}{area[1:]} (targets {goal17.area_targets(area)})"


def area_sentence(cov: pd.DataFrame, name: str) -> str:
    """'3 of 6 finance indicators covered for Kenya: 17.1.1, ...' for one area's coverage rows,
    then each indicator not covered, with its reason, as a list."""
    n, covered = len(cov), cov[cov["status"] == goal17.COVERED]
    area = cov["area"].iloc[0] if n else ""
    head = f"{len(covered)} of {n} {area} indicator{'s' if n != 1 else ''} covered for {name}"
    head += f": {', '.join(covered['indicator'])}." if len(covered) else "."
    rest = cov[cov["status"] != goal17.COVERED]
    if rest.empty:
        return head
    lines = [
        f"- **{r.indicator}** {short_title(r.title)}: "
        f"{'catalogue gap' if r.status == goal17.GAP else 'not covered'}. {_reason(r)}"
        for r in rest.itertuples(index=False)
    ]
    return head + "\n\nNot covered:\n\n" + "\n".join(lines)


def _reason(row) -> str:
    text = str(row.reason)
    return text[len("No catalogue series: ") :] if row.status == goal17.GAP else text


def indicators_sentence(cov: pd.DataFrame, name: str) -> str:
    """'22 of 24 SDG 17 indicators covered for Kenya; not covered: 17.12.1; no catalogue
    series: 17.5.1 (reasons under each area).'"""
    c = goal17.counts(cov)
    parts = []
    for state, words in ((goal17.NOT_COVERED, "not covered"), (goal17.GAP, "no catalogue series")):
        ids = cov.loc[cov["status"] == state, "indicator"].tolist()
        if ids:
            parts.append(f"{words}: {', '.join(ids)}")
    tail = f"; {'; '.join(parts)} (the reasons are listed by area)" if parts else ""
    return f"{c[goal17.COVERED]} of {c['total']} SDG 17 indicators covered for {name}{tail}."


def area_counts_view(table: pd.DataFrame) -> pd.DataFrame:
    """``goal17.area_counts`` with the areas capitalised, for reading."""
    view = table.copy()
    view["area"] = view["area"].map(lambda a: a[:1].upper() + a[1:])
    return view.rename(columns={"gap": "catalogue gap"})


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
    """'No trend for 2 series (A, B): ...' naming why, or None when every trend was fitted
    (yes/no series, which get none by design, are not named)."""
    if table is None or "trend_status" not in table:
        return None
    short = table[~table["trend_status"].isin([results.OK, NOT_APPLICABLE])]  # yes/no: by design
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
    """A catalogue title without its closing parenthesised qualifier ("(% of GDP)"), for labels
    and sentences; a parenthesis inside the title ("ODA (gross disbursements) for ...") stays."""
    return re.sub(r"(?: \([^()]*\))+$", "", title)


def _num(value: float) -> str:
    if pd.isna(value):
        return "n/a"
    size = abs(value)
    for scale, word in ((1e12, " trillion"), (1e9, " billion"), (1e6, " million")):
        if size >= scale:
            return f"{value / scale:,.1f}{word}"
    return f"{value:,.2f}" if size < 10 else f"{value:,.1f}"
