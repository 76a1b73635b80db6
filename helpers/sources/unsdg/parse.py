"""UN SDG snapshots (API pages or an imported DDF file) -> tidy rows.

The slice each catalogue series takes, and why, is in :mod:`helpers.sources.unsdg.slices`.
Each row's vintage names the UN release of its series (recorded at fetch or import time)
and the retrieval date: "UN SDG Global Database release 2022.Q1.G.03, retrieved 2026-12-08".
"""

from __future__ import annotations

import pandas as pd

from helpers import catalogue
from helpers.catalogue import Series
from helpers.errors import StoreError
from helpers.sources.payload import StoredSnapshot
from helpers.sources.unsdg import ddf
from helpers.sources.unsdg.slices import (
    API_FORMAT,
    DDF_FORMAT,
    SOURCE,
    FormatError,
    long_from_pages,
    tidy_rows,
)


# -- snapshots -----------------------------------------------------------------------------
def vintage_text(release: str, retrieved: str, kind: str) -> str:
    verb = "imported" if kind == "import" else "retrieved"
    return f"UN SDG Global Database release {release or 'unknown'}, {verb} {retrieved[:10]}"


def _vintages(snapshot: StoredSnapshot, series: list[Series]) -> dict[str, str]:
    meta = snapshot.meta
    releases = (meta.get("extra") or {}).get("releases") or {}
    return {
        s.id: vintage_text(releases.get(s.id, ""), meta["retrieved_at"], meta.get("kind", "api"))
        for s in series
    }


def _members(snapshot: StoredSnapshot) -> list[Series]:
    wanted = set(snapshot.series)
    return [s for s in catalogue.load().series if s.id in wanted and s.source == SOURCE]


def long_of(snapshot: StoredSnapshot) -> tuple[pd.DataFrame, dict[str, str]]:
    """The long frame of a UN snapshot (API or DDF) and the area names it carries."""
    files = snapshot.files()
    if snapshot.format == API_FORMAT:
        pages = [p.read_bytes() for p in files if p.name.startswith("data-")]
        try:
            return long_from_pages(pages), {}
        except FormatError as exc:
            raise StoreError(f"{snapshot.path}: a UN page no longer reads: {exc}") from None
    if snapshot.format == DDF_FORMAT:
        return ddf.long_of_files(files, snapshot.path)
    raise StoreError(f"{snapshot.path}: format {snapshot.format!r} is not a UN SDG format")


def parse(snapshot: StoredSnapshot) -> pd.DataFrame:
    """The tidy rows of a UN snapshot (``unsdg-api-json`` or ``unsdg-ddf-csv``). Its groups and
    regions (LDC, SIDS, M49_202 ...) enter the economy reference from these rows, as
    aggregates (``helpers.tidy.tables``)."""
    members = _members(snapshot)
    long, names = long_of(snapshot)
    rows, _ = tidy_rows(long, members, _vintages(snapshot, members), snapshot.id, names)
    return rows
