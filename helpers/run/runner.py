"""``sdg17 run``: execute the notebooks of a run config headless, in parallel, into a report site.

A run goes: load and check the config (no data, no kernel), make the data ready
(``--data demo|offline|live``), check economy codes, then execute each notebook with papermill
in its own process and fresh kernel into
``outputs/runs/<UTC timestamp>-<config name>/<execution>/``, render each executed notebook to
HTML, and write ``manifest.json``, ``run.log`` and the site pages (``helpers.run.site``).
Executions are Dask tasks, on a local cluster inside this process or on a remote one with
``--scheduler`` (``helpers.run.engine`` says why one path). Executions whose inputs have not
changed since an ok execution of an earlier run are copied from it instead
(``helpers.run.cache``); ``--force`` reruns all.

Interrupting a run (Ctrl-C, SIGTERM) stops the executions and their kernels, marks the manifest
``interrupted`` and writes the run's index page saying so; ``outputs/latest`` keeps pointing
at the newest run that ran to its end. A runner killed outright (SIGKILL, out of memory)
cannot record anything; the manifest records its process (pid, host, start time) so the next
run, the site and ``liveness.list_runs`` show such a run as ``killed`` (``helpers.run.liveness``).
Also runnable as ``python -m helpers.run.runner``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import sys
import time
from collections import deque
from datetime import UTC, datetime
from pathlib import Path

from helpers import paths, tidy
from helpers.errors import Sdg17Error, UsageError
from helpers.run import cache as runcache
from helpers.run import config as runconfig
from helpers.run import data as rundata
from helpers.run import engine, liveness, site
from helpers.run import worker as runworker
from helpers.sources.demo.notice import DEMO_NOTICE

GRACE_S = 5.0  # how long stopped executions get to shut their kernels down before SIGKILL
STOP_SLACK_S = 5.0  # and how much longer the runner waits for their tasks to report
POLL_S = 0.1  # how often the runner looks for finished executions


# -- command line ----------------------------------------------------------------------------
def add_parser(subparsers) -> argparse.ArgumentParser:
    """Add the ``run`` subcommand; its ``func`` is :func:`main`."""
    p = subparsers.add_parser(
        "run",
        help="execute the notebooks of a run config into a report site under outputs/runs/",
        description="Execute the notebooks of a run config headless, in parallel, into a "
        "report site under outputs/runs/ (see runs/default.yaml for the config format).",
    )
    p.add_argument(
        "--config",
        default=None,
        metavar="FILE",
        help="run config (default runs/default.yaml; a bare name looks in runs/)",
    )
    p.add_argument(
        "--data",
        choices=runconfig.DATA_MODES,
        default=None,
        help="live: fetch first; offline: what the store holds; demo: synthetic "
        "data (default: the config's 'data')",
    )
    p.add_argument(
        "--jobs",
        type=int,
        default=None,
        metavar="N",
        help="notebooks executed at once (default: number of CPUs; with --scheduler, "
        "every thread of the cluster's workers)",
    )
    p.add_argument(
        "--scheduler",
        default=None,
        metavar="ADDRESS",
        help="run on this Dask cluster: a scheduler address (tcp://host:8786) or a scheduler "
        f"file (default ${engine.SCHEDULER_ENV}; unset: a local cluster of --jobs threads). "
        "Workers must see the store and the outputs folder at the same paths",
    )
    p.add_argument(
        "--only",
        action="append",
        metavar="NOTEBOOK",
        help="execute only this notebook (repeatable, or comma-separated)",
    )
    p.add_argument(
        "-p",
        "--param",
        action="append",
        dest="params",
        metavar="NAME=VALUE",
        help="parameter for every notebook declaring it; VALUE is YAML (2005, constant, [KEN,BGD])",
    )
    p.add_argument(
        "--force",
        action="store_true",
        help="execute everything, even what an earlier run already produced",
    )
    p.set_defaults(func=main)
    return p


def main(args: argparse.Namespace) -> int:
    """Run ``sdg17 run``. Returns the exit code; raises UsageError (exit 2) on bad input."""
    scheduler = engine.scheduler_address(getattr(args, "scheduler", None))
    default_jobs = 0 if scheduler else (os.cpu_count() or 1)  # 0: all the cluster's threads
    jobs = args.jobs if args.jobs is not None else default_jobs
    if jobs < 1 and not (scheduler and args.jobs is None):
        raise UsageError(f"--jobs {jobs}: must be at least 1")
    config = runconfig.load(args.config)
    overrides = runconfig.parse_overrides(args.params)
    plans = runconfig.plan(config, only=args.only, overrides=overrides)
    mode = args.data or config.data
    data = rundata.prepare(mode)
    if data is None:
        return 1
    executions = runconfig.expand(plans, lambda: tidy.economies(store=data.store))
    run = Run(
        config,
        executions,
        data,
        jobs=jobs,
        force=args.force,
        overrides=overrides,
        only=args.only or [],
        scheduler=scheduler,
    )
    return run.execute()


# -- the run ---------------------------------------------------------------------------------
def _isonow() -> str:
    return runworker.isonow()


class Run:
    """One execution of a run config: the run folder, its manifest, its workers."""

    def __init__(
        self,
        config,
        executions,
        data: rundata.Data,
        *,
        jobs: int,
        force: bool,
        overrides: dict,
        only: list[str],
        scheduler: str | None = None,
    ):
        self.config, self.executions, self.data = config, executions, data
        self.jobs, self.force, self.scheduler = jobs, force, scheduler
        self.outputs = paths.outputs_dir()
        self.runs_dir = self.outputs / "runs"
        self.stop_signal: int | None = None
        self.kill_now = False
        snapshots = runcache.snapshot_records(data.store)
        self.data_fp = runcache.data_fingerprint(snapshots)
        helpers_fp = runcache.helpers_fingerprint()
        self.figure_formats = config.figure_formats or _env_formats()
        is_demo = data.mode == "demo" or any(s["kind"] == "demo" for s in snapshots)
        self.manifest = {
            "schema": 1,
            "run_id": None,
            "status": "running",
            "started_at": _isonow(),
            "started_at_epoch": time.time(),
            "ended_at": None,
            "duration_s": None,
            # who runs it, so a reader can tell a live run from a killed one (liveness.py)
            "process": liveness.this_process(),
            "git": runcache.git_info(),
            "config": {"name": config.name, "path": str(config.path), "content": config.text},
            "options": {
                "jobs": jobs,
                "force": force,
                "only": only,
                "overrides": overrides,
                "scheduler": scheduler,
                "kernel": config.kernel,
                "figure_formats": list(self.figure_formats),
                "python": sys.executable,
            },
            "data": {
                "mode": data.mode,
                "root": str(data.store.root),
                "demo": is_demo,
                "demo_notice": DEMO_NOTICE if is_demo else "",
                "fingerprint": self.data_fp,
                "fetch": data.fetch,
            },
            "snapshots": snapshots,
            "helpers_sha256": helpers_fp,
            "packages": runcache.versions(),
            "cluster": None,  # engine.Cluster.describe(), once connected
            "executions": [
                {
                    "id": ex.id,
                    "notebook": ex.notebook,
                    "notebook_path": str(ex.path),
                    "label": ex.label,
                    "parameters": ex.params,
                    "cache_key": runcache.cache_key(
                        ex.path, self._keyed(ex.params), self.data_fp, helpers_fp
                    ),
                    "status": "pending",
                    "started_at": None,
                    "ended_at": None,
                    "duration_s": None,
                    "error": None,
                    "reused_from": None,
                    "worker": None,  # {address, host} of the Dask worker that ran it
                    "files": [],
                }
                for ex in executions
            ],
        }
        self._by_id = {ex.id: ex for ex in executions}
        self._t0: dict[str, float] = {}  # monotonic start of each submitted execution

    def _keyed(self, params: dict) -> dict:
        """What the cache key sees: the parameters, and the figure formats unless PNG alone
        (so executions of earlier runs, with the default, keep their keys)."""
        if self.figure_formats == ("png",):
            return params
        return {**params, runconfig.FIGURE_FORMATS_ENV: list(self.figure_formats)}

    # -- bookkeeping -------------------------------------------------------------------------
    def _make_run_dir(self) -> Path:
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
        self.runs_dir.mkdir(parents=True, exist_ok=True)
        for n in range(1, 1000):
            run_id = f"{stamp}-{self.config.name}" + (f"-{n}" if n > 1 else "")
            try:
                (self.runs_dir / run_id).mkdir()
            except FileExistsError:
                continue
            self.manifest["run_id"] = run_id
            return self.runs_dir / run_id
        raise Sdg17Error(f"cannot create a run folder under {self.runs_dir}")

    def _save(self) -> None:
        site.write_atomic(
            self.run_dir / "manifest.json", json.dumps(self.manifest, indent=2, default=str)
        )

    def _log(self, text: str) -> None:
        with open(self.run_dir / "run.log", "a", encoding="utf-8") as fh:
            fh.write(f"{_isonow()} {text}\n")

    def _finish(self, record: dict, result: dict) -> None:
        record.update(result)
        folder = self.run_dir / record["id"]
        record["files"] = sorted(
            (p.relative_to(self.run_dir).as_posix() for p in folder.rglob("*") if p.is_file()),
            key=lambda rel: ((self.run_dir / rel).stat().st_mtime_ns, rel),
        )
        log = self.run_dir / "logs" / f"{record['id']}.log"
        if log.exists() and log.stat().st_size == 0:
            log.unlink()
        record["log"] = f"logs/{record['id']}.log" if log.exists() else None
        self._log(
            f"END   {record['id']} status={record['status']} "
            f"duration={record['duration_s'] or 0:.1f}s"
            + (f" error={record['error']}" if record.get("error") else "")
        )
        self._save()

    # -- execution ---------------------------------------------------------------------------
    def execute(self) -> int:
        """Run every execution not reused from an earlier run on the cluster, then write the
        site pages. The cluster is connected (and every worker checked) before the run folder
        is made, so a refused cluster leaves nothing behind; a run that reuses everything
        starts no cluster at all."""
        previous = {} if self.force else runcache.reusable(self.runs_dir)
        cluster = None
        if any(r["cache_key"] not in previous for r in self.manifest["executions"]):
            cluster = self._connect()
        try:
            return self._execute(previous, cluster)
        finally:
            if cluster is not None:
                cluster.close(self.manifest["run_id"])

    def _connect(self) -> engine.Cluster:
        cluster = engine.connect(self.scheduler, self.jobs)
        try:
            self.runs_dir.mkdir(parents=True, exist_ok=True)
            engine.check_workers(cluster, self.data.store.root, self.runs_dir)
            self.manifest["cluster"] = cluster.describe()
        except BaseException:
            cluster.close()
            raise
        return cluster

    def _execute(self, previous: dict, cluster: engine.Cluster | None) -> int:
        from tqdm import tqdm

        tqdm.monitor_interval = 0  # no monitor thread: execution processes are forked
        self.run_dir = self._make_run_dir()
        (self.run_dir / "logs").mkdir()
        self._save()
        if cluster is not None:  # kernel zygotes start while the first pages are written
            engine.prepare_workers(cluster, self._kernel_env())
        # Runs killed before they could record an end are recorded as such now, and this
        # run gets its page at once, so a run killed later still has one.
        for killed in site.record_killed(self.runs_dir):
            self._log(f"NOTE  run {killed.name} was killed: recorded as killed")
        site.write_run_index(self.run_dir, self.manifest)
        site.write_outputs_index(self.outputs)
        where = f" scheduler={cluster.scheduler}" if cluster and not cluster.local else ""
        self._log(
            f"RUN   {self.manifest['run_id']} config={self.config.path} "
            f"data={self.data.mode} jobs={cluster.slots if cluster else self.jobs}{where} "
            f"executions={len(self.executions)}"
        )
        old_handlers = {
            s: signal.signal(s, self._on_signal) for s in (signal.SIGINT, signal.SIGTERM)
        }
        bar = tqdm(
            total=len(self.executions),
            unit="nb",
            file=sys.stderr,
            disable=None,
            desc=self.manifest["run_id"],
        )
        try:
            pending = deque()
            for record in self.manifest["executions"]:
                hit = previous.get(record["cache_key"])
                if hit and self.stop_signal is None:
                    self._reuse(record, *hit)
                    bar.update()
                else:
                    pending.append(record)
            if pending:
                self._schedule(cluster, pending, bar)
        except BaseException:
            self.manifest["status"] = "failed"
            self.manifest.setdefault("error", "the runner stopped on an unexpected error")
            self._save()
            raise
        finally:
            bar.close()
            for sig, handler in old_handlers.items():
                signal.signal(sig, handler)
        return self._conclude()

    def _reuse(self, record: dict, run_dir: Path, old: dict) -> None:
        runcache.link_tree(run_dir / old["id"], self.run_dir / record["id"])
        record["reused_from"] = f"{run_dir.name}/{old['id']}"
        self._log(f"REUSE {record['id']} from {record['reused_from']}")
        self._finish(
            record,
            {"status": "reused", "started_at": _isonow(), "ended_at": _isonow(), "duration_s": 0.0},
        )

    def _schedule(self, cluster: engine.Cluster, pending: deque, bar) -> None:
        """Keep ``cluster.slots`` executions submitted at a time, so "running" in the manifest
        means running and an interrupted run leaves the rest "not-run"."""
        running: dict = {}  # Dask future -> its manifest record
        try:
            while (pending or running) and self.stop_signal is None:
                while pending and len(running) < cluster.slots and self.stop_signal is None:
                    record = pending.popleft()
                    running[self._start(cluster, record)] = record
                for future in [f for f in running if f.done()]:
                    record = running.pop(future)
                    result = self._result(future, record)
                    self._finish(record, result)
                    bar.update()
                    tag = "ok" if result["status"] == "ok" else result["status"].upper()
                    bar.write(
                        f"{tag:<7} {record['id']}  {result['duration_s'] or 0:.1f}s",
                        file=sys.stderr,
                    )
                time.sleep(POLL_S)
        except BaseException as exc:  # a bug or a full disk: stop the executions, then report
            self.stop_signal = self.stop_signal or signal.SIGTERM
            self.manifest["error"] = f"{type(exc).__name__}: {exc}"
            raise
        finally:
            if self.stop_signal is not None:
                self._stop(running, pending)

    def _start(self, cluster: engine.Cluster, record: dict):
        ex = self._by_id[record["id"]]
        folder = self.run_dir / ex.id
        folder.mkdir()
        spec = {
            "input": str(ex.path),
            "folder": str(folder),
            "stem": ex.notebook,
            "params": {**ex.params, runconfig.RESERVED: str(folder)},
            "kernel": self.config.kernel,
            "timeout": self.config.timeout,
            "cwd": str(ex.path.parent),
        }
        future = cluster.client.submit(
            engine.run_execution,
            spec,
            self._kernel_env(),
            str(self.run_dir / "logs" / f"{ex.id}.log"),
            GRACE_S,
            key=f"sdg17-{self.manifest['run_id']}-{ex.id}",
            pure=False,
        )
        record.update(status="running", started_at=_isonow())
        self._t0[ex.id] = time.monotonic()
        self._log(f"START {ex.id} params={runcache.canonical(ex.params)}")
        self._save()
        return future

    def _result(self, future, record: dict) -> dict:
        """The task's result; a task that raised (its worker died, it was cancelled) failed."""
        try:
            result = future.result()
        except (Exception, asyncio.CancelledError) as exc:
            result = {
                "status": "failed",
                "error": f"the Dask task failed: {type(exc).__name__}: {exc}",
            }
        if result.get("duration_s") is None:
            result["duration_s"] = round(time.monotonic() - self._t0[record["id"]], 3)
        return result

    def _stop(self, running: dict, pending: deque) -> None:
        """Stop the executions. One that still finished cleanly meanwhile keeps its "ok"; the
        others still running become "interrupted", the pending ones "not-run"."""
        name = signal.Signals(self.stop_signal).name
        engine.request_stop(self.run_dir, kill=self.kill_now)
        deadline = time.monotonic() + GRACE_S + STOP_SLACK_S
        while running and time.monotonic() < deadline:
            if self.kill_now:
                engine.request_stop(self.run_dir, kill=True)
            for future in [f for f in running if f.done()]:
                record = running.pop(future)
                self._finish(record, self._stopped(self._result(future, record), name))
            time.sleep(POLL_S)
        for future, record in running.items():  # no answer in time: give up on them
            future.cancel()
            result = {"status": "failed", "error": "its worker did not answer the stop request"}
            self._finish(record, self._stopped({**result, "duration_s": None}, name))
        if not running:
            engine.clear_stop(self.run_dir)
        for record in pending:
            record["status"] = "not-run"
        self._save()

    @staticmethod
    def _stopped(result: dict, signal_name: str) -> dict:
        if result["status"] in ("ok", "not-run"):
            return result
        return {
            **result,
            "status": "interrupted",
            "ended_at": _isonow(),
            "error": f"stopped by {signal_name}",
        }

    def _kernel_env(self) -> dict:
        """Environment for workers and so their kernels: the run's store, offline (even in
        live mode: the fetch happened first, so every execution sees the snapshots the
        manifest lists), the repo importable, and matplotlib's inline backend (an inherited
        ``MPLBACKEND=Agg``, common in CI, would keep figures out of the HTML reports)."""
        pythonpath = os.pathsep.join(
            p for p in (str(paths.ROOT), os.environ.get("PYTHONPATH", "")) if p
        )
        return {
            "SDG17_DATA_DIR": str(self.data.store.root),
            "SDG17_OFFLINE": "1",
            "SDG17_RUN_ID": self.manifest["run_id"],
            "PYTHONPATH": pythonpath,
            "MPLBACKEND": "module://matplotlib_inline.backend_inline",
            "PYDEVD_DISABLE_FILE_VALIDATION": "1",
            "JUPYTER_PLATFORM_DIRS": "1",
            runconfig.FIGURE_FORMATS_ENV: ",".join(self.figure_formats),
        }

    def _on_signal(self, signum, frame) -> None:
        if self.stop_signal is not None:  # a second Ctrl-C: stop waiting for kernels
            self.kill_now = True
        self.stop_signal = signum

    def _conclude(self) -> int:
        m = self.manifest
        statuses = [e["status"] for e in m["executions"]]
        if self.stop_signal is not None:
            m["status"] = "interrupted"
        else:
            m["status"] = "failed" if "failed" in statuses else "ok"
        m["ended_at"] = _isonow()
        m["duration_s"] = round(time.time() - m["started_at_epoch"], 3)
        self._log(f"DONE  {m['run_id']} status={m['status']} duration={m['duration_s']:.1f}s")
        self._save()
        site.write_run_index(self.run_dir, m)
        if m["status"] != "interrupted":
            site.point_latest(self.outputs, self.run_dir)
        site.write_outputs_index(self.outputs)
        print(summary_table(m))
        print(f"report: {self.run_dir / 'index.html'}")
        if m["status"] == "interrupted":
            return 128 + int(self.stop_signal)
        return 1 if m["status"] == "failed" else 0


def _env_formats() -> tuple[str, ...]:
    """``$SDG17_FIGURE_FORMATS`` as plots.save reads it (checked there), else PNG."""
    raw = os.environ.get(runconfig.FIGURE_FORMATS_ENV, "")
    formats = tuple(dict.fromkeys(f.strip().lower() for f in raw.split(",") if f.strip()))
    unknown = [f for f in formats if f not in runconfig.FIGURE_FORMATS]
    if unknown:
        raise UsageError(
            f"{runconfig.FIGURE_FORMATS_ENV}={raw!r}: unknown figure format(s) "
            f"{', '.join(unknown)}; expected some of {', '.join(runconfig.FIGURE_FORMATS)}"
        )
    return formats or ("png",)


def summary_table(manifest: dict) -> str:
    rows = [("execution", "parameters", "status", "duration")]
    for e in manifest["executions"]:
        params = ", ".join(f"{k}={v}" for k, v in e["parameters"].items())
        rows.append(
            (
                e["id"],
                params if len(params) <= 48 else params[:45] + "...",
                e["status"],
                f"{e['duration_s']:.1f}s" if e["duration_s"] is not None else "-",
            )
        )
    widths = [max(len(str(r[i])) for r in rows) for i in range(4)]
    lines = [
        "  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)).rstrip() for r in rows
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    lines.append(f"run {manifest['run_id']}: {manifest['status']} in {manifest['duration_s']:.1f}s")
    return "\n".join(lines)


def run_cli(argv: list[str] | None = None) -> int:
    """``python -m helpers.run.runner [run options]``: the same as ``sdg17 run``."""
    parser = argparse.ArgumentParser(prog="python -m helpers.run.runner")
    sub = parser.add_subparsers(dest="command")
    add_parser(sub)
    argv = list(sys.argv[1:] if argv is None else argv)
    if not argv or argv[0] != "run":
        argv.insert(0, "run")
    args = parser.parse_args(argv)
    try:
        return args.func(args)
    except Sdg17Error as exc:
        print(f"error: {exc}", file=sys.stderr)
        return exc.exit_code


if __name__ == "__main__":
    sys.exit(run_cli())
