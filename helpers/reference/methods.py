"""Published progress-assessment methods: their thresholds, labels and citations.

The methods live in ``helpers/reference/progress_methods.yaml`` (see its header for the
fields); this module reads and checks that file so that ``helpers.models.progress`` never holds
a threshold of its own.

Example:
    >>> from helpers.reference import methods
    >>> methods.load_progress_methods()["open_sdg"]["categories"][0]
    'Target achieved'
"""

from __future__ import annotations

import copy
from functools import cache
from pathlib import Path

import yaml

from helpers.errors import SchemaError
from helpers.paths import REFERENCE_DIR

PROGRESS_METHODS_FILE = REFERENCE_DIR / "progress_methods.yaml"
CITATION_FIELDS = ("title", "publisher", "year", "url")
_THRESHOLD_KINDS = ("with_target", "without_target")


def load_progress_methods(path: str | Path | None = None) -> dict[str, dict]:
    """Every method in ``progress_methods.yaml`` (or ``path``), keyed by id, checked.

    A fresh copy each call, so a caller may change it (tests do) without touching the cache.

    Raises:
        SchemaError: naming the file, the method and the field that is missing or wrong.
    """
    return copy.deepcopy(dict(_load(str(Path(path or PROGRESS_METHODS_FILE)))))


def default_method(path: str | Path | None = None) -> str:
    """The id of the method the file names under ``default``."""
    file = Path(path or PROGRESS_METHODS_FILE)
    raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    default = raw.get("default")
    if default not in (raw.get("methods") or {}):
        raise SchemaError(f"{file}: default {default!r} is not one of the methods")
    return default


@cache
def _load(path: str) -> tuple[tuple[str, dict], ...]:
    raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    entries = raw.get("methods") or {}
    if not entries:
        raise SchemaError(f"{path}: no methods")
    return tuple((key, _check(path, key, entry or {})) for key, entry in entries.items())


def _check(path: str, key: str, entry: dict) -> dict:
    where = f"{path}: method {key}"
    citation = entry.get("citation") or {}
    lacking = [f for f in CITATION_FIELDS if not citation.get(f)]
    if not entry.get("name") or lacking:
        raise SchemaError(f"{where}: needs a name and a citation with {', '.join(lacking)}")
    if not entry.get("available"):
        if not entry.get("missing"):
            raise SchemaError(f"{where}: an unavailable method must list what is missing")
        return entry
    categories = entry.get("categories") or []
    if len(categories) < 2 or not entry.get("unable"):
        raise SchemaError(f"{where}: needs categories (best to worst) and an 'unable' label")
    for kind in _THRESHOLD_KINDS:
        bounds = (entry.get("thresholds") or {}).get(kind) or {}
        unknown = sorted(set(bounds) - set(categories))
        values = list(bounds.values())
        if unknown or values != sorted(values, reverse=True):
            raise SchemaError(
                f"{where}: thresholds.{kind} must name categories ({unknown} are not) and "
                "decrease from best to worst"
            )
    return entry
