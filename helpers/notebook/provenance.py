"""The data behind a notebook: every series read, with its source, vintage and licence.

Read from the snapshot metadata in the store, so the table names exactly the snapshots the
rows came from.
"""

from __future__ import annotations

import pandas as pd

from helpers import catalogue
from helpers.store import Store
from helpers.tidy import wrangle
from helpers.topics.section import Section


def table(frame: pd.DataFrame, store: Store | None = None) -> pd.DataFrame:
    """The data behind a notebook: series, title, source, vintage, retrieved, licence, citation."""
    store = store if store is not None else Store()
    if frame.empty:
        return pd.DataFrame(
            columns=["series", "title", "source", "vintage", "retrieved_at", "licence", "citation"]
        )
    known = {s.id: s for s in catalogue.load().series}
    snapshots = {snap.id: snap for snap in store.snapshots()}  # one scan of the store
    rows = []
    for (sid, snap_id), grp in frame.groupby(["series", "snapshot_id"], sort=True):
        meta = snapshots[snap_id].meta if snap_id in snapshots else {}
        entry = known.get(sid)
        rows.append(
            {
                "series": sid,
                "title": entry.title if entry else "",
                "source": grp["source"].iloc[0],
                "vintage": grp["vintage"].iloc[0],
                "retrieved_at": meta.get("retrieved_at", ""),
                "licence": meta.get("licence") or (entry.licence if entry else ""),
                "citation": meta.get("citation") or (entry.citation if entry else ""),
                "snapshot": snap_id,
                "rows": len(grp),
            }
        )
    return pd.DataFrame(rows)


def section(*frames: pd.DataFrame | None, store: Store | None = None) -> Section:
    """The last section of every notebook: the provenance of the tidy rows it read (stacked),
    shown and saved as ``provenance``."""
    return Section(tables={"provenance": table(wrangle.stack(*frames), store)})
