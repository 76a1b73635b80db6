"""What the store holds, one row per catalogue series: vintage, coverage, staleness.

``sdg17 status`` prints it and the data-inventory notebook starts from it; ``set_aside``
lists the snapshots the store cannot use (damaged metadata, changed payloads).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from helpers import catalogue
from helpers.store import Store, fetch
from helpers.tidy import tables


def status_table(store: Store, show_all: bool = False) -> pd.DataFrame:
    """One row per catalogue series: source, vintage, retrieved-at, coverage, staleness."""
    max_age = fetch.max_age_from_env()
    latest = store.latest_by_series()
    obs = pd.DataFrame()
    if latest:
        obs = pd.concat(
            [
                tables.load(missing="ignore", store=store).assign(aggregate=False),
                tables.load(missing="ignore", aggregates=True, store=store).assign(aggregate=True),
            ]
        )
        # The tables skip snapshots the build set aside; so does the vintage shown here.
        latest = store.latest_by_series(skip=tables.set_aside(store))
    now = datetime.now(UTC)
    rows = []
    for s in catalogue.load().series:
        snap = latest.get(s.id)
        if snap is None:
            if show_all:
                rows.append({"series": s.id, "source": s.source, "vintage": "missing"})
            continue
        mine = obs[obs["series"] == s.id] if len(obs) else obs
        countries = mine[~mine["aggregate"]] if len(mine) else mine
        age = now - snap.retrieved_at
        rows.append(
            {
                "series": s.id,
                "source": f"{s.source} ({snap.meta['kind']})",
                "vintage": snap.vintage,
                "retrieved_at": snap.meta["retrieved_at"],
                "economies": int(countries["economy"].nunique()) if len(mine) else 0,
                "aggregates": int(mine.loc[mine["aggregate"], "economy"].nunique())
                if len(mine)
                else 0,
                "years": f"{mine['year'].min()}-{mine['year'].max()}" if len(mine) else "",
                "rows": len(mine),
                "stale": "n/a"
                if snap.meta["kind"] != "api"
                else ("yes" if age > max_age else "no"),
            }
        )
    return pd.DataFrame(rows)


def set_aside(store: Store, verify: bool = False) -> pd.DataFrame:
    """The snapshots the store cannot use, one row each: path, problem, how to repair it.

    Damaged metadata is always found; changed payloads are those the last build set aside,
    or, with ``verify``, every payload hashed now against its sha256 in ``metadata.json``.
    """
    found = {str(d.path): (d.problem, d.repair) for d in store.damaged()}
    if verify:
        found.update({str(a.path): (a.problem, a.repair) for a in store.verify()})
    else:
        current = {snap.id for snap in store.snapshots()}
        for snap_id, entry in tables.set_aside(store).items():
            if snap_id in current:
                found.setdefault(
                    entry.get("path", snap_id), (entry.get("problem"), entry.get("repair"))
                )
    rows = [{"snapshot": path, "problem": p, "repair": r} for path, (p, r) in found.items()]
    return pd.DataFrame(rows, columns=["snapshot", "problem", "repair"])
