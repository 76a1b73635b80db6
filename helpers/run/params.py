"""The parameters a notebook declares, and whether given values fit them.

A notebook's ``parameters`` cell (plain literals, per the notebook anatomy in STYLE.md) is
both its documentation and its contract: a run may set only the names it declares, with
values of the type of the declared default.
"""

from __future__ import annotations

import ast
import json
from pathlib import Path
from typing import Any

from helpers.errors import ParameterError, UsageError
from helpers.notebook import params as nbparams

RESERVED = "output_dir"  # the runner injects the execution folder; configs may not set it
_NO_DEFAULT = object()  # a parameter whose default is not a plain literal: any type accepted


def declared(path: Path) -> dict[str, Any]:
    """Names and default values of the ``parameters`` cell of a notebook.

    Parsed with ``ast`` rather than ``papermill.inspect_notebook`` because papermill's
    line-based parser misses tuple assignments such as ``start_year, end_year = 2000, 2023``.
    A default that is not a plain literal maps to ``_NO_DEFAULT`` (any type accepted).

    Raises:
        UsageError: the notebook is unreadable, has no ``parameters`` cell, or it does not parse.
    """
    try:
        nb = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise UsageError(f"notebook {path} cannot be read: {exc}") from exc
    for cell in nb.get("cells", []):
        if "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell["source"]
            source = "".join(source) if isinstance(source, list) else source
            break
    else:
        raise UsageError(f"notebook {path} has no cell tagged 'parameters'")
    try:
        tree = ast.parse(source)
    except SyntaxError as exc:
        raise UsageError(f"notebook {path}: the parameters cell does not parse: {exc}") from exc
    declared: dict[str, Any] = {}
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            declared[node.target.id] = _literal(node.value)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    declared[target.id] = _literal(node.value)
                elif isinstance(target, ast.Tuple | ast.List):
                    values = (
                        node.value.elts
                        if isinstance(node.value, ast.Tuple | ast.List)
                        else [None] * len(target.elts)
                    )
                    for elt, value in zip(target.elts, values, strict=False):
                        if isinstance(elt, ast.Name):
                            declared[elt.id] = _literal(value)
    return declared


def _literal(node: ast.expr | None) -> Any:
    if node is None:
        return _NO_DEFAULT
    try:
        return ast.literal_eval(node)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return _NO_DEFAULT


def type_matches(value: Any, default: Any) -> bool:
    """Whether ``value`` may replace ``default`` (an int may stand for a float, not the reverse)."""
    if default is _NO_DEFAULT or default is None:
        return True
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, int):
        return isinstance(value, int)
    if isinstance(default, float):
        return isinstance(value, int | float)
    if isinstance(default, list | tuple):
        return isinstance(value, list | tuple)
    return isinstance(value, type(default))


def _type_name(default: Any) -> str:
    return {
        bool: "bool",
        int: "int",
        float: "float (or int)",
        str: "str",
        list: "list",
        tuple: "list",
        dict: "mapping",
    }.get(type(default), type(default).__name__)


def check(
    where: str, declared: dict, path: Path, name: str, value: Any, *, check_type: bool = True
) -> None:
    """Raise UsageError, prefixed with ``where``, unless ``name = value`` fits ``declared``."""
    if name == RESERVED:
        raise UsageError(f"{where}: {RESERVED} is set by the runner; remove it from the config")
    if name not in declared:
        raise UsageError(
            f"{where}: unknown parameter {name!r}; {path.name} declares "
            f"{', '.join(sorted(n for n in declared if n != RESERVED))}"
        )
    default = declared[name]
    if check_type and not type_matches(value, default):
        raise UsageError(
            f"{where}: parameter {name} = {value!r} ({type(value).__name__}) does not match "
            f"the type of the notebook's default {default!r} ({_type_name(default)})"
        )
    if check_type:
        try:
            nbparams.check_value(name, value)  # the declared range or choices
        except ParameterError as exc:
            raise ParameterError(f"{where}: {exc}") from None


def check_years(where: str, params: dict, declared: dict) -> None:
    """Raise UsageError if the given (or else declared) years break the one year-range rule."""
    years = (params.get(k, declared.get(k)) for k in ("start_year", "end_year", "base_year"))
    try:
        nbparams.check_years(*years)
    except ParameterError as exc:
        raise ParameterError(f"{where}: {exc}") from None
