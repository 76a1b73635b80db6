"""A run whose runner process is gone is "killed"; one on another host is never declared so."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from helpers.run import liveness, site


def _manifest(process: dict | None, status: str = "running") -> dict:
    m = {
        "run_id": "20250101T000000Z-x",
        "status": status,
        "started_at": "2025-01-01T00:00:00Z",
        "started_at_epoch": 1.0,
        "ended_at": None,
        "duration_s": None,
        "config": {"name": "x", "path": "runs/x.yaml", "content": "name: x"},
        "data": {"mode": "offline", "demo": False},
        "executions": [
            {"id": "a", "notebook": "a", "parameters": {}, "status": "ok", "files": []},
            {"id": "b", "notebook": "b", "parameters": {}, "status": "running", "files": []},
            {"id": "c", "notebook": "c", "parameters": {}, "status": "pending", "files": []},
        ],
    }
    if process is not None:
        m["process"] = process
    return m


@pytest.fixture(scope="module")
def dead() -> dict:
    """The process record of a process that has ended (and been reaped)."""
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return {"pid": proc.pid, "host": socket.gethostname(), "start_time": 1.0}


def _write_run(outputs: Path, name: str, m: dict) -> Path:
    run_dir = outputs / "runs" / name
    run_dir.mkdir(parents=True)
    (run_dir / "manifest.json").write_text(json.dumps({**m, "run_id": name}))
    return run_dir


def test_a_run_of_this_live_process_is_running():
    assert liveness.observe(_manifest(liveness.this_process())) == "running"


def test_a_run_whose_process_is_gone_is_killed(dead):
    assert liveness.observe(_manifest(dead)) == "killed"


def test_a_reused_pid_is_not_taken_for_the_runner():
    me = liveness.this_process()
    reused = {**me, "start_time": me["start_time"] - 3600}  # same pid, another process
    assert liveness.observe(_manifest(reused)) == "killed"


def test_a_run_on_another_host_is_never_declared_killed(dead):
    elsewhere = {**dead, "host": socket.gethostname() + "-other"}
    assert liveness.observe(_manifest(elsewhere)) == "running-elsewhere"


@pytest.mark.parametrize("status", ["ok", "failed", "interrupted", "killed"])
def test_a_finished_run_keeps_its_status(dead, status):
    assert liveness.observe(_manifest(dead, status=status)) == status


def test_a_run_recorded_without_a_process_keeps_its_status():
    assert liveness.observe(_manifest(None)) == "running"


def test_killed_marks_running_executions_killed_and_pending_not_run(dead):
    m = liveness.killed(_manifest(dead))
    assert m["status"] == "killed"
    assert [e["status"] for e in m["executions"]] == ["ok", "killed", "not-run"]
    assert str(dead["pid"]) in m["error"]


def test_record_killed_rewrites_only_killed_runs_and_writes_their_pages(tmp_path, dead):
    gone = _write_run(tmp_path, "20250101T000000Z-gone", _manifest(dead))
    live = _write_run(tmp_path, "20250102T000000Z-live", _manifest(liveness.this_process()))
    other = {**dead, "host": socket.gethostname() + "-other"}
    away = _write_run(tmp_path, "20250103T000000Z-away", _manifest(other))
    assert site.record_killed(tmp_path / "runs") == [gone]
    assert liveness.read_manifest(gone)["status"] == "killed"
    assert "This run was killed" in (gone / "index.html").read_text()
    for run_dir in (live, away):
        assert liveness.read_manifest(run_dir)["status"] == "running"
        assert not (run_dir / "index.html").exists()


def test_the_site_shows_a_killed_run_before_anyone_rewrote_it(tmp_path, dead):
    run_dir = _write_run(tmp_path, "20250101T000000Z-gone", _manifest(dead))
    page = site.render_run(liveness.read_manifest(run_dir), run_dir)
    assert "This run was killed" in page and '<span class="status killed">' in page
    index = site.render_outputs([(run_dir, liveness.read_manifest(run_dir))], tmp_path)
    assert '<span class="status killed">killed</span>' in index
    assert "1 killed" in index and "1 not-run" in index


def test_the_site_says_a_run_elsewhere_cannot_be_checked(tmp_path, dead):
    elsewhere = {**dead, "host": "far-away-host"}
    page = site.render_run(_manifest(elsewhere), tmp_path)
    assert "running-elsewhere" in page and "far-away-host" in page
    assert "This run was killed" not in page


def test_list_runs_gives_each_run_its_shown_status_newest_first(tmp_path, dead):
    _write_run(tmp_path, "20250101T000000Z-old", {**_manifest(None, "ok"), "started_at_epoch": 1})
    _write_run(tmp_path, "20250102T000000Z-gone", {**_manifest(dead), "started_at_epoch": 2})
    (tmp_path / "runs" / "20250103T000000Z-empty").mkdir()
    runs = liveness.list_runs(tmp_path)
    assert [(r["run_id"], r["status"]) for r in runs] == [
        ("20250102T000000Z-gone", "killed"),
        ("20250101T000000Z-old", "ok"),
        ("20250103T000000Z-empty", "unknown"),
    ]
    gone = runs[0]
    assert gone["recorded_status"] == "running" and gone["pid"] == dead["pid"]
    assert gone["executions"] == {"ok": 1, "killed": 1, "not-run": 1}
    text = liveness.format_runs(runs)
    assert text.splitlines()[0].split()[:2] == ["20250102T000000Z-gone", "killed"]
    assert liveness.format_runs([]).startswith("No runs yet")


def test_list_runs_of_an_outputs_folder_without_runs_is_empty(tmp_path):
    assert liveness.list_runs(tmp_path) == []


def test_sdg17_status_lists_a_killed_run_as_killed(tmp_path, dead, monkeypatch, capsys):
    from helpers import cli

    _write_run(tmp_path / "outputs", "20250101T000000Z-x", _manifest(dead))
    monkeypatch.setenv("SDG17_OUTPUTS_DIR", str(tmp_path / "outputs"))
    assert cli.main(["status"]) == 0
    out = capsys.readouterr().out
    assert "runs, newest first:" in out
    (line,) = [row for row in out.splitlines() if row.startswith("20250101T000000Z-x")]
    assert "killed" in line
