"""``sdg17 run --scheduler``: a run on a Dask cluster of separate processes on 127.0.0.1.

The cluster (``dask scheduler`` and two ``dask worker`` processes, one thread each) is started
once for the module; every worker sees this machine's filesystem, the normal shared-filesystem
case. A worker that cannot see the store is made with a mount namespace (``unshare -m``) whose
empty tmpfs hides the store's folder.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from helpers.paths import ROOT
from helpers.run import engine
from tests.fakes.notebooks import runkit

pytestmark = pytest.mark.skipif(
    shutil.which("dask") is None and not Path(sys.executable).with_name("dask").exists(),
    reason="needs the dask command",
)

DASK = str(Path(sys.executable).with_name("dask"))


def _start_cluster(folder: Path, workers: int, wrap=lambda argv: argv) -> tuple[Path, list]:
    """A scheduler and ``workers`` one-thread workers on 127.0.0.1: (scheduler file, procs)."""
    folder.mkdir(parents=True, exist_ok=True)
    sfile = folder / "scheduler.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT), "DASK_DISTRIBUTED__WORKER__DAEMON": "False"}
    log = open(folder / "cluster.log", "ab")  # noqa: SIM115 (closed with the processes)
    procs = [
        subprocess.Popen(
            [
                DASK,
                "scheduler",
                "--host",
                "127.0.0.1",
                "--port",
                "0",
                "--no-dashboard",
                "--scheduler-file",
                str(sfile),
            ],
            env=env,
            stdout=log,
            stderr=log,
            cwd=folder,
        )
    ]
    deadline = time.monotonic() + 60
    while not sfile.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    for _ in range(workers):
        argv = [
            DASK,
            "worker",
            "--scheduler-file",
            str(sfile),
            "--host",
            "127.0.0.1",
            "--nthreads",
            "1",
            "--no-dashboard",
            "--no-nanny",
        ]
        procs.append(subprocess.Popen(wrap(argv), env=env, stdout=log, stderr=log, cwd=folder))
    _wait_for_workers(sfile, workers)
    return sfile, procs


def _wait_for_workers(sfile: Path, n: int) -> None:
    from distributed import Client

    with Client(scheduler_file=str(sfile), timeout=60) as client:
        client.wait_for_workers(n, timeout=90)


def _stop(procs: list) -> None:
    for p in reversed(procs):
        p.terminate()
    for p in procs:
        try:
            p.wait(timeout=15)
        except subprocess.TimeoutExpired:
            p.kill()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    sfile, procs = _start_cluster(tmp_path_factory.mktemp("dask"), 2)
    yield sfile
    _stop(procs)


@pytest.mark.notebook
def test_a_cluster_run_gives_the_tables_of_a_local_run_and_records_workers(
    tmp_path, monkeypatch, cluster, tmp_path_factory
):
    local = runkit.toy_run(tmp_path_factory.getbasetemp() / "toy-run")
    assert local["code"] == 0
    runkit.patch_economies(monkeypatch)
    runkit.seed_store(tmp_path / "data")
    cfg = runkit.write_config(tmp_path / "toy.yaml", runkit.TOY_CONFIG)
    code, _ = runkit.cli("--config", str(cfg), "--scheduler", str(cluster))
    assert code == 0
    (run_dir,) = runkit.run_dirs(tmp_path / "outputs")
    m = runkit.manifest_of(run_dir)
    workers = set(m["cluster"]["workers"])
    assert len(workers) == 2 and m["cluster"]["local"] is False
    assert m["options"]["scheduler"] == str(cluster)
    for e in m["executions"]:
        assert e["status"] == "ok", e["error"]
        assert e["worker"]["address"] in workers and e["worker"]["host"]
    tables = sorted(p.relative_to(run_dir) for p in run_dir.rglob("*.csv"))
    assert tables == sorted(
        p.relative_to(local["run_dir"]) for p in local["run_dir"].rglob("*.csv")
    )
    for rel in tables:
        assert (run_dir / rel).read_text() == (local["run_dir"] / rel).read_text(), rel
    assert not (run_dir / engine.STOP_FILE).exists()


@pytest.mark.notebook
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs /proc")
def test_an_interrupted_cluster_run_stops_kernels_on_workers(tmp_path, cluster):
    runkit.seed_store(tmp_path / "data")
    cfg = runkit.write_config(
        tmp_path / "c.yaml",
        """\
        name: slow
        notebooks:
          - notebook: toy_slow
            parameter_sets: [{label: a, parameters: {seconds: 120}},
                             {label: b, parameters: {seconds: 120}}]
        """,
    )
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "helpers.run.runner",
            "--config",
            str(cfg),
            "--jobs",
            "1",
            "--scheduler",
            str(cluster),
        ],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    outputs = Path(os.environ["SDG17_OUTPUTS_DIR"])
    try:
        manifest = runkit.first_save(outputs, "*/toy_slow__a/toy_slow.ipynb")
        assert manifest, "the run did not start"
        time.sleep(1.0)
        run_id = manifest.parent.name
        assert runkit.processes_of(run_id), "no kernel seen on the workers"
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=40)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    m = json.loads(manifest.read_text())
    assert m["status"] == "interrupted"
    assert [e["status"] for e in m["executions"]] == ["interrupted", "not-run"]
    assert m["executions"][0]["worker"]["address"] in m["cluster"]["workers"]
    time.sleep(1.5)
    assert runkit.processes_of(run_id) == []


def _can_unshare() -> bool:
    if not sys.platform.startswith("linux") or shutil.which("unshare") is None:
        return False
    probe = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs none /mnt"], capture_output=True
    )
    return probe.returncode == 0


@pytest.mark.skipif(not _can_unshare(), reason="needs unshare -m (root on Linux)")
def test_the_worker_check_refuses_a_worker_that_cannot_see_the_store(tmp_path, monkeypatch, capsys):
    runkit.patch_economies(monkeypatch)
    shared = tmp_path / "shared"
    monkeypatch.setenv("SDG17_DATA_DIR", str(shared / "data"))
    runkit.seed_store(shared / "data")

    def blind(argv):  # this worker sees an empty folder where the store's parent is
        return [
            "unshare",
            "-m",
            "sh",
            "-c",
            f'mount -t tmpfs none "{shared}" && exec "$@"',
            "sh",
            *argv,
        ]

    sfile, procs = _start_cluster(tmp_path / "dask", 1, wrap=blind)
    try:
        cfg = runkit.write_config(tmp_path / "c.yaml", "notebooks: [toy_slow]\n")
        code, _ = runkit.cli("--config", str(cfg), "--scheduler", str(sfile))
    finally:
        _stop(procs)
    err = capsys.readouterr().err
    assert code == 2
    assert "worker check failed" in err and f"cannot read the store {shared / 'data'}" in err
    assert runkit.run_dirs(Path(os.environ["SDG17_OUTPUTS_DIR"])) == []


def test_an_unreachable_scheduler_is_a_clear_error(tmp_path, monkeypatch, capsys):
    runkit.seed_store(tmp_path / "data")
    cfg = runkit.write_config(tmp_path / "c.yaml", "notebooks: [toy_slow]\n")
    monkeypatch.setattr(engine, "CONNECT_TIMEOUT_S", 2.0)
    code, _ = runkit.cli("--config", str(cfg), "--scheduler", "tcp://127.0.0.1:9")
    assert code == 2
    assert "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in capsys.readouterr().err


def test_check_worker_names_what_a_worker_cannot_do(tmp_path, monkeypatch):
    store = tmp_path / "data"
    runkit.seed_store(store)
    runs = tmp_path / "runs"
    runs.mkdir()
    assert engine.check_worker(str(store), str(runs))["problems"] == []
    (problem,) = engine.check_worker(str(tmp_path / "absent"), str(runs))["problems"]
    assert problem.startswith(f"cannot read the store {tmp_path / 'absent'}")
    (problem,) = engine.check_worker(str(store), str(tmp_path / "nowhere"))["problems"]
    assert problem.startswith(f"cannot write the run folder {tmp_path / 'nowhere'}")
    monkeypatch.setattr(multiprocessing.current_process(), "daemon", True, raising=False)
    (problem,) = engine.check_worker(str(store), str(runs))["problems"]
    assert "DASK_DISTRIBUTED__WORKER__DAEMON=False" in problem
