"""The snapshot store: what each source returned, unchanged, with its provenance beside it.

Layout (``<root>`` is ``$SDG17_DATA_DIR``, default ``<repo>/data``)::

    <root>/raw/<source>/<snapshot_id>/metadata.json    provenance (see ``Snapshot``)
    <root>/raw/<source>/<snapshot_id>/<payload files>  bytes exactly as received or imported
    <root>/raw/.staging/                               snapshots being written (never read)
    <root>/raw/.store.lock                             one writer at a time

A snapshot is written into ``.staging`` and renamed into place only when every payload and
its metadata are on disk, so a reader never sees half a snapshot and a killed fetch leaves
nothing but staging debris, which the next writer removes. Raw snapshots are never edited;
the newest snapshot holding a series wins, older ones stay for the record.
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from importlib import metadata as importlib_metadata
from pathlib import Path

from filelock import FileLock, Timeout

from helpers import __version__, paths
from helpers.errors import StoreError
from helpers.sources.payload import (
    FORMATS,
    METADATA,
    FetchResult,
    isoformat,
    parse_time,
    sha256,
    utcnow,
)

KINDS = ("api", "import", "demo")
_PACKAGES = ("pandas", "numpy", "wbgapi", "requests", "pyarrow", "statsmodels")
DEFAULT_MAX_AGE = timedelta(days=7)


def package_versions(extra: tuple[str, ...] = ()) -> dict[str, str]:
    """Python, sdg17 and the packages that shape the data (plus ``extra``), by version."""
    versions = {"python": sys.version.split()[0], "sdg17": __version__}
    for name in (*_PACKAGES, *extra):
        try:
            versions[name] = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


@dataclass(frozen=True)
class Snapshot:
    """A snapshot directory and its metadata."""

    path: Path

    @cached_property
    def meta(self) -> dict:
        try:
            return json.loads((self.path / METADATA).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"unreadable snapshot metadata {self.path / METADATA}: {exc}") from exc

    @property
    def id(self) -> str:
        return self.meta["snapshot_id"]

    @property
    def source(self) -> str:
        return self.meta["source"]

    @property
    def format(self) -> str:
        return self.meta["format"]

    @property
    def series(self) -> list[str]:
        return list(self.meta["series"])

    @property
    def retrieved_at(self) -> datetime:
        return parse_time(self.meta["retrieved_at"])

    @property
    def vintage(self) -> str:
        return self.meta["vintage"]

    def files(self) -> list[Path]:
        return [self.path / f["name"] for f in self.meta["files"]]

    def read(self, name: str) -> bytes:
        return (self.path / name).read_bytes()

    def verify(self) -> None:
        """Check every payload against its recorded sha256.

        Raises:
            StoreError: naming the file whose bytes changed since it was stored.
        """
        for entry in self.meta["files"]:
            data = (self.path / entry["name"]).read_bytes()
            if sha256(data) != entry["sha256"]:
                raise StoreError(
                    f"{self.path / entry['name']} does not match its recorded sha256; raw files "
                    "must not be edited. Re-fetch or re-import it."
                )

    def covers(self, economies: list[str] | None, start: int | None, end: int | None) -> bool:
        """Whether this snapshot answered a query at least as wide as the one given."""
        q = self.meta.get("query", {})
        have = q.get("economies", "all")
        if economies and have != "all" and not set(economies) <= set(have):
            return False
        lo, hi = q.get("start_year"), q.get("end_year")
        if start is not None and lo is not None and start < lo:
            return False
        return not (end is not None and hi is not None and end > hi)


def _vintage(result: FetchResult, kind: str, retrieved: datetime) -> str:
    if kind == "demo":
        return result.extra.get("vintage", "synthetic demo data")
    parts = []
    if result.source_last_updated:
        parts.append(f"updated {result.source_last_updated}")
    if result.dataflow_version:
        parts.append(f"dataflow v{result.dataflow_version}")
    parts.append(f"{'imported' if kind == 'import' else 'retrieved'} {retrieved:%Y-%m-%d}")
    return ", ".join(parts)


class Store:
    """A snapshot store rooted at ``root`` (default: :func:`helpers.paths.data_dir`)."""

    def __init__(self, root: Path | str | None = None, lock_timeout: float = 600.0):
        self.root = Path(root).resolve() if root else paths.data_dir()
        self.raw = paths.raw_dir(self.root)
        self.processed = paths.processed_dir(self.root)
        self.lock_timeout = lock_timeout

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r})"

    # -- writing ------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the store's write lock; a second writer waits, then sees the first one's work."""
        self.raw.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(self.raw / ".store.lock"))
        try:
            lock.acquire(timeout=self.lock_timeout if timeout is None else timeout)
        except Timeout as exc:
            raise StoreError(
                f"another sdg17 process holds {self.raw / '.store.lock'}; wait for it to finish "
                "or remove the lock file if no sdg17 process is running"
            ) from exc
        try:
            yield
        finally:
            lock.release()

    def clean_staging(self) -> list[Path]:
        """Remove what killed writers left in ``.staging``. Call with the lock held."""
        staging = self.raw / ".staging"
        removed = []
        if staging.exists():
            for entry in staging.iterdir():
                shutil.rmtree(entry, ignore_errors=True)
                removed.append(entry)
        return removed

    def write(
        self,
        result: FetchResult,
        *,
        kind: str = "api",
        citation: str = "",
        licence: str = "",
        retrieved_at: datetime | None = None,
    ) -> Snapshot:
        """Store one FetchResult as a new snapshot, atomically.

        Args:
            result: the payloads and what they answer.
            kind: "api" (fetched), "import" (a user's file) or "demo" (synthetic).
            citation, licence: provenance for everything made from these payloads.
            retrieved_at: override the timestamp (tests and imports of dated files).
        """
        if result.format not in FORMATS:
            raise StoreError(f"unknown payload format {result.format!r}")
        if kind not in KINDS:
            raise StoreError(f"unknown snapshot kind {kind!r}")
        if not result.payloads:
            raise StoreError(f"{result.source}: refusing to store a snapshot with no payloads")
        names = [p.name for p in result.payloads]
        if len(set(names)) != len(names) or METADATA in names or any("/" in n for n in names):
            raise StoreError(f"{result.source}: payload names must be unique plain file names")

        retrieved = retrieved_at or utcnow()
        snapshot_id = f"{retrieved:%Y%m%dT%H%M%SZ}-{kind}-{secrets.token_hex(3)}"
        staging = self.raw / ".staging" / f"{snapshot_id}.{os.getpid()}"
        staging.mkdir(parents=True)
        try:
            files = []
            for p in result.payloads:
                _write_durably(staging / p.name, p.content)
                files.append(
                    {
                        "name": p.name,
                        "sha256": sha256(p.content),
                        "bytes": len(p.content),
                        "rows": p.rows,
                        "url": p.url,
                    }
                )
            rows = [f["rows"] for f in files]
            meta = {
                "snapshot_id": snapshot_id,
                "source": result.source,
                "kind": kind,
                "format": result.format,
                "series": list(result.series),
                "query": result.query,
                "urls": [p.url for p in result.payloads if p.url],
                "retrieved_at": isoformat(retrieved),
                "source_last_updated": result.source_last_updated,
                "dataflow_version": result.dataflow_version,
                "vintage": _vintage(result, kind, retrieved),
                "files": files,
                "rows": None if any(r is None for r in rows) else sum(rows),
                "requests": result.requests,
                "licence": licence,
                "citation": citation,
                "package_versions": package_versions(),
                "extra": result.extra,
            }
            _write_durably(
                staging / METADATA, json.dumps(meta, indent=2, sort_keys=True).encode("utf-8")
            )
            final = self.raw / result.source / snapshot_id
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(staging, final)  # atomic: the snapshot appears whole or not at all
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
        return Snapshot(final)

    # -- reading ------------------------------------------------------------------------
    def snapshots(self, source: str | None = None) -> list[Snapshot]:
        """Every complete snapshot, oldest first."""
        if not self.raw.exists():
            return []
        found = []
        for meta in sorted(self.raw.glob(f"{source or '[!.]*'}/*/{METADATA}")):
            found.append(Snapshot(meta.parent))
        return sorted(found, key=lambda s: (s.meta["retrieved_at"], s.id))

    def history(self, series_id: str) -> list[Snapshot]:
        """Snapshots holding ``series_id``, newest first."""
        return [s for s in reversed(self.snapshots()) if series_id in s.meta["series"]]

    def latest(self, series_id: str) -> Snapshot | None:
        hist = self.history(series_id)
        return hist[0] if hist else None

    def latest_by_series(self) -> dict[str, Snapshot]:
        latest: dict[str, Snapshot] = {}
        for snap in self.snapshots():  # oldest first, so newer ones overwrite
            for sid in snap.meta["series"]:
                latest[sid] = snap
        return latest

    def is_fresh(
        self,
        series_id: str,
        max_age: timedelta = DEFAULT_MAX_AGE,
        *,
        economies: list[str] | None = None,
        start: int | None = None,
        end: int | None = None,
        now: datetime | None = None,
    ) -> bool:
        """True if a snapshot younger than ``max_age`` already answers this query."""
        now = now or utcnow()
        return any(
            now - snap.retrieved_at <= max_age and snap.covers(economies, start, end)
            for snap in self.history(series_id)
            if snap.meta["kind"] == "api"
        )

    def missing(self, series_ids: list[str]) -> list[str]:
        have = self.latest_by_series()
        return [s for s in series_ids if s not in have]

    def is_demo(self) -> bool:
        """True when this store holds synthetic demo data."""
        return any(s.meta["kind"] == "demo" for s in self.snapshots())


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
