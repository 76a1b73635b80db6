import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta

import pytest

from helpers.errors import StoreError
from helpers.sources.payload import FetchResult, Payload, sha256
from helpers.store import Snapshot, Store

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def _result(series=("A",), content=b"payload", **kw):
    return FetchResult(
        source="worldbank",
        format="wb-api-json",
        series=list(series),
        payloads=[Payload("page-0001.json", content, url="http://x/1", rows=3)],
        query=kw.pop("query", {"economies": "all"}),
        **kw,
    )


def test_write_keeps_bytes_unchanged_with_metadata_beside_them(store):
    snap = store.write(
        _result(content=b"\x00raw bytes\r\n", source_last_updated="2026-04-08"),
        citation="WB",
        licence="CC BY 4.0",
    )
    assert (snap.path / "page-0001.json").read_bytes() == b"\x00raw bytes\r\n"
    meta = json.loads((snap.path / "metadata.json").read_text())
    assert meta["files"][0]["sha256"] == sha256(b"\x00raw bytes\r\n")
    assert meta["source"] == "worldbank" and meta["licence"] == "CC BY 4.0"
    assert meta["source_last_updated"] == "2026-04-08" and meta["rows"] == 3
    assert meta["vintage"].startswith("updated 2026-04-08")
    assert {"pandas", "wbgapi", "python"} <= set(meta["package_versions"])
    assert meta["retrieved_at"].endswith("Z")


def test_verify_detects_an_edited_raw_file(store):
    snap = store.write(_result())
    (snap.path / "page-0001.json").write_bytes(b"edited")
    with pytest.raises(StoreError, match="sha256"):
        snap.verify()


def test_newest_snapshot_wins_and_history_is_kept(store):
    old = store.write(_result(), retrieved_at=datetime(2024, 1, 1, tzinfo=UTC))
    new = store.write(_result(), retrieved_at=datetime(2025, 1, 1, tzinfo=UTC))
    assert store.latest("A").id == new.id
    assert [s.id for s in store.history("A")] == [new.id, old.id]
    assert store.missing(["A", "B"]) == ["B"]


def test_freshness_window_and_query_coverage(store):
    now = datetime(2026, 1, 10, tzinfo=UTC)
    store.write(
        _result(query={"economies": ["KEN"], "start_year": 2000, "end_year": 2020}),
        retrieved_at=now - timedelta(days=2),
    )
    assert store.is_fresh("A", timedelta(days=7), economies=["KEN"], start=2005, now=now)
    assert not store.is_fresh("A", timedelta(days=1), now=now)
    assert not store.is_fresh("A", timedelta(days=7), economies=["BGD"], now=now)
    assert not store.is_fresh("A", timedelta(days=7), start=1990, now=now)


def test_refuses_bad_payload_names_and_empty_results(store):
    with pytest.raises(StoreError, match="no payloads"):
        store.write(FetchResult("worldbank", "wb-api-json", ["A"], []))
    bad = FetchResult("worldbank", "wb-api-json", ["A"], [Payload("metadata.json", b"x")])
    with pytest.raises(StoreError, match="unique plain"):
        store.write(bad)
    assert store.snapshots() == []


_SLOW_WRITER = textwrap.dedent("""
    import sys, time
    import helpers.store.snapshots as st
    from helpers.sources.payload import FetchResult, Payload
    real = st._write_durably
    def slow(path, data):
        real(path, data)
        print("wrote", path.name, flush=True)
        time.sleep(60)   # killed here, with one payload on disk and no metadata
    st._write_durably = slow
    store = st.Store(sys.argv[1])
    store.write(FetchResult("worldbank", "wb-api-json", ["A"],
                [Payload("page-0001.json", b"x" * 100000), Payload("page-0002.json", b"y")]))
""")


def test_a_kill_mid_write_leaves_no_half_snapshot(tmp_path):
    root = tmp_path / "killed"
    proc = subprocess.Popen(
        [sys.executable, "-c", _SLOW_WRITER, str(root)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout.readline().startswith("wrote page-0001.json")
    proc.send_signal(signal.SIGKILL)
    proc.wait(10)
    store = Store(root)
    assert store.snapshots() == []  # the reader never sees the partial snapshot
    assert list((root / "raw" / ".staging").iterdir())  # debris exists ...
    with store.lock():
        store.clean_staging()  # ... and the next writer clears it
    assert not list((root / "raw" / ".staging").iterdir())


_WRITER = textwrap.dedent("""
    import sys
    from helpers.sources.payload import FetchResult, Payload
    from helpers.store import Store
    store = Store(sys.argv[1])
    for i in range(15):
        body = (sys.argv[2] * 5000 + str(i)).encode()
        with store.lock():
            store.write(FetchResult("worldbank", "wb-api-json", [sys.argv[2]],
                                    [Payload("page-0001.json", body)]))
""")


def test_two_writers_at_once_do_not_corrupt_the_store(tmp_path):
    root = tmp_path / "shared"
    procs = [
        subprocess.Popen([sys.executable, "-c", _WRITER, str(root), name], cwd=ROOT)
        for name in ("A", "B")
    ]
    for p in procs:
        assert p.wait(60) == 0
    store = Store(root)
    snaps = store.snapshots()
    assert len(snaps) == 30
    for snap in snaps:
        snap.verify()
    assert {len(store.history(s)) for s in ("A", "B")} == {15}


def test_lock_timeout_names_the_lock_file(store):
    with store.lock():
        other = Store(store.root, lock_timeout=0.1)
        start = time.monotonic()
        with pytest.raises(StoreError, match=r"\.store\.lock"), other.lock():
            pass
        assert time.monotonic() - start < 5


def test_unreadable_metadata_is_named(store):
    snap = store.write(_result())
    (snap.path / "metadata.json").write_text("{not json")
    with pytest.raises(StoreError, match=r"metadata\.json"):
        _ = Snapshot(snap.path).meta
