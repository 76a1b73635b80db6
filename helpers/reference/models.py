"""The statistical methods the notebooks use and the publications they come from.

The list lives in ``helpers/reference/models.yaml`` (see its header for the fields); the
report site's "Methods and sources" page shows it.

Example:
    >>> from helpers.reference import models
    >>> models.load_models()[0]["references"][0]["citation"]
    'Newey, W. K. and West, K. D. (1987). ...'
"""

from __future__ import annotations

from pathlib import Path

import yaml

from helpers.errors import SchemaError
from helpers.paths import REFERENCE_DIR

MODELS_FILE = REFERENCE_DIR / "models.yaml"


def load_models(path: str | Path | None = None) -> list[dict]:
    """Every entry of ``models.yaml`` (or ``path``), in file order, as
    ``{name, used_in: [str], option, what, references: [{citation, url}]}``.

    Raises:
        SchemaError: naming the file and the entry that lacks a name, a ``used_in`` or a
            citation in one of its references.
    """
    file = Path(path or MODELS_FILE)
    raw = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
    entries = raw.get("models") or []
    if not isinstance(entries, list) or not entries:
        raise SchemaError(f"{file}: expected a non-empty list under 'models'")
    return [_check(file, n, entry or {}) for n, entry in enumerate(entries, start=1)]


def _check(file: Path, n: int, entry: dict) -> dict:
    name = entry.get("name")
    used_in = entry.get("used_in") or []
    used_in = [used_in] if isinstance(used_in, str) else list(used_in)
    references = entry.get("references") or []
    if not name or not used_in:
        raise SchemaError(f"{file}: model {n} ({name or 'no name'}) needs a name and used_in")
    for ref in references:
        if not isinstance(ref, dict) or not ref.get("citation"):
            raise SchemaError(f"{file}: model {name!r} has a reference without a citation")
    return {
        "name": str(name),
        "used_in": [str(u) for u in used_in],
        "option": entry.get("option"),
        "what": entry.get("what"),
        "references": [{"citation": r["citation"], "url": r.get("url")} for r in references],
    }
