"""The notebooks' parameters, each declared once: type, range or choices, and meaning.

Three places read these specs: a notebook's check cell (``params.check(globals())``), ``sdg17
run`` before any kernel starts (``helpers.run.config``), and the README's parameter table
(:func:`markdown_table`, kept in step by a test). A parameter means the same thing, with the same
range, in every notebook that declares it.

Which economies, donors or series a name stands for needs the data (the economy reference, the
catalogue), so those are resolved after the check: economies here with
:func:`resolve_economies`, donors and series by their topic.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from helpers.errors import ParameterError, UsageError
from helpers.models import progress
from helpers.reference import groups, schema

PRICE_BASES = ("current", "constant")


@dataclass(frozen=True)
class Spec:
    """One parameter: its type, its allowed values and what it means.

    Attributes:
        name: the variable name in the notebooks' ``parameters`` cells.
        kind: "int", "float", "str", "codes" (a list of codes or group names), "code" (one
            code), "series" (a list of catalogue ids) or "path".
        meaning: one line for the README and for error messages.
        low, high: the inclusive range of an int or float.
        choices: the allowed values of a str.
    """

    name: str
    kind: str
    meaning: str
    low: float | None = None
    high: float | None = None
    choices: tuple[str, ...] = ()

    def allowed(self) -> str:
        """The allowed values in words ("2000 to 2100", "current or constant")."""
        if self.choices:
            return " or ".join(self.choices)
        if self.low is not None:
            return f"{self.low:g} to {self.high:g}"
        return {
            "codes": "list of economy codes or group names",
            "series": "list of catalogue series ids",
            "code": "one economy code",
            "path": "a folder, or empty",
        }.get(self.kind, self.kind)


_YEARS = (schema.MIN_YEAR, schema.MAX_YEAR)
SPECS: dict[str, Spec] = {
    s.name: s
    for s in (
        Spec(
            "economies",
            "codes",
            "economies to report on: codes (KEN) or groups (LDC, global_south, Low income, SSF)",
        ),
        Spec("economy", "code", "the one economy a scorecard is for (KEN)"),
        Spec("donors", "codes", "providers to compare: economy codes (NOR) or DAC1 groups (G7)"),
        Spec("series_focus", "series", "catalogue series ids to look at closely; empty means all"),
        Spec("start_year", "int", "first year of the analysis", *_YEARS),
        Spec("end_year", "int", "last year of the analysis (not before start_year)", *_YEARS),
        Spec("base_year", "int", "year progress is measured from (within the years)", *_YEARS),
        Spec(
            "price_basis",
            "str",
            "ODA volumes in current or constant (deflated) US dollars",
            choices=PRICE_BASES,
        ),
        Spec("forecast_horizon", "int", "years to forecast beyond the last observation", 1, 20),
        Spec("confidence_level", "float", "level of every interval (0.95 = 95%)", 0.5, 0.999),
        Spec(
            "mobile_saturation",
            "float",
            "ceiling of the mobile-subscription S-curves, per 100 people",
            80.0,
            500.0,
        ),
        Spec(
            "progress_method",
            "str",
            "published method that judges progress (helpers/reference/progress_methods.yaml)",
            choices=progress.available_methods(),
        ),
        Spec("max_lag_years", "int", "a series ending more years before end_year is late", 0, 50),
        Spec("output_dir", "path", "where tables and figures are saved (set by `sdg17 run`)"),
    )
}


def _type_ok(spec: Spec, value: Any) -> bool:
    if isinstance(value, bool):
        return False
    if spec.kind == "int":
        return isinstance(value, int)
    if spec.kind == "float":
        return isinstance(value, int | float)
    if spec.kind in ("str", "code", "path"):
        return isinstance(value, str)
    if spec.kind in ("codes", "series"):
        return isinstance(value, list | tuple) and all(isinstance(v, str) for v in value)
    return True


def check_value(name: str, value: Any) -> None:
    """Check one parameter against its spec; names without a spec are left alone.

    Raises:
        ParameterError: naming the parameter, what it must be and what it got.
    """
    spec = SPECS.get(name)
    if spec is None:
        return
    if not _type_ok(spec, value):
        noun = {"int": "a whole number", "float": "a number"}
        noun |= dict.fromkeys(("codes", "series"), "a list of strings")
        raise ParameterError(
            f"{name} must be {noun.get(spec.kind, 'a string')} ({spec.allowed()}); got {value!r}"
        )
    if spec.choices and value not in spec.choices:
        raise ParameterError(f"{name} must be one of {', '.join(spec.choices)}; got {value!r}")
    if spec.low is not None and not spec.low <= value <= spec.high:
        raise ParameterError(f"{name} must be from {spec.low:g} to {spec.high:g}; got {value!r}")


def check_years(start_year: Any, end_year: Any, base_year: Any = None) -> None:
    """The one year-range rule: start_year not after end_year, base_year between them.

    Raises:
        ParameterError: in one wording wherever years are checked.
    """
    if isinstance(start_year, int) and isinstance(end_year, int):
        schema.check_year_range(
            start_year, end_year, names=("start_year", "end_year"), error=ParameterError
        )
    years = (start_year, base_year, end_year)
    if all(isinstance(y, int) for y in years) and not start_year <= base_year <= end_year:
        raise ParameterError(
            f"base_year must be from start_year {start_year} to end_year {end_year}; "
            f"got {base_year}"
        )


def check(values: Mapping[str, Any]) -> None:
    """Check every parameter with a spec found in ``values``, then the year range.

    In a notebook, ``params.check(globals())`` right after the imports checks the parameters
    cell (with papermill's overrides) in one line.

    Raises:
        ParameterError: for the first parameter out of its type, range or choices.
    """
    for name in SPECS:
        if name in values:
            check_value(name, values[name])
    check_years(values.get("start_year"), values.get("end_year"), values.get("base_year"))


def resolve_economies(items: list[str] | str, reference: pd.DataFrame) -> list[str]:
    """The ``economies`` parameter to economy codes (groups expanded, case forgiven).

    Raises:
        ParameterError: naming each unknown code or group, with close matches.
    """
    if isinstance(items, str):
        items = [items]
    if not items:
        raise ParameterError("economies is empty: give at least one economy code or group")
    try:
        return groups.validate_groups_or_economies(list(items), reference)
    except UsageError as exc:
        # The one place a groups error becomes a parameter error (shown as one sentence).
        raise ParameterError(str(exc)) from None


def selection(items: list[str] | str, codes: list[str], reference: pd.DataFrame) -> str:
    """The ``economies`` parameter in words for a page title: the group asked for ("Global
    South", "LDC"), up to three economies by name, or their number.

    Example:
        >>> selection(["KEN"], ["KEN"], reference)
        'Kenya'
    """
    items = [items] if isinstance(items, str) else list(items)
    if len(items) == 1 and groups.is_group(items[0]):
        name = items[0].replace("_", " ")
        return name.title() if name.islower() else name
    if len(codes) <= 3:
        names = reference.set_index("economy")["economy_name"].reindex(codes)
        return ", ".join(names.fillna(pd.Series(codes, index=codes)))
    return f"{len(codes)} economies"


def statement(values: Mapping[str, Any], economies: list[str] | None = None) -> str:
    """One Markdown line naming every parameter this run used (``output_dir`` left out), so a
    reader of the report knows the selection behind every number.

    Args:
        values: the notebook's namespace (``globals()``) or any mapping of parameters.
        economies: the codes ``economies`` resolved to, counted in the line.
    """
    parts = []
    for name in SPECS:
        if name not in values or name == "output_dir":
            continue
        value = values[name]
        shown = ", ".join(map(str, value)) if isinstance(value, list | tuple) else str(value)
        if name == "economies" and economies is not None:
            shown += f" ({len(economies)} economies)"
        parts.append(f"`{name}` = {shown or 'none'}")
    return "**Parameters of this run:** " + "; ".join(parts) + "."


def markdown_table() -> str:
    """The parameters as a Markdown table (the README's "Notebook parameters")."""
    lines = ["| parameter | type | allowed | meaning |", "|---|---|---|---|"]
    for spec in SPECS.values():
        lines.append(f"| `{spec.name}` | {spec.kind} | {spec.allowed()} | {spec.meaning} |")
    return "\n".join(lines)
