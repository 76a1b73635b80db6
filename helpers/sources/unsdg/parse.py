"""UN SDG snapshots (API pages or an imported DDF file) -> tidy rows and aggregate reference rows.

The slice each catalogue series takes, and why, is in :mod:`helpers.sources.unsdg.slices`.
Each row's vintage names the UN release of its series (recorded at fetch or import time)
and the retrieval date: "UN SDG Global Database release 2022.Q1.G.03, retrieved 2026-12-08".
"""

from __future__ import annotations

import pandas as pd

from helpers import catalogue
from helpers.catalogue import Series
from helpers.errors import StoreError
from helpers.reference import m49, schema
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

_CACHE: dict[tuple, pd.DataFrame] = {}
_CACHE_SIZE = 64


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
    """The tidy rows of a UN snapshot (``unsdg-api-json`` or ``unsdg-ddf-csv``)."""
    # A build reads each snapshot twice (rows, then aggregates for the economy reference);
    # the cache key includes each payload's size and mtime, so an edited payload is re-read.
    key = (str(snapshot.path), snapshot.id, tuple(_stat(p) for p in snapshot.files()))
    if key not in _CACHE:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        members = _members(snapshot)
        long, names = long_of(snapshot)
        _CACHE[key], _ = tidy_rows(long, members, _vintages(snapshot, members), snapshot.id, names)
    return _CACHE[key].copy()


def _stat(path) -> tuple:
    st = path.stat()
    return (path.name, st.st_size, st.st_mtime_ns)


def parse_areas(snapshot: StoredSnapshot) -> pd.DataFrame:
    """Economy-reference rows for the aggregates in a UN snapshot (WLD, LDC, M49_202 ...).

    Only aggregates: countries get their region and income group from the World Bank
    reference, which a UN row (which has neither) must not override.
    """
    rows = parse(snapshot)
    aggs = rows[rows["economy"].map(m49.is_aggregate)].drop_duplicates("economy")
    return pd.DataFrame(
        {
            "economy": aggs["economy"].to_numpy(),
            "economy_name": aggs["economy_name"].to_numpy(),
            "region": None,
            "income_group": None,
            "is_aggregate": True,
        },
        columns=schema.REFERENCE_COLUMNS,
    )
