"""``sdg17 import``: files downloaded by hand, written into the store as snapshots.

Recognising and reading the files is the sources' business (:mod:`helpers.sources.importers`);
this module decides what is new and writes it, under the store's lock.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

from helpers import catalogue
from helpers.sources import importers
from helpers.sources.payload import FetchResult, utcnow
from helpers.store.snapshots import Snapshot, Store

log = logging.getLogger(__name__)


def _already_stored(store: Store, prep: importers.Prepared) -> Snapshot | None:
    for snap in store.snapshots(prep.result.source):
        if (
            snap.format == prep.result.format
            and any(f["sha256"] == prep.sha for f in snap.meta["files"])
            and not snap.changed()  # an edited copy is replaced, not kept
        ):
            return snap
    return None


def _after_newest(store: Store, result: FetchResult) -> None:
    """Wait, if need be, so that the new snapshot sorts after the store's newest of its kind.

    Snapshots are ordered by whole-second timestamps; a file imported in the same second as
    an earlier snapshot of the same series (or, for country metadata, of the same format)
    must still come out newer, so that it wins.
    """
    if result.series:
        newest = [hist[0].retrieved_at for sid in result.series if (hist := store.history(sid))]
    else:
        newest = [
            s.retrieved_at for s in store.snapshots(result.source) if s.format == result.format
        ]
    if newest and max(newest) == utcnow():
        while utcnow() <= max(newest):
            time.sleep(0.05)


def import_files(paths: list[Path], store: Store | None = None) -> list[Snapshot]:
    """Import files into the store, one snapshot per file, all or nothing.

    Every file is recognised and parsed in full before anything is written; if any is bad,
    a UsageError lists each bad file and the store is left untouched. A file whose exact
    bytes the store already holds (same source and format) is not stored again: its existing
    snapshot is returned and the log says so. Each new snapshot is newer than every snapshot
    already holding its series, and when two files hold the same series the later one in
    ``paths`` is the newer, so the last file imported wins.

    Args:
        paths: the files, in any of the accepted formats (see the module docstring).
        store: where to write (default: the project's store).

    Returns:
        One snapshot per file, in the order given.

    Raises:
        UsageError: naming each file that is missing, unreadable, of no accepted format,
            corrupt, or holding an indicator the catalogue lacks.
    """
    store = store or Store()
    prepared = importers.prepare_all(paths)

    sources = catalogue.load().sources
    snapshots: list[Snapshot] = []
    with store.lock():
        for prep in prepared:
            existing = _already_stored(store, prep)
            if existing is not None:
                log.info(
                    "%s is already in the store as snapshot %s (same sha256); not stored again",
                    prep.path,
                    existing.id,
                )
                snapshots.append(existing)
                continue
            _after_newest(store, prep.result)
            src = sources[prep.result.source]
            snap = store.write(
                prep.result, kind="import", citation=src["citation"], licence=src["licence"]
            )
            log.info(
                "imported %s as snapshot %s (%s)",
                prep.path,
                snap.id,
                ", ".join(snap.series) or prep.result.format,
            )
            snapshots.append(snap)
    return snapshots
