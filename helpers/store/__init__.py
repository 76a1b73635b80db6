"""The store layer: snapshots on disk, and the commands that fill it (fetch, import, demo)."""

from helpers.store.snapshots import (
    DEFAULT_MAX_AGE,
    Snapshot,
    Store,
    package_versions,
    verified,
)

__all__ = ["DEFAULT_MAX_AGE", "Snapshot", "Store", "package_versions", "verified"]
