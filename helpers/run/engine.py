"""Where a run's executions happen: a Dask cluster, on this machine or on many.

One execution path. Every run submits its executions to a ``dask.distributed`` cluster; the
runner never executes a notebook itself:

- ``sdg17 run`` (no scheduler): a ``LocalCluster`` *inside the runner process* (threads,
  ``processes=False``), one thread per ``--jobs``. Starting it took 0.45 s here, imports
  included; worker processes would each have to start and import the project again, for no
  gain, since every execution runs in a process of its own anyway. And because each
  execution's process is then a child of the runner, Ctrl-C, ``PR_SET_PDEATHSIG`` (no orphan
  kernels when the runner is killed) and the liveness record (the runner's pid,
  :mod:`helpers.run.liveness`) work exactly as they did with the process pool this replaces.
- ``sdg17 run --scheduler ADDRESS`` (or ``$SDG17_DASK_SCHEDULER``; a path to a scheduler file
  works too): an existing cluster. Workers need the project installed (same Python packages)
  and must see the store and the outputs folder at the same paths as the runner: a shared
  filesystem. :func:`check_workers` proves it on every worker before any execution starts.

Either way a task is :func:`run_execution`: it forks one process per execution
(:class:`helpers.run.worker.Pool` of one), which runs papermill with a fresh kernel and
renders the HTML, and it watches the run folder for a stop request. Dask cannot interrupt a
running task, so the runner stops executions through the shared filesystem: on Ctrl-C it
writes ``<run>/.stop`` (``.kill`` on a second Ctrl-C), and each task then stops its process,
which shuts its kernel down, wherever that task runs.

What makes an execution cheap happens once per worker and run, not once per execution: the
worker imports papermill and nbconvert and compiles the report templates (the execution
processes it forks inherit them), and a kernel template process imports what notebooks import
so that each fresh kernel is forked ready (:mod:`helpers.run.kernels`). Both start as soon as
the run folder exists (:func:`prepare_workers`), while the runner writes its first pages.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import multiprocessing
import os
import socket
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from helpers.errors import Sdg17Error
from helpers.run import kernels
from helpers.run import worker as runworker

SCHEDULER_ENV = "SDG17_DASK_SCHEDULER"
STOP_FILE = ".stop"  # the runner asks every task of the run to stop its execution
KILL_FILE = ".kill"  # ... and not to wait for kernels to shut down
CONNECT_TIMEOUT_S = 20.0
POLL_S = 0.25


class ClusterError(Sdg17Error):
    """The cluster cannot be reached, has no workers, or a worker cannot do the run's work."""

    exit_code = 2


@dataclass
class Cluster:
    """A connected client, how many executions may run at once, and how to describe it."""

    client: object
    slots: int
    scheduler: str
    local: bool
    _cluster: object = field(default=None, repr=False)

    def describe(self) -> dict:
        workers = self.client.scheduler_info(n_workers=-1)["workers"]
        return {
            "scheduler": self.scheduler,
            "local": self.local,
            "slots": self.slots,
            "workers": {
                addr: {"host": w.get("host"), "nthreads": w.get("nthreads")}
                for addr, w in sorted(workers.items())
            },
        }

    def close(self, run_id: str | None = None) -> None:
        """Disconnect (and stop a local cluster), after stopping the run's kernel zygotes on
        every worker."""
        if run_id:
            with contextlib.suppress(Exception):  # a worker gone meanwhile has none left
                self.client.run(kernels.close, run_id, on_error="ignore")
        self.client.close()
        if self._cluster is not None:
            self._cluster.close()


def scheduler_address(option: str | None) -> str | None:
    """``--scheduler``, else ``$SDG17_DASK_SCHEDULER``, else None (a local cluster)."""
    return option or os.environ.get(SCHEDULER_ENV) or None


def connect(scheduler: str | None, jobs: int) -> Cluster:
    """A client on the cluster at ``scheduler`` (address or scheduler file), or on a new
    in-process local cluster with ``jobs`` threads when it is None.

    With a remote cluster, ``jobs`` caps how many executions run at once (0: as many as the
    workers have threads).

    Raises:
        ClusterError: the scheduler cannot be reached or has no worker.
    """
    import dask
    from distributed import Client, LocalCluster

    # The cluster's own INFO lines would bury the progress bar; warnings and errors still show.
    dask.config.set({"distributed.admin.system-monitor.gil.enabled": False})
    for name in ("distributed", "dask"):
        logging.getLogger(name).setLevel(logging.WARNING)
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=1,
            threads_per_worker=jobs,
            processes=False,
            protocol="tcp://",  # on loopback only: inproc:// would look up a public address
            host="127.0.0.1",
            dashboard_address=None,
            # no dashboard, but the scheduler's small HTTP server (health checks) still
            # starts: on a free loopback port, not on 8787 that another cluster may hold
            scheduler_kwargs={"dashboard_address": "127.0.0.1:0"},
            silence_logs=40,
        )
        client = Client(cluster, set_as_default=False)
        return Cluster(client, jobs, "local", True, cluster)
    try:
        if Path(scheduler).is_file():
            client = Client(
                scheduler_file=scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False
            )
        else:
            client = Client(scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise ClusterError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from exc
    try:
        client.wait_for_workers(1, timeout=CONNECT_TIMEOUT_S)
    except TimeoutError as exc:
        client.close()
        raise ClusterError(
            f"the Dask scheduler at {scheduler} has no worker (waited {CONNECT_TIMEOUT_S:.0f} s)"
        ) from exc
    threads = sum(client.nthreads().values())
    slots = min(jobs, threads) if jobs else threads
    return Cluster(client, slots, str(client.scheduler.address), False)


# -- the start-up check ----------------------------------------------------------------------
def check_worker(store_root: str, run_dir: str) -> dict:
    """On one worker: can it read the store and write into the run folder? (``client.run``)"""
    problems = []
    store = Path(store_root)
    try:
        entries = list(store.iterdir())
        if not entries:
            problems.append(f"the store {store} is empty here")
    except OSError as exc:
        problems.append(f"cannot read the store {store}: {exc.strerror or exc}")
    if multiprocessing.current_process().daemon:  # a nanny's worker, by default
        problems.append(
            "the worker process is daemonic and may not start execution processes; start "
            "workers with DASK_DISTRIBUTED__WORKER__DAEMON=False (or --no-nanny)"
        )
    probe = Path(run_dir) / f".probe-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    try:
        probe.write_text("ok", encoding="utf-8")
        probe.unlink()
    except OSError as exc:
        problems.append(f"cannot write the run folder {run_dir}: {exc.strerror or exc}")
    return {"host": socket.gethostname(), "pid": os.getpid(), "problems": problems}


def check_workers(cluster: Cluster, store_root: Path, run_dir: Path) -> dict:
    """Run :func:`check_worker` on every worker; refuse the run when any fails.

    Raises:
        ClusterError: naming each worker and what it cannot do.
    """
    replies = cluster.client.run(check_worker, str(store_root), str(run_dir), on_error="return")
    bad = []
    for addr, reply in sorted(replies.items()):
        if isinstance(reply, BaseException):
            bad.append(
                f"{addr}: the check failed ({type(reply).__name__}: {reply}); is the "
                "project installed on that worker?"
            )
        elif reply["problems"]:
            bad.append(f"{addr} ({reply['host']}): " + "; ".join(reply["problems"]))
    if bad:
        raise ClusterError(
            "worker check failed, nothing was run. Workers must see the store and the outputs "
            "folder at the same paths as the runner (a shared filesystem):\n  " + "\n  ".join(bad)
        )
    return replies


def prepare_workers(cluster: Cluster, env: dict) -> None:
    """Have every worker start the run's kernel zygote and import what execution processes
    need, while the runner writes its first pages (does not wait)."""
    cluster.client.run(prepare_worker, env, wait=False)


async def prepare_worker(env: dict) -> None:
    """On a worker (``client.run`` without waiting wants a coroutine): off its event loop."""
    await asyncio.to_thread(_prepare, env)


def _prepare(env: dict) -> None:
    with contextlib.suppress(Exception):  # a failure here shows again, logged, in the task
        kernels.start(env)  # imports in its own process, on the other core
        runworker.warm()


# -- the task --------------------------------------------------------------------------------
def where() -> dict:
    """The worker this runs on: its Dask address and host (for the manifest)."""
    try:
        from distributed import get_worker

        address = get_worker().address
    except ValueError:  # not inside a Dask task
        address = None
    return {"address": address, "host": socket.gethostname()}


def run_execution(spec: dict, env: dict, log_path: str, grace: float) -> dict:
    """The Dask task: execute ``spec`` in a process of its own, stopping it on request.

    Returns the result dict of :func:`helpers.run.worker.execute` plus ``worker``.
    """
    run_dir = Path(log_path).parents[1]
    stop, kill = run_dir / STOP_FILE, run_dir / KILL_FILE
    info = where()
    if stop.exists():
        return {"status": "not-run", "error": "stopped before it started", "worker": info}
    try:  # kernels forked from a template that has done the imports (helpers.run.kernels)
        spec = {**spec, "zygote": kernels.zygote_for(env)}
    except (RuntimeError, OSError) as exc:
        with open(log_path, "a", encoding="utf-8") as log:
            log.write(f"note: kernels started the usual way: {exc}\n")
    runworker.warm()  # once per process: what every forked execution process needs imported
    pool = runworker.Pool(1)
    pool.start(None, spec, env, Path(log_path))
    result = None
    while result is None:
        done = pool.finished(timeout=POLL_S)
        if done:
            result = done[0][1]
        elif stop.exists():
            result = pool.stop(grace, hurry=kill.exists)[0][1]
    result["worker"] = info
    return result


def request_stop(run_dir: Path, *, kill: bool = False) -> None:
    """Ask every task of the run to stop (see the module docstring)."""
    (run_dir / (KILL_FILE if kill else STOP_FILE)).write_text(f"{time.time()}\n")


def clear_stop(run_dir: Path) -> None:
    for name in (STOP_FILE, KILL_FILE):
        (run_dir / name).unlink(missing_ok=True)
