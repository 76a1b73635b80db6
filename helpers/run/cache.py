"""Provenance of a run and the cache keys built from it.

An execution is reused from an earlier run when nothing that could change its output has
changed: the notebook's bytes, its parameters, the data (the sha256 of every file of every
snapshot in the store), and the source of the ``helpers`` package. The same facts go into the
run's ``manifest.json``, so a reader can see what a report was made from.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
from pathlib import Path

from helpers import paths
from helpers.store import Store, package_versions

_EXTRA_PACKAGES = (
    "papermill",
    "nbconvert",
    "nbformat",
    "nbclient",
    "ipykernel",
    "jupyter_client",
    "matplotlib",
    "seaborn",
    "scipy",
    "pyyaml",
)
REUSABLE = ("ok", "reused")


def git_info(root: Path = paths.ROOT) -> dict:
    """The commit the code is at, and whether the working tree differs from it."""

    def git(*args: str) -> str:
        return subprocess.run(
            ["git", "-C", str(root), *args], capture_output=True, text=True, check=True, timeout=20
        ).stdout.strip()

    try:
        commit = git("rev-parse", "HEAD")
    except (OSError, subprocess.SubprocessError):
        return {"commit": "unknown", "dirty": None}
    try:
        dirty = bool(git("status", "--porcelain"))
    except (OSError, subprocess.SubprocessError):
        dirty = None
    return {"commit": commit, "dirty": dirty}


def versions() -> dict[str, str]:
    return package_versions(_EXTRA_PACKAGES)


def snapshot_records(store: Store) -> list[dict]:
    """Provenance of every snapshot in ``store``, from each snapshot's ``metadata.json``.

    ``in_use`` marks snapshots that are the newest for at least one series (the ones the
    notebooks read); older ones are listed because they are part of the store the run saw.
    """
    latest = {s.id for s in store.latest_by_series().values()}
    records = []
    for snap in store.snapshots():
        m = snap.meta
        records.append(
            {
                "snapshot_id": m["snapshot_id"],
                "source": m["source"],
                "kind": m.get("kind"),
                "series": m.get("series", []),
                "vintage": m.get("vintage"),
                "retrieved_at": m.get("retrieved_at"),
                "licence": m.get("licence", ""),
                "citation": m.get("citation", ""),
                "in_use": m["snapshot_id"] in latest,
                "files": [{"name": f["name"], "sha256": f["sha256"]} for f in m.get("files", [])],
            }
        )
    return records


def data_fingerprint(records: list[dict]) -> str:
    """sha256 over the recorded sha256 of every snapshot file."""
    items = sorted(
        (r["source"], r["snapshot_id"], f["name"], f["sha256"]) for r in records for f in r["files"]
    )
    return _sha(json.dumps(items))


def helpers_fingerprint() -> str:
    """sha256 over the source files of the whole ``helpers`` package (code and its YAML).

    Taken from ``paths.PACKAGE``, not this module's folder: every layer's code can change a
    notebook's output, not only the runner's.
    """
    base = paths.PACKAGE
    digest = hashlib.sha256()
    for path in sorted(
        p for p in base.rglob("*") if p.suffix in (".py", ".yaml") and "__pycache__" not in p.parts
    ):
        digest.update(path.relative_to(base).as_posix().encode())
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def canonical(params: dict) -> str:
    return json.dumps(params, sort_keys=True, separators=(",", ":"), default=str)


def cache_key(notebook: Path, params: dict, data_fp: str, helpers_fp: str) -> str:
    """The key under which an execution's outputs may be reused (``output_dir`` excluded)."""
    params = {k: v for k, v in params.items() if k != "output_dir"}
    nb_hash = hashlib.sha256(notebook.read_bytes()).hexdigest()
    return _sha(json.dumps([nb_hash, canonical(params), data_fp, helpers_fp]))


def reusable(runs_dir: Path) -> dict[str, tuple[Path, dict]]:
    """``cache_key -> (run dir, execution record)`` for finished executions of earlier runs.

    Newer runs win. Runs whose manifest is unreadable are skipped, not fatal: they may be
    being written by a concurrent run.
    """
    found: dict[str, tuple[Path, dict]] = {}
    manifests = []
    for path in runs_dir.glob("*/manifest.json"):
        try:
            manifests.append((path.parent, json.loads(path.read_text(encoding="utf-8"))))
        except (OSError, ValueError):
            continue
    manifests.sort(key=lambda item: (item[1].get("started_at_epoch", 0), item[0].name))
    for run_dir, manifest in manifests:  # oldest first, so newer runs overwrite
        for ex in manifest.get("executions", []):
            key = ex.get("cache_key")
            if key and ex.get("status") in REUSABLE and (run_dir / ex["id"]).is_dir():
                found[key] = (run_dir, ex)
    return found


def link_tree(src: Path, dst: Path) -> None:
    """Copy a folder, hard-linking files where the filesystem allows (fast, no extra space)."""

    def link_or_copy(s: str, d: str) -> None:
        try:
            os.link(s, d)
        except OSError:
            shutil.copy2(s, d)

    shutil.copytree(src, dst, copy_function=link_or_copy)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
