"""The synthetic demo store: the demo source's payloads written as one snapshot."""

from __future__ import annotations

from pathlib import Path

from helpers import catalogue, paths
from helpers.sources.demo import synthetic as demo
from helpers.sources.demo.notice import DEMO_NOTICE
from helpers.sources.payload import FetchResult, sha256
from helpers.store.snapshots import Snapshot, Store


def write_demo_store(root: Path | None = None, seed: int = demo.SEED) -> Snapshot:
    """Write the demo dataset as one snapshot (``raw/demo/<id>``) of the store at ``root``.

    Idempotent: when the store already holds a demo snapshot with this seed and the same
    payload bytes, that snapshot is returned and nothing is written.

    Args:
        root: store root; default :func:`helpers.paths.demo_data_dir`.
        seed: the random seed.
    """
    store = Store(root or paths.demo_data_dir())
    payloads = demo.payloads(seed)
    wanted = {p.name: sha256(p.content) for p in payloads}
    result = FetchResult(
        source=demo.SOURCE,
        format=demo.FORMAT,
        series=catalogue.load().ids(),
        payloads=payloads,
        query={"economies": "all", "start_year": demo.FIRST_YEAR, "end_year": demo.LAST_YEAR},
        extra={
            "vintage": f"synthetic demo data (seed {seed})",
            "notice": DEMO_NOTICE,
            "seed": seed,
        },
    )
    with store.lock():
        for snap in reversed(store.snapshots(demo.SOURCE)):
            have = {f["name"]: f["sha256"] for f in snap.meta.get("files", [])}
            if (
                snap.meta.get("kind") == "demo"
                and snap.meta.get("extra", {}).get("seed") == seed
                and have == wanted
                and not snap.changed()  # an edited payload is written anew
            ):
                return snap
        return store.write(
            result,
            kind="demo",
            citation=demo.CITATION,
            licence=demo.LICENCE,
            retrieved_at=demo.RETRIEVED_AT,
        )
