"""Benchmark ``sdg17 run`` on the demo store: where one execution's time goes, the 12-scorecard
fan-out against a plain papermill loop, and the fan-out's scaling on a Dask cluster.

Usage:
    python bench/bench_run.py                      # what `make bench-run` prints (about 5 min)
    python bench/bench_run.py --scaling-economies 0    # scaling on every economy (much longer)

It prints, in one run:

1. **Breakdown of one execution** (``04_country_scorecard``, KEN), from papermill's cell timings:
   kernel start, imports, loading the tidy tables, models (and building the figures), drawing
   and saving the figures, the other output cells, HTML rendering; once with a kernel started
   the usual way (what a papermill loop pays) and once forked from the kernel zygote (what
   ``sdg17 run`` pays, :mod:`helpers.run.kernels`).
2. **12 scorecards**: a plain loop of ``papermill.execute_notebook`` calls over 12 economies
   against ``sdg17 run --jobs 1 --force`` (one core each: what the runner saves per execution)
   and ``--jobs 2 --force`` over the same 12, and a no-change rerun.
3. **Scaling**: ``runs/every_economy.yaml`` (on its first ``--scaling-economies`` economies)
   on a local Dask cluster whose scheduler and workers are separate processes (``dask
   scheduler``, ``dask worker --nthreads 1``), with 1 and then 2 workers: executions per minute
   and the ratio.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

NOTEBOOK = ROOT / "notebooks" / "04_country_scorecard.ipynb"


def load() -> str:
    """The load averages: the machine may be shared, and a busy one slows every row."""
    one, five, _ = os.getloadavg()
    return f"load average {one:.2f} (1 min), {five:.2f} (5 min)"


def sdg17_command() -> list[str]:
    """``sdg17`` beside this interpreter, else the same code path via ``-m helpers.run.runner``."""
    exe = Path(sys.executable).with_name("sdg17")
    return [str(exe)] if exe.exists() else [sys.executable, "-m", "helpers.run.runner"]


def newest_manifest(outputs: Path) -> dict | None:
    found = sorted(
        (outputs / "runs").glob("*/manifest.json"),
        key=lambda p: json.loads(p.read_text()).get("started_at_epoch", 0),
    )
    return json.loads(found[-1].read_text()) if found else None


def timed_run(argv: list[str], env: dict) -> tuple[float, int, dict | None]:
    t0 = time.perf_counter()
    proc = subprocess.run(
        [*sdg17_command(), "run", *argv],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - t0
    if proc.returncode not in (0, 1):
        sys.stderr.write(proc.stderr[-3000:])
    return seconds, proc.returncode, newest_manifest(Path(env["SDG17_OUTPUTS_DIR"]))


class Quiet:
    """Kernels write start-up warnings to the inherited stderr; keep them off the report."""

    def __enter__(self):
        self.saved = os.dup(2)
        self.null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(self.null, 2)

    def __exit__(self, *exc):
        os.dup2(self.saved, 2)
        os.close(self.saved)
        os.close(self.null)


def papermill_once(economy: str, folder: Path, zygote: str | None = None) -> float:
    """Execute the scorecard with papermill, as a plain loop would; returns seconds."""
    import papermill

    from helpers.run import worker as runworker

    folder.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    papermill.execute_notebook(
        str(NOTEBOOK),
        str(folder / "scorecard.ipynb"),
        parameters={"economy": economy, "output_dir": str(folder)},
        kernel_name="python3",
        progress_bar=False,
        cwd=str(NOTEBOOK.parent),
        kernel_manager_class=runworker._kernel_manager_class("python3", zygote),
    )
    return time.perf_counter() - t0


def _kind(source: str) -> str:
    if source.lstrip().startswith(("import ", "from ")):
        return "imports"
    if "tidy.load" in source or "tidy.economies" in source:
        return "loading the tidy tables"
    if "page.show" in source or "page.key_findings" in source or "page.heading" in source:
        return "output cells"
    if "=" in source and "indicator_table" in source:
        return "models, building figures"
    return "other cells"


def breakdown(workdir: Path, store: Path, zygote_env: dict) -> list[tuple[str, float, float]]:
    """(part, seconds with a usual kernel, seconds with a forked kernel) for one scorecard."""
    from helpers.run import kernels
    from helpers.run import worker as runworker

    rows: dict[str, list[float]] = {}

    def measure(label: int, zygote: str | None) -> None:
        folder = workdir / f"breakdown-{label}"
        total = papermill_once("KEN", folder, zygote)
        nb = json.loads((folder / "scorecard.ipynb").read_text())
        parts: dict[str, float] = {}
        figures = 0.0
        for cell in nb["cells"]:
            if cell["cell_type"] != "code":
                continue
            source = "".join(cell["source"])
            seconds = cell["metadata"]["papermill"]["duration"] or 0.0
            kind = _kind(source)
            if kind == "output cells" and any(
                "image/png" in o.get("data", {}) for o in cell.get("outputs", [])
            ):
                figures += seconds
                continue
            parts[kind] = parts.get(kind, 0.0) + seconds
        parts["drawing and saving figures (PNG)"] = figures
        parts = {"kernel start (and papermill)": total - sum(parts.values()), **parts}
        t0 = time.perf_counter()
        runworker.render_html(folder / "scorecard.ipynb", folder, "scorecard")
        parts["HTML rendering (templates compiled)"] = time.perf_counter() - t0
        for name, seconds in parts.items():
            rows.setdefault(name, [0.0, 0.0])[label] = seconds

    saved = dict(os.environ)
    os.environ.update(zygote_env)
    try:
        with Quiet():
            runworker.warm()
            papermill_once("KEN", workdir / "warm-up")  # disk caches, as in any later run
            measure(0, None)
            zygote = kernels.zygote_for(zygote_env)
            papermill_once("KEN", workdir / "warm-up-2", zygote)
            measure(1, zygote)
    finally:
        kernels.close()
        os.environ.clear()
        os.environ.update(saved)
    return [(name, usual, forked) for name, (usual, forked) in rows.items()]


def papermill_loop(economies: list[str], workdir: Path, env: dict) -> float:
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        with Quiet():
            t0 = time.perf_counter()
            for economy in economies:
                papermill_once(economy, workdir / "loop" / economy)
            return time.perf_counter() - t0
    finally:
        os.environ.clear()
        os.environ.update(saved)


def write_config(path: Path, name: str, economies: list[str]) -> Path:
    base = yaml.safe_load((ROOT / "runs" / "every_economy.yaml").read_text())
    base["name"] = name
    base["notebooks"][0]["fan_out"]["economy"] = economies
    path.write_text(yaml.safe_dump(base, sort_keys=False))
    return path


LOOPBACK = ["--host", "127.0.0.1", "--no-dashboard"]
ONE_THREAD = ["--nthreads", "1", "--no-nanny"]


class DaskCluster:
    """``dask scheduler`` and ``dask worker`` processes on 127.0.0.1, one thread per worker."""

    def __init__(self, folder: Path, workers: int, env: dict):
        dask = str(Path(sys.executable).with_name("dask"))
        folder.mkdir(parents=True, exist_ok=True)
        self.file = folder / "scheduler.json"
        self.log = open(folder / "cluster.log", "ab")  # noqa: SIM115 (closed in stop)
        common = {"env": env, "stdout": self.log, "stderr": self.log, "cwd": folder}
        self.procs = [
            subprocess.Popen(
                [dask, "scheduler", "--scheduler-file", str(self.file), "--port", "0", *LOOPBACK],
                **common,
            )
        ]
        while not self.file.exists():
            time.sleep(0.1)
        for _ in range(workers):
            self.procs.append(
                subprocess.Popen(
                    [dask, "worker", "--scheduler-file", str(self.file), *LOOPBACK, *ONE_THREAD],
                    **common,
                )
            )
        from distributed import Client

        with Client(scheduler_file=str(self.file), timeout=60) as client:
            client.wait_for_workers(workers, timeout=120)

    def stop(self) -> None:
        for p in reversed(self.procs):
            p.terminate()
        for p in self.procs:
            try:
                p.wait(timeout=15)
            except subprocess.TimeoutExpired:
                p.kill()
        self.log.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scorecards", type=int, default=12, help="economies in the comparison")
    parser.add_argument(
        "--scaling-economies",
        type=int,
        default=16,
        help="economies of runs/every_economy.yaml in the scaling runs (0: all)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the outputs folder")
    args = parser.parse_args(argv)

    from helpers import tidy
    from helpers.reference import groups
    from helpers.run import data as rundata

    store = rundata.ensure_demo_store().root  # built now, so no timed run pays for it
    every = groups.members("all", tidy.economies(store=store))
    workdir = Path(tempfile.mkdtemp(prefix="sdg17-bench-run-"))
    pythonpath = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    kernel_env = {
        "SDG17_DATA_DIR": str(store),
        "SDG17_OFFLINE": "1",
        "SDG17_RUN_ID": "bench",
        "PYTHONPATH": pythonpath,
        "MPLBACKEND": "module://matplotlib_inline.backend_inline",
        "PYDEVD_DISABLE_FILE_VALIDATION": "1",
    }
    env = {**os.environ, "SDG17_OUTPUTS_DIR": str(workdir / "outputs"), "PYTHONPATH": pythonpath}
    rc = 0
    try:
        print(f"demo store {store}: {len(every)} economies; {os.cpu_count()} CPUs; {load()}")
        print("\n1. One execution of 04_country_scorecard (KEN), seconds")
        rows = breakdown(workdir, store, kernel_env)
        print(f"{'part':<38}{'usual kernel':>14}{'forked kernel':>15}")
        for name, usual, forked in rows:
            print(f"{name:<38}{usual:>14.2f}{forked:>15.2f}")
        print(f"{'total':<38}{sum(r[1] for r in rows):>14.2f}{sum(r[2] for r in rows):>15.2f}")

        economies = every[: args.scorecards]
        print(f"\n2. {len(economies)} scorecards ({', '.join(economies)})")
        loop = papermill_loop(economies, workdir, kernel_env)
        cfg = write_config(workdir / "twelve.yaml", "twelve", economies)
        base = ["--config", str(cfg), "--data", "demo"]
        jobs1, rc1, _ = timed_run([*base, "--jobs", "1", "--force"], env)
        jobs2, rc2, _ = timed_run([*base, "--jobs", "2", "--force"], env)
        rerun, rc3, m3 = timed_run([*base, "--jobs", "2"], env)
        reused = sum(e["status"] == "reused" for e in (m3 or {}).get("executions", []))
        print(f"{'':<36}{'exit':>5}{'wall s':>9}{'per nb s':>10}")
        print(f"{'papermill loop':<36}{0:>5}{loop:>9.2f}{loop / len(economies):>10.2f}")
        for label, seconds, code in (
            ("sdg17 run --jobs 1 --force", jobs1, rc1),
            ("sdg17 run --jobs 2 --force", jobs2, rc2),
        ):
            print(f"{label:<36}{code:>5}{seconds:>9.2f}{seconds / len(economies):>10.2f}")
        print(f"{f'sdg17 run --jobs 2 ({reused} reused)':<36}{rc3:>5}{rerun:>9.2f}")
        print(
            f"--jobs 1 --force is {loop / jobs1:.2f}x as fast as the papermill loop (one core each)"
        )
        print(f"--jobs 2 --force is {loop / jobs2:.2f}x as fast as the papermill loop ({load()})")
        rc |= rc1 | rc2 | rc3

        n = args.scaling_economies or len(every)
        scaled = every[:n]
        cfg = write_config(workdir / "every.yaml", "every_economy", scaled)
        print(
            f"\n3. runs/every_economy.yaml on {len(scaled)} of {len(every)} economies, "
            "Dask cluster of separate processes on 127.0.0.1 (1 thread per worker)"
        )
        print(f"{'workers':<9}{'exit':>5}{'wall s':>9}{'exec/min':>10}")
        rates = {}
        for workers in (1, 2):
            cluster = DaskCluster(workdir / f"dask-{workers}", workers, env)
            try:
                seconds, code, _ = timed_run(
                    [
                        "--config",
                        str(cfg),
                        "--data",
                        "demo",
                        "--force",
                        "--scheduler",
                        str(cluster.file),
                    ],
                    env,
                )
            finally:
                cluster.stop()
            rates[workers] = len(scaled) / seconds * 60
            rc |= code
            print(f"{workers:<9}{code:>5}{seconds:>9.2f}{rates[workers]:>10.1f}")
        print(f"2 workers / 1 worker: {rates[2] / rates[1]:.2f}x ({load()})")
        return 1 if rc else 0
    finally:
        if args.keep:
            print(f"outputs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
