"""Tables shown to people: labels, units, rounding suited to the unit, no index column.

``for_people(frame)`` returns a pandas ``Styler`` (pandas' own formatter, rendered by Jupyter
and nbconvert) and leaves ``frame`` unchanged: the CSVs saved beside a report are written from
the raw frame (``page.save_table``) and stay machine-readable and unrounded.

How a column is formatted is its *kind*, taken from ``units=`` when given, else from its name
(``*_pct`` is a percent, ``p_value`` a p-value, ``*_usd_bn`` money in billions, ``year`` a
year, growth rates such as ``*_cagr`` fractions shown as percent), else from its values
(integers are counts, floats are rounded by their size). Missing values show as "–",
booleans as yes/no, and long text wraps instead of being cut.

Example:
    >>> from helpers.notebook import tables
    >>> tables.for_people(ranked, units={"value": "percent"})  # doctest: +SKIP
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd
from pandas.io.formats.style import Styler

from helpers import catalogue

MISSING = "–"

#: Labels for the columns the project's tables share (overridden by ``labels=``).
LABELS: dict[str, str] = {
    "economy": "Code",
    "economy_name": "Economy",
    "country": "Country",
    "region": "Region",
    "income_group": "Income group",
    "provider": "Provider",
    "provider_group": "Provider group",
    "grouping": "Grouping",
    "group": "Group",
    "series": "Series",
    "title": "Title",
    "unit": "Unit",
    "source": "Source",
    "kind": "Kind",
    "vintage": "Vintage",
    "retrieved_at": "Retrieved",
    "licence": "Licence",
    "citation": "Citation",
    "snapshot": "Snapshot",
    "snapshot_id": "Snapshot",
    "year": "Year",
    "first_year": "First year",
    "last_year": "Last year",
    "base_year": "Base year",
    "latest_year": "Latest year",
    "base_value": "Base value",
    "latest_value": "Latest value",
    "value": "Value",
    "median": "Median",
    "rows": "Rows",
    "economies": "Economies",
    "aggregates": "Aggregates",
    "years": "Years",
    "n": "n",
    "rank": "Rank",
    "stale": "Stale",
    "model": "Model",
    "term": "Term",
    "estimate": "Estimate",
    "ci_low": "CI low",
    "ci_high": "CI high",
    "p_value": "p-value",
    "p": "p-value",
    "method": "Method",
    "status": "Status",
    "note": "Note",
    "category": "Category",
    "direction": "Direction",
    "target": "Target",
    "ratio": "Ratio",
    "actual_cagr": "Actual growth (% a year)",
    "required_cagr": "Required growth (% a year)",
    "basis": "Basis",
    "measure": "Measure",
    "oda_measure": "ODA measure",
    "meets_target": "Meets 0.7% target",
    "gni_usd_bn": "GNI (US$ bn)",
    "oda_usd_bn": "ODA (US$ bn)",
    "target_usd_bn": "ODA at 0.7% of GNI (US$ bn)",
    "gap_usd_bn": "Gap to 0.7% (US$ bn)",
    "oda_gni_pct": "ODA/GNI (%)",
    "oda_net": "Net ODA (US$ mn)",
    "oda_ge": "ODA, grant equivalent (US$ mn)",
    "net": "Net ODA",
    "ge": "ODA, grant equivalent",
    "providers": "Providers",
    "peak_share": "Peak share (%)",
    "last_year_half": "Last year with half",
    "exporters": "Exporters",
    "exporter_region": "Exporter region",
    "saturation": "Saturation",
    "slope_logit": "Slope (logit)",
}

#: Kinds a column can be given in ``units=``.
KINDS = (
    "percent",  # already in percent: 0.35 -> "0.35%"
    "fraction",  # a share or growth rate as a fraction: 0.0173 -> "1.73%"
    "usd_bn",  # money in billions, one decimal
    "usd_mn",  # money in millions, one decimal
    "count",  # whole numbers with thousands separators
    "year",  # plain integer, no separator
    "p_value",  # "<0.001" or three decimals
    "number",  # rounded by size
    "bool",  # yes / no
    "text",  # as is, wrapped
)

# Words of a column name written as people write them ("ci_low_50" -> "CI low 50").
_WORDS = {
    "ci": "CI",
    "gni": "GNI",
    "gdp": "GDP",
    "oda": "ODA",
    "usd": "US$",
    "pct": "(%)",
    "bn": "bn",
    "mn": "mn",
    "cagr": "growth",
    "sdg": "SDG",
    "dac": "DAC",
    "ldc": "LDC",
}

# Model terms whose estimate and interval are growth rates as fractions (helpers.models).
RATE_TERMS = frozenset({"growth_rate", "cagr", "cagr_endpoint"})
_RATE_COLUMNS = ("estimate", "ci_low", "ci_high")

_CSS = [
    {"selector": "th, td", "props": [("white-space", "normal"), ("vertical-align", "top")]},
    {"selector": "th, td", "props": [("text-align", "left")]},
    {"selector": "td.num", "props": [("text-align", "right")]},
]


def for_people(
    frame: pd.DataFrame,
    units: Mapping[str, str] | None = None,
    labels: Mapping[str, str] | None = None,
) -> Styler:
    """A readable view of ``frame``: labelled columns, units, rounding, no index column.

    Args:
        frame: the table as computed (not modified).
        units: column -> kind (one of ``KINDS``) where the name does not say it.
        labels: column -> label, over the shared ``LABELS``.

    Returns:
        A ``Styler``; a notebook shows it with ``display``, ``.to_html()`` renders it.
    """
    units = dict(units or {})
    for column, kind in units.items():
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r} for column {column!r}; use one of {KINDS}")
    view = _index_as_columns(frame)
    names = {**LABELS, **(labels or {})}
    styler = view.style.hide(axis="index").set_table_styles(_CSS)
    if view.columns.nlevels > 1:
        styler = styler.hide(axis="columns", names=True)  # level names: labels say it
    titles = _series_titles() if "title" not in view.columns else {}
    numeric = []
    for key in view.columns:
        name = _name(key)
        kind = units.get(name) or _kind(name, view[key])
        if name == "series" and titles and kind == "text":
            styler = styler.format(_safe(lambda v: titles.get(v, str(v))), **_at([key]))
            continue
        styler = styler.format(_safe(_FORMATS[kind](view[key])), **_at([key]))
        if kind not in ("text", "bool"):
            numeric.append(key)
    if "term" in view.columns:  # growth rates in a model table are fractions, shown as %
        rates = view.index[view["term"].isin(RATE_TERMS)]
        for column in [c for c in _RATE_COLUMNS if c in view.columns and c not in units]:
            if len(rates) and pd.api.types.is_numeric_dtype(view[column]):
                fmt = _fraction(view.loc[rates, column])
                styler = styler.format(_safe(fmt), **_at((rates, [column])))
    if numeric:  # numbers right-aligned
        classes = pd.DataFrame("", index=view.index, columns=view.columns)
        classes[numeric] = "num"
        styler = styler.set_td_classes(classes)
    return styler.format_index(lambda v: label(v, names), axis=1, escape="html")


def label(column: object, labels: Mapping[str, str] | None = None) -> str:
    """The label of a column: from ``labels`` (default ``LABELS``), else its words."""
    names = LABELS if labels is None else labels
    if isinstance(column, str) and column in names:
        return names[column]
    text = str(column)
    if not re.fullmatch(r"[a-z][a-z0-9]*([_ ][a-z0-9]+)*", text):
        return text  # already written for people ("Internet users (% of population)")
    words = [_WORDS.get(word, word) for word in re.split("[_ ]", text)]
    return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])


# --- the frame ---------------------------------------------------------------------------


def _index_as_columns(frame: pd.DataFrame) -> pd.DataFrame:
    """A meaningful (named) index becomes the first column(s); a plain 0..n index is dropped."""
    if any(name is not None for name in frame.index.names):
        view = frame.reset_index()
    else:
        view = frame.reset_index(drop=True)
    if view.columns.duplicated().any():
        raise ValueError("the table has duplicate column names; give each column its own name")
    return view


def _name(key: object) -> str:
    """A column's name: the last level that says what it holds (``('year', '')`` -> year)."""
    if isinstance(key, tuple):
        for part in key:
            if isinstance(part, str) and part in LABELS:
                return part
        parts = [str(p) for p in key if str(p)]
        return parts[0] if parts else ""
    return str(key)


def _at(subset: object) -> dict:
    return {"subset": subset, "na_rep": MISSING}


def _safe(fmt: Callable[[object], str]) -> Callable[[object], str]:
    """HTML-escape what a formatter writes ("<0.001", text with "&")."""
    return lambda v: html.escape(fmt(v), quote=False)


def _series_titles() -> dict[str, str]:
    return {s.id: s.title for s in catalogue.load().series}


# --- kinds -------------------------------------------------------------------------------


def _kind(name: str, values: pd.Series) -> str:
    """The kind of a column from its name, else its values."""
    dtype = values.dtype
    if pd.api.types.is_bool_dtype(dtype) or _all_bool(values):
        return "bool"
    if not pd.api.types.is_numeric_dtype(dtype):
        return "text"
    if name in ("p_value", "p"):
        return "p_value"
    if name.endswith(("_pct", "_share", "_percent")):
        return "percent"
    if "cagr" in name or name.startswith("growth") or name.endswith("_growth"):
        return "fraction"
    if name.endswith(("_usd_bn", "_bn")):
        return "usd_bn"
    if name.endswith(("_usd_mn", "_mn")):
        return "usd_mn"
    if name == "year" or name.endswith("_year") or name.startswith("year_") or _all_years(values):
        return "year"
    if pd.api.types.is_integer_dtype(dtype) or _all_whole(values):
        return "count"
    return "number"


def _present(values: pd.Series) -> pd.Series:
    return values.dropna()


def _all_bool(values: pd.Series) -> bool:
    """An object column of True/False with gaps (a bool column cannot hold NA)."""
    present = _present(values)
    is_bool = present.map(lambda v: isinstance(v, bool | np.bool_))
    return values.dtype == object and len(present) > 0 and bool(is_bool.all())


def _all_whole(values: pd.Series) -> bool:
    present = _present(values).astype(float)
    return len(present) > 0 and bool(np.all(np.mod(present, 1) == 0))


def _all_years(values: pd.Series) -> bool:
    """Estimated years (e.g. the year a share reaches 50%) are floats between 1900 and 2100."""
    present = _present(values).astype(float)
    return len(present) > 0 and bool(present.between(1900, 2100).all()) and present.max() > 1900


# --- formats: each takes the column and returns the formatter of one value ---------------


def _decimals(values: pd.Series, small: int = 3) -> int:
    """Decimals by the column's typical size: 1 from 100, 2 from 1, else ``small``."""
    typical = _typical(values)
    return 1 if typical >= 100 else 2 if typical >= 1 else small


def _percent(values: pd.Series) -> Callable[[object], str]:
    places = 1 if _typical(values) >= 1 else 2  # 64.3%, 1.7%, but 0.35% (ODA/GNI)
    return lambda v: f"{float(v):,.{places}f}%"


def _fraction(values: pd.Series) -> Callable[[object], str]:
    scaled = _percent(pd.to_numeric(values, errors="coerce") * 100)
    return lambda v: scaled(float(v) * 100)


def _money(values: pd.Series) -> Callable[[object], str]:
    return lambda v: f"{float(v):,.1f}"


def _count(values: pd.Series) -> Callable[[object], str]:
    return lambda v: f"{round(float(v)):,d}"


def _year(values: pd.Series) -> Callable[[object], str]:
    return lambda v: str(round(float(v)))


def _p_value(values: pd.Series) -> Callable[[object], str]:
    return lambda v: "<0.001" if float(v) < 0.001 else f"{float(v):.3f}"


def _number(values: pd.Series) -> Callable[[object], str]:
    places = _decimals(values)
    present = _present(values).astype(float)
    while places and np.allclose(present, present.round(places - 1), rtol=0, atol=1e-9):
        places -= 1  # no more decimals than the data have: 71.4, not 71.40
    return lambda v: f"{float(v):,.{places}f}"


def _bool(values: pd.Series) -> Callable[[object], str]:
    return lambda v: "yes" if bool(v) else "no"


def _text(values: pd.Series) -> Callable[[object], str]:
    return str


def _typical(values: pd.Series) -> float:
    present = _present(values).astype(float).abs()
    return float(present.median()) if len(present) else 0.0


_FORMATS: dict[str, Callable[[pd.Series], Callable[[object], str]]] = {
    "percent": _percent,
    "fraction": _fraction,
    "usd_bn": _money,
    "usd_mn": _money,
    "count": _count,
    "year": _year,
    "p_value": _p_value,
    "number": _number,
    "bool": _bool,
    "text": _text,
}
