"""The store layer: snapshots on disk, and the commands that fill it (fetch, import, demo)."""

from helpers.store.snapshots import (
    DEFAULT_LOCK_TIMEOUT,
    DEFAULT_MAX_AGE,
    KINDS,
    METADATA,
    SetAside,
    Snapshot,
    Store,
    lock_timeout_from_env,
    package_versions,
    verified,
)

__all__ = [
    "DEFAULT_LOCK_TIMEOUT",
    "DEFAULT_MAX_AGE",
    "KINDS",
    "METADATA",
    "SetAside",
    "Snapshot",
    "Store",
    "lock_timeout_from_env",
    "package_versions",
    "verified",
]
