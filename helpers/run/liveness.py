"""Is a run still running? Tell a live run from one whose runner was killed.

A runner killed by SIGKILL or the out-of-memory killer cannot record an end, so its
``manifest.json`` says "running" for ever. Each run therefore records the process that runs
it (``"process": {"pid", "host", "start_time"}``) when it starts, and readers compare that
record with the processes alive now:

- ``running``: recorded on this host, and a process with that pid and that start time is alive
  (the start time guards against the pid having been reused by an unrelated process);
- ``killed``: recorded on this host, and no such process is alive;
- ``running-elsewhere``: recorded on another host (say, outputs on a shared disk); this host
  cannot see that host's processes, so the run is never declared killed from here.

A manifest without a ``process`` record (written before runs recorded one) keeps the status it
says. The process table is read with psutil (already installed: IPython depends on it) rather
than parsing ``/proc/<pid>/stat`` ourselves: it gets the start time right across platforms.
"""

from __future__ import annotations

import copy
import json
import socket
from pathlib import Path

import psutil

from helpers import paths
from helpers.run import worker as runworker

RUNNING, KILLED, ELSEWHERE = "running", "killed", "running-elsewhere"
# Two readings of one process's start time agree to the clock tick (0.01 s on Linux); a
# second of slack absorbs rounding and clock adjustments, and a pid reused by a process that
# started within the same second as the runner is not a realistic case.
START_TIME_SLACK_S = 1.0


def this_process() -> dict:
    """The ``process`` record of the current process, for a run's manifest."""
    me = psutil.Process()
    return {"pid": me.pid, "host": socket.gethostname(), "start_time": me.create_time()}


def observe(manifest: dict) -> str | None:
    """The status to show for a run: what its manifest says, except that a "running" run is
    ``killed`` when its recorded process is gone from this host, and ``running-elsewhere``
    when it was recorded on another host."""
    status = manifest.get("status")
    record = manifest.get("process")
    if status != RUNNING or not isinstance(record, dict):
        return status
    if record.get("host") != socket.gethostname():
        return ELSEWHERE
    alive = _alive(record.get("pid"), record.get("start_time"))
    return status if alive is None or alive else KILLED


def _alive(pid, start_time) -> bool | None:
    """Whether the process ``pid`` that started at ``start_time`` is alive (None: can't tell)."""
    try:
        proc = psutil.Process(int(pid))
        if proc.status() == psutil.STATUS_ZOMBIE:  # ended; only its parent has not reaped it
            return False
        return abs(proc.create_time() - float(start_time)) <= START_TIME_SLACK_S
    except psutil.NoSuchProcess:
        return False
    except (psutil.Error, TypeError, ValueError):  # no permission, or a malformed record
        return None


def killed(manifest: dict) -> dict:
    """A copy of ``manifest`` recording that its runner was killed: the run and its running
    executions become ``killed``, its pending ones ``not-run``."""
    m = copy.deepcopy(manifest)
    record = m.get("process") or {}
    m["status"] = KILLED
    m["killed_noticed_at"] = runworker.isonow()
    m["error"] = (
        f"its runner (pid {record.get('pid')} on {record.get('host')}) was killed before it "
        "could record an end (SIGKILL or out of memory?)"
    )
    for e in m.get("executions") or []:
        if e.get("status") == RUNNING:
            e["status"] = KILLED
            e["error"] = e.get("error") or "its runner was killed"
        elif e.get("status") == "pending":
            e["status"] = "not-run"
    return m


def shown(manifest: dict) -> dict:
    """``manifest`` as readers should see it: marked :func:`killed` if its runner is gone."""
    if manifest.get("status") == RUNNING and observe(manifest) == KILLED:
        return killed(manifest)
    return manifest


def read_manifest(run_dir: Path) -> dict | None:
    """The run's manifest, or None if it is missing or unreadable (maybe being written)."""
    try:
        m = json.loads((run_dir / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return m if isinstance(m, dict) else None


def list_runs(outputs: Path | None = None) -> list[dict]:
    """Every run under ``<outputs>/runs`` (default ``$SDG17_OUTPUTS_DIR``), newest first, with
    the status to show (see :func:`observe`). Read only: nothing is rewritten.

    Each item: ``run_id``, ``status`` (shown), ``recorded_status`` (the manifest's), ``config``,
    ``data`` (mode), ``started_at``, ``ended_at``, ``duration_s``, ``executions`` (status ->
    count), ``host``, ``pid``, ``path``. A folder without a readable manifest is listed with
    status ``unknown``.
    """
    outputs = outputs or paths.outputs_dir()
    items = []
    runs = outputs / "runs"
    for run_dir in sorted(runs.iterdir()) if runs.is_dir() else []:
        if not run_dir.is_dir():
            continue
        m = read_manifest(run_dir)
        shown_m = shown(m) if m else {}
        counts: dict[str, int] = {}
        for e in shown_m.get("executions") or []:
            counts[e.get("status")] = counts.get(e.get("status"), 0) + 1
        record = (m or {}).get("process") or {}
        items.append(
            {
                "run_id": run_dir.name,
                "status": observe(shown_m) or "unknown",
                "recorded_status": (m or {}).get("status"),
                "config": (shown_m.get("config") or {}).get("name"),
                "data": (shown_m.get("data") or {}).get("mode"),
                "started_at": shown_m.get("started_at"),
                "started_at_epoch": shown_m.get("started_at_epoch", 0),
                "ended_at": shown_m.get("ended_at"),
                "duration_s": shown_m.get("duration_s"),
                "executions": counts,
                "host": record.get("host"),
                "pid": record.get("pid"),
                "path": run_dir,
            }
        )
    items.sort(key=lambda r: (r["started_at_epoch"] or 0, r["run_id"]), reverse=True)
    return items


def format_runs(runs: list[dict]) -> str:
    """One line per run, for ``sdg17 status``: id, status, config, data mode, executions."""
    if not runs:
        return "No runs yet: `sdg17 run` makes one."
    rows = []
    for r in runs:
        status = r["status"]
        if status == ELSEWHERE:
            status = f"running on {r['host']}?"
        counts = ", ".join(f"{n} {s}" for s, n in r["executions"].items())
        rows.append((r["run_id"], status, r["config"] or "-", r["data"] or "-", counts))
    widths = [max(len(str(row[i])) for row in rows) for i in range(4)]
    return "\n".join(
        "  ".join(
            str(c).ljust(w) for c, w in zip((*row[:4], row[4]), (*widths, 0), strict=True)
        ).rstrip()
        for row in rows
    )
