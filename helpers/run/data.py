"""The data a run executes on: ``--data demo``, ``offline`` or ``live``.

``demo`` builds the synthetic store at ``paths.demo_data_dir()`` if it is missing (and only
then, so its snapshots, and with them earlier executions, stay reusable); ``offline`` uses
the store as it is; ``live`` fetches into it first. In every mode the kernels then read the
store offline, so each execution sees exactly the snapshots the manifest lists.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

from helpers import paths, tidy
from helpers.errors import OfflineError
from helpers.store import Store, fetch
from helpers.store import demo as demo_store

UNREACHABLE = (
    "The network is unreachable, so `sdg17 run --data live` cannot fetch.\n"
    "Run on what the store already holds with `--data offline`, build the "
    "synthetic demo store with `make demo` (then `--data demo`), or load files "
    "downloaded elsewhere with `sdg17 import`."
)


@dataclass
class Data:
    mode: str
    store: Store
    fetch: dict | None = None


def run_fetch(store: Store):
    """``helpers.store.fetch.run_fetch`` on ``store`` (a hook tests replace)."""
    return fetch.run_fetch(store=store)


def ensure_demo_store() -> Store:
    """The demo store at ``paths.demo_data_dir()``, written and its tidy tables built only when
    missing or stale, so an unchanged demo store keeps its snapshots (and earlier executions
    stay reusable)."""
    store = Store(paths.demo_data_dir())
    if not store.is_demo():
        demo_store.write_demo_store(store.root)
    if not tidy.is_current(store):
        tidy.build(store=store)
    return store


def prepare(mode: str) -> Data | None:
    """Make the store for ``mode`` ready. None means: the network is unreachable (exit 1)."""
    if mode == "demo":
        store = ensure_demo_store()
        return Data(mode, store)
    store = Store()
    fetched = None
    if mode == "live":
        report = run_fetch(store)
        if report.network_unreachable:
            print(UNREACHABLE, file=sys.stderr)
            return None
        if report.stored:
            tidy.build(store)
        fetched = {"ok": report.ok, "failures": dict(report.failures)}
        for series, why in report.failures.items():
            print(f"warning: fetching {series} failed: {why}", file=sys.stderr)
    if not store.snapshots():
        raise OfflineError(
            f"the store at {store.root} holds no snapshots; run `sdg17 fetch` "
            "or `sdg17 import`, or use `--data demo`"
        )
    return Data(mode, store, fetched)
