import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import UTC, datetime, timedelta

import pytest

from helpers.errors import StoreError, UsageError
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


# -- issue 10: damaged snapshots, bad data directories, lock wait, payload checks, debris ------


def _without(key):
    return lambda meta: {k: v for k, v in meta.items() if k != key}


@pytest.mark.parametrize(
    "damage, problem",
    [
        (lambda meta: {}, "lacks"),
        (_without("retrieved_at"), "lacks retrieved_at"),
        (lambda meta: {**meta, "retrieved_at": "yesterday"}, "malformed retrieved_at"),
        (lambda meta: {**meta, "files": "page-0001.json"}, "malformed files"),
        (lambda meta: [meta], "not a JSON object"),
        (b"{not json", "not valid JSON"),
        (b"\xff\xfe\x00", "not valid JSON"),
        (None, "missing"),
    ],
)
def test_a_damaged_snapshot_is_set_aside_with_a_warning(store, caplog, damage, problem):
    good = store.write(_result(series=("A",)))
    bad = store.write(_result(series=("B",)))
    where = bad.path / "metadata.json"
    if damage is None:
        where.unlink()
    elif isinstance(damage, bytes):
        where.write_bytes(damage)
    else:
        where.write_text(json.dumps(damage(json.loads(where.read_text()))))
    with caplog.at_level("WARNING"):
        assert [s.id for s in store.snapshots()] == [good.id]
    assert str(bad.path) in caplog.text and "re-fetch" in caplog.text
    assert store.missing(["A", "B"]) == ["B"] and store.latest("A").id == good.id
    [damaged] = store.damaged()
    assert damaged.path == bad.path and problem in damaged.problem
    # A new snapshot of the same series replaces it for every reader.
    again = store.write(_result(series=("B",)))
    assert store.latest("B").id == again.id


def test_the_lock_wait_comes_from_sdg17_lock_timeout(store, monkeypatch):
    monkeypatch.setenv("SDG17_LOCK_TIMEOUT", "0.2")
    other = Store(store.root)
    assert other.lock_timeout == 0.2
    with store.lock():
        start = time.monotonic()
        with pytest.raises(StoreError, match="SDG17_LOCK_TIMEOUT"), other.lock():
            pass
        assert time.monotonic() - start < 5
    assert Store(store.root, lock_timeout=3).lock_timeout == 3  # an explicit value wins
    monkeypatch.setenv("SDG17_LOCK_TIMEOUT", "soon")
    with pytest.raises(UsageError, match="SDG17_LOCK_TIMEOUT='soon'"):
        Store(store.root)


@pytest.mark.parametrize("below", ["", "sub/dir"])
def test_a_data_dir_that_is_a_file_is_a_usage_error(tmp_path, monkeypatch, below):
    file = tmp_path / "not-a-dir"
    file.write_text("x")
    monkeypatch.setenv("SDG17_DATA_DIR", str(file / below) if below else str(file))
    with pytest.raises(UsageError, match="SDG17_DATA_DIR") as err:
        Store()
    assert str(file) in str(err.value)


def test_a_raw_folder_that_is_a_file_is_a_usage_error(tmp_path):
    (tmp_path / "store" / "raw").parent.mkdir()
    (tmp_path / "store" / "raw").write_text("x")
    with pytest.raises(UsageError, match="raw"):
        Store(tmp_path / "store")


def test_an_unreadable_store_is_an_error_not_an_empty_store(store, monkeypatch):
    store.write(_result())
    real = os.scandir

    def denied(path="."):
        if os.fspath(path) == str(store.raw):
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", denied)
    with pytest.raises(UsageError, match="Permission denied"):
        store.snapshots()


def test_verify_names_every_changed_payload(store):
    kept = store.write(_result(series=("A",)))
    edited = store.write(_result(series=("B",)))
    (edited.path / "page-0001.json").write_bytes(b"edited")
    [changed] = store.verify()
    assert changed.path == edited.path and "page-0001.json" in changed.problem
    assert "fetch --refresh --series B" in changed.repair
    assert {s.id for s in store.snapshots()} == {kept.id, edited.id}  # listing stays cheap


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stray_temporary_files_are_removed_at_the_next_write(store):
    dead = _dead_pid()
    debris = [
        store.raw / ".staging" / f"20240101T000000Z-api-abcdef.{dead}",
        store.processed / f".observations.parquet.{dead}.tmp",
        store.processed / ".build.json.tmp",  # an older version's name, without a pid
    ]
    debris[0].mkdir(parents=True)
    (debris[0] / "page-0001.json").write_bytes(b"half")
    store.processed.mkdir(parents=True)
    debris[1].write_bytes(b"half a table")
    debris[2].write_text("{")
    # A live process's file is not debris (it may be writing it right now).
    live = store.processed / f".aggregates.parquet.{os.getppid()}.tmp"
    live.write_bytes(b"being written")
    with store.lock():
        store.write(_result())
    assert [p for p in debris if p.exists()] == []
    assert live.exists()
