"""The tidy build against a store that changes under it or holds damaged snapshots (issue 10)."""

from __future__ import annotations

import json
import logging
import subprocess
import sys

from helpers.store import Store, imports
from helpers.tidy import tables

SERIES = "IT.NET.USER.ZS"


def _import(store: Store, tmp_path, name: str, values: str, code: str = SERIES):
    path = tmp_path / "in" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"Country Name,Country Code,Indicator Name,Indicator Code,2019,2020\n"
        f"Kenya,KEN,Some indicator,{code},{values}\n"
    )
    [snap] = imports.import_files([path], store)
    return snap


def _values(store: Store) -> list[float]:
    return tables.load(SERIES, store=store)["value"].tolist()


def test_a_snapshot_landing_during_a_build_leaves_the_tables_out_of_date(
    store, tmp_path, monkeypatch
):
    _import(store, tmp_path, "old.csv", "1.5,2.5")
    landed = []
    real = tables._fill_reference

    def land_meanwhile(ref, obs):
        # The build has read the snapshot list; a writer stores a new snapshot now, before
        # the build stamps its tables (as an import that finishes during a build does).
        monkeypatch.setattr(tables, "_fill_reference", real)
        landed.append(_import(store, tmp_path, "new.csv", "7.5,8.5"))
        return real(ref, obs)

    monkeypatch.setattr(tables, "_fill_reference", land_meanwhile)
    tables.build(store)
    info = json.loads((store.processed / "build.json").read_text())
    assert landed[0].id not in info["snapshots"]  # the stamp names only what was read
    assert not tables.is_current(store)
    assert _values(store) == [7.5, 8.5]  # so the next load rebuilds, with the new snapshot
    assert tables.is_current(store)


def test_a_damaged_snapshot_does_not_stop_the_build(store, tmp_path, caplog):
    _import(store, tmp_path, "old.csv", "1.5,2.5")
    bad = _import(store, tmp_path, "new.csv", "7.5,8.5")
    (bad.path / "metadata.json").write_text("{}")
    with caplog.at_level(logging.WARNING):
        assert _values(store) == [1.5, 2.5]
    assert str(bad.path) in caplog.text and "re-import" in caplog.text
    assert tables.is_current(store)


def test_a_changed_payload_is_set_aside_by_the_build(store, tmp_path, caplog):
    _import(store, tmp_path, "old.csv", "1.5,2.5")
    new = _import(store, tmp_path, "new.csv", "7.5,8.5")
    assert _values(store) == [7.5, 8.5]
    [payload] = new.files()
    payload.write_bytes(payload.read_bytes().replace(b"7.5", b"9.5"))
    assert not tables.is_current(store)  # an edit after the build is noticed ...
    with caplog.at_level(logging.WARNING):
        assert _values(store) == [1.5, 2.5]  # ... and the edited payload is not used
    assert str(payload.name) in caplog.text and "sha256" in caplog.text
    assert new.id in tables.set_aside(store) and tables.is_current(store)
    payload.write_bytes(payload.read_bytes().replace(b"9.5", b"7.5"))  # restored
    assert _values(store) == [7.5, 8.5] and tables.set_aside(store) == {}


def test_the_build_removes_stray_temporary_tables(store, tmp_path):
    _import(store, tmp_path, "old.csv", "1.5,2.5")
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    store.processed.mkdir(parents=True, exist_ok=True)
    stray = store.processed / f".observations.parquet.{proc.pid}.tmp"
    stray.write_bytes(b"left by a killed build")
    tables.build(store)
    assert not stray.exists()
    assert not list(store.processed.glob(".*.tmp"))
