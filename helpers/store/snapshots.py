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

A damaged snapshot (``metadata.json`` missing, unreadable, not JSON, or lacking a field) is
set aside: the readers skip it with a warning that names it and how to replace it, and
every other snapshot keeps working. :meth:`Store.verify` (``sdg17 status --verify``) and the
tidy build also set aside a snapshot whose payload bytes no longer match their sha256.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import shutil
import sys
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cached_property
from importlib import metadata as importlib_metadata
from pathlib import Path

from filelock import FileLock, Timeout

from helpers import __version__, paths
from helpers.errors import StoreError, UsageError
from helpers.sources.payload import (
    FORMATS,
    METADATA,
    FetchResult,
    isoformat,
    parse_time,
    sha256,
    utcnow,
)

log = logging.getLogger(__name__)

KINDS = ("api", "import", "demo")
_PACKAGES = ("pandas", "numpy", "wbgapi", "requests", "pyarrow", "statsmodels")
DEFAULT_MAX_AGE = timedelta(days=7)
DEFAULT_LOCK_TIMEOUT = 600.0  # seconds; SDG17_LOCK_TIMEOUT overrides it
# What every reader of a snapshot relies on, and the JSON type of each.
_REQUIRED = {
    "snapshot_id": str,
    "source": str,
    "kind": str,
    "format": str,
    "series": list,
    "retrieved_at": str,
    "vintage": str,
    "files": list,
}
_warned: set[tuple[str, str]] = set()  # each set-aside snapshot is warned about once a process


def lock_timeout_from_env() -> float:
    """Seconds to wait for the store lock: ``$SDG17_LOCK_TIMEOUT``, default 600.

    Raises:
        UsageError: the variable is not a number of seconds (0 or more).
    """
    raw = os.environ.get("SDG17_LOCK_TIMEOUT", "").strip()
    if not raw:
        return DEFAULT_LOCK_TIMEOUT
    try:
        seconds = float(raw)
    except ValueError:
        seconds = -1.0
    if not seconds >= 0:  # also refuses nan
        raise UsageError(f"SDG17_LOCK_TIMEOUT={raw!r} is not a number of seconds (0 or more)")
    return seconds


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

    def problem(self) -> str | None:
        """Why this snapshot's ``metadata.json`` cannot be used, or None when it can."""
        where = self.path / METADATA
        try:
            meta = json.loads(where.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return f"{METADATA} is missing"
        except OSError as exc:
            return f"{METADATA} cannot be read ({exc.strerror or exc})"
        except ValueError as exc:  # includes UnicodeDecodeError
            return f"{METADATA} is not valid JSON ({exc})"
        if not isinstance(meta, dict):
            return f"{METADATA} is not a JSON object"
        missing = [k for k in _REQUIRED if k not in meta]
        if missing:
            return f"{METADATA} lacks {', '.join(missing)}"
        wrong = [k for k, kind in _REQUIRED.items() if not isinstance(meta[k], kind)]
        if wrong:
            return f"{METADATA} has a malformed {', '.join(wrong)}"
        try:
            parse_time(meta["retrieved_at"])
        except ValueError:
            return f"{METADATA} has a malformed retrieved_at ({meta['retrieved_at']!r})"
        if meta["kind"] not in KINDS:
            return f"{METADATA} has an unknown kind ({meta['kind']!r})"
        for entry in meta["files"]:
            if not (
                isinstance(entry, dict)
                and isinstance(entry.get("name"), str)
                and isinstance(entry.get("sha256"), str)
            ):
                return f"{METADATA} has a malformed files entry ({entry!r})"
        self.__dict__["meta"] = meta  # what cached_property would keep: read it once
        return None

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

    def changed(self) -> list[str]:
        """Payload files that are missing or whose bytes no longer match their sha256."""
        changed = []
        for entry in self.meta["files"]:
            try:
                data = (self.path / entry["name"]).read_bytes()
            except OSError:
                changed.append(entry["name"])
                continue
            if sha256(data) != entry["sha256"]:
                changed.append(entry["name"])
        return changed

    def verify(self) -> None:
        """Check every payload against its recorded sha256.

        Raises:
            StoreError: naming the file whose bytes changed since it was stored.
        """
        for name in self.changed():
            raise StoreError(
                f"{self.path / name} does not match its recorded sha256; raw files "
                "must not be edited. Re-fetch or re-import it."
            )

    def covers(
        self,
        economies: list[str] | None,
        start: int | None,
        end: int | None,
        creditors: list[str] | str | None = None,
    ) -> bool:
        """Whether this snapshot answered a query at least as wide as the one given.

        ``creditors`` (series by creditor only): the creditor codes or IDS ids asked for, or
        the default selection's name ("default:wb_lmic"), which must be the one recorded.
        """
        q = self.meta.get("query", {})
        if isinstance(creditors, str) and q.get("creditor_selection") != creditors:
            return False
        if isinstance(creditors, list):
            held = set(q.get("creditors", [])) | set(q.get("counterparts", []))
            if not set(creditors) <= held:
                return False
        have = q.get("economies", "all")
        if economies and have != "all" and not set(economies) <= set(have):
            return False
        lo, hi = q.get("start_year"), q.get("end_year")
        if start is not None and lo is not None and start < lo:
            return False
        return not (end is not None and hi is not None and end > hi)


@dataclass(frozen=True)
class SetAside:
    """A snapshot the readers skip: its metadata is damaged, or a payload changed."""

    path: Path
    problem: str
    snapshot: Snapshot | None = None  # set when the metadata is sound (a changed payload)

    @property
    def repair(self) -> str:
        """How to replace it, in a sentence."""
        meta = self.snapshot.meta if self.snapshot is not None else {}
        kind, series = meta.get("kind"), " ".join(meta.get("series", []))
        if kind is None and self.path.parent.name == "demo":
            kind = "demo"  # unreadable metadata, but only the demo store writes raw/demo
        if kind == "import":
            file = meta.get("query", {}).get("file") or "its file"
            return f"delete {self.path} and re-import {file} (`sdg17 import PATH`)"
        if kind == "demo":
            return f"delete {self.path} and rebuild the demo store (`sdg17 demo`)"
        if kind == "api" and series:
            return f"re-fetch it (`sdg17 fetch --refresh --series {series}`)"
        return (
            "re-fetch its series (`sdg17 fetch --refresh`) or re-import its file "
            f"(`sdg17 import PATH`), which replaces it; then delete {self.path}"
        )

    @property
    def message(self) -> str:
        return f"snapshot {self.path} is set aside: {self.problem}. To repair it, {self.repair}."

    def warn(self) -> None:
        """Log the warning, once per process for each snapshot and problem."""
        key = (str(self.path), self.problem)
        if key not in _warned:
            _warned.add(key)
            log.warning("%s", self.message)


def verified(snapshots: list[Snapshot]) -> tuple[list[Snapshot], list[SetAside]]:
    """Split ``snapshots`` into those whose payloads match their sha256 and those set aside.

    Each one set aside is logged as a warning naming the changed files and how to repair it.
    """
    good, aside = [], []
    for snap in snapshots:
        changed = snap.changed()
        if not changed:
            good.append(snap)
            continue
        problem = (
            f"{', '.join(changed)} changed since it was stored (or is missing): "
            "its bytes do not match the sha256 in metadata.json"
        )
        aside.append(SetAside(snap.path, problem, snap))
        aside[-1].warn()
    return good, aside


def _vintage(result: FetchResult, kind: str, retrieved: datetime) -> str:
    if kind == "demo":
        return result.extra.get("vintage", "synthetic demo data")
    parts = []
    if result.extra.get("release"):  # a source that names its release ("UN SDG ... 2022.Q1")
        parts.append(result.extra["release"])
    elif result.source_last_updated:
        parts.append(f"updated {result.source_last_updated}")
    if result.dataflow_version:
        parts.append(f"dataflow v{result.dataflow_version}")
    parts.append(f"{'imported' if kind == 'import' else 'retrieved'} {retrieved:%Y-%m-%d}")
    return ", ".join(parts)


class Store:
    """A snapshot store rooted at ``root`` (default: :func:`helpers.paths.data_dir`)."""

    def __init__(self, root: Path | str | None = None, lock_timeout: float | None = None):
        """Open the store at ``root``; nothing is created until something is written.

        Args:
            root: the data root (default ``$SDG17_DATA_DIR`` or ``<repo>/data``).
            lock_timeout: seconds to wait for another writer (default
                ``$SDG17_LOCK_TIMEOUT`` or 600).

        Raises:
            UsageError: the root, or its raw or processed folder, is a file (or lies under
                one), or ``SDG17_LOCK_TIMEOUT`` is not a number.
        """
        setting = "the store root given" if root else "SDG17_DATA_DIR"
        self.root = Path(root).resolve() if root else paths.data_dir()
        self.raw = paths.raw_dir(self.root)
        self.processed = paths.processed_dir(self.root)
        for folder in (self.root, self.raw, self.processed):
            paths.check_dir(folder, setting)
        self._setting = setting
        self.lock_timeout = lock_timeout_from_env() if lock_timeout is None else lock_timeout

    def __repr__(self) -> str:
        return f"Store({str(self.root)!r})"

    # -- writing ------------------------------------------------------------------------
    @contextlib.contextmanager
    def lock(self, timeout: float | None = None) -> Iterator[None]:
        """Hold the store's write lock; a second writer waits, then sees the first one's work.

        On taking the lock, what killed writers left behind (staging folders, temporary
        table files) is removed, so stray files last only until the next write.
        """
        with self.hold(".store.lock", timeout=timeout):
            self.clean_staging()
            self.clean_processed()
            yield

    @contextlib.contextmanager
    def hold(
        self, name: str, holder: str = "another sdg17 process", timeout: float | None = None
    ) -> Iterator[None]:
        """Hold the file lock ``raw/<name>``, waiting up to the lock timeout for ``holder``.

        Raises:
            StoreError: the wait ran out, naming the lock file and what to do.
            UsageError: the data directory cannot be written.
        """
        wait = self.lock_timeout if timeout is None else timeout
        path = self.raw / name
        try:
            self.raw.mkdir(parents=True, exist_ok=True)
            lock = FileLock(str(path))
            lock.acquire(timeout=wait)
        except Timeout as exc:
            raise StoreError(
                f"waited {wait:g} s for {path}: {holder} holds it; wait for it to finish, "
                "raise SDG17_LOCK_TIMEOUT, or remove the lock file if no sdg17 process is running"
            ) from exc
        except OSError as exc:
            raise UsageError(
                f"cannot write to the data directory {self.root} ({exc.strerror or exc}); "
                f"check {self._setting} and its permissions"
            ) from exc
        try:
            yield
        finally:
            lock.release()

    def clean_staging(self) -> list[Path]:
        """Remove what killed writers left in ``.staging``. Call with the lock held."""
        return _remove_debris(self.raw / ".staging", "*")

    def clean_processed(self) -> list[Path]:
        """Remove temporary table files (``processed/.*.tmp``) that killed builds left."""
        return _remove_debris(self.processed, ".*.tmp")

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
        """Every complete, sound snapshot, oldest first; damaged ones are warned about and skipped.

        Raises:
            UsageError: the raw folder exists but cannot be read (never "empty" instead).
        """
        found, damaged = self._scan(source)
        for item in damaged:
            item.warn()
        return found

    def damaged(self, source: str | None = None) -> list[SetAside]:
        """Snapshots set aside because their ``metadata.json`` is missing or malformed."""
        return self._scan(source)[1]

    def verify(self) -> list[SetAside]:
        """Snapshots whose payloads changed since they were stored (each hashed in full)."""
        return verified(self.snapshots())[1]

    def _scan(self, source: str | None) -> tuple[list[Snapshot], list[SetAside]]:
        # os.scandir rather than glob: glob swallows a permission error and would report an
        # unreadable store as empty.
        try:
            with os.scandir(self.raw) as entries:
                sources = sorted(e.name for e in entries if not e.name.startswith("."))
        except FileNotFoundError:
            return [], []
        except OSError as exc:
            raise UsageError(
                f"cannot read the data directory {self.raw} ({exc.strerror or exc}); "
                f"check {self._setting} and its permissions"
            ) from exc
        if source is not None:
            sources = [source] if source in sources else []
        found, damaged = [], []
        for name in sources:
            folder = self.raw / name
            try:
                with os.scandir(folder) as entries:
                    dirs = sorted(
                        e.name for e in entries if e.is_dir() and not e.name.startswith(".")
                    )
            except NotADirectoryError:
                continue  # a stray file in raw/ is not a source
            except OSError as exc:
                damaged.append(SetAside(folder, f"cannot be read ({exc.strerror or exc})"))
                continue
            for entry in dirs:
                snap = Snapshot(folder / entry)
                problem = snap.problem()
                if problem is None:
                    found.append(snap)
                else:
                    damaged.append(SetAside(snap.path, problem))
        found.sort(key=lambda s: (s.meta["retrieved_at"], s.id))
        return found, damaged

    def history(self, series_id: str, snapshots: list[Snapshot] | None = None) -> list[Snapshot]:
        """Snapshots holding ``series_id``, newest first (of ``snapshots``, when a caller that
        asks about many series has listed them once)."""
        listed = self.snapshots() if snapshots is None else snapshots
        return [s for s in reversed(listed) if series_id in s.meta["series"]]

    def latest(self, series_id: str) -> Snapshot | None:
        hist = self.history(series_id)
        return hist[0] if hist else None

    def latest_by_series(self, skip: Collection[str] = ()) -> dict[str, Snapshot]:
        """The newest snapshot holding each series, leaving out the snapshot ids in ``skip``."""
        latest: dict[str, Snapshot] = {}
        for snap in self.snapshots():  # oldest first, so newer ones overwrite
            if snap.id not in skip:
                latest.update(dict.fromkeys(snap.meta["series"], snap))
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
        snapshots: list[Snapshot] | None = None,
        creditors: list[str] | str | None = None,
    ) -> bool:
        """True if a snapshot younger than ``max_age`` already answers this query (for a
        series by creditor, with the creditors asked for; see :meth:`Snapshot.covers`)."""
        now = now or utcnow()
        return any(
            now - snap.retrieved_at <= max_age and snap.covers(economies, start, end, creditors)
            for snap in self.history(series_id, snapshots)
            if snap.meta["kind"] == "api"
        )

    def missing(self, series_ids: list[str]) -> list[str]:
        have = self.latest_by_series()
        return [s for s in series_ids if s not in have]

    def is_demo(self) -> bool:
        """True when this store holds synthetic demo data."""
        return any(s.meta["kind"] == "demo" for s in self.snapshots())


def _remove_debris(folder: Path, pattern: str) -> list[Path]:
    """Remove entries of ``folder`` matching ``pattern`` whose writing process is gone.

    Writers name their temporary files and folders ``<name>.<pid>[.tmp]``; one whose process
    still runs is left alone, so the clean-up is safe even beside a writer that does not hold
    the lock. A name without a pid is debris of an older version.
    """
    removed = []
    try:
        entries = list(folder.glob(pattern))
    except OSError:
        return removed
    for entry in entries:
        if _writer_alive(entry.name):
            continue
        if entry.is_dir():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
        removed.append(entry)
    return removed


def _writer_alive(name: str) -> bool:
    stem = name.removesuffix(".tmp")
    pid = stem.rsplit(".", 1)[-1] if "." in stem else ""
    if not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return False  # this process holds the lock now, so it is not writing that file
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _write_durably(path: Path, data: bytes) -> None:
    with open(path, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())
